package io.bascule.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bin/bascule on the jar that {@code package} built: the first run prepares the unpacked application and its
 * class-data-sharing archive, later runs use them without preparing again, a rebuilt jar is prepared again,
 * and bad settings get a clear error.
 */
class LauncherPackagedIT {

    private static final Path LAUNCHER = Path.of("bin", "bascule").toAbsolutePath();
    private static final Path JAR = Path.of("target", "bascule.jar").toAbsolutePath();

    record Run(int exit, String output) {
    }

    private static Path scratch;

    @org.junit.jupiter.api.AfterAll
    static void removeScratch() {
        io.bascule.testing.StaleTestDirs.deleteTree(scratch);   // several unpacked copies of the 220 MB jar
    }

    @BeforeAll
    static void scratch() throws IOException {
        Files.createDirectories(Path.of("target", "launcher-it"));
        scratch = Files.createTempDirectory(Path.of("target", "launcher-it"), "run-").toAbsolutePath();
    }

    private static Run run(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("JAVA_OPTS");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "launcher did not end");
        return new Run(p.exitValue(), out);
    }

    @Test
    void firstRunPreparesTheArchiveAndLaterRunsUseIt() throws Exception {
        Path app = scratch.resolve("app");
        Map<String, String> env = Map.of("BASCULE_APP_DIR", app.toString());

        Run first = run(env, "--version");
        assertEquals(0, first.exit(), first.output());
        assertTrue(first.output().contains("preparing a faster start-up"), first.output());
        assertTrue(first.output().contains("bascule "), first.output());
        assertTrue(Files.size(app.resolve("bascule.jsa")) > 1_000_000, "archive recorded");
        assertTrue(Files.isRegularFile(app.resolve("bascule.jar")));
        String log = Files.readString(app.resolve("warm-up.log"));
        // Spring Boot's training run (-Dspring.context.exit=onRefresh) stops the JVM when the context is refreshed:
        // the engine was built and the models deployed by then, and the command did not get to its own end
        assertTrue(log.contains("Process definition goldMigration"), "the models were deployed: " + log);
        assertFalse(log.contains("warm-up done"), "the JVM stopped at the refresh: " + log);
        assertFalse(Files.exists(app.resolve("warm-up-work")), "warm-up scratch work directory removed");
        try (Stream<Path> left = Files.list(app)) {
            assertEquals(List.of("bascule.jar", "bascule.jsa", "lib", "stamp", "warm-up.log"),
                    left.map(p -> p.getFileName().toString()).sorted().toList(), "nothing else left next to the archive");
        }

        Run second = run(env, "--version");
        assertEquals(0, second.exit(), second.output());
        assertFalse(second.output().contains("preparing"), second.output());
        assertEquals(first.output().lines().filter(l -> l.startsWith("bascule ")).toList(),
                second.output().lines().filter(l -> l.startsWith("bascule ")).toList());

        // a usage error goes through the launcher with the CLI's own exit code
        Run usage = run(env, "no-such-command");
        assertEquals(2, usage.exit(), usage.output());
        assertTrue(usage.output().contains("no-such-command"), usage.output());
    }

    @Test
    void aLinkToTheLauncherAndTwoFirstRunsAtOnceWork() throws Exception {
        Path link = scratch.resolve("bascule-link");
        Files.createSymbolicLink(link, LAUNCHER);
        Path app = scratch.resolve("app-link");
        List<String> command = List.of(link.toString(), "--version");
        List<Process> both = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            pb.environment().put("BASCULE_APP_DIR", app.toString());
            both.add(pb.start());
        }
        int preparing = 0;
        for (Process p : both) {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("bascule "), out);
            preparing += out.contains("preparing") ? 1 : 0;
        }
        assertEquals(1, preparing, "one of two simultaneous first runs prepares, the other waits for it");
        assertTrue(Files.size(app.resolve("bascule.jsa")) > 1_000_000);
    }

    @Test
    void aRebuiltJarIsPreparedAgain() throws Exception {
        Path copy = scratch.resolve("copy.jar");
        Files.copy(JAR, copy);
        Map<String, String> env = new HashMap<>(Map.of("BASCULE_JAR", copy.toString(), "BASCULE_APP_DIR", scratch.resolve("app2").toString()));
        assertTrue(run(env, "--version").output().contains("preparing"));
        assertTrue(copy.toFile().setLastModified(System.currentTimeMillis() + 5_000));
        Run again = run(env, "--version");
        assertEquals(0, again.exit(), again.output());
        assertTrue(again.output().contains("preparing"), "a changed jar is prepared again: " + again.output());
    }

    @Test
    void badSettingsGetAClearError() throws Exception {
        Run jit = run(Map.of("BASCULE_JIT", "fastest", "BASCULE_APP_DIR", scratch.resolve("app3").toString()), "--version");
        assertEquals(2, jit.exit());
        assertTrue(jit.output().contains("BASCULE_JIT must be quick or full"), jit.output());
        assertFalse(Files.exists(scratch.resolve("app3")), "nothing prepared on a usage error");

        Run noJar = run(Map.of("BASCULE_JAR", scratch.resolve("missing.jar").toString()), "--version");
        assertEquals(1, noJar.exit());
        assertTrue(noJar.output().contains("mvn -B -ntp package"), noJar.output());
    }

    @Test
    void aFolderThatCannotBeMadeFallsBackToThePackedJar() throws Exception {
        Path file = scratch.resolve("a-file");
        Files.writeString(file, "not a folder");
        Run r = run(Map.of("BASCULE_APP_DIR", file.resolve("app").toString()), "--version");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("bascule "), r.output());
        assertFalse(r.output().contains("preparing"), r.output());
    }
}
