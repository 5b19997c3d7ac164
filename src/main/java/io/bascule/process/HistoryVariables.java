package io.bascule.process;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.history.HistoricVariableInstance;

/** A run's variable as the engine's history holds it. */
public final class HistoryVariables {

    private HistoryVariables() {
    }

    /**
     * The value of {@code name} in the run's process scope, or, when only a sub-process or task holds one of that name,
     * that one; null when the run has none. (A task-local variable of the same name, such as a form's {@code note}, does
     * not hide the process's own, and several of them are no error.)
     */
    public static Object value(HistoryService history, String instanceId, String name) {
        HistoricVariableInstance found = null;
        for (HistoricVariableInstance v : history.createHistoricVariableInstanceQuery().processInstanceId(instanceId)
                .variableName(name).disableCustomObjectDeserialization().list()) {
            if (found == null || instanceId.equals(v.getActivityInstanceId())) {
                found = v;
            }
        }
        return found == null ? null : found.getValue();
    }
}
