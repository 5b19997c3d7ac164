package io.bascule.cli;

import io.bascule.config.ConfigException;
import io.bascule.process.ProcessDeployer;
import io.bascule.process.ProcessKeys;
import io.bascule.process.ProcessWatch;
import io.bascule.process.ProcessVariables;
import io.bascule.process.RunOwnership;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static io.bascule.cli.ProcessRuns.oneLine;
import static io.bascule.cli.ProcessRuns.variable;

/**
 * {@code migrate}: runs the goldMigration process on the embedded engine, headless. The review task is
 * answered with {@code --yes} or at a terminal prompt (recorded as answered from the CLI); the exit code is 0
 * only when the process ends GOLD certified (or, with {@code --no-verify}, copied).
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "GOLD migration: convert the schema, copy and verify every row, write the certificate")
final class MigrateCommand implements Callable<Integer> {

    private static final String CLI_USER = ProcessRuns.CLI_USER;
    /** The longest wait between two looks at the instance when no change is signalled. */
    static final long WAIT_MILLIS = 500;
    private final BasculeCli.Context context;

    @Mixin
    RunbookOptions options;

    @Option(names = "--yes", description = "approve the schema conversion review without a prompt")
    boolean yes;

    @Option(names = "--drop-existing", description = "replace target tables that already hold rows")
    boolean dropExisting;

    @Option(names = "--no-verify", description = "copy and build the keys only: no checksums, no row verification, no GOLD"
            + " certificate (for rehearsals and timings; `verify` compares every row later)")
    boolean noVerify;

    @Option(names = "--cancel-stale", description = "cancel goldMigration instances left active by a run that died, when"
            + " migrate cannot take them over (owner on another host, or settings differ)")
    boolean cancelStale;

    MigrateCommand(BasculeCli.Context context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> settings = options.resolve(context, null);
        options.requireConnections(settings, context);
        EngineLock lock = EngineLock.acquire(settings, "migrate"); // one job-executing node per work directory
        try (lock; ConfigurableApplicationContext app = SpringLauncher.startHeadless(settings, context)) {
            return run(app);
        }
    }

    private int run(ConfigurableApplicationContext app) throws IOException, InterruptedException {
        app.getBean(ProcessDeployer.class); // the models are deployed when it is created (the CLI context is lazy)
        RuntimeService runtime = app.getBean(RuntimeService.class);
        List<ProcessInstance> active = runtime.createProcessInstanceQuery().processDefinitionKey(ProcessKeys.GOLD_MIGRATION)
                .active().list();
        if (!active.isEmpty()) {
            if (!cancelStale && active.size() == 1) {
                // its owner gone (same host, same settings): take it over and go on waiting for it; otherwise one line why not
                context.out().println(app.getBean(RunOwnership.class).takeOver(active.get(0).getId(), CLI_USER));
                return await(app, active.get(0).getId());
            }
            if (!cancelStale) {
                throw new ConfigException("a goldMigration instance is already active (" + active.get(0).getId()
                        + "); wait for it, or if the run that started it died, rerun with --cancel-stale: the copy resumes"
                        + " from its last committed chunk");
            }
            for (ProcessInstance pi : active) {
                runtime.deleteProcessInstance(pi.getId(), "cancelled from the CLI (--cancel-stale)");
                context.out().println("Cancelled stale goldMigration instance " + pi.getId());
            }
        }
        ProcessInstance pi = ProcessRuns.startAsCli(app, ProcessKeys.GOLD_MIGRATION, Map.of(ProcessVariables.DROP_EXISTING, dropExisting,
                ProcessVariables.VERIFY_ROWS, !noVerify));
        context.out().println("GOLD migration started (process instance " + pi.getId() + ")");
        return await(app, pi.getId());
    }

    private int await(ConfigurableApplicationContext app, String instanceId) throws IOException, InterruptedException {
        RuntimeService runtime = app.getBean(RuntimeService.class);
        TaskService tasks = app.getBean(TaskService.class);
        HistoryService history = app.getBean(HistoryService.class);
        IdentityService identity = app.getBean(IdentityService.class);
        while (true) {
            long seen = ProcessWatch.changes();
            if (runtime.createProcessInstanceQuery().processInstanceId(instanceId).count() == 0) {
                return finished(history, instanceId);
            }
            List<Incident> incidents = runtime.createIncidentQuery().processInstanceId(instanceId).list();
            if (!incidents.isEmpty()) {
                Incident i = incidents.get(0);
                context.err().println("error: step " + i.getActivityId() + " failed and became an incident: "
                        + oneLine(i.getIncidentMessage()) + "; fix the cause, then retry it in Cockpit or rerun migrate"
                        + " --cancel-stale (the copy resumes from its checkpoints)");
                return BasculeCli.FAILED;
            }
            Task review = tasks.createTaskQuery().processInstanceId(instanceId).taskDefinitionKey("Task_ReviewConversion").singleResult();
            if (review != null) {
                Boolean approved = review(runtime, instanceId);
                if (approved == null) {
                    context.err().println("error: the schema conversion waits for review (process instance " + instanceId
                            + "); rerun with --yes, or approve the task 'Review schema conversion' in Tasklist");
                    return BasculeCli.FAILED;
                }
                identity.setAuthenticatedUserId(CLI_USER);
                try {
                    tasks.complete(review.getId(), Map.of(ProcessVariables.APPROVED, approved,
                            ProcessVariables.REVIEW_COMMENT, approved ? (yes ? "approved from the CLI (--yes)" : "approved at the CLI prompt")
                                    : "rejected at the CLI prompt"));
                } finally {
                    identity.clearAuthentication();
                }
                continue;
            }
            ProcessWatch.awaitChange(seen, WAIT_MILLIS);   // woken when a step ends, a task or an incident appears
        }
    }

    /** Shows the plan; returns the decision, or null when nobody can answer here. */
    private Boolean review(RuntimeService runtime, String instanceId) throws IOException {
        Object planFile = runtime.getVariable(instanceId, ProcessVariables.PLAN_FILE);
        if (planFile != null && Files.exists(Path.of(planFile.toString()))) {
            context.out().print(Files.readString(Path.of(planFile.toString())));
        }
        context.out().println(runtime.getVariable(instanceId, ProcessVariables.PLAN_SUMMARY));
        if (yes) {
            context.out().println("Review approved from the CLI (--yes)");
            return true;
        }
        if (System.console() == null) {
            return null;
        }
        context.out().print("Approve this conversion and start writing to PostgreSQL? Type yes to approve: ");
        context.out().flush();
        String answer = new BufferedReader(new InputStreamReader(System.in)).readLine();
        return answer != null && answer.strip().equalsIgnoreCase("yes");
    }

    private int finished(HistoryService history, String instanceId) {
        List<HistoricActivityInstance> ends = history.createHistoricActivityInstanceQuery().processInstanceId(instanceId)
                .activityType("noneEndEvent").list();
        boolean certified = ends.stream().anyMatch(a -> "EndEvent_GoldCertified".equals(a.getActivityId()));
        if (certified) {
            context.out().println(variable(history, instanceId, ProcessVariables.CERTIFICATE_SUMMARY));
            context.out().println("Certificate: " + variable(history, instanceId, ProcessVariables.CERTIFICATE_FILE));
            return BasculeCli.OK;
        }
        if (ends.stream().anyMatch(a -> "EndEvent_CopiedUnverified".equals(a.getActivityId()))) {
            context.out().printf("Copied, not verified (--no-verify): %,d rows; no GOLD certificate. Compare every row with"
                    + " `bascule verify`; the cutover needs the certificate of a verified migrate.%n",
                    ((Number) variable(history, instanceId, ProcessVariables.ROWS_COPIED)).longValue());
            return BasculeCli.OK;
        }
        String end = ends.isEmpty() ? "an error end" : ends.get(0).getActivityName();
        Object reason = variable(history, instanceId, ProcessVariables.FAILURE_REASON);
        Object summary = variable(history, instanceId, ProcessVariables.VERIFICATION_SUMMARY);
        context.err().println("error: GOLD migration ended '" + end + "': " + (reason == null ? "" : oneLine(reason.toString()))
                + (summary != null && "Verification failed".equals(end) ? " -- " + oneLine(summary.toString()) : ""));
        return BasculeCli.FAILED;
    }
}
