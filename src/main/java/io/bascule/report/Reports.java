package io.bascule.report;

import io.bascule.config.BasculeProperties;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.TaskService;
import org.springframework.stereotype.Component;

import java.nio.file.Path;

/** The runbook reports of the configuration: written to {@code <work-dir>/reports}, timelines from the engine's history. */
@Component
public class Reports {

    private final BasculeProperties properties;
    private final HistoryService history;
    private final RepositoryService repository;
    private final TaskService tasks;

    public Reports(BasculeProperties properties, HistoryService history, RepositoryService repository, TaskService tasks) {
        this.properties = properties;
        this.history = history;
        this.repository = repository;
        this.tasks = tasks;
    }

    public Path reportsDir() {
        return properties.workDir().toAbsolutePath().resolve("reports");
    }

    public IncidentReport incidentReport() {
        return new IncidentReport(new AuditTrail(history, repository, tasks), reportsDir());
    }

    /** The cutover's report: the war room of {@code bascule.cutover.team}, the built-in checklist. */
    public CutoverReport cutoverReport() {
        BasculeProperties.Cutover cutover = properties.cutover();
        return new CutoverReport(new AuditTrail(history, repository, tasks), reportsDir(),
                cutover == null ? java.util.List.of() : cutover.team());
    }

    /**
     * Writes the report of a finished cutover again, from the history as it stands now: the runs it started since
     * (surveillance, platinumReport) tick its checklist's later items, so the report linked from the audit page stays
     * the whole playbook's record. Same file names, the previous content replaced.
     *
     * @param certificate the GOLD certificate the cutover carried out, or null
     * @return the report's files (Markdown first), or empty when the history holds no such cutover or it has not ended
     */
    public java.util.List<Path> refreshCutoverReport(String cutoverId, io.bascule.migration.GoldCertificate certificate) {
        if (cutoverId == null || history.createHistoricProcessInstanceQuery().processInstanceId(cutoverId).finished()
                .count() == 0) {
            return java.util.List.of();
        }
        CutoverReport report = cutoverReport();
        java.util.Map<String, Object> variables = new AuditTrail(history, repository, tasks).variables(cutoverId);
        java.util.List<ReportFacts.FileFact> files = CutoverReport.filesOf(variables);
        ReportFacts facts = report.facts(cutoverId, null, java.util.Map.of(), certificate, files, java.util.List.of(
                "Written again at " + ReportDocuments.time(java.time.Instant.now()) + ": the checklist's later items are"
                        + " ticked from the runs the cutover started (surveillance, PLATINUM report)."));
        return report.write(facts);
    }
}
