package io.bascule.cli;

import io.bascule.cli.RollbackWorld.World;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application writing all the time while {@code cutover --confirm GO} and then {@code rollback} run, on real servers
 * (a MariaDB with grant tables on, the application's own logins): it connects with the DATABASE_URL its .env holds and,
 * after an error, reads the .env again and reconnects, as a backend that is restarted or reconnects does. Its writes
 * land on MySQL, then on PostgreSQL, then on MySQL again; every write it saw committed (acknowledged) is on MySQL at
 * the end, with the value it wrote last.
 */
class CutoverWriterIT extends WithRollbackWorld {

    /**
     * The application: one transaction every few milliseconds inserts a customer and its order line, and every fourth
     * also renames an earlier customer. A commit that returned is acknowledged: its rows are expected at the end. A
     * transaction whose commit failed is in doubt (it may or may not have landed): its rows are left out of the
     * comparison and never touched again.
     */
    static final class Application implements Runnable {
        final Path envFile;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong onMysql = new AtomicLong();
        final AtomicLong onPostgres = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong reconnects = new AtomicLong();
        volatile String lastError;
        /** What the application found wrong (an acknowledged row missing where it writes now): the test fails on it. */
        volatile String failure;
        /** Acknowledged state: id → the name last committed. */
        final Map<Long, String> expected = new ConcurrentHashMap<>();
        final Set<Long> inDoubt = ConcurrentHashMap.newKeySet();
        private long nextId = 10_000;

        Application(Path envFile) {
            this.envFile = envFile;
        }

        @Override
        public void run() {
            while (!stop.get()) {
                try (Connection c = CutoverKit.connectAsApplication(envFile)) {
                    reconnects.incrementAndGet();
                    boolean postgres = c.getMetaData().getURL().startsWith("jdbc:postgresql:");
                    c.setAutoCommit(false);
                    while (!stop.get()) {
                        Map<Long, String> pending = write(c, postgres);
                        try {
                            c.commit();
                        } catch (SQLException e) {
                            inDoubt.addAll(pending.keySet());
                            pending.keySet().forEach(expected::remove);
                            throw e;
                        }
                        expected.putAll(pending);
                        (postgres ? onPostgres : onMysql).incrementAndGet();
                        Thread.sleep(5);
                    }
                } catch (SQLException e) {
                    errors.incrementAndGet();
                    lastError = e.getSQLState() + " " + e.getMessage();
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException ie) {
                        return;
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (IllegalStateException e) {
                    failure = e.getMessage();
                    return;
                }
            }
        }

        /** One transaction's writes (not yet committed); returns what it sets: id → name. */
        private Map<Long, String> write(Connection c, boolean postgres) throws SQLException {
            Map<Long, String> pending = new LinkedHashMap<>();
            long id = nextId++;
            String name = "app " + id + " on " + (postgres ? "PostgreSQL" : "MySQL") + " é";
            try (PreparedStatement ins = c.prepareStatement(postgres
                    // name_upper is generated on MySQL, a plain column on PostgreSQL: the application fills it there
                    ? "INSERT INTO customers (id, name, name_upper, active) VALUES (?, ?, upper(?), true)"
                    : "INSERT INTO customers (id, name) VALUES (?, ?)")) {
                ins.setLong(1, id);
                ins.setString(2, name);
                if (postgres) {
                    ins.setString(3, name);
                }
                ins.executeUpdate();
            }
            try (PreparedStatement line = c.prepareStatement("INSERT INTO order_lines (customer_id, line, qty) VALUES (?, 1, ?)")) {
                line.setLong(1, id);
                line.setInt(2, (int) (id % 97));
                line.executeUpdate();
            }
            pending.put(id, name);
            long earlier = id - 3;
            if (id % 4 == 0 && expected.containsKey(earlier) && !inDoubt.contains(earlier)) {
                String renamed = expected.get(earlier) + " +" + (postgres ? "pg" : "my");
                try (PreparedStatement up = c.prepareStatement(postgres
                        ? "UPDATE customers SET name = ?, name_upper = upper(?) WHERE id = ?"
                        : "UPDATE customers SET name = ? WHERE id = ?")) {
                    up.setString(1, renamed);
                    if (postgres) {
                        up.setString(2, renamed);
                        up.setLong(3, earlier);
                    } else {
                        up.setLong(2, earlier);
                    }
                    if (up.executeUpdate() != 1) {
                        throw new IllegalStateException("customer " + earlier + ", acknowledged as '" + expected.get(earlier)
                                + "', is missing on " + (postgres ? "PostgreSQL" : "MySQL"));
                    }
                }
                pending.put(earlier, renamed);
            }
            return pending;
        }
    }

    private static void awaitAtLeast(String what, AtomicLong counter, long n) throws InterruptedException {
        CutoverKit.await(what, Duration.ofSeconds(60), () -> counter.get() >= n);
    }

    @Test
    @Timeout(300)
    void anApplicationWritingThroughCutoverAndRollbackLosesNoAcknowledgedWrite(TestDatabases dbs) throws Exception {
        World w = CutoverKit.migrated(world, dbs, null);
        Application app = new Application(w.envFile());
        Thread t = new Thread(app, "application");
        t.start();
        long pgBeforeRollback;
        long mysqlBeforeCutover;
        long mysqlAfterCutover;
        try {
            awaitAtLeast("writes on MySQL", app.onMysql, 50);
            mysqlBeforeCutover = app.onMysql.get();
            CliRun cutover = CliRun.of(CutoverKit.env(w), w.args("cutover", "--confirm", "GO"));
            assertThat(cutover.exitCode()).as(cutover.out() + cutover.err()).isZero();
            assertThat(cutover.out()).contains("CUTOVER SUCCESSFUL");
            mysqlAfterCutover = app.onMysql.get();
            awaitAtLeast("writes on PostgreSQL", app.onPostgres, 50);

            CliRun rollback = CliRun.of(CutoverKit.env(w), w.args("rollback", "--reason", "rehearsing the way back under load"));
            assertThat(rollback.exitCode()).as(rollback.out() + rollback.err()).isZero();
            assertThat(Files.readString(w.envFile())).isEqualTo(w.envOriginal());
            pgBeforeRollback = app.onPostgres.get();
            long mysqlAfterRollback = app.onMysql.get();
            awaitAtLeast("writes on MySQL after the rollback", app.onMysql, mysqlAfterRollback + 50);
        } finally {
            app.stop.set(true);
            t.join(10_000);
        }
        assertThat(t.isAlive()).isFalse();
        assertThat(app.failure).isNull();
        assertThat(mysqlBeforeCutover).isPositive();
        assertThat(mysqlAfterCutover).as("MySQL took writes until the freeze").isGreaterThanOrEqualTo(mysqlBeforeCutover);
        assertThat(app.onPostgres.get()).as("no write on PostgreSQL after the rollback").isEqualTo(pgBeforeRollback);
        assertThat(app.errors.get()).as("the freeze and the fence were felt: " + app.lastError).isPositive();
        assertThat(app.reconnects.get()).isGreaterThanOrEqualTo(3);

        // every acknowledged write is on MySQL, with the value written last
        Map<Long, String> onMysql = new HashMap<>();
        Set<Long> withLine = new HashSet<>();
        try (Connection my = world.boss(w.mysqlDb()); Statement st = my.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT id, name FROM customers WHERE id >= 10000")) {
                while (rs.next()) {
                    onMysql.put(rs.getLong(1), rs.getString(2));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT customer_id FROM order_lines WHERE customer_id >= 10000")) {
                while (rs.next()) {
                    withLine.add(rs.getLong(1));
                }
            }
        }
        Map<Long, String> expected = new HashMap<>(app.expected);
        System.out.printf("application: %d transactions on MySQL (%d before the cutover), %d on PostgreSQL, %d errors,"
                        + " %d connections, %d rows expected, %d in doubt; last error: %s%n", app.onMysql.get(), mysqlBeforeCutover,
                app.onPostgres.get(), app.errors.get(), app.reconnects.get(), expected.size(), app.inDoubt.size(), app.lastError);
        assertThat(expected.values()).anyMatch(n -> n.contains("on PostgreSQL")).anyMatch(n -> n.contains("+pg"));
        Map<Long, String> lost = new LinkedHashMap<>();
        expected.forEach((id, name) -> {
            if (!name.equals(onMysql.get(id))) {
                lost.put(id, name + " (MySQL: " + onMysql.get(id) + ")");
            }
        });
        assertThat(lost).as("acknowledged writes missing or different on MySQL (of " + expected.size() + ", "
                + app.inDoubt.size() + " in doubt)").isEmpty();
        assertThat(withLine).containsAll(expected.keySet());
        // nothing MySQL holds was never written: every row is acknowledged or in doubt
        assertThat(onMysql.keySet()).allMatch(id -> expected.containsKey(id) || app.inDoubt.contains(id));
    }
}
