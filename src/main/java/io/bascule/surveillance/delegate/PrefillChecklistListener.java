package io.bascule.surveillance.delegate;

import io.bascule.surveillance.ChecklistValues;
import io.bascule.surveillance.SurveillanceServices;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Map;

/**
 * Task listener (create) of the checklist task: the playbook's items measured when it opens (the latest sample, or a
 * fresh one when the latest is older than two sample intervals) as task-local variables ({@link ChecklistValues}):
 * {@code checkConnections} ... {@code checkAppHealthy} "value (threshold) ✅/❌", {@code checklistMeasuredAt},
 * {@code checklistAllPassed}. It never fails the task's creation: when the figures cannot be had, every item says
 * "not measured: reason ❔".
 */
@Component("prefillChecklistListener")
class PrefillChecklistListener implements TaskListener {

    private static final Logger log = LoggerFactory.getLogger(PrefillChecklistListener.class);

    private final SurveillanceServices services;

    PrefillChecklistListener(SurveillanceServices services) {
        this.services = services;
    }

    @Override
    public void notify(DelegateTask task) {
        Map<String, Object> values;
        try {
            values = ChecklistValues.of(services.get().current());
        } catch (RuntimeException | LinkageError e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            log.warn("surveillance {}: the checklist opens without figures: {}", task.getProcessInstanceId(), reason);
            values = ChecklistValues.notMeasured(reason, Instant.now());
        }
        task.setVariablesLocal(values);
    }
}
