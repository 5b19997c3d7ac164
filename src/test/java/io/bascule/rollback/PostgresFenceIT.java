package io.bascule.rollback;

import io.bascule.config.ConfigException;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.DatabaseException;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import static io.bascule.testing.QueryRows.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The fence on the embedded PostgreSQL: an application role with a password made in the test (roles are
 * cluster-wide: unique names, dropped after each test), its sessions ended, its new sessions read-only.
 */
@ExtendWith(EmbeddedDatabases.class)
class PostgresFenceIT {

    private final List<String> roles = new ArrayList<>();
    private final List<Connection> connections = new ArrayList<>();
    private TestDatabases dbs;

    @AfterEach
    void dropRoles() throws SQLException {
        for (Connection c : connections) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // ended by the fence
            }
        }
        if (dbs == null) {
            return;
        }
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            for (String role : roles) {
                st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "'");
                st.execute("DROP OWNED BY \"" + role + "\"");
                st.execute("DROP ROLE \"" + role + "\"");
            }
        }
    }

    /** A login role with a password, allowed to write table orders of the test's database. */
    private String appRole(TestDatabases dbs) throws SQLException {
        this.dbs = dbs;
        String role = uniqueRole("app");
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS orders (id int PRIMARY KEY, item text)");
            st.execute("CREATE ROLE \"" + role + "\" LOGIN PASSWORD 'app-secret'");
            st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON orders TO \"" + role + "\"");
        }
        return role;
    }

    private String uniqueRole(String prefix) {
        String role = "bascule_it_" + prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        roles.add(role);
        return role;
    }

    private Connection connectAs(TestDatabases dbs, String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("ApplicationName", "shop-app");
        Connection c = DriverManager.getConnection(dbs.targetUrl(), p);
        connections.add(c);
        return c;
    }

    private static DatabaseEndpoint bascule(TestDatabases dbs) {
        return DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, dbs.targetUrl(), "postgres", null);
    }

    private static boolean alive(Connection c) {
        try (Statement st = c.createStatement()) {
            st.executeQuery("SELECT 1").close();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static int pid(Connection c) throws SQLException {
        return Integer.parseInt(rows(c, "SELECT pg_backend_pid()").get(0).get(0));
    }

    private static List<List<String>> settings(TestDatabases dbs, String role) throws SQLException {
        try (Connection c = dbs.target()) {
            return rows(c, "SELECT array_to_string(s.setconfig, ',') FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole"
                    + " JOIN pg_database d ON d.oid = s.setdatabase WHERE r.rolname = '" + role + "' AND d.datname = current_database()");
        }
    }

    private static void insert(Connection c, int id) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("INSERT INTO orders VALUES (" + id + ", 'x')");
        }
    }

    @Test
    void fenceEndsTheAppSessionsAndMakesItsNewSessionsReadOnly(TestDatabases dbs) throws Exception {
        String app = appRole(dbs);
        Connection idle = connectAs(dbs, app, "app-secret");
        Connection inTx = connectAs(dbs, app, "app-secret");
        inTx.setAutoCommit(false);
        insert(inTx, 1);   // idle in transaction, an uncommitted write
        int idlePid = pid(idle);
        int txPid = pid(inTx);
        DatabaseEndpoint bascule = bascule(dbs);
        Connection own = bascule.open();
        connections.add(own);

        PostgresFence.Fence fence = new PostgresFence(bascule, app).fence();

        assertThat(fence.appUser()).isEqualTo(app);
        assertThat(fence.login()).isEqualTo(app);
        assertThat(fence.database()).isEqualTo(dbs.targetDatabase());
        assertThat(fence.roleReadOnly()).isTrue();
        assertThat(fence.alreadyFenced()).isFalse();
        assertThat(fence.ended()).extracting(PostgresFence.EndedSession::pid).containsExactlyInAnyOrder(idlePid, txPid);
        assertThat(fence.ended()).extracting(PostgresFence.EndedSession::state).contains("idle", "idle in transaction");
        assertThat(fence.ended()).extracting(PostgresFence.EndedSession::applicationName).containsOnly("shop-app");
        assertThat(fence.ended()).allSatisfy(s -> assertThat(s.backendStart()).isNotNull());
        assertThat(fence.warnings()).isEmpty();
        assertThat(fence.proven()).as(fence.proof()).isTrue();
        assertThat(fence.proof()).contains("default_transaction_read_only=on");
        assertThat(settings(dbs, app)).containsExactly(List.of("default_transaction_read_only=on"));

        // the app's sessions are gone, and the uncommitted write with them
        assertThat(alive(idle)).isFalse();
        assertThat(alive(inTx)).isFalse();
        // a new session of the app reads but does not write
        Connection again = connectAs(dbs, app, "app-secret");
        assertThat(rows(again, "SELECT count(*) FROM orders")).containsExactly(List.of("0"));
        assertThatThrownBy(() -> insert(again, 2)).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("25006"));
        // Bascule's own connection is untouched and writes
        insert(own, 3);
        assertThat(rows(own, "SELECT id FROM orders")).containsExactly(List.of("3"));

        // a second fence finds the setting, ends the read-only session opened since, and says so
        PostgresFence.Fence second = new PostgresFence(bascule, app).fence();
        assertThat(second.alreadyFenced()).isTrue();
        assertThat(second.warnings()).anySatisfy(w -> assertThat(w).contains("already on").contains(app));
        assertThat(second.proven()).isTrue();
        assertThat(settings(dbs, app)).containsExactly(List.of("default_transaction_read_only=on"));
        PostgresFence.Fence third = new PostgresFence(bascule, app).fence();
        assertThat(third.ended()).isEmpty();
        assertThat(third.alreadyFenced()).isTrue();

        // lifted, the app writes again; lifting twice is fine
        PostgresFence fenceObject = new PostgresFence(bascule, app);
        fenceObject.lift();
        fenceObject.lift();
        assertThat(settings(dbs, app)).isEmpty();
        Connection after = connectAs(dbs, app, "app-secret");
        insert(after, 4);
        assertThat(rows(own, "SELECT id FROM orders ORDER BY id")).containsExactly(List.of("3"), List.of("4"));
    }

    @Test
    void dryRunListsTheSessionsAndChangesNothing(TestDatabases dbs) throws Exception {
        String app = appRole(dbs);
        Connection a = connectAs(dbs, app, "app-secret");
        Connection b = connectAs(dbs, app, "app-secret");
        b.setAutoCommit(false);
        insert(b, 1);

        PostgresFence.DryRun dry = new PostgresFence(bascule(dbs), app).dryRun();

        assertThat(dry.ok()).as(dry.problems().toString()).isTrue();
        assertThat(dry.login()).isEqualTo(app);
        assertThat(dry.alreadyFenced()).isFalse();
        assertThat(dry.warnings()).isEmpty();
        assertThat(dry.wouldEnd()).extracting(PostgresFence.EndedSession::pid).containsExactlyInAnyOrder(pid(a), pid(b));
        assertThat(settings(dbs, app)).isEmpty();
        assertThat(alive(a)).isTrue();
        assertThat(alive(b)).isTrue();
        b.commit();   // the transaction survived the dry run
        try (Connection c = dbs.target()) {
            assertThat(rows(c, "SELECT id FROM orders")).containsExactly(List.of("1"));
        }
    }

    @Test
    void anUnknownRoleIsAClearErrorAndNothingChanges(TestDatabases dbs) {
        this.dbs = dbs;
        PostgresFence fence = new PostgresFence(bascule(dbs), "no_such_app_login");
        assertThatThrownBy(fence::fence).isInstanceOf(ConfigException.class)
                .hasMessageContaining("no role 'no_such_app_login'")
                .hasMessageContaining("bascule.app.target-url")
                .hasMessageContaining("nothing was changed");
        assertThatThrownBy(fence::lift).isInstanceOf(ConfigException.class).hasMessageContaining("no_such_app_login");
        PostgresFence.DryRun dry = fence.dryRun();
        assertThat(dry.ok()).isFalse();
        assertThat(dry.problems()).singleElement().asString().contains("no_such_app_login").contains("bascule.app.target-url");
        assertThat(dry.wouldEnd()).isEmpty();
    }

    @Test
    void theSameLoginAsBasculeEndsTheOtherSessionsOnlyAndWarns(TestDatabases dbs) throws Exception {
        this.dbs = dbs;
        DatabaseEndpoint bascule = bascule(dbs);
        for (String appUser : new String[]{"postgres", null}) {
            Connection other1 = dbs.target();
            Connection other2 = dbs.target();
            connections.add(other1);
            connections.add(other2);
            other2.setAutoCommit(false);
            other2.createStatement().execute("SELECT 1");
            Connection applier = bascule.open();   // application_name bascule: Bascule's own, spared
            connections.add(applier);
            int pid1 = pid(other1);
            int pid2 = pid(other2);

            PostgresFence.Fence fence = new PostgresFence(bascule, appUser).fence();

            assertThat(fence.appUser()).isEqualTo(appUser);
            assertThat(fence.login()).isEqualTo("postgres");
            assertThat(fence.roleReadOnly()).isFalse();
            assertThat(fence.proven()).isFalse();
            assertThat(fence.proof()).contains("not refused");
            assertThat(fence.ended()).extracting(PostgresFence.EndedSession::pid)
                    .containsExactlyInAnyOrder(pid1, pid2);
            assertThat(fence.warnings()).anySatisfy(w -> assertThat(w).contains("login of its own").contains("not refused"));
            assertThat(fence.warnings()).anySatisfy(w -> assertThat(w).contains("Bascule itself"));
            if (appUser == null) {
                assertThat(fence.warnings()).anySatisfy(w -> assertThat(w).contains("unknown"));
            }
            assertThat(alive(other1)).isFalse();
            assertThat(alive(other2)).isFalse();
            assertThat(alive(applier)).isTrue();
            assertThat(settings(dbs, "postgres")).isEmpty();
            // Bascule's own login still writes in new sessions
            try (Connection c = bascule.open(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS still_writable (id int)");
            }
            new PostgresFence(bascule, appUser).lift();   // nothing to lift
            assertThat(settings(dbs, "postgres")).isEmpty();
        }
    }

    @Test
    void aBasculeLoginWithoutTheRightsIsRefusedBeforeAnythingChanges(TestDatabases dbs) throws Exception {
        String app = appRole(dbs);
        String weak = uniqueRole("weak");
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE \"" + weak + "\" LOGIN PASSWORD 'weak-secret'");
        }
        Connection appSession = connectAs(dbs, app, "app-secret");
        DatabaseEndpoint weakLogin = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, dbs.targetUrl(), weak, "weak-secret");

        PostgresFence.DryRun dry = new PostgresFence(weakLogin, app).dryRun();
        assertThat(dry.ok()).isFalse();
        assertThat(dry.problems()).anySatisfy(p -> assertThat(p).contains("may not ALTER ROLE").contains("CREATEROLE")
                .contains("WITH ADMIN OPTION"));
        assertThat(dry.problems()).anySatisfy(p -> assertThat(p).contains("may not end the sessions")
                .contains("GRANT pg_signal_backend TO"));
        assertThat(dry.warnings()).anySatisfy(w -> assertThat(w).contains("pg_read_all_stats"));
        assertThatThrownBy(() -> new PostgresFence(weakLogin, app).fence()).isInstanceOf(DatabaseException.class)
                .hasMessageContaining("nothing was changed")
                .satisfies(e -> assertThat(((DatabaseException) e).code()).isEqualTo(DatabaseException.Code.MISSING_PRIVILEGE));
        assertThat(settings(dbs, app)).isEmpty();
        assertThat(alive(appSession)).isTrue();

        // given what the messages ask for, the same login fences
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            st.execute("ALTER ROLE \"" + weak + "\" CREATEROLE");
            st.execute("GRANT \"" + app + "\" TO \"" + weak + "\" WITH ADMIN OPTION");
            st.execute("GRANT pg_signal_backend TO \"" + weak + "\"");
            st.execute("GRANT pg_read_all_stats TO \"" + weak + "\"");
        }
        PostgresFence.DryRun ready = new PostgresFence(weakLogin, app).dryRun();
        assertThat(ready.ok()).as(ready.problems().toString()).isTrue();
        PostgresFence.Fence fence = new PostgresFence(weakLogin, app).fence();
        assertThat(fence.roleReadOnly()).isTrue();
        assertThat(fence.ended()).hasSize(1);
        assertThat(fence.proven()).as(fence.proof()).isTrue();
        assertThat(alive(appSession)).isFalse();
        new PostgresFence(weakLogin, app).lift();
        assertThat(settings(dbs, app)).isEmpty();
    }
}
