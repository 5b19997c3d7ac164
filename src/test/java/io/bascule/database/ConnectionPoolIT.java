package io.bascule.database;

import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The step's connection pool (HikariCP): one login per worker, reused within the step, with the endpoint's session
 * settings; a failed task's connection thrown away; the endpoint's own clear, redacted errors; all closed at the end.
 */
@ExtendWith(EmbeddedDatabases.class)
class ConnectionPoolIT {

    private static String scalar(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void reusesOneLoginPerWorkerWithTheSessionSettings(TestDatabases dbs) throws Exception {
        DatabaseEndpoint target = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, dbs.targetUrl(), "postgres", null);
        String first;
        String second;
        try (ConnectionPool pool = new ConnectionPool(target, 2)) {
            Connection a = pool.take();
            first = scalar(a, "SELECT pg_backend_pid()");
            assertThat(scalar(a, "SHOW TimeZone")).isEqualTo("UTC");
            assertThat(scalar(a, "SHOW extra_float_digits")).isEqualTo("1");
            a.setAutoCommit(false);
            a.createStatement().execute("CREATE TABLE left_open (x int)");   // a transaction left open: rolled back
            pool.release(a);
            Connection again = pool.take();
            assertThat(scalar(again, "SELECT pg_backend_pid()")).as("the same login again").isEqualTo(first);
            assertThat(again.getAutoCommit()).isTrue();
            assertThat(scalar(again, "SELECT count(*) FROM pg_class WHERE relname = 'left_open'")).isEqualTo("0");
            Connection other = pool.take();   // a second worker at the same time: its own login
            second = scalar(other, "SELECT pg_backend_pid()");
            assertThat(second).isNotEqualTo(first);
            assertThat(scalar(other, "SHOW bytea_output")).isEqualTo("hex");
            pool.release(other);
            pool.release(again);
            String reused = pool.with(c -> scalar(c, "SELECT pg_backend_pid()"));
            assertThat(reused).isIn(first, second);

            // a task that failed: its connection is thrown away, the next one is a new login
            Connection failed = pool.take();
            String failedPid = scalar(failed, "SELECT pg_backend_pid()");
            pool.discard(failed);
            try (Connection c = pool.take()) {
                assertThat(scalar(c, "SELECT pg_backend_pid()")).isNotEqualTo(failedPid);
            }
            assertThatThrownBy(() -> pool.with(c -> {
                throw new SQLException("the work failed");
            })).hasMessage("the work failed");
        }
        // closed at the end of the step: no session of the pool is left on the server
        try (Connection c = dbs.target()) {
            for (int i = 0; i < 50 && !"0".equals(sessions(c, first, second)); i++) {
                Thread.sleep(100);
            }
            assertThat(sessions(c, first, second)).isEqualTo("0");
        }
    }

    private static String sessions(Connection c, String... pids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("int4", java.util.Arrays.stream(pids).map(Integer::valueOf).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    @Test
    void aDiscardedStreamingReadIsNotReadToItsEnd(TestDatabases dbs) throws Exception {
        try (Connection c = dbs.source(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE big (id INT PRIMARY KEY, pad VARCHAR(200))");
            st.execute("INSERT INTO big SELECT seq, REPEAT('x', 200) FROM seq_1_to_200000");
        }
        DatabaseEndpoint source = DatabaseEndpoint.of(DatabaseEndpoint.Side.SOURCE, dbs.sourceUrl(), "root", null);
        try (ConnectionPool pool = new ConnectionPool(source, 1)) {
            Connection c = pool.take();
            PreparedStatement ps = c.prepareStatement("SELECT id, pad FROM big", ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
            ps.setFetchSize(Integer.MIN_VALUE);
            ResultSet rs = ps.executeQuery();
            // through the pool's proxies too, the copy and the verification read Connector/J's rows directly
            MySqlRows rows = MySqlRows.of(rs);
            assertThat(rows.getClass().getSimpleName()).isEqualTo("DriverRows");
            assertThat(rows.next()).isTrue();
            assertThat(new String(rows.get(1), java.nio.charset.StandardCharsets.US_ASCII)).isNotEmpty();
            pool.discard(c);   // the task failed mid-stream
            try (Connection next = pool.take()) {
                assertThat(scalar(next, "SELECT @@time_zone")).isEqualTo("+00:00");
                assertThat(scalar(next, "SELECT COUNT(*) FROM big")).isEqualTo("200000");
            }
        }
    }

    @Test
    void aRefusedLoginIsTheEndpointsOwnRedactedMessageAtOnce(TestDatabases dbs) {
        // the embedded PostgreSQL trusts loopback logins, but not a role it does not know
        String url = dbs.targetUrl() + (dbs.targetUrl().contains("?") ? "&" : "?") + "password=hunter2";
        DatabaseEndpoint source = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, url, "nobody_here", "wrong-secret");
        long start = System.nanoTime();
        assertThatThrownBy(() -> new ConnectionPool(source, 2).close())
                .isInstanceOfSatisfying(DatabaseException.class, e -> {
                    assertThat(e.code()).isEqualTo(DatabaseException.Code.AUTHENTICATION_FAILED);
                    assertThat(e.getMessage()).contains("refused user 'nobody_here'").contains(source.redactedUrl())
                            .doesNotContain("hunter2").doesNotContain("wrong-secret");
                });
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms until the error").isLessThan(900);
    }

    @Test
    void aClosedPoolSaysSoAndLeavesNoSession(TestDatabases dbs) throws Exception {
        DatabaseEndpoint target = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, dbs.targetUrl(), "postgres", null);
        try (Connection watcher = dbs.target()) {
            String query = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";
            ConnectionPool pool = new ConnectionPool(target, 3);
            assertThat(scalar(watcher, query)).as("the first login, checked at once").isEqualTo("1");
            pool.close();   // never used: its first connection is closed too
            for (int i = 0; i < 50 && !"0".equals(scalar(watcher, query)); i++) {
                Thread.sleep(100);
            }
            assertThat(scalar(watcher, query)).isEqualTo("0");
            assertThatThrownBy(pool::take).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is closed").hasMessageContaining(target.redactedUrl());
        }
    }

    @Test
    void opensNoConnectionAheadOfAWorker(TestDatabases dbs) throws Exception {
        DatabaseEndpoint target = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, dbs.targetUrl(), "postgres", null);
        try (Connection watcher = dbs.target(); ConnectionPool pool = new ConnectionPool(target, 4)) {
            String query = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";
            Connection a = pool.take();
            Connection b = pool.take();
            Thread.sleep(300);
            assertThat(scalar(watcher, query)).as("two workers, two logins").isEqualTo("2");
            pool.release(a);
            pool.release(b);
        }
    }
}
