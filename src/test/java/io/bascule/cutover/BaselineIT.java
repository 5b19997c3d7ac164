package io.bascule.cutover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Phase 1 on the embedded servers: the baseline's files and content, the resets, the dry run, the privilege check. */
@ExtendWith(EmbeddedDatabases.class)
class BaselineIT {

    @TempDir
    Path work;

    private static final String MARKER = "SELECT 4242 AS bascule_baseline_marker";

    private static String statsReset(TestDatabases dbs) throws Exception {
        return CutoverFixture.pgRows(dbs, "SELECT COALESCE(stats_reset::text, 'never') FROM pg_stat_database"
                + " WHERE datname = current_database()").get(0).get(0);
    }

    private static boolean markerCounted(TestDatabases dbs) throws Exception {
        return !CutoverFixture.pgRows(dbs, "SELECT 1 FROM pg_stat_statements WHERE query LIKE '%bascule_baseline_marker%'").isEmpty();
    }

    private static List<Path> files(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void savesTheMySqlBaselineAndResetsPostgresStatistics(TestDatabases dbs) throws Exception {
        CutoverFixture.load(dbs);
        CutoverFixture.mysql(dbs, "INSERT INTO customers (name) VALUES ('Dora')", "DELETE FROM customers WHERE id = 4",
                "CREATE VIEW v_customers AS SELECT id FROM customers");
        CutoverFixture.pg(dbs, "CREATE EXTENSION pg_stat_statements", MARKER);
        assertThat(markerCounted(dbs)).isTrue();
        String resetBefore = statsReset(dbs);
        Thread.sleep(20);

        Baseline.Result r = new Baseline(CutoverFixture.source(dbs), CutoverFixture.target(dbs), work).take(false);

        assertThat(r.ok()).as(r.lines().toString()).isTrue();
        assertThat(r.jsonFile()).exists().hasParent(work.toAbsolutePath().normalize().resolve("cutover"));
        assertThat(r.jsonFile().getFileName().toString()).matches("baseline-\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\dZ\\.json");
        assertThat(r.markdownFile().getFileName().toString()).isEqualTo(r.jsonFile().getFileName().toString().replace(".json", ".md"));
        JsonNode json = new ObjectMapper().readTree(r.jsonFile().toFile());
        assertThat(json.get("database").asText()).isEqualTo(dbs.sourceDatabase());
        assertThat(json.get("serverVersion").asText()).containsIgnoringCase("mariadb");
        assertThat(json.get("totalRows").asLong()).isEqualTo(3 + 3 + 3 + 3 + 2 + 3 + 3);
        JsonNode tables = json.get("tables");
        assertThat(tables).extracting(t -> t.get("table").asText()).containsExactly("blobs", "customers", "log_lines",
                "notes", "order_lines", "readings", "untouched");   // the view left out
        JsonNode customers = tables.get(1);
        assertThat(customers.get("rows").asLong()).isEqualTo(3);
        assertThat(customers.get("engine").asText()).isEqualTo("InnoDB");
        assertThat(customers.get("autoIncrement").asLong()).isEqualTo(5);   // a row was added and deleted since
        assertThat(customers.get("dataLength").asLong()).isPositive();
        assertThat(customers.has("rowsEstimate")).isTrue();
        assertThat(customers.has("indexLength")).isTrue();
        assertThat(customers.has("updateTime")).isTrue();
        assertThat(tables.get(2).get("autoIncrement").isNull()).isTrue();   // log_lines
        assertThat(json.get("pgStatStatements").asText()).isEqualTo("reset");
        String md = Files.readString(r.markdownFile());
        assertThat(md).startsWith("# MySQL baseline before the cutover").contains("| customers | InnoDB | 3 |")
                .contains("| untouched | InnoDB | 2 |");
        assertThat(r.lines()).extracting(CheckLine::text).anyMatch(l -> l.startsWith("PostgreSQL statistics of database "))
                .contains("pg_stat_statements reset");
        assertThat(statsReset(dbs)).isNotEqualTo(resetBefore);
        assertThat(markerCounted(dbs)).isFalse();
    }

    @Test
    void theDryRunChecksButWritesAndResetsNothing(TestDatabases dbs) throws Exception {
        CutoverFixture.load(dbs);
        CutoverFixture.pg(dbs, "CREATE EXTENSION pg_stat_statements", MARKER);
        String resetBefore = statsReset(dbs);

        Baseline.Result r = new Baseline(CutoverFixture.source(dbs), CutoverFixture.target(dbs), work).take(true);

        assertThat(r.ok()).as(r.lines().toString()).isTrue();
        assertThat(r.dryRun()).isTrue();
        assertThat(r.jsonFile()).isNull();
        assertThat(files(work.resolve("cutover"))).isEmpty();
        assertThat(statsReset(dbs)).isEqualTo(resetBefore);
        assertThat(markerCounted(dbs)).isTrue();
        assertThat(r.lines()).extracting(CheckLine::text)
                .anyMatch(l -> l.contains("may reset the statistics (superuser)"))
                .anyMatch(l -> l.startsWith("pg_stat_statements ") && l.contains("may reset it"))
                .anyMatch(l -> l.startsWith("baseline files can be written in "));
    }

    @Test
    void aLoginThatMayNotResetTheStatisticsIsNamedWithTheGrantThatFixesIt(TestDatabases dbs) throws Exception {
        CutoverFixture.load(dbs);
        String role = "bascule_it_stats_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        CutoverFixture.pg(dbs, "CREATE ROLE \"" + role + "\" LOGIN PASSWORD 'stats-secret'",
                "GRANT pg_read_all_stats TO \"" + role + "\"");
        try {
            DatabaseEndpoint login = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, dbs.targetUrl(), role, "stats-secret");
            Baseline baseline = new Baseline(CutoverFixture.source(dbs), login, work);

            Baseline.Result dry = baseline.take(true);
            assertThat(dry.ok()).isFalse();
            assertThat(dry.problems()).singleElement().satisfies(p -> assertThat(p)
                    .contains("login '" + role + "' may not run pg_stat_reset()")
                    .contains("GRANT EXECUTE ON FUNCTION pg_catalog.pg_stat_reset() TO \"" + role + "\""));
            // pg_stat_statements is not installed in this database: said, not a failure
            assertThat(dry.lines()).anyMatch(l -> l.status() == CheckLine.Status.WARNING
                    && l.text().startsWith("pg_stat_statements is not installed"));
            // the run refuses as well, before it writes anything
            Baseline.Result run = baseline.take(false);
            assertThat(run.ok()).isFalse();
            assertThat(run.jsonFile()).isNull();
            assertThat(files(work.resolve("cutover"))).isEmpty();

            CutoverFixture.pg(dbs, "GRANT EXECUTE ON FUNCTION pg_catalog.pg_stat_reset() TO \"" + role + "\"");
            Baseline.Result granted = baseline.take(true);
            assertThat(granted.ok()).as(granted.lines().toString()).isTrue();
            assertThat(granted.lines()).anyMatch(l -> l.text().contains("may reset the statistics (EXECUTE on pg_stat_reset())"));
        } finally {
            CutoverFixture.pg(dbs, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "'",
                    "DROP OWNED BY \"" + role + "\"", "DROP ROLE \"" + role + "\"");
        }
    }
}
