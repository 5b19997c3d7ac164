package io.bascule.cli;

import io.bascule.config.BasculeProperties;
import io.bascule.process.ProcessKeys;
import io.bascule.process.ProcessVariables;
import io.bascule.process.RunOwnership;
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
 * {@code cutover}: runs the cutover runbook headless. Its human tasks (the war room, the GO) are answered at the
 * terminal, with {@code --confirm GO} (the typed word: the GO task accepts only {@code GO}, checked again on the
 * server; the war room's boxes are ticked with it, recorded as answered from the CLI), or left to Tasklist
 * ({@code --wait}). {@code --dry-run} simulates every phase. {@code --abort} stops the active cutover: before the
 * switch MySQL is made writable again, after it the rollback runs. A cutover left active (an incident, a command that
 * died) is resumed, its failed step retried.
 */
@Command(name = "cutover", mixinStandardHelpOptions = true,
        description = "Run the cutover runbook (prerequisites, war room, rehearsals, GO, freeze, final delta, switch, checks)")
final class CutoverCommand extends RunbookCommand {

    @Option(names = "--dry-run", description = "rehearse every phase without changing anything")
    boolean dryRun;

    @Option(names = "--confirm", paramLabel = "WORD", description = "answer the GO task without a terminal (type GO); ticks the war room's boxes")
    String confirm;

    @Option(names = "--wait", description = "leave the war room and the GO to a DBA in Tasklist and wait")
    boolean waitForTasklist;

    @Option(names = "--abort", description = "stop the active cutover: MySQL writable again before the switch, a rollback after it")
    boolean abort;

    @Option(names = "--reason", paramLabel = "TEXT", description = "with --abort: why (in the rollback's incident report)")
    String reason;

    CutoverCommand(BasculeCli.Context context) {
        super(context, "cutover");
    }

    @Override
    int run(ConfigurableApplicationContext app) throws InterruptedException {
        ProcessEngine engine = app.getBean(ProcessEngine.class);
        RuntimeService runtime = engine.getRuntimeService();
        ProcessRunner runner = new ProcessRunner(engine, context.out(), context.err(), ProcessRunner.Terminal.system())
                .incidentHint(", then run cutover again: it retries the step that stopped and goes on (or cutover --abort)");
        ProcessRunner.Answers answers = ProcessRunner.Answers.of(false, confirm, waitForTasklist);
        List<ProcessInstance> active = runtime.createProcessInstanceQuery().processDefinitionKey(ProcessKeys.CUTOVER).active().list();
        if (abort) {
            if (active.isEmpty()) {
                context.err().println("error: no cutover is active: nothing to abort");
                return BasculeCli.FAILED;
            }
            ProcessInstance pi = active.get(0);
            if (runtime.createProcessInstanceQuery().superProcessInstanceId(pi.getId())
                    .processDefinitionKey(ProcessKeys.ROLLBACK).active().count() > 0) {
                // aborting now would cut the rollback the cutover called short, half-done
                context.err().println("error: cutover " + pi.getId() + " is rolling back already: let the rollback finish"
                        + " (run cutover again to follow it, or bascule rollback to resume it)");
                return BasculeCli.FAILED;
            }
            context.out().println(app.getBean(RunOwnership.class).takeOver(pi.getId(), ProcessRunner.CLI_USER));
            Map<String, Object> v = new LinkedHashMap<>();
            v.put(ProcessVariables.ABORT_REASON, reason != null && !reason.isBlank() ? reason.strip()
                    : "aborted from the command line by " + System.getProperty("user.name"));
            runtime.createMessageCorrelation(ProcessVariables.MESSAGE_ABORT_CUTOVER).processInstanceId(pi.getId())
                    .setVariables(v).correlate();
            context.out().println("Abort sent to cutover " + pi.getId());
            ProcessRunner.Result aborted = runner.resume(pi.getId(), answers);
            printReport(app, aborted.instanceId());
            return aborted.exitCode();
        }
        ProcessRunner.Result result;
        if (!active.isEmpty()) {
            ProcessInstance pi = active.get(0);
            context.out().println("Resuming cutover " + pi.getId() + " where it stopped");
            context.out().println(app.getBean(RunOwnership.class).takeOver(pi.getId(), ProcessRunner.CLI_USER));
            for (Job job : engine.getManagementService().createJobQuery().processInstanceId(pi.getId()).noRetriesLeft().list()) {
                engine.getManagementService().setJobRetries(job.getId(), 1);
            }
            result = runner.resume(pi.getId(), answers);
        } else {
            BasculeProperties.Cutover c = app.getBean(BasculeProperties.class).cutover();
            Map<String, Object> start = new LinkedHashMap<>();
            start.put(ProcessVariables.DRY_RUN, dryRun);
            start.put(ProcessVariables.GO_TIMEOUT, c.goTimeout().toString());
            start.put(ProcessVariables.FREEZE_TIMEOUT, c.freezeTimeout().toString());
            start.put(ProcessVariables.FOUR_EYES, c.fourEyes());
            result = runner.run(ProcessKeys.CUTOVER, start, answers);
        }
        printReport(app, result.instanceId());
        return result.exitCode();
    }

    /** The report every ended run leaves (success or not), when it was written. */
    private void printReport(ConfigurableApplicationContext app, String instanceId) {
        Object report = ProcessRuns.variable(app.getBean(org.camunda.bpm.engine.HistoryService.class), instanceId,
                ProcessVariables.CUTOVER_REPORT_FILE);
        if (report != null) {
            context.out().println("Cutover report: " + report);
        }
    }
}
