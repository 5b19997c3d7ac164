package io.bascule.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A real PostgreSQL 17 server run from the binaries on the class path (zonky), with its data directory
 * kept where the caller says, so that a second start reuses it. {@code pg_stat_statements} is preloaded.
 * The superuser is {@code postgres}, with trust authentication on loopback only: for the demo and tests.
 *
 * <p>Where the data directory lives does not matter, the system's temporary directory included: zonky 2.2.2 deletes
 * only its own scratch data directories (at each start, the children of {@code java.io.tmpdir/embedded-pg}, or of
 * {@code -Dot.epg.working-dir}, whose lock file is older than 10 minutes and free), and never one given with
 * {@code setCleanDataDirectory(false)} elsewhere; a data directory right inside that folder is refused.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private final EmbeddedPostgres postgres;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /**
     * @param dataDir data directory, created when missing and kept on close
     * @param port    0 picks a free port
     */
    public static EmbeddedPostgresServer start(Path dataDir, int port) {
        return start(dataDir, port, java.util.Map.of());
    }

    /**
     * As {@link #start(Path, int)}, with server settings added or replaced (e.g. {@code fsync=on} and
     * {@code synchronous_commit=on} for a benchmark: zonky runs with both off).
     */
    public static EmbeddedPostgresServer start(Path dataDir, int port, java.util.Map<String, String> serverConfig) {
        Path scratchParent = Path.of(System.getProperty("ot.epg.working-dir",
                Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg").toString())).toAbsolutePath().normalize();
        if (scratchParent.equals(dataDir.toAbsolutePath().normalize().getParent())) {
            throw new EmbeddedServerException("embedded PostgreSQL: the data directory " + dataDir + " is inside "
                    + scratchParent + ", whose old data directories the embedded server library deletes; use another"
                    + " folder", null);
        }
        try {
            Files.createDirectories(dataDir);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setOverrideWorkingDirectory(dataDir.getParent().resolve("pg-binaries").toFile())
                    .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "200")
                    .setPGStartupWait(Duration.ofSeconds(60));
            serverConfig.forEach(builder::setServerConfig);
            if (port > 0) {
                builder.setPort(port);
            }
            return new EmbeddedPostgresServer(builder.start());
        } catch (IOException e) {
            throw new EmbeddedServerException("embedded PostgreSQL did not start in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return postgres.getPort();
    }

    /** JDBC URL of a database on this server (no credentials in it). */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    public String superUser() {
        return "postgres";
    }

    public Connection connect(String database) throws SQLException {
        return postgres.getDatabase(superUser(), database).getConnection();
    }

    /** Creates the database unless it exists; returns true when it was created. */
    public boolean createDatabaseIfMissing(String database) {
        try (Connection c = connect("postgres");
             var ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return false;
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + quote(database));
            }
            return true;
        } catch (SQLException e) {
            throw new EmbeddedServerException("could not create PostgreSQL database " + database + ": " + e.getMessage(), e);
        }
    }

    public void dropDatabase(String database) {
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + quote(database) + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new EmbeddedServerException("could not drop PostgreSQL database " + database + ": " + e.getMessage(), e);
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new EmbeddedServerException("embedded PostgreSQL did not stop cleanly: " + e.getMessage(), e);
        }
    }
}
