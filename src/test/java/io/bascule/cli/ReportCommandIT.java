package io.bascule.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code report} on the embedded servers: with the target's options only it prints one JSON object (score, verdict,
 * six criteria) and writes the files; after a real {@code migrate} it reads the work directory's engine (no cutover
 * there: the criteria that need one say so) and re-verifies against MySQL; a refused login is one line on stderr.
 */
@ExtendWith(EmbeddedDatabases.class)
class ReportCommandIT {

    static final String TARGET_PASSWORD = "tgt-Pw-91c3e7-report";
    static final Map<String, String> ENV = Map.of("BASCULE_TARGET_PASSWORD", TARGET_PASSWORD);

    @TempDir
    Path tmp;

    @Test
    void targetOnlyJsonIsOneObjectWithScoreVerdictAndTheSixCriteria(TestDatabases dbs) throws Exception {
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE accounts (id int PRIMARY KEY, note text)");
            st.execute("CREATE INDEX accounts_note ON accounts (note)");
            st.execute("INSERT INTO accounts SELECT g, 'n' || g FROM generate_series(1, 100) g");
        }
        Path work = tmp.resolve("work");

        CliRun run = CliRun.of(ENV, "report", "--json", "--target-url", dbs.targetUrl(), "--target-user", "postgres",
                "--work-dir", work.toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ReportCommand.REFUSED);
        assertThat(run.out().strip().lines()).as("one line: one JSON object").hasSize(1);
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.isObject()).isTrue();
        assertThat(json.get("verdict").asText()).isEqualTo("REFUSED");
        assertThat(json.get("score").isInt()).isTrue();
        assertThat(json.get("score").asInt()).isBetween(0, 83);
        JsonNode criteria = json.get("criteria");
        assertThat(criteria).hasSize(6);
        for (int i = 0; i < 6; i++) {
            JsonNode c = criteria.get(i);
            assertThat(c.get("name").asText()).isEqualTo(io.bascule.platinum.Criterion.NAMES.get(i));
            assertThat(c.get("passed").isBoolean()).isTrue();
            assertThat(c.get("value").isTextual()).isTrue();
            assertThat(c.get("threshold").asText()).isNotBlank();
        }
        // no history, no source, no pg_stat_statements in this database: those criteria say so and do not pass
        assertThat(criteria.get(1).get("passed").asBoolean()).isFalse();
        assertThat(criteria.get(1).get("details").toString()).contains("no cutover history");
        assertThat(criteria.get(0).get("details").toString()).contains("no GOLD certificate in");
        assertThat(criteria.get(2).get("value").asText()).isEqualTo("pg_stat_statements not installed");
        assertThat(criteria.get(5).get("value").asText()).endsWith("runbook incidents unknown (no cutover history)");
        assertThat(json.get("notes").toString()).contains("Why there is no cutover history: the work directory "
                + work.toAbsolutePath().normalize() + " has no engine");
        assertThat(json.get("files")).hasSize(2);
        for (JsonNode f : json.get("files")) {
            assertThat(Path.of(f.asText())).exists().startsWith(work.toAbsolutePath().resolve("reports"));
        }
        assertThat(Files.readString(Path.of(json.get("files").get(1).asText()))).contains("PLATINUM REFUSED")
                .doesNotContain(TARGET_PASSWORD);
        assertThat(run.out()).doesNotContain(TARGET_PASSWORD);
    }

    @Test
    void afterAMigrationItReadsTheEngineAndReverifiesAgainstMySql(TestDatabases dbs) throws Exception {
        try (Connection c = dbs.source(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE items (id INT NOT NULL PRIMARY KEY, label VARCHAR(20) NOT NULL)");
            st.execute("INSERT INTO items VALUES (1, 'one'), (2, 'two'), (3, 'three')");
        }
        Path work = tmp.resolve("migrated");
        String[] connections = {"--source-url", dbs.sourceUrl(), "--source-user", "root", "--target-url", dbs.targetUrl(),
                "--target-user", "postgres", "--work-dir", work.toString()};
        CliRun migrate = CliRun.of(ENV, concat(new String[]{"migrate", "--yes"}, connections));
        assertThat(migrate.exitCode()).as(migrate.err()).isZero();

        CliRun run = CliRun.of(ENV, concat(new String[]{"report"}, connections));

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ReportCommand.REFUSED);
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0)).startsWith("PLATINUM REFUSED: score ").contains(" of 6 criteria passed; failed: ")
                .contains("uptime").contains("incidents").contains("; next report ");
        assertThat(lines).anyMatch(l -> l.startsWith("  ✅ integrity    amcheck: 1 index(es) and 1 table(s) sound; MySQL: 3 rows"
                + " compared, 0 differ"));
        assertThat(lines).anyMatch(l -> l.startsWith("  ❌ uptime       up ") && l.contains("restarts since the cutover unknown"));
        assertThat(lines).contains("No cutover history: the engine's history holds no cutover run.");
        int written = lines.indexOf("Report written:");
        assertThat(written).isPositive();
        Path md = Path.of(lines.get(written + 1).strip());
        Path html = Path.of(lines.get(written + 2).strip());
        assertThat(md.getFileName().toString()).matches("platinum-\\d{8}T\\d{6}Z\\.md");
        assertThat(md).exists().hasParent(work.toAbsolutePath().normalize().resolve("reports"));
        assertThat(html).exists();
        assertThat(Files.readString(md)).contains("| 1 | **integrity**").contains("| cutover | no cutover history |");
    }

    @Test
    void aRefusedLoginIsOneLineOnStderrAndWritesNothing(TestDatabases dbs) {
        Path work = tmp.resolve("refused");
        // the embedded PostgreSQL trusts loopback logins, but not a role it does not know
        CliRun run = CliRun.of(Map.of("BASCULE_TARGET_PASSWORD", "wrong-secret-7f"), "report", "--json",
                "--target-url", dbs.targetUrl(), "--target-user", "nobody_here", "--work-dir", work.toString());

        assertThat(run.exitCode()).isEqualTo(BasculeCli.FAILED);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip().lines()).hasSize(1);
        assertThat(run.err()).startsWith("error: the target database jdbc:postgresql://127.0.0.1:")
                .contains("refused user 'nobody_here' (wrong user or password); check BASCULE_TARGET_PASSWORD")
                .doesNotContain("wrong-secret-7f");
        assertThat(work.resolve("reports")).doesNotExist();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
