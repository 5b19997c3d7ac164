package io.bascule.cutover.delegate;

import io.bascule.config.BasculeProperties;
import io.bascule.database.JdbcUrls;
import io.bascule.migration.GoldCertificate;
import io.bascule.migration.MigrationServices;
import io.bascule.notify.MailDelivery;
import io.bascule.notify.Notifications;
import io.bascule.process.ProcessVariables;
import io.bascule.report.CutoverReport;
import io.bascule.report.ReportFacts;
import io.bascule.report.Reports;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The report of a cutover that did not succeed: an end listener of the whole process (bean
 * {@code writeCutoverEndReportListener}), so that every way a run ends (NO-GO, dry run passed, GO not given, rolled
 * back, rollback stopped, aborted, or the instance cancelled from Cockpit) leaves the same report as a success does:
 * title from the outcome, the reason, the timeline, the figures reached, the execution checklist with what is still
 * open, the war room's contacts. A successful run wrote its report in its own step ({@code cutoverReportFile} is set):
 * nothing is written twice.
 * <p>Stakeholders who got the start e-mail ({@code startMailSentAt}) get the {@code cutover-ended} e-mail with the
 * report attached: they were told the cutover was under way. A dry run informs nobody.
 * <p>A report that cannot be written never changes how the run ends: the problem is logged and kept in
 * {@code cutoverReportProblem}. A run without an outcome was cancelled ({@code CANCELLED}).
 */
@Component("writeCutoverEndReportListener")
public class WriteCutoverEndReportListener implements ExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(WriteCutoverEndReportListener.class);
    /** The outcome of a run that ended without an end event setting one (cancelled in Cockpit or over REST). */
    public static final String CANCELLED = "CANCELLED";

    private final Reports reports;
    private final Notifications notifications;
    private final BasculeProperties properties;
    private final MigrationServices migrations;

    WriteCutoverEndReportListener(Reports reports, Notifications notifications, BasculeProperties properties,
                                  MigrationServices migrations) {
        this.reports = reports;
        this.notifications = notifications;
        this.properties = properties;
        this.migrations = migrations;
    }

    @Override
    public void notify(DelegateExecution execution) {
        if (execution.getVariable(ProcessVariables.CUTOVER_REPORT_FILE) != null) {
            return;
        }
        Object outcome = execution.getVariable(ProcessVariables.OUTCOME);
        String code = outcome == null || outcome.toString().isBlank() ? CANCELLED : outcome.toString();
        if (CutoverReport.CUTOVER_SUCCESSFUL.equals(code)) {
            return;
        }
        try {
            write(execution, code);
        } catch (RuntimeException e) {
            log.error("the report of cutover {} ({}) could not be written: {}", execution.getProcessInstanceId(), code,
                    e.toString());
            execution.setVariable(ProcessVariables.CUTOVER_REPORT_PROBLEM, "the report could not be written: " + e.getMessage());
        }
    }

    private void write(DelegateExecution execution, String code) {
        CutoverReport report = reports.cutoverReport();
        Map<String, Object> variables = execution.getVariables();
        List<ReportFacts.FileFact> files = CutoverReport.filesOf(variables);
        List<String> notes = new ArrayList<>();
        GoldCertificate certificate = null;
        try {
            certificate = migrations.create(false).certificateIfAny();
        } catch (RuntimeException e) {
            notes.add("The GOLD certificate could not be read (" + e.getMessage() + ").");
        }
        if (CANCELLED.equals(code)) {
            notes.add("The run ended without reaching an end event: it was cancelled (Cockpit or REST). Check MySQL's"
                    + " read-only state and the application's config file by hand: `bascule rollback --dry-run` says"
                    + " what a rollback would do.");
        }
        ReportFacts facts = report.facts(execution.getProcessInstanceId(), code, variables, certificate, files, notes);
        List<Path> written = report.write(facts);
        execution.setVariable(ProcessVariables.CUTOVER_REPORT_FILE, written.get(0).toString());
        boolean dryRun = Boolean.TRUE.equals(variables.get(ProcessVariables.DRY_RUN));
        if (dryRun || variables.get("startMailSentAt") == null) {
            return;
        }
        Map<String, Object> values = CutoverReport.successMailValues(facts, written, properties.cutover().team(),
                properties.cutover().warRoomLink(), JdbcUrls.redact(properties.source().url()),
                JdbcUrls.redact(properties.target().url()));
        values.put("reason", facts.reason() == null ? "not recorded" : facts.reason());
        values.put("where", where(code, variables, String.valueOf(values.getOrDefault("sourceName", "MySQL"))));
        MailDelivery mail = notifications.mailer().send("cutover-ended", values, written);
        execution.setVariable("endMail", mail.summary());
    }

    /** Where the application runs after a run that ended with this outcome, as the e-mail says it. */
    static String where(String code, Map<String, ?> variables, String sourceName) {
        boolean switched = Boolean.TRUE.equals(variables.get(ProcessVariables.APPLICATION_SWITCHED));
        return switch (code) {
            case "ROLLED_BACK", "ABORTED_ROLLED_BACK" -> "The application runs on " + sourceName + " again: the rollback"
                    + " carried back every write made on PostgreSQL meanwhile.";
            case "NOT_ROLLED_BACK" -> "The rollback stopped and needs a DBA: see the incident in Cockpit and the report;"
                    + " `bascule rollback` resumes it.";
            case CANCELLED -> "The run was cancelled: check where the application runs (the report's timeline shows the"
                    + " last step reached).";
            default -> switched ? "Check where the application runs: the report's timeline shows the last step reached."
                    : "The application was never switched: it runs on " + sourceName + ", which is writable.";
        };
    }
}
