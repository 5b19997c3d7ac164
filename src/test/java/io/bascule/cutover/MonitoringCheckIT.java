package io.bascule.cutover;

import io.bascule.database.DatabaseEndpoint;
import io.bascule.embedded.EmbeddedPostgresServer;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.QueryRows;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * pg_stat_statements on the embedded PostgreSQL (which preloads it, as the demo's does): Phase 8's check creates the
 * extension where it is missing and sees it collect, Phase 1's reset empties the statistics, and neither dry run
 * changes anything. A server of its own without the library shows the failure naming the fix.
 */
@ExtendWith(EmbeddedDatabases.class)
class MonitoringCheckIT {

    @Test
    void theCheckCreatesTheMissingExtensionAndSeesItCollectTheDryRunCreatesNothing(TestDatabases dbs) throws Exception {
        MonitoringCheck monitoring = new MonitoringCheck(target(dbs));
        assertThat(extensions(dbs)).as("a new database has no pg_stat_statements").doesNotContain("pg_stat_statements");

        MonitoringCheck.Result dry = monitoring.dryRun();
        dry.lines().forEach(System.out::println);
        assertThat(dry.passed()).as(dry.failureSummary()).isTrue();
        assertThat(dry.preloaded()).isTrue();
        assertThat(dry.created()).isFalse();
        assertThat(dry.lines()).contains("➖ extension pg_stat_statements not installed in database " + dbs.targetDatabase()
                + ": the cutover creates it (CREATE EXTENSION IF NOT EXISTS pg_stat_statements)");
        assertThat(extensions(dbs)).as("the dry run creates no extension").doesNotContain("pg_stat_statements");

        MonitoringCheck.Result run = monitoring.run();
        run.lines().forEach(System.out::println);
        assertThat(run.passed()).as(run.failureSummary()).isTrue();
        assertThat(run.created()).isTrue();
        assertThat(run.version()).isNotBlank();
        assertThat(run.callsAfter()).isGreaterThan(run.callsBefore());
        assertThat(run.lines()).anySatisfy(l -> assertThat(l).startsWith("✅ collecting: the calls of a probe query went from "));
        assertThat(extensions(dbs)).contains("pg_stat_statements");

        MonitoringCheck.Result again = monitoring.run();
        assertThat(again.passed()).isTrue();
        assertThat(again.created()).as("created once").isFalse();
        assertThat(again.callsBefore()).as("the calls counted go on").isGreaterThanOrEqualTo(run.callsAfter());
    }

    @Test
    void theResetEmptiesTheStatisticsAndNoDryRunDoes(TestDatabases dbs) throws Exception {
        MonitoringCheck monitoring = new MonitoringCheck(target(dbs));
        assertThat(monitoring.run().passed()).isTrue();
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            // a statement of a shape nothing else here has (pg_stat_statements files statements by shape, not by text)
            st.execute("SELECT n FROM generate_series(1, 3) AS bascule_reset_marker(n)");
        }
        List<List<String>> before = resets(dbs);
        assertThat(marker(dbs)).isPositive();

        MonitoringCheck.Result resetDry = monitoring.resetDryRun();
        resetDry.lines().forEach(System.out::println);
        assertThat(resetDry.passed()).as(resetDry.failureSummary()).isTrue();
        assertThat(resetDry.lines()).contains("➖ would empty pg_stat_statements (pg_stat_statements_reset(), every database of the server)",
                "➖ would reset the statistics of database " + dbs.targetDatabase() + " (pg_stat_reset())");
        assertThat(monitoring.dryRun().passed()).isTrue();
        assertThat(resets(dbs)).as("no dry run resets anything").isEqualTo(before);
        assertThat(marker(dbs)).isPositive();

        MonitoringCheck.Result reset = monitoring.reset();
        reset.lines().forEach(System.out::println);
        assertThat(reset.passed()).as(reset.failureSummary()).isTrue();
        assertThat(reset.lines()).contains("✅ pg_stat_statements emptied (pg_stat_statements_reset(), every database of the server)",
                "✅ statistics of database " + dbs.targetDatabase() + " reset (pg_stat_reset())");
        List<List<String>> after = resets(dbs);
        assertThat(after.get(0)).isNotEqualTo(before.get(0));
        assertThat(after.get(1).get(0)).as("pg_stat_database.stats_reset set").isNotNull().isNotEqualTo(before.get(1).get(0));
        assertThat(marker(dbs)).as("the statement counted before the reset is gone").isZero();
    }

    @Test
    void aLoginWithoutPrivilegesIsToldWhoMayCreateAndReset(TestDatabases dbs) throws Exception {
        String role = "bascule_it_mon_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE \"" + role + "\" LOGIN");
        }
        try {
            DatabaseEndpoint weak = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, dbs.targetUrl(), role, null);
            MonitoringCheck monitoring = new MonitoringCheck(weak);
            MonitoringCheck.Result missing = monitoring.run();
            missing.lines().forEach(System.out::println);
            assertThat(missing.failures()).containsExactly("extension pg_stat_statements is not installed in database "
                    + dbs.targetDatabase() + " and login " + role + " may not create it: have a superuser run CREATE"
                    + " EXTENSION pg_stat_statements in database " + dbs.targetDatabase() + " before the cutover window");
            assertThat(monitoring.dryRun().failures()).isEqualTo(missing.failures());
            assertThat(extensions(dbs)).doesNotContain("pg_stat_statements");

            assertThat(new MonitoringCheck(target(dbs)).run().created()).isTrue();
            MonitoringCheck.Result run = monitoring.run();
            run.lines().forEach(System.out::println);
            assertThat(run.passed()).as(run.failureSummary()).isTrue();
            assertThat(run.lines()).contains("✅ pg_stat_statements loaded (shared_preload_libraries not readable by this"
                    + " login; its settings are defined)");

            MonitoringCheck.Result resetDry = monitoring.resetDryRun();
            resetDry.lines().forEach(System.out::println);
            assertThat(resetDry.failures()).containsExactly(
                    "login " + role + " may not run pg_stat_statements_reset() on " + dbs.targetUrl() + ": GRANT EXECUTE ON"
                            + " FUNCTION public.pg_stat_statements_reset TO " + role + " (as a superuser), or run Bascule as a superuser",
                    "login " + role + " may not run pg_stat_reset() on " + dbs.targetUrl() + ": GRANT EXECUTE ON"
                            + " FUNCTION pg_catalog.pg_stat_reset TO " + role + " (as a superuser), or run Bascule as a superuser");
            assertThat(monitoring.reset().failures()).isEqualTo(resetDry.failures());
        } finally {
            try (Connection c = dbs.target(); Statement st = c.createStatement()) {
                st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "'");
                st.execute("DROP ROLE \"" + role + "\"");
            }
        }
    }

    @Test
    void aServerWithoutTheLibraryFailsNamingTheFixAndNothingIsCreated() throws Exception {
        Path dataDir = Path.of("target", "embedded-servers", String.valueOf(ProcessHandle.current().pid()),
                "postgres-no-preload-" + UUID.randomUUID().toString().substring(0, 8), "data").toAbsolutePath();
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dataDir, 0, Map.of("shared_preload_libraries", ""))) {
            pg.createDatabaseIfMissing("monitoring");
            DatabaseEndpoint target = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, pg.jdbcUrl("monitoring"), "postgres", null);
            MonitoringCheck monitoring = new MonitoringCheck(target);

            MonitoringCheck.Result run = monitoring.run();
            run.lines().forEach(System.out::println);
            assertThat(run.passed()).isFalse();
            assertThat(run.preloaded()).isFalse();
            assertThat(run.failures()).containsExactly("pg_stat_statements is not loaded on " + pg.jdbcUrl("monitoring")
                    + " (shared_preload_libraries = ''): set shared_preload_libraries = 'pg_stat_statements' (keeping the"
                    + " libraries already listed) in postgresql.conf or with ALTER SYSTEM, and restart PostgreSQL, before"
                    + " the cutover window");
            try (Connection c = pg.connect("monitoring")) {
                assertThat(QueryRows.rows(c, "SELECT extname FROM pg_extension").toString()).doesNotContain("pg_stat_statements");
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE EXTENSION pg_stat_statements");   // possible without the library, but it collects nothing
                }
            }
            assertThat(monitoring.run().failures()).singleElement().asString().startsWith("pg_stat_statements is not loaded on");
            assertThat(monitoring.dryRun().passed()).isFalse();
            MonitoringCheck.Result reset = monitoring.reset();
            assertThat(reset.passed()).isFalse();
            assertThat(reset.lines()).contains("✅ statistics of database monitoring reset (pg_stat_reset())");
        } finally {
            io.bascule.testing.StaleTestDirs.deleteTree(dataDir.getParent());
        }
    }

    private static DatabaseEndpoint target(TestDatabases dbs) {
        return DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, dbs.targetUrl(), "postgres", null);
    }

    private static String extensions(TestDatabases dbs) throws SQLException {
        try (Connection c = dbs.target()) {
            return QueryRows.rows(c, "SELECT extname FROM pg_extension ORDER BY 1").toString();
        }
    }

    /** pg_stat_statements_info.stats_reset, then pg_stat_database.stats_reset of the database. */
    private static List<List<String>> resets(TestDatabases dbs) throws SQLException {
        try (Connection c = dbs.target()) {
            return List.of(QueryRows.rows(c, "SELECT stats_reset::text FROM pg_stat_statements_info").get(0),
                    QueryRows.rows(c, "SELECT stats_reset::text FROM pg_stat_database WHERE datname = current_database()").get(0));
        }
    }

    private static long marker(TestDatabases dbs) throws SQLException {
        try (Connection c = dbs.target()) {
            return Long.parseLong(QueryRows.rows(c, "SELECT count(*) FROM pg_stat_statements WHERE query LIKE '%bascule_reset' || '_marker%'")
                    .get(0).get(0));
        }
    }
}
