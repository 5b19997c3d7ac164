package io.bascule.rollback.delegate;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bascule.appswitch.AppSwitch;
import io.bascule.config.BasculeProperties;
import io.bascule.database.JdbcUrls;
import io.bascule.notify.MailDelivery;
import io.bascule.notify.Notifications;
import io.bascule.process.RunbookStep;
import io.bascule.report.IncidentReport;
import io.bascule.report.ReportFacts;
import io.bascule.report.Reports;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.bascule.process.ProcessVariables.*;

/**
 * The last step of a rollback: the incident report (Markdown + HTML, {@link IncidentReport}) from what the steps
 * recorded in the run's variables and its audit trail, then the e-mail to the stakeholders ({@code rollback-incident}
 * template; without SMTP an {@code .eml} file). A mail that cannot be sent never fails the step: it is kept and said.
 */
@Component("writeIncidentReportDelegate")
class WriteIncidentReportDelegate extends RunbookStep {

    static final String CHANGES_PER_TABLE = io.bascule.rollback.RollbackService.CHANGES_PER_TABLE;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Reports reports;
    private final Notifications notifications;
    private final BasculeProperties properties;

    WriteIncidentReportDelegate(Reports reports, Notifications notifications, BasculeProperties properties, RuntimeService r) {
        super(r);
        this.reports = reports;
        this.notifications = notifications;
        this.properties = properties;
    }

    @Override
    protected void runStep(DelegateExecution execution) {
        Object started = execution.getVariable(ROLLBACK_STARTED_AT);
        List<ReportFacts.Figure> figures = new ArrayList<>();
        Object seconds = execution.getVariable(TIME_TO_SOURCE_SECONDS);
        if (seconds != null) {
            figures.add(new ReportFacts.Figure(IncidentReport.FIGURE_TIME_TO_SOURCE, String.format("%.2f s", ((Number) seconds).doubleValue())));
        }
        figures.add(new ReportFacts.Figure("reverse lag at the start", execution.getVariable(REVERSE_LAG_CHANGES)
                + " change(s), oldest " + execution.getVariable(REVERSE_LAG_SECONDS) + " s"));
        if (execution.getVariable(ROWS_VERIFIED) != null) {
            figures.add(new ReportFacts.Figure("rows touched since the switch, verified identical", execution.getVariable(ROWS_VERIFIED) + " rows"));
        }
        List<ReportFacts.FileFact> files = new ArrayList<>();
        Object backup = execution.getVariable(FORENSIC_BACKUP);
        if (backup != null) {
            files.add(ReportFacts.FileFact.of("forensic backup of PostgreSQL (manifest)", Path.of(backup.toString()).resolve("manifest.json")));
        }
        if (properties.app().envFile() != null) {
            files.add(ReportFacts.FileFact.of("application config restored", AppSwitch.from(properties).file()));
        }
        List<String> notes = new ArrayList<>();
        String team = io.bascule.report.CutoverReport.teamText(properties.cutover().team());
        notes.add("War room: " + team);
        Object steps = execution.getVariable(RollbackStep.STEPS);
        if (steps != null) {
            notes.add("What each step did:\n" + steps);
        }
        String outcome = "application back on MySQL" + (seconds == null ? "" : String.format(" in %.2f s", ((Number) seconds).doubleValue()))
                + "; MySQL writable; reverse channel disarmed";
        ReportFacts facts = IncidentReport.facts(execution.getProcessInstanceId(), string(execution, REASON),
                string(execution, DECIDED_BY), started == null ? null : Instant.parse(started.toString()), outcome,
                List.of(), tables(execution.getVariable(CHANGES_PER_TABLE)), figures, files, notes);
        IncidentReport report = reports.incidentReport();
        List<Path> written = report.write(facts);
        execution.setVariable(INCIDENT_REPORT_FILE, written.get(0).toString());
        MailDelivery mail = notifications.mailer().send("rollback-incident", IncidentReport.mailValues(report.complete(facts),
                written, JdbcUrls.redact(properties.source().url()), JdbcUrls.redact(properties.target().url()), team), written);
        execution.setVariable(ROLLBACK_SUMMARY, outcome + "; incident report " + written.get(0) + "; " + mail.summary());
    }

    private static String string(DelegateExecution execution, String name) {
        Object v = execution.getVariable(name);
        return v == null ? null : v.toString();
    }

    static List<ReportFacts.TableChanges> tables(Object json) {
        if (json == null || json.toString().isBlank()) {
            return List.of();
        }
        try {
            Map<String, List<Long>> map = JSON.readValue(json.toString(), new TypeReference<java.util.TreeMap<String, List<Long>>>() { });
            return map.entrySet().stream().map(e -> new ReportFacts.TableChanges(e.getKey(), e.getValue().get(0),
                    e.getValue().get(1), e.getValue().get(2))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("the variable " + CHANGES_PER_TABLE + " is not the JSON the drain writes", e);
        }
    }
}
