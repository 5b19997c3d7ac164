package io.bascule.rollback;

import io.bascule.testing.GrantTables;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.SqlScript;
import io.bascule.embedded.EmbeddedMariaDbServer;
import io.bascule.migration.MigrationOptions;
import io.bascule.migration.MigrationService;
import io.bascule.migration.Verifier;
import io.bascule.schema.ConversionPlan;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The applier writes into a MariaDB that is read-only for the application: with a login lacking READ ONLY ADMIN the
 * channel refuses to arm (and leaves nothing); granted it, the channel arms and applies while MariaDB stays read-only.
 * A MariaDB of its own, with grant tables on (the shared one runs without).
 */
@ExtendWith(EmbeddedDatabases.class)
class ReverseChannelReadOnlyIT {

    static EmbeddedMariaDbServer mariaDb;
    static final String DB = "frozen";

    @TempDir
    Path work;

    @BeforeAll
    static void start() throws Exception {
        Path home = Path.of("target", "reverse-readonly-it-" + ProcessHandle.current().pid()).toAbsolutePath();
        mariaDb = EmbeddedMariaDbServer.start(home.resolve("mariadb"), 0, false);
        mariaDb.createDatabaseIfMissing(DB);
        try (Connection c = mariaDb.connect(DB); Statement st = c.createStatement()) {
            SqlScript.fromClasspath("ddl/reverse_channel.sql").run(c);
            GrantTables.enable(st); // grant tables on for every new connection; no anonymous accounts
            st.execute("CREATE USER 'admin'@'%' IDENTIFIED BY 'admin-secret'");
            st.execute("GRANT ALL PRIVILEGES ON *.* TO 'admin'@'%' WITH GRANT OPTION");
            st.execute("CREATE USER 'applier'@'%' IDENTIFIED BY 'applier-secret'");
            st.execute("GRANT ALL PRIVILEGES ON `" + DB + "`.* TO 'applier'@'%'");
            st.execute("CREATE USER 'allapp'@'%' IDENTIFIED BY 'allapp-secret'");
            st.execute("GRANT ALL PRIVILEGES ON *.* TO 'allapp'@'%'");
            st.execute("CREATE USER 'app'@'%' IDENTIFIED BY 'app-secret'");
            st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON `" + DB + "`.* TO 'app'@'%'");
        }
    }

    @AfterAll
    static void stop() {
        if (mariaDb != null) {
            mariaDb.close();
        }
    }

    @Test
    void aLoginWithoutReadOnlyAdminIsRefusedAndOneWithItAppliesIntoTheReadOnlyServer(TestDatabases dbs) throws Exception {
        DatabaseEndpoint root = DatabaseEndpoint.of(DatabaseEndpoint.Side.SOURCE, mariaDb.jdbcUrl(DB), "admin", "admin-secret");
        DatabaseEndpoint target = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, dbs.targetUrl(), "postgres", null);
        MigrationService service = new MigrationService(root, target,
                MigrationOptions.defaults("public").withBooleanColumns(java.util.Set.of("customers.active")), work);
        ConversionPlan plan = service.plan(service.readSchema());
        service.createTables(plan);
        service.copy(plan, s -> { });
        service.buildConstraints(plan);
        assertThat(service.verify(plan, s -> { }).matches()).isTrue();
        DatabaseEndpoint applierLogin = DatabaseEndpoint.of(DatabaseEndpoint.Side.SOURCE, mariaDb.jdbcUrl(DB), "applier", "applier-secret");
        ReverseChannel channel = new ReverseChannel(applierLogin, target, plan, List.of("customers", "order_lines"));
        // before the freeze too: the login could not write once MySQL is read-only
        assertThatThrownBy(channel::arm).isInstanceOf(ReverseChannelException.class)
                .hasMessageContaining("'applier' lacks READ ONLY ADMIN").hasMessageContaining("nothing was created");
        try (Connection c = root.open(); Statement st = c.createStatement()) {
            st.execute("SET GLOBAL read_only = 1");
            try {
                assertThatThrownBy(channel::arm).isInstanceOf(ReverseChannelException.class)
                        .hasMessageContaining("read-only").hasMessageContaining("'applier'")
                        .hasMessageContaining("READ ONLY ADMIN").hasMessageContaining("nothing was");
                try (Connection pg = dbs.target(); Statement ps = pg.createStatement();
                     ResultSet rs = ps.executeQuery("SELECT (SELECT count(*) FROM pg_trigger WHERE tgname = 'bascule_capture')"
                             + " + (SELECT count(*) FROM pg_proc WHERE proname LIKE 'bascule_capture%')"
                             + " + (SELECT count(*) FROM pg_class WHERE relname IN ('change_log', 'bascule_reverse_probe', 'touched_keys'))")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isZero();
                }

                st.execute("GRANT READ ONLY ADMIN ON *.* TO 'applier'@'%'");
                channel.arm();
                try (Connection pg = dbs.target(); Statement ps = pg.createStatement()) {
                    ps.execute("UPDATE customers SET balance = 7 WHERE id = 1");
                    ps.execute("DELETE FROM order_lines WHERE customer_id = 2");
                }
                try (ReverseApplier applier = channel.applier()) {
                    assertThat(applier.drain(Duration.ofSeconds(10)).changes()).isEqualTo(2);
                }
                try (ResultSet rs = st.executeQuery("SELECT balance, (SELECT COUNT(*) FROM order_lines WHERE customer_id = 2),"
                        + " @@global.read_only FROM customers WHERE id = 1")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("7.0000");
                    assertThat(rs.getInt(2)).isZero();
                    assertThat(rs.getInt(3)).isEqualTo(1);   // still read-only for the application
                }
                Verifier.Result again = service.verify(plan, s -> { });
                assertThat(again.matches()).isTrue();
                channel.disarm();
            } finally {
                st.execute("SET GLOBAL read_only = 0");
            }
        }
    }

    @Test
    void anApplicationLoginThatWritesThroughReadOnlyIsRefusedAtArmingUnlessOverridden(TestDatabases dbs) throws Exception {
        DatabaseEndpoint admin = DatabaseEndpoint.of(DatabaseEndpoint.Side.SOURCE, mariaDb.jdbcUrl(DB), "admin", "admin-secret");
        DatabaseEndpoint target = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, dbs.targetUrl(), "postgres", null);
        MigrationService service = new MigrationService(admin, target,
                MigrationOptions.defaults("public").withBooleanColumns(java.util.Set.of("customers.active")), work);
        ConversionPlan plan = service.plan(service.readSchema());
        service.createTables(plan);
        ReverseChannel channel = new ReverseChannel(admin, target, plan, List.of("customers", "order_lines"));
        DatabaseEndpoint allApp = DatabaseEndpoint.of(DatabaseEndpoint.Side.SOURCE, mariaDb.jdbcUrl(DB), "allapp", "allapp-secret");
        assertThatThrownBy(() -> channel.arm(allApp, false)).isInstanceOf(ReverseChannelException.class)
                .hasMessageContaining("allapp@% writes through read_only").hasMessageContaining("ALL PRIVILEGES ON *.*")
                .hasMessageContaining("bascule.rollback.allow-bypassing-app-login").hasMessageContaining("nothing was created");
        assertThat(channel.isArmed()).isFalse();
        DatabaseEndpoint app = DatabaseEndpoint.of(DatabaseEndpoint.Side.SOURCE, mariaDb.jdbcUrl(DB), "app", "app-secret");
        assertThat(channel.arm(app, false).tables()).containsExactly("customers", "order_lines");
        channel.disarm();
        assertThat(channel.arm(allApp, true).tables()).containsExactly("customers", "order_lines");   // overridden
        channel.disarm();
    }
}
