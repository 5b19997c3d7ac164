package io.bascule.rollback;

import io.bascule.testing.GrantTables;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.DatabaseException;
import io.bascule.database.MySqlDialect;
import io.bascule.database.MySqlReadOnly;
import io.bascule.database.MySqlReadOnly.ProbeOutcome;
import io.bascule.embedded.EmbeddedMariaDbServer;
import io.bascule.testing.StaleTestDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The freeze on a MariaDB 10.11 of its own, with grant tables on (real users, passwords and privileges), so that
 * switching GLOBAL read_only cannot disturb the shared test server of other tests in this JVM. Every test lifts
 * read-only afterwards, whatever happened.
 */
class SourceFreezeIT {

    static final String DB = "shop";
    static EmbeddedMariaDbServer mariaDb;

    @BeforeAll
    static void start() throws Exception {
        StaleTestDirs.clean();
        Path home = Path.of("target", "source-freeze-it-" + ProcessHandle.current().pid()).toAbsolutePath();
        // started without grant checks, as CredentialsIT does; FLUSH PRIVILEGES below turns them on for every new
        // connection (root of the fresh install is then unusable over TCP: the test's own checks run as 'boss')
        mariaDb = EmbeddedMariaDbServer.start(home.resolve("mariadb"), 0, false);
        mariaDb.createDatabaseIfMissing(DB);
        try (Connection c = mariaDb.connect(DB); Statement st = c.createStatement()) {
            GrantTables.enable(st); // grant tables on for every new connection; no anonymous accounts
            st.execute("CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, item VARCHAR(40) NOT NULL)");
            st.execute("INSERT INTO orders (item) VALUES ('first')");
            st.execute("CREATE USER 'freezer'@'%' IDENTIFIED BY 'freezer-secret'");
            st.execute("GRANT READ_ONLY ADMIN, CONNECTION ADMIN, PROCESS, BINLOG MONITOR ON *.* TO 'freezer'@'%'");
            st.execute("GRANT CREATE, DROP, SELECT ON `" + DB + "`.* TO 'freezer'@'%'");
            st.execute("CREATE USER 'app'@'%' IDENTIFIED BY 'app-secret'");
            st.execute("GRANT SELECT, INSERT, UPDATE, DELETE, CREATE TEMPORARY TABLES ON `" + DB + "`.* TO 'app'@'%'");
            st.execute("CREATE USER 'allapp'@'%' IDENTIFIED BY 'allapp-secret'");
            st.execute("GRANT ALL PRIVILEGES ON *.* TO 'allapp'@'%'");
            st.execute("CREATE USER 'weak'@'%' IDENTIFIED BY 'weak-secret'");
            st.execute("GRANT PROCESS ON *.* TO 'weak'@'%'");
            st.execute("GRANT CREATE, SELECT ON `" + DB + "`.* TO 'weak'@'%'");
            st.execute("CREATE USER 'boss'@'%' IDENTIFIED BY 'boss-secret'");
            st.execute("GRANT ALL PRIVILEGES ON *.* TO 'boss'@'%' WITH GRANT OPTION");
        }
    }

    @AfterAll
    static void stop() {
        if (mariaDb != null) {
            mariaDb.close();
        }
    }

    /** The test's own privileged connection (not the freeze's login). */
    static Connection boss() {
        return login("boss", "boss-secret").open();
    }

    @AfterEach
    void alwaysWritableAgain() throws SQLException {
        try (Connection c = boss(); Statement st = c.createStatement()) {
            st.execute("SET GLOBAL read_only = OFF");
            st.execute("DROP TABLE IF EXISTS bascule_probe");
        }
    }

    static DatabaseEndpoint login(String user, String password) {
        return DatabaseEndpoint.of(DatabaseEndpoint.Side.SOURCE, mariaDb.jdbcUrl(DB), user, password);
    }

    static SourceFreeze freeze(SourceFreeze.Options options) {
        return new SourceFreeze(login("freezer", "freezer-secret"), options);
    }

    static boolean readOnly() throws SQLException {
        try (Connection c = boss(); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT @@GLOBAL.read_only")) {
            rs.next();
            return rs.getInt(1) != 0;
        }
    }

    static long count(String sql) throws SQLException {
        try (Connection c = boss(); Statement st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** An insert under a login: null when it went through, else the server's error code. */
    static Integer insertAs(DatabaseEndpoint who, String item) {
        try (Connection c = who.open(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO orders (item) VALUES ('" + item + "')");
            return null;
        } catch (SQLException e) {
            return e.getErrorCode();
        }
    }

    @Test
    void theApplicationIsRefusedWritesAfterTheFreezeAndWritesAfterTheUnfreeze() throws Exception {
        DatabaseEndpoint app = login("app", "app-secret");
        SourceFreeze freeze = freeze(SourceFreeze.Options.defaults());
        SourceFreeze.Record frozen = freeze.freeze(app);
        assertThat(frozen.proven()).as(String.valueOf(frozen.problem())).isTrue();
        assertThat(frozen.problem()).isNull();
        assertThat(frozen.stateAfter().readOnly()).isTrue();
        assertThat(frozen.stateAfter().superReadOnly()).as("MariaDB has no super_read_only").isNull();
        assertThat(frozen.appProbe().outcome()).isEqualTo(ProbeOutcome.REFUSED_READ_ONLY);
        assertThat(frozen.appProbe().vendorCode()).isEqualTo(1290);
        assertThat(frozen.appProbe().account()).isEqualTo("app@%");
        assertThat(frozen.appLogin().bypasses()).isFalse();
        assertThat(frozen.binlogPosition().statement()).isEqualTo("SHOW BINLOG STATUS");
        assertThat(frozen.binlogPosition().file()).startsWith("mariadb-bin.");
        assertThat(frozen.binlogPosition().position()).isPositive();
        assertThat(frozen.binlogPosition().gtid()).matches("\\d+-\\d+-\\d+");
        assertThat(frozen.ended()).isEmpty();
        assertThat(frozen.steps()).extracting(SourceFreeze.Step::name).containsSubsequence(
                "lock_wait_timeout 5 s", "long write transactions ended (attempt 1)", "read_only on",
                "write probe under app@%", "binary log position");
        assertThat(readOnly()).isTrue();
        assertThat(insertAs(app, "while frozen")).isEqualTo(1290);
        // temporary tables are exempt from read_only: a probe on one would prove nothing
        try (Connection c = app.open(); Statement st = c.createStatement()) {
            st.execute("CREATE TEMPORARY TABLE scratch (x INT)");
            assertThat(st.executeUpdate("INSERT INTO scratch VALUES (1)")).isEqualTo(1);
        }
        // a second freeze changes nothing and still proves it
        assertThat(freeze.freeze(app).proven()).isTrue();

        SourceFreeze.Record thawed = freeze.unfreeze(app);
        assertThat(thawed.proven()).as(String.valueOf(thawed.problem())).isTrue();
        assertThat(thawed.appProbe().outcome()).isEqualTo(ProbeOutcome.ACCEPTED);
        assertThat(thawed.stateAfter().readOnly()).isFalse();
        assertThat(readOnly()).isFalse();
        assertThat(insertAs(app, "after")).isNull();
        assertThat(count("SELECT COUNT(*) FROM bascule_probe")).as("the probes leave no rows").isZero();
        assertThat(count("SELECT COUNT(*) FROM orders WHERE item = 'while frozen'")).isZero();
        assertThat(freeze.unfreeze(app).proven()).as("idempotent").isTrue();
    }

    @Test
    void aLoginWithAllPrivilegesIsReportedAndReallyWritesThroughReadOnly() throws Exception {
        DatabaseEndpoint all = login("allapp", "allapp-secret");
        try (Connection c = all.open()) {
            MySqlReadOnly.Bypass own = new MySqlDialect(all).bypassPrivileges(c);
            assertThat(own.bypasses()).isTrue();
            assertThat(own.bypassing()).containsExactly("ALL PRIVILEGES ON *.*");
            assertThat(own.describe()).contains("allapp@% writes through read_only").contains("ALL PRIVILEGES ON *.*");
        }
        try (Connection c = boss()) {
            MySqlDialect root = new MySqlDialect(login("boss", "boss-secret"));
            assertThat(root.bypassPrivileges(c, "allapp", "%").bypassing()).containsExactly("ALL PRIVILEGES ON *.*");
            assertThat(root.bypassPrivileges(c, "app", "%").bypasses()).isFalse();
            assertThat(root.bypassPrivileges(c, "freezer", "%").bypassing()).containsExactly("READ_ONLY ADMIN");
        }
        SourceFreeze.Record frozen = freeze(SourceFreeze.Options.defaults()).freeze(all);
        assertThat(frozen.proven()).isFalse();
        assertThat(frozen.appProbe().outcome()).isEqualTo(ProbeOutcome.ACCEPTED);
        assertThat(frozen.problem()).contains("allapp@% still writes with read_only on").contains("ALL PRIVILEGES ON *.*");
        assertThat(frozen.stateAfter().readOnly()).as("the freeze stays on, the safe side").isTrue();
        // and it really does write through read_only, where the ordinary login cannot
        assertThat(insertAs(all, "through read_only")).isNull();
        assertThat(insertAs(login("app", "app-secret"), "refused")).isEqualTo(1290);
        assertThat(count("SELECT COUNT(*) FROM orders WHERE item = 'through read_only'")).isEqualTo(1);
        SourceFreeze.DryRun dry = freeze(SourceFreeze.Options.defaults()).dryRun(all);
        assertThat(dry.problems()).anyMatch(p -> p.startsWith("application login:") && p.contains("ALL PRIVILEGES ON *.*"));
    }

    @Test
    void anOpenLongWriteTransactionIsListedAndEndedByTheFreeze() throws Exception {
        DatabaseEndpoint app = login("app", "app-secret");
        try (Connection writer = app.open()) {
            long writerId = connectionId(writer);
            writer.setAutoCommit(false);
            try (Statement st = writer.createStatement()) {
                st.executeUpdate("INSERT INTO orders (item) VALUES ('uncommitted')");
            }
            Thread.sleep(1500);
            SourceFreeze.Record frozen = freeze(SourceFreeze.Options.defaults().withLongWriterSeconds(1)).freeze(app);
            assertThat(frozen.ended()).singleElement().satisfies(w -> {
                assertThat(w.connectionId()).isEqualTo(writerId);
                assertThat(w.user()).isEqualTo("app");
                assertThat(w.database()).isEqualTo(DB);
                assertThat(w.rowsModified()).isEqualTo(1);
                assertThat(w.ageSeconds()).isGreaterThanOrEqualTo(1);
                assertThat(w.describe()).contains("connection " + writerId + " of app@").contains("idle");
            });
            assertThat(frozen.proven()).isTrue();
            assertThatThrownBy(() -> {
                try (Statement st = writer.createStatement()) {
                    st.executeQuery("SELECT 1").close();
                }
            }).isInstanceOf(SQLException.class);
        }
        assertThat(count("SELECT COUNT(*) FROM orders WHERE item = 'uncommitted'")).as("rolled back").isZero();
    }

    @Test
    void theDryRunChangesNothing() throws Exception {
        DatabaseEndpoint app = login("app", "app-secret");
        long ordersBefore = count("SELECT COUNT(*) FROM orders");
        try (Connection writer = app.open()) {
            writer.setAutoCommit(false);
            try (Statement st = writer.createStatement()) {
                st.executeUpdate("INSERT INTO orders (item) VALUES ('kept')");
            }
            Thread.sleep(1200);
            SourceFreeze.DryRun dry = freeze(SourceFreeze.Options.defaults().withLongWriterSeconds(1)).dryRun(app);
            assertThat(dry.ok()).as(dry.problems().toString()).isTrue();
            assertThat(dry.adminAccount()).isEqualTo("freezer@%");
            assertThat(dry.state().readOnly()).isFalse();
            assertThat(dry.wouldEnd()).singleElement().satisfies(w -> assertThat(w.user()).isEqualTo("app"));
            assertThat(dry.checks()).extracting(SourceFreeze.Check::detail)
                    .contains("by READ_ONLY ADMIN", "by CONNECTION ADMIN", "by PROCESS", "by BINLOG MONITOR",
                            "by the grants of freezer@%", "INSERT, DELETE by the grants of app@%");
            assertThat(readOnly()).isFalse();
            assertThat(count("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_NAME = 'bascule_probe'")).isZero();
            writer.commit();   // the writer was not killed
        }
        assertThat(count("SELECT COUNT(*) FROM orders")).isEqualTo(ordersBefore + 1);
    }

    @Test
    void aWrongPasswordAndAMissingPrivilegeAreClearErrors() throws Exception {
        assertThatThrownBy(() -> freeze(SourceFreeze.Options.defaults()).freeze(login("app", "not-the-password")))
                .isInstanceOf(DatabaseException.class)
                .satisfies(e -> assertThat(((DatabaseException) e).code()).isEqualTo(DatabaseException.Code.AUTHENTICATION_FAILED))
                .hasMessageContaining("refused user 'app'").hasMessageNotContaining("not-the-password");
        assertThatThrownBy(() -> new SourceFreeze(login("freezer", "nope"), SourceFreeze.Options.defaults()).dryRun(null))
                .isInstanceOf(DatabaseException.class).hasMessageContaining("refused user 'freezer'");

        SourceFreeze weak = new SourceFreeze(login("weak", "weak-secret"), SourceFreeze.Options.defaults());
        SourceFreeze.DryRun dry = weak.dryRun(login("app", "app-secret"));
        assertThat(dry.ok()).isFalse();
        assertThat(dry.problems()).anyMatch(p -> p.startsWith("switch read_only: needs READ ONLY ADMIN ON *.*"))
                .anyMatch(p -> p.startsWith("end other sessions (KILL): needs CONNECTION ADMIN or SUPER"))
                .anyMatch(p -> p.startsWith("read the binary log position: needs BINLOG MONITOR"));
        SourceFreeze.DryRun readerOnly = weak.dryRun(login("weak", "weak-secret"));
        assertThat(readerOnly.problems()).anyMatch(p -> p.contains("weak@% has no INSERT and DELETE on shop.bascule_probe")
                && p.contains("GRANT INSERT, DELETE ON `shop`.`bascule_probe`"));
        assertThatThrownBy(() -> weak.freeze(login("app", "app-secret")))
                .isInstanceOf(DatabaseException.class)
                .satisfies(e -> assertThat(((DatabaseException) e).code()).isEqualTo(DatabaseException.Code.MISSING_PRIVILEGE))
                .hasMessageContaining("switching read_only on").hasMessageContaining("needs READ ONLY ADMIN ON *.*");
        assertThat(readOnly()).isFalse();
    }

    @Test
    void aYoungWriteTransactionLeftRunningIsRefusedAtItsCommitNotLost() throws Exception {
        DatabaseEndpoint app = login("app", "app-secret");
        try (Connection writer = app.open()) {
            writer.setAutoCommit(false);
            try (Statement st = writer.createStatement()) {
                st.executeUpdate("INSERT INTO orders (item) VALUES ('young')");
            }
            // younger than the bound: not ended; read_only does not wait for it
            SourceFreeze.Record frozen = freeze(new SourceFreeze.Options(2, 60, 1, false)).freeze(app);
            assertThat(frozen.proven()).isTrue();
            assertThat(frozen.ended()).isEmpty();
            // its commit is refused: the application sees the error, nothing is silently lost
            assertThatThrownBy(writer::commit).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1290));
        }
        assertThat(count("SELECT COUNT(*) FROM orders WHERE item = 'young'")).isZero();
    }

    @Test
    void aHeldTableLockMakesTheSwitchTimeOutWithAClearErrorAndNothingFrozen() throws Exception {
        try (Connection locker = boss(); Statement st = locker.createStatement()) {
            st.execute("LOCK TABLES orders WRITE");
            long t = System.nanoTime();
            assertThatThrownBy(() -> freeze(new SourceFreeze.Options(1, 60, 2, false)).freeze(login("app", "app-secret")))
                    .isInstanceOf(DatabaseException.class)
                    .hasMessageContaining("read_only could not be switched on within 1 s in 2 attempts")
                    .hasMessageContaining("nothing was frozen");
            assertThat((System.nanoTime() - t) / 1_000_000).as("two waits of lock_wait_timeout, no more").isBetween(1_900L, 6_000L);
            assertThat(readOnly()).isFalse();
            st.execute("UNLOCK TABLES");
        }
    }

    static long connectionId(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); var rs = st.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
