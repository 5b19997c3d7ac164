package io.bascule.cutover.delegate;

import io.bascule.config.ConfigException;
import io.bascule.cutover.CutoverService;
import io.bascule.cutover.CutoverServices;
import io.bascule.process.ProcessVariables;
import io.bascule.process.RunbookStep;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;

/**
 * The steps of the cutover model ({@link RunbookStep}): each builds the {@link CutoverService} of the configuration,
 * runs its one phase (simulated when {@code dryRun} is true) and writes the phase's variables. What a failure is
 * depends on the GO ({@code goAt} set by the GO's task listener):
 * <ul>
 *   <li>before the GO, a phase that cannot pass ({@link CutoverService.PhaseFailed}, a setting missing) is the
 *   cutover's BPMN error: the model ends NO-GO, nothing changed; other faults are retried, then an incident;</li>
 *   <li>after the GO (inside the freeze), every failure is the BPMN error, at once: the model rolls back rather than
 *   leave the application down while an incident waits for someone (design notes, "Errors vs incidents").</li>
 * </ul>
 */
abstract class CutoverStep extends RunbookStep {

    private final CutoverServices services;
    private boolean insideFreeze;

    CutoverStep(CutoverServices services, RuntimeService runtimeService) {
        super(runtimeService);
        this.services = services;
    }

    @Override
    protected final void runStep(DelegateExecution execution) {
        insideFreeze = execution.getVariable(ProcessVariables.GO_AT) != null;
        CutoverService.PhaseOutcome outcome = run(execution, services.create(), dryRun(execution));
        outcome.variables().forEach(execution::setVariable);
    }

    static boolean dryRun(DelegateExecution execution) {
        return Boolean.TRUE.equals(execution.getVariable(ProcessVariables.DRY_RUN));
    }

    @Override
    protected String businessFailure(RuntimeException e) {
        if (insideFreeze) {
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
        return e instanceof CutoverService.PhaseFailed || e instanceof ConfigException ? e.getMessage() : null;
    }

    abstract CutoverService.PhaseOutcome run(DelegateExecution execution, CutoverService service, boolean dryRun);
}
