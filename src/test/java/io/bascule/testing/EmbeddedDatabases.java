package io.bascule.testing;

import io.bascule.embedded.EmbeddedMariaDbServer;
import io.bascule.embedded.EmbeddedPostgresServer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * JUnit 5 extension: one real embedded MariaDB and one real embedded PostgreSQL per test JVM (started on
 * first use, stopped when the JVM's tests end), and for each test method a fresh database on each server,
 * handed to the test as a {@link TestDatabases} parameter and dropped after it.
 */
public final class EmbeddedDatabases implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(EmbeddedDatabases.class);
    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** Holds both servers for the whole JVM; JUnit closes it when the root context ends. */
    static final class Servers implements ExtensionContext.Store.CloseableResource {
        final EmbeddedMariaDbServer mariaDb;
        final EmbeddedPostgresServer postgres;

        Servers() {
            StaleTestDirs.clean();
            Path home = Path.of("target", "embedded-servers", String.valueOf(ProcessHandle.current().pid())).toAbsolutePath();
            this.mariaDb = EmbeddedMariaDbServer.start(home.resolve("mariadb"), 0, false);
            this.postgres = EmbeddedPostgresServer.start(home.resolve("postgres").resolve("data"), 0);
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

    public static EmbeddedMariaDbServer mariaDb(ExtensionContext context) {
        return servers(context).mariaDb;
    }

    private static Servers servers(ExtensionContext context) {
        return context.getRoot().getStore(NS).getOrComputeIfAbsent(Servers.class, k -> new Servers(), Servers.class);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Servers servers = servers(context);
        String name = ("t" + COUNTER.incrementAndGet() + "_" + context.getRequiredTestMethod().getName())
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (name.length() > 60) {
            name = name.substring(0, 60);
        }
        servers.mariaDb.createDatabaseIfMissing(name);
        servers.postgres.createDatabaseIfMissing(name);
        context.getStore(NS).put(TestDatabases.class, new TestDatabases(servers.mariaDb, servers.postgres, name));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        TestDatabases dbs = context.getStore(NS).remove(TestDatabases.class, TestDatabases.class);
        if (dbs != null) {
            dbs.mariaDb().dropDatabase(dbs.sourceDatabase());
            dbs.postgres().dropDatabase(dbs.targetDatabase());
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestDatabases.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return extensionContext.getStore(NS).get(TestDatabases.class, TestDatabases.class);
    }
}
