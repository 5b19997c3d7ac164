package io.bascule.cli;

import io.bascule.process.Playbooks;
import io.bascule.process.ProcessKeys;
import io.bascule.process.ProcessVariables;
import io.bascule.process.RunOwnership;
import io.bascule.process.SurveillanceVariables;
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
 * <p>While a surveillance watches PostgreSQL (the hour after a cutover) and no rollback runs, the rollback is
 * requested from the surveillance (message {@code surveillanceRollbackRequested} with {@code reason} and
 * {@code decidedBy}): it stops its checklists, playbooks and sampling, calls the rollback, which this command follows
 * as its own, and ends ROLLED_BACK. {@code --dry-run} starts a rollback dry run of its own and leaves the surveillance
 * running.
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
        } else if (!dryRun && (result = throughSurveillance(engine, runner, answers)) != null) {
            // a surveillance was watching PostgreSQL: it ended for the rollback and called it (followed above)
            context.out().println(surveillanceEnd(engine.getHistoryService()));
        } else {
            Map<String, Object> start = new LinkedHashMap<>();
            start.put(ProcessVariables.DRY_RUN, dryRun);
            // the clock of "time to the application on MySQL" starts at the keystroke (the command's start), not at the
            // first step: the DBA waits for the start-up too
            start.put(ProcessVariables.ROLLBACK_STARTED_AT, context.started().toString());
            // who typed the command: the operating system's user on this host (the engine records the run as cli)
            start.put(ProcessVariables.DECIDED_BY, decidedBy());
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

    // ---- the rollback requested from a running surveillance (issue 12 part E) ----

    /** How long the command waits for the surveillance to close and call the rollback. */
    static final java.time.Duration SURVEILLANCE_HANDOVER = java.time.Duration.ofMinutes(2);

    /** The surveillance this command rolled back through, or null. */
    private String surveillanceId;

    /** Who typed the command: the operating system's user on this host (the engine records the run as cli). */
    private static String decidedBy() {
        return System.getProperty("user.name") + " (command line on " + io.bascule.process.RunOwner.hostName() + ")";
    }

    /**
     * "One command": while a surveillance watches PostgreSQL (a real one, no rollback running), the rollback is
     * requested from it (message surveillanceRollbackRequested with reason and decidedBy), so that it stops watching
     * a database the application leaves and ends ROLLED_BACK; the rollback it calls is then followed like one this
     * command starts. Returns null when no surveillance runs (the command starts the rollback itself).
     */
    private ProcessRunner.Result throughSurveillance(ProcessEngine engine, ProcessRunner runner, ProcessRunner.Answers answers)
            throws InterruptedException {
        RuntimeService runtime = engine.getRuntimeService();
        HistoryService history = engine.getHistoryService();
        List<ProcessInstance> watching = new java.util.ArrayList<>();
        for (ProcessInstance pi : runtime.createProcessInstanceQuery().processDefinitionKey(ProcessKeys.SURVEILLANCE).active().list()) {
            if (!Boolean.TRUE.equals(runtime.getVariable(pi.getId(), ProcessVariables.DRY_RUN))) {
                watching.add(pi);
            }
        }
        if (watching.isEmpty()) {
            return null;
        }
        // the newest one (one per cutover; an older one left running watches the same database)
        watching.sort(java.util.Comparator.comparing((ProcessInstance pi) -> startTime(history, pi.getId())).reversed());
        ProcessInstance surveillance = watching.get(0);
        String id = surveillance.getId();
        for (ProcessInstance other : watching.subList(1, watching.size())) {
            context.out().println("Note: surveillance " + other.getId() + " also runs; it ends once the rollback has rolled back");
        }
        boolean requested = runtime.getVariable(id, SurveillanceVariables.ROLLBACK_REASON) != null;
        if (requested) {
            // requested before (from Tasklist, or a command that stopped): its step towards the rollback is retried
            retryFailedSteps(engine.getManagementService(), id);
        } else {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put(ProcessVariables.DECIDED_BY, decidedBy());
            // the rollback the surveillance calls counts its time to MySQL from this keystroke, as one started here does
            v.put(ProcessVariables.ROLLBACK_STARTED_AT, context.started().toString());
            if (reason != null && !reason.isBlank()) {
                v.put(ProcessVariables.REASON, reason.strip());
            }
            org.camunda.bpm.engine.IdentityService identity = engine.getIdentityService();
            identity.setAuthenticatedUserId(ProcessRunner.CLI_USER);
            try {
                runtime.createMessageCorrelation(Playbooks.MESSAGE_ROLLBACK_REQUESTED).processInstanceId(id).setVariables(v)
                        .correlateWithResult();
                requested = true;
            } catch (org.camunda.bpm.engine.MismatchingMessageCorrelationException e) {
                // it is closing already (its hour is over): nothing watches any more, the rollback starts on its own
                return null;
            } finally {
                identity.clearAuthentication();
            }
        }
        context.out().println("Surveillance " + id + " is running: the rollback is requested from it (it stops watching"
                + " PostgreSQL and calls the rollback)");
        surveillanceId = id;
        String rollbackId = calledRollback(engine, id);
        if (rollbackId == null) {
            return null;
        }
        return runner.attach(rollbackId, "called by surveillance " + id, answers);
    }

    /** Waits until the surveillance calls the rollback (after closing); null when it ended without, with a line why. */
    private String calledRollback(ProcessEngine engine, String id) throws InterruptedException {
        RuntimeService runtime = engine.getRuntimeService();
        long deadline = System.nanoTime() + SURVEILLANCE_HANDOVER.toNanos();
        while (true) {
            long seen = io.bascule.process.ProcessWatch.changes();
            ProcessInstance called = runtime.createProcessInstanceQuery().superProcessInstanceId(id).singleResult();
            if (called != null) {
                return called.getId();
            }
            if (runtime.createProcessInstanceQuery().processInstanceId(id).count() == 0) {
                context.out().println("Surveillance " + id + " ended without calling the rollback: " + surveillanceEnd(engine.getHistoryService()));
                surveillanceId = null;
                return null;
            }
            var incident = runtime.createIncidentQuery().processInstanceId(id).list().stream().findFirst();
            if (incident.isPresent() || System.nanoTime() > deadline) {
                throw new io.bascule.config.ConfigException("surveillance " + id + " did not call the rollback"
                        + incident.map(i -> ": a step failed: " + oneLine(i.getIncidentMessage())).orElse(" within "
                        + SURVEILLANCE_HANDOVER.toMinutes() + " min") + "; fix the cause, then run rollback again (it retries"
                        + " that step) or retry it in Cockpit (process instance " + id + ")");
            }
            io.bascule.process.ProcessWatch.awaitChange(seen, ProcessRunner.WAIT_MILLIS);
        }
    }

    /** How the surveillance rolled back through ended, one line. */
    private String surveillanceEnd(HistoryService history) {
        Object outcome = ProcessRuns.variable(history, surveillanceId, ProcessVariables.OUTCOME);
        Object message = ProcessRuns.variable(history, surveillanceId, ProcessVariables.OUTCOME_MESSAGE);
        var hpi = history.createHistoricProcessInstanceQuery().processInstanceId(surveillanceId).singleResult();
        if (hpi == null || hpi.getEndTime() == null) {
            return "Surveillance " + surveillanceId + " is still running (it ends when the rollback ends)";
        }
        return "Surveillance " + surveillanceId + " ended " + outcome + (message == null ? "" : ": " + oneLine(message.toString()));
    }

    private static java.util.Date startTime(HistoryService history, String id) {
        var hpi = history.createHistoricProcessInstanceQuery().processInstanceId(id).singleResult();
        return hpi == null || hpi.getStartTime() == null ? new java.util.Date(0) : hpi.getStartTime();
    }
}
