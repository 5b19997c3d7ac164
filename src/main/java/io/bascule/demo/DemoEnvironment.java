package io.bascule.demo;

import io.bascule.embedded.EmbeddedMariaDbServer;
import io.bascule.embedded.EmbeddedPostgresServer;
import io.bascule.embedded.EmbeddedServerException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The demo's world, all under {@code <work-dir>/demo}: an embedded MariaDB holding the sample legacy
 * database {@code akig_legacy}, an embedded PostgreSQL with an empty {@code akig_immobilier} and
 * {@code pg_stat_statements} preloaded, and a sample backend {@code .env} whose {@code DATABASE_URL} points
 * at the MariaDB. A second start reuses the data files and leaves an existing {@code .env} as it is.
 */
public final class DemoEnvironment implements AutoCloseable {

    public static final String ENV_KEY = "DATABASE_URL";

    private final EmbeddedMariaDbServer mariaDb;
    private final EmbeddedPostgresServer postgres;
    private final Path envFile;
    private final boolean sampleLoaded;

    private DemoEnvironment(EmbeddedMariaDbServer mariaDb, EmbeddedPostgresServer postgres, Path envFile, boolean sampleLoaded) {
        this.mariaDb = mariaDb;
        this.postgres = postgres;
        this.envFile = envFile;
        this.sampleLoaded = sampleLoaded;
    }

    public static DemoEnvironment start(Path workDir, int sourcePort, int targetPort) {
        Path home = workDir.resolve("demo");
        CompletableFuture<EmbeddedMariaDbServer> maria = CompletableFuture.supplyAsync(
                () -> EmbeddedMariaDbServer.start(home.resolve("mariadb"), sourcePort, false));
        CompletableFuture<EmbeddedPostgresServer> pg = CompletableFuture.supplyAsync(
                () -> EmbeddedPostgresServer.start(home.resolve("postgres").resolve("data"), targetPort));
        EmbeddedMariaDbServer mariaDb = null;
        EmbeddedPostgresServer postgres = null;
        try {
            mariaDb = join(maria);
            postgres = join(pg);
            boolean loaded = loadSampleIfMissing(mariaDb);
            postgres.createDatabaseIfMissing(SampleDatabase.TARGET_DATABASE);
            Path envFile = writeEnvFileIfMissing(home.resolve("app").resolve(".env"), mariaDb.port());
            return new DemoEnvironment(mariaDb, postgres, envFile, loaded);
        } catch (RuntimeException e) {
            closeQuietly(mariaDb != null ? mariaDb : maria.handle((m, t) -> m).join());
            closeQuietly(postgres != null ? postgres : pg.handle((p, t) -> p).join());
            throw e;
        }
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private static boolean loadSampleIfMissing(EmbeddedMariaDbServer mariaDb) {
        if (!mariaDb.createDatabaseIfMissing(SampleDatabase.SOURCE_DATABASE)) {
            return false;
        }
        try (Connection c = mariaDb.connect(SampleDatabase.SOURCE_DATABASE)) {
            SampleDatabase.load(c);
            return true;
        } catch (SQLException e) {
            // leave no half-loaded sample behind: the next start loads it again
            mariaDb.dropDatabase(SampleDatabase.SOURCE_DATABASE);
            throw new EmbeddedServerException("loading the sample database failed: " + e.getMessage(), e);
        }
    }

    private static Path writeEnvFileIfMissing(Path envFile, int port) {
        try {
            Files.createDirectories(envFile.getParent());
            if (!Files.exists(envFile)) {
                String content = """
                        # Sample backend configuration (the AKIG demo application).
                        # Bascule switches DATABASE_URL to PostgreSQL at cutover and back at rollback.
                        NODE_ENV=production
                        PORT=3000
                        %s=mysql://root@127.0.0.1:%d/%s
                        """.formatted(ENV_KEY, port, SampleDatabase.SOURCE_DATABASE);
                Files.writeString(envFile, content, StandardCharsets.UTF_8);
            }
            return envFile;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the demo application's .env at " + envFile, e);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // already failing: the first error is the one reported
            }
        }
    }

    public EmbeddedMariaDbServer mariaDb() {
        return mariaDb;
    }

    public EmbeddedPostgresServer postgres() {
        return postgres;
    }

    public Path envFile() {
        return envFile;
    }

    /** True when this start loaded the sample (first start), false when it reused existing data. */
    public boolean sampleLoaded() {
        return sampleLoaded;
    }

    public String sourceUrl() {
        return mariaDb.jdbcUrl(SampleDatabase.SOURCE_DATABASE);
    }

    public String targetUrl() {
        return postgres.jdbcUrl(SampleDatabase.TARGET_DATABASE);
    }

    @Override
    public void close() {
        try {
            mariaDb.close();
        } finally {
            postgres.close();
        }
    }
}
