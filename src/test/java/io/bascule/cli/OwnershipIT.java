package io.bascule.cli;

import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One owner of the engine's jobs: {@code serve} and a CLI {@code migrate} on the same work directory with different
 * settings (the CLI is refused before it starts anything, naming serve and its Tasklist), the owner a run records,
 * and, on an engine database shared by two work directories (where the lock does not reach), a step that refuses to
 * run with settings other than its run's. The databases stay untouched.
 */
@ExtendWith(EmbeddedDatabases.class)
class OwnershipIT {

    private static final Map<String, String> ENV = Map.of("TEST_ALICE_PASSWORD", "alice-secret-for-test");

    private static Path root(String name) throws Exception {
        return Files.createDirectories(Path.of("target", name + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime())
                .toAbsolutePath());
    }

    private static Path usersConfig(Path root) throws Exception {
        return Files.writeString(root.resolve("users.yml"), """
                bascule:
                  web:
                    users:
                      - id: alice
                        groups: [camunda-admin, dba]
                        password-env: TEST_ALICE_PASSWORD
                """);
    }

    private static List<String> connection(TestDatabases dbs, Path work, String... more) {
        List<String> a = new ArrayList<>(List.of("--source-url", dbs.sourceUrl(), "--source-user", "root",
                "--target-url", dbs.targetUrl(), "--target-user", "postgres", "--work-dir", work.toString()));
        a.addAll(List.of(more));
        return a;
    }

    private static String[] command(String name, List<String> args) {
        List<String> all = new ArrayList<>();
        all.add(name);
        all.addAll(args);
        return all.toArray(String[]::new);
    }

    private static void sourceTable(TestDatabases dbs) throws Exception {
        try (Connection c = dbs.source(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE items (id INT NOT NULL PRIMARY KEY, name VARCHAR(20) NOT NULL)");
            st.execute("INSERT INTO items VALUES (1, 'one'), (2, 'two'), (3, 'three')");
        }
    }

    private static long targetTables(TestDatabases dbs) throws Exception {
        try (Connection pg = dbs.target(); Statement st = pg.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String baseUrl(CliRun run) {
        var ctx = (org.springframework.boot.web.context.WebServerApplicationContext) run.outcome().application();
        return "http://localhost:" + ctx.getWebServer().getPort();
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> r = Http.get(url, "alice", "alice-secret-for-test");
        assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    /** Starts goldMigration through REST and waits until it waits for the review (pre-flight and plan done by serve). */
    private static String startAndAwaitReview(String base) throws Exception {
        HttpResponse<String> started = Http.postJson(base + "/engine-rest/process-definition/key/goldMigration/start", "{}",
                "alice", "alice-secret-for-test");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        String instance = field(started.body(), "id");
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            String tasks = get(base + "/engine-rest/task?processInstanceId=" + instance);
            if (tasks.contains("\"id\"")) {
                return instance;
            }
            assertThat(get(base + "/engine-rest/incident?processInstanceId=" + instance)).isEqualTo("[]");
            Thread.sleep(200);
        }
        throw new AssertionError("the run did not reach the review");
    }

    @Test
    @Timeout(300)
    void aCliMigrateOnTheWorkDirectoryOfServeWithOtherSettingsIsRefusedAndTouchesNothing(TestDatabases dbs) throws Exception {
        sourceTable(dbs);
        Path root = root("ownership-serve-it");
        Path work = root.resolve("work");
        List<String> serveArgs = connection(dbs, work, "--config", usersConfig(root).toString(), "--server.port=0");
        CliRun serve = CliRun.of(ENV, command("serve", serveArgs));
        try {
            assertThat(serve.exitCode()).as(serve.err()).isZero();
            String base = baseUrl(serve);
            String instance = startAndAwaitReview(base);
            String vars = get(base + "/engine-rest/process-instance/" + instance + "/variables");
            assertThat(vars).contains("\"ownerCommand\":{\"type\":\"String\",\"value\":\"serve\"")
                    .contains("\"ownerPid\":{\"type\":\"Long\",\"value\":" + ProcessHandle.current().pid())
                    .contains("target schema: public").contains("work dir: " + work);

            // the CLI with other settings on serve's work directory: refused before its engine starts
            CliRun migrate = CliRun.of(Map.of(), command("migrate", connection(dbs, work, "--yes", "--target-schema", "other")));
            assertThat(migrate.exitCode()).isEqualTo(1);
            String port = base.substring(base.lastIndexOf(':') + 1);
            assertThat(migrate.err().strip()).startsWith("error: work directory " + work + " is in use by serve (pid "
                            + ProcessHandle.current().pid())
                    .contains("start the run in its Tasklist at http://localhost:" + port + "/camunda/app/tasklist/, or stop"
                            + " serve and run migrate again")
                    .doesNotContain("\n");
            assertThat(migrate.out()).doesNotContain("GOLD migration started");
            assertThat(get(base + "/engine-rest/process-instance?processDefinitionKey=goldMigration"))
                    .as("no second run").contains(instance).doesNotContain("},{");

            // and the other way round: a second serve on a work directory whose runbooks a node runs
            CliRun second = CliRun.of(ENV, command("serve", serveArgs));
            assertThat(second.exitCode()).isEqualTo(1);
            assertThat(second.err()).contains("is in use by serve").contains("use that one, or stop it and start serve again");
        } finally {
            if (serve.outcome().application() != null) {
                serve.outcome().application().close();
            }
        }
        assertThat(targetTables(dbs)).as("nothing written to the target").isZero();
        // serve closed: the work directory is free again, and a read of the lock file names nobody holding it
        CliRun after = CliRun.of(ENV, command("serve", serveArgs));
        try {
            assertThat(after.exitCode()).as(after.err()).isZero();
        } finally {
            after.outcome().application().close();
        }
    }

    @Test
    @Timeout(300)
    void onASharedEngineDatabaseAStepRefusesToRunWithOtherSettingsThanItsRuns(TestDatabases dbs) throws Exception {
        sourceTable(dbs);
        Path root = root("ownership-shared-it");
        String engine = "jdbc:h2:file:" + root.resolve("shared-engine").resolve("bascule-engine") + ";AUTO_SERVER=TRUE";
        String config = usersConfig(root).toString();
        CliRun first = CliRun.of(ENV, command("serve", connection(dbs, root.resolve("work-a"), "--config", config,
                "--engine-db-url", engine, "--server.port=0")));
        String instance;
        try {
            assertThat(first.exitCode()).as(first.err()).isZero();
            instance = startAndAwaitReview(baseUrl(first));
        } finally {
            first.outcome().application().close();
        }
        // another node (its own work directory, so its own lock) on the same engine database, with another target schema
        CliRun other = CliRun.of(ENV, command("serve", connection(dbs, root.resolve("work-b"), "--config", config,
                "--engine-db-url", engine, "--target-schema", "other", "--server.port=0")));
        try {
            assertThat(other.exitCode()).as(other.err()).isZero();
            String base = baseUrl(other);
            String task = field(get(base + "/engine-rest/task?processInstanceId=" + instance), "id");
            HttpResponse<String> done = Http.postJson(base + "/engine-rest/task/" + task + "/complete",
                    "{\"variables\":{\"approved\":{\"value\":true,\"type\":\"Boolean\"}}}", "alice", "alice-secret-for-test");
            assertThat(done.statusCode()).as(done.body()).isEqualTo(204);
            String message = null;
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (message == null && System.nanoTime() < deadline) {
                message = field(get(base + "/engine-rest/job?processInstanceId=" + instance), "exceptionMessage");
                Thread.sleep(200);
            }
            assertThat(message).as("the step failed on the node with other settings").isNotNull()
                    .contains("not run here: this step belongs to the run of serve (pid " + ProcessHandle.current().pid())
                    .contains("target schema: 'other' here, 'public' in the run")
                    .contains("work dir: '" + root.resolve("work-b") + "' here, '" + root.resolve("work-a") + "' in the run");
        } finally {
            other.outcome().application().close();
        }
        assertThat(targetTables(dbs)).as("the step did nothing: no table created").isZero();
    }
    @Test
    @Timeout(300)
    void serveTakesOverTheRunOfACliThatIsGoneAndFinishesIt(TestDatabases dbs) throws Exception {
        sourceTable(dbs);
        Path root = root("ownership-takeover-it");
        Path work = root.resolve("work");
        // a migrate in its own JVM, without --yes and without a terminal: it stops at the review and exits
        List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), "io.bascule.BasculeApplication"));
        java.addAll(List.of(command("migrate", connection(dbs, work))));
        Process cli = new ProcessBuilder(java).redirectErrorStream(true).redirectOutput(root.resolve("cli.log").toFile()).start();
        assertThat(cli.waitFor()).isEqualTo(1);
        assertThat(Files.readString(root.resolve("cli.log"))).contains("waits for review");

        CliRun serve = CliRun.of(ENV, command("serve", connection(dbs, work, "--config", usersConfig(root).toString(),
                "--server.port=0")));
        try {
            assertThat(serve.exitCode()).as(serve.err()).isZero();
            assertThat(serve.out()).contains("Took over process instance").contains("its owner migrate (pid " + cli.pid())
                    .contains("is gone (no process " + cli.pid() + " is running)");
            String base = baseUrl(serve);
            String instance = field(get(base + "/engine-rest/process-instance?processDefinitionKey=goldMigration"), "id");
            String vars = get(base + "/engine-rest/process-instance/" + instance + "/variables");
            assertThat(vars).contains("\"ownerCommand\":{\"type\":\"String\",\"value\":\"serve\"")
                    .contains("\"ownerBefore\":{\"type\":\"String\",\"value\":\"migrate (pid " + cli.pid());
            String task = field(get(base + "/engine-rest/task?processInstanceId=" + instance), "id");
            HttpResponse<String> done = Http.postJson(base + "/engine-rest/task/" + task + "/complete",
                    "{\"variables\":{\"approved\":{\"value\":true,\"type\":\"Boolean\"}}}", "alice", "alice-secret-for-test");
            assertThat(done.statusCode()).as(done.body()).isEqualTo(204);
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (!get(base + "/engine-rest/process-instance?processInstanceId=" + instance).equals("[]")
                    && System.nanoTime() < deadline) {
                assertThat(get(base + "/engine-rest/incident?processInstanceId=" + instance)).isEqualTo("[]");
                Thread.sleep(200);
            }
            assertThat(get(base + "/engine-rest/history/activity-instance?processInstanceId=" + instance
                    + "&activityType=noneEndEvent")).as("ended GOLD certified").contains("\"activityName\":\"GOLD certified\"");
        } finally {
            serve.outcome().application().close();
        }
        try (Connection pg = dbs.target(); Statement st = pg.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM items")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(3);
        }
    }
}
