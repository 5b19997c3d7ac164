package io.bascule.surveillance.delegate;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.history.HistoricTaskInstance;
import org.camunda.bpm.engine.history.UserOperationLogEntry;

import java.util.List;

/**
 * Who decided, read from the history (the model names no listener on the approval tasks): the user who completed a
 * task is the one the engine's user operation log names for its completion (written for a signed-in user: Tasklist,
 * REST, the command line), else its assignee (Tasklist claims before completing).
 */
final class ApprovalHistory {

    /** decidedBy when the task was completed without a signed-in user (the engine's API called directly). */
    static final String UNKNOWN = "an unknown user (the task was completed without a signed-in user)";

    private ApprovalHistory() {
    }

    /**
     * Who completed the approval task that led to this step: the task completed last on this execution (a playbook's
     * steps run on its event sub-process's execution: its approval task is the one before the action), else the task
     * completed last in the run.
     */
    static String approver(DelegateExecution execution) {
        HistoryService history = execution.getProcessEngineServices().getHistoryService();
        List<HistoricTaskInstance> tasks = history.createHistoricTaskInstanceQuery()
                .processInstanceId(execution.getProcessInstanceId()).executionId(execution.getId()).finished()
                .orderByHistoricTaskInstanceEndTime().desc().listPage(0, 1);
        if (tasks.isEmpty()) {
            tasks = history.createHistoricTaskInstanceQuery().processInstanceId(execution.getProcessInstanceId()).finished()
                    .orderByHistoricTaskInstanceEndTime().desc().listPage(0, 1);
        }
        String user = tasks.isEmpty() ? null : completedBy(history, tasks.get(0));
        return user == null ? UNKNOWN : user;
    }

    /** Who completed the task (null when not known). */
    static String completedBy(HistoryService history, HistoricTaskInstance task) {
        for (UserOperationLogEntry e : history.createUserOperationLogQuery().taskId(task.getId())
                .operationType(UserOperationLogEntry.OPERATION_TYPE_COMPLETE).list()) {
            if (e.getUserId() != null && !e.getUserId().isBlank()) {
                return e.getUserId();
            }
        }
        return task.getAssignee();
    }
}
