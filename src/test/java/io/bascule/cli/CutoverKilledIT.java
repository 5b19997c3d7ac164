package io.bascule.cli;

import io.bascule.cli.RollbackWorld.World;
import io.bascule.rollback.ReverseChannel;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.bascule.testing.QueryRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code cutover --confirm GO} process killed (SIGKILL) between phases, after the switch, while Phase 6 waits for the
 * application's health URL: MySQL stays frozen, the application switched, the way back armed. The same command run
 * again takes the run over from its dead owner, restarts the step that stood and finishes the cutover; no step is
 * applied twice in effect (one capture trigger per table, one reverse position, the original .env kept once and
 * still the original), and the rollback afterwards puts the original back byte for byte.
 */
class CutoverKilledIT extends WithRollbackWorld {

    @Test
    @Timeout(300)
    void aCutoverKilledAfterTheSwitchResumesWhereItStoodAndAppliesNoStepTwice(TestDatabases dbs) throws Exception {
        try (CutoverKit.Health health = new CutoverKit.Health()) {
            // the application is slow to come up on PostgreSQL: Phase 6 waits for its health URL (up to 2 minutes)
            World w = CutoverKit.migrated(world, dbs, Duration.ofSeconds(120), health.config());
            health.watch(w.envFile());
            try (Connection my = world.boss(w.mysqlDb()); Statement st = my.createStatement()) {
                st.executeUpdate("UPDATE customers SET name = 'changed after GOLD' WHERE id = 2");
                st.executeUpdate("INSERT INTO customers (id, name) VALUES (50, 'new after GOLD')");
            }
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-cp", System.getProperty("java.class.path"), "io.bascule.BasculeApplication"));
            command.addAll(List.of(w.args("cutover", "--confirm", "GO")));
            Path log = w.work().resolveSibling(w.work().getFileName() + "-first.log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(CutoverKit.env(w));
            Process first = builder.start();
            try {
                CutoverKit.await("Phase 6 polling the health URL after the switch", Duration.ofSeconds(150),
                        () -> health.requestsOnPostgres.get() > 0 || !first.isAlive());
                assertThat(first.isAlive()).as("still in Phase 6: " + read(log)).isTrue();
            } finally {
                first.destroyForcibly().waitFor();
            }
            String firstOut = read(log);
            assertThat(firstOut).contains("Phase 5: Switch the application to PostgreSQL ✅").doesNotContain("CUTOVER SUCCESSFUL");
            // where the killed run stood: MySQL frozen, the application switched, the way back armed
            assertThat(world.mysqlReadOnly()).isTrue();
            assertThat(CutoverKit.databaseUrl(w.envFile())).isEqualTo(w.pgAppUrl());
            assertThat(ReverseChannel.isArmedOn(w.target())).isTrue();
            String switched = Files.readString(w.envFile());

            health.onPostgres.set(200);   // the application is healthy on PostgreSQL now
            CliRun again = CliRun.of(CutoverKit.env(w), w.args("cutover", "--confirm", "GO"));
            assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
            assertThat(again.out()).contains("Resuming cutover").contains("Took over process instance")
                    .contains("its owner cutover (pid " + first.pid()).contains("restarted its step 'Phase 6: Check the application's connection'")
                    .contains("CUTOVER SUCCESSFUL");
            assertThat(again.out() + again.err()).doesNotContain(RollbackWorld.APP_PASSWORD, RollbackWorld.BASCULE_PASSWORD);

            // the data carried once, the switch applied once
            assertThat(w.identical()).isTrue();
            try (Connection pg = w.dbs().target()) {
                assertThat(rows(pg, "SELECT name FROM customers WHERE id IN (2, 50) ORDER BY id"))
                        .containsExactly(List.of("changed after GOLD"), List.of("new after GOLD"));
                assertThat(rows(pg, "SELECT tgrelid::regclass::text, count(*) FROM pg_trigger WHERE tgname LIKE 'bascule%'"
                        + " GROUP BY 1 ORDER BY 1")).containsExactly(List.of("customers", "1"), List.of("order_lines", "1"));
            }
            try (Connection my = world.boss(w.mysqlDb())) {
                assertThat(rows(my, "SELECT count(*) FROM bascule_state_reverse_position")).containsExactly(List.of("1"));
            }
            assertThat(Files.readString(w.envFile())).isEqualTo(switched);
            assertThat(CutoverKit.keptOriginal(w)).isEqualTo(w.envOriginal());
            assertThat(world.mysqlReadOnly()).isTrue();
            CliRun audit = CliRun.of(CutoverKit.env(w), w.args("audit", "--last", "cutover", "--json"));
            assertThat(audit.exitCode()).as(audit.err()).isZero();
            assertThat(count(audit.out(), "Phase 5: Switch the application to PostgreSQL")).as(audit.out()).isEqualTo(1);
            assertThat(count(audit.out(), "Phase 2: Freeze MySQL")).isEqualTo(1);

            // the way back still works from here: the original .env byte for byte, MySQL writable
            try (Connection app = w.pgApp(); Statement st = app.createStatement()) {
                st.executeUpdate("INSERT INTO customers (id, name, name_upper, active) VALUES (51, 'after the resume', 'AFTER THE RESUME', true)");
            }
            CliRun rollback = CliRun.of(CutoverKit.env(w), w.args("rollback", "--reason", "after the resumed cutover"));
            assertThat(rollback.exitCode()).as(rollback.out() + rollback.err()).isZero();
            assertThat(Files.readString(w.envFile())).isEqualTo(w.envOriginal());
            assertThat(world.mysqlReadOnly()).isFalse();
            try (Connection my = world.boss(w.mysqlDb())) {
                assertThat(rows(my, "SELECT name FROM customers WHERE id = 51")).containsExactly(List.of("after the resume"));
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "(" + e + ")";
        }
    }

    private static int count(String text, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
