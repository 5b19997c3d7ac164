package io.bascule.cli;

import io.bascule.process.ProcessDeployer;
import org.camunda.bpm.engine.RepositoryService;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;

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
 * {@code bascule warm-up} (hidden): the training run of the launcher {@code bin/bascule}. It goes through what
 * every CLI command's start goes through (the engine on a scratch work directory, the models deployed, the
 * database drivers and the migration classes loaded) and exits, so that the JVM can record those classes in
 * a class-data-sharing archive that later starts map instead of loading the classes again; next to the unpacked jar
 * it leaves a copy of its fresh engine database, which new work directories start from ({@link EngineTemplate}). It
 * touches no migration database and writes nothing else outside its scratch directory, which it deletes.
 */
@Command(name = "warm-up", hidden = true, mixinStandardHelpOptions = true,
        description = "Start the engine on a scratch work directory and exit (used by bin/bascule to record a faster start)")
final class WarmUpCommand implements Callable<Integer> {

    /** Classes every runbook command loads after the start; named so that the archive holds them too. */
    private static final String[] LOADED_LATER = {
            "com.mysql.cj.jdbc.Driver", "org.postgresql.Driver",
            "io.bascule.migration.MigrationService", "io.bascule.migration.CopyEngine",
            "io.bascule.migration.Verifier", "io.bascule.migration.ConversionPlanner",
            "io.bascule.migration.ValueCodec", "io.bascule.migration.JsonCanonical",
            "io.bascule.migration.RangeSum", "io.bascule.migration.PgHash",
            "io.bascule.database.MySqlDialect", "io.bascule.database.PostgresDialect",
    };

    /**
     * The classes a migration loads after the start-up (drivers, the copy and verification, the engine's job
     * execution, JSON...), recorded from real runs by bench/record-warm-up-classes.sh. Loaded here (not initialised)
     * so that the archive holds them: a migration then neither reads nor verifies them (-0.2 CPU-s). A name that no
     * longer exists after an upgrade only costs that speed.
     */
    static final String CLASSES_AFTER_START = "cds/classes-after-start.txt";

    private final BasculeCli.Context context;

    WarmUpCommand(BasculeCli.Context context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        Path scratch = Files.createTempDirectory("bascule-warm-up-");
        try {
            Map<String, String> settings = new HashMap<>(Map.of("bascule.work-dir", scratch.toString()));
            EngineLock lock = EngineLock.acquire(settings, "warm-up"); // as the runbook commands do: the job executor runs
            try (lock; ConfigurableApplicationContext app = SpringLauncher.startHeadless(settings, context)) {
                app.getBean(ProcessDeployer.class);
                RepositoryService repository = app.getBean(RepositoryService.class);
                repository.createProcessDefinitionQuery().latestVersion().list()
                        .forEach(d -> repository.getBpmnModelInstance(d.getId()));
                ClassLoader loader = WarmUpCommand.class.getClassLoader();
                for (String name : LOADED_LATER) {
                    Class.forName(name, true, loader);
                }
                int[] loaded = loadListed(loader);
                context.out().println("warm-up: " + loaded[0] + " of " + loaded[1] + " classes of "
                        + CLASSES_AFTER_START + " loaded");
                Path template = EngineTemplate.location();
                if (template != null) {
                    try {
                        EngineTemplate.write(app.getBean(javax.sql.DataSource.class), template);
                    } catch (Exception e) {
                        // the archive matters more: without a template new work directories create their engine database
                        context.err().println("no engine database template: " + BasculeCli.oneLine(e));
                    }
                }
            }
            context.out().println("warm-up done");
            return BasculeCli.OK;
        } finally {
            deleteTree(scratch);
        }
    }

    /** The class names in {@link #CLASSES_AFTER_START} (none when it is missing). */
    static java.util.List<String> listedClasses(ClassLoader loader) throws IOException {
        try (java.io.InputStream in = loader.getResourceAsStream(CLASSES_AFTER_START)) {
            if (in == null) {
                return java.util.List.of();
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        }
    }

    /** Loads the listed classes; returns {loaded, listed}. */
    static int[] loadListed(ClassLoader loader) throws IOException {
        java.util.List<String> names = listedClasses(loader);
        int loaded = 0;
        for (String name : names) {
            try {
                Class.forName(name, false, loader);
                loaded++;
            } catch (ClassNotFoundException | LinkageError e) {
                // renamed or gone since the list was recorded: it is just not in the archive
            }
        }
        return new int[]{loaded, names.size()};
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
