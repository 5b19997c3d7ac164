package io.bascule.appswitch;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import io.bascule.appswitch.AppRestart.HealthResult;
import io.bascule.appswitch.AppRestart.HealthStatus;
import io.bascule.appswitch.AppRestart.RestartResult;
import io.bascule.appswitch.AppRestart.RestartStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class AppRestartTest {

    static final String BASCULE_SECRET = "B4scul3Pw";
    static final String APP_SECRET = "Ap1T0ken99";
    static final Map<String, String> ENV = Map.of(
            "PATH", System.getenv("PATH"),
            "BASCULE_TARGET_PASSWORD", BASCULE_SECRET,
            "MY_API_TOKEN", APP_SECRET,
            "GREETING", "hello");

    @TempDir
    Path dir;
    HttpServer server;
    ListAppender<ILoggingEvent> logs;
    final List<String> seen = new ArrayList<>();

    @BeforeEach
    void captureLogs() {
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger("io.bascule.appswitch")).addAppender(logs);
    }

    @AfterEach
    void noSecretAnywhere() {
        ((Logger) LoggerFactory.getLogger("io.bascule.appswitch")).detachAppender(logs);
        if (server != null) {
            server.stop(0);
        }
        logs.list.forEach(e -> seen.add(e.getFormattedMessage()));
        assertThat(seen).isNotEmpty().allSatisfy(s -> assertThat(s).doesNotContain(BASCULE_SECRET).doesNotContain(APP_SECRET)
                .doesNotContain("pgS3cret"));
    }

    private AppRestart restart(String command, Duration timeout) {
        return new AppRestart(command, timeout, null, AppRestart.DEFAULT_POLL_INTERVAL, ENV, dir);
    }

    private RestartResult run(AppRestart r) {
        RestartResult result = r.restart();
        seen.add(result.toString());
        return result;
    }

    @Test
    void aSucceedingCommandReportsItsExitCodeAndLastLinesWithSecretsReplaced() throws IOException {
        Files.writeString(dir.resolve("marker"), "x");
        RestartResult r = run(restart("""
                for i in $(seq 1 30); do echo "line $i"; done
                ls
                echo "token=$MY_API_TOKEN greeting=$GREETING bascule=[$BASCULE_TARGET_PASSWORD]"
                echo "url postgres://app:pgS3cret@db:5432/akig" >&2
                """, Duration.ofSeconds(20)));

        assertThat(r.status()).isEqualTo(RestartStatus.SUCCEEDED);
        assertThat(r.ok()).isTrue();
        assertThat(r.exitCode()).isZero();
        assertThat(r.took()).isPositive();
        assertThat(r.lastLines()).hasSize(AppRestart.LAST_LINES)
                .endsWith("marker", "token=*** greeting=hello bascule=[]", "url postgres://***@db:5432/akig")
                .doesNotContain("line 1");
        assertThat(r.message()).contains("succeeded");
    }

    @Test
    void aFailingCommandReportsItsExitCodeAndOutput() {
        RestartResult r = run(restart("echo 'cannot restart akig.service'; exit 3", Duration.ofSeconds(20)));

        assertThat(r.status()).isEqualTo(RestartStatus.FAILED);
        assertThat(r.ok()).isFalse();
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.message()).contains("failed with exit code 3").contains("cannot restart akig.service");
    }

    @Test
    void aCommandRunningPastItsTimeoutIsKilledWithWhatItStarted() {
        long start = System.nanoTime();
        RestartResult r = run(restart("echo starting; sleep 30; echo never", Duration.ofMillis(700)));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(r.status()).isEqualTo(RestartStatus.TIMED_OUT);
        assertThat(r.exitCode()).isNull();
        assertThat(r.lastLines()).containsExactly("starting");
        assertThat(r.message()).contains("did not finish within 0.7 s and was killed");
    }

    @Test
    void nothingConfiguredIsSkippedAndSaysSo() {
        AppRestart none = new AppRestart(" ", Duration.ofSeconds(1), null, Duration.ofMillis(10), ENV, dir);
        RestartResult r = run(none);
        HealthResult h = none.awaitHealthy(Duration.ofSeconds(1));
        seen.add(h.toString());

        assertThat(r.status()).isEqualTo(RestartStatus.SKIPPED);
        assertThat(r.ok()).isTrue();
        assertThat(r.message()).contains("restart skipped");
        assertThat(h.status()).isEqualTo(HealthStatus.SKIPPED);
        assertThat(h.polls()).isZero();
        assertThat(h.message()).contains("bascule.app.health-url");
    }

    @Test
    void theHealthUrlIsPolledUntilItAnswers2xx() throws IOException {
        AtomicInteger requests = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", exchange -> {
            int n = requests.incrementAndGet();
            int status = n < 4 ? 503 : 200;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        String url = "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/health";
        AppRestart app = new AppRestart(null, Duration.ofSeconds(1), url, Duration.ofMillis(20), ENV, dir);

        HealthResult h = app.awaitHealthy(Duration.ofSeconds(10));
        seen.add(h.toString());

        assertThat(h.status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(h.polls()).isEqualTo(4);
        assertThat(requests.get()).isEqualTo(4);
        assertThat(h.lastHttpStatus()).isEqualTo(200);
        assertThat(h.took()).isPositive().isLessThan(Duration.ofSeconds(5));
        assertThat(h.message()).contains("answered 200").contains("4 requests");
    }

    @Test
    void aHealthUrlThatNeverAnswers2xxIsUnhealthyAfterTheTimeout() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        server.start();
        String url = "http://app:pgS3cret@" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/health";
        AppRestart app = new AppRestart(null, Duration.ofSeconds(1), url, Duration.ofMillis(50), ENV, dir);

        HealthResult h = app.awaitHealthy(Duration.ofMillis(600));
        seen.add(h.toString());

        assertThat(h.status()).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(h.ok()).isFalse();
        assertThat(h.polls()).isGreaterThan(1);
        assertThat(h.lastHttpStatus()).isEqualTo(500);
        assertThat(h.took()).isGreaterThanOrEqualTo(Duration.ofMillis(600));
        assertThat(h.message()).contains("did not answer 2xx").contains("HTTP 500").contains("http://***@");
    }

    @Test
    void aHealthUrlNobodyListensOnReportsTheConnectionError() throws IOException {
        int port;
        try (var socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        AppRestart app = new AppRestart(null, Duration.ofSeconds(1), "http://127.0.0.1:" + port + "/health",
                Duration.ofMillis(50), ENV, dir);

        HealthResult h = app.awaitHealthy(Duration.ofMillis(300));
        seen.add(h.toString());

        assertThat(h.status()).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(h.lastHttpStatus()).isNull();
        assertThat(h.lastError()).contains("ConnectException");
    }

    @Test
    void theShellsDirectoriesAreNotSecretsButPasswordsAre() {
        AppRestart app = new AppRestart(null, Duration.ofSeconds(1), null, Duration.ofMillis(10),
                java.util.Map.of("PWD", "/srv/akig", "OLDPWD", "/home/dba", "DB_PWD", "s3cret-pw", "APP_PASSWORD", "hunter22"), dir);
        String shown = app.scrub("cd /srv/akig from /home/dba with s3cret-pw and hunter22");
        seen.add(shown);
        assertThat(shown).isEqualTo("cd /srv/akig from /home/dba with *** and ***");
    }
}
