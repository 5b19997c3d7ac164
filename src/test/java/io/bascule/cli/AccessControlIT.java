package io.bascule.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bascule.demo.SampleDatabase;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import io.bascule.testing.TestModels;
import io.bascule.web.TasklistFilters;
import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.FilterService;
import org.camunda.bpm.engine.authorization.ProcessDefinitionPermissions;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.filter.Filter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Camunda authorization on a running {@code serve}, with real users and HTTP calls: a {@code viewer} reads runbook
 * instances, tasks and history but cannot start a runbook or work its task (403), a {@code dba} can, Cockpit lets
 * both in and Admin neither; Tasklist opens on the runbook filter; a restart creates no authorization twice. The
 * runbook worked is platinumReport's stand-in, one DBA task ({@link TestModels}).
 */
class AccessControlIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String ADMIN = "ada";
    private static final String DBA = "dora";
    private static final String VIEWER = "vic";
    private static final Map<String, String> PASSWORDS = Map.of(ADMIN, "ada-secret-for-test", DBA, "dora-secret-for-test",
            VIEWER, "vic-secret-for-test");
    private static final Map<String, String> ENV = Map.of("TEST_ADA_PASSWORD", PASSWORDS.get(ADMIN),
            "TEST_DORA_PASSWORD", PASSWORDS.get(DBA), "TEST_VIC_PASSWORD", PASSWORDS.get(VIEWER));

    /** ada is an administrator, dora a DBA, vic a viewer. */
    private static Path config(Path root) throws Exception {
        Files.createDirectories(root);
        return Files.writeString(root.resolve("bascule.yml"), """
                bascule:
                  web:
                    users:
                      - id: ada
                        groups: [camunda-admin]
                        password-env: TEST_ADA_PASSWORD
                      - id: dora
                        groups: [dba]
                        password-env: TEST_DORA_PASSWORD
                      - id: vic
                        groups: [viewer]
                        password-env: TEST_VIC_PASSWORD
                """);
    }

    @Test
    void onlyDbasStartAndWorkRunbooksViewersReadAndRestartGrantsNothingTwice() throws Exception {
        Path root = Path.of("target", "access-it-" + ProcessHandle.current().pid()).toAbsolutePath();
        // platinumReport as its stand-in: a runbook whose first step is a DBA task (TestModels)
        List<String> argList = new ArrayList<>(List.of("serve", "--config", config(root).toString(), "--work-dir",
                root.resolve("work").toString(), "--server.port=0"));
        argList.addAll(TestModels.withPlatinumStub(root).args());
        String[] args = argList.toArray(String[]::new);

        long authorizations;
        String runningInstance;
        CliRun first = CliRun.of(ENV, args);
        try {
            assertThat(first.exitCode()).as(first.err()).isZero();
            String base = baseUrl(first);

            // a viewer may not start a runbook; a DBA may
            assertRefused(post(base + "/engine-rest/process-definition/key/cutover/start", "{}", VIEWER));
            assertRefused(post(base + "/engine-rest/process-definition/key/goldVerification/start", "{}", VIEWER));
            HttpResponse<String> started = post(base + "/engine-rest/process-definition/key/platinumReport/start", "{}", DBA);
            assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
            String instanceId = json(started).get("id").asText();

            // both see the task; only the DBA may claim and complete it
            JsonNode dbaTasks = json(get(base + "/engine-rest/task?processInstanceId=" + instanceId, DBA));
            assertThat(dbaTasks).hasSize(1);
            String taskId = dbaTasks.get(0).get("id").asText();
            assertThat(json(get(base + "/engine-rest/task?processInstanceId=" + instanceId, VIEWER))).hasSize(1);
            assertThat(get(base + "/engine-rest/task/" + taskId + "/deployed-form", DBA).statusCode()).isEqualTo(200);
            String completion = "{\"variables\":{\"acknowledged\":{\"value\":true}}}";
            assertRefused(post(base + "/engine-rest/task/" + taskId + "/claim", "{\"userId\":\"vic\"}", VIEWER));
            assertRefused(post(base + "/engine-rest/task/" + taskId + "/complete", completion, VIEWER));
            // the candidate group's own authorization on the task is TASK_WORK (claim, complete), not UPDATE
            JsonNode taskGrants = json(get(base + "/engine-rest/authorization?resourceType=" + Resources.TASK.resourceType()
                    + "&resourceId=" + taskId + "&groupIdIn=dba", ADMIN));
            assertThat(taskGrants).hasSize(1);
            assertThat(taskGrants.get(0).get("permissions").toString()).contains("TASK_WORK").doesNotContain("\"UPDATE\"");
            assertThat(post(base + "/engine-rest/task/" + taskId + "/claim", "{\"userId\":\"dora\"}", DBA).statusCode()).isEqualTo(204);
            HttpResponse<String> completed = post(base + "/engine-rest/task/" + taskId + "/complete", completion, DBA);
            assertThat(completed.statusCode()).as(completed.body()).isEqualTo(204);

            // a running runbook: the viewer sees the instance, and reads the finished one's history
            HttpResponse<String> platinum = post(base + "/engine-rest/process-definition/key/platinumReport/start", "{}", DBA);
            assertThat(platinum.statusCode()).isEqualTo(200);
            runningInstance = json(platinum).get("id").asText();
            assertThat(get(base + "/engine-rest/process-instance?processDefinitionKey=platinumReport", VIEWER).body()).contains(runningInstance);
            JsonNode history = json(get(base + "/engine-rest/history/process-instance?processInstanceId=" + instanceId, VIEWER));
            assertThat(history).hasSize(1);
            assertThat(history.get(0).get("state").asText()).isEqualTo("COMPLETED");
            assertThat(history.get(0).get("startUserId").asText()).isEqualTo(DBA);
            JsonNode historicTasks = json(get(base + "/engine-rest/history/task?processInstanceId=" + instanceId, VIEWER));
            assertThat(historicTasks).hasSize(1);
            assertThat(historicTasks.get(0).get("assignee").asText()).isEqualTo(DBA);
            assertThat(get(base + "/engine-rest/history/user-operation?processInstanceId=" + instanceId, VIEWER).body())
                    .contains("\"operationType\":\"Complete\"").contains("\"userId\":\"dora\"");
            assertThat(get(base + "/engine-rest/process-definition/key/cutover/xml", VIEWER).statusCode()).isEqualTo(200);
            // Cockpit's dashboard: the runbook definitions with their running instances
            assertThat(get(base + "/engine-rest/process-definition/statistics", VIEWER).body())
                    .contains("\"key\":\"rollback\"").contains("\"key\":\"goldVerification\"");

            // retrying incidents: the engine's own evaluation of the grants (no failing job needed)
            AuthorizationService auth = first.outcome().application().getBean(AuthorizationService.class);
            assertThat(auth.isUserAuthorized(DBA, List.of("dba"), ProcessDefinitionPermissions.RETRY_JOB,
                    Resources.PROCESS_DEFINITION, "goldMigration")).isTrue();
            assertThat(auth.isUserAuthorized(VIEWER, List.of("viewer"), ProcessDefinitionPermissions.RETRY_JOB,
                    Resources.PROCESS_DEFINITION, "goldMigration")).isFalse();

            // the web apps: Tasklist and Cockpit for both, Admin for neither
            for (String user : List.of(DBA, VIEWER)) {
                assertThat(login(base, "tasklist", user).statusCode()).as(user + " tasklist").isEqualTo(200);
                assertThat(login(base, "cockpit", user).statusCode()).as(user + " cockpit").isEqualTo(200);
                assertThat(login(base, "admin", user).statusCode()).as(user + " admin").isEqualTo(403);
            }
            assertThat(login(base, "admin", ADMIN).statusCode()).isEqualTo(200);

            // in Tasklist (its own engine API, session login): the viewer's start and completion are refused too
            WebSession viewer = WebSession.open(base);
            assertThat(viewer.login("tasklist", VIEWER).statusCode()).isEqualTo(200);
            WebSession dba = WebSession.open(base);
            assertThat(dba.login("tasklist", DBA).statusCode()).isEqualTo(200);
            assertRefused(viewer.post("/process-definition/key/platinumReport/submit-form", "{\"variables\":{}}"));
            HttpResponse<String> submitted = dba.post("/process-definition/key/platinumReport/submit-form", "{\"variables\":{}}");
            assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(200);
            String tasklistInstance = json(submitted).get("id").asText();
            JsonNode tasklistTasks = json(viewer.get("/task?processInstanceId=" + tasklistInstance));
            assertThat(tasklistTasks).as("the viewer sees the task in Tasklist").hasSize(1);
            String tasklistTask = tasklistTasks.get(0).get("id").asText();
            String form = "{\"variables\":{\"acknowledged\":{\"value\":true,\"type\":\"Boolean\"}}}";
            assertRefused(viewer.post("/task/" + tasklistTask + "/submit-form", form));
            assertThat(dba.post("/task/" + tasklistTask + "/claim", "{\"userId\":\"dora\"}").statusCode()).isEqualTo(204);
            assertThat(dba.post("/task/" + tasklistTask + "/submit-form", form).statusCode()).isEqualTo(204);
            assertThat(viewer.get("/history/process-instance?processInstanceId=" + tasklistInstance).body())
                    .contains("\"state\":\"COMPLETED\"");
            assertThat(get(base + "/engine-rest/user", VIEWER).statusCode()).isEqualTo(200);
            assertThat(post(base + "/engine-rest/user/create", "{\"profile\":{\"id\":\"mallory\"},\"credentials\":{\"password\":"
                    + "\"Mallory-123\"}}", DBA).statusCode()).isEqualTo(403);

            // Tasklist opens on the filter of lowest priority: the runbook tasks, where the DBA's new task is
            for (String user : List.of(DBA, VIEWER)) {
                JsonNode opening = openingFilter(base, user);
                assertThat(opening.get("name").asText()).as(user).isEqualTo(TasklistFilters.RUNBOOK_TASKS);
                JsonNode listed = json(post(base + "/engine-rest/filter/" + opening.get("id").asText() + "/list", "{}", user));
                assertThat(listed.toString()).as(user).contains(runningInstance);
            }

            // an engine database from an earlier version: My tasks at -10, the runbook filter at 0
            FilterService filters = first.outcome().application().getBean(FilterService.class);
            setPriority(filters, TasklistFilters.MY_TASKS, -10);
            setPriority(filters, TasklistFilters.RUNBOOK_TASKS, 0);
            assertThat(openingFilter(base, DBA).get("name").asText()).isEqualTo(TasklistFilters.MY_TASKS);

            authorizations = json(get(base + "/engine-rest/authorization/count", ADMIN)).get("count").asLong();
        } finally {
            close(first);
        }

        CliRun second = CliRun.of(ENV, args);
        try {
            assertThat(second.exitCode()).as(second.err()).isZero();
            String base = baseUrl(second);
            assertThat(json(get(base + "/engine-rest/authorization/count", ADMIN)).get("count").asLong())
                    .as("a restart creates no authorization twice").isEqualTo(authorizations);
            assertThat(openingFilter(base, DBA).get("name").asText()).as("earlier default priorities moved")
                    .isEqualTo(TasklistFilters.RUNBOOK_TASKS);
            assertRefused(post(base + "/engine-rest/process-definition/key/rollback/start", "{}", VIEWER));
            JsonNode task = json(get(base + "/engine-rest/task?processInstanceId=" + runningInstance, DBA)).get(0);
            assertThat(post(base + "/engine-rest/task/" + task.get("id").asText() + "/complete",
                    "{\"variables\":{\"acknowledged\":{\"value\":true}}}", DBA).statusCode()).isEqualTo(204);
        } finally {
            close(second);
        }
    }

    /**
     * The command line's engine runs without authorization checks, so the tasks it creates carry no per-task
     * authorization: a {@code migrate} waiting for its review is still listed and worked in Tasklist by a DBA
     * (through the grants on the process definition), and still refused to a viewer.
     */
    @Test
    @ExtendWith(EmbeddedDatabases.class)
    void aReviewWaitingFromTheCommandLineIsWorkedByADbaOnly(TestDatabases dbs) throws Exception {
        try (Connection c = dbs.source()) {
            SampleDatabase.load(c);
        }
        Path root = Path.of("target", "access-cli-it-" + ProcessHandle.current().pid()).toAbsolutePath();
        String work = root.resolve("work").toString();
        CliRun migrate = CliRun.of(Map.of(), "migrate", "--source-url", dbs.sourceUrl(), "--source-user", "root",
                "--target-url", dbs.targetUrl(), "--target-user", "postgres", "--work-dir", work);
        assertThat(migrate.exitCode()).as(migrate.err()).isEqualTo(1);
        assertThat(migrate.err()).contains("waits for review");

        CliRun serve = CliRun.of(ENV, "serve", "--config", config(root).toString(), "--work-dir", work, "--server.port=0");
        try {
            assertThat(serve.exitCode()).as(serve.err()).isZero();
            String base = baseUrl(serve);
            JsonNode opening = openingFilter(base, DBA);
            JsonNode listed = json(post(base + "/engine-rest/filter/" + opening.get("id").asText() + "/list", "{}", DBA));
            assertThat(listed).hasSize(1);
            String taskId = listed.get(0).get("id").asText();
            String instanceId = listed.get(0).get("processInstanceId").asText();
            JsonNode taskGrants = json(get(base + "/engine-rest/authorization?resourceId=" + taskId, ADMIN));
            assertThat(taskGrants).as("no per-task authorization from the CLI's engine").isEmpty();

            String reject = "{\"variables\":{\"approved\":{\"value\":false},\"reviewComment\":{\"value\":\"not tonight\"}}}";
            assertRefused(post(base + "/engine-rest/task/" + taskId + "/complete", reject, VIEWER));
            assertThat(post(base + "/engine-rest/task/" + taskId + "/complete", reject, DBA).statusCode()).isEqualTo(204);
            JsonNode history = json(get(base + "/engine-rest/history/process-instance?processInstanceId=" + instanceId, VIEWER));
            assertThat(history).hasSize(1);
            assertThat(history.get(0).get("startUserId").asText()).isEqualTo(ProcessRuns.CLI_USER);
            assertThat(history.get(0).get("state").asText()).isEqualTo("COMPLETED");
        } finally {
            close(serve);
        }
    }

    /** The filter Tasklist opens on without a filter in the URL: the lowest {@code priority} property. */
    private static JsonNode openingFilter(String base, String user) throws Exception {
        JsonNode filters = json(get(base + "/engine-rest/filter?resourceType=Task", user));
        List<JsonNode> list = new ArrayList<>();
        filters.forEach(list::add);
        assertThat(list).as(user + " reads the filters").hasSizeGreaterThanOrEqualTo(3);
        return list.stream().min(Comparator.comparingInt(f -> f.get("properties").get("priority").asInt())).orElseThrow();
    }

    private static void setPriority(FilterService filters, String name, int priority) {
        Filter filter = filters.createFilterQuery().filterName(name).singleResult();
        Map<String, Object> props = new LinkedHashMap<>(filter.getProperties());
        props.put("priority", priority);
        filter.setProperties(props);
        filters.saveFilter(filter);
    }

    /**
     * A browser session on the web apps: a first request gives the session cookie and its CSRF token (cookie
     * XSRF-TOKEN), every later change carries the token back in the X-XSRF-TOKEN header, as the web apps do.
     */
    private record WebSession(String base, HttpClient client, CookieManager cookies) {

        static WebSession open(String base) throws Exception {
            CookieManager cookies = new CookieManager();
            HttpClient client = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build();
            client.send(HttpRequest.newBuilder(URI.create(base + "/camunda/api/admin/auth/user/default")).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return new WebSession(base, client, cookies);
        }

        /** The session's current token (a login starts a new session, with a new token). */
        private String token() {
            return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("XSRF-TOKEN"))
                    .map(HttpCookie::getValue).reduce((first, last) -> last)
                    .orElseThrow(() -> new AssertionError("no XSRF-TOKEN cookie"));
        }

        /** The login form of a web app ({@code tasklist}, {@code cockpit}, {@code admin}). */
        HttpResponse<String> login(String app, String user) throws Exception {
            String form = "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
                    + URLEncoder.encode(PASSWORDS.get(user), StandardCharsets.UTF_8);
            HttpResponse<String> response = send(request("/camunda/api/admin/auth/user/default/login/" + app)
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)));
            // the login starts a new session: its token comes with the next request, as the app's first call after login
            send(HttpRequest.newBuilder(URI.create(base + "/camunda/api/admin/auth/user/default")).GET());
            return response;
        }

        /** A JSON post to the web apps' own engine API ({@code /camunda/api/engine/engine/default}). */
        HttpResponse<String> post(String path, String json) throws Exception {
            return send(request("/camunda/api/engine/engine/default" + path).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)));
        }

        HttpResponse<String> get(String path) throws Exception {
            return send(request("/camunda/api/engine/engine/default" + path).GET());
        }

        private HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(URI.create(base + path)).header("X-XSRF-TOKEN", token()).header("Origin", base)
                    .header("Referer", base + "/camunda/app/tasklist/default/");
        }

        private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    /** A 403 from the engine's authorization check (not from the CSRF filter). */
    @Test
    void aDbaRetriesAFailedStepAViewerSeesTheIncidentButMayNotRetryIt() throws Exception {
        Path root = Path.of("target", "access-retry-it-" + ProcessHandle.current().pid()).toAbsolutePath();
        Path bpmnDir = Files.createDirectories(root.resolve("bpmn"));
        for (String key : new String[]{"goldMigration", "goldVerification", "cutover", "rollback", "surveillance"}) {
            Files.copy(Path.of("bpmn", key + ".bpmn"), bpmnDir.resolve(key + ".bpmn"));
        }
        // a runbook whose first step fails for a technical reason every time: its job ends as an incident (the
        // stand-in of platinumReport, its DBA task made a failing step)
        String failing = Files.readString(TestModels.PLATINUM_STUB).replaceFirst(
                "(?s)<bpmn:userTask id=\"Task_Acknowledge\".*?</bpmn:userTask>",
                java.util.regex.Matcher.quoteReplacement("<bpmn:serviceTask id=\"Task_Acknowledge\" name=\"Fail on purpose\" camunda:asyncBefore=\"true\""
                        + " camunda:expression=\"${execution.getVariable('noSuchVariable').length()}\">"
                        + "<bpmn:extensionElements><camunda:failedJobRetryTimeCycle>R1/PT0S</camunda:failedJobRetryTimeCycle>"
                        + "</bpmn:extensionElements><bpmn:incoming>Flow_ToTask</bpmn:incoming>"
                        + "<bpmn:outgoing>Flow_ToEnd</bpmn:outgoing></bpmn:serviceTask>"));
        assertThat(failing).contains("Fail on purpose");
        Files.writeString(bpmnDir.resolve("platinumReport.bpmn"), failing);
        Path config = config(root);
        Files.writeString(config, Files.readString(config).replace("bascule:\n", "bascule:\n  bpmn-dir: " + bpmnDir + "\n"));

        CliRun serve = CliRun.of(ENV, "serve", "--config", config.toString(), "--work-dir", root.resolve("work").toString(),
                "--server.port=0");
        try {
            assertThat(serve.exitCode()).as(serve.err()).isZero();
            String base = baseUrl(serve);
            String instanceId = json(post(base + "/engine-rest/process-definition/key/platinumReport/start", "{}", DBA)).get("id").asText();
            JsonNode incidents = JSON.createArrayNode();
            for (long deadline = System.nanoTime() + 60_000_000_000L; incidents.isEmpty() && System.nanoTime() < deadline; ) {
                Thread.sleep(200);
                incidents = json(get(base + "/engine-rest/incident?processInstanceId=" + instanceId, VIEWER));
            }
            assertThat(incidents).as("the viewer sees the incident").hasSize(1);
            String jobId = incidents.get(0).get("configuration").asText();
            assertThat(json(get(base + "/engine-rest/job/" + jobId, VIEWER)).get("retries").asInt()).isZero();

            int failedBefore = json(get(base + "/engine-rest/history/job-log?jobId=" + jobId + "&failureLog=true", VIEWER)).size();
            assertThat(failedBefore).as("the step failed before it became an incident").isPositive();
            String retry = "{\"retries\": 1}";
            HttpResponse<String> refused = Http.putJson(base + "/engine-rest/job/" + jobId + "/retries", retry, VIEWER,
                    PASSWORDS.get(VIEWER));
            assertRefused(refused);
            assertThat(json(get(base + "/engine-rest/job/" + jobId, ADMIN)).get("retries").asInt()).as("nothing changed").isZero();

            HttpResponse<String> retried = Http.putJson(base + "/engine-rest/job/" + jobId + "/retries", retry, DBA,
                    PASSWORDS.get(DBA));
            assertThat(retried.statusCode()).as(retried.body()).isEqualTo(204);
            // the step ran again (and failed again): the job log records the dba's retry as a second failure
            JsonNode failures = JSON.createArrayNode();
            for (long deadline = System.nanoTime() + 60_000_000_000L; failures.size() <= failedBefore && System.nanoTime() < deadline; ) {
                Thread.sleep(200);
                failures = json(get(base + "/engine-rest/history/job-log?jobId=" + jobId + "&failureLog=true", VIEWER));
            }
            assertThat(failures).as("one more attempt after the dba's retry").hasSize(failedBefore + 1);
            JsonNode operations = json(get(base + "/engine-rest/history/user-operation?jobId=" + jobId, VIEWER));
            assertThat(operations.findValuesAsText("userId")).contains(DBA).doesNotContain(VIEWER);
        } finally {
            close(serve);
        }
    }

    private static void assertRefused(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        assertThat(response.body()).contains("AuthorizationException");
    }

    private static HttpResponse<String> login(String base, String app, String user) throws Exception {
        return WebSession.open(base).login(app, user);
    }

    private static HttpResponse<String> get(String url, String user) throws Exception {
        return Http.get(url, user, PASSWORDS.get(user));
    }

    private static HttpResponse<String> post(String url, String body, String user) throws Exception {
        return Http.postJson(url, body, user, PASSWORDS.get(user));
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        return JSON.readTree(response.body());
    }

    private static void close(CliRun run) {
        ConfigurableApplicationContext app = run.outcome().application();
        if (app != null) {
            app.close();
        }
    }

    private static String baseUrl(CliRun run) {
        var ctx = (org.springframework.boot.web.context.WebServerApplicationContext) run.outcome().application();
        return "http://localhost:" + ctx.getWebServer().getPort();
    }
}
