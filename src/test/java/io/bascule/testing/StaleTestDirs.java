package io.bascule.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The integration tests keep their servers' data and work directories under {@code target/}, named with the pid of
 * the test JVM, so that a failed run can be looked at (several hundred MB each). Each new run deletes those of runs
 * whose JVM is gone, so that repeated runs do not fill the disk: only the last run's stay.
 */
public final class StaleTestDirs {

    private static final Pattern IT_DIR = Pattern.compile(".*-it-(\\d+)(-\\d+)?");
    private static final Pattern PID = Pattern.compile("\\d+");
    private static volatile boolean done;

    private StaleTestDirs() {
    }

    public static synchronized void clean() {
        if (done) {
            return;
        }
        done = true;
        Path target = Path.of("target").toAbsolutePath();
        deleteStale(target, IT_DIR);
        deleteStale(target.resolve("embedded-servers"), PID);
    }

    private static void deleteStale(Path dir, Pattern pattern) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                Matcher m = pattern.matcher(p.getFileName().toString());
                if (!Files.isDirectory(p) || !m.matches()) {
                    continue;
                }
                long pid = Long.parseLong(m.groupCount() > 0 ? m.group(1) : m.group());
                boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                if (!alive) {
                    deleteTree(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a file vanishing meanwhile: what is left goes at the next run
        }
    }
}
