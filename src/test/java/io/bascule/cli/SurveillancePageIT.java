package io.bascule.cli;

import io.bascule.process.ProcessKeys;
import io.bascule.process.ProcessVariables;
import io.bascule.process.SurveillanceVariables;
import io.bascule.surveillance.LiveStream;
import io.bascule.surveillance.SurveillanceLoop;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The surveillance live page in a real headless Chromium (Debian's chromium and chromium-driver, set up as in
 * {@link AuditPageIT}): {@code serve} sampling an embedded PostgreSQL every second, where a statement slower than the
 * slow-query threshold has run and a session sits idle in a transaction; the page opened as a {@code viewer}. The
 * charts fill with the samples pushed by the stream (at least two points each), the latest figures show with their
 * checks, the alerts list the slow statement and the idle transaction, and the page says that no surveillance run is
 * active; then a run is started (at its first checklist and the standing report, listeners skipped: the page does not
 * depend on the run's delegates) and the page shows it by itself: T+ elapsed, the next checklist, the open tasks with
 * their Tasklist links. The screenshot goes to target/surveillance-live.png, and to docs/surveillance-live.png with
 * {@code -Dbascule.updateScreenshot=true} (a test run leaves the checked-in file as it is).
 *
 * <p>Without Chromium the test fails, naming the packages; {@code -Dbascule.skipBrowserTests=true} skips it instead.
 */
@ExtendWith(EmbeddedDatabases.class)
class SurveillancePageIT {

    private static final String TARGET_PASSWORD = "tgt-Pw-page-41be";

    @Test
    void theViewerSeesTheChartsFillTheFiguresTheAlertsAndTheRunsTasks(TestDatabases dbs) throws Exception {
        if (!Files.isExecutable(AuditPageIT.CHROMIUM) || !Files.isExecutable(AuditPageIT.CHROMEDRIVER)) {
            Assumptions.assumeFalse(Boolean.getBoolean("bascule.skipBrowserTests"),
                    "no Chromium: browser test skipped (-Dbascule.skipBrowserTests=true)");
            fail("the live page test needs Chromium and its driver (" + AuditPageIT.CHROMIUM + ", " + AuditPageIT.CHROMEDRIVER
                    + "): apt-get install -y chromium chromium-driver (.ci/run installs them), or skip it on this machine with"
                    + " -Dbascule.skipBrowserTests=true");
        }
        Path root = Path.of("target", "surveillance-page-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime()).toAbsolutePath();
        Files.createDirectories(root);
        Path config = Files.writeString(root.resolve("bascule.yml"), """
                bascule:
                  surveillance:
                    sample-interval: 1s
                    long-running: 2s
                  web:
                    users:
                      - id: ada
                        groups: [camunda-admin, dba]
                        password-env: TEST_ADA_PASSWORD
                      - id: vera
                        first-name: Vera
                        groups: [viewer]
                        password-env: TEST_VERA_PASSWORD
                """);
        // the target: statistics on, a table in use, one statement slower than the 1 s threshold
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            st.execute("CREATE EXTENSION pg_stat_statements");
            st.execute("CREATE TABLE orders (id bigint PRIMARY KEY, amount numeric(10,2), note text)");
            st.execute("INSERT INTO orders SELECT g, g % 100, 'order ' || g FROM generate_series(1, 5000) g");
            for (int i = 0; i < 20; i++) {
                st.executeQuery("SELECT count(*), sum(amount) FROM orders WHERE id > " + i * 100).close();
            }
            st.executeQuery("SELECT pg_sleep(1.2), count(*) FROM orders").close();
        }
        // an application at work: up to three sessions running short statements, their number changing every second
        java.util.concurrent.atomic.AtomicBoolean working = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.ExecutorService workload = java.util.concurrent.Executors.newFixedThreadPool(3);
        for (int i = 0; i < 3; i++) {
            int n = i;
            workload.submit(() -> {
                try (Connection c = dbs.target(); Statement st = c.createStatement()) {
                    while (working.get()) {
                        if (System.currentTimeMillis() / 1000 % 4 > n) {
                            st.executeQuery("SELECT pg_sleep(0.04), count(*) FROM orders WHERE amount > " + n).close();
                        } else {
                            Thread.sleep(100);
                        }
                    }
                }
                return null;
            });
        }
        // a session left idle in a transaction (an application that forgot to commit)
        try (Connection idle = dbs.target()) {
            idle.setAutoCommit(false);
            try (Statement st = idle.createStatement()) {
                st.executeUpdate("UPDATE orders SET note = 'held' WHERE id = 1");
            }
            CliRun serve = CliRun.of(Map.of("TEST_VERA_PASSWORD", "vera-secret-for-test", "TEST_ADA_PASSWORD", "ada-secret-for-test", "BASCULE_TARGET_PASSWORD", TARGET_PASSWORD),
                    "serve", "--config", config.toString(), "--work-dir", root.resolve("work").toString(), "--server.port=0",
                    "--target-url", dbs.targetUrl(), "--target-user", "postgres");
            ConfigurableApplicationContext app = serve.outcome().application();
            try {
                assertThat(serve.exitCode()).as(serve.err()).isZero();
                String base = "http://localhost:"
                        + ((org.springframework.boot.web.context.WebServerApplicationContext) app).getWebServer().getPort();
                WebDriver browser = AuditPageIT.chromium(Files.createTempDirectory(root, "chromium-profile-"));
                try {
                    browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
                    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(45));
                    // HTTP Basic as vera: credentials in the first URL (Chrome keeps them for the realm), then the page
                    // without them (the first URL is the API's, so that no page opens a stream of its own before)
                    browser.get(base.replace("http://", "http://vera:vera-secret-for-test@") + "/bascule-api/surveillance/state");
                    browser.get(base + "/surveillance/");

                    // the charts fill from the stream, the figures and their checks show
                    wait.until(d -> points(d, "chart-connections") >= 2 && points(d, "chart-query") >= 2);
                    assertThat(browser.findElements(By.cssSelector("#chart-connections canvas"))).isNotEmpty();
                    assertThat(browser.findElements(By.cssSelector("#chart-query canvas"))).isNotEmpty();
                    wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#checks tbody tr"), 8));
                    // ✅ and ❌ (drawn as marks with the page's own fonts: this Chromium has no emoji font)
                    // (the figures are drawn again at each sample: each is read in one script, never found then read)
                    assertThat(attribute(browser, "#checks tr[data-key='reachable']", "data-result")).isEqualTo("passed");
                    assertThat(text(browser, "#checks tr[data-key='reachable']")).contains("✔", "PostgreSQL reachable", dbs.targetDatabase());
                    assertThat(attribute(browser, "#checks tr[data-key='slowQueries']", "data-result")).isEqualTo("failed");
                    assertThat(text(browser, "#checks tr[data-key='slowQueries']")).contains("✘", "Slow queries", "pg_sleep",
                            "none with a mean over 1 s");
                    assertThat(attribute(browser, "#checks tr[data-key='indexesUsed']", "data-result")).isEqualTo("informative");
                    assertThat(text(browser, "#tiles .tile[data-key='Mean query']")).contains("ms");
                    wait.until(d -> "alert".equals(attribute(d, "#status", "data-level")));
                    assertThat(text(browser, "#status")).contains("Slow queries");
                    wait.until(d -> text(d, "#alerts #slow-queries").contains("pg_sleep"));
                    wait.until(d -> text(d, "#alerts").contains("Idle in transaction"));
                    assertThat(text(browser, "#alerts")).contains("UPDATE orders SET note");
                    wait.until(d -> text(d, "#live").equals("live"));
                    assertThat(text(browser, "#no-run")).contains("No surveillance run active");

                    // a run starts: the page shows it by itself, with its open tasks and the way to Tasklist
                    RuntimeService runtime = app.getBean(RuntimeService.class);
                    Instant startedAt = Instant.now().minus(Duration.ofMinutes(16)).truncatedTo(ChronoUnit.SECONDS);
                    String runId = runtime.createProcessInstanceByKey(ProcessKeys.SURVEILLANCE).businessKey("cutover-2026-12-01")
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
                    String card = ".run[data-run='" + runId + "']";
                    wait.until(d -> text(d, card + " .clock").matches("T\\+1[67]:\\d\\d"));
                    assertThat(text(browser, card)).contains("cutover-2026-12-01", "next checklist T+30");
                    assertThat(text(browser, card + " .chips [data-checklist='T+15']")).isEqualTo("T+15 open");
                    assertThat(text(browser, card + " .chips [data-checklist='T+30']")).startsWith("T+30 scheduled ");
                    @SuppressWarnings("unchecked")
                    List<List<String>> tasks = (List<List<String>>) ((JavascriptExecutor) browser).executeScript(
                            "return Array.from(document.querySelectorAll(arguments[0] + ' tr[data-task]')).map(function (r) {"
                                    + " return [r.getAttribute('data-task'), r.innerText, r.querySelector('a').href]; });", card);
                    assertThat(tasks).extracting(t -> t.get(1)).anySatisfy(t -> assertThat(t).contains("checklist T+15", "Complete checklist T+15"))
                            .anySatisfy(t -> assertThat(t).contains("Report an incident")).hasSize(2);
                    for (List<String> task : tasks) {
                        assertThat(task.get(2)).isEqualTo(base + "/camunda/app/tasklist/default/#/?task=" + task.get(0));
                    }
                    assertThat(browser.findElements(By.id("no-run"))).isEmpty();
                    assertThat(browser.getPageSource()).doesNotContain(TARGET_PASSWORD);
                    // the stream broken (a proxy restarted, say): the page reconnects by itself and misses no sample
                    LiveStream stream = app.getBean(LiveStream.class);
                    assertThat(stream.disconnectAll()).isPositive();
                    wait.until(d -> stream.streams() == 1);
                    int before = times(browser).size();
                    wait.until(d -> times(browser).size() >= before + 3);
                    List<Long> shown = times(browser);
                    long newest = shown.get(shown.size() - 1);
                    List<Long> taken = app.getBean(SurveillanceLoop.class).recent(Duration.ofHours(1)).stream()
                            .map(s -> s.at().toEpochMilli()).filter(t -> t <= newest).toList();
                    assertThat(shown).as("every sample up to the newest shown").containsAll(taken);
                    wait.until(d -> text(d, "#live").equals("live"));

                    wait.until(d -> points(d, "chart-connections") >= 12); // a few more seconds of figures for the picture

                    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
                    Path out = Boolean.getBoolean("bascule.updateScreenshot") ? Path.of("docs") : Path.of("target");
                    Files.copy(shot.toPath(), Files.createDirectories(out).resolve("surveillance-live.png"), StandardCopyOption.REPLACE_EXISTING);
                    assertThat(Files.size(out.resolve("surveillance-live.png"))).isGreaterThan(10_000);
                } finally {
                    browser.quit();
                }
            } finally {
                if (app != null) {
                    app.close();
                }
            }
        } finally {
            working.set(false);
            workload.shutdown();
            assertThat(workload.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
    }

    /** The times of the page's chart points, epoch milliseconds, oldest first. */
    @SuppressWarnings("unchecked")
    private static List<Long> times(WebDriver browser) {
        return ((List<Object>) ((JavascriptExecutor) browser).executeScript("return Live.pointTimes();")).stream()
                .map(o -> ((Number) o).longValue()).toList();
    }

    /** The chart's points with figures (the page sets data-points after each drawing). */
    private static int points(WebDriver browser, String chart) {
        String n = attribute(browser, "#" + chart, "data-points");
        return n == null ? 0 : Integer.parseInt(n);
    }

    /** The text of the first element matching, read in one script ("" when there is none). */
    private static String text(WebDriver browser, String css) {
        Object t = ((JavascriptExecutor) browser).executeScript(
                "var e = document.querySelector(arguments[0]); return e ? e.innerText : '';", css);
        return t == null ? "" : t.toString().strip();
    }

    /** An attribute of the first element matching, read in one script (null when there is none). */
    private static String attribute(WebDriver browser, String css, String name) {
        Object a = ((JavascriptExecutor) browser).executeScript(
                "var e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;", css, name);
        return a == null ? null : a.toString();
    }
}
