package io.bascule.rollback.delegate;

import io.bascule.config.ConfigException;
import io.bascule.process.ProcessVariables;
import io.bascule.rollback.RollbackService;
import io.bascule.rollback.RollbackService.StepOutcome;
import io.bascule.rollback.RollbackServices;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.bascule.process.ProcessVariables.*;

/** The delegates of the rollback model, one per service task; each calls one step of {@link RollbackService}. */
final class RollbackDelegates {

    private RollbackDelegates() {
    }

    @Component("checkRollbackDelegate")
    static class CheckRollbackDelegate extends RollbackStep {
        CheckRollbackDelegate(RollbackServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        StepOutcome run(DelegateExecution execution, RollbackService service, boolean dryRun) {
            if (execution.getVariable(ROLLBACK_STARTED_AT) == null) {
                execution.setVariable(ROLLBACK_STARTED_AT, Instant.now().toString());
            }
            // created before any report, so that the reports of later steps only update their rows (RunbookStep)
            execution.setVariable(PROGRESS, "checking the way back");
            execution.setVariable(PROGRESS_PERCENT, 0);
            return service.check(dryRun);
        }

        @Override
        protected String businessFailure(RuntimeException e) {
            // nothing changed yet: a setting missing or wrong ends the run with its reason
            return e instanceof ConfigException ? e.getMessage() : super.businessFailure(e);
        }
    }

    @Component("stopTargetWritesDelegate")
    static class StopTargetWritesDelegate extends RollbackStep {
        StopTargetWritesDelegate(RollbackServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        StepOutcome run(DelegateExecution execution, RollbackService service, boolean dryRun) {
            return service.stopTargetWrites(dryRun);
        }
    }

    @Component("drainChannelDelegate")
    static class DrainChannelDelegate extends RollbackStep {
        DrainChannelDelegate(RollbackServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        StepOutcome run(DelegateExecution execution, RollbackService service, boolean dryRun) {
            return service.drain(dryRun, progressLine(execution));
        }
    }

    @Component("verifyTouchedRowsDelegate")
    static class VerifyTouchedRowsDelegate extends RollbackStep {
        VerifyTouchedRowsDelegate(RollbackServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        StepOutcome run(DelegateExecution execution, RollbackService service, boolean dryRun) {
            return service.verifyTouchedRows(dryRun);
        }
    }

    @Component("advanceAutoIncrementDelegate")
    static class AdvanceAutoIncrementDelegate extends RollbackStep {
        AdvanceAutoIncrementDelegate(RollbackServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        StepOutcome run(DelegateExecution execution, RollbackService service, boolean dryRun) {
            return service.advanceAutoIncrement(dryRun);
        }
    }

    @Component("restoreAppConfigDelegate")
    static class RestoreAppConfigDelegate extends RollbackStep {
        RestoreAppConfigDelegate(RollbackServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        StepOutcome run(DelegateExecution execution, RollbackService service, boolean dryRun) {
            return service.restoreAppConfig(dryRun, Boolean.TRUE.equals(execution.getVariable(RESTORE_ANYWAY)));
        }
    }

    @Component("liftReadOnlyDelegate")
    static class LiftReadOnlyDelegate extends RollbackStep {
        LiftReadOnlyDelegate(RollbackServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        StepOutcome run(DelegateExecution execution, RollbackService service, boolean dryRun) {
            return service.liftReadOnly(dryRun);
        }
    }

    @Component("probeSourceWritesDelegate")
    static class ProbeSourceWritesDelegate extends RollbackStep {
        ProbeSourceWritesDelegate(RollbackServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        StepOutcome run(DelegateExecution execution, RollbackService service, boolean dryRun) {
            StepOutcome o = service.probeSource(dryRun);
            if (dryRun) {
                return o;
            }
            // the promise of the runbook: from the decision to "application on MySQL, MySQL writable"
            Object started = execution.getVariable(ROLLBACK_STARTED_AT);
            double seconds = started == null ? 0 : Duration.between(Instant.parse(started.toString()), Instant.now()).toMillis() / 1000.0;
            Map<String, Object> vars = new LinkedHashMap<>(o.variables());
            vars.put(TIME_TO_SOURCE_SECONDS, Math.round(seconds * 100) / 100.0);
            return new StepOutcome(o.summary() + String.format("; application on MySQL, writable, %.2f s after the start", seconds),
                    vars, o.notes());
        }
    }

    @Component("forensicBackupDelegate")
    static class ForensicBackupDelegate extends RollbackStep {
        ForensicBackupDelegate(RollbackServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        StepOutcome run(DelegateExecution execution, RollbackService service, boolean dryRun) {
            return service.forensicBackup(dryRun, execution.getProcessInstanceId(), progressLine(execution));
        }
    }

    @Component("disarmChannelDelegate")
    static class DisarmChannelDelegate extends RollbackStep {
        DisarmChannelDelegate(RollbackServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        StepOutcome run(DelegateExecution execution, RollbackService service, boolean dryRun) {
            return service.disarm(dryRun);
        }
    }
}
