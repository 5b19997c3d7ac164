package io.bascule.cutover.delegate;

import io.bascule.config.BasculeProperties;
import io.bascule.database.JdbcUrls;
import io.bascule.notify.MailDelivery;
import io.bascule.notify.Notifications;
import io.bascule.process.ProcessVariables;
import io.bascule.process.RunbookStep;
import io.bascule.report.ReportDocuments;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The start e-mail of the cutover (template {@code cutover-start}): the window, the expected downtime, the war room's
 * team and link (config {@code bascule.cutover.*}), who started it. A dry run sends nothing (it says what it would
 * send); a mail that cannot be sent never stops the cutover (the delivery says where it was kept).
 */
@Component("sendCutoverStartMailDelegate")
class SendCutoverStartMailDelegate extends RunbookStep {

    private final Notifications notifications;
    private final BasculeProperties properties;

    SendCutoverStartMailDelegate(Notifications notifications, BasculeProperties properties, RuntimeService r) {
        super(r);
        this.notifications = notifications;
        this.properties = properties;
    }

    /** The values of the {@code cutover-start} template for this configuration and run. */
    static Map<String, Object> values(BasculeProperties properties, String startedBy, String instanceId) {
        BasculeProperties.Cutover c = properties.cutover();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("sourceName", JdbcUrls.redact(properties.source().url()));
        v.put("targetName", JdbcUrls.redact(properties.target().url()));
        v.put("window", c.window() == null ? "not announced (bascule.cutover.window)" : c.window());
        v.put("expectedDowntime", c.expectedDowntime() == null ? "not announced (bascule.cutover.expected-downtime)" : c.expectedDowntime());
        v.put("warRoomLink", c.warRoomLink() == null ? "none given (bascule.cutover.war-room-link)" : c.warRoomLink());
        v.put("team", team(c.team()));
        v.put("startedBy", startedBy);
        v.put("processInstanceId", instanceId);
        v.put("auditLink", ReportDocuments.auditLink(instanceId));
        return v;
    }

    static String team(List<BasculeProperties.Contact> team) {
        if (team == null || team.isEmpty()) {
            return "no contacts configured (bascule.cutover.team)";
        }
        StringBuilder sb = new StringBuilder();
        for (BasculeProperties.Contact p : team) {
            sb.append(sb.length() > 0 ? "\n" : "").append(p.name()).append(p.role() == null ? "" : " (" + p.role() + ")")
                    .append(p.email() == null ? "" : ", " + p.email()).append(p.phone() == null ? "" : ", " + p.phone());
        }
        return sb.toString();
    }

    @Override
    protected void runStep(DelegateExecution execution) {
        Object initiator = execution.getVariable(ProcessVariables.INITIATOR);
        Map<String, Object> values = values(properties, initiator == null ? "unknown" : initiator.toString(),
                execution.getProcessInstanceId());
        if (Boolean.TRUE.equals(execution.getVariable(ProcessVariables.DRY_RUN))) {
            execution.setVariable("startMail", "dry run: the start e-mail would go to " + notifications.mailer().describe());
            return;
        }
        MailDelivery d = notifications.mailer().send("cutover-start", values, List.of());
        execution.setVariable("startMail", d.summary());
    }
}
