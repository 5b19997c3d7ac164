package io.bascule.surveillance.delegate;

import io.bascule.config.BasculeProperties;
import io.bascule.process.ProcessKeys;
import io.bascule.process.SurveillanceVariables;
import io.bascule.surveillance.BackendDiagnosis;
import io.bascule.surveillance.EmergencyActionRefused;
import io.bascule.surveillance.EmergencyVariables;
import io.bascule.surveillance.ErrorReportAdvice;
import io.bascule.surveillance.IdleSessions;
import io.bascule.surveillance.SlowQueryDiagnosis;
import io.bascule.surveillance.SlowQueryProposals;
import io.bascule.surveillance.SurveillanceService;
import io.bascule.surveillance.SurveillanceServices;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * The delegates of the surveillance model that open and close it and diagnose (the actions are in
 * {@link PlaybookActionDelegates}, the e-mails in {@link SurveillanceMailDelegates}); each calls one method of the
 * {@link SurveillanceService} or its {@link io.bascule.surveillance.EmergencyActions} and writes the variables the
 * model and its forms read.
 */
final class SurveillanceDelegates {

    private static final Logger log = LoggerFactory.getLogger(SurveillanceDelegates.class);

    /** How many slow statements a diagnosis reads. */
    static final int SLOW_STATEMENTS = 10;

    private SurveillanceDelegates() {
    }

    /**
     * "Open surveillance": a first sample taken and stored, the sampling made sure of (see {@link SurveillanceService});
     * sets {@code surveillanceBaseline} and {@code surveillanceOpenedAt}. No target, or PostgreSQL unreachable:
     * SURVEILLANCE_FAILED with the reason.
     */
    @Component("openSurveillanceDelegate")
    static class OpenSurveillanceDelegate extends SurveillanceStep {
        OpenSurveillanceDelegate(SurveillanceServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        protected void runStep(DelegateExecution execution) {
            SurveillanceService.Opening o = service().open();
            execution.setVariable(SurveillanceVariables.SURVEILLANCE_BASELINE, capped(o.baseline()));
            execution.setVariable(SurveillanceVariables.SURVEILLANCE_OPENED_AT, o.sample().at().truncatedTo(ChronoUnit.SECONDS).toString());
            log.info("surveillance {}: opened on PostgreSQL database {} ({})", execution.getProcessInstanceId(),
                    o.sample().database(), o.samplingHere() ? "sampled on this node" : "first sample only on this node");
        }
    }

    /**
     * "Close surveillance" (idempotent, on every end path): the sampling stops only when this node started it for a
     * surveillance and no other one runs; sets {@code surveillanceClosedAt} and {@code surveillanceClosed}.
     */
    @Component("closeSurveillanceDelegate")
    static class CloseSurveillanceDelegate extends SurveillanceStep {
        private final RuntimeService runtime;

        CloseSurveillanceDelegate(SurveillanceServices s, RuntimeService r) {
            super(s, r);
            this.runtime = r;
        }

        @Override
        protected void runStep(DelegateExecution execution) {
            String self = execution.getProcessInstanceId();
            boolean others = runtime.createProcessInstanceQuery().processDefinitionKey(ProcessKeys.SURVEILLANCE).active().list()
                    .stream().anyMatch(p -> !p.getId().equals(self));
            String what = service().close(others);
            execution.setVariable(SurveillanceVariables.SURVEILLANCE_CLOSED_AT, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            execution.setVariable(SurveillanceVariables.SURVEILLANCE_CLOSED, what);
            log.info("surveillance {}: closed; {}", self, what);
        }
    }

    /** Backend down: the diagnosis for "roll back?" ({@code backendDiagnosis} and the {@code backend*} variables). */
    @Component("diagnoseBackendDelegate")
    static class DiagnoseBackendDelegate extends SurveillanceStep {
        DiagnoseBackendDelegate(SurveillanceServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        protected void runStep(DelegateExecution execution) {
            BasculeProperties.App app = services.properties().app();
            BackendDiagnosis d = actions(execution).diagnoseBackend(app);
            publish(execution, d.variables(), EmergencyVariables.BACKEND_REPORT, SurveillanceVariables.BACKEND_DIAGNOSIS);
        }
    }

    /**
     * Slow queries: the diagnosis ({@code slowQueryDiagnosis}) and the proposals numbered from 1
     * ({@code slowQueryProposals}, {@link SlowQueryProposals}); the proposals' JSON stays in the run for the apply step.
     */
    @Component("diagnoseSlowQueriesDelegate")
    static class DiagnoseSlowQueriesDelegate extends SurveillanceStep {
        DiagnoseSlowQueriesDelegate(SurveillanceServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        protected void runStep(DelegateExecution execution) {
            SlowQueryDiagnosis d = actions(execution).diagnoseSlowQueries(SLOW_STATEMENTS);
            Map<String, Object> v = publish(execution, d.variables(), EmergencyVariables.SLOW_QUERY_REPORT,
                    SurveillanceVariables.SLOW_QUERY_DIAGNOSIS);
            SlowQueryProposals proposals = SlowQueryProposals.of((String) v.get(EmergencyVariables.VACUUM_PROPOSALS_JSON),
                    (String) v.get(EmergencyVariables.INDEX_PROPOSALS_JSON));
            execution.setVariable(SurveillanceVariables.SLOW_QUERY_PROPOSALS, capped(proposals.text()));
        }
    }

    /** Connections exhausted: the idle sessions over the bound ({@code idleSessions} and the {@code idle*} variables). */
    @Component("listIdleSessionsDelegate")
    static class ListIdleSessionsDelegate extends SurveillanceStep {
        ListIdleSessionsDelegate(SurveillanceServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        protected void runStep(DelegateExecution execution) {
            IdleSessions sessions = actions(execution).listIdleSessions();
            publish(execution, sessions.variables(), EmergencyVariables.IDLE_SESSIONS_REPORT, SurveillanceVariables.IDLE_SESSIONS);
        }
    }

    /**
     * Users report errors: {@code userErrorsAdvice} ROLLBACK_FIRST (impact over rollback-first-impact-pct) or ANALYSE,
     * with what PostgreSQL tells (the {@code userErrors*} variables). Runs in the completion of the description task:
     * a scope or impact missing fails that completion with the reason, and the task stays open.
     */
    @Component("adviseOnUserErrorsDelegate")
    static class AdviseOnUserErrorsDelegate extends SurveillanceStep {
        AdviseOnUserErrorsDelegate(SurveillanceServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        protected void runStep(DelegateExecution execution) {
            String scope = text(execution, SurveillanceVariables.USER_ERRORS_SCOPE);
            Object impact = execution.getVariable(SurveillanceVariables.IMPACT_PCT);
            double pct;
            if (impact instanceof Number n) {
                pct = n.doubleValue();
            } else {
                try {
                    pct = impact == null ? Double.NaN : Double.parseDouble(impact.toString().strip().replace("%", ""));
                } catch (NumberFormatException e) {
                    pct = Double.NaN;
                }
            }
            if (Double.isNaN(pct)) {
                throw new EmergencyActionRefused("no estimated impact given (" + (impact == null ? "empty" : "'" + impact + "'")
                        + "): give the share of users affected, from 0 to 100");
            }
            ErrorReportAdvice advice = actions(execution).adviseOnUserErrors(scope, pct);
            advice.variables().forEach(execution::setVariable);
            execution.setVariable(SurveillanceVariables.USER_ERRORS_ADVICE, advice.advice().name());
        }
    }
}
