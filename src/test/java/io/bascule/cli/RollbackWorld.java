package io.bascule.cli;

import io.bascule.testing.GrantTables;
import io.bascule.appswitch.AppSwitch;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.embedded.EmbeddedMariaDbServer;
import io.bascule.migration.MigrationOptions;
import io.bascule.migration.MigrationService;
import io.bascule.migration.Verifier;
import io.bascule.rollback.ReverseChannel;
import io.bascule.rollback.SourceFreeze;
import io.bascule.testing.TestDatabases;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.bascule.testing.QueryRows.rows;

/**
 * The state a cutover leaves, on real servers, for the rollback's tests and benchmark: a MariaDB of its own with grant
 * tables on (a privileged login {@code bascule} for Bascule, the application's login {@code app} that read-only stops;
 * read_only is global, so no other test shares it), a PostgreSQL database with an application role, a GOLD migration
 * by the CLI, then MySQL frozen, the reverse channel armed and the application's .env switched, with the services the
 * cutover calls.
 */
final class RollbackWorld implements AutoCloseable {

    static final String BASCULE_PASSWORD = "bascule-secret";
    static final String APP_PASSWORD = "app-secret";

    final EmbeddedMariaDbServer mariaDb;

    private RollbackWorld(EmbeddedMariaDbServer mariaDb) {
        this.mariaDb = mariaDb;
    }

    /** Starts the MariaDB (grant tables on) with the logins bascule, app and the fixture's own boss. */
    static RollbackWorld start(Path home) throws SQLException {
        EmbeddedMariaDbServer mariaDb = EmbeddedMariaDbServer.start(home.resolve("mariadb"), 0, false);
        try (Connection c = mariaDb.connect("mysql"); Statement st = c.createStatement()) {
            GrantTables.enable(st); // grant tables on for every new connection; no anonymous accounts
            st.execute("CREATE USER 'bascule'@'%' IDENTIFIED BY '" + BASCULE_PASSWORD + "'");
            st.execute("GRANT READ_ONLY ADMIN, CONNECTION ADMIN, PROCESS, BINLOG MONITOR, RELOAD ON *.* TO 'bascule'@'%'");
            st.execute("CREATE USER 'app'@'%' IDENTIFIED BY '" + APP_PASSWORD + "'");
            st.execute("CREATE USER 'boss'@'%' IDENTIFIED BY 'boss-secret'");
            st.execute("GRANT ALL PRIVILEGES ON *.* TO 'boss'@'%' WITH GRANT OPTION");
        } catch (SQLException | RuntimeException e) {
            mariaDb.close();
            throw e;
        }
        return new RollbackWorld(mariaDb);
    }

    @Override
    public void close() {
        mariaDb.close();
    }

    /** The fixture's own connection to MariaDB (not a login the rollback uses). */
    Connection boss(String database) throws SQLException {
        return DriverManager.getConnection(mariaDb.jdbcUrl(database), "boss", "boss-secret");
    }

    boolean mysqlReadOnly() throws SQLException {
        try (Connection c = boss("mysql")) {
            return rows(c, "SELECT @@GLOBAL.read_only").get(0).get(0).equals("1");
        }
    }

    void setWritable() throws SQLException {
        try (Connection c = boss("mysql"); Statement st = c.createStatement()) {
            st.execute("SET GLOBAL read_only = OFF");
        }
    }

    /** Fills the source database (as its owner) before the migration. */
    interface Loader {
        void load(Connection c) throws Exception;
    }

    /** One world: its MySQL database and PostgreSQL database, the app's login on each, the .env, the work dir. */
    record World(TestDatabases dbs, String mysqlUrl, int mysqlPort, String mysqlDb, String pgRole, Path work, Path config,
                 Path envFile, String envOriginal, DatabaseEndpoint source, DatabaseEndpoint target,
                 Set<String> booleanColumns) {

        String pgAppUrl() {
            return "postgresql://" + pgRole + ":" + APP_PASSWORD + "@127.0.0.1:" + dbs.postgres().port() + "/" + dbs.targetDatabase();
        }

        String[] args(String command, String... more) {
            List<String> a = new ArrayList<>(List.of(command, "--source-url", mysqlUrl, "--source-user", "bascule",
                    "--target-url", dbs.targetUrl(), "--target-user", "postgres", "--work-dir", work.toString(),
                    "--config", config.toString(),
                    "--app-env-file", envFile.toString(), "--app-target-url", "postgresql://" + pgRole + "@127.0.0.1:"
                            + dbs.postgres().port() + "/" + dbs.targetDatabase()));
            a.addAll(List.of(more));
            return a.toArray(String[]::new);
        }

        Map<String, String> env() {
            return Map.of("BASCULE_SOURCE_PASSWORD", BASCULE_PASSWORD);
        }

        Connection pgApp() throws SQLException {
            return DriverManager.getConnection(dbs.targetUrl(), pgRole, APP_PASSWORD);
        }

        Connection mysqlApp() throws SQLException {
            return DriverManager.getConnection(mysqlUrl, "app", APP_PASSWORD);
        }

        MigrationService migration() {
            return new MigrationService(source, target, MigrationOptions.defaults("public").withBooleanColumns(booleanColumns), work);
        }

        boolean identical() {
            MigrationService m = migration();
            Verifier.Result r = m.verify(m.loadPlan(), s -> { });
            r.tables().stream().filter(t -> !t.matches()).forEach(t -> System.out.println("differs: " + t.summary()));
            return r.matches();
        }

        ReverseChannel channel() {
            MigrationService m = migration();
            return ReverseChannel.of(source, target, m.loadPlan(), m.readCertificate());
        }
    }

    /**
     * A migrated database, GOLD certified by {@code migrate}, and the cutover's state: frozen, armed, switched.
     *
     * @param moreConfig YAML lines under {@code bascule:} (two-space indented), e.g. the rollback's bounds
     */
    World cutoverState(TestDatabases dbs, Loader loader, Set<String> booleanColumns, String moreConfig) throws Exception {
        World w = migrated(dbs, loader, booleanColumns, moreConfig);
        // what the cutover does at its switch (issue 11 calls the same services)
        DatabaseEndpoint appLogin = DatabaseEndpoint.of(DatabaseEndpoint.Side.SOURCE, w.mysqlUrl(), "app", APP_PASSWORD);
        SourceFreeze.Record frozen = new SourceFreeze(w.source(), SourceFreeze.Options.defaults()).freeze(appLogin);
        if (!frozen.proven()) {
            throw new IllegalStateException("the fixture's freeze is not proven: " + frozen.problem());
        }
        w.channel().arm(appLogin, false);
        new AppSwitch(w.envFile(), "DATABASE_URL", w.work()).switchTo(w.pgAppUrl());
        return w;
    }

    /** A migrated database, GOLD certified by {@code migrate}, the application's roles on both sides; nothing frozen. */
    World migrated(TestDatabases dbs, Loader loader, Set<String> booleanColumns, String moreConfig) throws Exception {
        String shortName = dbs.name().length() > 40 ? dbs.name().substring(0, 40) : dbs.name();   // names stay under 64
        String db = "rb_" + shortName;
        try (Connection c = boss("mysql"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE `" + db + "`");
            st.execute("GRANT ALL PRIVILEGES ON `" + db + "`.* TO 'bascule'@'%'");
            st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON `" + db + "`.* TO 'app'@'%'");
        }
        try (Connection c = boss(db)) {
            loader.load(c);
        }
        Path work = Path.of("target", "rollback-work-" + ProcessHandle.current().pid() + "-" + System.nanoTime()).toAbsolutePath();
        Path app = work.resolveSibling(work.getFileName() + "-app");
        Files.createDirectories(app);
        Path envFile = app.resolve(".env");
        String original = "# the shop's backend\nNODE_ENV=production\nDATABASE_URL=mysql://app:" + APP_PASSWORD + "@127.0.0.1:"
                + mariaDb.port() + "/" + db + "\nPORT=3000\n";
        Files.writeString(envFile, original);
        String role = "app_" + shortName;
        DatabaseEndpoint source = DatabaseEndpoint.of(DatabaseEndpoint.Side.SOURCE, mariaDb.jdbcUrl(db), "bascule", BASCULE_PASSWORD);
        DatabaseEndpoint target = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, dbs.targetUrl(), "postgres", null);
        Path config = work.resolveSibling(work.getFileName() + ".yml");
        Files.writeString(config, "bascule:\n  migration:\n    boolean-columns: [" + String.join(", ", booleanColumns) + "]\n"
                + (moreConfig == null ? "" : moreConfig));
        World w = new World(dbs, mariaDb.jdbcUrl(db), mariaDb.port(), db, role, work, config, envFile, original, source,
                target, booleanColumns);

        CliRun migrate = CliRun.of(w.env(), w.args("migrate", "--yes"));
        if (migrate.exitCode() != 0) {
            throw new IllegalStateException("the fixture's migrate failed: " + migrate.out() + migrate.err());
        }
        try (Connection pg = dbs.target(); Statement st = pg.createStatement()) {
            st.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + APP_PASSWORD + "'");
            st.execute("GRANT USAGE ON SCHEMA public TO " + role);
            st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + role);
            st.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO " + role);
        }
        return w;
    }
}
