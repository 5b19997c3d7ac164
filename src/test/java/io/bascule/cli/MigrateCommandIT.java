package io.bascule.cli;

import io.bascule.database.SqlScript;
import io.bascule.demo.SampleDatabase;
import io.bascule.process.ProcessWatch;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code migrate} and {@code verify} headless, end to end on real MariaDB and PostgreSQL. */
@ExtendWith(EmbeddedDatabases.class)
class MigrateCommandIT {

    private static String[] args(TestDatabases dbs, Path work, String command, String... more) {
        String[] base = {command, "--source-url", dbs.sourceUrl(), "--source-user", "root", "--target-url", dbs.targetUrl(),
                "--target-user", "postgres", "--work-dir", work.toString()};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    private static Path work(String name) {
        return Path.of("target", name + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime()).toAbsolutePath();
    }

    @Test
    void migrateWithYesEndsGoldCertifiedAndVerifyAgrees(TestDatabases dbs) throws Exception {
        try (Connection c = dbs.source()) {
            SampleDatabase.load(c);
        }
        Path work = work("migrate-it");
        long signals = ProcessWatch.changes();
        CliRun run = CliRun.of(Map.of(), args(dbs, work, "migrate", "--yes"));
        assertThat(run.exitCode()).as(run.err()).isZero();
        // the lazy CLI context has ProcessWatch listening: each step printed ended with a signal (none: 500 ms polls)
        long steps = run.out().lines().filter(l -> l.matches("\\[\\d\\d:\\d\\d] .* ✅.*")).count();
        assertThat(steps).isGreaterThanOrEqualTo(8);
        assertThat(ProcessWatch.changes() - signals).as("signals during the run").isGreaterThanOrEqualTo(steps);
        assertThat(run.out()).contains("Conversion plan: " + dbs.sourceDatabase()).contains("GOLD: 105,711 rows in 4 tables verified identical");
        String certificate = Files.readString(work.resolve("gold-certificate.json"));
        assertThat(certificate).contains("\"certificate\" : \"GOLD\"", "\"rows\" : 105711", "\"copySeconds\"", "\"verifySeconds\"")
                .contains("jdbc:mysql://127.0.0.1:").doesNotContain("password");
        try (Connection pg = dbs.target(); Statement st = pg.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), sum(montant) FROM disbursements")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(211);
            assertThat(rs.getBigDecimal(2)).isEqualByComparingTo("165589.05");
        }
        try (Connection pg = dbs.target(); Statement st = pg.createStatement();
             ResultSet rs = st.executeQuery("SELECT indexname FROM pg_indexes WHERE tablename = 'audit_logs' AND indexname = 'idx_audit_logs_locataire'")) {
            assertThat(rs.next()).isTrue();
        }
        CliRun verify = CliRun.of(Map.of(), args(dbs, work, "verify"));
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(verify.out()).contains("105,711 rows in 4 tables identical");

        try (Connection pg = dbs.target(); Statement st = pg.createStatement()) {
            st.execute("DELETE FROM audit_logs WHERE id = 500");
        }
        CliRun dirty = CliRun.of(Map.of(), args(dbs, work, "verify"));
        assertThat(dirty.exitCode()).isEqualTo(1);
        assertThat(dirty.out()).contains("audit_logs: 100,000 source rows, 99,999 target rows: 1 missing [id=500]");
        assertThat(dirty.err()).contains("1 table(s) differ");

        CliRun again = CliRun.of(Map.of(), args(dbs, work, "migrate", "--yes"));
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("Migration failed").contains("already hold rows").contains("--drop-existing");
    }

    @Test
    void migrateWithoutVerificationCopiesRetiresTheOldCertificateAndVerifyComparesLater(TestDatabases dbs) throws Exception {
        try (Connection c = dbs.source()) {
            SampleDatabase.load(c);
        }
        Path work = work("migrate-no-verify-it");
        CliRun first = CliRun.of(Map.of(), args(dbs, work, "migrate", "--yes"));
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(work.resolve("gold-certificate.json")).exists();

        CliRun run = CliRun.of(Map.of(), args(dbs, work, "migrate", "--yes", "--no-verify", "--drop-existing"));
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Copied, not verified: 105,711 rows copied in 4 tables")
                .contains("No GOLD certificate: compare every row with `bascule verify`").doesNotContain("verified identical");
        // the earlier certificate described the tables this run replaced: moved aside, none written in its place
        assertThat(work.resolve("gold-certificate.json")).doesNotExist();
        try (var aside = Files.list(work.resolve("gold"))) {
            assertThat(aside.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("superseded-") && n.endsWith("gold-certificate.json"));
        }
        try (Connection pg = dbs.target(); Statement st = pg.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM disbursements")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(211);
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM bascule_state.copy_checkpoint WHERE source_hash IS NOT NULL")) {
                rs.next();
                assertThat(rs.getLong(1)).as("no checksums taken").isZero();
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"
                    + " AND reloptions @> ARRAY['autovacuum_enabled=false']")) {
                rs.next();
                assertThat(rs.getLong(1)).as("autovacuum back on without a verification").isZero();
            }
        }
        String jdbc = "jdbc:h2:file:" + work.resolve("engine/bascule-engine") + ";AUTO_SERVER=TRUE";
        try (Connection h2 = java.sql.DriverManager.getConnection(jdbc, "sa", "");
             Statement st = h2.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM ACT_HI_ACTINST WHERE ACT_ID_ = 'Task_VerifyRows'")) {
            rs.next();
            assertThat(rs.getLong(1)).as("only the first migrate verified").isEqualTo(1);
        }
        CliRun verify = CliRun.of(Map.of(), args(dbs, work, "verify"));
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(verify.out()).contains("105,711 rows in 4 tables identical");
    }

    @Test
    @org.junit.jupiter.api.Timeout(180)
    void progressReportsDuringTheStepsReachTheProcessVariablesWithoutConflicts(TestDatabases dbs) throws Exception {
        try (Connection c = dbs.source()) {
            SampleDatabase.load(c);
        }
        Path work = work("migrate-progress-it");
        Files.createDirectories(work);
        Path config = Files.writeString(work.resolve("fast-progress.yml"), """
                bascule:
                  migration:
                    progress-interval: 20ms
                    chunk-rows: 2000
                    parallelism: 2
                """);
        CliRun run = CliRun.of(Map.of(), args(dbs, work, "migrate", "--yes", "--config", config.toString()));
        assertThat(run.exitCode()).as(run.err()).isZero();
        String jdbc = "jdbc:h2:file:" + work.resolve("engine/bascule-engine") + ";AUTO_SERVER=TRUE";
        try (Connection h2 = java.sql.DriverManager.getConnection(jdbc, "sa", "");
             Statement st = h2.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM ACT_HI_DETAIL WHERE NAME_ = 'progress' AND TEXT_ LIKE 'copy: %'")) {
                rs.next();
                assertThat(rs.getLong(1)).as("copy progress reports recorded in the history").isGreaterThanOrEqualTo(2);
            }
            try (ResultSet rs = st.executeQuery("SELECT TEXT_ FROM ACT_HI_VARINST WHERE NAME_ = 'progress'")) {
                rs.next();
                assertThat(rs.getString(1)).startsWith("verify: 105,711 / ~105,711 rows (100%)");
            }
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM ACT_HI_JOB_LOG WHERE JOB_EXCEPTION_MSG_ IS NOT NULL")) {
                rs.next();
                assertThat(rs.getLong(1)).as("no failed job (no optimistic-locking conflict)").isZero();
            }
        }
    }

    @Test
    void migrateWithoutYesOrTerminalStopsAtTheReview(TestDatabases dbs) throws Exception {
        try (Connection c = dbs.source()) {
            SampleDatabase.load(c);
        }
        CliRun run = CliRun.of(Map.of(), args(dbs, work("migrate-review-it"), "migrate"));
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("waits for review").contains("--yes");
        try (Connection pg = dbs.target(); Statement st = pg.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")) {
            rs.next();
            assertThat(rs.getLong(1)).as("nothing written before the review").isZero();
        }
    }

    @Test
    void aMissingTargetSchemaIsCreatedAfterTheReviewOwnedByTheTargetUser(TestDatabases dbs) throws Exception {
        try (Connection c = dbs.source()) {
            SqlScript.fromClasspath("ddl/sakila-schema.sql").run(c);
            SqlScript.fromClasspath("ddl/sakila-data.sql").run(c);
        }
        // a target user that is no superuser, may create schemas in its database, and owns nothing yet
        String owner = "owner_" + dbs.targetDatabase().split("_")[0];   // t<n>: unique on the test server
        try (Connection pg = dbs.target(); Statement st = pg.createStatement()) {
            st.execute("CREATE ROLE " + owner + " LOGIN");
            st.execute("GRANT CREATE, CONNECT ON DATABASE " + dbs.targetDatabase() + " TO " + owner);
        }
        String schema = "Sakila Films";   // capitals and a space: quoted everywhere
        String created = "schema \"Sakila Films\" does not exist: it is created (CREATE SCHEMA, owned by the target user) after approval";
        String schemas = "SELECT count(*) FROM pg_namespace WHERE nspname IN ('Sakila Films', 'bascule_state')";
        try {
            Path work = work("migrate-new-schema-it");
            String[] waiting = args(dbs, work, "migrate", "--target-schema", schema);
            waiting[8] = owner;
            CliRun review = CliRun.of(Map.of(), waiting);
            assertThat(review.exitCode()).isEqualTo(1);
            assertThat(review.err()).contains("waits for review");
            // the plan (file and summary) says the schema will be created; while the review waits, nothing is
            assertThat(Files.readString(work.resolve("gold/conversion-plan.txt"))).contains(created);
            assertThat(review.out()).contains("-> PostgreSQL schema Sakila Films").contains("6 tables (~").contains("; " + created);
            try (Connection pg = dbs.target(); Statement st = pg.createStatement(); ResultSet rs = st.executeQuery(schemas)) {
                rs.next();
                assertThat(rs.getLong(1)).as("nothing written while the review waits").isZero();
            }

            String[] approved = args(dbs, work, "migrate", "--target-schema", schema, "--yes", "--cancel-stale");
            approved[8] = owner;
            CliRun run = CliRun.of(Map.of(), approved);
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).contains(created).contains("GOLD: 702 rows in 6 tables verified identical");
            try (Connection pg = dbs.target(); Statement st = pg.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'Sakila Films'")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo(owner);
                }
                try (ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT rating) FROM \"Sakila Films\".film")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(120);
                    assertThat(rs.getLong(2)).isEqualTo(5);
                }
            }
        } finally {
            try (Connection pg = dbs.target(); Statement st = pg.createStatement()) {
                st.execute("DROP OWNED BY " + owner + " CASCADE");
                st.execute("DROP ROLE " + owner);
            }
        }
    }

    @Test
    void anUnreachableServerEndsThePreflightAtOnce(TestDatabases dbs) throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        String[] a = args(dbs, work("migrate-unreachable-it"), "migrate", "--yes");
        a[6] = "jdbc:postgresql://127.0.0.1:" + closed + "/nowhere";
        CliRun run = CliRun.of(Map.of(), a);
        assertThat(run.exitCode()).isEqualTo(1);
        // the pre-flight ends the process (no retried job, no incident)
        assertThat(run.err()).contains("Migration failed").contains("cannot reach the target database jdbc:postgresql://127.0.0.1:" + closed)
                .doesNotContain("incident");
    }

    @Test
    void anUnknownSourceDatabaseIsNamed(TestDatabases dbs) {
        String[] a = args(dbs, work("migrate-db-it"), "migrate", "--yes");
        a[2] = dbs.mariaDb().jdbcUrl("no_such_db");
        CliRun run = CliRun.of(Map.of(), a);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("Migration failed").contains("no_such_db");
    }
}
