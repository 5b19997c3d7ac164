package io.bascule.cli;

import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Team use: the engine's history kept in a PostgreSQL database of its own instead of the H2 file. */
@ExtendWith(EmbeddedDatabases.class)
class EngineOnPostgresIT {

    @Test
    void serveKeepsTheAuditTrailInPostgres(TestDatabases dbs) throws Exception {
        Path root = Path.of("target", "engine-pg-it-" + ProcessHandle.current().pid()).toAbsolutePath();
        Files.createDirectories(root);
        Path config = Files.writeString(root.resolve("team.yml"), """
                bascule:
                  web:
                    users:
                      - id: alice
                        groups: [camunda-admin, dba]
                        password-env: TEST_ALICE_PASSWORD
                """);
        CliRun run = CliRun.of(Map.of("TEST_ALICE_PASSWORD", "alice-secret-for-test"), "serve", "--config", config.toString(),
                "--work-dir", root.resolve("work").toString(), "--server.port=0",
                "--engine-db-url", dbs.targetUrl(), "--engine-db-user", "postgres");
        try {
            assertThat(run.exitCode()).as(run.err()).isZero();
        } finally {
            if (run.outcome().application() != null) {
                run.outcome().application().close();
            }
        }
        try (Connection pg = dbs.target(); Statement st = pg.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM act_re_procdef WHERE key_ = 'goldMigration'")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1);
        }
        assertThat(root.resolve("work/engine")).doesNotExist();
    }
}
