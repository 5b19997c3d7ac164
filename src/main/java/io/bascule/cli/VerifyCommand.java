package io.bascule.cli;

import io.bascule.process.ProcessKeys;
import io.bascule.process.ProcessVariables;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ProcessEngine;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;

import java.util.Map;

/**
 * {@code verify}: compares every row of source and target now, with the plan of the last migration, as an instance
 * of the goldVerification process (so that who verified, when, and with what result stays in the audit trail).
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Compare every row of source and target and report differences")
final class VerifyCommand extends RunbookCommand {

    VerifyCommand(BasculeCli.Context context) {
        super(context, "verify");
    }

    @Override
    int run(ConfigurableApplicationContext app) throws InterruptedException {
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
