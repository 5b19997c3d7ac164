package io.bascule.cli;

import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code migrate} process killed (SIGKILL) in the middle of its copy: a {@code migrate} with other settings is
 * refused, naming what differs; a plain {@code migrate} (no {@code --cancel-stale}) finds the owner dead, takes the run
 * over, resumes after the last committed chunk, and the result has every row exactly once, verified.
 */
@ExtendWith(EmbeddedDatabases.class)
class KilledCopyIT {

    @Test
    @Timeout(300)
    void aKilledCopyResumesWithoutDuplicates(TestDatabases dbs) throws Exception {
        try (Connection c = dbs.source(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE big (id INT NOT NULL PRIMARY KEY, payload VARCHAR(200) NOT NULL, amount DECIMAL(12,2))");
            st.execute("CREATE TABLE digits (d INT NOT NULL PRIMARY KEY)");
            st.execute("INSERT INTO digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)");
            st.execute("INSERT INTO big SELECT n + 1, CONCAT(REPEAT('x', 100), n), n / 100 FROM (SELECT a.d + 10 * b.d + 100 * c.d"
                    + " + 1000 * e.d + 10000 * f.d + 100000 * g.d AS n FROM digits a, digits b, digits c, digits e, digits f, digits g) s"
                    + " WHERE n < 600000");
        }
        Path work = Path.of("target", "killed-copy-it-" + ProcessHandle.current().pid()).toAbsolutePath();
        Files.createDirectories(work);
        Path config = Files.writeString(work.resolve("slow.yml"), """
                bascule:
                  migration:
                    chunk-rows: 2000
                    parallelism: 1
                """);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), "io.bascule.BasculeApplication",
                "migrate", "--yes", "--config", config.toString(), "--work-dir", work.toString(),
                "--source-url", dbs.sourceUrl(), "--source-user", "root", "--target-url", dbs.targetUrl(), "--target-user", "postgres"));
        Process first = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve("first.log").toFile()).start();
        long copiedBeforeKill = 0;
        try (Connection pg = dbs.target(); Statement st = pg.createStatement()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline && first.isAlive()) {
                try (ResultSet rs = st.executeQuery("SELECT coalesce(sum(rows_copied), 0) FROM bascule_state.copy_checkpoint"
                        + " WHERE table_name = 'big'")) {
                    rs.next();
                    copiedBeforeKill = rs.getLong(1);
                } catch (java.sql.SQLException notYet) {
                    // the state table does not exist before the copy starts
                }
                if (copiedBeforeKill >= 20_000) {
                    break;
                }
                Thread.sleep(10);
            }
        }
        first.destroyForcibly().waitFor();
        assertThat(copiedBeforeKill).as("killed in the middle of the copy").isBetween(20_000L, 599_999L);
        long rowsAfterKill;
        try (Connection pg = dbs.target(); Statement st = pg.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM big")) {
            rs.next();
            rowsAfterKill = rs.getLong(1);
        }
        assertThat(rowsAfterKill).as("only committed chunks are in the target").isLessThan(600_000L);

        List<String> otherSettings = new ArrayList<>(command.subList(5, command.size()));
        otherSettings.addAll(List.of("--target-schema", "elsewhere"));
        CliRun refused = CliRun.of(Map.of(), otherSettings.toArray(String[]::new));
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("was run by migrate (pid " + first.pid()).contains("which is gone")
                .contains("target schema: 'elsewhere' here, 'public' in the run").contains("--cancel-stale");
        assertThat(refused.err().strip()).doesNotContain("\n");

        // the dead owner (this host, same settings) is detected: a plain migrate takes the run over and resumes it
        CliRun again = CliRun.of(Map.of(), command.subList(5, command.size()).toArray(String[]::new));
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("Took over process instance").contains("its owner migrate (pid " + first.pid())
                .contains("restarted its step 'Copy table data'")
                .contains("GOLD: 600,010 rows in 2 tables verified identical");
        try (Connection pg = dbs.target(); Statement st = pg.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT id), sum(amount) FROM big")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(600_000);
            assertThat(rs.getLong(2)).isEqualTo(600_000);
        }
        assertThat(Files.readString(work.resolve("first.log"))).doesNotContain("GOLD certificate written");
    }
}
