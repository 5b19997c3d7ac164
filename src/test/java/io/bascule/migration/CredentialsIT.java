package io.bascule.migration;

import io.bascule.testing.GrantTables;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.DatabaseException;
import io.bascule.demo.SampleDatabase;
import io.bascule.embedded.EmbeddedMariaDbServer;
import io.bascule.embedded.EmbeddedPostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real users, passwords and privileges (the shared test servers run without grant checks): a MariaDB whose
 * grant tables are switched on, and a PostgreSQL that asks every user but its superuser for a password.
 */
class CredentialsIT {

    static EmbeddedMariaDbServer mariaDb;
    static EmbeddedPostgresServer postgres;
    static final String DB = "creds";

    @BeforeAll
    static void start() throws Exception {
        Path home = Path.of("target", "credentials-it-" + ProcessHandle.current().pid()).toAbsolutePath();
        mariaDb = EmbeddedMariaDbServer.start(home.resolve("mariadb"), 0, false);
        mariaDb.createDatabaseIfMissing(DB);
        try (Connection c = mariaDb.connect(DB); Statement st = c.createStatement()) {
            SampleDatabase.load(c);
            GrantTables.enable(st); // grant tables on for every new connection; no anonymous accounts
            st.execute("CREATE USER 'reader'@'%' IDENTIFIED BY 'reader-secret'");
            st.execute("GRANT SELECT ON `" + DB + "`.* TO 'reader'@'%'");
            st.execute("CREATE USER 'partial'@'%' IDENTIFIED BY 'partial-secret'");
            st.execute("GRANT SELECT ON `" + DB + "`.`locataires` TO 'partial'@'%'");
        }
        Path pgData = home.resolve("postgres").resolve("data");
        postgres = EmbeddedPostgresServer.start(pgData, 0);
        postgres.createDatabaseIfMissing(DB);
        try (Connection c = postgres.connect(DB); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE writer LOGIN PASSWORD 'writer-secret'");
            st.execute("GRANT CREATE ON DATABASE " + DB + " TO writer");
            st.execute("GRANT CREATE, USAGE ON SCHEMA public TO writer");
            st.execute("CREATE ROLE lurker LOGIN PASSWORD 'lurker-secret'");
            st.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        }
        Path hba = pgData.resolve("pg_hba.conf");
        Files.writeString(hba, "host all postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n"
                + "local all all trust\n");
        try (Connection c = postgres.connect(DB); Statement st = c.createStatement()) {
            st.execute("SELECT pg_reload_conf()");
        }
        Thread.sleep(300);
    }

    @AfterAll
    static void stop() {
        if (mariaDb != null) {
            mariaDb.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private static MigrationService service(String srcUser, String srcPw, String tgtUser, String tgtPw, Path work) {
        return service(srcUser, srcPw, tgtUser, tgtPw, work, "public");
    }

    private static MigrationService service(String srcUser, String srcPw, String tgtUser, String tgtPw, Path work, String schema) {
        return new MigrationService(
                DatabaseEndpoint.of(DatabaseEndpoint.Side.SOURCE, mariaDb.jdbcUrl(DB), srcUser, srcPw),
                DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, postgres.jdbcUrl(DB), tgtUser, tgtPw),
                MigrationOptions.defaults(schema), work);
    }

    @Test
    void wrongSourcePasswordIsOneClearLineWithoutThePassword(@TempDir Path work) {
        assertThatThrownBy(() -> service("reader", "not-the-password", "writer", "writer-secret", work).preflight())
                .isInstanceOf(DatabaseException.class)
                .satisfies(e -> assertThat(((DatabaseException) e).code()).isEqualTo(DatabaseException.Code.AUTHENTICATION_FAILED))
                .hasMessageContaining("refused user 'reader'").hasMessageContaining("BASCULE_SOURCE_PASSWORD")
                .hasMessageNotContaining("not-the-password");
    }

    @Test
    void wrongTargetPasswordIsOneClearLine(@TempDir Path work) {
        assertThatThrownBy(() -> service("reader", "reader-secret", "writer", "wrong", work).preflight())
                .isInstanceOf(DatabaseException.class)
                .hasMessageContaining("target database jdbc:postgresql://127.0.0.1:").hasMessageContaining("refused user 'writer'")
                .hasMessageNotContaining("wrong)");
    }

    @Test
    void missingPasswordNamesTheVariable(@TempDir Path work) {
        assertThatThrownBy(() -> service("reader", null, "writer", "writer-secret", work).preflight())
                .isInstanceOf(DatabaseException.class)
                .hasMessageContaining("without a password: BASCULE_SOURCE_PASSWORD is not set");
    }

    @Test
    void missingPrivilegesAreListedBeforeAnythingIsWritten(@TempDir Path work) throws Exception {
        long tablesBefore = targetTables();
        PreflightReport source = service("partial", "partial-secret", "writer", "writer-secret", work).preflight();
        assertThat(source.ok()).isFalse();
        assertThat(source.problems()).anyMatch(p -> p.contains("no SELECT on the whole database `creds`") && p.contains("invisible")
                && p.contains("GRANT SELECT ON `creds`.*"));
        PreflightReport target = service("reader", "reader-secret", "lurker", "lurker-secret", work).preflight();
        assertThat(target.problems()).anyMatch(p -> p.contains("may not create tables in schema public") && p.contains("GRANT CREATE"));
        // a target schema that does not exist: created after the review by a user who may, named before by one who may not
        PreflightReport lurker = service("reader", "reader-secret", "lurker", "lurker-secret", work, "New Schema").preflight();
        assertThat(lurker.problems()).anyMatch(p -> p.contains("has no schema 'New Schema' and user 'lurker' may not create it")
                && p.contains("GRANT CREATE ON DATABASE") && p.contains("CREATE SCHEMA \"New Schema\" AUTHORIZATION \"lurker\""));
        PreflightReport writer = service("reader", "reader-secret", "writer", "writer-secret", work, "New Schema").preflight();
        assertThat(writer.ok()).as(writer.render()).isTrue();
        assertThat(writer.notes()).anyMatch(n -> n.contains("target schema \"New Schema\" does not exist: the conversion plan creates it"));
        assertThat(service("reader", "reader-secret", "writer", "writer-secret", work, "pg_mine").preflight().problems())
                .anyMatch(p -> p.contains("reserves names beginning with pg_"));
        assertThat(targetTables()).as("pre-flight writes nothing").isEqualTo(tablesBefore);
        try (Connection c = postgres.connect(DB); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*) FROM pg_namespace WHERE nspname IN ('New Schema', 'pg_mine')")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    private static long targetTables() throws Exception {
        try (Connection c = postgres.connect(DB); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_schema IN ('public', 'bascule_state')")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void withTheRightCredentialsTheMigrationIsGold(@TempDir Path work) {
        MigrationService service = service("reader", "reader-secret", "writer", "writer-secret", work);
        assertThat(MigrationFixture.migrate(service).matches()).isTrue();
    }
}
