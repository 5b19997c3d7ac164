package io.bascule.cli;

import io.bascule.process.ProcessKeys;
import io.bascule.process.ProcessWatch;
import io.bascule.process.ProcessVariables;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static io.bascule.cli.ProcessRuns.oneLine;
import static io.bascule.cli.ProcessRuns.variable;

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
            ProcessInstance pi = ProcessRuns.startAsCli(app, ProcessKeys.GOLD_VERIFICATION, Map.of());
            return await(app, pi.getId());
        }
    }

    private int await(ConfigurableApplicationContext app, String instanceId) throws InterruptedException {
        RuntimeService runtime = app.getBean(RuntimeService.class);
        HistoryService history = app.getBean(HistoryService.class);
        while (true) {
            long seen = ProcessWatch.changes();
            if (runtime.createProcessInstanceQuery().processInstanceId(instanceId).count() == 0) {
                break;
            }
            List<Incident> incidents = runtime.createIncidentQuery().processInstanceId(instanceId).list();
            if (!incidents.isEmpty()) {
                context.err().println("error: the verification failed and became an incident: "
                        + oneLine(incidents.get(0).getIncidentMessage()) + "; fix the cause, then retry it in Cockpit"
                        + " (process instance " + instanceId + ") or run verify again");
                return BasculeCli.FAILED;
            }
            ProcessWatch.awaitChange(seen, MigrateCommand.WAIT_MILLIS);
        }
        List<HistoricActivityInstance> ends = history.createHistoricActivityInstanceQuery().processInstanceId(instanceId)
                .activityType("noneEndEvent").list();
        String end = ends.isEmpty() ? "" : ends.get(0).getActivityId();
        Object tables = variable(history, instanceId, ProcessVariables.TABLE_SUMMARIES);
        if (tables != null) {
            context.out().println(tables);
        }
        Object summary = variable(history, instanceId, ProcessVariables.VERIFICATION_SUMMARY);
        if ("EndEvent_Identical".equals(end)) {
            context.out().println(summary);
            return BasculeCli.OK;
        }
        if ("EndEvent_RowsDiffer".equals(end)) {
            context.err().println("error: " + summary + "; see " + variable(history, instanceId, ProcessVariables.VERIFICATION_REPORT_FILE));
            return BasculeCli.FAILED;
        }
        Object reason = variable(history, instanceId, ProcessVariables.FAILURE_REASON);
        context.err().println("error: " + (reason == null ? "the verification ended without a result" : oneLine(reason.toString())));
        return BasculeCli.FAILED;
    }
}
