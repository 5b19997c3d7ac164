package io.bascule.cli;

import io.bascule.backup.BackupFiles;
import io.bascule.cli.RollbackWorld.World;
import io.bascule.process.PlatinumVariables;
import io.bascule.process.ProcessKeys;
import io.bascule.process.ProcessVariables;
import io.bascule.rollback.ReverseChannel;
import io.bascule.testing.TestDatabases;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The process {@code platinumReport} with its real delegates on {@code serve}, on the state a cutover leaves (a MariaDB
 * of its own with grant tables on, frozen read-only; the reverse channel armed; the application's .env switched;
 * {@link RollbackWorld}), started by hand with its settings shortened (report after 1 s, MySQL kept 1 s, no retry):
 * the report computed on the live databases (GRANTED: every criterion passes on the fresh migration), its files and
 * e-mail written with the charts of the samples serve keeps, the variables set; a DBA decides to archive: the reverse
 * channel drained (the application's write on PostgreSQL carried into MySQL, and into the archive) and disarmed, the
 * final dump written with checksums that match, MySQL left read-only. With {@code stop-source} and Bascule's MySQL
 * login lacking the SHUTDOWN privilege, the archive step stops as an incident naming the GRANT, after the dump (the
 * SHUTDOWN itself is tested on a server of its own, SourceArchiveIT: stopping this one would end the class's world).
 */
class PlatinumProcessIT extends WithRollbackWorld {

    static final String PLATINUM = "  platinum:\n    min-uptime: 1ms\n";
    static final String TEAM_AND_MAIL = "  cutover:\n    team:\n      - name: Dora\n        role: DBA\n        email: dora@example.org\n"
            + "  notify:\n    to: [ops@example.org]\n";

    /** Two tables with primary keys only (no index the report could find unused). */
    static void load(Connection c) throws Exception {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(60) NOT NULL)");
            StringBuilder rows = new StringBuilder("INSERT INTO customers VALUES ");
            for (int i = 1; i <= 30; i++) {
                rows.append(i > 1 ? ", " : "").append("(").append(i).append(", 'Customer ").append(i).append("')");
            }
            st.execute(rows.toString());
            st.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id INT NOT NULL, amount DECIMAL(10,2) NOT NULL)");
            st.execute("INSERT INTO orders VALUES (10, 1, 12.50), (11, 3, 99.99), (12, 3, 0.01)");
        }
    }

    /**
     * The cutover's state, the cutover's baseline on PostgreSQL, and the application's first write on it.
     *
     * @param platinumMore more lines under {@code bascule.platinum} (four-space indented)
     */
    private World cutoverState(TestDatabases dbs, String platinumMore) throws Exception {
        World w = world.cutoverState(dbs, PlatinumProcessIT::load, java.util.Set.of(), PLATINUM + platinumMore + TEAM_AND_MAIL);
        try (Connection pg = dbs.target(); Statement st = pg.createStatement()) {
            st.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            st.execute("ANALYZE");
            st.execute("SELECT pg_stat_reset()");
            st.execute("SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)");
        }
        try (Connection app = w.pgApp(); Statement st = app.createStatement()) {
            st.executeUpdate("UPDATE customers SET name = 'changed on PostgreSQL' WHERE id = 2");
        }
        return w;
    }

    /** {@code serve} on the world's settings, with the DBA dora (and an administrator, which serve requires). */
    private static final class Serve implements AutoCloseable {
        final CliRun run;
        final ProcessEngine engine;
        final Path work;

        Serve(World w) throws Exception {
            Path config = w.config().resolveSibling(w.config().getFileName() + "-serve.yml");
            Files.writeString(config, Files.readString(w.config()) + "  web:\n    users:\n      - id: ada\n"
                    + "        groups: [camunda-admin]\n        password-env: TEST_DORA_PASSWORD\n      - id: dora\n"
                    + "        groups: [dba]\n        password-env: TEST_DORA_PASSWORD\n");
            String[] args = w.args("serve", "--server.port=0");
            for (int i = 0; i < args.length - 1; i++) {
                if (args[i].equals("--config")) {
                    args[i + 1] = config.toString();
                }
            }
            Map<String, String> env = new java.util.HashMap<>(CutoverKit.env(w));
            env.put("TEST_DORA_PASSWORD", "dora-secret-for-test");
            run = CliRun.of(env, args);
            assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
            engine = run.outcome().application().getBean(ProcessEngine.class);
            work = w.work();
        }

        String start(Map<String, Object> vars) {
            return engine.getRuntimeService().startProcessInstanceByKey(ProcessKeys.PLATINUM_REPORT, vars).getId();
        }

        Object variable(String instance, String name) {
            return engine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(instance).variableName(name)
                    .list().stream().findFirst().map(HistoricVariableInstance::getValue).orElse(null);
        }

        boolean ended(String instance) {
            HistoricProcessInstance h = engine.getHistoryService().createHistoricProcessInstanceQuery().processInstanceId(instance)
                    .singleResult();
            return h.getEndTime() != null;
        }

        List<Incident> incidents(String instance) {
            return engine.getRuntimeService().createIncidentQuery().processInstanceId(instance).list();
        }

        /** Waits until {@code done} holds; fails at once on an unexpected end or incident, saying what the run did. */
        <T> T await(String instance, String what, Supplier<T> done, boolean incidentsExpected) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
            while (System.nanoTime() < deadline) {
                T value = done.get();
                if (value != null) {
                    return value;
                }
                if (!incidentsExpected) {
                    assertThat(incidents(instance)).as("incidents while waiting for " + what).isEmpty();
                }
                assertThat(ended(instance)).as("the run ended while waiting for " + what + ": "
                        + variable(instance, ProcessVariables.OUTCOME_MESSAGE)).isFalse();
                Thread.sleep(200);
            }
            throw new AssertionError("not reached within 150 s: " + what);
        }

        @Override
        public void close() {
            ConfigurableApplicationContext app = run.outcome().application();
            if (app != null) {
                app.close();
            }
        }
    }

    /** Started by hand with its settings shortened, once serve has kept a sample of PostgreSQL. */
    private static String startShortened(Serve serve) throws Exception {
        Path samples = serve.work.resolve("surveillance");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!(Files.isDirectory(samples) && sampleCount(samples) > 0) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(sampleCount(samples)).as("serve samples the target").isPositive();
        return serve.start(Map.of(ProcessVariables.STARTED_AT, Instant.now().minusSeconds(2).toString(),
                PlatinumVariables.REPORT_AFTER, "1s", PlatinumVariables.KEEP_SOURCE, "1s", PlatinumVariables.MAX_RETRIES, 0,
                "note", "started by the test"));
    }

    private static long sampleCount(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("samples-")).mapToLong(f -> {
                try {
                    return Files.readAllLines(f).size();
                } catch (java.io.IOException e) {
                    return 0;
                }
            }).sum();
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static Task awaitArchiveTask(Serve serve, String instance) throws InterruptedException {
        return serve.await(instance, "the task 'Archive MySQL?'", () -> serve.engine.getTaskService().createTaskQuery()
                .processInstanceId(instance).singleResult(), false);
    }

    private static void decide(Serve serve, Task task, String decision) {
        var identity = serve.engine.getIdentityService();
        identity.setAuthentication("dora", List.of(ProcessKeys.DBA_GROUP));
        try {
            serve.engine.getTaskService().claim(task.getId(), "dora");
            serve.engine.getTaskService().complete(task.getId(), Map.of(PlatinumVariables.ARCHIVE_DECISION, decision,
                    "note", "archived after a clean week"));
        } finally {
            identity.clearAuthentication();
        }
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(BackupFiles.sha256().digest(Files.readAllBytes(file)));
    }

    @Test
    @Timeout(300)
    void grantedOnTheLiveDatabasesThenArchivedWithVerifiedChecksumsTheChannelDisarmedAndMySqlReadOnly(TestDatabases dbs)
            throws Exception {
        World w = cutoverState(dbs, "");
        try (Serve serve = new Serve(w)) {
            String instance = startShortened(serve);
            Task task = awaitArchiveTask(serve, instance);
            assertThat(task.getName()).isEqualTo("Archive MySQL?");

            // the report, as computed on the live databases
            assertThat(serve.variable(instance, PlatinumVariables.SUMMARY)).as("every criterion passes").asString()
                    .startsWith("PLATINUM GRANTED: score 100/100, 6 of 6 criteria passed");
            assertThat(serve.variable(instance, PlatinumVariables.VERDICT)).isEqualTo("GRANTED");
            assertThat(serve.variable(instance, PlatinumVariables.SCORE)).isEqualTo(100);
            assertThat(serve.variable(instance, PlatinumVariables.PASSED)).isEqualTo("6/6");
            assertThat(serve.variable(instance, PlatinumVariables.FAILED)).isEqualTo("");
            assertThat(serve.variable(instance, PlatinumVariables.NEXT_REPORT_AT)).isNull();
            assertThat(serve.variable(instance, PlatinumVariables.CUTOVER_STANDS)).isEqualTo(true);
            assertThat((String) serve.variable(instance, PlatinumVariables.CUTOVER_CHECK))
                    .contains("the cutover still stands", "DATABASE_URL in " + w.envFile() + " points to PostgreSQL");
            Path md = Path.of((String) serve.variable(instance, PlatinumVariables.REPORT_FILE));
            Path html = md.resolveSibling(md.getFileName().toString().replace(".md", ".html"));
            assertThat(md).startsWith(w.work().resolve("reports"));
            assertThat(Files.readString(md)).startsWith("# PLATINUM GRANTED").contains("| 6 | **incidents**", "Dora")
                    .contains("- Mean query time: `").doesNotContain(RollbackWorld.APP_PASSWORD, RollbackWorld.BASCULE_PASSWORD);
            assertThat(Files.readString(html)).contains("<polyline").doesNotContain(RollbackWorld.BASCULE_PASSWORD);
            // the e-mail, written as a file (no SMTP server), with both files attached
            Path eml;
            try (Stream<Path> mails = Files.list(w.work().resolve("mail"))) {
                eml = mails.filter(f -> f.getFileName().toString().endsWith("platinum-report.eml")).findFirst().orElseThrow();
            }
            String mail = Files.readString(eml, StandardCharsets.UTF_8);
            assertThat(mail).contains("Subject: [Bascule] PLATINUM GRANTED: score 100 / 100", "To: ops@example.org",
                    md.getFileName().toString(), html.getFileName().toString()).doesNotContain(RollbackWorld.BASCULE_PASSWORD);
            assertThat((String) serve.variable(instance, PlatinumVariables.MAIL)).contains("written to").contains(eml.toString());
            assertThat(ReverseChannel.isArmedOn(w.target())).as("armed until the archive").isTrue();

            decide(serve, task, "yes");
            String outcome = serve.await(instance, "the end", () -> serve.ended(instance)
                    ? (String) serve.variable(instance, ProcessVariables.OUTCOME) : null, false);
            assertThat(outcome).as((String) serve.variable(instance, ProcessVariables.OUTCOME_MESSAGE)).isEqualTo("GRANTED_ARCHIVED");
            assertThat(serve.variable(instance, ProcessVariables.OUTCOME_SUCCESS)).isEqualTo(true);
            assertThat(serve.variable(instance, PlatinumVariables.ARCHIVE_DECIDED_BY)).isEqualTo("dora");
            assertThat((String) serve.variable(instance, ProcessVariables.OUTCOME_MESSAGE))
                    .startsWith("PLATINUM GRANTED; MySQL archived: 2 table(s), 33 rows").contains("MySQL left read-only");

            // the archive: checksums that match, the application's write on PostgreSQL in it
            Path dir = Path.of((String) serve.variable(instance, PlatinumVariables.ARCHIVE_DIRECTORY));
            assertThat(dir).startsWith(w.work().resolve("archive"));
            Path dump = dir.resolve("mysql");
            assertThat(serve.variable(instance, PlatinumVariables.ARCHIVE_SHA256)).isEqualTo(sha256(dump.resolve("SHA256SUMS")));
            List<String> sums = Files.readAllLines(dump.resolve("SHA256SUMS"));
            assertThat(sums).hasSize(5);
            for (String line : sums) {
                String[] parts = line.split("  ");
                assertThat(sha256(dump.resolve(parts[1]))).as(parts[1]).isEqualTo(parts[0]);
            }
            try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(dump.resolve("customers.tsv.gz")))) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("2\tchanged on PostgreSQL\n");
            }
            assertThat(Files.readString(dir.resolve("archive.json"))).contains("\"sourceAfter\" : \"left read-only\"",
                    "\"archiveDecidedBy\" : \"dora\"", "\"platinumVerdict\" : \"GRANTED\"").doesNotContain(RollbackWorld.BASCULE_PASSWORD);
            // the way back is gone, MySQL still read-only
            assertThat(ReverseChannel.isArmedOn(w.target())).isFalse();
            assertThat(world.mysqlReadOnly()).isTrue();
        }
    }

    @Test
    @Timeout(300)
    void stoppingMySqlWithoutTheShutdownPrivilegeIsAnIncidentNamingTheGrantAfterTheDump(TestDatabases dbs) throws Exception {
        World w = cutoverState(dbs, "    stop-source: true\n");
        try (Serve serve = new Serve(w)) {
            String instance = startShortened(serve);
            decide(serve, awaitArchiveTask(serve, instance), "yes");
            Incident incident = serve.await(instance, "the archive's incident", () -> serve.incidents(instance).stream()
                    .findFirst().orElse(null), true);
            assertThat(incident.getActivityId()).isEqualTo("Task_ArchiveSource");
            assertThat(incident.getIncidentMessage()).contains("stopping the server (SHUTDOWN)")
                    .contains("needs the SHUTDOWN privilege: GRANT SHUTDOWN ON *.* TO bascule")
                    .doesNotContain(RollbackWorld.BASCULE_PASSWORD);
            // the dump is written and verified, the channel disarmed: a retry after the GRANT only stops the server
            Path dir = w.work().resolve("archive").resolve("mysql-" + instance);
            assertThat(Files.readString(dir.resolve("archive.json"))).contains("sha256sumsSha256").doesNotContain("sourceAfter");
            assertThat(ReverseChannel.isArmedOn(w.target())).isFalse();
            assertThat(world.mysqlReadOnly()).as("MySQL still up, read-only").isTrue();
            serve.engine.getRuntimeService().deleteProcessInstance(instance, "test over");
        }
    }
}
