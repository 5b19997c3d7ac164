package io.bascule.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bascule.surveillance.MonitorView;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code monitor} against the embedded PostgreSQL: one JSON object with the contract's keys, the terminal view with its
 * checks, a refreshing view, {@code --fail-on-alert}; a login refused, an unreachable server and an unknown host are one
 * clear line on stderr with a non-zero exit; nothing is written to the work directory.
 */
@ExtendWith(EmbeddedDatabases.class)
class MonitorCommandIT {

    @TempDir
    Path tmp;

    private String[] args(TestDatabases dbs, String... more) {
        List<String> all = new java.util.ArrayList<>(List.of("monitor", "--target-url", dbs.targetUrl(), "--target-user",
                "postgres", "--work-dir", tmp.resolve("work").toString()));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void onceJsonPrintsOneObjectWithTheContractKeys(TestDatabases dbs) throws Exception {
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            st.execute("CREATE EXTENSION pg_stat_statements");
            st.execute("CREATE TABLE t (id int PRIMARY KEY, note text)");
            st.execute("CREATE INDEX t_note ON t (note)");
        }
        try (Connection idle = dbs.target()) {
            CliRun run = CliRun.of(Map.of("BASCULE_TARGET_PASSWORD", "any"), args(dbs, "--once", "--json"));
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.err()).isEmpty();
            assertThat(run.out().strip()).doesNotContain("\n");
            JsonNode json = new ObjectMapper().readTree(run.out());
            assertThat(json.isObject()).isTrue();
            for (String key : new String[]{"connectionsByState", "connectionUsagePct", "maxConnections", "avgQueryMs",
                    "deadTuplePct", "unusedIndexes", "slowQueries", "deadlocks", "at", "alerts"}) {
                assertThat(json.has(key)).as(key).isTrue();
            }
            assertThat(json.get("connectionsByState").get("idle").asInt()).isEqualTo(1);
            assertThat(json.get("maxConnections").asInt()).isEqualTo(200);
            assertThat(json.get("connectionUsagePct").isNumber()).isTrue();
            assertThat(json.get("avgQueryMs").isNumber()).isTrue();
            assertThat(json.get("deadTuplePct").asDouble()).isZero();
            assertThat(json.get("unusedIndexes").get(0).get("name").asText()).isEqualTo("t_note");
            assertThat(json.get("slowQueries").isArray()).isTrue();
            assertThat(json.get("deadlocks").asLong()).isZero();
            assertThat(json.get("statementsAvailable").asBoolean()).isTrue();
            assertThat(json.get("alerts").size()).isEqualTo(8);
        }
        assertThat(tmp.resolve("work")).as("monitor writes nothing to the work directory").doesNotExist();
    }

    @Test
    void onceShowsTheViewWithItsChecksAndFailOnAlertExitsFour(TestDatabases dbs) {
        CliRun run = CliRun.of(args(dbs, "--once"));
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("Bascule monitor · " + dbs.targetUrl()).doesNotContain(MonitorView.CLEAR)
                .contains("Connections", "Dead tuples", "Unused indexes", "Long-running", "Idle in transaction", "Checks",
                        "✅ PostgreSQL reachable", "❌ Mean query time", "not measured: pg_stat_statements is not installed");

        CliRun alert = CliRun.of(args(dbs, "--once", "--fail-on-alert"));
        assertThat(alert.exitCode()).as("pg_stat_statements missing: the query checks fail").isEqualTo(MonitorCommand.ALERT);
    }

    @Test
    void withoutOnceTheViewIsRefreshedInPlace(TestDatabases dbs) {
        CliRun run = CliRun.of(args(dbs, "--interval", "100ms", "--count", "2"));
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().split(java.util.regex.Pattern.quote(MonitorView.CLEAR), -1)).hasSize(3);
        assertThat(run.out()).contains("refreshing every 100 ms; Ctrl-C to stop");

        CliRun lines = CliRun.of(args(dbs, "--json", "--interval", "100ms", "--count", "3"));
        assertThat(lines.exitCode()).as(lines.err()).isZero();
        assertThat(lines.out().strip().split("\n")).hasSize(3).allSatisfy(l -> assertThat(l).startsWith("{\"at\":"));
    }

    @Test
    void aRefusedLoginIsOneClearLine(TestDatabases dbs) {
        // the embedded server trusts local logins: a login it does not know is refused as a wrong password is
        CliRun run = CliRun.of(Map.of("BASCULE_TARGET_PASSWORD", "wrong-Pw-31415"), "monitor", "--once", "--json",
                "--target-url", dbs.targetUrl(), "--target-user", "nobody_here", "--work-dir", tmp.resolve("w").toString());
        assertThat(run.exitCode()).isEqualTo(BasculeCli.FAILED);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip()).isEqualTo("error: the target database " + dbs.targetUrl() + " refused user 'nobody_here'"
                + " (wrong user or password); check BASCULE_TARGET_PASSWORD or the password file");
        assertThat(run.err()).doesNotContain("wrong-Pw-31415");
    }

    @Test
    void anUnreachableServerOrUnknownHostIsOneClearLineWithTheUrlRedacted() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        CliRun run = CliRun.of("monitor", "--once", "--target-url", "jdbc:postgresql://127.0.0.1:" + closed
                + "/shop?password=s3cret-in-url", "--target-user", "postgres", "--work-dir", tmp.resolve("w").toString());
        assertThat(run.exitCode()).isEqualTo(BasculeCli.FAILED);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip()).startsWith("error: cannot reach the target database jdbc:postgresql://127.0.0.1:" + closed
                + "/shop?password=***").endsWith("check host, port and that the server runs").doesNotContain("\n")
                .doesNotContain("s3cret");

        CliRun unknown = CliRun.of("monitor", "--once", "--json", "--target-url", "jdbc:postgresql://no-such-host.invalid:5432/shop",
                "--target-user", "postgres", "--work-dir", tmp.resolve("w").toString());
        assertThat(unknown.exitCode()).isEqualTo(BasculeCli.FAILED);
        assertThat(unknown.out()).isEmpty();
        assertThat(unknown.err().strip()).startsWith("error: cannot reach the target database jdbc:postgresql://no-such-host.invalid:5432/shop")
                .contains("no-such-host.invalid").doesNotContain("\n");
    }

    @Test
    void badInputIsNamed() throws Exception {
        CliRun none = CliRun.of("monitor", "--once", "--work-dir", tmp.resolve("w").toString());
        assertThat(none.exitCode()).isEqualTo(BasculeCli.FAILED);
        assertThat(none.err().strip()).isEqualTo("error: no target database given: set --target-url (or bascule.target.url in the config file)");

        CliRun interval = CliRun.of("monitor", "--interval", "soon", "--target-url", "jdbc:postgresql://127.0.0.1:1/x",
                "--work-dir", tmp.resolve("w").toString());
        assertThat(interval.exitCode()).isEqualTo(BasculeCli.FAILED);
        assertThat(interval.err().strip()).isEqualTo("error: --interval 'soon' is not a duration; give one such as 5s, 500ms or 1m");

        Path config = Files.writeString(tmp.resolve("bad.yml"), "bascule:\n  app:\n    health-url: ftp://app/health\n");
        CliRun health = CliRun.of("monitor", "--once", "--config", config.toString(), "--target-url",
                "jdbc:postgresql://127.0.0.1:1/x", "--work-dir", tmp.resolve("w").toString());
        assertThat(health.exitCode()).isEqualTo(BasculeCli.FAILED);
        assertThat(health.err().strip()).isEqualTo("error: the health URL ftp://app/health is not an http:// or https:// URL;"
                + " fix bascule.app.health-url");
    }
}
