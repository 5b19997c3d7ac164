package io.bascule.cli;

import io.bascule.demo.SampleDatabase;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code migrate} at a terminal (a pseudo-terminal from util-linux {@code script}): the plan is shown and the
 * review is answered at the prompt; anything but "yes" rejects it and nothing is written.
 */
@ExtendWith(EmbeddedDatabases.class)
class ReviewPromptIT {

    private Process start(TestDatabases dbs, Path work, String... more) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> words = new java.util.ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "io.bascule.BasculeApplication", "migrate", "--work-dir", work.toString(), "--source-url", dbs.sourceUrl(),
                "--source-user", "root", "--target-url", dbs.targetUrl(), "--target-user", "postgres"));
        words.addAll(List.of(more));
        String command = String.join(" ", words);
        return new ProcessBuilder("script", "-qefc", command, "/dev/null").redirectErrorStream(true)
                .redirectOutput(work.resolve("terminal.log").toFile()).start();
    }

    private static void answerWhenAsked(Process p, Path log, String answer) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && p.isAlive()) {
            if (Files.exists(log) && Files.readString(log).contains("Type yes to approve:")) {
                try (OutputStream in = p.getOutputStream()) {
                    in.write((answer + "\n").getBytes(StandardCharsets.UTF_8));
                }
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no prompt; terminal shows: " + (Files.exists(log) ? Files.readString(log) : "nothing"));
    }

    @Test
    @Timeout(240)
    void theReviewIsAnsweredAtTheTerminalPrompt(TestDatabases dbs) throws Exception {
        try (Connection c = dbs.source()) {
            SampleDatabase.load(c);
        }
        Path root = Path.of("target", "review-prompt-it-" + ProcessHandle.current().pid()).toAbsolutePath();
        Path rejected = Files.createDirectories(root.resolve("rejected"));
        // into a schema that does not exist yet: the plan says it is created; rejected, it is not
        Process no = start(dbs, rejected, "--target-schema", "Review-Schema");
        answerWhenAsked(no, rejected.resolve("terminal.log"), "no");
        assertThat(no.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(no.exitValue()).isEqualTo(1);
        assertThat(Files.readString(rejected.resolve("terminal.log"))).contains("Conversion plan:").contains("Conversion rejected ❌")
                .contains("GOLD migration ended 'Conversion rejected'")
                .contains("schema \"Review-Schema\" does not exist: it is created (CREATE SCHEMA, owned by the target user) after approval");
        try (Connection pg = dbs.target(); Statement st = pg.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_schema IN ('public', 'Review-Schema')")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
        try (Connection pg = dbs.target(); Statement st = pg.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_namespace WHERE nspname IN ('Review-Schema', 'bascule_state')")) {
            rs.next();
            assertThat(rs.getLong(1)).as("a rejected review leaves no schema").isZero();
        }

        Path approved = Files.createDirectories(root.resolve("approved"));
        Process yes = start(dbs, approved);
        answerWhenAsked(yes, approved.resolve("terminal.log"), "yes");
        assertThat(yes.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(yes.exitValue()).as(Files.readString(approved.resolve("terminal.log"))).isZero();
        assertThat(Files.readString(approved.resolve("terminal.log"))).contains("GOLD: 105,711 rows in 4 tables verified identical");
    }
}
