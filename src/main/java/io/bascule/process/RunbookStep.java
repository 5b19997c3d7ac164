package io.bascule.process;

import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The base of every runbook step (a service task's delegate), whatever the runbook. It decides what a failure
 * is for the model:
 * <ul>
 *   <li><b>Business failure</b> (bad input, a login refused, a plan with errors, a value that cannot be carried: the
 *   run cannot succeed however often it is retried): the step throws {@link #failed(String)}, or
 *   {@link #businessFailure(RuntimeException)} classifies the exception as one. It becomes a {@link BpmnError} with
 *   the one error code of the step's process ({@link RunbookError}, e.g. {@code MIGRATION_FAILED} in goldMigration,
 *   {@code VERIFICATION_FAILED} in goldVerification) and the reason as its message; the model catches it with its
 *   one error boundary, ends "... failed" and keeps the reason in {@code failureReason}. Outcomes that are not
 *   failures (a review rejected, rows that differ) are not errors at all: the step writes a variable and the model
 *   routes them with a gateway to an end event of their own.</li>
 *   <li><b>Technical fault</b> (anything else: a connection lost, a lock timeout): rethrown unchanged. The engine
 *   retries the job from its save point ({@code camunda:asyncBefore} on the task, {@code failedJobRetryTimeCycle})
 *   and then shows it as an incident in Cockpit, where a DBA retries it once the cause is fixed.</li>
 * </ul>
 * <p><b>Idempotency.</b> Because a technical fault retries the whole step, a step must be safe to run again from
 * its start: it writes its effects so that a second run finds them and neither duplicates nor loses anything
 * (chunks committed with their checkpoint in one transaction, "create if absent", state read back rather than
 * assumed). A step that runs longer than the job lock must checkpoint its own progress. Variables a step sets are
 * written when its job commits, so a retried step sets them again.
 * <p><b>Progress.</b> {@link #progress(DelegateExecution)} reports a long step's progress in the process variables
 * {@code progress} and {@code progressPercent}, which Cockpit shows while the step runs.
 * <p><b>Pre-step check.</b> {@link #beforeStep(DelegateExecution)} runs first, outside the failure classification.
 */
public abstract class RunbookStep implements JavaDelegate {

    private static final Logger log = LoggerFactory.getLogger(RunbookStep.class);

    private final RuntimeService runtimeService;
    /** Refuses a step on a node whose settings are not its run's (see RunOwnership); set by Spring. */
    private RunOwnership ownership;

    protected RunbookStep(RuntimeService runtimeService) {
        this.runtimeService = runtimeService;
    }

    @org.springframework.beans.factory.annotation.Autowired
    void setOwnership(RunOwnership ownership) {
        this.ownership = ownership;
    }

    /** A business failure of a step, with its reason for the DBA; {@link #execute} turns it into the process's BPMN error. */
    public static final class Failure extends RuntimeException {
        public Failure(String reason) {
            super(reason);
        }
    }

    /** A business failure with its reason (throw what it returns). */
    public static Failure failed(String reason) {
        return new Failure(reason);
    }

    @Override
    public final void execute(DelegateExecution execution) throws Exception {
        // ---- pre-step checks, outside the failure classification (what they throw reaches the engine unchanged):
        // a step never runs on a node whose settings are not its run's (a delegate built by hand in a unit test
        // has no RunOwnership; Spring always sets it)
        if (ownership != null) {
            ownership.checkOwner(execution);
        }
        beforeStep(execution);
        // ---- the step
        try {
            runStep(execution);
        } catch (Failure e) {
            throw bpmnError(execution, e.getMessage());
        } catch (BpmnError e) {
            throw e;
        } catch (RuntimeException e) {
            String reason = businessFailure(e);
            if (reason != null) {
                throw bpmnError(execution, reason);
            }
            throw e;
        }
    }

    /** The pre-step check of every step (none by default). Whatever it throws is not classified: see {@link #execute}. */
    protected void beforeStep(DelegateExecution execution) {
    }

    /** The step itself. Throw {@link #failed(String)} for a business failure; let technical faults through. */
    protected abstract void runStep(DelegateExecution execution) throws Exception;

    /**
     * The reason, when {@code e} is a business failure of this kind of step (the run cannot succeed by retrying);
     * null for a technical fault (the default), which is rethrown, retried and then becomes an incident.
     */
    protected String businessFailure(RuntimeException e) {
        return null;
    }

    private BpmnError bpmnError(DelegateExecution execution, String reason) {
        String key = processKey(execution);
        RunbookError error = RunbookError.forProcessKey(key).orElseThrow(() -> new IllegalStateException(
                "process '" + key + "' has no failure error code; add it to io.bascule.process.RunbookError"));
        log.error("{} failed in step '{}': {}", key, execution.getCurrentActivityName(), reason);
        return new BpmnError(error.errorCode(), reason);
    }

    private static String processKey(DelegateExecution execution) {
        ProcessDefinition definition = execution.getProcessEngineServices().getRepositoryService()
                .getProcessDefinition(execution.getProcessDefinitionId());   // from the engine's deployment cache
        return definition.getKey();
    }

    /**
     * Progress reports of a long step (a line, a percentage) as process variables, each written in its own
     * transaction (from the reporting thread) so that Cockpit shows them while the step runs. The variables must
     * exist before the step starts (set by an earlier step or a start listener of the model): a report then only
     * updates their rows, never the execution the running job holds; and the step must not write them itself (its
     * job would hold a stale revision of them and fail with an optimistic-locking conflict). A report that cannot
     * be written is skipped.
     */
    protected BiConsumer<String, Integer> progress(DelegateExecution execution) {
        String instance = execution.getProcessInstanceId();
        return (line, percent) -> {
            try {
                runtimeService.setVariables(instance, Map.of(ProcessVariables.PROGRESS, line,
                        ProcessVariables.PROGRESS_PERCENT, percent));
            } catch (RuntimeException e) {
                log.debug("progress variable not written: {}", e.toString());
            }
        };
    }
}
