package io.bascule.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bascule.demo.SampleDatabase;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code audit} after a real {@code migrate} on embedded MariaDB and PostgreSQL: the JSON names the process, who
 * started it, every step with its timing and outcome, the review task with who completed it and the values given,
 * and neither it nor the Markdown and HTML files hold the passwords the run was given.
 */
@ExtendWith(EmbeddedDatabases.class)
class AuditCommandIT {

    /** Passwords the run gets through the environment (the shared test servers accept any). */
    static final String SOURCE_PASSWORD = "src-Pw-4f9d2c-audit";
    static final String TARGET_PASSWORD = "tgt-Pw-7b1e5a-audit";
    static final Map<String, String> ENV = Map.of("BASCULE_SOURCE_PASSWORD", SOURCE_PASSWORD,
            "BASCULE_TARGET_PASSWORD", TARGET_PASSWORD);

    @Test
    void auditOfAGoldMigrationNamesEveryStepTheReviewerAndNoSecret(TestDatabases dbs) throws Exception {
        try (Connection c = dbs.source()) {
            SampleDatabase.load(c);
        }
        Path work = Path.of("target", "audit-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime()).toAbsolutePath();
        CliRun migrate = CliRun.of(ENV, "migrate", "--source-url", dbs.sourceUrl(), "--source-user", "root",
                "--target-url", dbs.targetUrl(), "--target-user", "postgres", "--work-dir", work.toString(), "--yes");
        assertThat(migrate.exitCode()).as(migrate.err()).isZero();
        String instanceId = migrate.out().replaceAll("(?s).*GOLD migration started \\(process instance ([^)]+)\\).*", "$1");

        CliRun audit = CliRun.of(ENV, "audit", "--last", "goldMigration", "--json", "--work-dir", work.toString());
        assertThat(audit.exitCode()).as(audit.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(audit.out());
        assertThat(json.path("processKey").asText()).isEqualTo("goldMigration");
        assertThat(json.path("instanceId").asText()).isEqualTo(instanceId);
        assertThat(json.path("state").asText()).isEqualTo("COMPLETED");
        assertThat(json.path("startedBy").asText()).isEqualTo("cli");
        assertThat(json.path("version").asInt()).isEqualTo(1);
        assertThat(json.path("start").asText()).isNotBlank();
        assertThat(json.path("end").asText()).isNotBlank();
        assertThat(json.path("durationMs").asLong()).isPositive();
        assertThat(json.path("outcome").path("name").asText()).isIn("GOLD certified", "GOLD state reached");

        List<String> names = new ArrayList<>();
        JsonNode review = null;
        for (JsonNode step : json.path("steps")) {
            names.add(step.path("name").asText());
            assertThat(step.has("type") && step.has("start") && step.has("outcome")).as(step.toString()).isTrue();
            assertThat(step.path("outcome").asText()).as(step.toString()).isEqualTo("completed");
            assertThat(step.path("end").asText()).as(step.toString()).isNotBlank();
            assertThat(step.path("durationMs").isNumber()).as(step.toString()).isTrue();
            if ("userTask".equals(step.path("type").asText())) {
                review = step;
            }
        }
        assertThat(names).containsSubsequence("Run pre-flight checks", "Read schema and plan conversion", "Review schema conversion",
                "Create target tables", "Copy table data", "Create indexes, constraints and sequences", "Verify every row",
                "Write GOLD certificate");
        assertThat(review).isNotNull();
        assertThat(review.path("name").asText()).isEqualTo("Review schema conversion");
        assertThat(review.path("user").asText()).isEqualTo("cli");

        JsonNode task = json.path("tasks").get(0);
        assertThat(task.path("name").asText()).isEqualTo("Review schema conversion");
        assertThat(task.path("completedBy").asText()).isEqualTo("cli");
        assertThat(task.path("completedAt").asText()).isNotBlank();
        assertThat(task.path("candidateGroups").toString()).contains("dba");
        assertThat(task.path("values").path("approved").asBoolean()).isTrue();
        assertThat(task.path("values").path("reviewComment").asText()).isEqualTo("approved from the CLI (--yes)");

        assertThat(json.path("variables").path("rowsCopied").asLong()).isEqualTo(105_711);
        assertThat(json.path("incidents").size()).isZero();
        assertThat(json.path("path").path("activities").toString()).contains("\"" + review.path("activityId").asText() + "\"");
        assertThat(json.path("path").path("flows").size()).isGreaterThan(5);
        assertThat(audit.out()).doesNotContain(SOURCE_PASSWORD).doesNotContain(TARGET_PASSWORD);

        CliRun files = CliRun.of(ENV, "audit", instanceId, "--work-dir", work.toString());
        assertThat(files.exitCode()).as(files.err()).isZero();
        Path md = work.resolve("audit").resolve("audit-goldMigration-" + instanceId + ".md");
        Path html = work.resolve("audit").resolve("audit-goldMigration-" + instanceId + ".html");
        assertThat(files.out()).contains(md.toString()).contains(html.toString()).contains("COMPLETED").contains("started by cli");
        String markdown = Files.readString(md);
        String page = Files.readString(html);
        assertThat(markdown).contains("# Audit trail: GOLD migration (goldMigration)", "Review schema conversion",
                "completed by: cli", "approved from the CLI (--yes)", "Copy table data");
        assertThat(page).startsWith("<!DOCTYPE html>").contains("Review schema conversion", "approved from the CLI (--yes)");
        for (String text : List.of(markdown, page)) {
            assertThat(text).doesNotContain(SOURCE_PASSWORD).doesNotContain(TARGET_PASSWORD);
        }

        CliRun latest = CliRun.of(ENV, "audit", "--json", "--work-dir", work.toString());
        assertThat(latest.exitCode()).as(latest.err()).isZero();
        assertThat(new ObjectMapper().readTree(latest.out()).path("instanceId").asText()).as("no argument: the most recent run")
                .isEqualTo(instanceId);

        CliRun unknownKey = CliRun.of(Map.of(), "audit", "--last", "noSuchProcess", "--work-dir", work.toString());
        assertThat(unknownKey.exitCode()).isEqualTo(1);
        assertThat(unknownKey.err()).startsWith("error: no process 'noSuchProcess' is deployed").contains("goldMigration");
        CliRun noRun = CliRun.of(Map.of(), "audit", "--last", "cutover", "--work-dir", work.toString());
        assertThat(noRun.exitCode()).isEqualTo(1);
        assertThat(noRun.err()).contains("no run of 'cutover'");
    }

    @Test
    void auditOfARunWaitingForReviewOfACancelledOneAndOfAFailedOne(TestDatabases dbs) throws Exception {
        try (Connection c = dbs.source()) {
            SampleDatabase.load(c);
        }
        Path work = Path.of("target", "audit-states-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime()).toAbsolutePath();
        String[] base = {"--source-url", dbs.sourceUrl(), "--source-user", "root", "--target-url", dbs.targetUrl(),
                "--target-user", "postgres", "--work-dir", work.toString()};
        CliRun waiting = CliRun.of(ENV, concat(new String[]{"migrate"}, base));
        assertThat(waiting.exitCode()).as("no --yes, no terminal: stops at the review").isEqualTo(1);
        CliRun audit = CliRun.of(ENV, "audit", "--json", "--work-dir", work.toString());
        assertThat(audit.exitCode()).as(audit.err()).isZero();
        JsonNode running = new ObjectMapper().readTree(audit.out());
        String waitingId = running.path("instanceId").asText();
        assertThat(running.path("state").asText()).isEqualTo("ACTIVE");
        assertThat(running.has("outcome")).isFalse();
        assertThat(running.has("end")).isFalse();
        JsonNode last = running.path("steps").get(running.path("steps").size() - 1);
        assertThat(last.path("name").asText()).isEqualTo("Review schema conversion");
        assertThat(last.path("outcome").asText()).isEqualTo("active");
        assertThat(running.path("tasks").get(0).has("completedBy")).isFalse();

        String[] noSuchSource = base.clone();
        noSuchSource[1] = dbs.mariaDb().jdbcUrl("no_such_db");
        CliRun failed = CliRun.of(ENV, concat(new String[]{"migrate", "--yes", "--cancel-stale"}, noSuchSource));
        assertThat(failed.exitCode()).isEqualTo(1);

        JsonNode cancelled = new ObjectMapper().readTree(CliRun.of(ENV, "audit", waitingId, "--json", "--work-dir", work.toString()).out());
        assertThat(cancelled.path("state").asText()).endsWith("_TERMINATED");
        assertThat(cancelled.path("outcome").path("message").asText()).contains("--cancel-stale");

        JsonNode failure = new ObjectMapper().readTree(CliRun.of(ENV, "audit", "--last", "goldMigration", "--json",
                "--work-dir", work.toString()).out());
        assertThat(failure.path("instanceId").asText()).isNotEqualTo(waitingId);
        assertThat(failure.path("state").asText()).isEqualTo("COMPLETED");
        assertThat(failure.path("outcome").path("name").asText()).isEqualTo("Migration failed");
        JsonNode preflight = null;
        for (JsonNode step : failure.path("steps")) {
            if ("Run pre-flight checks".equals(step.path("name").asText())) {
                preflight = step;
            }
        }
        assertThat(preflight).as(failure.toString()).isNotNull();
        assertThat(preflight.path("outcome").asText()).as("ended by the model's MIGRATION_FAILED error").isEqualTo("error");
        assertThat(failure.path("variables").path("failureReason").asText()).contains("no_such_db");
        assertThat(failure.toString()).doesNotContain(SOURCE_PASSWORD).doesNotContain(TARGET_PASSWORD);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void anUnknownInstanceIsOneClearLine() {
        Path work = Path.of("target", "audit-unknown-it-" + ProcessHandle.current().pid()).toAbsolutePath();
        CliRun unknownId = CliRun.of(Map.of(), "audit", "no-such-instance", "--work-dir", work.toString());
        assertThat(unknownId.exitCode()).isEqualTo(1);
        assertThat(unknownId.err()).startsWith("error: no process instance 'no-such-instance'").contains("--last KEY");
        CliRun nothing = CliRun.of(Map.of(), "audit", "--work-dir", work.toString());
        assertThat(nothing.exitCode()).isEqualTo(1);
        assertThat(nothing.err()).startsWith("error: the engine history of this work directory holds no run yet");
    }
}
