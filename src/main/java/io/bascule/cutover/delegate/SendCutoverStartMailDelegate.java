package io.bascule.cutover.delegate;

import io.bascule.config.BasculeProperties;
import io.bascule.database.JdbcUrls;
import io.bascule.notify.MailDelivery;
import io.bascule.notify.Notifications;
import io.bascule.process.ProcessVariables;
import io.bascule.process.RunbookStep;
import io.bascule.report.CutoverReport;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

import java.time.Instant;
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

    @Override
    protected void runStep(DelegateExecution execution) {
        Object initiator = execution.getVariable(ProcessVariables.INITIATOR);
        boolean dryRun = Boolean.TRUE.equals(execution.getVariable(ProcessVariables.DRY_RUN));
        Object started = execution.getVariable(ProcessVariables.STARTED_AT);
        Map<String, Object> values = CutoverReport.startMailValues(properties.cutover(), execution.getProcessInstanceId(),
                initiator == null ? "unknown" : initiator.toString(), started == null ? Instant.now() : Instant.parse(started.toString()),
                dryRun, JdbcUrls.redact(properties.source().url()), JdbcUrls.redact(properties.target().url()));
        if (dryRun) {
            execution.setVariable("startMail", "dry run: the start e-mail would go to " + notifications.mailer().describe());
            return;
        }
        MailDelivery d = notifications.mailer().send("cutover-start", values, List.of());
        execution.setVariable("startMail", d.summary());
        execution.setVariable("startMailSentAt", Instant.now().toString());
    }
}
