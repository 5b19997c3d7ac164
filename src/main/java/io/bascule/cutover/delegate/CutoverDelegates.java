package io.bascule.cutover.delegate;

import io.bascule.cutover.CutoverService;
import io.bascule.cutover.CutoverService.PhaseOutcome;
import io.bascule.cutover.CutoverServices;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

import java.time.Instant;

import static io.bascule.process.ProcessVariables.*;

/** The delegates of the cutover model, one per service task; each calls one phase of {@link CutoverService}. */
final class CutoverDelegates {

    private CutoverDelegates() {
    }

    @Component("checkCutoverPrerequisitesDelegate")
    static class CheckPrerequisitesDelegate extends CutoverStep {
        CheckPrerequisitesDelegate(CutoverServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        PhaseOutcome run(DelegateExecution execution, CutoverService service, boolean dryRun) {
            if (execution.getVariable(STARTED_AT) == null) {
                execution.setVariable(STARTED_AT, Instant.now().toString());
            }
            // created before any report, so that the reports of later steps only update their rows (RunbookStep)
            execution.setVariable(PROGRESS, "checking the prerequisites");
            execution.setVariable(PROGRESS_PERCENT, 0);
            PhaseOutcome o = service.prerequisites();
            execution.setVariable(PREREQUISITES_REPORT, String.join("\n", o.lines()));
            return o;
        }
    }

    @Component("freezeSourceDelegate")
    static class FreezeSourceDelegate extends CutoverStep {
        FreezeSourceDelegate(CutoverServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        PhaseOutcome run(DelegateExecution execution, CutoverService service, boolean dryRun) {
            return service.freeze(dryRun);
        }
    }

    @Component("switchApplicationDelegate")
    static class SwitchApplicationDelegate extends CutoverStep {
        SwitchApplicationDelegate(CutoverServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        PhaseOutcome run(DelegateExecution execution, CutoverService service, boolean dryRun) {
            return service.switchApplication(dryRun);
        }
    }

    @Component("keepSourceReadOnlyDelegate")
    static class KeepSourceReadOnlyDelegate extends CutoverStep {
        KeepSourceReadOnlyDelegate(CutoverServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        PhaseOutcome run(DelegateExecution execution, CutoverService service, boolean dryRun) {
            return service.keepSourceReadOnly(dryRun);
        }
    }

    @Component("unfreezeSourceDelegate")
    static class UnfreezeSourceDelegate extends CutoverStep {
        UnfreezeSourceDelegate(CutoverServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        PhaseOutcome run(DelegateExecution execution, CutoverService service, boolean dryRun) {
            return service.unfreeze();
        }
    }

    @Component("rehearseCutoverDelegate")
    static class RehearseCutoverDelegate extends CutoverStep {
        RehearseCutoverDelegate(CutoverServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        PhaseOutcome run(DelegateExecution execution, CutoverService service, boolean dryRun) {
            return service.rehearse();
        }
    }

    @Component("preparePhaseDelegate")
    static class PreparePhaseDelegate extends CutoverStep {
        PreparePhaseDelegate(CutoverServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        PhaseOutcome run(DelegateExecution execution, CutoverService service, boolean dryRun) {
            return service.checkGold();
        }
    }

    @Component("captureBaselineDelegate")
    static class CaptureBaselineDelegate extends CutoverStep {
        CaptureBaselineDelegate(CutoverServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        PhaseOutcome run(DelegateExecution execution, CutoverService service, boolean dryRun) {
            var progress = progress(execution);
            return service.captureBaseline(dryRun, line -> progress.accept(line, -1));
        }
    }

    @Component("copyFinalDeltaDelegate")
    static class CopyFinalDeltaDelegate extends CutoverStep {
        CopyFinalDeltaDelegate(CutoverServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        PhaseOutcome run(DelegateExecution execution, CutoverService service, boolean dryRun) {
            var progress = progress(execution);
            return service.copyFinalDelta(dryRun, snapshot -> progress.accept(snapshot.line(), snapshot.percent()));
        }
    }

    @Component("takeFinalBackupsDelegate")
    static class TakeFinalBackupsDelegate extends CutoverStep {
        TakeFinalBackupsDelegate(CutoverServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        PhaseOutcome run(DelegateExecution execution, CutoverService service, boolean dryRun) {
            var progress = progress(execution);
            return service.finalBackups(dryRun, line -> progress.accept(line, -1));
        }
    }

    @Component("checkAppConnectionDelegate")
    static class CheckAppConnectionDelegate extends CutoverStep {
        CheckAppConnectionDelegate(CutoverServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        PhaseOutcome run(DelegateExecution execution, CutoverService service, boolean dryRun) {
            return service.checkAppConnection(dryRun);
        }
    }

    @Component("runEndToEndChecksDelegate")
    static class RunEndToEndChecksDelegate extends CutoverStep {
        RunEndToEndChecksDelegate(CutoverServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        PhaseOutcome run(DelegateExecution execution, CutoverService service, boolean dryRun) {
            return service.runEndToEndChecks(dryRun);
        }
    }

    @Component("enableMonitoringDelegate")
    static class EnableMonitoringDelegate extends CutoverStep {
        EnableMonitoringDelegate(CutoverServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        PhaseOutcome run(DelegateExecution execution, CutoverService service, boolean dryRun) {
            return service.checkMonitoring(dryRun);
        }
    }
}
