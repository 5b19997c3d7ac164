package io.bascule.cli;

import io.bascule.cli.RollbackWorld.World;

import io.bascule.database.SqlScript;
import io.bascule.rollback.ReverseChannel;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static io.bascule.testing.QueryRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rollback command end to end on real servers: a MariaDB of its own with grant tables on (a privileged login for
 * Bascule, the application's login that read-only stops), the shared embedded PostgreSQL with an application role,
 * a GOLD migration by the CLI, then the state a cutover leaves (MySQL frozen, the reverse channel armed, the
 * application's .env switched) set up with the services the cutover will call. The rollback runs through
 * {@code bascule rollback} as a user types it.
 */
class RollbackCommandIT extends WithRollbackWorld {

    static final String APP_PASSWORD = RollbackWorld.APP_PASSWORD;
    static final String BASCULE_PASSWORD = RollbackWorld.BASCULE_PASSWORD;

    static Connection boss(String database) throws SQLException {
        return world.boss(database);
    }

    /** The fixture's tables migrated and the cutover's state; a short drain bound: a stuck drain is an incident in seconds. */
    private World cutoverState(TestDatabases dbs) throws Exception {
        return world.cutoverState(dbs, c -> SqlScript.fromClasspath("ddl/reverse_channel.sql").run(c), Set.of("customers.active"),
                "  rollback:\n    drain-timeout: 3s\n    health-timeout: 5s\n");
    }

    private static boolean mysqlReadOnly() throws SQLException {
        return world.mysqlReadOnly();
    }

    /** The application writing on PostgreSQL: small transactions, reconnecting after an error, as a backend does. */
    static final class Writer implements Runnable {
        final World w;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong acknowledged = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong nextId = new AtomicLong(1_000);
        volatile String lastError;

        Writer(World w) {
            this.w = w;
        }

        @Override
        public void run() {
            while (!stop.get()) {
                try (Connection c = w.pgApp()) {
                    c.setAutoCommit(false);
                    while (!stop.get()) {
                        write(c);
                        c.commit();
                        acknowledged.incrementAndGet();
                    }
                } catch (SQLException e) {
                    refused.incrementAndGet();
                    lastError = e.getSQLState() + " " + e.getMessage();
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }

        private void write(Connection c) throws SQLException {
            long id = nextId.getAndIncrement();
            ThreadLocalRandom r = ThreadLocalRandom.current();
            // name_upper is a generated column on MySQL, a plain one on PostgreSQL: the application fills it there
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO customers (id, name, name_upper, balance, active)"
                    + " VALUES (?, ?, upper(?), ?, true)")) {
                ins.setLong(1, id);
                ins.setString(2, "writer " + id + " é");
                ins.setString(3, "writer " + id + " é");
                ins.setBigDecimal(4, new java.math.BigDecimal(r.nextInt(1_000_000)).movePointLeft(4));
                ins.executeUpdate();
            }
            try (PreparedStatement line = c.prepareStatement("INSERT INTO order_lines (customer_id, line, qty) VALUES (?, 1, ?)")) {
                line.setLong(1, id);
                line.setInt(2, r.nextInt(100));
                line.executeUpdate();
            }
            if (id % 3 == 0) {
                try (PreparedStatement up = c.prepareStatement("UPDATE customers SET name = name || '+', name_upper = upper(name || '+'),"
                        + " balance = balance + 1 WHERE id = ?")) {
                    up.setLong(1, id - 1);
                    up.executeUpdate();
                }
            }
            if (id % 5 == 0) {
                try (PreparedStatement del = c.prepareStatement("DELETE FROM customers WHERE id = ?")) {
                    del.setLong(1, id - 2);
                    del.executeUpdate();
                }
            }
        }
    }

    @Test
    void rollbackWhileTheApplicationWritesCarriesEveryAcknowledgedChangeBackAndRestoresTheEnvFile(TestDatabases dbs) throws Exception {
        World w = cutoverState(dbs);
        // the application on PostgreSQL before the rollback: changes the reverse channel must carry back
        try (Connection c = w.pgApp(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE customers SET name = 'Ada (pg)', name_upper = 'ADA (PG)' WHERE id = 1");
            st.executeUpdate("DELETE FROM customers WHERE id = 2");
            st.executeUpdate("INSERT INTO customers (name, name_upper, active) VALUES ('identity from PostgreSQL', 'IDENTITY FROM POSTGRESQL', true)");
        }
        Writer writer = new Writer(w);
        Thread t = new Thread(writer, "app-writer");
        t.start();
        while (writer.acknowledged.get() < 50) {
            Thread.sleep(10);
        }
        CliRun run;
        try {
            run = CliRun.of(w.env(), w.args("rollback", "--reason", "checkout errors after the switch"));
        } finally {
            writer.stop.set(true);
            t.join(10_000);
        }
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(writer.refused.get()).as("the writer was stopped by the rollback: " + writer.lastError).isPositive();
        assertThat(writer.lastError).containsAnyOf("25006", "57P01", "read-only", "terminat");
        // every step printed with its time
        assertThat(run.out().lines().filter(l -> l.matches("\\[\\d\\d:\\d\\d] .* ✅.*")).count()).isGreaterThanOrEqualTo(11);
        assertThat(run.out()).contains("Stop application writes on PostgreSQL", "Drain the reverse channel",
                "Switch the application back to MySQL", "Incident report: ");

        // RPO 0: MySQL holds exactly what PostgreSQL holds, every acknowledged change included
        assertThat(w.identical()).isTrue();
        try (Connection my = boss(w.mysqlDb())) {
            assertThat(rows(my, "SELECT name FROM customers WHERE id = 1")).containsExactly(List.of("Ada (pg)"));
            assertThat(rows(my, "SELECT count(*) FROM customers WHERE id = 2")).containsExactly(List.of("0"));
            assertThat(Long.parseLong(rows(my, "SELECT count(*) FROM customers WHERE id >= 1000").get(0).get(0)))
                    .isGreaterThanOrEqualTo(writer.acknowledged.get() * 4 / 5 - 1);
        }
        // env file byte-identical to the original
        assertThat(Files.readString(w.envFile())).isEqualTo(w.envOriginal());
        // MySQL writable for the application, and its AUTO_INCREMENT past every id PostgreSQL handed out
        assertThat(mysqlReadOnly()).isFalse();
        long maxId;
        try (Connection pg = w.dbs().target()) {
            maxId = Long.parseLong(rows(pg, "SELECT max(id) FROM customers").get(0).get(0));
        }
        try (Connection app = w.mysqlApp(); Statement st = app.createStatement()) {
            st.executeUpdate("INSERT INTO customers (name) VALUES ('after the rollback')", Statement.RETURN_GENERATED_KEYS);
            try (var keys = st.getGeneratedKeys()) {
                keys.next();
                assertThat(keys.getLong(1)).isGreaterThan(maxId);
            }
        }
        // PostgreSQL is read-only for the application's login now
        try (Connection c = w.pgApp(); Statement st = c.createStatement()) {
            assertThat(rows(c, "SHOW default_transaction_read_only")).containsExactly(List.of("on"));
        }
        // the channel is gone, the forensic backup and the incident report are there, and the stakeholders told
        assertThat(ReverseChannel.isArmedOn(w.target())).isFalse();
        try (Stream<Path> f = Files.walk(w.work().resolve("forensics"))) {
            assertThat(f.map(p -> p.getFileName().toString())).contains("manifest.json", "customers.copy.gz");
        }
        try (Stream<Path> f = Files.list(w.work().resolve("reports"))) {
            List<Path> reports = f.toList();
            assertThat(reports).anyMatch(p -> p.toString().endsWith(".md"));
            String md = Files.readString(reports.stream().filter(p -> p.toString().endsWith(".md")).findFirst().orElseThrow());
            assertThat(md).contains("checkout errors after the switch", "customers", "order_lines",
                            System.getProperty("user.name") + " (command line on ")
                    .doesNotContain(APP_PASSWORD, BASCULE_PASSWORD);
        }
        try (Stream<Path> f = Files.list(w.work().resolve("mail"))) {
            assertThat(f.map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith("rollback-incident.eml"));
        }
        assertThat(run.out() + run.err()).doesNotContain(APP_PASSWORD, BASCULE_PASSWORD);
        // the audit trail (every variable, every step) holds no secret either
        CliRun audit = CliRun.of(w.env(), w.args("audit", "--last", "rollback", "--json"));
        assertThat(audit.exitCode()).as(audit.err()).isZero();
        assertThat(audit.out()).contains("\"outcome\"", "ROLLED_BACK", "Drain the reverse channel")
                .doesNotContain(APP_PASSWORD, BASCULE_PASSWORD);
    }

    /** Everything a dry run must leave as it was: MySQL's tables and read-only, PostgreSQL's, the .env, the channel. */
    private Map<String, String> snapshot(World w) throws Exception {
        Map<String, String> s = new TreeMap<>();
        try (Connection my = boss(w.mysqlDb())) {
            s.put("mysql checksums", rows(my, "CHECKSUM TABLE customers, order_lines EXTENDED").toString());
            s.put("mysql read_only", rows(my, "SELECT @@GLOBAL.read_only").toString());
            s.put("mysql tables", rows(my, "SELECT TABLE_NAME, AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1").toString());
        }
        try (Connection pg = w.dbs().target()) {
            s.put("pg rows", rows(pg, "SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM order_lines),"
                    + " (SELECT count(*) FROM bascule_state.change_log)").toString());
            s.put("pg role settings", rows(pg, "SELECT coalesce(array_to_string(setconfig, ','), '') FROM pg_db_role_setting s"
                    + " JOIN pg_roles r ON r.oid = s.setrole WHERE r.rolname = '" + w.pgRole() + "'").toString());
            s.put("pg triggers", rows(pg, "SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE 'bascule%' ORDER BY 2").toString());
        }
        s.put("env file", Files.readString(w.envFile()));
        s.put("forensics", String.valueOf(Files.exists(w.work().resolve("forensics"))));
        return s;
    }

    @Test
    void dryRunChecksEveryStepAndChangesNothing(TestDatabases dbs) throws Exception {
        World w = cutoverState(dbs);
        try (Connection c = w.pgApp(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE customers SET name = 'changed on pg', name_upper = 'CHANGED ON PG' WHERE id = 3");
        }
        Map<String, String> before = snapshot(w);
        try (Connection idle = w.pgApp()) {   // an application session: a dry run does not end it
            CliRun run = CliRun.of(w.env(), w.args("rollback", "--dry-run"));
            assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
            assertThat(run.out()).contains("Dry run passed").contains("would");
            assertThat(run.out().lines().filter(l -> l.matches("\\[\\d\\d:\\d\\d] .* ✅.*")).count()).isGreaterThanOrEqualTo(11);
            assertThat(rows(idle, "SELECT 1")).containsExactly(List.of("1"));
        }
        assertThat(snapshot(w)).isEqualTo(before);
        assertThat(mysqlReadOnly()).isTrue();
    }

    @Test
    void withNoCutoverTheRollbackIsRefusedAndChangesNothing(TestDatabases dbs) throws Exception {
        World w = cutoverState(dbs);
        CliRun first = CliRun.of(w.env(), w.args("rollback", "--reason", "first"));
        assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
        CliRun again = CliRun.of(w.env(), w.args("rollback"));
        assertThat(again.exitCode()).isNotZero();
        assertThat(again.err()).contains("nothing to roll back");
        assertThat(Files.readString(w.envFile())).isEqualTo(w.envOriginal());
    }

    @Test
    void anEnvFileChangedByHandStopsAtADecisionAndIsNotOverwritten(TestDatabases dbs) throws Exception {
        World w = cutoverState(dbs);
        String edited = Files.readString(w.envFile()).replace("PORT=3000", "PORT=3001");
        Files.writeString(w.envFile(), edited);
        CliRun run = CliRun.of(w.env(), w.args("rollback"));
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.out() + run.err()).contains("Decide on the hand-edited app config").contains("-PORT=3000").contains("+PORT=3001");
        assertThat(Files.readString(w.envFile())).isEqualTo(edited);
        assertThat(mysqlReadOnly()).isTrue();
        assertThat(ReverseChannel.isArmedOn(w.target())).isTrue();
    }

    @Test
    void aMysqlThatCannotTakeTheChangesStopsAtAnIncidentAndARetryResumes(TestDatabases dbs) throws Exception {
        World w = cutoverState(dbs);
        try (Connection c = w.pgApp(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO customers (id, name, name_upper, active, email) VALUES (500, 'new on pg', 'NEW ON PG', true, 'x@example.org')");
        }
        // a row written on MySQL behind the channel's back takes the unique e-mail: the change cannot be applied
        try (Connection my = boss(w.mysqlDb()); Statement st = my.createStatement()) {
            st.execute("SET SESSION sql_log_bin = 0");
            st.executeUpdate("INSERT INTO customers (id, name, email) VALUES (600, 'behind the back', 'x@example.org')");
        }
        CliRun stuck = CliRun.of(w.env(), w.args("rollback"));
        assertThat(stuck.exitCode()).isNotZero();
        assertThat(stuck.out() + stuck.err()).contains("incident").contains("x@example.org");
        // the application is not switched back to an incomplete MySQL
        assertThat(Files.readString(w.envFile())).contains("postgresql://");
        assertThat(mysqlReadOnly()).isTrue();

        try (Connection my = boss(w.mysqlDb()); Statement st = my.createStatement()) {
            st.executeUpdate("DELETE FROM customers WHERE id = 600");
        }
        CliRun resumed = CliRun.of(w.env(), w.args("rollback"));
        assertThat(resumed.exitCode()).as(resumed.out() + resumed.err()).isZero();
        assertThat(resumed.out()).contains("Resuming rollback").contains("Retrying the step that stopped");
        assertThat(Files.readString(w.envFile())).isEqualTo(w.envOriginal());
        assertThat(w.identical()).isTrue();
        assertThat(mysqlReadOnly()).isFalse();
    }

    @Test
    void aSwitchedApplicationWithoutAReverseChannelIsNotSwitchedBack(TestDatabases dbs) throws Exception {
        World w = cutoverState(dbs);
        w.channel().disarm();   // the channel gone: the writes on PostgreSQL could not be carried back
        String switched = Files.readString(w.envFile());
        CliRun run = CliRun.of(w.env(), w.args("rollback"));
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("no reverse channel is armed").contains("cannot be carried back");
        assertThat(Files.readString(w.envFile())).isEqualTo(switched);
        assertThat(mysqlReadOnly()).isTrue();
    }

    @Test
    void aMysqlThatRefusesBasculeStopsAtAnIncidentBeforeAnythingChangesAndTheRetryResumes(TestDatabases dbs) throws Exception {
        World w = cutoverState(dbs);
        String switched = Files.readString(w.envFile());
        CliRun refused = CliRun.of(Map.of("BASCULE_SOURCE_PASSWORD", "not-the-password"), w.args("rollback"));
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.out() + refused.err()).contains("Check the way back").contains("incident")
                .contains("bascule").doesNotContain("not-the-password");
        assertThat(Files.readString(w.envFile())).isEqualTo(switched);
        assertThat(mysqlReadOnly()).isTrue();
        assertThat(ReverseChannel.isArmedOn(w.target())).isTrue();

        CliRun resumed = CliRun.of(w.env(), w.args("rollback"));
        assertThat(resumed.exitCode()).as(resumed.out() + resumed.err()).isZero();
        assertThat(resumed.out()).contains("Resuming rollback");
        assertThat(Files.readString(w.envFile())).isEqualTo(w.envOriginal());
        assertThat(mysqlReadOnly()).isFalse();
    }

    @Test
    void aBrokenChannelIsNamedAndNothingIsSwitchedBack(TestDatabases dbs) throws Exception {
        World w = cutoverState(dbs);
        try (Connection pg = w.dbs().target(); Statement st = pg.createStatement()) {
            st.execute("ALTER TABLE order_lines DISABLE TRIGGER bascule_capture");
        }
        String switched = Files.readString(w.envFile());
        CliRun run = CliRun.of(w.env(), w.args("rollback"));
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("the reverse channel is broken: order_lines (capture trigger disabled)");
        assertThat(Files.readString(w.envFile())).isEqualTo(switched);
        assertThat(mysqlReadOnly()).isTrue();
    }

    @Test
    void theApplicationIsRestartedAndAnUnhealthyOneStopsAtAnIncidentUntilItAnswers(TestDatabases dbs) throws Exception {
        java.util.concurrent.atomic.AtomicInteger status = new java.util.concurrent.atomic.AtomicInteger(503);
        com.sun.net.httpserver.HttpServer health = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        health.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        health.start();
        try {
            Path restarted = Files.createTempFile("rollback-restart", ".log");
            World w = world.cutoverState(dbs, c -> SqlScript.fromClasspath("ddl/reverse_channel.sql").run(c),
                    Set.of("customers.active"), "  rollback:\n    drain-timeout: 3s\n    health-timeout: 2s\n"
                            + "  app:\n    health-url: http://127.0.0.1:" + health.getAddress().getPort() + "/health\n"
                            + "    restart-command: echo restarted >> " + restarted + "\n");
            CliRun unhealthy = CliRun.of(w.env(), w.args("rollback"));
            assertThat(unhealthy.exitCode()).isNotZero();
            assertThat(unhealthy.out() + unhealthy.err()).contains("Validate MySQL with a write probe").contains("incident")
                    .contains("does not answer healthy");
            // the application is on MySQL, restarted once, and MySQL writable: only its health is awaited
            assertThat(Files.readString(w.envFile())).isEqualTo(w.envOriginal());
            assertThat(Files.readString(restarted)).isEqualTo("restarted\n");
            assertThat(mysqlReadOnly()).isFalse();

            status.set(200);
            CliRun resumed = CliRun.of(w.env(), w.args("rollback"));
            assertThat(resumed.exitCode()).as(resumed.out() + resumed.err()).isZero();
            assertThat(resumed.out()).contains("Resuming rollback").contains("Incident report: ");
            assertThat(Files.readString(restarted)).as("not restarted twice").isEqualTo("restarted\n");
            assertThat(ReverseChannel.isArmedOn(w.target())).isFalse();
        } finally {
            health.stop(0);
        }
    }

    @Test
    void aRollbackStartedWithWrongSettingsIsCancelledWithCancelStaleAndADryRunLeftActiveIsEnded(TestDatabases dbs) throws Exception {
        World w = cutoverState(dbs);
        String[] wrong = w.args("rollback");
        for (int i = 0; i < wrong.length; i++) {
            if (wrong[i].equals("--source-url")) {
                wrong[i + 1] = "jdbc:mysql://127.0.0.1:1/" + w.mysqlDb();   // nothing listens there
            }
        }
        CliRun stuck = CliRun.of(w.env(), wrong);
        assertThat(stuck.exitCode()).isNotZero();
        assertThat(stuck.out() + stuck.err()).contains("Check the way back").contains("incident");

        CliRun refused = CliRun.of(w.env(), w.args("rollback"));
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains("other settings").contains("--cancel-stale");
        assertThat(Files.readString(w.envFile())).contains("postgresql://");

        // a dry run stopped at an incident is ended by the next command, whatever it is
        CliRun dryStuck = CliRun.of(Map.of("BASCULE_SOURCE_PASSWORD", "wrong"), w.args("rollback", "--dry-run", "--cancel-stale"));
        assertThat(dryStuck.out()).contains("Cancelled rollback");
        assertThat(dryStuck.exitCode()).isNotZero();

        CliRun rolledBack = CliRun.of(w.env(), w.args("rollback"));
        assertThat(rolledBack.exitCode()).as(rolledBack.out() + rolledBack.err()).isZero();
        assertThat(rolledBack.out()).contains("Ended rollback dry run").doesNotContain("Resuming");
        assertThat(Files.readString(w.envFile())).isEqualTo(w.envOriginal());
        assertThat(w.identical()).isTrue();
    }
}
