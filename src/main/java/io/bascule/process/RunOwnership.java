package io.bascule.process;

import io.bascule.config.BasculeProperties;
import io.bascule.config.ConfigException;
import io.bascule.config.Secrets;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.management.JobDefinition;
import org.camunda.bpm.engine.runtime.ActivityInstance;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.runtime.TransitionInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One owner per run, so that a step never runs with another process's settings.
 * <ul>
 * <li>When a process instance starts (from the CLI, Tasklist or REST alike) the run records its owner, this node
 * ({@link RunOwner}): the Spring Boot starter's event bridge hands every execution event to {@link #recorded}, which
 * acts on the start of a process instance only, so no model names a listener and no code names an element.</li>
 * <li>Before a step does its work it calls {@link #checkOwner}: on a node whose settings are not the run's, it
 * refuses with a technical fault naming the owner and what differs (retried, then an incident in Cockpit), and
 * touches nothing.</li>
 * <li>A command that finds the run of a dead owner of this host with its own settings takes it over
 * ({@link #takeOver}).</li>
 * </ul>
 * On the default engine database (an H2 file in the work directory) only one node executes jobs per work directory
 * (the CLI's engine lock), so the check is a second line there; with a shared engine database (PostgreSQL used by
 * several machines) the lock covers one machine only, and this check is what keeps each run's steps on its own node.
 */
@Component
public class RunOwnership {

    private static final Logger log = LoggerFactory.getLogger(RunOwnership.class);

    /** The command this node runs ("serve", "migrate"...), registered by the launcher. */
    public record Node(String command) {
    }

    private final BasculeProperties properties;
    private final Secrets secrets;
    private final ObjectProvider<Node> node;
    private final ObjectProvider<ProcessEngine> engine;
    /** Process instances a step of which began in this JVM: their jobs are this node's, not a dead one's. */
    private final Set<String> stepsHere = ConcurrentHashMap.newKeySet();
    private volatile RunOwner self;

    public RunOwnership(BasculeProperties properties, Secrets secrets, ObjectProvider<Node> node,
                        ObjectProvider<ProcessEngine> engine) {
        this.properties = properties;
        this.secrets = secrets;
        this.node = node;
        this.engine = engine;
    }

    /** This node as the owner of the runs it starts. */
    public RunOwner self() {
        RunOwner s = self;
        if (s == null) {
            Node n = node.getIfAvailable();
            s = RunOwner.thisProcess(n == null ? "bascule" : n.command(), properties, secrets);
            self = s;
        }
        return s;
    }

    /** Records this node as the owner of a process instance that starts (an execution event of the starter's bridge). */
    @EventListener
    public void recorded(DelegateExecution execution) {
        if (!ExecutionListener.EVENTNAME_START.equals(execution.getEventName())
                || !execution.getId().equals(execution.getProcessInstanceId())
                || execution.getVariableLocal(ProcessVariables.OWNER_HOST) != null) {
            return;
        }
        execution.setVariablesLocal(self().variables());
    }

    /**
     * Called by a step before it does anything: returns when this node may run it (its settings are the run's),
     * and throws {@link ForeignRunException} otherwise. A run without a recorded owner (started with listeners
     * skipped, or before owners were recorded) becomes this node's; a run whose owner is another process with the
     * same settings (the CLI that started it is gone and serve goes on after an approval in Tasklist) is handed
     * over to this one, and the history keeps the previous owner.
     */
    public void checkOwner(DelegateExecution execution) {
        stepsHere.add(execution.getProcessInstanceId());
        RunOwner me = self();
        RunOwner run = RunOwner.fromVariables(execution::getVariable);
        DelegateExecution instance = execution.getProcessInstance();
        if (run == null) {
            instance.setVariables(me.variables());
            return;
        }
        if (!run.fingerprint().equals(me.fingerprint())) {
            String message = "not run here: this step belongs to the run of " + run.describe() + ", and this node ("
                    + me.describe() + ") has other settings: " + String.join("; ", me.differencesFrom(run))
                    + ". Run the step from the node that has the run's settings (or start that node again with them),"
                    + " then retry the incident";
            log.error("{}", message);
            throw new ForeignRunException(message);
        }
        if (!run.sameProcess(me)) {
            Map<String, Object> v = new HashMap<>(me.variables());
            v.put(ProcessVariables.OWNER_BEFORE, run.describe());
            instance.setVariables(v);
            log.info("run {} handed over from {} to {}", execution.getProcessInstanceId(), run.describe(), me.describe());
        }
    }

    /**
     * Takes over an active run whose owner is gone ({@link StaleRuns#decide}): records this node as its owner (the
     * previous one stays in {@link ProcessVariables#OWNER_BEFORE} and in the history), and gives the step the dead
     * owner was executing back to the job executor. That job is still locked by the dead node (the job executor's
     * lock lasts as long as {@code camunda.bpm.job-execution.lock-time-in-millis}, hours here, since a copy runs in
     * one job), and the engine's public API unlocks only failed jobs; so the step is restarted by a process instance
     * modification: its pending asynchronous continuation is cancelled and the same activity started again before
     * it (which creates a fresh, unlocked job; the steps are idempotent and a copy resumes from its checkpoints). A
     * job that a step of this node already picked up is left alone.
     *
     * @param user who the engine's operation log names for the change (the CLI's user), or null
     * @return what was done, one line
     * @throws ConfigException when the run may not be taken over, with the reason and what to do
     */
    public String takeOver(String instanceId, String user) {
        ProcessEngine e = engine.getObject();
        RuntimeService runtime = e.getRuntimeService();
        RunOwner me = self();
        RunOwner run = RunOwner.fromVariables(name -> runtime.getVariable(instanceId, name));
        StaleRuns.Decision decision = StaleRuns.decide(instanceId, run, me, StaleRuns.Processes.ofThisHost());
        if (!decision.takeOver()) {
            throw new ConfigException(decision.reason());
        }
        Map<String, Object> v = new HashMap<>(me.variables());
        v.put(ProcessVariables.OWNER_BEFORE, run.describe());
        IdentityService identity = e.getIdentityService();
        List<String> restarted;
        if (user != null) {
            identity.setAuthenticatedUserId(user);
        }
        try {
            runtime.setVariables(instanceId, v);
            restarted = stepsHere.contains(instanceId) ? List.of()
                    : restartLockedSteps(instanceId, runtime, e.getManagementService());
        } finally {
            if (user != null) {
                identity.clearAuthentication();
            }
        }
        log.info("run {} taken over from {}: {}", instanceId, run.describe(), decision.reason());
        return "Took over process instance " + instanceId + ": " + decision.reason()
                + (restarted.isEmpty() ? "" : "; restarted its step " + String.join(", ", restarted));
    }

    /**
     * Takes over every active run whose owner was on this host and is gone, with this node's settings (serve and demo
     * call it once started: a run whose CLI died resumes there too); runs of living owners, of other hosts or with
     * other settings are left as they are.
     *
     * @return one line per run taken over
     */
    public List<String> takeOverStaleRuns(String user) {
        RuntimeService runtime = engine.getObject().getRuntimeService();
        RunOwner me = self();
        List<String> taken = new ArrayList<>();
        for (ProcessInstance pi : runtime.createProcessInstanceQuery().active().list()) {
            if (!pi.getId().equals(pi.getRootProcessInstanceId())) {
                continue; // a called instance goes with its root
            }
            RunOwner run = RunOwner.fromVariables(name -> runtime.getVariable(pi.getId(), name));
            if (run == null || run.sameProcess(me)
                    || !StaleRuns.decide(pi.getId(), run, me, StaleRuns.Processes.ofThisHost()).takeOver()) {
                continue;
            }
            try {
                taken.add(takeOver(pi.getId(), user));
            } catch (RuntimeException e) {
                log.warn("run {} of {} not taken over: {}", pi.getId(), run.describe(), e.getMessage());
            }
        }
        return taken;
    }

    private List<String> restartLockedSteps(String instanceId, RuntimeService runtime, ManagementService management) {
        List<String> restarted = new ArrayList<>();
        ActivityInstance tree = runtime.getActivityInstance(instanceId);
        if (tree == null) {
            return restarted;
        }
        List<TransitionInstance> transitions = new ArrayList<>();
        collect(tree, transitions);
        for (TransitionInstance t : transitions) {
            for (Job job : management.createJobQuery().processInstanceId(instanceId).executionId(t.getExecutionId()).list()) {
                if (job.isSuspended() || job.getRetries() == 0 || job.getJobDefinitionId() == null) {
                    continue; // suspended on purpose, or failed: an incident a DBA decides on
                }
                JobDefinition def = management.createJobDefinitionQuery().jobDefinitionId(job.getJobDefinitionId()).singleResult();
                if (def == null || !"async-before".equals(def.getJobConfiguration())) {
                    log.warn("job {} of run {} is left to its lock's expiry (not a continuation before a step)", job.getId(), instanceId);
                    continue;
                }
                // start first: cancelling the only pending continuation first would end the instance
                runtime.createProcessInstanceModification(instanceId)
                        .startBeforeActivity(t.getActivityId(), t.getParentActivityInstanceId())
                        .cancelTransitionInstance(t.getId())
                        .execute();
                restarted.add("'" + (t.getActivityName() == null ? t.getActivityId() : t.getActivityName()) + "'");
            }
        }
        return restarted;
    }

    private static void collect(ActivityInstance a, List<TransitionInstance> out) {
        out.addAll(List.of(a.getChildTransitionInstances()));
        for (ActivityInstance child : a.getChildActivityInstances()) {
            collect(child, out);
        }
    }

    /** A step refused on a node whose settings are not its run's: a technical fault, retried, then an incident. */
    public static final class ForeignRunException extends RuntimeException {
        public ForeignRunException(String message) {
            super(message);
        }
    }
}
