package io.bascule.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bascule.cli.RollbackWorld.World;
import io.bascule.rollback.ReverseChannel;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.bascule.testing.QueryRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cutover driven through {@code serve}'s REST API by DBAs, as Tasklist drives it, on real servers (a MariaDB with
 * grant tables on, the application's own logins): a GO word other than {@code GO} is refused on the server (the form's
 * pattern is the browser's only) with the task left open and nothing frozen; with {@code bascule.cutover.four-eyes}
 * the DBA who started the cutover cannot give its GO, another DBA can; the message {@code abortCutover} stops a
 * cutover frozen before the switch (MySQL writable again) and one after the switch (rolled back, the .env the
 * original again).
 */
class CutoverRestIT extends WithRollbackWorld {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> PASSWORDS = Map.of("dora", "dora-secret-for-test", "dave", "dave-secret-for-test",
            "ada", "ada-secret-for-test");
    private static final String USERS = """
              web:
                users:
                  - id: ada
                    groups: [camunda-admin]
                    password-env: TEST_ADA_PASSWORD
                  - id: dora
                    groups: [dba]
                    password-env: TEST_DORA_PASSWORD
                  - id: dave
                    groups: [dba]
                    password-env: TEST_DAVE_PASSWORD
            """;
    private static final String WAR_ROOM = "{\"variables\":{\"dbaPresent\":{\"value\":true},\"devopsPresent\":{\"value\":true},"
            + "\"appOwnerPresent\":{\"value\":true},\"stakeholdersInformed\":{\"value\":true},"
            + "\"note\":{\"value\":\"all present on the bridge\"}}}";

    /** {@code serve} on the world's settings, with the DBAs dora and dave and {@code moreConfig} under {@code bascule:}. */
    private static final class Serve implements AutoCloseable {
        final CliRun run;
        final String base;

        Serve(World w, String moreConfig) throws Exception {
            Path config = w.config().resolveSibling(w.config().getFileName() + "-serve.yml");
            Files.writeString(config, Files.readString(w.config()) + USERS + (moreConfig == null ? "" : moreConfig));
            String[] args = w.args("serve", "--server.port=0");
            for (int i = 0; i < args.length - 1; i++) {
                if (args[i].equals("--config")) {
                    args[i + 1] = config.toString();
                }
            }
            Map<String, String> env = new HashMap<>(CutoverKit.env(w));
            env.put("TEST_DORA_PASSWORD", PASSWORDS.get("dora"));
            env.put("TEST_DAVE_PASSWORD", PASSWORDS.get("dave"));
            env.put("TEST_ADA_PASSWORD", PASSWORDS.get("ada"));
            run = CliRun.of(env, args);
            assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
            var ctx = (org.springframework.boot.web.context.WebServerApplicationContext) run.outcome().application();
            base = "http://localhost:" + ctx.getWebServer().getPort() + "/engine-rest";
        }

        HttpResponse<String> get(String path, String user) throws Exception {
            return Http.get(base + path, user, PASSWORDS.get(user));
        }

        HttpResponse<String> post(String path, String json, String user) throws Exception {
            return Http.postJson(base + path, json, user, PASSWORDS.get(user));
        }

        JsonNode json(String path, String user) throws Exception {
            HttpResponse<String> r = get(path, user);
            assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
            return JSON.readTree(r.body());
        }

        String startCutover(String user) throws Exception {
            HttpResponse<String> r = post("/process-definition/key/cutover/start", "{}", user);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return JSON.readTree(r.body()).get("id").asText();
        }

        /** Waits for the instance's open task named {@code name}; fails at once on an incident or an early end. */
        String awaitTask(String instance, String name) throws Exception {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline) {
                for (JsonNode t : json("/task?processInstanceId=" + instance, "dora")) {
                    if (t.get("name").asText().equals(name)) {
                        return t.get("id").asText();
                    }
                }
                assertThat(json("/incident?processInstanceId=" + instance, "dora")).as("incidents").isEmpty();
                assertThat(json("/process-instance?processInstanceId=" + instance, "dora")).as("the cutover ended: "
                        + variable(instance, "outcomeMessage")).isNotEmpty();
                Thread.sleep(200);
            }
            throw new AssertionError("no task '" + name + "' within 90 s");
        }

        HttpResponse<String> complete(String task, String json, String user) throws Exception {
            return post("/task/" + task + "/complete", json, user);
        }

        HttpResponse<String> giveGo(String task, String word, String user) throws Exception {
            return complete(task, "{\"variables\":{\"goWord\":{\"value\":\"" + word + "\"},"
                    + "\"note\":{\"value\":\"typed by " + user + "\"}}}", user);
        }

        /** A variable of the instance from the history (also after it ended), or null. */
        String variable(String instance, String name) throws Exception {
            JsonNode found = json("/history/variable-instance?processInstanceId=" + instance + "&variableName=" + name, "dora");
            return found.isEmpty() || found.get(0).get("value").isNull() ? null : found.get(0).get("value").asText();
        }

        /** Waits for the instance to end (no incident on the way) and returns its outcome. */
        String awaitOutcome(String instance, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                JsonNode h = json("/history/process-instance?processInstanceId=" + instance, "dora");
                if (h.get(0).get("state").asText().equals("COMPLETED")) {
                    return variable(instance, "outcome");
                }
                JsonNode incidents = json("/incident?processInstanceId=" + instance, "dora");
                assertThat(incidents).as("incidents").isEmpty();
                Thread.sleep(200);
            }
            throw new AssertionError("the cutover did not end within " + timeout.toSeconds() + " s; its activities: "
                    + get("/process-instance/" + instance + "/activity-instances", "dora").body());
        }

        @Override
        public void close() {
            ConfigurableApplicationContext app = run.outcome().application();
            if (app != null) {
                app.close();
            }
        }
    }

    @Test
    @Timeout(240)
    void aWrongGoWordCompletedOverRestIsRefusedOnTheServerTheTaskStaysOpenAndGoThenCutsOver(TestDatabases dbs) throws Exception {
        World w = CutoverKit.migrated(world, dbs, null);
        try (Serve serve = new Serve(w, null)) {
            String instance = serve.startCutover("dora");
            String warRoom = serve.awaitTask(instance, "Confirm the war room");
            assertThat(serve.complete(warRoom, WAR_ROOM, "dora").statusCode()).isEqualTo(204);
            String go = serve.awaitTask(instance, "Phase 2: Set MySQL read-only");

            for (String wrong : List.of("go", "GOO", " GO")) {
                HttpResponse<String> refused = serve.giveGo(go, wrong, "dora");
                assertThat(refused.statusCode()).as("the caller's mistake, not the server's: " + refused.body()).isEqualTo(400);
                assertThat(refused.body()).contains("the GO word was not given: type GO exactly").contains("nothing was changed");
                assertThat(serve.get("/task/" + go, "dora").statusCode()).as("the GO task stays open").isEqualTo(200);
                assertThat(world.mysqlReadOnly()).isFalse();
                assertThat(serve.variable(instance, "goWord")).as("the refused word is not stored").isNull();
            }
            assertThat(Files.readString(w.envFile())).isEqualTo(w.envOriginal());

            HttpResponse<String> accepted = serve.giveGo(go, "GO", "dora");
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(204);
            assertThat(serve.awaitOutcome(instance, Duration.ofSeconds(90))).isEqualTo("CUTOVER_SUCCESSFUL");
            assertThat(serve.variable(instance, "goBy")).isEqualTo("dora");
            assertThat(world.mysqlReadOnly()).isTrue();
            assertThat(CutoverKit.databaseUrl(w.envFile())).isEqualTo(w.pgAppUrl());
            assertThat(w.identical()).isTrue();
        }
    }

    @Test
    @Timeout(240)
    void withFourEyesTheDbaWhoStartedTheCutoverCannotGiveItsGoAnotherDbaCan(TestDatabases dbs) throws Exception {
        World w = CutoverKit.migrated(world, dbs, null);
        // four-eyes from the configuration: a cutover started in Tasklist or over REST follows it too
        try (Serve serve = new Serve(w, "  cutover:\n    four-eyes: true\n    go-timeout: 45m\n    freeze-timeout: 20m\n")) {
            String instance = serve.startCutover("dora");
            // the configured bounds hold for a cutover started over REST too (the model reads them from cutoverSettings)
            assertThat(serve.variable(instance, "goTimeout")).isEqualTo("PT45M");
            assertThat(serve.variable(instance, "freezeTimeout")).isEqualTo("PT20M");
            assertThat(serve.complete(serve.awaitTask(instance, "Confirm the war room"), WAR_ROOM, "dora").statusCode()).isEqualTo(204);
            String go = serve.awaitTask(instance, "Phase 2: Set MySQL read-only");

            HttpResponse<String> own = serve.giveGo(go, "GO", "dora");
            assertThat(own.statusCode()).as("four-eyes forbids it: " + own.body()).isEqualTo(403);
            assertThat(own.body()).contains("four-eyes: dora started this cutover, another DBA must give the GO");
            assertThat(serve.get("/task/" + go, "dora").statusCode()).isEqualTo(200);
            assertThat(world.mysqlReadOnly()).isFalse();
            assertThat(Files.readString(w.envFile())).isEqualTo(w.envOriginal());

            HttpResponse<String> other = serve.giveGo(go, "GO", "dave");
            assertThat(other.statusCode()).as(other.body()).isEqualTo(204);
            assertThat(serve.awaitOutcome(instance, Duration.ofSeconds(90))).isEqualTo("CUTOVER_SUCCESSFUL");
            assertThat(serve.variable(instance, "goBy")).isEqualTo("dave");
            assertThat(serve.variable(instance, "initiator")).isEqualTo("dora");
            assertThat(world.mysqlReadOnly()).isTrue();
        }
    }

    /** Who sends the abort message over REST: a DBA (the dba group may send a runbook's messages: web/AccessControl). */
    private static final String ABORTS = "dave";

    private static String abort(String instance, String reason) {
        return "{\"messageName\":\"abortCutover\",\"processInstanceId\":\"" + instance + "\","
                + "\"processVariables\":{\"abortReason\":{\"value\":\"" + reason + "\",\"type\":\"String\"}}}";
    }

    @Test
    @Timeout(240)
    void anAbortWhileMysqlIsFrozenBeforeTheSwitchMakesMysqlWritableAgain(TestDatabases dbs) throws Exception {
        World w = CutoverKit.migrated(world, dbs, null);
        try (Serve serve = new Serve(w, null)) {
            String instance = serve.startCutover("dora");
            assertThat(serve.complete(serve.awaitTask(instance, "Confirm the war room"), WAR_ROOM, "dora").statusCode()).isEqualTo(204);
            String go = serve.awaitTask(instance, "Phase 2: Set MySQL read-only");
            // a DBA's session on PostgreSQL holds the customers table: Phase 3 waits for it inside the freeze
            try (Connection holder = w.dbs().target(); Statement st = holder.createStatement()) {
                holder.setAutoCommit(false);
                st.execute("LOCK TABLE customers IN ACCESS EXCLUSIVE MODE");
                assertThat(serve.giveGo(go, "GO", "dora").statusCode()).isEqualTo(204);
                CutoverKit.await("MySQL frozen", Duration.ofSeconds(60), () -> {
                    try {
                        return world.mysqlReadOnly();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                try (Connection pg = w.dbs().target()) {
                    CutoverKit.await("Phase 3 waiting for the lock", Duration.ofSeconds(60), () -> {
                        try {
                            return !rows(pg, "SELECT 1 FROM pg_locks WHERE NOT granted AND relation = 'customers'::regclass").isEmpty();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                }
                assertThat(CutoverKit.databaseUrl(w.envFile())).startsWith("mysql://");

                HttpResponse<String> sent = serve.post("/message", abort(instance, "a lock on PostgreSQL stalls the delta"), ABORTS);
                assertThat(sent.statusCode()).as(sent.body()).isBetween(200, 204);
                assertThat(serve.awaitOutcome(instance, Duration.ofSeconds(60))).isEqualTo("ABORTED");
                assertThat(serve.variable(instance, "outcomeMessage")).contains("a lock on PostgreSQL stalls the delta")
                        .contains("MySQL is writable");
                assertThat(serve.variable(instance, "abortedBy")).isEqualTo(ABORTS);
                assertThat(world.mysqlReadOnly()).isFalse();
                holder.rollback();
            }
            assertThat(Files.readString(w.envFile())).isEqualTo(w.envOriginal());
            assertThat(ReverseChannel.isArmedOn(w.target())).isFalse();
            try (Connection app = w.mysqlApp(); Statement st = app.createStatement()) {
                assertThat(st.executeUpdate("UPDATE customers SET code = 'OK' WHERE id = 1")).isEqualTo(1);
            }
        }
    }

    @Test
    @Timeout(240)
    void anAbortAfterTheSwitchRollsBackTheApplicationsWritesToMysqlAndRestoresItsEnvFile(TestDatabases dbs) throws Exception {
        // the application comes up unhealthy on PostgreSQL: Phase 6 waits for its health URL while the DBA aborts
        try (CutoverKit.Health health = new CutoverKit.Health()) {
            World w = CutoverKit.migrated(world, dbs, Duration.ofSeconds(90), health.config());
            health.watch(w.envFile());
            try (Serve serve = new Serve(w, null)) {
                String instance = serve.startCutover("dora");
                assertThat(serve.complete(serve.awaitTask(instance, "Confirm the war room"), WAR_ROOM, "dora").statusCode()).isEqualTo(204);
                assertThat(serve.giveGo(serve.awaitTask(instance, "Phase 2: Set MySQL read-only"), "GO", "dora").statusCode()).isEqualTo(204);
                CutoverKit.await("the switch recorded", Duration.ofSeconds(60), () -> {
                    try {
                        return serve.get("/process-instance/" + instance + "/variables/applicationSwitched", "dora").statusCode() == 200;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                assertThat(CutoverKit.onPostgres(w)).isTrue();
                // the application wrote on PostgreSQL in the meantime
                try (Connection app = w.pgApp(); Statement st = app.createStatement()) {
                    st.executeUpdate("INSERT INTO customers (id, name, name_upper, active) VALUES (70, 'written on pg', 'WRITTEN ON PG', true)");
                }

                HttpResponse<String> sent = serve.post("/message", abort(instance, "checkout errors on PostgreSQL"), ABORTS);
                assertThat(sent.statusCode()).as(sent.body()).isBetween(200, 204);
                assertThat(serve.awaitOutcome(instance, Duration.ofSeconds(90))).isEqualTo("ABORTED_ROLLED_BACK");
                assertThat(serve.variable(instance, "outcomeMessage")).contains("aborted after the switch (checkout errors on PostgreSQL)");
                assertThat(serve.variable(instance, "abortedBy")).isEqualTo(ABORTS);
            }
            assertThat(Files.readString(w.envFile())).isEqualTo(w.envOriginal());
            assertThat(world.mysqlReadOnly()).isFalse();
            assertThat(ReverseChannel.isArmedOn(w.target())).isFalse();
            try (Connection my = world.boss(w.mysqlDb())) {
                assertThat(rows(my, "SELECT name FROM customers WHERE id = 70")).containsExactly(List.of("written on pg"));
            }
            try (Connection app = w.mysqlApp(); Statement st = app.createStatement()) {
                assertThat(st.executeUpdate("UPDATE customers SET code = 'OK' WHERE id = 70")).isEqualTo(1);
            }
        }
    }
}
