package io.bascule.cli;

import io.bascule.process.ProcessDeployer;
import io.bascule.process.ProcessKeys;
import io.bascule.process.ProcessVariables;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ProcessEngine;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code verify}: compares every row of source and target now, with the plan of the last migration, as an instance
 * of the goldVerification process (so that who verified, when, and with what result stays in the audit trail).
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Compare every row of source and target and report differences")
final class VerifyCommand implements Callable<Integer> {

    private final BasculeCli.Context context;

    @Mixin
    RunbookOptions options;

    VerifyCommand(BasculeCli.Context context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> settings = options.resolve(context, null);
        options.requireConnections(settings, context);
        EngineLock lock = EngineLock.acquire(settings, "verify"); // one job-executing node per work directory
        try (lock; ConfigurableApplicationContext app = SpringLauncher.startHeadless(settings, context)) {
            app.getBean(ProcessDeployer.class); // the models are deployed when it is created (the CLI context is lazy)
            ProcessRunner.Result result = new ProcessRunner(app.getBean(ProcessEngine.class), context.out(), context.err(),
                    ProcessRunner.Terminal.system()).incidentHint(", or run verify again")
                    .run(ProcessKeys.GOLD_VERIFICATION, Map.of(), ProcessRunner.Answers.prompt());
            HistoryService history = app.getBean(HistoryService.class);
            Object tables = ProcessRuns.variable(history, result.instanceId(), ProcessVariables.TABLE_SUMMARIES);
            if (tables != null) {
                context.out().println(tables);
            }
            Object report = ProcessRuns.variable(history, result.instanceId(), ProcessVariables.VERIFICATION_REPORT_FILE);
            if (report != null && !result.success()) {
                context.out().println("Differences: " + report);
            }
            return result.exitCode();
        }
    }
}
