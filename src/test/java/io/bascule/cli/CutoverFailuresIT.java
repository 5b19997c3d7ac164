package io.bascule.cli;

import io.bascule.cli.RollbackWorld.World;
import io.bascule.rollback.ReverseChannel;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static io.bascule.testing.QueryRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cutover command's refusals and failures on real servers (a MariaDB with grant tables on, the application's own
 * logins): a GO word other than {@code GO} freezes nothing and leaves the run waiting at the GO, where
 * {@code cutover --abort} ends it; a failure injected after the GO in Phase 5 (the application's restart fails on
 * PostgreSQL) and in Phase 6 (its health URL does not answer on PostgreSQL) rolls back: MySQL writable for the
 * application again and its .env the original byte for byte. (Phase 7, a failing business check, is in
 * {@link CutoverCommandIT}.)
 */
class CutoverFailuresIT extends WithRollbackWorld {

    /** MySQL takes the application's writes (its own login, through its own .env). */
    private static void applicationWritesOnMysql(World w) throws Exception {
        try (Connection app = CutoverKit.connectAsApplication(w.envFile()); Statement st = app.createStatement()) {
            assertThat(app.getMetaData().getURL()).startsWith("jdbc:mysql:");
            assertThat(st.executeUpdate("UPDATE customers SET code = 'W' WHERE id = 3")).isEqualTo(1);
        }
    }

    @Test
    void aWrongGoWordFreezesNothingAndAnAbortAtTheGoEndsTheRunWithMysqlWritable(TestDatabases dbs) throws Exception {
        World w = CutoverKit.migrated(world, dbs, null);
        String[] lowercase = w.args("cutover", "--confirm", "go");
        CliRun refused = CliRun.of(CutoverKit.env(w), lowercase);
        assertThat(refused.exitCode()).as(refused.out() + refused.err()).isNotZero();
        assertThat(refused.out()).contains("Confirm the war room ✅ (cli)");
        assertThat(refused.err()).contains("'go' is not what task 'Phase 2: Set MySQL read-only' expects")
                .contains("the task stays open");
        assertThat(world.mysqlReadOnly()).isFalse();
        assertThat(Files.readString(w.envFile())).isEqualTo(w.envOriginal());

        CliRun again = CliRun.of(CutoverKit.env(w), w.args("cutover", "--confirm", "GOO"));
        assertThat(again.exitCode()).isNotZero();
        assertThat(again.out()).contains("Resuming cutover");
        assertThat(again.err()).contains("'GOO' is not what task 'Phase 2: Set MySQL read-only' expects");
        assertThat(world.mysqlReadOnly()).isFalse();
        applicationWritesOnMysql(w);

        // the DBA stops the cutover at the GO: nothing was frozen, nothing to roll back
        CliRun abort = CliRun.of(CutoverKit.env(w), w.args("cutover", "--abort", "--reason", "the war room called it off"));
        assertThat(abort.exitCode()).as("an aborted cutover is not a success: " + abort.out() + abort.err()).isNotZero();
        assertThat(abort.out()).contains("Abort sent to cutover").contains("Lift MySQL read-only ✅");
        assertThat(abort.err()).contains("aborted before the switch (the war room called it off)")
                .contains("MySQL is writable, the application stays on MySQL");
        assertThat(world.mysqlReadOnly()).isFalse();
        assertThat(Files.readString(w.envFile())).isEqualTo(w.envOriginal());
        assertThat(ReverseChannel.isArmedOn(w.target())).isFalse();
        applicationWritesOnMysql(w);
        CliRun audit = CliRun.of(CutoverKit.env(w), w.args("audit", "--last", "cutover", "--json"));
        assertThat(audit.out()).contains("ABORTED").doesNotContain("ABORTED_ROLLED_BACK");
        assertThat(abort.out()).containsPattern("Cutover report: .*cutover-.*\\.md");
        CliRun nothing = CliRun.of(CutoverKit.env(w), w.args("cutover", "--abort"));
        assertThat(nothing.err()).contains("no cutover is active");
    }

    @Test
    void withFourEyesTheCommandLineThatStartedTheCutoverCannotGiveItsOwnGo(TestDatabases dbs) throws Exception {
        World w = CutoverKit.migrated(world, dbs, "  cutover:\n    four-eyes: true\n");
        CliRun own = CliRun.of(CutoverKit.env(w), w.args("cutover", "--confirm", "GO"));
        assertThat(own.exitCode()).isNotZero();
        assertThat(own.err()).contains("four-eyes: cli started this cutover, another DBA must give the GO");
        assertThat(world.mysqlReadOnly()).isFalse();
        assertThat(Files.readString(w.envFile())).isEqualTo(w.envOriginal());
        CliRun abort = CliRun.of(CutoverKit.env(w), w.args("cutover", "--abort"));
        assertThat(abort.err()).contains("aborted before the switch");
        assertThat(world.mysqlReadOnly()).isFalse();
    }

    @Test
    void anApplicationThatDoesNotRestartOnPostgresInPhase5IsRolledBack(TestDatabases dbs) throws Exception {
        // the application's service refuses to start on PostgreSQL (its image lacks the driver) and starts on MySQL
        World w = CutoverKit.migrated(world, dbs, "  app:\n    restart-command: echo restart >> restarts.log;"
                + " grep -q '^DATABASE_URL=mysql://' .env || { echo 'no driver for postgresql'; exit 3; }\n");
        CliRun run = CliRun.of(CutoverKit.env(w), w.args("cutover", "--confirm", "GO"));
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.out()).contains("Phase 5: Switch the application to PostgreSQL ❌", "Roll back ✅");
        assertThat(run.err()).contains("ROLLED BACK").contains("restart failed after the switch")
                .contains("exit code 3").contains("no driver for postgresql");
        assertThat(Files.readString(w.envFile())).isEqualTo(w.envOriginal());
        // restarted on PostgreSQL (failed), then on MySQL by the rollback
        assertThat(Files.readString(w.envFile().resolveSibling("restarts.log"))).isEqualTo("restart\nrestart\n");
        assertThat(world.mysqlReadOnly()).isFalse();
        assertThat(ReverseChannel.isArmedOn(w.target())).isFalse();
        applicationWritesOnMysql(w);
        assertThat(run.out() + run.err()).doesNotContain(RollbackWorld.APP_PASSWORD, RollbackWorld.BASCULE_PASSWORD);
        // a failed run leaves its report like a success does, and those who got the start e-mail are told
        String reportLine = run.out().lines().filter(l -> l.startsWith("Cutover report: ")).findFirst().orElseThrow(
                () -> new AssertionError("no report line in " + run.out()));
        String report = Files.readString(Path.of(reportLine.substring("Cutover report: ".length()).strip()));
        assertThat(report).contains("CUTOVER FAILED – ROLLED BACK").contains("restart failed after the switch")
                .contains("Execution checklist").doesNotContain(RollbackWorld.APP_PASSWORD, RollbackWorld.BASCULE_PASSWORD);
        try (var mails = Files.list(w.work().resolve("mail"))) {
            List<Path> ended = mails.filter(p -> p.getFileName().toString().contains("cutover-ended")).toList();
            assertThat(ended).hasSize(1);
            assertThat(Files.readString(ended.get(0))).contains("CUTOVER FAILED").contains("runs on")
                    .doesNotContain(RollbackWorld.APP_PASSWORD, RollbackWorld.BASCULE_PASSWORD);
        }
    }

    @Test
    void anApplicationThatIsNotHealthyOnPostgresInPhase6IsRolledBack(TestDatabases dbs) throws Exception {
        // the health URL answers 200 while the application runs on MySQL (rehearsal, rollback), 503 on PostgreSQL
        try (CutoverKit.Health health = new CutoverKit.Health()) {
            World w = CutoverKit.migrated(world, dbs, Duration.ofSeconds(3), health.config());
            health.watch(w.envFile());
            CliRun run = CliRun.of(CutoverKit.env(w), w.args("cutover", "--confirm", "GO"));
            assertThat(run.exitCode()).isNotZero();
            assertThat(run.out()).contains("Phase 5: Switch the application to PostgreSQL ✅",
                    "Phase 6: Check the application's connection ❌", "Roll back ✅");
            assertThat(run.err()).contains("ROLLED BACK").contains("the application's connection").contains(health.url());
            assertThat(Files.readString(w.envFile())).isEqualTo(w.envOriginal());
            assertThat(world.mysqlReadOnly()).isFalse();
            assertThat(ReverseChannel.isArmedOn(w.target())).isFalse();
            applicationWritesOnMysql(w);
            try (Connection my = world.boss(w.mysqlDb())) {
                assertThat(rows(my, "SELECT code FROM customers WHERE id = 3")).containsExactly(List.of("W"));
            }
        }
    }
}
