package io.bascule.cutover;

import com.sun.net.httpserver.HttpServer;
import io.bascule.appswitch.AppRestart;
import io.bascule.appswitch.AppSwitch;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Phase 6 on the embedded PostgreSQL: the application's own URL connects, and its health URL answers. */
@ExtendWith(EmbeddedDatabases.class)
class AppConnectionCheckIT {

    private static final String SECRET = "appS3cretPw";

    @TempDir
    Path dir;

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private String pgUrl(TestDatabases dbs, String user, String database) {
        return "postgresql://" + user + ":" + SECRET + "@127.0.0.1:" + dbs.postgres().port() + "/" + database;
    }

    private String health(int status) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/health";
    }

    private AppConnectionCheck check(String healthUrl) {
        return new AppConnectionCheck(new AppRestart(null, Duration.ofSeconds(1), healthUrl, Duration.ofMillis(50), Map.of(), dir),
                Duration.ofSeconds(2));
    }

    @Test
    void theApplicationsUrlConnectsAndItsHealthUrlAnswers(TestDatabases dbs) throws Exception {
        String url = pgUrl(dbs, "postgres", dbs.targetDatabase());
        AppConnectionCheck.Result r = check(health(200)).run(url);
        r.lines().forEach(System.out::println);

        assertThat(r.passed()).as(r.failureSummary()).isTrue();
        assertThat(r.login()).isEqualTo("postgres");
        assertThat(r.connectMillis()).isNotNull();
        assertThat(r.lines().get(1)).startsWith("✅ PostgreSQL answers the application's URL postgresql://***@127.0.0.1:"
                + dbs.postgres().port() + "/" + dbs.targetDatabase() + " as postgres (database " + dbs.targetDatabase() + ", PostgreSQL 17");
        assertThat(r.lines().get(2)).startsWith("✅ the application answered 200 at http://127.0.0.1:");
        assertThat(String.join("\n", r.lines()) + r).doesNotContain(SECRET);

        DatabaseEndpoint login = AppConnectionCheck.postgresLogin(url).orElseThrow();
        assertThat(login.user()).isEqualTo("postgres");
        assertThat(login.redactedUrl()).isEqualTo(dbs.targetUrl());
        assertThat(AppConnectionCheck.postgresLogin("mysql://app@127.0.0.1/akig")).isEmpty();

        // from the switched config file, as Phase 6 reads it
        Path env = dir.resolve(".env");
        Files.writeString(env, "# backend\nPORT=3000\nDATABASE_URL=" + url + "\n");
        AppConnectionCheck.Result fromFile = check(null).run(new AppSwitch(env, "DATABASE_URL", dir.resolve("work")));
        assertThat(fromFile.passed()).as(fromFile.failureSummary()).isTrue();
        assertThat(fromFile.lines()).contains("➖ no health URL configured (bascule.app.health-url): health check skipped");
        assertThat(fromFile.lines().get(1)).contains("the application's URL (DATABASE_URL in " + env.toAbsolutePath().normalize() + ")");

        AppConnectionCheck.Result noKey = check(null).run(new AppSwitch(env, "DB_URL", dir.resolve("work")));
        assertThat(noKey.passed()).isFalse();
        assertThat(noKey.failures()).singleElement().asString().startsWith("cannot read DB_URL from " + env.toAbsolutePath().normalize());
    }

    @Test
    void eachBadInputIsOneLineNamingWhatAndWhere(TestDatabases dbs) throws Exception {
        AppConnectionCheck check = check(null);

        assertThat(check.run("mysql://app:" + SECRET + "@127.0.0.1:3306/akig").failures()).containsExactly(
                "the application's URL mysql://***@127.0.0.1:3306/akig points at mysql, not PostgreSQL: the application is not switched");
        assertThat(check.run("not a url " + SECRET).failures()).containsExactly(
                "the application's URL is not a database URL; expected postgresql://user:password@host:port/database");
        assertThat(check.dryRun("").failures()).containsExactly(
                "the URL the switch writes is empty; expected postgresql://user:password@host:port/database");
        assertThat(check.run(pgUrl(dbs, "postgres", "no_such_db")).failures()).containsExactly("PostgreSQL at postgresql://***@127.0.0.1:"
                + dbs.postgres().port() + "/no_such_db has no database 'no_such_db' (the application's URL)");
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        assertThat(check.run("postgresql://app:" + SECRET + "@127.0.0.1:" + closed + "/akig").failures()).containsExactly(
                "cannot reach PostgreSQL at postgresql://***@127.0.0.1:" + closed + "/akig (the application's URL): check its host and port");

        AppConnectionCheck.Result down = check("http://127.0.0.1:" + closed + "/health").run(pgUrl(dbs, "postgres", dbs.targetDatabase()));
        down.lines().forEach(System.out::println);
        assertThat(down.passed()).isFalse();
        assertThat(down.failures()).singleElement().asString().startsWith("the application did not answer 2xx at http://127.0.0.1:"
                + closed + "/health within 2.0 s");
        AppConnectionCheck.Result sick = check(health(503)).dryRun(pgUrl(dbs, "postgres", dbs.targetDatabase()));
        assertThat(sick.failures()).singleElement().asString().contains("last: HTTP 503");
    }

    @Test
    void aLoginWhoseSessionsStartReadOnlyCannotBeTheApplications(TestDatabases dbs) throws Exception {
        String role = "bascule_it_app_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE \"" + role + "\" LOGIN");
            st.execute("ALTER ROLE \"" + role + "\" IN DATABASE \"" + dbs.targetDatabase() + "\" SET default_transaction_read_only = on");
        }
        try {
            AppConnectionCheck.Result r = check(null).run(pgUrl(dbs, role, dbs.targetDatabase()));
            assertThat(r.login()).isEqualTo(role);
            assertThat(r.failures()).singleElement().asString().startsWith("sessions of login " + role + " on database "
                    + dbs.targetDatabase() + " start read-only");
        } finally {
            try (Connection c = dbs.target(); Statement st = c.createStatement()) {
                st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "'");
                st.execute("DROP ROLE \"" + role + "\"");
            }
        }
    }
}
