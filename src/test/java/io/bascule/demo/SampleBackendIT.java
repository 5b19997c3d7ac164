package io.bascule.demo;

import io.bascule.appswitch.AppRestart;
import io.bascule.appswitch.AppSwitch;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.PostgresDialect;
import io.bascule.database.SqlScript;
import io.bascule.embedded.EmbeddedMariaDbServer;
import io.bascule.migration.MigrationOptions;
import io.bascule.migration.MigrationService;
import io.bascule.rollback.PostgresFence;
import io.bascule.schema.ConversionPlan;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.GrantTables;
import io.bascule.testing.StaleTestDirs;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's sample backend against real servers, driven as Bascule drives the application: its {@code .env} rewritten
 * by {@link AppSwitch}, its restart command run by {@link AppRestart} exactly as {@code bascule.app.restart-command},
 * its health URL polled. MySQL is a MariaDB of its own with grant tables on (the application's login has no privilege
 * to write through {@code read_only}, and switching read-only there disturbs no other test); PostgreSQL is the shared
 * test server, where the application's login is made by {@link PostgresDialect#ensureApplicationLogin} before the
 * migration creates the table (its default privileges must reach it).
 */
@ExtendWith(EmbeddedDatabases.class)
class SampleBackendIT {

    static final String DB = "akig";
    static final String APP_PASSWORD = "app-s3cret";
    static final AtomicInteger DIRS = new AtomicInteger();
    static EmbeddedMariaDbServer mariaDb;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    String pgRole;
    TestDatabases dbs;

    @BeforeAll
    static void startMariaDb() throws Exception {
        StaleTestDirs.clean();
        Path home = Path.of("target", "sample-backend-it-" + ProcessHandle.current().pid()).toAbsolutePath();
        mariaDb = EmbeddedMariaDbServer.start(home.resolve("mariadb"), 0, false);
        mariaDb.createDatabaseIfMissing(DB);
        try (Connection c = mariaDb.connect(DB); Statement st = c.createStatement()) {
            GrantTables.enable(st);   // every new connection checked from here on: root is unusable over TCP
            st.execute("CREATE USER 'boss'@'%' IDENTIFIED BY 'boss-secret'");
            st.execute("GRANT ALL PRIVILEGES ON *.* TO 'boss'@'%' WITH GRANT OPTION");
            st.execute("CREATE USER 'akig_app'@'%' IDENTIFIED BY '" + APP_PASSWORD + "'");
            st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON `" + DB + "`.* TO 'akig_app'@'%'");
        }
    }

    @AfterAll
    static void stopMariaDb() {
        if (mariaDb != null) {
            mariaDb.close();
        }
    }

    @AfterEach
    void cleanUp() throws SQLException {
        try (Connection c = boss(); Statement st = c.createStatement()) {
            st.execute("SET GLOBAL read_only = OFF");
            st.execute("DROP TABLE IF EXISTS " + SampleBackend.TABLE);
        }
        if (pgRole != null) {
            try (Connection c = dbs.postgres().connect(dbs.targetDatabase()); Statement st = c.createStatement()) {
                st.execute("DROP OWNED BY " + PostgresDialect.quote(pgRole));
                st.execute("DROP ROLE " + PostgresDialect.quote(pgRole));
            }
        }
    }

    static Connection boss() {
        return bossEndpoint().open();
    }

    static DatabaseEndpoint bossEndpoint() {
        return DatabaseEndpoint.of(DatabaseEndpoint.Side.SOURCE, mariaDb.jdbcUrl(DB), "boss", "boss-secret");
    }

    /** The sample's own CREATE TABLE audit_logs, on the MariaDB. */
    static void createSampleTable() throws SQLException {
        String ddl = SqlScript.fromClasspath(SampleDatabase.SCRIPT).statements().stream()
                .filter(s -> s.strip().startsWith("CREATE TABLE " + SampleBackend.TABLE + " ")).findFirst().orElseThrow();
        try (Connection c = boss(); Statement st = c.createStatement()) {
            st.execute(ddl);
        }
    }

    static Path envFile(String databaseUrl) throws Exception {
        Path dir = Path.of("target", "sample-backend-it-" + ProcessHandle.current().pid(), "app-" + DIRS.incrementAndGet())
                .toAbsolutePath();
        Files.createDirectories(dir);
        Path env = dir.resolve(".env");
        Files.writeString(env, "# the sample backend's config\nNODE_ENV=production\nPORT=3000\nDATABASE_URL=" + databaseUrl + "\n");
        return env;
    }

    static String mysqlUrl() {
        return "mysql://akig_app:" + APP_PASSWORD + "@127.0.0.1:" + mariaDb.port() + "/" + DB;
    }

    static AppRestart restartOf(SampleBackend backend, Path env) {
        return new AppRestart(backend.restartCommand(), Duration.ofSeconds(60), backend.healthUrl(), Duration.ofMillis(100),
                System.getenv(), env.getParent());
    }

    static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what);
            }
            Thread.sleep(100);
        }
    }

    static long runRows(Connection c, String run) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + SampleBackend.TABLE
                + " WHERE action = ? AND utilisateur = ? AND entite = ?")) {
            ps.setString(1, SampleBackend.ACTION);
            ps.setString(2, SampleBackend.USER);
            ps.setString(3, run);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static long mysqlRows(String run) {
        try (Connection c = boss()) {
            return runRows(c, run);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    long postgresRows(String run) {
        try (Connection c = dbs.target()) {
            return runRows(c, run);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    static int healthStatus(SampleBackend backend) {
        try {
            return get(backend.healthUrl()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void followsTheEnvFileFromMySqlToPostgresqlAndBackAndLosesNoAcknowledgedWrite(TestDatabases dbs) throws Exception {
        this.dbs = dbs;
        createSampleTable();
        // the application's PostgreSQL login exists before the migration creates the table, as in the demo
        pgRole = ("app_" + dbs.name()).substring(0, Math.min(60, ("app_" + dbs.name()).length()));
        DatabaseEndpoint target = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, dbs.targetUrl(), "postgres", null);
        try (Connection c = dbs.target()) {
            assertThat(new PostgresDialect(target).ensureApplicationLogin(c, dbs.targetDatabase(), "public", "postgres",
                    pgRole, APP_PASSWORD)).isTrue();
            assertThat(new PostgresDialect(target).ensureApplicationLogin(c, dbs.targetDatabase(), "public", "postgres",
                    pgRole, APP_PASSWORD)).as("a second call finds the role").isFalse();
        }
        Path env = envFile(mysqlUrl());
        Path workDir = env.getParent().resolveSibling(env.getParent().getFileName() + "-work");
        AppSwitch appSwitch = new AppSwitch(env, "DATABASE_URL", workDir);

        String run;
        long acknowledged;
        try (SampleBackend backend = SampleBackend.start(env, "DATABASE_URL", 0)) {
            run = backend.run();
            AppRestart restart = restartOf(backend, env);

            // 1. on MySQL, under the application's own login
            await("two rows on MySQL", Duration.ofSeconds(15), () -> mysqlRows(run) >= 2);
            HttpResponse<String> health = get(backend.healthUrl());
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            assertThat(health.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(health.body()).contains("\"status\":\"UP\"", "\"database\":\"mysql\"",
                    "\"url\":\"mysql://***@127.0.0.1:" + mariaDb.port() + "/" + DB + "\"", "\"refused\":0",
                    "\"run\":\"" + run + "\"").doesNotContain(APP_PASSWORD).containsPattern("\"lastWrite\":\"20");
            HttpResponse<String> page = get(backend.url());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("AKIG demo backend", "http-equiv=\"refresh\"", "healthy: writing to mysql")
                    .doesNotContain(APP_PASSWORD);
            assertThat(get(backend.url() + "nothing-here").statusCode()).isEqualTo(404);

            // 2. the write freeze: MySQL read-only refuses the application's writes; health goes 503
            try (Connection c = boss(); Statement st = c.createStatement()) {
                st.execute("SET GLOBAL read_only = ON");
            }
            await("a refused write", Duration.ofSeconds(10), () -> backend.status().refused() >= 1);
            await("health 503 during the freeze", Duration.ofSeconds(10), () -> healthStatus(backend) == 503);
            assertThat(get(backend.healthUrl()).body()).contains("\"status\":\"DOWN\"", "read-only");
            long refusedOnMySql = backend.status().refused();
            long mysqlWrites = backend.status().writesByDatabase().get("mysql");
            long frozenRows = mysqlRows(run);
            assertThat(frozenRows).as("every acknowledged write is on MySQL").isGreaterThanOrEqualTo(mysqlWrites);

            // 3. the final copy (MySQL frozen: it holds every acknowledged write), then the switch and the restart
            MigrationService migration = new MigrationService(bossEndpoint(), target, MigrationOptions.defaults("public"),
                    workDir.resolve("migration"));
            ConversionPlan plan = migration.plan(migration.readSchema());
            migration.createTables(plan);
            migration.copy(plan, s -> { });
            migration.buildConstraints(plan);
            long copied = postgresRows(run);
            assertThat(copied).isEqualTo(frozenRows);
            appSwitch.switchTo("postgresql://" + pgRole + ":" + APP_PASSWORD + "@127.0.0.1:" + dbs.postgres().port()
                    + "/" + dbs.targetDatabase());
            AppRestart.RestartResult restarted = restart.restart();
            assertThat(restarted.status()).as(restarted.message()).isEqualTo(AppRestart.RestartStatus.SUCCEEDED);
            assertThat(restarted.lastLines()).containsExactly("demo backend restarted: it writes to postgresql://***@127.0.0.1:"
                    + dbs.postgres().port() + "/" + dbs.targetDatabase() + " now");
            assertThat(Files.exists(backend.requestFile())).as("the request was taken").isFalse();
            AppRestart.HealthResult healthy = restart.awaitHealthy(Duration.ofSeconds(20));
            assertThat(healthy.status()).as(healthy.message()).isEqualTo(AppRestart.HealthStatus.HEALTHY);
            assertThat(get(backend.healthUrl()).body()).contains("\"database\":\"postgresql\"", "\"restarts\":1")
                    .doesNotContain(APP_PASSWORD);

            // 4. on PostgreSQL, under the application's login (granted by default privileges), nothing missing
            await("two more rows on PostgreSQL", Duration.ofSeconds(15), () -> postgresRows(run) >= copied + 2);
            await("a check on PostgreSQL", Duration.ofSeconds(10), () -> backend.status().found() != null);
            assertThat(backend.status().missing()).as("acknowledged writes missing on PostgreSQL").isZero();
            assertThat(backend.status().writesByDatabase().get("postgresql")).isPositive();
            assertThat(mysqlRows(run)).as("no write reached MySQL after the freeze").isEqualTo(frozenRows);

            // 5. the rollback: the fence refuses the application's writes on PostgreSQL; health 503
            PostgresFence fence = new PostgresFence(target, pgRole);
            assertThat(fence.fence().ended()).as("the backend's session is ended").isNotEmpty();
            await("a refused write on PostgreSQL", Duration.ofSeconds(10), () -> backend.status().refused() > refusedOnMySql);
            await("health 503 while fenced", Duration.ofSeconds(10), () -> healthStatus(backend) == 503);
            long postgresWrites = backend.status().writesByDatabase().get("postgresql");

            // what the reverse channel carries back (emulated here: Bascule's own login writes through read-only),
            // then MySQL writable again, the file restored and the application restarted
            try (Connection pg = dbs.target(); Connection my = boss();
                 PreparedStatement read = pg.prepareStatement("SELECT id, utilisateur, action, entite, adresse_ip, date FROM "
                         + SampleBackend.TABLE + " WHERE entite = ?");
                 PreparedStatement write = my.prepareStatement("INSERT IGNORE INTO " + SampleBackend.TABLE
                         + " (id, utilisateur, action, entite, adresse_ip, date) VALUES (?, ?, ?, ?, ?, ?)")) {
                read.setString(1, run);
                try (ResultSet rs = read.executeQuery()) {
                    while (rs.next()) {
                        for (int i = 1; i <= 6; i++) {
                            write.setObject(i, rs.getObject(i));
                        }
                        write.executeUpdate();
                    }
                }
                try (Statement st = my.createStatement()) {
                    st.execute("SET GLOBAL read_only = OFF");
                }
            }
            assertThat(mysqlRows(run)).isGreaterThanOrEqualTo(mysqlWrites + postgresWrites);
            appSwitch.restore();
            assertThat(Files.readString(env)).contains("DATABASE_URL=" + mysqlUrl());
            restarted = restart.restart();
            assertThat(restarted.status()).as(restarted.message()).isEqualTo(AppRestart.RestartStatus.SUCCEEDED);
            assertThat(restarted.lastLines()).containsExactly("demo backend restarted: it writes to mysql://***@127.0.0.1:"
                    + mariaDb.port() + "/" + DB + " now");
            healthy = restart.awaitHealthy(Duration.ofSeconds(20));
            assertThat(healthy.status()).as(healthy.message()).isEqualTo(AppRestart.HealthStatus.HEALTHY);

            // 6. back on MySQL: every write acknowledged on either side is there
            long back = mysqlRows(run);
            await("two more rows on MySQL", Duration.ofSeconds(15), () -> mysqlRows(run) >= back + 2);
            await("a check on MySQL", Duration.ofSeconds(10), () -> backend.status().found() != null);
            SampleBackend.Status s = backend.status();
            assertThat(s.database()).isEqualTo("mysql");
            assertThat(s.missing()).as("acknowledged writes missing on MySQL after the rollback").isZero();
            assertThat(s.restarts()).isEqualTo(2);
            assertThat(s.writesByDatabase().get("mysql")).isGreaterThan(mysqlWrites);
            assertThat(s.refused()).isGreaterThan(refusedOnMySql);
            assertThat(get(backend.healthUrl()).body()).contains("\"database\":\"mysql\"", "\"missing\":0");
            assertThat(String.join("\n", s.events())).contains("restarted: writing to postgresql://***@",
                    "restarted: writing to mysql://***@", "(read-only)").doesNotContain(APP_PASSWORD);
            backend.close();
            acknowledged = backend.status().writes();
        }
        // stopped: every write it acknowledged, on whichever database, is on MySQL now
        assertThat(mysqlRows(run)).isGreaterThanOrEqualTo(acknowledged);
    }

    @Test
    void anUnusableUrlOrAMissingTableTurnsHealthTo503AndARestartReadsTheFixedFile(TestDatabases dbs) throws Exception {
        this.dbs = dbs;
        Path env = envFile("mysql//no-scheme-here");
        try (SampleBackend backend = SampleBackend.start(env, "DATABASE_URL", 0)) {
            HttpResponse<String> health = get(backend.healthUrl());
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("\"status\":\"DOWN\"", "\"database\":null",
                    "DATABASE_URL in " + env + " is not a mysql:// or postgresql:// URL");
            await("the first attempt", Duration.ofSeconds(5), () -> backend.status().mode().equals("no-url"));
            assertThat(get(backend.url()).body()).contains("no usable DATABASE_URL", "(none)");

            // the file fixed (the table not there yet): the restart reads it; writes fail, health stays 503
            Files.writeString(env, Files.readString(env).replace("mysql//no-scheme-here", mysqlUrl()));
            AppRestart restart = restartOf(backend, env);
            assertThat(restart.restart().status()).isEqualTo(AppRestart.RestartStatus.SUCCEEDED);
            await("a failed write", Duration.ofSeconds(10), () -> backend.status().failed() >= 1);
            assertThat(backend.status().lastError()).contains(SampleBackend.TABLE);
            assertThat(healthStatus(backend)).isEqualTo(503);

            createSampleTable();
            assertThat(restart.awaitHealthy(Duration.ofSeconds(10)).status()).isEqualTo(AppRestart.HealthStatus.HEALTHY);
            assertThat(backend.status().refused()).isZero();

            // the table dropped under it: failures, and 503 once the last write is older than 5 s
            try (Connection c = boss(); Statement st = c.createStatement()) {
                st.execute("DROP TABLE " + SampleBackend.TABLE);
            }
            long failed = backend.status().failed();
            await("a failed write", Duration.ofSeconds(10), () -> backend.status().failed() > failed);
            await("health 503", Duration.ofSeconds(10), () -> healthStatus(backend) == 503);
            assertThat(backend.status().mode()).isEqualTo("failing");
        }
    }

    @Test
    void theRestartCommandDoesNotSucceedWhenNoBackendTakesTheRequest(TestDatabases dbs) throws Exception {
        this.dbs = dbs;
        Path env = envFile(mysqlUrl());
        String command;
        try (SampleBackend backend = SampleBackend.start(env, "DATABASE_URL", 0)) {
            command = backend.restartCommand();
            assertThat(command).isEqualTo("sh '" + env.resolveSibling(SampleBackend.RESTART_SCRIPT) + "'");
        }
        // stopped (the demo is not running): the script waits for nobody; Bascule's timeout ends it
        AppRestart.RestartResult r = new AppRestart(command, Duration.ofSeconds(2), null, Duration.ofMillis(100),
                System.getenv(), env.getParent()).restart();
        assertThat(r.status()).as(r.message()).isEqualTo(AppRestart.RestartStatus.TIMED_OUT);
        assertThat(env.resolveSibling(SampleBackend.REQUEST_FILE)).exists();
        // the next start does not take a request left by an earlier run: it reads the file anyway
        try (SampleBackend again = SampleBackend.start(env, "DATABASE_URL", 0)) {
            assertThat(env.resolveSibling(SampleBackend.REQUEST_FILE)).doesNotExist();
            assertThat(again.status().restarts()).isZero();
        }
    }
}
