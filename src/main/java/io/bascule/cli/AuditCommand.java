package io.bascule.cli;

import io.bascule.config.ConfigException;
import io.bascule.report.AuditDocuments;
import io.bascule.report.AuditReport;
import io.bascule.report.AuditTrail;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.TaskService;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code audit}: the audit trail of one run (finished or running) from the engine's history in the work directory:
 * JSON on stdout with {@code --json}, otherwise Markdown and HTML files. It only reads: the job executor stays off,
 * so that a step of a run owned by another process is never picked up here.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Audit trail of a runbook run: steps, who did what and when, incidents, variables (no secrets)")
final class AuditCommand implements Callable<Integer> {

    private final BasculeCli.Context context;

    @Mixin
    RunbookOptions options;

    static final class Which {
        @Parameters(index = "0", arity = "0..1", paramLabel = "INSTANCE_ID", description = "process instance id (default: the most recent run)")
        String instanceId;

        @Option(names = "--last", paramLabel = "PROCESS_KEY", description = "the most recent run of this process (e.g. goldMigration)")
        String lastKey;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Which which;

    @Option(names = "--json", description = "print the audit as one JSON object instead of writing files")
    boolean json;

    @Option(names = "--out", paramLabel = "DIR", description = "where the Markdown and HTML files go (default <work-dir>/audit)")
    Path out;

    AuditCommand(BasculeCli.Context context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Map<String, String> settings = options.resolve(context, null);
        // a reader takes no EngineLock, so SpringLauncher leaves its job executor off: it never executes a job of a
        // run (a running serve or migrate owns them)
        try (ConfigurableApplicationContext app = SpringLauncher.startHeadless(settings, context)) {
            AuditTrail trail = new AuditTrail(app.getBean(HistoryService.class), app.getBean(RepositoryService.class),
                    app.getBean(TaskService.class));
            String id = instanceId(trail);
            AuditReport report = trail.of(id).orElseThrow(() -> new ConfigException("no process instance '" + id
                    + "' in the engine history of " + settings.get("bascule.work-dir") + "; run `bascule audit` for the most"
                    + " recent run, `bascule audit --last KEY` for the last run of a process, or check --work-dir"));
            if (json) {
                context.out().println(AuditDocuments.json(report));
                return BasculeCli.OK;
            }
            Path dir = out != null ? out.toAbsolutePath() : Path.of(settings.get("bascule.work-dir")).resolve("audit");
            List<Path> files = AuditDocuments.write(report, dir);
            context.out().println(AuditDocuments.summary(report));
            for (Path f : files) {
                context.out().println("  " + f);
            }
            return BasculeCli.OK;
        }
    }

    private String instanceId(AuditTrail trail) {
        if (which != null && which.instanceId != null) {
            return which.instanceId.strip();
        }
        String key = which == null ? null : which.lastKey;
        if (key != null && !trail.isDeployed(key)) {
            throw new ConfigException("no process '" + key + "' is deployed in this work directory; known process keys: "
                    + String.join(", ", trail.deployedKeys()));
        }
        return trail.latest(key).orElseThrow(() -> new ConfigException(key == null
                ? "the engine history of this work directory holds no run yet; start one (e.g. `bascule migrate`) or check --work-dir"
                : "no run of '" + key + "' in the engine history of this work directory yet"));
    }
}
