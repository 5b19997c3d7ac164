package io.bascule.cli;

import io.bascule.surveillance.SurveillanceLoop;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code serve} with a target: the surveillance loop samples it, and its gauges are on {@code /actuator/prometheus}
 * for a logged-in user (a viewer too), never for an anonymous request (Actuator's other endpoints neither).
 */
@ExtendWith(EmbeddedDatabases.class)
class MetricsEndpointIT {

    @Test
    void thePrometheusEndpointShowsTheSamplesToLoggedInUsersOnly(TestDatabases dbs) throws Exception {
        Path root = Path.of("target", "metrics-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime()).toAbsolutePath();
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
        CliRun run = CliRun.of(Map.of("TEST_VERA_PASSWORD", "vera-secret-for-test", "TEST_ADA_PASSWORD", "ada-secret-for-test"), "serve", "--config", config.toString(),
                "--work-dir", root.resolve("work").toString(), "--server.port=0", "--target-url", dbs.targetUrl(),
                "--target-user", "postgres");
        try {
            assertThat(run.exitCode()).as(run.err()).isZero();
            var ctx = (org.springframework.boot.web.context.WebServerApplicationContext) run.outcome().application();
            String base = "http://localhost:" + ctx.getWebServer().getPort();
            assertThat(run.out()).contains("  Metrics:  http://localhost:0/actuator/prometheus");

            for (String path : new String[]{"/actuator/prometheus", "/actuator", "/actuator/health", "/actuator/metrics"}) {
                HttpResponse<String> anonymous = Http.get(base + path, null, null);
                assertThat(anonymous.statusCode()).as(path).isEqualTo(401);
                assertThat(anonymous.body()).as(path).doesNotContain("bascule_pg");
            }
            // (another user than the one reading below: a failed login delays that user's next login, Camunda's throttling)
            assertThat(Http.get(base + "/actuator/prometheus", "ada", "wrong").statusCode()).isEqualTo(401);

            SurveillanceLoop loop = run.outcome().application().getBean(SurveillanceLoop.class);
            assertThat(loop.isRunning()).as("serve samples the configured target").isTrue();
            long deadline = System.nanoTime() + 20_000_000_000L;
            String scrape = "";
            while (System.nanoTime() < deadline && !scrape.contains("bascule_pg_reachable 1.0")) {
                HttpResponse<String> r = Http.get(base + "/actuator/prometheus", "vera", "vera-secret-for-test");
                assertThat(r.statusCode()).isEqualTo(200);
                scrape = r.body();
                Thread.sleep(200);
            }
            assertThat(scrape).contains("bascule_pg_reachable 1.0", "bascule_pg_connections{state=\"idle\"}",
                    "bascule_pg_connection_usage_percent", "bascule_pg_connections_max 200.0", "bascule_pg_deadlocks 0.0");
            assertThat(loop.latest()).isNotNull();
            assertThat(loop.latest().database()).isEqualTo(dbs.targetDatabase());
            assertThat(loop.store().days()).isNotEmpty();
            assertThat(Http.get(base + "/actuator/health", "vera", "vera-secret-for-test").body()).isEqualTo("{\"status\":\"UP\"}");
        } finally {
            if (run.outcome().application() != null) {
                run.outcome().application().close();
            }
        }
    }
}
