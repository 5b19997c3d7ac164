package io.bascule.surveillance;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.bascule.config.BasculeProperties;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.PostgresDialect;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sampler against the embedded PostgreSQL 17: each figure agrees with PostgreSQL's own views under conditions the
 * test induces (idle and idle-in-transaction sessions, a slow statement, a bloated table, an unused index, a deadlock,
 * long-running sessions), and the checks pass or fail accordingly; a database without pg_stat_statements, a login
 * without superuser, an unreachable server and a cut connection give a clear sample instead of an exception.
 */
@ExtendWith(EmbeddedDatabases.class)
class SamplerIT {

    static BasculeProperties.Surveillance thresholds(Duration slowQuery, Duration longRunning, Duration idleAge) {
        return new BasculeProperties.Surveillance(Duration.ofSeconds(5), 80, 100, slowQuery, 5, 3, idleAge, longRunning,
                List.of(Duration.ofMinutes(15)), Duration.ofMinutes(15), 50, Duration.ofDays(30));
    }

    static BasculeProperties.Surveillance defaults() {
        return thresholds(Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofMinutes(5));
    }

    static DatabaseEndpoint endpoint(TestDatabases dbs) {
        return DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, dbs.targetUrl(), "postgres", null);
    }

    static void exec(TestDatabases dbs, String... sql) throws SQLException {
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    static long longValue(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Samples until the condition holds (the statistics of other sessions reach the views within about a second). */
    static Sample sampleUntil(Sampler sampler, Predicate<Sample> condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Sample s = sampler.sample();
        while (!condition.test(s) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            s = sampler.sample();
        }
        return s;
    }

    @Test
    void connectionsByStateAgreeWithPgStatActivity(TestDatabases dbs) throws Exception {
        exec(dbs, "CREATE EXTENSION pg_stat_statements");
        List<Connection> held = new ArrayList<>();
        try (Sampler sampler = new Sampler(endpoint(dbs), defaults(), null);
             Connection checker = dbs.postgres().connect("postgres")) {
            for (int i = 0; i < 3; i++) {
                held.add(dbs.target());   // idle
            }
            for (int i = 0; i < 2; i++) {
                Connection c = dbs.target();
                c.setAutoCommit(false);
                try (Statement st = c.createStatement()) {
                    st.execute("SELECT 1");   // idle in transaction
                }
                held.add(c);
            }
            // the connection that created the extension may still be leaving
            Sample s = settled(sampler, x -> x.connectionsByState().equals(Map.of("active", 0, "idle", 3, "idle in transaction", 2)));
            System.out.println(MonitorView.render(s, dbs.targetUrl()));
            assertThat(s.error()).isNull();
            assertThat(s.reachable()).isTrue();
            assertThat(s.database()).isEqualTo(dbs.targetDatabase());
            assertThat(s.connectionsByState()).as("the sampler's own session is not counted")
                    .isEqualTo(Map.of("active", 0, "idle", 3, "idle in transaction", 2));
            assertThat(List.copyOf(s.connectionsByState().keySet())).containsExactly("active", "idle", "idle in transaction");

            long serverWide = longValue(checker, "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
                    + " AND application_name IS DISTINCT FROM '" + PostgresDialect.MONITOR_APPLICATION_NAME + "'");
            assertThat(s.connections()).isEqualTo((int) serverWide).isGreaterThanOrEqualTo(6);
            assertThat(s.maxConnections()).isEqualTo((int) longValue(checker, "SELECT current_setting('max_connections')::int"));
            int usable = s.maxConnections() - (int) longValue(checker, "SELECT current_setting('superuser_reserved_connections')::int")
                    - (int) longValue(checker, "SELECT current_setting('reserved_connections')::int");
            assertThat(s.usableConnections()).isEqualTo(usable);
            assertThat(s.connectionUsagePct()).isCloseTo(100.0 * s.connections() / usable, org.assertj.core.data.Offset.offset(0.01));
            assertThat(s.hiddenSessions()).isZero();
            assertThat(s.notes()).isEmpty();
            assertThat(s.statementsAvailable()).isTrue();
            assertThat(s.queries()).as("statements per sample").isEqualTo(5);
            assertThat(s.check(SampleChecks.CONNECTIONS).orElseThrow().passed()).isTrue();
            assertThat(s.alerts()).extracting(Sample.Check::key).containsExactlyElementsOf(SampleChecks.KEYS);

            // the sampling session is there, under its name, and the second sample reuses it
            long monitors = longValue(checker, "SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
                    + PostgresDialect.MONITOR_APPLICATION_NAME + "' AND datname = '" + dbs.targetDatabase() + "'");
            assertThat(monitors).isEqualTo(1);
            long pid = longValue(checker, "SELECT pid FROM pg_stat_activity WHERE application_name = '"
                    + PostgresDialect.MONITOR_APPLICATION_NAME + "' AND datname = '" + dbs.targetDatabase() + "'");
            sampler.sample();
            assertThat(longValue(checker, "SELECT pid FROM pg_stat_activity WHERE application_name = '"
                    + PostgresDialect.MONITOR_APPLICATION_NAME + "' AND datname = '" + dbs.targetDatabase() + "'")).isEqualTo(pid);

            // a connection PostgreSQL cut is replaced within the same sample
            longValue(checker, "SELECT count(*) FROM (SELECT pg_terminate_backend(" + pid + ")) t");
            Sample afterCut = sampler.sample();
            assertThat(afterCut.error()).isNull();
            assertThat(afterCut.connectionsByState()).containsEntry("idle", 3);
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
    }

    @Test
    void longRunningIdleInTransactionAndOldIdleSessionsAreListed(TestDatabases dbs) throws Exception {
        try (Sampler sampler = new Sampler(endpoint(dbs), thresholds(Duration.ofSeconds(1), Duration.ofMillis(800),
                Duration.ofMillis(800)), null);
             Connection idle = dbs.target(); Connection inTx = dbs.target(); Connection busy = dbs.target()) {
            int idlePid = pid(idle);
            int inTxPid = pid(inTx);
            int busyPid = pid(busy);
            inTx.setAutoCommit(false);
            try (Statement st = inTx.createStatement()) {
                // a statement naming a password: its literal never reaches a sample (page, store, monitor)
                st.execute("SELECT 'left open' AS bascule_it_marker, 'hunter2' AS app_password");
            }
            CompletableFuture<Void> sleeping = CompletableFuture.runAsync(() -> {
                try (Statement st = busy.createStatement()) {
                    st.execute("SELECT pg_sleep(4)");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(1500);
            Sample s = sampler.sample();
            System.out.println(MonitorView.render(s, dbs.targetUrl()));
            assertThat(s.longRunning()).extracting(Sample.Session::pid).contains(busyPid, inTxPid).doesNotContain(idlePid);
            assertThat(s.longRunningCount()).isEqualTo(2);
            Sample.Session running = s.longRunning().stream().filter(x -> x.pid() == busyPid).findFirst().orElseThrow();
            assertThat(running.state()).isEqualTo("active");
            assertThat(running.query()).contains("pg_sleep(4)");
            assertThat(running.ageSeconds()).isGreaterThanOrEqualTo(1.0);
            assertThat(running.database()).isEqualTo(dbs.targetDatabase());
            assertThat(running.user()).isEqualTo("postgres");
            assertThat(s.idleInTransaction()).extracting(Sample.Session::pid).containsExactly(inTxPid);
            assertThat(s.idleInTransaction().get(0).query()).contains("bascule_it_marker").contains("'***'")
                    .doesNotContain("hunter2");
            assertThat(SampleJson.toJson(s)).doesNotContain("hunter2");
            assertThat(s.idleInTransaction().get(0).state()).isEqualTo("idle in transaction");
            assertThat(s.idleSessions()).extracting(Sample.Session::pid).contains(idlePid, inTxPid).doesNotContain(busyPid);
            assertThat(s.connectionsByState()).containsEntry("active", 1).containsEntry("idle", 1)
                    .containsEntry("idle in transaction", 1);
            sleeping.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSlowStatementShowsInSlowQueriesWithTheMeanPgStatStatementsHolds(TestDatabases dbs) throws Exception {
        exec(dbs, "CREATE EXTENSION pg_stat_statements");
        BasculeProperties.Surveillance t = thresholds(Duration.ofMillis(200), Duration.ofMinutes(1), Duration.ofMinutes(5));
        try (Sampler sampler = new Sampler(endpoint(dbs), t, null)) {
            Sample before = sampler.sample();
            assertThat(before.statementsAvailable()).isTrue();
            assertThat(before.slowQueryCount()).isZero();
            assertThat(before.check(SampleChecks.SLOW_QUERIES).orElseThrow().passed()).isTrue();
            try (Connection c = dbs.target(); Statement st = c.createStatement()) {
                for (int i = 0; i < 3; i++) {
                    st.execute("SELECT pg_sleep(0.3) AS bascule_slow_marker");
                }
                for (int i = 0; i < 20; i++) {
                    st.execute("SELECT " + i + " AS bascule_fast_marker");
                }
            }
            Sample s = sampleUntil(sampler, x -> x.slowQueryCount() != null && x.slowQueryCount() > 0);
            System.out.println(MonitorView.render(s, dbs.targetUrl()));
            assertThat(s.slowQueryCount()).isEqualTo(1);
            Sample.QueryStat slow = s.slowQueries().get(0);
            assertThat(slow.query()).contains("pg_sleep").contains("bascule_slow_marker");
            assertThat(slow.calls()).isEqualTo(3);
            assertThat(slow.meanMs()).isGreaterThan(200);
            try (Connection c = dbs.target(); PreparedStatement ps = c.prepareStatement("SELECT mean_exec_time, max_exec_time,"
                    + " calls FROM pg_stat_statements WHERE queryid = ?")) {
                ps.setLong(1, slow.queryId());
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(slow.meanMs()).isCloseTo(rs.getDouble(1), org.assertj.core.data.Offset.offset(0.001));
                    assertThat(slow.maxMs()).isCloseTo(rs.getDouble(2), org.assertj.core.data.Offset.offset(0.001));
                }
            }
            assertThat(s.topQueries()).extracting(Sample.QueryStat::query).anySatisfy(q -> assertThat(q).contains("pg_sleep"));
            assertThat(s.topQueries()).as("the sampler's own statements are left out")
                    .allSatisfy(q -> assertThat(q.query()).doesNotContain("bascule-monitor"));
            assertThat(s.maxQueryMs()).isGreaterThanOrEqualTo(slow.maxMs());
            // the calls-weighted mean: total time over calls, as pg_stat_statements holds them for this database
            try (Connection c = dbs.target(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT sum(total_exec_time) / sum(calls), sum(calls) FROM pg_stat_statements WHERE dbid = (SELECT oid FROM"
                            + " pg_database WHERE datname = current_database()) AND query NOT LIKE '/* bascule-monitor */%'")) {
                rs.next();
                assertThat(s.avgQueryMs()).isCloseTo(rs.getDouble(1), org.assertj.core.data.Offset.offset(rs.getDouble(1) * 0.2 + 1));
                assertThat(s.statementCalls()).isPositive().isLessThanOrEqualTo(rs.getLong(2));
            }
            Sample.Check check = s.check(SampleChecks.SLOW_QUERIES).orElseThrow();
            assertThat(check.passed()).isFalse();
            assertThat(check.value()).startsWith("1 statement, slowest: ").contains("pg_sleep");
            assertThat(check.threshold()).isEqualTo("none with a mean over 200 ms");
            assertThat(s.check(SampleChecks.AVG_QUERY).orElseThrow().passed()).isEqualTo(s.avgQueryMs() <= 100);
        }
    }

    @Test
    void aBloatedTableAndAnUnusedIndexShowAsPgStatUserTablesHoldsThem(TestDatabases dbs) throws Exception {
        exec(dbs, "CREATE TABLE bloated (id int PRIMARY KEY, pad text) WITH (autovacuum_enabled = false)",
                "CREATE INDEX bloated_pad ON bloated (pad)",
                "CREATE TABLE tidy (id int PRIMARY KEY)",
                "INSERT INTO bloated SELECT g, 'row ' || g FROM generate_series(1, 2000) g",
                "INSERT INTO tidy SELECT g FROM generate_series(1, 100) g",
                "DELETE FROM bloated WHERE id > 200");
        try (Sampler sampler = new Sampler(endpoint(dbs), defaults(), null)) {
            Sample s = sampleUntil(sampler, x -> x.tables().stream().anyMatch(tb -> tb.name().equals("bloated")
                    && tb.deadTuples() == 1800 && tb.liveTuples() == 200));
            System.out.println(MonitorView.render(s, dbs.targetUrl()));
            assertThat(s.tableCount()).isEqualTo(2);
            Sample.TableStat worst = s.tables().get(0);
            assertThat(worst.schema()).isEqualTo("public");
            assertThat(worst.name()).isEqualTo("bloated");
            assertThat(worst.deadTuples()).isEqualTo(1800);
            assertThat(worst.deadPct()).isEqualTo(90.0);
            assertThat(s.deadTuplePct()).isEqualTo(90.0);
            assertThat(worst.lastAutovacuum()).isNull();
            Sample.Check dead = s.check(SampleChecks.DEAD_TUPLES).orElseThrow();
            assertThat(dead.passed()).isFalse();
            assertThat(dead.value()).isEqualTo("90.0 % in public.bloated (1800 dead, 200 live)");
            assertThat(dead.threshold()).isEqualTo("at most 5 % (tables with 50+ dead tuples)");

            assertThat(s.unusedIndexes()).extracting(Sample.IndexStat::name).containsExactly("bloated_pad");
            assertThat(s.unusedIndexes().get(0).table()).isEqualTo("bloated");
            assertThat(s.unusedIndexes().get(0).sizeBytes()).isPositive();
            assertThat(s.unusedIndexCount()).isEqualTo(1);
            Sample.Check indexes = s.check(SampleChecks.INDEXES_USED).orElseThrow();
            assertThat(indexes.passed()).as("informative").isTrue();
            assertThat(indexes.informative()).isTrue();
            assertThat(indexes.value()).contains("1 index never scanned").contains("public.bloated_pad");

            // used once, it is no longer listed; vacuumed, the dead tuples are gone and the check passes
            exec(dbs, "SET enable_seqscan = off; SELECT count(*) FROM bloated WHERE pad = 'row 7'", "VACUUM bloated");
            Sample after = sampleUntil(sampler, x -> x.unusedIndexCount() == 0 && x.deadTuplePct() == 0.0);
            assertThat(after.unusedIndexes()).isEmpty();
            assertThat(after.deadTuplePct()).isZero();
            assertThat(after.check(SampleChecks.DEAD_TUPLES).orElseThrow().passed()).isTrue();
            assertThat(after.check(SampleChecks.DEAD_TUPLES).orElseThrow().value()).isEqualTo("no table with 50 or more dead tuples");
            assertThat(after.tables().get(0).lastVacuum()).isNotNull();
        }
    }

    @Test
    void aDeadlockBetweenTwoSessionsIsCounted(TestDatabases dbs) throws Exception {
        exec(dbs, "CREATE TABLE pair (id int PRIMARY KEY, v int)", "INSERT INTO pair VALUES (1, 0), (2, 0)");
        try (Sampler sampler = new Sampler(endpoint(dbs), defaults(), null)) {
            Sample before = sampler.sample();
            assertThat(before.deadlocks()).isZero();
            assertThat(before.check(SampleChecks.DEADLOCKS).orElseThrow().passed()).isTrue();
            AtomicInteger deadlocked = new AtomicInteger();
            try (Connection a = dbs.target(); Connection b = dbs.target()) {
                a.setAutoCommit(false);
                b.setAutoCommit(false);
                a.createStatement().execute("UPDATE pair SET v = 1 WHERE id = 1");
                b.createStatement().execute("UPDATE pair SET v = 1 WHERE id = 2");
                CompletableFuture<Void> first = CompletableFuture.runAsync(() -> update(a, 2, deadlocked));
                Thread.sleep(300);
                update(b, 1, deadlocked);
                first.get(20, TimeUnit.SECONDS);
                a.rollback();
                b.rollback();
            }
            assertThat(deadlocked.get()).as("one of the two is chosen as the deadlock victim").isEqualTo(1);
            Sample s = sampleUntil(sampler, x -> x.deadlocks() != null && x.deadlocks() > 0);
            try (Connection c = dbs.target()) {
                assertThat(s.deadlocks()).isEqualTo(longValue(c, "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"))
                        .isEqualTo(1);
            }
            Sample.Check check = s.check(SampleChecks.DEADLOCKS).orElseThrow();
            assertThat(check.passed()).isFalse();
            assertThat(check.value()).startsWith("1");
        }
    }

    private static void update(Connection c, int id, AtomicInteger deadlocked) {
        try (Statement st = c.createStatement()) {
            st.execute("UPDATE pair SET v = 2 WHERE id = " + id);
        } catch (SQLException e) {
            if ("40P01".equals(e.getSQLState())) {
                deadlocked.incrementAndGet();
            } else {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void withoutPgStatStatementsTheQueryFiguresAreNullAndTheChecksSaySo(TestDatabases dbs) throws Exception {
        try (Sampler sampler = new Sampler(endpoint(dbs), defaults(), null)) {
            Sample s = sampler.sample();
            System.out.println(MonitorView.render(s, dbs.targetUrl()));
            assertThat(s.error()).isNull();
            assertThat(s.statementsAvailable()).isFalse();
            assertThat(s.avgQueryMs()).isNull();
            assertThat(s.maxQueryMs()).isNull();
            assertThat(s.slowQueryCount()).isNull();
            assertThat(s.topQueries()).isEmpty();
            assertThat(s.queries()).isEqualTo(4);
            assertThat(s.statementsNote()).isEqualTo("pg_stat_statements is not installed in database " + dbs.targetDatabase()
                    + " (a superuser runs CREATE EXTENSION pg_stat_statements there; the cutover's monitoring step does it)");
            assertThat(s.notes()).containsExactly(s.statementsNote());
            Sample.Check avg = s.check(SampleChecks.AVG_QUERY).orElseThrow();
            assertThat(avg.passed()).isFalse();
            assertThat(avg.value()).isEqualTo("not measured: " + s.statementsNote());
            assertThat(s.check(SampleChecks.SLOW_QUERIES).orElseThrow().value())
                    .isEqualTo("not measured: pg_stat_statements unavailable");
            assertThat(s.check(SampleChecks.CONNECTIONS).orElseThrow().passed()).isTrue();

            JsonNode json = SampleJson.mapper().readTree(SampleJson.toJson(s));
            assertThat(json.has("avgQueryMs")).isTrue();
            assertThat(json.get("avgQueryMs").isNull()).isTrue();
            assertThat(json.get("statementsAvailable").asBoolean()).isFalse();
            assertThat(SampleJson.fromJson(SampleJson.toJson(s))).isEqualTo(s);
        }
    }

    /**
     * A sample once {@code settled} holds, or the last one after 5 s (the assertions then say what differs): a backend
     * whose client has closed leaves pg_stat_activity a moment later.
     */
    private static Sample settled(Sampler sampler, java.util.function.Predicate<Sample> settled) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        Sample s = sampler.sample();
        while (!settled.test(s) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            s = sampler.sample();
        }
        return s;
    }

    @Test
    void aLoginWithoutPgReadAllStatsSeesOtherSessionsAsUnknownAndIsToldWhatToGrant(TestDatabases dbs) throws Exception {
        String role = "bascule_it_weak_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        exec(dbs, "CREATE ROLE " + role + " LOGIN");
        try (Connection s1 = dbs.target(); Connection s2 = dbs.target()) {
            DatabaseEndpoint weak = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, dbs.targetUrl(), role, null);
            try (Sampler sampler = new Sampler(weak, defaults(), null)) {
                // the connection that ran CREATE ROLE (or GRANT) may still be leaving: sample until only s1 and s2 count
                Sample s = settled(sampler, x -> x.connectionsByState().getOrDefault("unknown", 0) == 2);
                System.out.println(MonitorView.render(s, dbs.targetUrl()));
                assertThat(s.error()).isNull();
                assertThat(s.connectionsByState()).containsEntry("unknown", 2).containsEntry("idle", 0);
                assertThat(s.hiddenSessions()).isGreaterThanOrEqualTo(2);
                assertThat(s.notes()).anySatisfy(n -> assertThat(n).startsWith("login " + role + " sees ")
                        .endsWith("GRANT pg_read_all_stats TO " + role + " (or pg_monitor) to count them by state"));

                exec(dbs, "GRANT pg_read_all_stats TO " + role);
                Sample granted = settled(sampler, x -> x.connectionsByState().getOrDefault("idle", 0) == 2);
                assertThat(granted.connectionsByState()).containsEntry("idle", 2).doesNotContainKey("unknown");
                assertThat(granted.notes()).noneSatisfy(n -> assertThat(n).contains("pg_read_all_stats"));
            }
        } finally {
            exec(dbs, "DROP ROLE " + role);
        }
    }

    @Test
    void anUnreachableServerGivesASampleMarkedSoWithTheAppHealthStillProbed() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        HttpServer app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger status = new AtomicInteger(200);
        app.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        app.start();
        try {
            DatabaseEndpoint nowhere = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET,
                    "jdbc:postgresql://127.0.0.1:" + closed + "/gone", "postgres", null);
            String health = "http://user:secret@127.0.0.1:" + app.getAddress().getPort() + "/health";
            try (Sampler sampler = new Sampler(nowhere, defaults(), health)) {
                Sample s = sampler.sample();
                System.out.println(MonitorView.render(s, nowhere.redactedUrl()));
                assertThat(s.reachable()).isFalse();
                assertThat(s.error()).startsWith("cannot reach the target database jdbc:postgresql://127.0.0.1:" + closed + "/gone");
                assertThat(s.database()).isEqualTo("gone");
                assertThat(s.connectionsByState()).isEmpty();
                assertThat(s.maxConnections()).isNull();
                Sample.Check reachable = s.check(SampleChecks.REACHABLE).orElseThrow();
                assertThat(reachable.passed()).isFalse();
                assertThat(reachable.value()).startsWith("PostgreSQL unreachable: cannot reach the target database");
                assertThat(s.check(SampleChecks.CONNECTIONS).orElseThrow().value()).isEqualTo("not measured (PostgreSQL unreachable)");
                assertThat(s.alerts()).extracting(Sample.Check::key).containsExactlyElementsOf(SampleChecks.KEYS);

                assertThat(s.appHealth().ok()).isTrue();
                assertThat(s.appHealth().status()).isEqualTo(200);
                assertThat(s.appHealth().url()).doesNotContain("secret").endsWith("/health");
                assertThat(s.check(SampleChecks.APP_HEALTH).orElseThrow().passed()).isTrue();
                assertThat(SampleJson.toJson(s)).doesNotContain("secret");

                status.set(503);
                Sample down = sampler.sample();
                assertThat(down.appHealth().ok()).isFalse();
                assertThat(down.check(SampleChecks.APP_HEALTH).orElseThrow().value()).startsWith("HTTP 503 in ");
            }
        } finally {
            app.stop(0);
        }
        try (Sampler sampler = new Sampler(DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET,
                "jdbc:postgresql://127.0.0.1:" + closed + "/gone", "postgres", null), defaults(),
                "http://127.0.0.1:" + closed + "/health")) {
            Sample s = sampler.sample();
            assertThat(s.appHealth().ok()).isFalse();
            assertThat(s.appHealth().status()).isNull();
            assertThat(s.check(SampleChecks.APP_HEALTH).orElseThrow().value()).startsWith("no answer: ");
        }
    }

    private static int pid(Connection c) throws SQLException {
        return (int) longValue(c, "SELECT pg_backend_pid()");
    }
}
