package io.bascule.platinum;

import io.bascule.database.PostgresDialect;
import io.bascule.migration.GoldCertificate;
import io.bascule.rollback.ReverseChannel;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.bascule.platinum.PlatinumFixture.await;
import static io.bascule.platinum.PlatinumFixture.pg;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The six PLATINUM criteria on the embedded servers: a healthy migrated database passes them, and each induced
 * condition (a bloated table, a deadlock, an unused index, a changed certified row, a corrupted index, a slow
 * statement, a restart, no source) fails the criterion it concerns, named.
 */
@ExtendWith(EmbeddedDatabases.class)
class PlatinumCriteriaIT {

    private static final Duration SHORT_UPTIME = Duration.ofMillis(1);

    @TempDir
    Path work;

    /** A cutover that started now: after the embedded server's start, so no restart since. */
    private static CutoverHistory cutoverNow() {
        return new CutoverHistory("cutover-1", Instant.now(), Instant.now(), "CUTOVER_SUCCESSFUL");
    }

    private static RunHistory cleanRuns() {
        return RunHistory.clean(List.of("cutover cutover-1 (completed)"));
    }

    @Test
    void aHealthyMigratedDatabasePassesEveryCriterion(TestDatabases dbs) throws Exception {
        PlatinumFixture.World w = PlatinumFixture.migrate(dbs, work);
        PlatinumFixture.baseline(dbs);
        CutoverHistory cutover = cutoverNow();
        PlatinumFixture.useEveryIndex(dbs);
        PlatinumCriteria criteria = PlatinumFixture.criteria(w, true, SHORT_UPTIME);
        await("every index counted as scanned", () -> criteria.indexesUsed(List.of("customers", "orders")).passed());

        PlatinumAssessment a = criteria.assess(cutover, cleanRuns());

        assertThat(a.criteria()).extracting(Criterion::name).containsExactlyElementsOf(Criterion.NAMES);
        a.criteria().forEach(c -> assertThat(c.passed()).as(c.name() + ": " + c.value() + " " + c.details()).isTrue());
        assertThat(a.verdict()).isEqualTo(PlatinumAssessment.Verdict.GRANTED);
        assertThat(a.score()).isEqualTo(100);
        assertThat(a.nextReportAt()).isNull();
        Criterion integrity = a.criterion(Criterion.INTEGRITY);
        assertThat(integrity.value()).contains("amcheck: 5 index(es) and 2 table(s) sound")
                .contains("450 rows compared, 0 differ");
        assertThat(integrity.details()).anyMatch(d -> d.startsWith("customers: 50 rows identical"))
                .anyMatch(d -> d.startsWith("orders: 400 rows identical"))
                .anyMatch(d -> d.contains("no record of the reverse channel"));
        assertThat(a.criterion(Criterion.UPTIME).details()).anyMatch(d -> d.startsWith("no restart since the cutover"));
        assertThat(a.criterion(Criterion.INCIDENTS).value()).isEqualTo("0 deadlock(s), 0 conflict(s), 0 runbook incident(s)");
        assertThat(a.criterion(Criterion.INDEXES_USED).value()).startsWith("5 of 5 index(es) scanned");
        assertThat(a.notes()).anyMatch(n -> n.contains("the 2 table(s) of the GOLD certificate"));
    }

    @Test
    void aBloatedTableFailsDeadTuplesNamingIt(TestDatabases dbs) throws Exception {
        PlatinumFixture.World w = PlatinumFixture.migrate(dbs, work);
        PlatinumFixture.baseline(dbs);
        pg(dbs, "ALTER TABLE orders SET (autovacuum_enabled = false)", "DELETE FROM orders WHERE id > 40");
        PlatinumCriteria criteria = PlatinumFixture.criteria(w, true, SHORT_UPTIME);
        await("the dead tuples counted", () -> !criteria.deadTuples(List.of("customers", "orders")).passed());

        Criterion dead = criteria.deadTuples(List.of("customers", "orders"));

        assertThat(dead.passed()).isFalse();
        assertThat(dead.value()).startsWith("worst ").contains("(orders)").contains("1 table(s) at or over the threshold");
        assertThat(dead.details().get(0)).startsWith("orders: ").contains("360 dead").contains("autovacuum is OFF for this table");
        assertThat(dead.details()).anyMatch(d -> d.startsWith("customers: 0.0 % dead"));
        assertThat(dead.advice()).containsExactly("VACUUM (ANALYZE) \"public\".\"orders\"; and turn its autovacuum back on:"
                + " ALTER TABLE \"public\".\"orders\" RESET (autovacuum_enabled);");
        assertThat(dead.threshold()).isEqualTo("under 5.0 % on every table");

        pg(dbs, "VACUUM (ANALYZE) orders");
        await("the vacuum counted", () -> criteria.deadTuples(List.of("customers", "orders")).passed());
    }

    @Test
    void aForcedDeadlockFailsIncidents(TestDatabases dbs) throws Exception {
        PlatinumFixture.World w = PlatinumFixture.migrate(dbs, work);
        PlatinumFixture.baseline(dbs);
        PlatinumCriteria criteria = PlatinumFixture.criteria(w, true, SHORT_UPTIME);
        assertThat(criteria.incidents(cutoverNow(), cleanRuns()).passed()).isTrue();

        deadlock(dbs);
        await("the deadlock counted", () -> !criteria.incidents(cutoverNow(), cleanRuns()).passed());

        Criterion incidents = criteria.incidents(cutoverNow(), cleanRuns());
        assertThat(incidents.passed()).isFalse();
        assertThat(incidents.value()).isEqualTo("1 deadlock(s), 0 conflict(s), 0 runbook incident(s)");
        assertThat(incidents.advice()).anyMatch(a -> a.contains("deadlock detected") && a.contains("one order"));
        assertThat(incidents.details().get(0)).contains("(the cutover's baseline resets the statistics)");

        // the runbook runs' incidents count too, and without history nothing can pass
        Criterion withIncident = criteria.incidents(cutoverNow(), new RunHistory(List.of("cutover c (completed)"), 1, 1,
                List.of("cutover c, step Task_X: failedJob \"boom\" at 2026-01-01, OPEN")));
        assertThat(withIncident.value()).endsWith("1 runbook incident(s)");
        assertThat(withIncident.details()).contains("cutover c, step Task_X: failedJob \"boom\" at 2026-01-01, OPEN");
        Criterion noHistory = criteria.incidents(null, null);
        assertThat(noHistory.passed()).isFalse();
        assertThat(noHistory.details()).contains("no cutover history: the incidents of the cutover and surveillance runs cannot be read");
    }

    /** Two sessions update two rows in opposite orders: PostgreSQL ends one of them with a deadlock. */
    private static void deadlock(TestDatabases dbs) throws Exception {
        try (Connection a = dbs.target(); Connection b = dbs.target(); Statement sa = a.createStatement();
             Statement sb = b.createStatement()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            sa.execute("SET deadlock_timeout = '100ms'");
            sb.execute("SET deadlock_timeout = '100ms'");
            sa.executeUpdate("UPDATE customers SET name = 'a' WHERE id = 1");
            sb.executeUpdate("UPDATE customers SET name = 'b' WHERE id = 2");
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
                started.countDown();
                return outcome(sa, "UPDATE customers SET name = 'a' WHERE id = 2");
            });
            started.await();
            await("the first session waits for the second's row lock", () -> waiting(dbs));
            String second = outcome(sb, "UPDATE customers SET name = 'b' WHERE id = 1");
            String firstOutcome = first.get(30, TimeUnit.SECONDS);
            assertThat(List.of(firstOutcome, second)).contains("40P01");
            a.rollback();
            b.rollback();
        }
    }

    private static String outcome(Statement st, String sql) {
        try {
            st.executeUpdate(sql);
            return "ok";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    private static boolean waiting(TestDatabases dbs) {
        try {
            return !PlatinumFixture.pgRows(dbs, "SELECT 1 FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND wait_event_type = 'Lock'").isEmpty();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anUnusedIndexIsListedWithItsSizeAndConstraintIndexesAreExempt(TestDatabases dbs) throws Exception {
        PlatinumFixture.World w = PlatinumFixture.migrate(dbs, work);
        PlatinumFixture.baseline(dbs);
        pg(dbs, "SET enable_seqscan = off", "SET enable_bitmapscan = off", "SELECT * FROM orders WHERE id = 3",
                "SELECT * FROM orders WHERE customer_id = 4");
        long noteBytes = Long.parseLong(PlatinumFixture.pgRows(dbs,
                "SELECT pg_relation_size('public.idx_orders_note')").get(0).get(0));
        PlatinumCriteria criteria = PlatinumFixture.criteria(w, true, SHORT_UPTIME);
        await("the scans counted", () -> criteria.indexesUsed(List.of("customers", "orders")).value().startsWith("1 unused"));

        Criterion indexes = criteria.indexesUsed(List.of("customers", "orders"));

        assertThat(indexes.passed()).isFalse();
        assertThat(indexes.value()).isEqualTo("1 unused index(es) of 5, " + PlatinumCriteria.size(noteBytes));
        assertThat(indexes.details()).contains("unused: \"public\".\"idx_orders_note\" on orders, "
                + io.bascule.report.ReportDocuments.bytes(noteBytes));
        assertThat(indexes.details()).anyMatch(d -> d.startsWith("not scanned, exempt (enforces the primary key): ")
                && d.contains("on customers"));
        assertThat(indexes.details()).anyMatch(d -> d.startsWith("not scanned, exempt (enforces uniqueness): \"public\".\"uq_customers_email\""));
        assertThat(indexes.advice()).singleElement().asString()
                .startsWith("DROP INDEX CONCURRENTLY \"public\".\"idx_orders_note\"; frees ");
    }

    @Test
    void aForeignKeyIndexLeftUnusedSaysWhatItCovers(TestDatabases dbs) throws Exception {
        PlatinumFixture.World w = PlatinumFixture.migrate(dbs, work);
        PlatinumFixture.baseline(dbs);
        pg(dbs, "SET enable_seqscan = off", "SET enable_bitmapscan = off", "SELECT * FROM orders WHERE note = 'note 1'");
        PlatinumCriteria criteria = PlatinumFixture.criteria(w, true, SHORT_UPTIME);
        await("the scan counted", () -> criteria.indexesUsed(List.of("orders")).value().startsWith("1 unused"));

        Criterion indexes = criteria.indexesUsed(List.of("orders"));

        assertThat(indexes.details()).anyMatch(d -> d.startsWith("unused: \"public\".\"idx_orders_customer\" on orders")
                && d.endsWith("covers foreign key fk_orders_customer"));
        assertThat(indexes.advice()).singleElement().asString().contains("it covers foreign key fk_orders_customer")
                .contains("keep it if that happens");
    }

    @Test
    void aChangedCertifiedRowFailsIntegrityUnlessTheApplicationTouchedIt(TestDatabases dbs) throws Exception {
        PlatinumFixture.World w = PlatinumFixture.migrate(dbs, work);
        GoldCertificate certificate = w.service().readCertificate();
        ReverseChannel.of(w.source(), w.target(), w.service().loadPlan(), certificate).arm();
        PlatinumFixture.baseline(dbs);
        // the application's writes, recorded by the reverse channel's capture (not carried back: no applier runs)
        pg(dbs, "UPDATE customers SET name = 'renamed by the application' WHERE id = 1",
                "INSERT INTO orders (customer_id, amount, note) VALUES (1, 9.99, 'new order')",
                "DELETE FROM orders WHERE id = 400");
        // a change behind the channel's back: triggers off for this session, nothing recorded
        pg(dbs, "SET session_replication_role = replica", "UPDATE customers SET email = 'tampered@example.org' WHERE id = 2",
                "UPDATE orders SET amount = 0 WHERE id = 7");
        PlatinumCriteria criteria = PlatinumFixture.criteria(w, true, SHORT_UPTIME);

        Criterion integrity = criteria.integrity();

        assertThat(integrity.passed()).isFalse();
        assertThat(integrity.value()).contains("MySQL: 450 rows compared, 5 differ (3 changed by the application since"
                + " the cutover, 2 unexpected)");
        assertThat(integrity.details()).anyMatch(d -> d.startsWith("customers: 50 rows on PostgreSQL, 50 on MySQL, 2 differ:"
                + " 1 changed by the application since the cutover (expected), 1 unexpected; changed [2]"))
                .anyMatch(d -> d.startsWith("orders: 400 rows on PostgreSQL, 400 on MySQL, 3 differ: 2 changed by the"
                        + " application since the cutover (expected), 1 unexpected; changed [7]"));
        assertThat(integrity.details()).anyMatch(d -> d.contains("MySQL " + w.source().redactedUrl() + " is WRITABLE"));
        assertThat(integrity.advice()).anyMatch(a -> a.startsWith("table customers: rows differ from MySQL") && a.contains("changed [2]"));

        // the touched rows alone differ: integrity passes
        pg(dbs, "SET session_replication_role = replica",
                "UPDATE customers SET email = 'c2@example.org' WHERE id = 2", "UPDATE orders SET amount = 7.50 WHERE id = 7");
        Criterion repaired = criteria.integrity();
        assertThat(repaired.passed()).as(repaired.details().toString()).isTrue();
        assertThat(repaired.value()).contains("3 changed by the application since the cutover, 0 unexpected");
    }

    @Test
    void aCorruptedIndexFailsIntegrityAndAHealthyOnePasses(TestDatabases dbs) throws Exception {
        PlatinumFixture.World w = PlatinumFixture.migrate(dbs, work);
        PlatinumCriteria criteria = PlatinumFixture.criteria(w, true, SHORT_UPTIME);
        assertThat(criteria.integrity().passed()).isTrue();
        // an index on a function declared IMMUTABLE whose result then changes: its entries no longer match the heap,
        // which amcheck's heapallindexed check reports as corruption (only this test index is affected)
        pg(dbs, "CREATE FUNCTION plus_zero(int) RETURNS int IMMUTABLE LANGUAGE sql AS 'SELECT $1'",
                "CREATE INDEX customers_plus_zero ON customers (plus_zero(id))",
                "CREATE OR REPLACE FUNCTION plus_zero(int) RETURNS int IMMUTABLE LANGUAGE sql AS 'SELECT $1 + 1'");

        Criterion integrity = criteria.integrity();

        assertThat(integrity.passed()).isFalse();
        assertThat(integrity.value()).startsWith("amcheck: 1 corrupt object(s) of 8 checked");
        assertThat(integrity.details()).anyMatch(d -> d.startsWith("CORRUPT index \"public\".\"customers_plus_zero\" on customers: ")
                && d.contains("lacks matching index tuple"));
        assertThat(integrity.advice()).anyMatch(a -> a.startsWith("rebuild it: REINDEX INDEX CONCURRENTLY \"public\".\"customers_plus_zero\""));
    }

    @Test
    void aSlowStatementFailsSlowQueriesWithItsText(TestDatabases dbs) throws Exception {
        PlatinumFixture.World w = PlatinumFixture.migrate(dbs, work);
        PlatinumFixture.baseline(dbs);
        PlatinumCriteria criteria = PlatinumFixture.criteria(w, true, SHORT_UPTIME);
        criteria.integrity();   // the report's own slow work (checksums, amcheck) is left out
        assertThat(criteria.slowQueries(cutoverNow()).passed()).isTrue();

        pg(dbs, "SELECT pg_sleep(0.6)");
        Criterion slow = criteria.slowQueries(cutoverNow());

        assertThat(slow.passed()).isFalse();
        assertThat(slow.value()).matches("1 statement\\(s\\) over 500 ms \\(worst max \\d+\\.\\d ms\\)");
        assertThat(slow.details().get(0)).matches("max \\d+\\.\\d ms, mean \\d+\\.\\d ms, 1 call\\(s\\), role postgres,"
                + " queryid -?\\d+: SELECT pg_sleep\\(\\$1\\)");
        assertThat(slow.advice()).singleElement().asString().contains("EXPLAIN (ANALYZE, BUFFERS)")
                .contains(".pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), ");
        assertThat(slow.threshold()).isEqualTo("no statement with a mean or max time over 500 ms");
    }

    @Test
    void uptimeNamesARestartSinceTheCutoverAndNeedsAHistory(TestDatabases dbs) throws Exception {
        PlatinumFixture.World w = PlatinumFixture.migrate(dbs, work);
        Instant started = Instant.parse(PlatinumFixture.pgRows(dbs,
                "SELECT to_char(pg_postmaster_start_time() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')").get(0).get(0));

        Criterion ok = PlatinumFixture.criteria(w, false, SHORT_UPTIME).uptime(cutoverNow());
        assertThat(ok.passed()).isTrue();
        assertThat(ok.value()).startsWith("up ").endsWith(", no restart");

        Criterion restarted = PlatinumFixture.criteria(w, false, SHORT_UPTIME)
                .uptime(CutoverHistory.startedAt(started.minus(Duration.ofHours(1))));
        assertThat(restarted.passed()).isFalse();
        String when = io.bascule.report.ReportDocuments.time(started);
        assertThat(restarted.value()).endsWith("restarted at " + when);
        assertThat(restarted.details()).anyMatch(d -> d.startsWith("PostgreSQL restarted at " + when + ", after the cutover started at"));

        Criterion tooShort = PlatinumFixture.criteria(w, false, Duration.ofDays(1000)).uptime(cutoverNow());
        assertThat(tooShort.passed()).isFalse();
        assertThat(tooShort.threshold()).startsWith("up at least 24000h00m00s");
        assertThat(tooShort.advice()).anyMatch(a -> a.startsWith("wait: PostgreSQL has run "));

        Criterion noHistory = PlatinumFixture.criteria(w, false, SHORT_UPTIME).uptime(null);
        assertThat(noHistory.passed()).isFalse();
        assertThat(noHistory.details()).contains("no cutover history: whether PostgreSQL restarted since the cutover cannot be told");
    }

    @Test
    void withoutASourceIntegritySaysWhatItCouldNotCheck(TestDatabases dbs) throws Exception {
        PlatinumFixture.World w = PlatinumFixture.migrate(dbs, work);
        PlatinumCriteria criteria = PlatinumFixture.criteria(w, false, SHORT_UPTIME);

        PlatinumAssessment a = criteria.assess(null, null);

        Criterion integrity = a.criterion(Criterion.INTEGRITY);
        assertThat(integrity.passed()).isFalse();
        assertThat(integrity.value()).endsWith("not re-verified against MySQL (no source connection)");
        assertThat(integrity.details()).anyMatch(d -> d.startsWith("MySQL: not re-verified: no source connection is configured"));
        assertThat(integrity.advice()).anyMatch(x -> x.contains("--source-url") && x.contains("BASCULE_SOURCE_PASSWORD"));
        assertThat(a.verdict()).isEqualTo(PlatinumAssessment.Verdict.REFUSED);
        assertThat(a.nextReportAt()).isEqualTo(a.at().plus(Duration.ofHours(24)));
        assertThat(a.criterion(Criterion.UPTIME).passed()).isFalse();
        assertThat(a.criterion(Criterion.INCIDENTS).passed()).isFalse();
        assertThat(a.notes()).anyMatch(n -> n.startsWith("No cutover history"));
    }

    @Test
    void withoutACertificateEveryTableOfTheSchemaIsJudgedAndIntegrityCannotPass(TestDatabases dbs) throws Exception {
        PlatinumFixture.World w = PlatinumFixture.migrate(dbs, work);
        java.nio.file.Files.delete(work.resolve("gold-certificate.json"));
        pg(dbs, "CREATE TABLE extra_table (id int PRIMARY KEY)");

        PlatinumAssessment a = PlatinumFixture.criteria(w, true, SHORT_UPTIME).assess(cutoverNow(), cleanRuns());

        assertThat(a.notes()).anyMatch(n -> n.startsWith("Tables judged: every table of schema public (3), because no GOLD certificate in"));
        Criterion integrity = a.criterion(Criterion.INTEGRITY);
        assertThat(integrity.passed()).isFalse();
        assertThat(integrity.value()).startsWith("amcheck: 6 index(es) and 3 table(s) sound")
                .endsWith("not re-verified against MySQL (no GOLD certificate in " + work.toAbsolutePath().normalize()
                        + " (gold-certificate.json))");
        assertThat(a.criterion(Criterion.DEAD_TUPLES).details()).anyMatch(d -> d.startsWith("extra_table: "));
    }

    @Test
    void basculesOwnStatementsAreToldFromTheApplications(TestDatabases dbs) throws Exception {
        PlatinumFixture.World w = PlatinumFixture.migrate(dbs, work);
        io.bascule.schema.TablePlan orders = w.plan().table("orders");
        List<String> own = List.of(
                PostgresDialect.copyTableOut("public", "orders"),
                "COPY public.orders (id, customer_id, amount, note) TO stdout;",
                "COPY (SELECT \"id\" AS c1 FROM \"public\".\"orders\" WHERE \"id\" >= 1 ORDER BY \"id\") TO STDOUT",
                "SELECT count(*), sum(" + PostgresDialect.rowHashSql(orders.columns()) + ")::text FROM \"public\".\"orders\"",
                PostgresDialect.touchedRowsSql("public", orders),
                PostgresDialect.updateFromStagingSql("public", orders, "bascule_delta_orders"),
                PostgresDialect.restartIdentity("public", "orders", "id", 401L),
                PostgresDialect.analyzeSql("public", "orders"),
                PostgresDialect.MONITORING_PROBE,
                PostgresDialect.btIndexCheckSql("public"),
                PostgresDialect.verifyHeapSql("public"),
                PostgresDialect.slowStatementsSql("public", true),
                PostgresDialect.touchedCanonicalKeysSql(orders, true, true),
                PostgresDialect.createExtensionSql("amcheck"));
        List<String> application = List.of("SELECT * FROM orders WHERE id = $1", "UPDATE customers SET name = $1 WHERE id = $2",
                "SELECT pg_sleep($1)", "COPY orders FROM STDIN", "INSERT INTO orders (customer_id, amount) VALUES ($1, $2)",
                "SELECT c.relname FROM pg_catalog.pg_class c WHERE c.relkind = $1");
        try (Connection c = dbs.target();
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT ?::text ILIKE ANY (?::text[])")) {
            ps.setArray(2, c.createArrayOf("text", PostgresDialect.BASCULE_STATEMENT_PATTERNS.toArray()));
            for (String sql : own) {
                assertThat(matches(ps, sql)).as("Bascule's own: " + sql).isTrue();
            }
            for (String sql : application) {
                assertThat(matches(ps, sql)).as("the application's: " + sql).isFalse();
            }
        }
    }

    private static boolean matches(java.sql.PreparedStatement ps, String sql) throws SQLException {
        ps.setString(1, sql);
        try (var rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /**
     * A report with one finding of each kind (a row changed behind the reverse channel's back, a slow statement, an
     * unused index, a bloated table), written with 24 hours of made-up samples into target/platinum-sample: the
     * source of docs/platinum-report-sample.md and .html.
     */
    @Test
    void aSampleReportShowsEveryKindOfFinding(TestDatabases dbs) throws Exception {
        PlatinumFixture.World w = PlatinumFixture.migrate(dbs, work);
        Instant started = Instant.now();
        ReverseChannel.of(w.source(), w.target(), w.service().loadPlan(), w.service().readCertificate()).arm();
        PlatinumFixture.baseline(dbs);
        pg(dbs, "SELECT pg_stat_statements_reset()");   // as the cutover's baseline does: every database's statements
        CutoverHistory cutover = new CutoverHistory("8f0c2d4e-0b7a-11f1-9c1e-0242ac120002", started, Instant.now(),
                "CUTOVER_SUCCESSFUL");
        pg(dbs, "UPDATE customers SET name = 'Customer 1 (moved)' WHERE id = 1",
                "ALTER TABLE orders SET (autovacuum_enabled = false)", "DELETE FROM orders WHERE id > 40");
        pg(dbs, "SET session_replication_role = replica", "UPDATE customers SET email = 'c9@example.net' WHERE id = 9");
        pg(dbs, "SET enable_seqscan = off", "SET enable_bitmapscan = off", "SELECT * FROM customers WHERE id = 1",
                "SELECT * FROM customers WHERE email = 'c2@example.org'", "SELECT * FROM orders WHERE customer_id = 4",
                "SELECT pg_sleep(0.6)");
        PlatinumCriteria criteria = PlatinumFixture.criteria(w, true, SHORT_UPTIME);
        await("the statistics counted", () -> !criteria.deadTuples(List.of("orders")).passed()
                && criteria.indexesUsed(List.of("orders")).value().startsWith("1 unused"));

        PlatinumAssessment a = criteria.assess(cutover, RunHistory.clean(List.of("cutover " + cutover.processInstanceId()
                + " (completed)", "surveillance 93b1f6a2-0b7b-11f1-9c1e-0242ac120002 (completed)")));
        PlatinumSamples samples = new PlatinumSamples() {
            @Override
            public List<Point> meanQueryMs(Instant from, Instant to) {
                return series(from, to, i -> 18 + 9 * Math.sin(i / 24.0) + (i % 36 == 0 ? 40 : 0));
            }

            @Override
            public List<Point> connections(Instant from, Instant to) {
                return series(from, to, i -> Math.round(22 + 14 * Math.sin(i / 40.0 - 1)));
            }
        };
        List<Path> files = new PlatinumReport(Path.of("target", "platinum-sample").toAbsolutePath(),
                List.of(new io.bascule.config.BasculeProperties.Contact("Alice Martin", "DBA", "alice@example.org", "+33 6 12 34 56 78"),
                        new io.bascule.config.BasculeProperties.Contact("Bruno Keller", "application owner", "bruno@example.org", null)),
                samples).write(a);

        assertThat(a.verdict()).isEqualTo(PlatinumAssessment.Verdict.REFUSED);
        assertThat(a.failed()).extracting(Criterion::name)
                .containsExactly(Criterion.INTEGRITY, Criterion.SLOW_QUERIES, Criterion.INDEXES_USED, Criterion.DEAD_TUPLES);
        assertThat(a.score()).isEqualTo(33);
        String md = java.nio.file.Files.readString(files.get(0));
        for (Criterion c : a.failed()) {
            assertThat(md).contains("### " + c.name() + "\n\n- " + c.advice().get(0).replaceAll("\\s*\\R\\s*", " "));
        }
    }

    /** A made-up sample every 5 minutes over [from, to]. */
    private static List<PlatinumSamples.Point> series(Instant from, Instant to, java.util.function.IntToDoubleFunction value) {
        List<PlatinumSamples.Point> points = new java.util.ArrayList<>();
        int i = 0;
        for (Instant t = from; !t.isAfter(to); t = t.plusSeconds(300)) {
            points.add(new PlatinumSamples.Point(t, Math.round(value.applyAsDouble(i++) * 10) / 10.0));
        }
        return points;
    }
}
