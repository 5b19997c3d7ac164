package io.bascule.cutover.delegate;

import io.bascule.config.BasculeProperties;
import io.bascule.database.JdbcUrls;
import io.bascule.migration.MigrationServices;
import io.bascule.notify.MailDelivery;
import io.bascule.notify.Notifications;
import io.bascule.process.ProcessVariables;
import io.bascule.process.RunbookStep;
import io.bascule.report.CutoverReport;
import io.bascule.report.ReportFacts;
import io.bascule.report.Reports;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.util.List;

/**
 * The last step of a successful cutover: the report "CUTOVER SUCCESSFUL" ({@link CutoverReport}: timeline, write-freeze
 * window, rows and checksums, the playbook's checklist from the history, the war room's contacts) and the success
 * e-mail. A mail that cannot be sent never fails the step.
 */
@Component("writeCutoverReportDelegate")
class WriteCutoverReportDelegate extends RunbookStep {

    static final String SUCCESSFUL = "CUTOVER_SUCCESSFUL";

    private final Reports reports;
    private final Notifications notifications;
    private final BasculeProperties properties;
    private final MigrationServices migrations;

    WriteCutoverReportDelegate(Reports reports, Notifications notifications, BasculeProperties properties,
                               MigrationServices migrations, RuntimeService r) {
        super(r);
        this.reports = reports;
        this.notifications = notifications;
        this.properties = properties;
        this.migrations = migrations;
    }

    @Override
    protected void runStep(DelegateExecution execution) {
        CutoverReport report = reports.cutoverReport();
        List<ReportFacts.FileFact> files = CutoverReport.filesOf(execution.getVariables());
        // the outcome is set by the end event after this step: the report is written for the success it leads to
        ReportFacts facts = report.facts(execution.getProcessInstanceId(), SUCCESSFUL, execution.getVariables(),
                migrations.create(false).certificateIfAny(), files, List.of());
        List<Path> written = report.write(facts);
        execution.setVariable(ProcessVariables.CUTOVER_REPORT_FILE, written.get(0).toString());
        MailDelivery mail = notifications.mailer().send("cutover-success", CutoverReport.successMailValues(facts, written,
                properties.cutover().team(), properties.cutover().warRoomLink(), JdbcUrls.redact(properties.source().url()),
                JdbcUrls.redact(properties.target().url())), written);
        CutoverReport.FreezeWindow window = CutoverReport.freezeWindow(execution.getVariables());
        execution.setVariable(ProcessVariables.CUTOVER_SUMMARY, "CUTOVER SUCCESSFUL: application on PostgreSQL; write freeze "
                + window.describe() + "; report " + written.get(0) + "; " + mail.summary());
    }
}
