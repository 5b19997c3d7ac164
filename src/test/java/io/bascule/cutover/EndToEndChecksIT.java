package io.bascule.cutover;

import io.bascule.config.BasculeProperties;
import io.bascule.config.BasculeProperties.BusinessCheck;
import io.bascule.config.SettingsResolver;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.demo.SampleDatabase;
import io.bascule.migration.GoldCertificate;
import io.bascule.migration.MigrationOptions;
import io.bascule.migration.MigrationService;
import io.bascule.migration.PreflightReport;
import io.bascule.migration.Verifier;
import io.bascule.schema.ConversionPlan;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.QueryRows;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The end-to-end checks of Phase 7 on the embedded servers: the sample config's three business checks on the sample
 * database migrated for real, and each way a check fails.
 */
@ExtendWith(EmbeddedDatabases.class)
class EndToEndChecksIT {

    @TempDir
    Path workDir;

    private final List<String> roles = new ArrayList<>();
    private TestDatabases dbs;

    @AfterEach
    void dropRoles() throws SQLException {
        if (dbs == null) {
            return;
        }
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            for (String role : roles) {
                st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "'");
                st.execute("DROP OWNED BY \"" + role + "\"");
                st.execute("DROP ROLE \"" + role + "\"");
            }
        }
    }

    @Test
    void theSampleConfigsChecksPassOnTheMigratedSampleAndTheDryRunChangesNothing(TestDatabases dbs) throws Exception {
        this.dbs = dbs;
        try (Connection c = dbs.source()) {
            SampleDatabase.load(c);
        }
        GoldCertificate certificate = migrate(dbs);
        List<String> tables = EndToEndChecks.migratedTables(certificate);
        assertThat(tables).containsExactlyInAnyOrder("locataires", "historique", "audit_logs", "disbursements");
        List<BusinessCheck> checks = sampleChecks();
        try (Connection c = dbs.target()) {
            assertThat(QueryRows.rows(c, "SELECT tablename FROM pg_indexes WHERE schemaname = 'public'"
                    + " AND indexname = 'idx_audit_logs_locataire'")).as("the migrated index keeps its MySQL name")
                    .containsExactly(List.of("audit_logs"));
        }
        EndToEndChecks e2e = new EndToEndChecks(target(dbs), "public", tables, checks).withSource(source(dbs));

        // freshly migrated tables have no column statistics until ANALYZE (or autovacuum, on again after the GOLD
        // verification) runs: the planner guesses, and the index check says so
        EndToEndChecks.DryRun unanalyzed = e2e.dryRun();
        unanalyzed.lines().forEach(System.out::println);
        assertThat(unanalyzed.failed()).extracting(CheckOutcome::line).containsExactly("❌ locataire-lookup: the plan does not"
                + " use index idx_audit_logs_locataire (it uses index(es) idx_audit_logs_date); audit_logs never analyzed (no"
                + " column statistics: the planner guesses): ANALYZE audit_logs, then check again");
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            st.execute("ANALYZE");
        }

        Map<String, String> before = targetState(dbs, tables);
        assertThat(touched(dbs, tables)).allSatisfy((t, n) -> assertThat(n).isZero());
        EndToEndChecks.DryRun dry = e2e.dryRun();
        dry.lines().forEach(System.out::println);
        assertThat(dry.passed()).as(dry.failureSummary()).isTrue();
        assertThat(dry.checks()).allSatisfy(o -> assertThat(o.notes()).contains("explained, not run", "source-sql explained on MySQL"));
        assertThat(dry.checks()).allSatisfy(o -> assertThat(o.rows()).isNull());
        assertThat(dry.lines()).contains("✅ all end-to-end checks passed");
        assertThat(targetState(dbs, tables)).as("the dry run changes nothing").isEqualTo(before);
        assertThat(touched(dbs, tables)).as("the dry run neither writes nor locks a row").allSatisfy((t, n) -> assertThat(n).isZero());

        EndToEndChecks.Result result = e2e.run();
        result.lines().forEach(System.out::println);
        assertThat(result.passed()).as(result.failureSummary()).isTrue();
        assertThat(result.login()).isEqualTo("postgres");
        assertThat(result.reads()).hasSize(4).allSatisfy(o -> assertThat(o.passed()).isTrue());
        assertThat(result.lines().get(1)).startsWith("✅ read 4 of 4 migrated tables (~");
        assertThat(result.writeProbe().notes()).contains("a row of 4 table(s) updated to its own values, then rolled back");

        CheckOutcome dashboard = result.checks().get(0);
        assertThat(dashboard.name()).isEqualTo("dashboard-7-days");
        assertThat(dashboard.millis()).isLessThanOrEqualTo(100);
        assertThat(dashboard.rows()).isBetween(7L, 8L);
        assertThat(dashboard.notes()).contains("same first row as MySQL");
        assertThat(dashboard.sourceSeen()).isEqualTo(dashboard.seen());
        assertThat(dashboard.line()).matches("✅ dashboard-7-days \\d+ ms \\(same first row as MySQL\\)");

        CheckOutcome lookup = result.checks().get(1);
        assertThat(lookup.rows()).isEqualTo(50);
        assertThat(lookup.expected()).containsEntry("index", "idx_audit_logs_locataire").containsEntry("rows", "50");
        assertThat(lookup.notes()).anySatisfy(n -> assertThat(n).contains("idx_audit_logs_locataire"));
        assertThat(lookup.notes()).contains("same first row as MySQL");

        CheckOutcome report = result.checks().get(2);
        assertThat(report.seen()).containsExactly(Map.entry("nombre", "211"), Map.entry("total", "165589.05"),
                Map.entry("dernier_paiement", "2026-08-03"));
        assertThat(report.expected()).containsEntry("total", "165589.05");
        assertThat(report.sourceSeen()).containsEntry("total", "165589.05");
        assertThat(targetState(dbs, tables)).as("the write probe and the checks leave every row as it was").isEqualTo(before);
        assertThat(touched(dbs, tables)).as("the write probe wrote a row version in each table, rolled back")
                .containsOnlyKeys(tables).allSatisfy((t, n) -> assertThat(n).isEqualTo(1L));
    }

    /** Per table, its rows a transaction touched (xmax set: an update or a lock, committed or not). */
    static Map<String, Long> touched(TestDatabases dbs, List<String> tables) throws SQLException {
        Map<String, Long> touched = new LinkedHashMap<>();
        try (Connection c = dbs.target()) {
            for (String t : tables) {
                touched.put(t, Long.valueOf(QueryRows.rows(c, "SELECT count(*) FROM \"" + t + "\" WHERE xmax <> '0'").get(0).get(0)));
            }
        }
        return touched;
    }

    @Test
    void aFailingExpectationNamesWhatAndWhere(TestDatabases dbs) throws Exception {
        this.dbs = dbs;
        String ddl = "CREATE TABLE payments (id int PRIMARY KEY, amount decimal(12,2) NOT NULL, paid date NOT NULL)";
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            st.execute(ddl);
            st.execute("INSERT INTO payments VALUES (1, 10.00, '2026-01-05'), (2, 20.00, '2026-01-06'), (3, 30.00, '2026-01-07')");
        }
        try (Connection c = dbs.source(); Statement st = c.createStatement()) {
            st.execute(ddl);
            st.execute("INSERT INTO payments VALUES (1, 10.00, '2026-01-05'), (2, 20.00, '2026-01-06'), (3, 31.00, '2026-01-07')");
        }
        List<BusinessCheck> checks = List.of(
                check("totals", "SELECT count(*) AS n, sum(amount) AS total FROM payments", null,
                        expect("n", "3", "total", "999.99"), 2L),
                check("no-such-column", "SELECT count(*) AS n FROM payments", null, expect("nombre", "3"), null),
                check("mysql-only", "SELECT DATE_FORMAT(paid, '%Y') AS y FROM payments", null, Map.of(), null),
                check("compared", "SELECT sum(amount) AS total, max(paid) AS last FROM payments",
                        "SELECT SUM(amount) AS total, MAX(paid) AS last FROM payments", Map.of(), null),
                check("by-rows", "SELECT id FROM payments ORDER BY id", null, Map.of(), 3L));

        EndToEndChecks.Result result = new EndToEndChecks(target(dbs), "public", List.of("payments"), checks)
                .withSource(source(dbs)).run();
        result.lines().forEach(System.out::println);

        assertThat(result.passed()).isFalse();
        assertThat(line(result, "totals")).isEqualTo("❌ totals: expected total=999.99, got 60.00; expected 2 row(s), got 1");
        assertThat(line(result, "no-such-column")).isEqualTo(
                "❌ no-such-column: expected nombre=3, but the result has no column nombre (columns: n)");
        assertThat(line(result, "mysql-only")).startsWith("❌ mysql-only: the sql failed: running check mysql-only failed on"
                + " the target database " + dbs.targetUrl()).contains("date_format");
        assertThat(line(result, "compared")).isEqualTo("❌ compared: differs from the source at total: MySQL 61.00, PostgreSQL 60.00");
        assertThat(line(result, "by-rows")).matches("✅ by-rows \\d+ ms");
        CheckOutcome compared = result.checks().get(3);
        assertThat(compared.seen()).containsEntry("total", "60.00").containsEntry("last", "2026-01-07");
        assertThat(compared.sourceSeen()).containsEntry("total", "61.00");
        assertThat(result.failureSummary()).startsWith("end-to-end checks failed on " + dbs.targetUrl() + " schema public as postgres: ")
                .contains("totals: expected total=999.99, got 60.00").contains("no-such-column: ").contains("compared: ")
                .doesNotContain("by-rows");
        assertThat(result.lines()).last().isEqualTo("❌ 4 failed");
    }

    @Test
    void aCheckOverItsMaxDurationFailsWithTheMeasuredTime(TestDatabases dbs) {
        this.dbs = dbs;
        List<BusinessCheck> checks = List.of(
                new BusinessCheck("slow", null, "SELECT pg_sleep(0.3) AS slept", null, Duration.ofMillis(50), null, Map.of(), null),
                new BusinessCheck("runaway", null, "SELECT pg_sleep(60)", null, Duration.ofMillis(100), null, Map.of(), null),
                new BusinessCheck("quick", null, "SELECT 1 AS one", null, Duration.ofSeconds(2), null, Map.of("one", "1"), 1L));

        long start = System.nanoTime();
        EndToEndChecks.Result result = new EndToEndChecks(target(dbs), "public", List.of(), checks).run();
        result.lines().forEach(System.out::println);

        CheckOutcome slow = result.checks().get(0);
        assertThat(slow.passed()).isFalse();
        assertThat(slow.millis()).isGreaterThanOrEqualTo(300);
        assertThat(slow.line()).isEqualTo("❌ slow: took " + slow.millis() + " ms, over max-duration 50 ms");
        assertThat(result.checks().get(1).line()).isEqualTo(
                "❌ runaway: cancelled after 5000 ms (its statement timeout), over max-duration 100 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a runaway check does not hold the cutover")
                .isLessThan(Duration.ofSeconds(30));
        assertThat(result.checks().get(2).passed()).isTrue();
    }

    @Test
    void anUnreadableOrMissingTableFailsAndIsNamed(TestDatabases dbs) throws Exception {
        this.dbs = dbs;
        String reader = role("reader");
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE open_t (id int PRIMARY KEY)");
            st.execute("CREATE TABLE closed_t (id int PRIMARY KEY)");
            st.execute("INSERT INTO open_t VALUES (1)");
            st.execute("GRANT SELECT ON open_t TO \"" + reader + "\"");
        }
        DatabaseEndpoint app = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, dbs.targetUrl(), reader, null);
        EndToEndChecks e2e = new EndToEndChecks(target(dbs), "public", List.of("open_t", "closed_t", "ghost"), List.of())
                .withAppLogin(app);

        EndToEndChecks.Result result = e2e.run();
        result.lines().forEach(System.out::println);

        assertThat(result.login()).isEqualTo(reader);
        assertThat(result.passed()).isFalse();
        assertThat(result.reads().get(0).passed()).isTrue();
        assertThat(result.reads().get(1).line()).startsWith("❌ closed_t: cannot read public.closed_t: reading public.closed_t"
                + " failed on the target database " + dbs.targetUrl()).contains("permission denied for table closed_t");
        assertThat(result.reads().get(2).line()).isEqualTo("❌ ghost: no table public.ghost on the target (migrated, by the GOLD certificate)");
        assertThat(result.lines().get(1)).startsWith("⚠️ read 1 of 3 migrated tables");
        assertThat(result.writeProbe().failures()).containsExactly(
                "login " + reader + " may not INSERT, UPDATE, DELETE on open_t (schema public); GRANT INSERT, UPDATE, DELETE ON open_t TO " + reader,
                "login " + reader + " may not SELECT, INSERT, UPDATE, DELETE on closed_t (schema public); GRANT SELECT, INSERT, UPDATE, DELETE ON closed_t TO " + reader);

        EndToEndChecks.DryRun dry = e2e.dryRun();
        assertThat(dry.passed()).isFalse();
        assertThat(dry.privileges().failures()).isEqualTo(result.writeProbe().failures());
        assertThat(dry.reads()).extracting(CheckOutcome::passed).containsExactly(true, false, false);
    }

    @Test
    void theWriteProbeRunsEachTablesWritePathAndLeavesNoTrace(TestDatabases dbs) throws Exception {
        this.dbs = dbs;
        String app = role("app");
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE trail (at timestamptz NOT NULL DEFAULT clock_timestamp(), what text)");
            st.execute("CREATE FUNCTION log_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " INSERT INTO trail (what) VALUES (TG_TABLE_NAME); RETURN NEW; END $$");
            st.execute("CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                    + " total numeric(10,2) NOT NULL CHECK (total > 0), doubled numeric GENERATED ALWAYS AS (total * 2) STORED)");
            st.execute("CREATE TRIGGER orders_trail AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION log_update()");
            st.execute("INSERT INTO orders (total) VALUES (12.50), (7.25)");
            st.execute("CREATE TABLE empty_t (id int PRIMARY KEY, v text NOT NULL)");
            st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON orders, empty_t TO \"" + app + "\"");
            st.execute("GRANT INSERT ON trail TO \"" + app + "\"");
        }
        List<String> tables = List.of("orders", "empty_t");
        Map<String, String> before = targetState(dbs, tables);
        DatabaseEndpoint appLogin = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, dbs.targetUrl(), app, null);

        EndToEndChecks.Result result = new EndToEndChecks(target(dbs), "public", tables, List.of()).withAppLogin(appLogin).run();
        result.lines().forEach(System.out::println);

        assertThat(result.passed()).as(result.failureSummary()).isTrue();
        assertThat(result.writeProbe().line()).matches("✅ write probe \\(rolled back\\) \\d+ ms \\(SELECT, INSERT, UPDATE and DELETE"
                + " granted on 2 tables; a row of 1 table\\(s\\) updated to its own values, then rolled back; 1 without a row"
                + " to update \\(empty_t\\): privileges checked only\\)");
        assertThat(targetState(dbs, tables)).isEqualTo(before);
        try (Connection c = dbs.target()) {
            assertThat(QueryRows.rows(c, "SELECT count(*) FROM trail").get(0).get(0)).as("the trigger's write rolled back").isEqualTo("0");
            assertThat(QueryRows.rows(c, "SELECT count(*) FROM orders WHERE xmax <> '0'").get(0).get(0))
                    .as("the probe wrote for real (a row version, rolled back)").isEqualTo("1");
        }

        // a login whose sessions start read-only (as a rollback's fence leaves it) cannot be the application's
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            st.execute("ALTER ROLE \"" + app + "\" IN DATABASE \"" + dbs.targetDatabase() + "\" SET default_transaction_read_only = on");
        }
        EndToEndChecks.Result fenced = new EndToEndChecks(target(dbs), "public", tables, List.of()).withAppLogin(appLogin).run();
        assertThat(fenced.writeProbe().line()).startsWith("❌ write probe (rolled back): sessions of login " + app
                + " on database " + dbs.targetDatabase() + " start read-only (default_transaction_read_only is on");
        assertThat(fenced.reads()).allSatisfy(o -> assertThat(o.passed()).isTrue());
    }

    @Test
    void anIndexCheckOnATinyTableSaysHowItFoundTheIndexAndALargeTableScannedWithoutItFails(TestDatabases dbs) throws Exception {
        this.dbs = dbs;
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE tiny (id int PRIMARY KEY, code text NOT NULL)");
            st.execute("CREATE INDEX idx_tiny_code ON tiny (code)");
            st.execute("INSERT INTO tiny VALUES (1, 'a'), (2, 'b'), (3, 'c')");
            st.execute("CREATE TABLE big (id int PRIMARY KEY, payload text NOT NULL, code int NOT NULL)");
            st.execute("CREATE INDEX idx_big_code ON big (code)");
            st.execute("INSERT INTO big SELECT n, repeat('x', 80) || n, n % 100 FROM generate_series(1, 30000) n");
            st.execute("ANALYZE big");
            st.execute("ANALYZE tiny");
        }
        List<BusinessCheck> checks = List.of(
                new BusinessCheck("tiny-lookup", null, "SELECT id FROM tiny WHERE code = 'b'", null, null, "idx_tiny_code", Map.of(), 1L),
                new BusinessCheck("tiny-wrong-index", null, "SELECT id FROM tiny WHERE id > 1", null, null, "idx_tiny_code", Map.of(), null),
                new BusinessCheck("big-by-payload", null, "SELECT id FROM big WHERE payload = 'x1'", null, null, "idx_big_code", Map.of(), null),
                new BusinessCheck("big-by-code", null, "SELECT count(*) FROM big WHERE code = 7", null, null, "idx_big_code", Map.of(), null));
        EndToEndChecks e2e = new EndToEndChecks(target(dbs), "public", List.of("tiny", "big"), checks);

        EndToEndChecks.Result result = e2e.run();
        result.lines().forEach(System.out::println);

        assertThat(line(result, "tiny-lookup")).matches("✅ tiny-lookup \\d+ ms \\(index idx_tiny_code used with enable_seqscan"
                + " = off for the EXPLAIN only: the planner prefers a sequential scan of tiny, small enough for it \\(at most 128 pages\\)\\)");
        assertThat(line(result, "tiny-wrong-index")).isEqualTo("❌ tiny-wrong-index: the plan does not use index idx_tiny_code,"
                + " even with enable_seqscan = off (it uses index(es) tiny_pkey); check the index exists and fits the query");
        assertThat(line(result, "big-by-payload")).startsWith("❌ big-by-payload: the plan does not use index idx_big_code (it uses no index,"
                + " a sequential scan of big); big (").endsWith("pages, ~30000 rows) read sequentially: check the index exists and fits the query");
        assertThat(line(result, "big-by-code")).matches("✅ big-by-code \\d+ ms \\(plan uses idx_big_code\\)");

        EndToEndChecks.DryRun dry = e2e.dryRun();
        assertThat(dry.checks()).extracting(CheckOutcome::passed).containsExactly(true, false, false, true);
    }

    // ------------------------------------------------------------------ fixtures

    private static String line(EndToEndChecks.Result result, String name) {
        return result.checks().stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow().line();
    }

    private static Map<String, String> expect(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static BusinessCheck check(String name, String sql, String sourceSql, Map<String, String> expect, Long rows) {
        return new BusinessCheck(name, null, sql, sourceSql, null, null, expect, rows);
    }

    private String role(String prefix) {
        String role = "bascule_it_" + prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE \"" + role + "\" LOGIN");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        roles.add(role);
        return role;
    }

    static DatabaseEndpoint target(TestDatabases dbs) {
        return DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, dbs.targetUrl(), "postgres", null);
    }

    static DatabaseEndpoint source(TestDatabases dbs) {
        return DatabaseEndpoint.of(DatabaseEndpoint.Side.SOURCE, dbs.sourceUrl(), "root", null);
    }

    /** The sample config's business checks, bound as the CLI binds them. */
    static List<BusinessCheck> sampleChecks() {
        Path config = Path.of("config", "akig.example.yml");
        BasculeProperties props = SettingsResolver.bind(new SettingsResolver(k -> null).resolve(config, Map.of()), config);
        return props.businessChecks();
    }

    /** The sample migrated as the migrate command does it, up to its GOLD certificate. */
    static GoldCertificate migrate(TestDatabases dbs) {
        Path work;
        try {
            work = java.nio.file.Files.createTempDirectory("bascule-e2e-it-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        MigrationService service = new MigrationService(source(dbs), target(dbs), MigrationOptions.defaults("public"), work);
        PreflightReport pre = service.preflight();
        assertThat(pre.ok()).as(pre.render()).isTrue();
        ConversionPlan plan = service.plan(service.readSchema());
        service.createTables(plan);
        service.copy(plan, s -> { });
        service.buildConstraints(plan);
        Verifier.Result verification = service.verify(plan, s -> { });
        assertThat(verification.matches()).isTrue();
        service.writeCertificate(plan, "source", "target", verification, 0, Map.of(), Instant.now());
        GoldCertificate certificate = service.readCertificate();
        assertThat(EndToEndChecks.migratedTables(plan)).containsExactlyInAnyOrderElementsOf(EndToEndChecks.migratedTables(certificate));
        io.bascule.testing.StaleTestDirs.deleteTree(work);
        return certificate;
    }

    /**
     * What a change would show: per table its rows' text in order and the rows a transaction touched (xmax set), and the
     * relations, extensions and statistics resets of the database.
     */
    static Map<String, String> targetState(TestDatabases dbs, List<String> tables) throws SQLException {
        Map<String, String> state = new LinkedHashMap<>();
        try (Connection c = dbs.target()) {
            for (String t : tables) {
                state.put(t, QueryRows.rows(c, "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
                        + " FROM \"" + t + "\" t").toString());
            }
            state.put("relations", QueryRows.rows(c, "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n"
                    + " ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"
                    + " ORDER BY 1, 2").toString());
            state.put("extensions", QueryRows.rows(c, "SELECT extname FROM pg_extension ORDER BY 1").toString());
            state.put("stats reset", QueryRows.rows(c, "SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()").toString());
        }
        return state;
    }
}
