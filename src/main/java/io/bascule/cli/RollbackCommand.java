package io.bascule.cli;

import io.bascule.process.ProcessKeys;
import io.bascule.process.ProcessVariables;
import io.bascule.process.RunOwnership;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code rollback}: runs the rollback process headless: the application back on MySQL, MySQL writable, every write
 * made on PostgreSQL since the switch carried back. {@code --dry-run} checks and simulates every step, changing
 * nothing. A rollback left active (a step stopped at an incident, or a command that died) is resumed, not started
 * again: its failed step is retried first, so running the command again after fixing the cause goes on where it
 * stopped. The one human decision (the application's config file changed by hand since the switch) is asked at the
 * terminal or left to Tasklist ({@code --wait}); it is never answered by a flag.
 */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Put the application back on MySQL, writable, with every write made on PostgreSQL carried back")
final class RollbackCommand extends RunbookCommand {

    @Option(names = "--dry-run", description = "check and simulate every step without changing anything")
    boolean dryRun;

    @Option(names = "--reason", paramLabel = "TEXT", description = "why the rollback runs (in the incident report and the e-mail)")
    String reason;

    @Option(names = "--wait", description = "leave a decision (a hand-edited app config file) to a DBA in Tasklist and wait")
    boolean waitForTasklist;

    @Option(names = "--cancel-stale", description = "cancel a rollback left active that has changed nothing yet (stopped at"
            + " its check, e.g. started with wrong settings), then start anew; one that changed things can only be resumed")
    boolean cancelStale;

    RollbackCommand(BasculeCli.Context context) {
        super(context, "rollback");
    }


    @Override
    int run(ConfigurableApplicationContext app) throws InterruptedException {
        ProcessEngine engine = app.getBean(ProcessEngine.class);
        RuntimeService runtime = engine.getRuntimeService();
        ProcessRunner runner = new ProcessRunner(engine, context.out(), context.err(), ProcessRunner.Terminal.system())
                .incidentHint(", then run rollback again: it retries the step that stopped and goes on");
        ProcessRunner.Answers answers = waitForTasklist ? ProcessRunner.Answers.waitForTasklist() : ProcessRunner.Answers.prompt();
        List<ProcessInstance> active = runtime.createProcessInstanceQuery().processDefinitionKey(ProcessKeys.ROLLBACK)
                .active().list();
        ProcessRunner.Result result;
        List<ProcessInstance> left = new java.util.ArrayList<>();
        for (ProcessInstance pi : active) {
            if (Boolean.TRUE.equals(runtime.getVariable(pi.getId(), ProcessVariables.DRY_RUN))) {
                // a dry run changed nothing: one left behind (stopped at an incident) is ended, never resumed in place
                // of the run asked for now
                runtime.deleteProcessInstance(pi.getId(), "a dry run left active, ended by a new rollback command");
                context.out().println("Ended rollback dry run " + pi.getId() + " left active (it changed nothing)");
            } else if (cancelStale) {
                // changed nothing: its check has not passed, or it passed and the run waits for the DBA's decision; a
                // step after the check that failed part-way may have changed things (the fence)
                Object steps = runtime.getVariable(pi.getId(), "rollbackSteps");
                long done = steps == null ? 0 : steps.toString().lines().count();
                boolean failing = engine.getManagementService().createJobQuery().processInstanceId(pi.getId())
                        .withException().count() > 0;
                if (done > 1 || (done == 1 && failing)) {
                    context.err().println("error: rollback " + pi.getId() + " has changed things already (" + done
                            + " steps done): it cannot be cancelled, only resumed; run rollback with the settings it was"
                            + " started with (see `bascule audit " + pi.getId() + "`)");
                    return BasculeCli.FAILED;
                }
                runtime.deleteProcessInstance(pi.getId(), "cancelled from the CLI (--cancel-stale) before it changed anything");
                context.out().println("Cancelled rollback " + pi.getId() + " (it had changed nothing)");
            } else {
                left.add(pi);
            }
        }
        active = left;
        if (!active.isEmpty()) {
            ProcessInstance pi = active.get(0);
            if (dryRun) {
                context.err().println("error: a rollback is in progress (" + pi.getId() + "); a dry run now would prove"
                        + " nothing: run rollback without --dry-run to resume it");
                return BasculeCli.FAILED;
            }
            context.out().println("Resuming rollback " + pi.getId() + " where it stopped");
            context.out().println(app.getBean(RunOwnership.class).takeOver(pi.getId(), ProcessRunner.CLI_USER));
            retryFailedSteps(engine.getManagementService(), pi.getId());
            result = runner.resume(pi.getId(), answers);
        } else {
            Map<String, Object> start = new LinkedHashMap<>();
            start.put(ProcessVariables.DRY_RUN, dryRun);
            // the clock of "time to the application on MySQL" starts at the keystroke (the command's start), not at the
            // first step: the DBA waits for the start-up too
            start.put(ProcessVariables.ROLLBACK_STARTED_AT, context.started().toString());
            // who typed the command: the operating system's user on this host (the engine records the run as cli)
            start.put(ProcessVariables.DECIDED_BY, System.getProperty("user.name") + " (command line on "
                    + io.bascule.process.RunOwner.hostName() + ")");
            if (reason != null && !reason.isBlank()) {
                start.put(ProcessVariables.REASON, reason.strip());
            }
            result = runner.run(ProcessKeys.ROLLBACK, start, answers);
        }
        HistoryService history = app.getBean(HistoryService.class);
        Object steps = ProcessRuns.variable(history, result.instanceId(), "rollbackSteps");
        if (steps != null && (dryRun || !result.success())) {
            context.out().println(steps);
        }
        Object report = ProcessRuns.variable(history, result.instanceId(), ProcessVariables.INCIDENT_REPORT_FILE);
        if (report != null) {
            context.out().println("Incident report: " + report);
        }
        return result.exitCode();
    }

    /** The jobs of the run that stopped at an incident get one retry: the command is the DBA's "retry". */
    private void retryFailedSteps(ManagementService management, String instanceId) {
        for (Job job : management.createJobQuery().processInstanceId(instanceId).noRetriesLeft().list()) {
            management.setJobRetries(job.getId(), 1);
            context.out().println("Retrying the step that stopped: " + oneLine(job.getExceptionMessage()));
        }
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String first = s.lines().findFirst().orElse("");
        return first.length() > 300 ? first.substring(0, 300) + "..." : first;
    }
}
