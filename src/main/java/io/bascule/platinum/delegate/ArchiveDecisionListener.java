package io.bascule.platinum.delegate;

import io.bascule.process.PlatinumVariables;
import io.bascule.process.ProcessVariables;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.springframework.stereotype.Component;

import java.time.Instant;

/**
 * The server-side check and record of the task "Archive MySQL?" (a task listener on {@code complete}): the form's
 * choice is checked by the browser only, so a completion over REST or the Java API is checked again here:
 * {@code archiveDecision} must be {@code yes} or {@code no} (anything else is refused, the task stays open and nothing
 * is stored). It records who decided, on the process instance: {@code archiveDecidedBy} (the signed-in user who
 * completed the task, else the task's assignee, else {@code cli}, as {@code goBy} names a completion without a
 * signed-in user) and {@code archiveDecidedAt}; the same DBA as {@code platinumApprovedBy} and
 * {@code sourceDecommissionDecided} true, which the cutover's execution checklist reads ("PLATINUM verdict signed off",
 * "MySQL's decommission decided"). On "yes" it creates {@code progress} for the archive step to report into.
 */
@Component("archiveDecisionListener")
public class ArchiveDecisionListener implements TaskListener {

    /** Who the decision names when no user is signed in and the task has no assignee. */
    static final String NO_USER = "cli";
    public static final String YES = "yes";
    public static final String NO = "no";

    @Override
    public void notify(DelegateTask task) {
        if (!EVENTNAME_COMPLETE.equals(task.getEventName())) {
            return;
        }
        Object decision = task.getVariable(PlatinumVariables.ARCHIVE_DECISION);
        if (!YES.equals(decision) && !NO.equals(decision)) {
            throw new ProcessEngineException("archiveDecision is " + (decision == null ? "not given" : "'" + decision + "'")
                    + ": answer yes (archive MySQL now) or no (keep it as it is); nothing was changed");
        }
        var auth = task.getProcessEngineServices().getIdentityService().getCurrentAuthentication();
        String user = auth != null && auth.getUserId() != null ? auth.getUserId()
                : task.getAssignee() != null && !task.getAssignee().isBlank() ? task.getAssignee() : NO_USER;
        var instance = task.getExecution().getProcessInstance();
        instance.setVariable(PlatinumVariables.ARCHIVE_DECISION, decision);
        instance.setVariable(PlatinumVariables.ARCHIVE_DECIDED_BY, user);
        instance.setVariable(PlatinumVariables.ARCHIVE_DECIDED_AT, Instant.now().toString());
        instance.setVariable(PlatinumVariables.APPROVED_BY, user);
        instance.setVariable(PlatinumVariables.DECOMMISSION_DECIDED, true);
        if (YES.equals(decision)) {
            // created before the archive step, so that its progress reports only update their rows (RunbookStep)
            instance.setVariable(ProcessVariables.PROGRESS, "archive of MySQL decided by " + user);
            instance.setVariable(ProcessVariables.PROGRESS_PERCENT, 0);
        }
    }
}
