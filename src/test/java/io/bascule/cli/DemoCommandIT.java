package io.bascule.cli;

import io.bascule.appswitch.AppRestart;
import io.bascule.config.BasculeProperties;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bascule demo} end to end: embedded servers with the sample, the web app behind a login, the
 * runbook definitions and Tasklist filters, and the audit trail of a completed task.
 */
class DemoCommandIT {

    @Test
    void demoServesTheRunbooksBehindALogin() throws Exception {
        Path workDir = Path.of("target", "demo-cmd-it-" + ProcessHandle.current().pid()).toAbsolutePath();
        int port = Http.freePort();
        CliRun run = CliRun.of(Map.of(), "demo", "--work-dir", workDir.toString(), "--server.port=" + port,
                "--demo-source-port=" + Http.freePort(), "--demo-target-port=" + Http.freePort());
        try {
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.outcome().keepRunning()).isTrue();
            Matcher login = Pattern.compile("Login: +demo / (\\S+)").matcher(run.out());
            assertThat(login.find()).as(run.out()).isTrue();
            String password = login.group(1);
            assertThat(Files.readString(workDir.resolve("demo/demo-password")).strip()).isEqualTo(password);
            assertThat(run.out()).contains("http://localhost:" + port + "/camunda/app/tasklist/")
                    .contains("Sample database akig_legacy loaded");
            String base = "http://localhost:" + port;

            // the sample backend writes to the demo's MariaDB, and Bascule is set to restart it and poll its health
            Matcher app = Pattern.compile("App: +(http://127\\.0\\.0\\.1:\\d+/) .*health (http://\\S+/health)\\)").matcher(run.out());
            assertThat(app.find()).as(run.out()).isTrue();
            String healthUrl = app.group(2);
            HttpResponse<String> health = Http.get(healthUrl, null, null);
            for (long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                 health.statusCode() != 200 && System.nanoTime() < deadline; health = Http.get(healthUrl, null, null)) {
                Thread.sleep(100);
            }
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            assertThat(health.body()).contains("\"database\":\"mysql\"", "/akig_legacy\"");
            assertThat(Http.get(app.group(1), null, null).body()).contains("AKIG demo backend");
            BasculeProperties.App appSettings = run.outcome().application().getBean(BasculeProperties.class).app();
            assertThat(appSettings.healthUrl()).isEqualTo(healthUrl);
            String appPassword = Files.readString(workDir.resolve("demo/app-password")).strip();
            assertThat(appSettings.targetUrl()).startsWith("postgresql://akig_app@127.0.0.1:").endsWith("/akig_immobilier");
            assertThat(appSettings.targetPasswordFile()).isEqualTo(workDir.resolve("demo/app-password"));
            assertThat(run.out()).doesNotContain(appPassword);
            try (Connection c = DriverManager.getConnection(appSettings.targetUrl().replace("postgresql://akig_app@",
                    "jdbc:postgresql://"), "akig_app", appPassword)) {
                assertThat(c.isValid(2)).isTrue();
            }
            // Bascule's own MariaDB login, its password from the demo's file; the application's login in the .env
            BasculeProperties.Connection source = run.outcome().application().getBean(BasculeProperties.class).source();
            assertThat(source.user()).isEqualTo("bascule");
            assertThat(source.passwordFile()).isEqualTo(workDir.resolve("demo/source-password"));
            String sourcePassword = Files.readString(workDir.resolve("demo/source-password")).strip();
            assertThat(run.out()).contains("logins bascule (Bascule) and akig_app (the application) created")
                    .doesNotContain(sourcePassword);
            try (Connection c = DriverManager.getConnection(source.url(), "bascule", sourcePassword)) {
                assertThat(c.isValid(2)).isTrue();
            }
            assertThat(Files.readString(workDir.resolve("demo/app/.env"))).contains("DATABASE_URL=mysql://akig_app:");
            AppRestart.RestartResult restarted = AppRestart.from(run.outcome().application().getBean(BasculeProperties.class)).restart();
            assertThat(restarted.status()).as(restarted.message()).isEqualTo(AppRestart.RestartStatus.SUCCEEDED);
            assertThat(restarted.lastLines()).singleElement().asString().contains("it writes to mysql://***@127.0.0.1:");

            assertThat(Http.get(base + "/engine-rest/process-definition", null, null).statusCode()).isEqualTo(401);
            HttpResponse<String> definitions = Http.get(base + "/engine-rest/process-definition?latestVersion=true", "demo", password);
            assertThat(definitions.statusCode()).isEqualTo(200);
            for (String key : new String[]{"goldMigration", "cutover", "rollback", "surveillance", "platinumReport"}) {
                assertThat(definitions.body()).contains("\"key\":\"" + key + "\"");
            }
            HttpResponse<String> filters = Http.get(base + "/engine-rest/filter", "demo", password);
            assertThat(filters.body()).contains("\"name\":\"My tasks\"", "\"name\":\"Runbook tasks (dba)\"", "\"name\":\"All open tasks\"");
            assertThat(Http.get(base + "/camunda/app/tasklist/default/", null, null).statusCode()).isEqualTo(200);
            // Camunda's first-start page must not let anyone create an administrator
            HttpResponse<String> setup = Http.postJson(base + "/camunda/api/admin/setup/default/user/create",
                    "{\"profile\":{\"id\":\"intruder\"},\"credentials\":{\"password\":\"Intruder-123\"}}", null, null);
            assertThat(setup.statusCode()).isEqualTo(403);

            // a DBA completes a runbook task: the audit trail records who did it (a PLATINUM report started at its archive
            // decision, as if granted: its report falls due 24 h after the cutover)
            HttpResponse<String> started = Http.postJson(base + "/engine-rest/process-definition/key/platinumReport/start",
                    "{\"variables\":{\"platinumVerdict\":{\"value\":\"GRANTED\"},\"platinumSummary\":{\"value\":"
                            + "\"PLATINUM GRANTED: score 100/100\"}},\"startInstructions\":[{\"type\":\"startBeforeActivity\","
                            + "\"activityId\":\"Task_DecideArchive\"}]}", "demo", password);
            assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
            String instanceId = field(started.body(), "id");
            HttpResponse<String> tasks = Http.get(base + "/engine-rest/task?candidateGroup=dba&processInstanceId=" + instanceId, "demo", password);
            assertThat(tasks.body()).contains("\"name\":\"Archive MySQL?\"");
            String taskId = field(tasks.body(), "id");
            assertThat(Http.postJson(base + "/engine-rest/task/" + taskId + "/complete",
                    "{\"variables\":{\"archiveDecision\":{\"value\":\"no\"}}}", "demo", password).statusCode()).isEqualTo(204);
            assertThat(Http.get(base + "/engine-rest/history/variable-instance?processInstanceId=" + instanceId
                    + "&variableName=outcomeMessage", "demo", password).body()).contains("MySQL kept as it is, as decided by demo");
            HttpResponse<String> history = Http.get(base + "/engine-rest/history/user-operation?processInstanceId=" + instanceId, "demo", password);
            assertThat(history.body()).contains("\"operationType\":\"Complete\"").contains("\"userId\":\"demo\"");
            assertThat(Http.get(base + "/engine-rest/history/process-instance?processInstanceId=" + instanceId, "demo", password).body())
                    .contains("\"state\":\"COMPLETED\"");

            assertThat(Http.get(base + "/engine-rest/process-definition", "demo", "wrong-password").statusCode()).isEqualTo(401);
        } finally {
            if (run.outcome().application() != null) {
                run.outcome().application().close();
            }
        }
        assertThat(workDir.resolve("engine")).isDirectory();
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        assertThat(m.find()).as(json).isTrue();
        return m.group(1);
    }
}
