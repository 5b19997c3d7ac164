package io.bascule.surveillance;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.bascule.config.BasculeProperties;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.QueryRows;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The emergency playbooks' diagnoses and actions on the embedded PostgreSQL 17: induced conditions (idle sessions, a
 * slow query on a table without an index, a bloated table, a backend whose health URL fails) and the effect of the
 * approved actions, read back from PostgreSQL's own views.
 */
@ExtendWith(EmbeddedDatabases.class)
class EmergencyActionsIT {

    @TempDir
    Path work;

    private static BasculeProperties.Surveillance thresholds(Duration idleAge, Duration slowQuery) {
        return new BasculeProperties.Surveillance(Duration.ofSeconds(5), 80, 100, slowQuery, 5, 3, idleAge,
                Duration.ofMinutes(1), List.of(Duration.ofMinutes(15)), Duration.ofMinutes(15), 50, Duration.ofDays(30));
    }

    private static DatabaseEndpoint bascule(TestDatabases dbs) {
        return DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, dbs.targetUrl(), "postgres", null);
    }

    private EmergencyActions actions(DatabaseEndpoint endpoint) {
        return new EmergencyActions(endpoint, thresholds(Duration.ofSeconds(1), Duration.ofNanos(1_000)), work);
    }

    private static int pid(Connection c) throws SQLException {
        return Integer.parseInt(QueryRows.rows(c, "SELECT pg_backend_pid()").get(0).get(0));
    }

    private static String uniqueRole(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private List<JsonNode> recorded() throws Exception {
        Path file = work.resolve("surveillance").resolve("actions.jsonl");
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            out.add(VariableText.JSON.readTree(line));
        }
        return out;
    }

    private static String sqlState(Connection c) {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT 1");
            return "ok";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    // ------------------------------------------------------------------ connections exhausted

    @Test
    void idleSessionsAreListedAndOnlyTheApprovedOnesStillIdleAreEnded(TestDatabases dbs) throws Exception {
        EmergencyActions actions = actions(bascule(dbs));
        List<Connection> sessions = new ArrayList<>();
        List<Integer> pids = new ArrayList<>();
        try (Connection own = bascule(dbs).open()) {   // application_name bascule: never listed, never ended
            int ownPid = pid(own);
            for (int i = 0; i < 6; i++) {
                Connection c = dbs.target();
                if (i % 2 == 0) {
                    c.setAutoCommit(false);   // idle in transaction after its SELECT
                }
                pids.add(pid(c));
                sessions.add(c);
            }
            await("six sessions idle for over 1 s", () -> actions.listIdleSessions().pids().containsAll(pids));

            IdleSessions listed = actions.listIdleSessions();
            assertThat(listed.pids()).containsAll(pids).doesNotContain(ownPid);
            assertThat(listed.sessions()).filteredOn(s -> pids.contains(s.pid()))
                    .extracting(IdleSession::state).containsOnly("idle", "idle in transaction");
            assertThat(listed.sessions()).filteredOn(s -> pids.contains(s.pid()))
                    .allSatisfy(s -> assertThat(s.user()).isEqualTo("postgres"))
                    .allSatisfy(s -> assertThat(s.ageSeconds()).isGreaterThanOrEqualTo(1))
                    .allSatisfy(s -> assertThat(s.lastQuery()).isEqualTo("SELECT pg_backend_pid()"))
                    .allSatisfy(s -> assertThat(s.clientAddr()).isEqualTo("127.0.0.1"));
            assertThat(listed.maxConnections()).isEqualTo(200);
            assertThat(listed.serverSessions()).isGreaterThanOrEqualTo(8);
            assertThat(listed.lines()).anySatisfy(l -> assertThat(l).startsWith("❌ pid " + pids.get(0) + " postgres")
                    .contains("idle in transaction for"));
            Map<String, Object> vars = listed.variables();
            assertThat(vars.get(EmergencyVariables.IDLE_SESSION_COUNT)).isEqualTo(listed.sessions().size());
            assertThat((String) vars.get(EmergencyVariables.IDLE_SESSION_PIDS)).contains(String.valueOf(pids.get(5)));
            assertThat((String) vars.get(EmergencyVariables.IDLE_SESSIONS_JSON)).contains("\"state\":\"idle in transaction\"");
            assertThat(vars.get(EmergencyVariables.IDLE_MAX_CONNECTIONS)).isEqualTo(200);
            assertThat(vars.get(EmergencyVariables.IDLE_SESSION_AGE_SECONDS)).isEqualTo(1L);

            // three approved (two idle in transaction, one idle): exactly those end
            List<Integer> approved = List.of(pids.get(0), pids.get(1), pids.get(2));
            EndedSessions ended = actions.endSessions(approved, "dba-anna");
            assertThat(ended.ended()).containsExactlyInAnyOrderElementsOf(approved);
            assertThat(ended.skipped()).isEmpty();
            for (int i = 0; i < 3; i++) {
                assertThat(sqlState(sessions.get(i))).as("session %d ended", i).isEqualTo("57P01");
            }
            for (int i = 3; i < 6; i++) {
                assertThat(sqlState(sessions.get(i))).as("session %d untouched", i).isEqualTo("ok");
            }
            sessions.get(4).rollback();
            assertThat(ended.variables()).containsEntry(EmergencyVariables.ENDED_SESSION_COUNT, 3)
                    .containsEntry(EmergencyVariables.END_SESSIONS_DECIDED_BY, "dba-anna");

            // pid 4 runs a statement now, pid 5 is idle again but only just, Bascule's own and a gone pid are refused
            Connection busy = sessions.get(3);
            int busyPid = pids.get(3);
            CompletableFuture<String> sleeping = CompletableFuture.supplyAsync(() -> {
                try (Statement st = busy.createStatement()) {
                    st.execute("SELECT pg_sleep(3)");
                    return "ok";
                } catch (SQLException e) {
                    return e.getSQLState();
                }
            });
            try (Connection probe = dbs.target()) {
                await("session " + busyPid + " active", () -> {
                    try {
                        return QueryRows.rows(probe, "SELECT state FROM pg_stat_activity WHERE pid = " + busyPid)
                                .get(0).get(0).equals("active");
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
            int gone = pids.get(0);
            EndedSessions second = actions.endSessions(List.of(busyPid, gone, ownPid), "dba-anna");
            assertThat(second.ended()).isEmpty();
            assertThat(second.skipped()).extracting(SkippedSession::pid).containsExactlyInAnyOrder(busyPid, gone, ownPid);
            assertThat(second.skipped()).filteredOn(s -> s.pid() == busyPid).singleElement()
                    .extracting(SkippedSession::reason).asString().startsWith("became active");
            assertThat(second.skipped()).filteredOn(s -> s.pid() == gone).singleElement()
                    .extracting(SkippedSession::reason).asString().startsWith("gone");
            assertThat(second.skipped()).filteredOn(s -> s.pid() == ownPid).singleElement()
                    .extracting(SkippedSession::reason).asString().contains("Bascule's own sessions");
            assertThat(sleeping.get()).as("the active session ran to its end").isEqualTo("ok");
            assertThat(sqlState(own)).isEqualTo("ok");
            assertThat(second.variables().get(EmergencyVariables.SKIPPED_SESSIONS_JSON).toString()).contains("became active");

            List<JsonNode> log = recorded();
            assertThat(log).hasSize(2);
            assertThat(log.get(0).path("action").asText()).isEqualTo("endSessions");
            assertThat(log.get(0).path("decidedBy").asText()).isEqualTo("dba-anna");
            assertThat(log.get(0).path("result").path("ended").toString()).contains(String.valueOf(pids.get(0)));
            assertThat(log.get(1).path("result").path("skipped").toString()).contains("became active");
            assertThat(log.get(0).path("database").asText()).isEqualTo(dbs.targetUrl());
        } finally {
            for (Connection c : sessions) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // ended by the test
                }
            }
        }
    }

    @Test
    void aLoginWithoutPgSignalBackendIsToldWhichGrantItNeeds(TestDatabases dbs) throws Exception {
        String weak = uniqueRole("watcher");
        String app = uniqueRole("app");
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE \"" + weak + "\" LOGIN");
            st.execute("GRANT pg_read_all_stats TO \"" + weak + "\"");
            st.execute("CREATE ROLE \"" + app + "\" LOGIN");
        }
        DatabaseEndpoint weakLogin = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, dbs.targetUrl(), weak, null);
        EmergencyActions actions = actions(weakLogin);
        try (Connection appSession = DriverManager.getConnection(dbs.targetUrl(), app, "unused");
             Connection superSession = dbs.target()) {
            int appPid = pid(appSession);
            int superPid = pid(superSession);
            await("both sessions listed", () -> actions.listIdleSessions().pids().containsAll(List.of(appPid, superPid)));
            IdleSessions listed = actions.listIdleSessions();
            assertThat(listed.lines()).anySatisfy(l -> assertThat(l).contains("pid " + superPid)
                    .contains("only a superuser may end it"));

            EndedSessions refused = actions.endSessions(List.of(appPid, superPid), "dba-anna");
            assertThat(refused.ended()).isEmpty();
            assertThat(refused.skipped()).filteredOn(s -> s.pid() == appPid).singleElement().extracting(SkippedSession::reason)
                    .asString().contains("GRANT pg_signal_backend TO \"" + weak + "\"");
            assertThat(refused.skipped()).filteredOn(s -> s.pid() == superPid).singleElement().extracting(SkippedSession::reason)
                    .asString().contains("superuser");
            assertThat(refused.lines()).anySatisfy(l -> assertThat(l).startsWith("❌ login " + weak)
                    .contains("GRANT pg_signal_backend TO \"" + weak + "\""));
            assertThat(sqlState(appSession)).isEqualTo("ok");

            // given the grant the message asks for, the same login ends the application's session (not the superuser's)
            try (Connection c = dbs.target(); Statement st = c.createStatement()) {
                st.execute("GRANT pg_signal_backend TO \"" + weak + "\"");
            }
            await("the application's session idle again", () -> actions.listIdleSessions().pids().contains(appPid));
            EndedSessions granted = actions.endSessions(List.of(appPid, superPid), "dba-anna");
            assertThat(granted.ended()).containsExactly(appPid);
            assertThat(granted.skipped()).extracting(SkippedSession::pid).containsExactly(superPid);
            assertThat(sqlState(appSession)).isEqualTo("57P01");
            assertThat(sqlState(superSession)).isEqualTo("ok");
        }
    }

    // ------------------------------------------------------------------ slow queries

    @Test
    void aSlowQueryGetsAnIndexProposalAndTheApprovedIndexIsUsed(TestDatabases dbs) throws Exception {
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            st.execute("CREATE EXTENSION pg_stat_statements");
            st.execute("CREATE TABLE orders (id int PRIMARY KEY, customer_id int, note text) WITH (autovacuum_enabled = false)");
            st.execute("INSERT INTO orders SELECT g, g % 500, 'n' || g FROM generate_series(1, 20000) g");
            st.execute("ANALYZE orders");
            st.execute("UPDATE orders SET note = note || '!'");   // every row changed since the analyse: stale statistics
            st.execute("SELECT pg_stat_force_next_flush()");
            try (PreparedStatement ps = c.prepareStatement("SELECT id, note FROM orders WHERE customer_id = ?")) {
                for (int i = 0; i < 5; i++) {
                    ps.setInt(1, i);
                    try (ResultSet rs = ps.executeQuery()) {
                        int n = 0;
                        while (rs.next()) {
                            n++;
                        }
                        assertThat(n).isEqualTo(40);
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE orders SET note = ? WHERE customer_id = ?")) {
                ps.setString(1, "x");
                ps.setInt(2, 7);
                ps.executeUpdate();
            }
        }
        EmergencyActions actions = new EmergencyActions(bascule(dbs), "public",
                thresholds(Duration.ofMinutes(5), Duration.ofNanos(1_000)), work, null);

        SlowQueryDiagnosis d = actions.diagnoseSlowQueries(100);
        assertThat(d.statementsAvailable()).isTrue();
        SlowStatement select = d.statements().stream()
                .filter(s -> s.text().equals("SELECT id, note FROM orders WHERE customer_id = $1")).findFirst().orElseThrow();
        assertThat(select.calls()).isEqualTo(5);
        assertThat(select.explain()).isEqualTo(SlowStatement.Explain.EXPLAINED);
        assertThat(select.plan()).anySatisfy(l -> assertThat(l).startsWith("Seq Scan on public.orders")
                .contains("Filter: (orders.customer_id = $1)"));
        SlowStatement update = d.statements().stream().filter(s -> s.text().startsWith("UPDATE orders SET note = $1"))
                .findFirst().orElseThrow();
        assertThat(update.explain()).isEqualTo(SlowStatement.Explain.SKIPPED);
        assertThat(update.note()).isEqualTo("not explained: an UPDATE statement: only SELECT statements are explained");
        assertThat(update.plan()).isEmpty();

        assertThat(d.indexProposals()).singleElement().satisfies(p -> {
            assertThat(p.schema()).isEqualTo("public");
            assertThat(p.table()).isEqualTo("orders");
            assertThat(p.columns()).containsExactly("customer_id");
            assertThat(p.name()).isEqualTo("orders_customer_id_idx");
            assertThat(p.queryId()).isEqualTo(select.queryId());
            assertThat(p.sql()).isEqualTo("CREATE INDEX CONCURRENTLY \"orders_customer_id_idx\" ON \"public\".\"orders\" (\"customer_id\")");
        });
        assertThat(d.vacuumProposals()).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo("public.orders");
            // at least the 20000 updated rows (the inserts the same session made before its ANALYZE may be counted too)
            assertThat(v.reasons()).anySatisfy(r -> assertThat(r).matches("[0-9]+ rows changed since the last analyse, over 10 % of ~20000 rows"));
            assertThat(v.modifiedSinceAnalyze()).isGreaterThanOrEqualTo(20000);
            assertThat(v.sql()).isEqualTo("VACUUM (ANALYZE) \"public\".\"orders\"");
        });
        assertThat(d.lines()).anySatisfy(l -> assertThat(l).startsWith("➖ statistics of public.orders: analysed"));
        Map<String, Object> vars = d.variables();
        assertThat(vars).containsEntry(EmergencyVariables.INDEX_PROPOSAL_COUNT, 1)
                .containsEntry(EmergencyVariables.VACUUM_PROPOSAL_COUNT, 1)
                .containsEntry(EmergencyVariables.SLOW_QUERY_STATS_AVAILABLE, true);

        // the form hands back the proposal's id; the delegate finds it in the diagnosis's variable
        IndexProposal chosen = IndexProposal.find((String) vars.get(EmergencyVariables.INDEX_PROPOSALS_JSON),
                "public.orders_customer_id_idx");
        ActionResult built = actions.createIndexConcurrently(chosen, "dba-anna");
        assertThat(built.succeeded()).as(String.join("\n", built.lines())).isTrue();
        assertThat(built.details()).containsEntry("planUsesIndex", true);
        assertThat((Long) built.details().get("indexBytes")).isPositive();
        assertThat(built.lines()).anySatisfy(l -> assertThat(l).startsWith("✅ the plan of statement " + select.queryId()
                + " now uses orders_customer_id_idx"));
        try (Connection c = dbs.target()) {
            assertThat(QueryRows.rows(c, "SELECT i.indisvalid::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
                    + " WHERE i.indexrelid = 'public.orders_customer_id_idx'::regclass"))
                    .containsExactly(List.of("true", "CREATE INDEX orders_customer_id_idx ON public.orders USING btree (customer_id)"));
            String plan = String.join("\n", QueryRows.rows(c, "EXPLAIN SELECT id, note FROM orders WHERE customer_id = 3")
                    .stream().map(r -> r.get(0)).toList());
            assertThat(plan).containsAnyOf("Index Scan using orders_customer_id_idx", "Bitmap Index Scan on orders_customer_id_idx");
        }
        assertThat(built.variables()).containsEntry(EmergencyVariables.ACTION_NAME, "createIndex")
                .containsEntry(EmergencyVariables.ACTION_SUCCEEDED, true)
                .containsEntry(EmergencyVariables.ACTION_PLAN_USES_INDEX, true)
                .containsEntry(EmergencyVariables.ACTION_TARGET, "public.orders_customer_id_idx");

        // the same proposal again: its name is taken now, nothing is done
        assertThatThrownBy(() -> actions.createIndexConcurrently(chosen, "dba-anna")).isInstanceOf(EmergencyActionRefused.class)
                .hasMessageContaining("the name orders_customer_id_idx is taken in schema public");
        // a proposal that is not one the diagnosis made: refused, nothing done
        IndexProposal forged = new IndexProposal("public.x", "public", "orders", List.of("note"), "x\"; DROP TABLE orders; --",
                null, 0, "forged");
        assertThatThrownBy(() -> actions.createIndexConcurrently(forged, "dba-anna")).isInstanceOf(EmergencyActionRefused.class)
                .hasMessageContaining("is not a proposal of Bascule's slow query diagnosis");
        IndexProposal noColumn = IndexProposal.of("public", "orders", List.of("nosuch"), 0, null, 0, "forged");
        assertThatThrownBy(() -> actions.createIndexConcurrently(noColumn, "dba-anna")).isInstanceOf(EmergencyActionRefused.class)
                .hasMessageContaining("table public.orders has no column nosuch");
        try (Connection c = dbs.target()) {
            assertThat(QueryRows.rows(c, "SELECT count(*) FROM pg_indexes WHERE tablename = 'orders'")).containsExactly(List.of("2"));
        }
        List<JsonNode> log = recorded();
        assertThat(log).extracting(n -> n.path("outcome").asText()).containsExactly("done", "refused", "refused", "refused");
        assertThat(log.get(0).path("request").path("name").asText()).isEqualTo("orders_customer_id_idx");
        assertThat(log.get(0).path("result").path("planUsesIndex").asBoolean()).isTrue();
    }

    @Test
    void aFailedBuildLeavesNoInvalidIndexBehind(TestDatabases dbs) throws Exception {
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE wide (id int PRIMARY KEY, val text)");
            st.execute("INSERT INTO wide SELECT g, 'v' || g FROM generate_series(1, 2000) g");
            // a value too large for a btree entry (incompressible): the build fails after it started
            st.execute("INSERT INTO wide SELECT 0, string_agg(md5(random()::text), '') FROM generate_series(1, 300)");
        }
        EmergencyActions actions = actions(bascule(dbs));
        IndexProposal p = IndexProposal.of("public", "wide", List.of("val"), 0, null, 2001, "test");
        ActionResult failed = actions.createIndexConcurrently(p, "dba-anna");
        assertThat(failed.succeeded()).isFalse();
        assertThat(failed.lines()).anySatisfy(l -> assertThat(l).startsWith("❌ CREATE INDEX CONCURRENTLY wide_val_idx on public.wide failed")
                .contains("index row"));
        assertThat(failed.lines()).anySatisfy(l -> assertThat(l).startsWith("✅ the invalid index wide_val_idx the failed build left is dropped"));
        try (Connection c = dbs.target()) {
            assertThat(QueryRows.rows(c, "SELECT to_regclass('public.wide_val_idx')")).containsExactly(java.util.Collections.singletonList(null));
        }
        assertThat(failed.variables()).containsEntry(EmergencyVariables.ACTION_SUCCEEDED, false)
                .doesNotContainKey(EmergencyVariables.ACTION_INDEX_BYTES);
        assertThat(recorded()).singleElement().satisfies(n -> assertThat(n.path("outcome").asText()).isEqualTo("failed"));
    }

    @Test
    void vacuumOfABloatedTableRemovesItsDeadRows(TestDatabases dbs) throws Exception {
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE bloated (id int PRIMARY KEY, note text) WITH (autovacuum_enabled = false)");
            st.execute("INSERT INTO bloated SELECT g, 'n' || g FROM generate_series(1, 10000) g");
            st.execute("DELETE FROM bloated WHERE id > 1000");
            st.execute("SELECT pg_stat_force_next_flush()");
        }
        EmergencyActions actions = actions(bascule(dbs));
        ActionResult r = actions.vacuumAnalyze("public", "bloated", "dba-anna");
        assertThat(r.succeeded()).as(String.join("\n", r.lines())).isTrue();
        assertThat(r.details()).containsEntry("deadTuplesBefore", 9000L).containsEntry("deadTuplesAfter", 0L);
        assertThat(r.lines()).anySatisfy(l -> assertThat(l).startsWith("✅ VACUUM (ANALYZE) \"public\".\"bloated\" done in")
                .contains("dead rows 9000 → 0"));
        try (Connection c = dbs.target()) {
            assertThat(QueryRows.rows(c, "SELECT n_dead_tup, n_live_tup, last_vacuum IS NOT NULL, last_analyze IS NOT NULL"
                    + " FROM pg_stat_user_tables WHERE relname = 'bloated'")).containsExactly(List.of("0", "1000", "t", "t"));
        }
        assertThat(r.variables()).containsEntry(EmergencyVariables.ACTION_DEAD_TUPLES_BEFORE, 9000L)
                .containsEntry(EmergencyVariables.ACTION_DEAD_TUPLES_AFTER, 0L)
                .containsEntry(EmergencyVariables.ACTION_DECIDED_BY, "dba-anna");

        // an unknown table: a clear refusal naming it, nothing done, recorded as refused
        assertThatThrownBy(() -> actions.vacuumAnalyze("public", "nosuch", "dba-anna")).isInstanceOf(EmergencyActionRefused.class)
                .hasMessageContaining("there is no table public.nosuch in database " + dbs.targetDatabase())
                .hasMessageContaining("nothing was done");
        assertThatThrownBy(() -> actions.vacuumAnalyze("public", "bloated", " ")).isInstanceOf(EmergencyActionRefused.class)
                .hasMessageContaining("decidedBy");
        assertThat(recorded()).extracting(n -> n.path("outcome").asText()).containsExactly("done", "refused", "refused");
        assertThat(recorded().get(1).path("target").asText()).isEqualTo("public.nosuch");
    }

    @Test
    void withoutPgStatStatementsTheDiagnosisSaysHowToEnableIt(TestDatabases dbs) {
        SlowQueryDiagnosis d = actions(bascule(dbs)).diagnoseSlowQueries(10);
        assertThat(d.statementsAvailable()).isFalse();
        assertThat(d.statements()).isEmpty();
        assertThat(d.lines()).anySatisfy(l -> assertThat(l).startsWith("➖ pg_stat_statements is not installed in database "
                + dbs.targetDatabase()).contains("CREATE EXTENSION pg_stat_statements"));
        assertThat(d.variables()).containsEntry(EmergencyVariables.SLOW_QUERY_STATS_AVAILABLE, false)
                .containsEntry(EmergencyVariables.SLOW_QUERY_COUNT, 0);
        assertThatThrownBy(() -> actions(bascule(dbs)).diagnoseSlowQueries(0)).isInstanceOf(EmergencyActionRefused.class);
    }

    // ------------------------------------------------------------------ backend down

    @Test
    void backendDiagnosisReadsTheKeyConnectsWithItsLoginAndProbesTheHealthUrl(TestDatabases dbs) throws Exception {
        String app = uniqueRole("shop");
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE \"" + app + "\" LOGIN PASSWORD 's3cret-pw'");
        }
        AtomicInteger calls = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/health", exchange -> {
            int status = calls.incrementAndGet() == 1 ? 500 : 200;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        try {
            String health = "http://127.0.0.1:" + server.getAddress().getPort() + "/health";
            int port = dbs.postgres().port();
            Path env = work.resolve(".env");
            Files.writeString(env, "# shop\nAPP_NAME=shop\nDATABASE_URL=postgresql://" + app + ":s3cret-pw@localhost:" + port
                    + "/" + dbs.targetDatabase() + "\n");
            EmergencyActions actions = actions(bascule(dbs));

            BackendDiagnosis d = actions.diagnoseBackend(env, "DATABASE_URL", health, 3);
            assertThat(d.keyPresent()).isTrue();
            assertThat(d.engine()).isEqualTo("postgresql");
            assertThat(d.url()).isEqualTo("postgresql://***@localhost:" + port + "/" + dbs.targetDatabase());
            assertThat(d.pointsToTarget()).isTrue();
            assertThat(d.postgresAnswers()).isTrue();
            assertThat(d.login()).isEqualTo(app);
            assertThat(d.probes()).extracting(HealthProbe::httpStatus).containsExactly(500, 200, 200);
            assertThat(d.healthyProbes()).isEqualTo(2);
            assertThat(d.rollbackSuggested()).isFalse();
            assertThat(d.lines()).anySatisfy(l -> assertThat(l).startsWith("❌ health 1/3 " + health + ": HTTP 500 in"));
            assertThat(d.lines()).anySatisfy(l -> assertThat(l).startsWith("✅ health 2/3 " + health + ": HTTP 200 in"));
            assertThat(d.lines()).anySatisfy(l -> assertThat(l).startsWith("✅ the application answers its health URL again"));
            Map<String, Object> vars = d.variables();
            assertThat(vars).containsEntry(EmergencyVariables.BACKEND_HEALTHY_PROBES, 2)
                    .containsEntry(EmergencyVariables.BACKEND_POSTGRES_ANSWERS, true)
                    .containsEntry(EmergencyVariables.BACKEND_ENGINE, "postgresql")
                    .containsKey(EmergencyVariables.BACKEND_CONNECT_MILLIS);
            assertThat(vars.toString() + d.lines()).doesNotContain("s3cret-pw");

            // the key missing: said so, nothing else guessed
            Path noKey = work.resolve("nokey.env");
            Files.writeString(noKey, "APP_NAME=shop\n");
            BackendDiagnosis missing = actions.diagnoseBackend(noKey, "DATABASE_URL", null, 3);
            assertThat(missing.keyPresent()).isFalse();
            assertThat(missing.probes()).isEmpty();
            assertThat(missing.lines()).anySatisfy(l -> assertThat(l).startsWith("❌ the key DATABASE_URL is not in"));
            assertThat(missing.lines()).contains("➖ no health URL configured (bascule.app.health-url): not probed");
            assertThat(missing.variables()).containsEntry(EmergencyVariables.BACKEND_ENV_KEY_PRESENT, false)
                    .doesNotContainKey(EmergencyVariables.BACKEND_URL);

            // PostgreSQL unreachable with the application's URL: the rollback is suggested
            Path down = work.resolve("down.env");
            Files.writeString(down, "DATABASE_URL=postgresql://" + app + ":s3cret-pw@127.0.0.1:1/" + dbs.targetDatabase() + "\n");
            BackendDiagnosis unreachable = actions.diagnoseBackend(down, "DATABASE_URL", health, 1);
            assertThat(unreachable.postgresAnswers()).isFalse();
            assertThat(unreachable.pointsToTarget()).isFalse();
            assertThat(unreachable.rollbackSuggested()).isTrue();
            assertThat(unreachable.lines()).anySatisfy(l -> assertThat(l).startsWith("❌ cannot reach PostgreSQL at"));
            assertThat(unreachable.lines().toString()).doesNotContain("s3cret-pw");

            // MySQL in the file: the application is not on PostgreSQL
            Path mysql = work.resolve("mysql.env");
            Files.writeString(mysql, "DATABASE_URL=mysql://shop:pw@db.example:3306/shop\n");
            BackendDiagnosis onMysql = actions.diagnoseBackend(mysql, "DATABASE_URL", null, 1);
            assertThat(onMysql.engine()).isEqualTo("mysql");
            assertThat(onMysql.postgresAnswers()).isFalse();
            assertThat(onMysql.rollbackSuggested()).isFalse();
            assertThat(onMysql.lines()).anySatisfy(l -> assertThat(l).contains("points to MySQL: mysql://***@db.example:3306/shop"));
        } finally {
            server.stop(0);
        }
    }

    // ------------------------------------------------------------------ users report errors

    @Test
    void userErrorsOverTheBoundAdviseARollbackFirstUnderItAnAnalysis(TestDatabases dbs) throws Exception {
        EmergencyActions actions = new EmergencyActions(bascule(dbs), null, thresholds(Duration.ofMinutes(5), Duration.ofSeconds(1)),
                work, null, Duration.ofMillis(200));
        assertThatThrownBy(() -> actions.adviseOnUserErrors("checkout", 120)).isInstanceOf(EmergencyActionRefused.class)
                .hasMessageContaining("the estimated impact is 120.0 %").hasMessageContaining("from 0 to 100");
        assertThatThrownBy(() -> actions.adviseOnUserErrors("checkout", Double.NaN)).isInstanceOf(EmergencyActionRefused.class);
        assertThatThrownBy(() -> actions.adviseOnUserErrors(" ", 10)).isInstanceOf(EmergencyActionRefused.class)
                .hasMessageContaining("no scope given");

        ErrorReportAdvice first = actions.adviseOnUserErrors("checkout fails for everyone", 60);
        assertThat(first.advice()).isEqualTo(ErrorReportAdvice.Advice.ROLLBACK_FIRST);
        assertThat(first.lines()).anySatisfy(l -> assertThat(l).startsWith("❌ the impact 60 % is over 50 %"));
        assertThat(first.variables()).containsEntry(EmergencyVariables.USER_ERRORS_ADVICE, "ROLLBACK_FIRST")
                .containsEntry(EmergencyVariables.USER_ERRORS_ROLLBACK_FIRST, true)
                .doesNotContainKey(EmergencyVariables.USER_ERRORS_ROLLBACKS);

        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            for (int i = 0; i < 7; i++) {
                st.execute("SELECT 1");
                c.rollback();
            }
            c.setAutoCommit(true);
            st.execute("SELECT pg_stat_force_next_flush()");
        }
        ErrorReportAdvice analyse = actions.adviseOnUserErrors("search is slow for some", 50);
        assertThat(analyse.advice()).isEqualTo(ErrorReportAdvice.Advice.ANALYSE);
        assertThat(analyse.counters().get("rollbacks")).isGreaterThanOrEqualTo(7);
        assertThat(analyse.counters()).containsKeys("commits", "deadlocks", "conflicts", "sessionsFatal", "sessionsKilled");
        assertThat(analyse.rollbacksInWindow()).isNotNull();
        assertThat(analyse.lines()).anySatisfy(l -> assertThat(l).startsWith("➖ since").contains("rolled back")
                .contains("PostgreSQL counts no errors per application"));
        assertThat(analyse.lines()).anySatisfy(l -> assertThat(l).startsWith("✅ 0 deadlock(s)"));
        assertThat(analyse.lines()).anySatisfy(l -> assertThat(l).startsWith("➖ pg_stat_statements is not installed"));
        assertThat(analyse.variables()).containsEntry(EmergencyVariables.USER_ERRORS_ADVICE, "ANALYSE")
                .containsEntry(EmergencyVariables.USER_ERRORS_ROLLBACK_FIRST, false)
                .containsEntry(EmergencyVariables.USER_ERRORS_IMPACT_PCT, 50.0)
                .containsKey(EmergencyVariables.USER_ERRORS_ROLLBACKS);
    }
}
