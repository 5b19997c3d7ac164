package io.bascule.demo;

import io.bascule.appswitch.AppSwitch;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.PostgresDialect;
import io.bascule.embedded.EmbeddedMariaDbServer;
import io.bascule.embedded.EmbeddedPostgresServer;
import io.bascule.embedded.EmbeddedServerException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The demo's world, all under {@code <work-dir>/demo}: an embedded MariaDB holding the sample legacy
 * database {@code akig_legacy}, an embedded PostgreSQL with an empty {@code akig_immobilier} and
 * {@code pg_stat_statements} preloaded and the application's own login {@value #APP_ROLE} (its password generated
 * at the first start and kept in {@code demo/app-password}, owner-only; granted read and write on the tables of
 * {@code public}, those the migration creates later included), and a sample backend {@code .env} whose
 * {@code DATABASE_URL} points at the MariaDB. A second start reuses the data files and leaves an existing
 * {@code .env} as it is. {@link #startBackend()} starts the {@link SampleBackend} that reads that file.
 */
public final class DemoEnvironment implements AutoCloseable {

    public static final String ENV_KEY = "DATABASE_URL";
    /** The application's PostgreSQL login (MariaDB runs without grant tables: there the application stays root). */
    public static final String APP_ROLE = "akig_app";
    /** The sample backend's port when the {@code .env} has no {@code PORT=} line. */
    public static final int DEFAULT_BACKEND_PORT = 3000;

    private final EmbeddedMariaDbServer mariaDb;
    private final EmbeddedPostgresServer postgres;
    private final Path envFile;
    private final boolean sampleLoaded;
    private final String appPassword;
    private SampleBackend backend;

    private DemoEnvironment(EmbeddedMariaDbServer mariaDb, EmbeddedPostgresServer postgres, Path envFile, boolean sampleLoaded,
                            String appPassword) {
        this.mariaDb = mariaDb;
        this.postgres = postgres;
        this.envFile = envFile;
        this.sampleLoaded = sampleLoaded;
        this.appPassword = appPassword;
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
            String appPassword = secretFile(home.resolve("app-password"));
            createAppLogin(postgres, appPassword);
            Path envFile = writeEnvFileIfMissing(home.resolve("app").resolve(".env"), mariaDb.port());
            return new DemoEnvironment(mariaDb, postgres, envFile, loaded, appPassword);
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

    /** The application's login on the target database, its grants there (tables created later by postgres included). */
    private static void createAppLogin(EmbeddedPostgresServer postgres, String password) {
        DatabaseEndpoint endpoint = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET,
                postgres.jdbcUrl(SampleDatabase.TARGET_DATABASE), postgres.superUser(), null);
        try (Connection c = postgres.connect(SampleDatabase.TARGET_DATABASE)) {
            new PostgresDialect(endpoint).ensureApplicationLogin(c, SampleDatabase.TARGET_DATABASE, "public",
                    postgres.superUser(), APP_ROLE, password);
        } catch (SQLException e) {
            throw new EmbeddedServerException("could not connect to the demo PostgreSQL to create the login " + APP_ROLE
                    + ": " + e.getMessage(), e);
        }
    }

    /** A password generated at the first start and kept in an owner-only file; read back at later starts. */
    private static String secretFile(Path file) {
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                String alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
                SecureRandom random = new SecureRandom();
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < 20; i++) {
                    sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                Files.writeString(file, sb + "\n", StandardCharsets.UTF_8);
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system: the work directory's own permissions apply
                }
            }
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("could not keep the demo application's password in " + file, e);
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

    /**
     * The database URL the application gets at cutover ({@code bascule.app.target-url}): the target database under
     * the application's own login, with its password (never log it; {@link io.bascule.database.JdbcUrls#redact}).
     */
    public String appTargetUrl() {
        return "postgresql://" + APP_ROLE + ":" + appPassword + "@127.0.0.1:" + postgres.port() + "/"
                + SampleDatabase.TARGET_DATABASE;
    }

    /**
     * Starts the sample backend on the {@code .env}'s {@code PORT} ({@value #DEFAULT_BACKEND_PORT} without one; another
     * free port when it is taken); {@link #close()} stops it first. Once per environment.
     */
    public synchronized SampleBackend startBackend() {
        if (backend != null) {
            throw new IllegalStateException("the demo backend runs already at " + backend.url());
        }
        backend = SampleBackend.start(envFile, ENV_KEY, backendPort(envFile));
        return backend;
    }

    static int backendPort(Path envFile) {
        try {
            int port = Integer.parseInt(AppSwitch.valueIn(envFile, "PORT").strip());
            return port > 0 && port < 65536 ? port : DEFAULT_BACKEND_PORT;
        } catch (RuntimeException e) {
            return DEFAULT_BACKEND_PORT;   // no PORT line, or not a number: the sample's default
        }
    }

    /** The sample backend, or null when not started. */
    public synchronized SampleBackend backend() {
        return backend;
    }

    @Override
    public void close() {
        try {
            SampleBackend b;
            synchronized (this) {
                b = backend;
                backend = null;
            }
            if (b != null) {
                b.close();   // its writes stop before the databases do
            }
        } finally {
            try {
                mariaDb.close();
            } finally {
                postgres.close();
            }
        }
    }
}
