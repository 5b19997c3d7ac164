package io.bascule.rollback.delegate;

import io.bascule.process.ProcessVariables;
import io.bascule.process.RunbookStep;
import io.bascule.rollback.RollbackService;
import io.bascule.rollback.RollbackServices;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;

import java.util.function.Consumer;

/**
 * The steps of the rollback model ({@link RunbookStep}): each builds the {@link RollbackService} of the configuration,
 * runs its one step (simulated when the variable {@code dryRun} is true), writes the step's variables and adds its
 * line to {@code rollbackSteps}. Business failures (the model's "Rollback failed" end) are only the refusals before
 * anything changed ({@link RollbackService.RollbackRefused}); everything else is technical: retried, then an incident
 * a DBA retries once the cause is fixed, so a half-done rollback is never ended.
 */
abstract class RollbackStep extends RunbookStep {

    /** One line per step done: what each step did, for Cockpit and the incident report. */
    static final String STEPS = "rollbackSteps";

    private final RollbackServices services;

    RollbackStep(RollbackServices services, RuntimeService runtimeService) {
        super(runtimeService);
        this.services = services;
    }

    @Override
    protected final void runStep(DelegateExecution execution) {
        boolean dryRun = dryRun(execution);
        RollbackService.StepOutcome outcome = run(execution, services.create(), dryRun);
        outcome.variables().forEach(execution::setVariable);
        Object before = execution.getVariable(STEPS);
        String line = "- " + execution.getCurrentActivityName() + ": " + outcome.summary().replace('\n', ' ');
        String steps = before == null || before.toString().isEmpty() ? line : before + "\n" + line;
        execution.setVariable(STEPS, steps.length() > 3_800 ? steps.substring(steps.length() - 3_800) : steps);
        if (dryRun) {
            execution.setVariable(ProcessVariables.ROLLBACK_SUMMARY, "rollback dry run passed: every step checked,"
                    + " nothing changed (" + steps.lines().count() + " step(s) checked)");
        } else {
            execution.setVariable(ProcessVariables.ROLLBACK_SUMMARY, outcome.summary());
        }
    }

    static boolean dryRun(DelegateExecution execution) {
        return Boolean.TRUE.equals(execution.getVariable(ProcessVariables.DRY_RUN));
    }

    @Override
    protected String businessFailure(RuntimeException e) {
        return e instanceof RollbackService.RollbackRefused ? e.getMessage() : null;
    }

    abstract RollbackService.StepOutcome run(DelegateExecution execution, RollbackService service, boolean dryRun);

    /** Progress lines of a long step, as the process variable {@code progress}. */
    Consumer<String> progressLine(DelegateExecution execution) {
        var progress = progress(execution);
        return line -> progress.accept(line, -1);
    }
}
