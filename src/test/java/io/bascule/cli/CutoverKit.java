package io.bascule.cli;

import com.sun.net.httpserver.HttpServer;
import io.bascule.appswitch.AppDatabaseUrl;
import io.bascule.appswitch.AppSwitch;
import io.bascule.cli.RollbackWorld.World;
import io.bascule.database.SqlScript;
import io.bascule.testing.TestDatabases;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * What the cutover's integration tests share: a world migrated to GOLD with the reverse channel's fixture, the
 * environment a DBA gives the CLI, the application's health URL served by the test, and waiting for a condition.
 */
final class CutoverKit {

    private CutoverKit() {
    }

    /** The fixture's tables migrated (GOLD) with a short drain bound and {@code moreConfig} under {@code bascule:}. */
    static World migrated(RollbackWorld world, TestDatabases dbs, String moreConfig) throws Exception {
        return migrated(world, dbs, null, moreConfig);
    }

    /**
     * The same, with {@code bascule.rollback.health-timeout} (how long Phase 6 and the rollback wait for the health
     * URL) when not null.
     */
    static World migrated(RollbackWorld world, TestDatabases dbs, Duration healthTimeout, String moreConfig) throws Exception {
        return world.migrated(dbs, c -> SqlScript.fromClasspath("ddl/reverse_channel.sql").run(c), Set.of("customers.active"),
                "  rollback:\n    drain-timeout: 5s\n"
                        + (healthTimeout == null ? "" : "    health-timeout: " + healthTimeout.toSeconds() + "s\n")
                        + (moreConfig == null ? "" : moreConfig));
    }

    /** The passwords from the environment: Bascule's MySQL login and the application's PostgreSQL login. */
    static Map<String, String> env(World w) {
        Map<String, String> env = new HashMap<>(w.env());
        env.put("BASCULE_APP_TARGET_PASSWORD", RollbackWorld.APP_PASSWORD);
        return env;
    }

    /** The application's DATABASE_URL as its .env holds it now (null when the key is missing). */
    static String databaseUrl(Path envFile) {
        try {
            return Files.readAllLines(envFile).stream().filter(l -> l.startsWith("DATABASE_URL=")).findFirst()
                    .map(l -> l.substring("DATABASE_URL=".length())).orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean onPostgres(World w) {
        String url = databaseUrl(w.envFile());
        return url != null && url.startsWith("postgresql://");
    }

    /** A JDBC connection with the URL the application's .env holds now, as the application opens it. */
    static Connection connectAsApplication(Path envFile) throws SQLException {
        AppDatabaseUrl u = AppDatabaseUrl.parse(databaseUrl(envFile))
                .orElseThrow(() -> new SQLException("no database URL in " + envFile));
        return DriverManager.getConnection(u.jdbcUrl(), u.user(), u.password());
    }

    /** The original .env as the switch kept it in the work directory. */
    static String keptOriginal(World w) throws IOException {
        return Files.readString(new AppSwitch(w.envFile(), "DATABASE_URL", w.work()).stateDirectory().resolve("original"));
    }

    /** Waits until {@code condition} holds, or fails naming {@code what}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /**
     * The application's health URL: healthy while its .env points at MySQL (so the rehearsal and the rollback find it
     * healthy), and answering {@link #onPostgres} (503 unless a test sets 200) while it points at PostgreSQL: an
     * application that does not come up on PostgreSQL.
     */
    static final class Health implements AutoCloseable {
        final AtomicInteger onPostgres = new AtomicInteger(503);
        final AtomicInteger requests = new AtomicInteger();
        /** Requests while the .env pointed at PostgreSQL: the switch is done and Phase 6 polls. */
        final AtomicInteger requestsOnPostgres = new AtomicInteger();
        private final HttpServer server;
        private volatile Path envFile;

        /** Healthy until {@link #watch} names the application's .env (its URL goes into the config first). */
        Health() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/health", exchange -> {
                requests.incrementAndGet();
                Path file = envFile;
                String url = file == null ? null : databaseUrl(file);
                boolean postgres = url != null && url.startsWith("postgresql://");
                if (postgres) {
                    requestsOnPostgres.incrementAndGet();
                }
                int status = postgres ? onPostgres.get() : 200;
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            server.start();
        }

        Health watch(Path envFile) {
            this.envFile = envFile;
            return this;
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/health";
        }

        /** The YAML lines (under {@code bascule:}) that configure it. */
        String config() {
            return "  app:\n    health-url: " + url() + "\n";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
