package io.bascule.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bascule.process.ProcessKeys;
import io.bascule.process.ProcessVariables;
import io.bascule.process.SurveillanceVariables;
import io.bascule.surveillance.Sample;
import io.bascule.surveillance.SampleStore;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live page's API on a running {@code serve} that samples a real embedded PostgreSQL every 500 ms: nothing under
 * {@code /surveillance} or {@code /bascule-api/surveillance} without a login (401, as the audit page), a viewer reads
 * the state (the latest sample with its checks, the thresholds, the active run with its open tasks by kind), the
 * samples of the last hour (the older ones from the work directory's sample files), and the stream of server-sent
 * events, which replays the samples a reconnecting page missed (Last-Event-ID). No password in any answer.
 */
@ExtendWith(EmbeddedDatabases.class)
class SurveillanceApiIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VIEWER = "vera";
    private static final String VIEWER_PASSWORD = "vera-secret-for-test";
    private static final String TARGET_PASSWORD = "tgt-Pw-live-9c3d";

    @Test
    void aViewerReadsTheLiveStateTheSamplesAndTheStreamAnonymousRequestsAreRefused(TestDatabases dbs) throws Exception {
        Path root = Path.of("target", "surveillance-api-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime()).toAbsolutePath();
        Files.createDirectories(root);
        Path config = Files.writeString(root.resolve("bascule.yml"), """
                bascule:
                  surveillance:
                    sample-interval: 500ms
                  web:
                    users:
                      - id: ada
                        groups: [camunda-admin, dba]
                        password-env: TEST_ADA_PASSWORD
                      - id: vera
                        groups: [viewer]
                        password-env: TEST_VERA_PASSWORD
                """);
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            st.execute("CREATE EXTENSION pg_stat_statements");
        }
        // a sample of half an hour ago in the work directory (a serve before this one): the charts read it from there
        Instant old = Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.MILLIS);
        new SampleStore(root.resolve("work"), Duration.ofDays(30))
                .append(Sample.failed(old, 4, 0, dbs.targetDatabase(), false, "Connection refused", null));

        CliRun run = CliRun.of(Map.of("TEST_VERA_PASSWORD", VIEWER_PASSWORD, "TEST_ADA_PASSWORD", "ada-secret-for-test",
                        "BASCULE_TARGET_PASSWORD", TARGET_PASSWORD), "serve", "--config", config.toString(),
                "--work-dir", root.resolve("work").toString(), "--server.port=0", "--target-url", dbs.targetUrl(),
                "--target-user", "postgres");
        ConfigurableApplicationContext app = run.outcome().application();
        try {
            assertThat(run.exitCode()).as(run.err()).isZero();
            String base = "http://localhost:" + ((org.springframework.boot.web.context.WebServerApplicationContext) app).getWebServer().getPort();
            assertThat(run.out()).contains("  Live:     http://localhost:0/surveillance/");

            // no login, no page and no data; a wrong password neither (another user than vera: a failed login delays
            // that user's next one, Camunda's throttling)
            for (String path : List.of("/surveillance", "/surveillance/", "/surveillance/index.html", "/surveillance/surveillance.js",
                    "/bascule-api/surveillance/state", "/bascule-api/surveillance/samples", "/bascule-api/surveillance/stream")) {
                HttpResponse<String> anonymous = Http.get(base + path, null, null);
                assertThat(anonymous.statusCode()).as(path).isEqualTo(401);
                assertThat(anonymous.body()).as(path).doesNotContain("connectionsByState");
            }
            assertThat(Http.get(base + "/bascule-api/surveillance/state", "ada", "wrong").statusCode()).isEqualTo(401);

            // the page, its script and the chart library
            HttpResponse<String> redirect = Http.get(base + "/surveillance/", VIEWER, VIEWER_PASSWORD);
            assertThat(redirect.statusCode()).isEqualTo(302);
            assertThat(redirect.headers().firstValue("Location").orElse("")).endsWith("/surveillance/index.html");
            assertThat(Http.get(base + "/surveillance/index.html", VIEWER, VIEWER_PASSWORD).body())
                    .contains("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js", "surveillance.js");
            assertThat(Http.get(base + "/webjars/uplot/1.6.30/dist/uPlot.iife.min.js", null, null).statusCode()).isEqualTo(200);
            assertThat(Http.get(base + "/audit/index.html", VIEWER, VIEWER_PASSWORD).body()).contains("href=\"/surveillance/\"");

            // a surveillance run a few minutes in, its first checklist and the standing report open (started at those
            // steps with the listeners skipped: the run's delegates do not matter here)
            RuntimeService runtime = app.getBean(RuntimeService.class);
            Instant startedAt = Instant.now().minus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.MILLIS);
            String runId = runtime.createProcessInstanceByKey(ProcessKeys.SURVEILLANCE).businessKey("cutover-7")
                    .setVariable(ProcessVariables.STARTED_AT, startedAt.toString())
                    .setVariable(ProcessVariables.DRY_RUN, false)
                    .setVariable(SurveillanceVariables.CHECKLIST_OFFSETS, "PT15M,PT30M,PT45M,PT1H")
                    .setVariable(SurveillanceVariables.UPDATE_INTERVAL, "PT15M")
                    .startBeforeActivity("Task_CompleteChecklist")
                    .setVariableLocal(SurveillanceVariables.CHECKLIST_OFFSET, "PT15M")
                    .setVariableLocal(SurveillanceVariables.CHECKLIST_LABEL, "T+15")
                    .setVariableLocal(SurveillanceVariables.CHECKLIST_DUE_AT, startedAt.plus(Duration.ofMinutes(15)).toString())
                    .startBeforeActivity("Task_ReportIncident")
                    .execute(true, false).getId();

            // the state, as the viewer: wait for a sample of the target
            JsonNode state = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                HttpResponse<String> r = Http.get(base + "/bascule-api/surveillance/state", VIEWER, VIEWER_PASSWORD);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
                assertThat(r.body()).doesNotContain(TARGET_PASSWORD).doesNotContain(VIEWER_PASSWORD);
                state = JSON.readTree(r.body());
                if (state.path("latest").path("reachable").asBoolean()) {
                    break;
                }
                Thread.sleep(200);
            }
            assertThat(state.path("latest").path("reachable").asBoolean()).as("a sample of the target within 30 s: %s", state).isTrue();
            assertThat(state.path("sampling").path("running").asBoolean()).isTrue();
            assertThat(state.path("sampling").path("targetConfigured").asBoolean()).isTrue();
            assertThat(state.path("sampling").path("target").asText()).contains(dbs.targetDatabase());
            assertThat(state.path("sampling").path("sampleIntervalMs").asLong()).isEqualTo(500);
            assertThat(state.path("status").path("level").asText()).isIn("ok", "alert");
            assertThat(state.path("thresholds").path("maxAvgQueryMs").asDouble()).isEqualTo(100.0);
            assertThat(state.path("thresholds").path("maxConnectionUsagePct").asDouble()).isEqualTo(80.0);
            JsonNode latest = state.path("latest");
            assertThat(latest.path("database").asText()).isEqualTo(dbs.targetDatabase());
            assertThat(Instant.parse(latest.path("at").asText())).isAfter(old);
            assertThat(latest.path("connectionsByState").has("active")).isTrue();
            assertThat(latest.path("connectionsByState").has("idle in transaction")).isTrue();
            List<String> keys = new ArrayList<>();
            latest.path("alerts").forEach(c -> {
                keys.add(c.path("key").asText());
                assertThat(c.has("name") && c.has("value") && c.has("threshold") && c.has("passed") && c.has("informative")).as(c.toString()).isTrue();
            });
            assertThat(keys).containsExactly("reachable", "connections", "avgQuery", "slowQueries", "deadTuples", "indexesUsed",
                    "deadlocks", "appHealth");

            JsonNode liveRun = state.path("run");
            assertThat(liveRun.path("id").asText()).isEqualTo(runId);
            assertThat(liveRun.path("businessKey").asText()).isEqualTo("cutover-7");
            assertThat(liveRun.path("elapsedSeconds").asLong()).isBetween(290L, 400L);
            assertThat(liveRun.path("nextChecklist").path("label").asText()).isEqualTo("T+30");
            List<String> tasks = new ArrayList<>();
            liveRun.path("tasks").forEach(t -> {
                tasks.add(t.path("name").asText() + " | " + t.path("kind").asText());
                assertThat(t.path("url").asText()).isEqualTo("/camunda/app/tasklist/default/#/?task=" + t.path("id").asText());
            });
            assertThat(tasks).containsExactlyInAnyOrder("Complete checklist T+15 | checklist", "Report an incident | task");

            // the samples of the hour: the old one from the file first, then those of this serve
            HttpResponse<String> samples = Http.get(base + "/bascule-api/surveillance/samples?minutes=60", VIEWER, VIEWER_PASSWORD);
            assertThat(samples.statusCode()).isEqualTo(200);
            JsonNode points = JSON.readTree(samples.body()).path("points");
            assertThat(points.size()).isGreaterThanOrEqualTo(2);
            assertThat(points.get(0).path("at").asText()).isEqualTo(old.toString());
            assertThat(points.get(0).path("reachable").asBoolean()).isFalse();
            assertThat(points.get(points.size() - 1).path("reachable").asBoolean()).isTrue();
            assertThat(points.get(points.size() - 1).has("avgQueryMs")).isTrue();
            HttpResponse<String> bad = Http.get(base + "/bascule-api/surveillance/samples?minutes=lots", VIEWER, VIEWER_PASSWORD);
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("'minutes' must be a whole number");
            assertThat(Http.get(base + "/bascule-api/surveillance/samples?minutes=0", VIEWER, VIEWER_PASSWORD).body())
                    .contains("minutes must be between 1 and 1440");

            // the stream: each new sample as an event, with its time as id
            List<String> first = events(base + "/bascule-api/surveillance/stream", null, 2);
            assertThat(first).allSatisfy(e -> assertThat(e).startsWith("sample "));
            String firstId = first.get(0).split(" ")[1];
            String secondId = first.get(1).split(" ")[1];
            assertThat(Long.parseLong(secondId)).isGreaterThan(Long.parseLong(firstId));
            // a reconnect with the id of the first: the second is replayed at once, then the new ones follow
            List<String> again = events(base + "/bascule-api/surveillance/stream", firstId, 2);
            assertThat(again.get(0)).startsWith("sample " + secondId + " ");
            // a page opening the stream with the newest point it has (?after=): the same replay
            List<String> after = events(base + "/bascule-api/surveillance/stream?after=" + firstId, null, 1);
            assertThat(after.get(0)).startsWith("sample " + secondId + " ");
        } finally {
            if (app != null) {
                app.close();
            }
        }
    }

    /**
     * The first {@code count} events of the stream as "name id data", read as the viewer (with Last-Event-ID when
     * given); the data is checked to be a sample's JSON.
     */
    private static List<String> events(String url, String lastEventId, int count) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET().header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString((VIEWER + ":" + VIEWER_PASSWORD).getBytes(StandardCharsets.UTF_8)));
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        try (InputStream body = response.body()) {
            CompletableFuture<List<String>> read = CompletableFuture.supplyAsync(() -> {
                List<String> events = new ArrayList<>();
                try {
                    BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
                    String name = null;
                    String id = null;
                    StringBuilder data = new StringBuilder();
                    for (String line = lines.readLine(); line != null && events.size() < count; line = lines.readLine()) {
                        if (line.isEmpty()) {
                            if (name != null) {
                                JsonNode sample = JSON.readTree(data.toString());
                                assertThat(Instant.parse(sample.path("at").asText()).toEpochMilli()).isEqualTo(Long.parseLong(id));
                                events.add(name + " " + id + " " + data);
                            }
                            name = null;
                            id = null;
                            data.setLength(0);
                        } else if (line.startsWith("event:")) {
                            name = line.substring(6).strip();
                        } else if (line.startsWith("id:")) {
                            id = line.substring(3).strip();
                        } else if (line.startsWith("data:")) {
                            data.append(line.substring(5));
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return events;
            });
            List<String> events = read.get(30, TimeUnit.SECONDS);
            assertThat(events).hasSize(count);
            return events;
        }
    }
}
