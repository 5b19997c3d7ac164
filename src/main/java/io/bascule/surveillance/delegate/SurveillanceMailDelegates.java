package io.bascule.surveillance.delegate;

import io.bascule.config.BasculeProperties;
import io.bascule.notify.MailDelivery;
import io.bascule.notify.Mailer;
import io.bascule.notify.Notifications;
import io.bascule.process.ProcessVariables;
import io.bascule.process.SurveillanceVariables;
import io.bascule.report.CutoverReport;
import io.bascule.report.ReportDocuments;
import io.bascule.surveillance.Sample;
import io.bascule.surveillance.SurveillanceMails;
import io.bascule.surveillance.SurveillanceServices;
import io.bascule.surveillance.SurveillanceSettings;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.history.HistoricTaskInstance;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * The surveillance's e-mails ({@link SurveillanceMails}): the stakeholder update and the H+1 validation, to the
 * stakeholders of {@code bascule.notify.*} (without an SMTP server: an {@code .eml} file in {@code <work-dir>/mail},
 * as every Bascule e-mail), with the war room of {@code bascule.cutover.team}. A dry run sends nothing and says what
 * it would send; an e-mail that cannot be sent never stops the surveillance.
 */
final class SurveillanceMailDelegates {

    private static final Logger log = LoggerFactory.getLogger(SurveillanceMailDelegates.class);

    /** The playbooks: their names, their "open" flags and their trigger variables. */
    static final List<String[]> PLAYBOOKS = List.of(
            new String[]{"backend down", SurveillanceVariables.BACKEND_DOWN_OPEN, SurveillanceVariables.BACKEND_DOWN_TRIGGER},
            new String[]{"slow queries", SurveillanceVariables.SLOW_QUERIES_OPEN, SurveillanceVariables.SLOW_QUERIES_TRIGGER},
            new String[]{"connections exhausted", SurveillanceVariables.CONNECTIONS_EXHAUSTED_OPEN,
                    SurveillanceVariables.CONNECTIONS_EXHAUSTED_TRIGGER},
            new String[]{"users report errors", SurveillanceVariables.USER_ERRORS_OPEN, SurveillanceVariables.USER_ERRORS_TRIGGER});

    private SurveillanceMailDelegates() {
    }

    static SurveillanceMails.Run run(DelegateExecution execution, BasculeProperties properties) {
        BasculeProperties.Cutover cutover = properties.cutover();
        String link = cutover == null ? null : cutover.warRoomLink();
        Object cutoverId = execution.getVariable(ProcessVariables.CUTOVER_ID);
        return new SurveillanceMails.Run(execution.getProcessInstanceId(), cutoverId == null ? null : cutoverId.toString(),
                SurveillanceStep.startedAt(execution), SurveillanceStep.dryRun(execution),
                ReportDocuments.auditLink(execution.getProcessInstanceId()),
                CutoverReport.teamText(cutover == null ? null : cutover.team()),
                link == null || link.isBlank() ? "not configured (bascule.cutover.war-room-link)" : link);
    }

    /** The playbooks whose flag says open now ({@code open} true), or that were raised at all (false). */
    static List<SurveillanceMails.Playbook> playbooks(DelegateExecution execution, boolean open) {
        List<SurveillanceMails.Playbook> list = new ArrayList<>();
        for (String[] p : PLAYBOOKS) {
            Object trigger = execution.getVariable(p[2]);
            boolean include = open ? Boolean.TRUE.equals(execution.getVariable(p[1])) : trigger != null;
            if (include) {
                list.add(new SurveillanceMails.Playbook(p[0], trigger == null ? null : trigger.toString()));
            }
        }
        return list;
    }

    /** The stakeholder update, every update interval: the figures now, the checks, the open playbooks, T+ since the switch. */
    @Component("sendStakeholderUpdateDelegate")
    static class SendStakeholderUpdateDelegate extends SurveillanceStep {
        private final Notifications notifications;

        SendStakeholderUpdateDelegate(SurveillanceServices s, Notifications notifications, RuntimeService r) {
            super(s, r);
            this.notifications = notifications;
        }

        @Override
        protected void runStep(DelegateExecution execution) {
            Sample now = service().current();
            Map<String, Object> values = SurveillanceMails.updateValues(run(execution, services.properties()), now,
                    playbooks(execution, true), Instant.now());
            Mailer mailer = notifications.mailer();
            String summary;
            if (dryRun(execution)) {
                summary = "dry run: the update at " + values.get("elapsed") + " would go out (" + mailer.describe() + ")";
            } else {
                MailDelivery d = mailer.send(SurveillanceMails.UPDATE_TEMPLATE, values, List.of());
                summary = d.summary();
            }
            execution.setVariable(SurveillanceVariables.STAKEHOLDER_UPDATE, summary);
            execution.setVariable(SurveillanceVariables.STAKEHOLDER_UPDATE_AT, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        }
    }

    /**
     * "H+1 validation complete": each checklist's result and who confirmed it when (from the history), the figures of
     * the hour and now, the playbooks raised; sets {@code surveillanceSummary} (one line) and {@code h1Mail}.
     */
    @Component("sendH1ValidationDelegate")
    static class SendH1ValidationDelegate extends SurveillanceStep {
        private final Notifications notifications;
        private final SurveillanceSettings settings;

        SendH1ValidationDelegate(SurveillanceServices s, Notifications notifications, SurveillanceSettings settings,
                                 RuntimeService r) {
            super(s, r);
            this.notifications = notifications;
            this.settings = settings;
        }

        @Override
        protected void runStep(DelegateExecution execution) {
            SurveillanceMails.Run run = run(execution, services.properties());
            List<SurveillanceMails.ChecklistResult> checklists = checklists(execution, run.startedAt());
            Sample now;
            try {
                now = service().current();
            } catch (RuntimeException e) {
                log.warn("surveillance {}: no figures for the H+1 e-mail: {}", execution.getProcessInstanceId(), e.getMessage());
                now = null;
            }
            List<SurveillanceMails.Playbook> raised = playbooks(execution, false);
            Instant at = Instant.now();
            Map<String, Object> values = SurveillanceMails.h1Values(run, checklists, now, service().samplesSince(run.startedAt()),
                    raised, at);
            String summary = (String) values.get("summary");
            Mailer mailer = notifications.mailer();
            String mail = run.dryRun() ? "dry run: the H+1 validation e-mail would go out (" + mailer.describe() + ")"
                    : mailer.send(SurveillanceMails.H1_TEMPLATE, values, List.of()).summary();
            execution.setVariable(SurveillanceVariables.SURVEILLANCE_SUMMARY, capped(summary));
            execution.setVariable(SurveillanceVariables.H1_MAIL, mail);
            log.info("surveillance {}: {}", execution.getProcessInstanceId(), summary);
        }

        /** One result per checklist of the run, matched to its task by the due date (startedAt + offset). */
        private List<SurveillanceMails.ChecklistResult> checklists(DelegateExecution execution, Instant startedAt) {
            HistoryService history = execution.getProcessEngineServices().getHistoryService();
            List<HistoricTaskInstance> tasks = history.createHistoricTaskInstanceQuery()
                    .processInstanceId(execution.getProcessInstanceId()).list();
            Object offsets = execution.getVariable(SurveillanceVariables.CHECKLIST_OFFSETS);
            String started = startedAt.truncatedTo(ChronoUnit.MILLIS).toString();
            List<SurveillanceMails.ChecklistResult> results = new ArrayList<>();
            for (String offset : settings.offsets(offsets == null ? null : offsets.toString())) {
                Date due = settings.checklistDue(started, offset);
                HistoricTaskInstance task = tasks.stream()
                        .filter(t -> t.getDueDate() != null && Math.abs(t.getDueDate().getTime() - due.getTime()) < 1000)
                        .filter(t -> t.getEndTime() != null).findFirst().orElse(null);
                Object passed = execution.getVariable(settings.passedVariable(offset));
                String label = settings.checklistLabel(offset);
                if (task == null) {
                    results.add(new SurveillanceMails.ChecklistResult(label, passed instanceof Boolean b ? b : null, null, null, null));
                    continue;
                }
                String note = null;
                for (HistoricVariableInstance v : history.createHistoricVariableInstanceQuery()
                        .processInstanceId(execution.getProcessInstanceId()).variableName(SurveillanceVariables.CHECKLIST_NOTE)
                        .executionIdIn(task.getExecutionId()).list()) {
                    if (v.getValue() != null) {
                        note = v.getValue().toString();
                    }
                }
                String by = ApprovalHistory.completedBy(history, task);
                results.add(new SurveillanceMails.ChecklistResult(label, passed instanceof Boolean b ? b : null,
                        by == null ? "an unknown user" : by, task.getEndTime().toInstant(), note));
            }
            return results;
        }
    }
}
