package io.bascule.surveillance.delegate;

import io.bascule.process.ProcessVariables;
import io.bascule.process.RunbookStep;
import io.bascule.surveillance.EmergencyActions;
import io.bascule.surveillance.SurveillanceService;
import io.bascule.surveillance.SurveillanceServices;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The steps of the surveillance model ({@link RunbookStep}): each reads the run's variables, calls the
 * {@link SurveillanceService} of this node or its {@link EmergencyActions}, and writes variables. Only a surveillance
 * that cannot run at all ({@link SurveillanceService.Unavailable}: no target, PostgreSQL unreachable when it opens)
 * is the model's {@code SURVEILLANCE_FAILED}; an action a playbook refuses or that fails is recorded in its result
 * variable; any other fault is retried, then an incident, while the rest of the surveillance goes on.
 */
abstract class SurveillanceStep extends RunbookStep {

    final SurveillanceServices services;

    SurveillanceStep(SurveillanceServices services, RuntimeService runtime) {
        super(runtime);
        this.services = services;
    }

    SurveillanceService service() {
        return services.get();
    }

    @Override
    protected String businessFailure(RuntimeException e) {
        return e instanceof SurveillanceService.Unavailable ? e.getMessage() : null;
    }

    static boolean dryRun(DelegateExecution execution) {
        return Boolean.TRUE.equals(execution.getVariable(ProcessVariables.DRY_RUN));
    }

    /** When the surveillance started (the switch), else now. */
    static Instant startedAt(DelegateExecution execution) {
        Object v = execution.getVariable(ProcessVariables.STARTED_AT);
        if (v instanceof java.util.Date d) {
            return d.toInstant();
        }
        try {
            return v == null ? Instant.now() : Instant.parse(v.toString().strip());
        } catch (DateTimeParseException e) {
            return Instant.now();
        }
    }

    /** The emergency actions on the target, statistics older than the run's start counted as stale. */
    EmergencyActions actions(DelegateExecution execution) {
        return service().actions(startedAt(execution));
    }

    /**
     * A diagnosis's variables set on the run, and its report line under the name the playbook's form shows
     * ({@code shownAs}); returns the variables.
     */
    static java.util.Map<String, Object> publish(DelegateExecution execution, java.util.Map<String, Object> variables,
                                                 String reportKey, String shownAs) {
        variables.forEach(execution::setVariable);
        execution.setVariable(shownAs, variables.get(reportKey));
        return variables;
    }

    static String text(DelegateExecution execution, String name) {
        Object v = execution.getVariable(name);
        return v == null ? null : v.toString();
    }

    /** A whole number a form gave (a number field arrives as Long, Integer or Double; a text field as String); null when none. */
    static Integer whole(Object v, String name) {
        if (v == null || v instanceof String s && s.isBlank()) {
            return null;
        }
        double d;
        if (v instanceof Number n) {
            d = n.doubleValue();
        } else {
            try {
                d = Double.parseDouble(v.toString().strip());
            } catch (NumberFormatException e) {
                throw new io.bascule.surveillance.EmergencyActionRefused(name + " is '" + v + "', not a number: give the"
                        + " number of the proposal; nothing was done");
            }
        }
        if (d != Math.rint(d) || d < 1 || d > Integer.MAX_VALUE) {
            throw new io.bascule.surveillance.EmergencyActionRefused(name + " is " + v + ", not the number of a proposal"
                    + " (1, 2, ...); nothing was done");
        }
        return (int) d;
    }

    static String capped(String text) {
        return SurveillanceService.capped(text);
    }
}
