package io.bascule.cli;

import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code bascule warm-up} (hidden): the class-data-sharing training run of the launcher {@code bin/bascule}, done
 * the way Spring Boot documents it ({@code java -XX:ArchiveClassesAtExit=... -Dspring.context.exit=onRefresh}).
 * It starts the application as a CLI command does (no web server) on a scratch work directory, with every bean
 * created during the refresh (a CLI command creates its beans lazily, so without that the engine would not be built
 * before the exit): the engine and its database, the models deployed. With {@code -Dspring.context.exit=onRefresh}
 * the JVM stops at the end of the refresh and writes the archive; without it the command closes the application and
 * deletes the scratch directory itself. It touches no migration database.
 */
@Command(name = "warm-up", hidden = true, mixinStandardHelpOptions = true,
        description = "Start the engine on a scratch work directory and exit (used by bin/bascule to record a faster start)")
final class WarmUpCommand implements Callable<Integer> {

    private final BasculeCli.Context context;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "scratch work directory (default: a new temporary one, deleted at the end); bin/bascule gives"
                    + " one and deletes it, since -Dspring.context.exit=onRefresh stops the JVM before this command ends")
    Path workDir;

    WarmUpCommand(BasculeCli.Context context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        Path scratch = workDir != null ? workDir : Files.createTempDirectory("bascule-warm-up-");
        try {
            Map<String, String> settings = new HashMap<>(Map.of("bascule.work-dir", scratch.toString(),
                    "spring.main.lazy-initialization", "false"));
            EngineLock lock = EngineLock.acquire(settings, "warm-up"); // as the runbook commands do: the job executor runs
            try (lock; ConfigurableApplicationContext app = SpringLauncher.startHeadless(settings, context)) {
                context.out().println("warm-up done");
            }
            return BasculeCli.OK;
        } finally {
            if (workDir == null) {
                deleteTree(scratch);
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
