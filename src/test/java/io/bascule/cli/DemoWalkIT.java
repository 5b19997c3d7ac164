package io.bascule.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bascule.demo.DemoEnvironment;
import io.bascule.demo.SampleBackend;
import io.bascule.testing.StaleTestDirs;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.ElementClickInterceptedException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The README's walk for a DBA, for real, in a headless Chromium (Debian's chromium and chromium-driver, set up as in
 * {@link AuditPageIT}): {@code bascule demo} in this JVM (its MariaDB with grant tables on, the sample backend writing a
 * row a second as the application's login), a GOLD migration (started and approved over REST), then in Tasklist: the
 * cutover started, the war room confirmed, {@code GO} typed in the task <i>Phase 2: Set MySQL read-only</i>; the job
 * executor runs the rest. The sample backend follows: it writes to PostgreSQL, every write it acknowledged is there.
 * Then the rollback started in Tasklist: the backend writes to MySQL again, and every write it acknowledged (on MySQL
 * before, on PostgreSQL during) is in MySQL. Screenshots of the GO task and of the backend's page on PostgreSQL and
 * after the rollback go to target/, and to docs/demo-walk-*.png with {@code -Dbascule.updateScreenshot=true}.
 *
 * <p>Without Chromium the test fails, naming the packages; {@code -Dbascule.skipBrowserTests=true} skips it instead.
 */
class DemoWalkIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STEP = Duration.ofSeconds(90);

    private String base;
    private String password;

    @Test
    void aDbaWalksGoldCutoverAndRollbackAndTheBackendFollowsWithNoWriteLost() throws Exception {
        if (!Files.isExecutable(AuditPageIT.CHROMIUM) || !Files.isExecutable(AuditPageIT.CHROMEDRIVER)) {
            Assumptions.assumeFalse(Boolean.getBoolean("bascule.skipBrowserTests"),
                    "no Chromium: browser test skipped (-Dbascule.skipBrowserTests=true)");
            fail("the demo walk needs Chromium and its driver (" + AuditPageIT.CHROMIUM + ", " + AuditPageIT.CHROMEDRIVER
                    + "): apt-get install -y chromium chromium-driver (.ci/run installs them), or skip it on this machine with"
                    + " -Dbascule.skipBrowserTests=true");
        }
        Path workDir = Path.of("target", "demo-walk-it-" + ProcessHandle.current().pid()).toAbsolutePath();
        StaleTestDirs.deleteTree(workDir);
        int port = Http.freePort();
        CliRun demo = CliRun.of(Map.of(), "demo", "--work-dir", workDir.toString(), "--server.port=" + port,
                "--demo-source-port=" + Http.freePort(), "--demo-target-port=" + Http.freePort());
        assertThat(demo.exitCode()).as(demo.out() + demo.err()).isZero();
        try {
            Matcher login = Pattern.compile("Login: +demo / (\\S+)").matcher(demo.out());
            assertThat(login.find()).as(demo.out()).isTrue();
            password = login.group(1);
            base = "http://localhost:" + port;
            Matcher app = Pattern.compile("App: +(http://127\\.0\\.0\\.1:\\d+/) .*health (http://\\S+/health)\\)").matcher(demo.out());
            assertThat(app.find()).as(demo.out()).isTrue();
            String backendPage = app.group(1);
            String healthUrl = app.group(2);
            JsonNode onMysql = await("the sample backend writing to MySQL", () -> health(healthUrl)
                    .filter(h -> h.path("status").asText().equals("UP") && h.path("database").asText().equals("mysql")));
            String run = onMysql.path("run").asText();

            // GOLD: started and approved over REST (the README's step 5 shows it in Tasklist)
            String gold = start("goldMigration", "{}");
            String review = awaitTask(gold, "Task_ReviewConversion");
            post("/engine-rest/task/" + review + "/complete", "{\"variables\":{\"approved\":{\"value\":true},"
                    + "\"reviewComment\":{\"value\":\"demo walk\"}}}", 204);
            assertThat(awaitEnd(gold)).as("GOLD migration outcome").isEqualTo("CERTIFIED");

            WebDriver browser = AuditPageIT.chromium(Files.createTempDirectory(workDir, "chromium-profile-"));
            try {
                browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                String tasklist = base + "/camunda/app/tasklist/default/";
                browser.get(tasklist);
                wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("form[name='signinForm'] input[ng-model='username']")))
                        .sendKeys(DemoCommand.DEMO_USER);
                browser.findElement(By.cssSelector("form[name='signinForm'] input[ng-model='password']")).sendKeys(password);
                browser.findElement(By.cssSelector("form[name='signinForm'] button[type='submit']")).click();
                wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".start-process-action a")));

                // the cutover, started in Tasklist (its start form: a real run, not a dry run)
                startInTasklist(browser, wait, "Cutover");
                String cutover = awaitNewRun("cutover", Set.of());
                String warRoom = awaitTask(cutover, "Task_ConfirmWarRoom");
                openTask(browser, wait, tasklist, warRoom, "Confirm the war room");
                for (String box : new String[]{"A DBA is present", "DevOps is present", "The application owner is present",
                        "The stakeholders are informed"}) {
                    click(browser, label(browser, wait, box));
                }
                complete(browser, wait, warRoom);

                // the GO: typed in the task; the server checks the word again
                String go = awaitTask(cutover, "Task_GiveGo");
                openTask(browser, wait, tasklist, go, "Phase 2: Set MySQL read-only");
                field(browser, wait, "Type GO to set MySQL read-only").sendKeys("GO");
                field(browser, wait, "Note for the audit trail").sendKeys("demo walk: the war room says go");
                screenshot(browser, "demo-walk-1-cutover-go.png");
                complete(browser, wait, go);
                assertThat(awaitEnd(cutover)).as("cutover outcome").isEqualTo("CUTOVER_SUCCESSFUL");
                assertThat(Files.readString(workDir.resolve("demo/app/.env"))).contains("DATABASE_URL=postgresql://akig_app:");

                // the backend follows: it writes to PostgreSQL, every write it acknowledged is there
                JsonNode onPostgres = await("the sample backend writing to PostgreSQL with every write found there",
                        () -> health(healthUrl).filter(h -> h.path("status").asText().equals("UP")
                                && h.path("database").asText().equals("postgresql")
                                && h.path("writesByDatabase").path("postgresql").asLong() >= 2
                                && !h.path("missing").isNull() && h.path("missing").asLong() == 0));
                assertThat(onPostgres.path("run").asText()).as("the same backend run").isEqualTo(run);
                assertThat(onPostgres.path("writesByDatabase").path("mysql").asLong()).isGreaterThan(0);
                browser.get(backendPage);
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "healthy: writing to postgresql"));
                screenshot(browser, "demo-walk-2-backend-on-postgresql.png");

                // the rollback, started in Tasklist with a reason
                browser.get(tasklist);
                Set<String> rollbacksBefore = topLevelRuns("rollback");
                startInTasklist(browser, wait, "Rollback", () ->
                        field(browser, wait, "Reason (one line, for the incident report)").sendKeys("demo walk: back to MySQL"));
                // the cutover started its surveillance; the rollback, started on its own, ends it once rolled back
                Set<String> watching = topLevelRuns("surveillance");
                assertThat(watching).as("the surveillance the cutover started").hasSize(1);
                String rollback = awaitNewRun("rollback", rollbacksBefore);
                assertThat(awaitEnd(rollback)).as("rollback outcome").isEqualTo("ROLLED_BACK");
                assertThat(awaitEnd(watching.iterator().next())).as("surveillance outcome").isEqualTo("ROLLED_BACK");
                long postgresWrites = onPostgres.path("writesByDatabase").path("postgresql").asLong();
                JsonNode back = await("the sample backend writing to MySQL again with every write found there",
                        () -> health(healthUrl).filter(h -> h.path("status").asText().equals("UP")
                                && h.path("database").asText().equals("mysql")
                                && h.path("restarts").asInt() >= 2
                                && h.path("writesByDatabase").path("postgresql").asLong() >= postgresWrites
                                && !h.path("missing").isNull() && h.path("missing").asLong() == 0));
                assertThat(back.path("run").asText()).isEqualTo(run);
                assertThat(Files.readString(workDir.resolve("demo/app/.env"))).contains("DATABASE_URL=mysql://akig_app:");
                long acknowledged = back.path("writes").asLong();
                try (Connection c = mysqlAsBascule(workDir, demo);
                     PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM audit_logs WHERE utilisateur = ? AND entite = ?")) {
                    ps.setString(1, SampleBackend.USER);
                    ps.setString(2, run);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        assertThat(rs.getLong(1)).as("the backend's rows on MySQL: every acknowledged write, %s", back)
                                .isGreaterThanOrEqualTo(acknowledged);
                    }
                }
                browser.get(backendPage);
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "healthy: writing to mysql"));
                screenshot(browser, "demo-walk-3-rollback.png");
            } finally {
                browser.quit();
            }
        } finally {
            if (demo.outcome().application() != null) {
                demo.outcome().application().close();
            }
        }
    }

    // ------------------------------------------------------------------ Tasklist

    private void startInTasklist(WebDriver browser, WebDriverWait wait, String processName) {
        startInTasklist(browser, wait, processName, () -> { });
    }

    /** Start process → the process by name → its start form (filled by {@code fill}) → Start. */
    private void startInTasklist(WebDriver browser, WebDriverWait wait, String processName, Runnable fill) {
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".start-process-action a"))).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//ul[contains(@class,'processes')]//a[normalize-space(.)='"
                + processName + "']"))).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".modal-body .fjs-container")));
        fill.run();
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button[ng-click='startProcessInstance()']"))).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(".modal-dialog")));
    }

    /** Opens the task in Tasklist and claims it. */
    private static void openTask(WebDriver browser, WebDriverWait wait, String tasklist, String taskId, String name) {
        browser.get(tasklist + "#/?task=" + taskId);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".task-details"), name));
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".task-details button.claim"))).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".task-details .fjs-container")));
    }

    private void complete(WebDriver browser, WebDriverWait wait, String taskId) throws Exception {
        click(browser, wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".task-details button[ng-click='complete()']"))));
        await("task " + taskId + " completed", () -> {
            HttpResponse<String> r = Http.get(base + "/engine-rest/task/" + taskId, DemoCommand.DEMO_USER, password);
            return r.statusCode() == 404 ? Optional.of(true) : Optional.empty();
        });
    }

    /**
     * Clicks an element as a user would: scrolled to the middle of the view (Tasklist's fixed footer covers the bottom
     * line), the notifications that cover the lower right (a task claimed...) closed, as long as something is in the way.
     */
    private static void click(WebDriver browser, WebElement element) {
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
        new WebDriverWait(browser, Duration.ofSeconds(30))
                .ignoring(ElementClickInterceptedException.class).ignoring(StaleElementReferenceException.class)
                .until(d -> {
                    for (WebElement close : d.findElements(By.cssSelector(".page-notifications .alert button.close"))) {
                        if (close.isDisplayed()) {
                            close.click();
                        }
                    }
                    element.click();
                    return true;
                });
    }

    /** A form-js field's label, by its text (the checkbox sits inside it: a click ticks it). */
    private static WebElement label(WebDriver browser, WebDriverWait wait, String text) {
        return wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//label[contains(normalize-space(.), '" + text + "')]")));
    }

    /** A form-js text field or area, by its label. */
    private static WebElement field(WebDriver browser, WebDriverWait wait, String labelText) {
        WebElement label = label(browser, wait, labelText);
        return wait.until(ExpectedConditions.elementToBeClickable(By.id(label.getAttribute("for"))));
    }

    /**
     * The window's top {@value #SHOT_HEIGHT} pixels (what the pages fill; AuditPageIT's window is taller, so that
     * Tasklist's fixed footer covers no form field) to target/, or docs/ with {@code -Dbascule.updateScreenshot=true}.
     */
    private static void screenshot(WebDriver browser, String name) throws Exception {
        BufferedImage shot = ImageIO.read(new ByteArrayInputStream(((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES)));
        BufferedImage top = shot.getSubimage(0, 0, shot.getWidth(), Math.min(shot.getHeight(), SHOT_HEIGHT));
        Path out = Boolean.getBoolean("bascule.updateScreenshot") ? Path.of("docs") : Path.of("target");
        Path file = Files.createDirectories(out).resolve(name);
        ImageIO.write(top, "png", file.toFile());
        assertThat(Files.size(file)).as(name).isGreaterThan(10_000);
    }

    private static final int SHOT_HEIGHT = 900;

    // ------------------------------------------------------------------ REST and the backend

    private String start(String key, String body) throws Exception {
        HttpResponse<String> r = post("/engine-rest/process-definition/key/" + key + "/start", body, 200);
        return JSON.readTree(r.body()).path("id").asText();
    }

    private HttpResponse<String> post(String path, String body, int expected) throws Exception {
        HttpResponse<String> r = Http.postJson(base + path, body, DemoCommand.DEMO_USER, password);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(expected);
        return r;
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = Http.get(base + path, DemoCommand.DEMO_USER, password);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private String awaitTask(String instanceId, String taskKey) throws Exception {
        return await("task " + taskKey, () -> {
            failOnIncident();
            JsonNode tasks = get("/engine-rest/task?taskDefinitionKey=" + taskKey);
            for (JsonNode t : tasks) {
                if (belongsTo(t.path("processInstanceId").asText(), instanceId)) {
                    return Optional.of(t.path("id").asText());
                }
            }
            return Optional.empty();
        });
    }

    /** The instance itself, or one it called (the GOLD migration runs its copy in a called process). */
    private boolean belongsTo(String processInstanceId, String instanceId) throws Exception {
        if (processInstanceId.equals(instanceId)) {
            return true;
        }
        JsonNode pi = get("/engine-rest/history/process-instance/" + processInstanceId);
        String parent = pi.path("superProcessInstanceId").asText(null);
        return parent != null && belongsTo(parent, instanceId);
    }

    /** The ids of the top-level runs of a process so far, ended or not. */
    private Set<String> topLevelRuns(String key) throws Exception {
        Set<String> ids = new HashSet<>();
        for (JsonNode pi : get("/engine-rest/history/process-instance?processDefinitionKey=" + key + "&rootProcessInstances=true")) {
            ids.add(pi.path("id").asText());
        }
        return ids;
    }

    /** A top-level run not among {@code before} (it may be over before it is seen running: the rollback takes seconds). */
    private String awaitNewRun(String key, Set<String> before) throws Exception {
        return await("a " + key + " run started from Tasklist", () -> {
            Set<String> now = topLevelRuns(key);
            now.removeAll(before);
            return now.stream().findFirst();
        });
    }

    /** Waits for the instance to end (an incident fails at once) and returns its outcome variable. */
    private String awaitEnd(String instanceId) throws Exception {
        await("process instance " + instanceId + " ended", () -> {
            failOnIncident();
            JsonNode pi = get("/engine-rest/history/process-instance/" + instanceId);
            return pi.path("endTime").isNull() ? Optional.empty() : Optional.of(pi.path("state").asText());
        });
        JsonNode outcome = get("/engine-rest/history/variable-instance?processInstanceId=" + instanceId + "&variableName=outcome");
        JsonNode message = get("/engine-rest/history/variable-instance?processInstanceId=" + instanceId + "&variableName=outcomeMessage");
        String value = outcome.isEmpty() ? null : outcome.get(0).path("value").asText();
        System.out.println("DemoWalkIT: " + instanceId + " ended " + value + ": "
                + (message.isEmpty() ? "" : message.get(0).path("value").asText()));
        return value;
    }

    private void failOnIncident() throws Exception {
        JsonNode incidents = get("/engine-rest/incident");
        if (!incidents.isEmpty()) {
            fail("incident: " + incidents.toPrettyString());
        }
    }

    private static Optional<JsonNode> health(String url) {
        try {
            return Optional.of(JSON.readTree(Http.get(url, null, null).body()));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static Connection mysqlAsBascule(Path workDir, CliRun demo) throws Exception {
        Matcher source = Pattern.compile("Source: +(jdbc:mysql://\\S+)").matcher(demo.out());
        assertThat(source.find()).as(demo.out()).isTrue();
        return DriverManager.getConnection(source.group(1), DemoEnvironment.SOURCE_USER,
                Files.readString(workDir.resolve("demo").resolve(DemoEnvironment.SOURCE_PASSWORD_FILE)).strip());
    }

    /** Polls every 200 ms until the value is there, at most {@link #STEP}; the last state in the failure. */
    private static <T> T await(String what, Callable<Optional<T>> probe) throws Exception {
        long deadline = System.nanoTime() + STEP.toNanos();
        while (true) {
            Optional<T> value = probe.call();
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() - deadline > 0) {
                fail("waited " + STEP.toSeconds() + " s for " + what);
            }
            Thread.sleep(200);
        }
    }
}
