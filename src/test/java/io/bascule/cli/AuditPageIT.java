package io.bascule.cli;

import io.bascule.demo.SampleDatabase;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import io.bascule.testing.TestModels;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The audit page in a real headless Chromium (Debian's chromium and chromium-driver packages): a GOLD migration run
 * from the CLI, then {@code serve} on the same work directory with a user of the {@code viewer} group, a PLATINUM report run (its stand-in
 * of one DBA task, {@link TestModels}) to its end by a DBA through the REST API, then the pages as the viewer: the list shows both finished runs, each
 * run's page its timeline (steps, the DBA's task with who, when, values and comment) above the diagram with the
 * activities passed and the flows taken marked. The screenshot of the GOLD migration's page goes to
 * target/audit-page.png, and to docs/audit-page.png with {@code -Dbascule.updateScreenshot=true} (a test run leaves
 * the checked-in files as they are).
 *
 * <p>Without Chromium the test fails, naming the packages; {@code -Dbascule.skipBrowserTests=true} skips it instead
 * (for a machine where they cannot be installed; CI installs them).
 */
@ExtendWith(EmbeddedDatabases.class)
class AuditPageIT {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @Test
    void theViewerSeesTheFinishedRunItsTimelineAndThePathTaken(TestDatabases dbs) throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            Assumptions.assumeFalse(Boolean.getBoolean("bascule.skipBrowserTests"),
                    "no Chromium: browser test skipped (-Dbascule.skipBrowserTests=true)");
            fail("the audit page test needs Chromium and its driver (" + CHROMIUM + ", " + CHROMEDRIVER + "): apt-get install -y"
                    + " chromium chromium-driver (.ci/run installs them), or skip it on this machine with -Dbascule.skipBrowserTests=true");
        }
        Path root = Path.of("target", "audit-page-it-" + ProcessHandle.current().pid()).toAbsolutePath();
        Files.createDirectories(root);
        Path config = Files.writeString(root.resolve("bascule.yml"), """
                bascule:
                  web:
                    users:
                      - id: alice
                        groups: [camunda-admin, dba]
                        password-env: TEST_ALICE_PASSWORD
                      - id: vera
                        first-name: Vera
                        groups: [viewer]
                        password-env: TEST_VERA_PASSWORD
                """);
        Map<String, String> env = Map.of("TEST_ALICE_PASSWORD", "alice-secret-for-test", "TEST_VERA_PASSWORD", "vera-secret-for-test",
                "BASCULE_SOURCE_PASSWORD", AuditCommandIT.SOURCE_PASSWORD, "BASCULE_TARGET_PASSWORD", AuditCommandIT.TARGET_PASSWORD);
        // a GOLD migration from the command line first, in the same work directory (its history is what serve shows)
        try (java.sql.Connection c = dbs.source()) {
            SampleDatabase.load(c);
        }
        CliRun migrate = CliRun.of(env, "migrate", "--source-url", dbs.sourceUrl(), "--source-user", "root", "--target-url",
                dbs.targetUrl(), "--target-user", "postgres", "--work-dir", root.resolve("work").toString(), "--yes");
        assertThat(migrate.exitCode()).as(migrate.err()).isZero();
        String migrationId = migrate.out().replaceAll("(?s).*GOLD migration started \\(process instance ([^)]+)\\).*", "$1");
        // platinumReport as its stand-in, one DBA task (TestModels)
        TestModels.Folders models = TestModels.withPlatinumStub(root);
        CliRun serve = CliRun.of(env, "serve", "--config", config.toString(), "--work-dir", root.resolve("work").toString(),
                "--server.port=0", "--bpmn-dir", models.bpmnDir().toString(), "--forms-dir", models.formsDir().toString());
        assertThat(serve.exitCode()).as(serve.err()).isZero();
        try {
            String base = "http://localhost:"
                    + ((org.springframework.boot.web.context.WebServerApplicationContext) serve.outcome().application()).getWebServer().getPort();
            String instanceId = runPlaceholderAsAlice(base, root.resolve("work"));

            assertThat(Http.get(base + "/audit/api/runs", null, null).statusCode()).as("login required").isEqualTo(401);
            assertThat(Http.get(base + "/audit/index.html", null, null).statusCode()).as("login required").isEqualTo(401);
            // (a wrong password for vera would lock her out for seconds: Camunda's brute-force delay)
            assertThat(Http.get(base + "/audit/api/runs", "mallory", "guess").statusCode()).isEqualTo(401);
            HttpResponse<String> json = Http.get(base + "/audit/api/runs/" + instanceId, "vera", "vera-secret-for-test");
            assertThat(json.statusCode()).as(json.body()).isEqualTo(200);
            assertThat(json.body()).contains("\"processKey\" : \"platinumReport\"", "\"state\" : \"COMPLETED\"", "\"startedBy\" : \"alice\"",
                    "\"completedBy\" : \"alice\"", "checked by alice in the test");
            assertThat(Http.get(base + "/audit/api/runs/" + instanceId + "/bpmn", "vera", "vera-secret-for-test").body())
                    .contains("<bpmn:process id=\"platinumReport\"");
            assertThat(Http.get(base + "/audit/api/runs/nope", "vera", "vera-secret-for-test").statusCode()).isEqualTo(404);

            WebDriver browser = chromium(Files.createTempDirectory(root, "chromium-profile-"));
            try {
                // HTTP Basic as vera: credentials in the first URL (Chrome keeps them for the origin), then the page
                // without them. (Selenium's HasAuthentication needs a CDP build matching the browser's version, and
                // Debian's Chromium runs ahead of or behind the ones Selenium ships.)
                browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                browser.get(base.replace("http://", "http://vera:vera-secret-for-test@") + "/audit/index.html");
                browser.get(base + "/audit/");
                WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(
                        By.cssSelector("#runs tr[data-instance='" + instanceId + "']")));
                assertThat(row.getText()).contains("PLATINUM report", "COMPLETED", "alice");
                row.findElement(By.tagName("a")).click();

                wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#diagram[data-rendered='true']")));
                assertThat(browser.findElements(By.cssSelector("#diagram svg"))).as("diagram drawn").isNotEmpty();
                List<String> passed = browser.findElements(By.cssSelector("#diagram .djs-element.audit-passed")).stream()
                        .map(e -> e.getAttribute("data-element-id")).toList();
                assertThat(passed).contains("StartEvent_Requested", "Task_Acknowledge", "EndEvent_Acknowledged");
                List<String> taken = browser.findElements(By.cssSelector("#diagram .djs-connection.audit-taken")).stream()
                        .map(e -> e.getAttribute("data-element-id")).toList();
                assertThat(taken).containsExactlyInAnyOrder("Flow_ToTask", "Flow_ToEnd");

                List<WebElement> steps = browser.findElements(By.cssSelector("#steps tr.step"));
                assertThat(steps).hasSize(3);
                assertThat(steps.get(1).getText()).contains("Review PLATINUM report", "userTask", "alice", "completed");
                String tasks = browser.findElement(By.id("tasks")).getText();
                assertThat(tasks).contains("claimed by", "alice", "value note", "checked by alice in the test", "comment by alice");
                assertThat(browser.findElement(By.id("summary")).getText()).contains("COMPLETED", "Step acknowledged", "alice");
                // the report the run wrote (its ...ReportFile variable) is linked from its page, served behind the same login
                WebElement reportLink = browser.findElement(By.cssSelector("#reports a.report"));
                assertThat(reportLink.getText()).isEqualTo("platinum report");
                HttpResponse<String> report = Http.get(reportLink.getAttribute("href"), "vera", "vera-secret-for-test");
                assertThat(report.statusCode()).as(report.body()).isEqualTo(200);
                assertThat(report.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
                assertThat(report.body()).contains("<h1>PLATINUM sample</h1>");
                assertThat(Http.get(reportLink.getAttribute("href"), null, null).statusCode()).as("login required").isEqualTo(401);
                assertThat(Http.get(base + "/audit/api/runs/" + instanceId + "/reports/note", "vera", "vera-secret-for-test")
                        .statusCode()).as("only a ...ReportFile variable").isEqualTo(400);
                assertThat(Http.get(base + "/audit/api/runs/" + instanceId + "/reports/cutoverReportFile", "vera",
                        "vera-secret-for-test").statusCode()).as("a report this run did not write").isEqualTo(404);
                assertThat(Http.get(base + "/audit/api/runs/" + instanceId + "/reports/strayReportFile", "vera",
                        "vera-secret-for-test").statusCode()).as("a file outside the work directory").isEqualTo(403);


                // the GOLD migration run by the CLI: its sub-process, gateways and end event on the path taken
                browser.get(base + "/audit/index.html");
                wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#runs tr[data-instance='" + migrationId + "'] a")))
                        .click();
                wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#diagram[data-rendered='true']")));
                List<String> goldPassed = browser.findElements(By.cssSelector("#diagram .djs-element.audit-passed")).stream()
                        .map(e -> e.getAttribute("data-element-id")).toList();
                assertThat(goldPassed).contains("Task_ReviewConversion", "Task_CopyData", "Task_VerifyRows", "EndEvent_GoldCertified")
                        .doesNotContain("EndEvent_Failed", "EndEvent_ConversionRejected", "EndEvent_RowsDiffer", "EndEvent_CopiedUnverified");
                List<String> goldTaken = browser.findElements(By.cssSelector("#diagram .djs-connection.audit-taken")).stream()
                        .map(e -> e.getAttribute("data-element-id")).toList();
                assertThat(goldTaken).contains("Flow_ToSub", "Flow_4", "Flow_9", "Flow_10", "Flow_ToEnd")
                        .doesNotContain("Flow_11", "Flow_12", "Flow_VerifyNo", "Flow_Boundary_Failed");
                assertThat(browser.findElements(By.cssSelector("#steps tr.step"))).hasSizeGreaterThan(12);
                assertThat(browser.findElement(By.id("tasks")).getText()).contains("Review schema conversion", "cli",
                        "approved from the CLI (--yes)");
                assertThat(browser.getPageSource()).doesNotContain(AuditCommandIT.SOURCE_PASSWORD)
                        .doesNotContain(AuditCommandIT.TARGET_PASSWORD);
                File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
                Path out = Boolean.getBoolean("bascule.updateScreenshot") ? Path.of("docs") : Path.of("target");
                Files.copy(shot.toPath(), Files.createDirectories(out).resolve("audit-page.png"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                assertThat(Files.size(out.resolve("audit-page.png"))).isGreaterThan(10_000);
            } finally {
                browser.quit();
            }
        } finally {
            serve.outcome().application().close();
        }
    }

    /** Starts a PLATINUM report run (the stand-in) as alice (dba) over REST, claims its task, comments and completes it with values. */
    private static String runPlaceholderAsAlice(String base, Path workDir) throws Exception {
        // a report as the PLATINUM run writes one: Markdown and HTML in the work directory's reports
        Path report = Files.createDirectories(workDir.resolve("reports")).resolve("platinum-sample.md");
        Files.writeString(report, "# PLATINUM sample\n");
        Files.writeString(workDir.resolve("reports/platinum-sample.html"), "<html><body><h1>PLATINUM sample</h1></body></html>");
        String alice = "alice";
        String pw = "alice-secret-for-test";
        HttpResponse<String> started = Http.postJson(base + "/engine-rest/process-definition/key/platinumReport/start", "{}", alice, pw);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        String instanceId = started.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        String tasks = Http.get(base + "/engine-rest/task?processInstanceId=" + instanceId, alice, pw).body();
        String taskId = tasks.replaceAll("(?s).*?\"id\":\"([^\"]+)\".*", "$1");
        assertThat(Http.postJson(base + "/engine-rest/task/" + taskId + "/claim", "{\"userId\":\"alice\"}", alice, pw).statusCode())
                .isEqualTo(204);
        assertThat(Http.postJson(base + "/engine-rest/task/" + taskId + "/comment/create",
                "{\"message\":\"all green on the checklist\"}", alice, pw).statusCode()).isEqualTo(200);
        HttpResponse<String> done = Http.postJson(base + "/engine-rest/task/" + taskId + "/complete",
                "{\"variables\":{\"acknowledged\":{\"value\":true},\"note\":{\"value\":\"checked by alice in the test\"},"
                        + "\"platinumReportFile\":{\"value\":\"" + report.toString().replace("\\", "/") + "\"},"
                        + "\"strayReportFile\":{\"value\":\"/etc/hostname\"}}}", alice, pw);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(204);
        return instanceId;
    }

    /** A headless Debian Chromium through its chromedriver, with its own profile directory (the demo walk uses it too). */
    static WebDriver chromium(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1400,1800", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
