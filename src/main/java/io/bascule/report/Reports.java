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
        return refreshCutoverReport(cutoverId, certificate, java.util.Map.of());
    }

    /**
     * As {@link #refreshCutoverReport(String, io.bascule.migration.GoldCertificate)}, with the values a follow-up run's
     * step has just set (not yet in the history until its transaction commits) on top: only the variables the
     * checklist reads are taken from them, so the follow-up's own outcome or start time never stand for the cutover's.
     * Never throws: a report that cannot be written again is logged and the step goes on.
     */
    public java.util.List<Path> refreshCutoverReport(String cutoverId, io.bascule.migration.GoldCertificate certificate,
                                                     java.util.Map<String, ?> followUpValues) {
        try {
            return rewrite(cutoverId, certificate, followUpValues == null ? java.util.Map.of() : followUpValues);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(Reports.class).warn("the report of cutover {} could not be written again: {}",
                    cutoverId, e.toString());
            return java.util.List.of();
        }
    }

    private java.util.List<Path> rewrite(String cutoverId, io.bascule.migration.GoldCertificate certificate,
                                         java.util.Map<String, ?> followUpValues) {
        if (cutoverId == null || history.createHistoricProcessInstanceQuery().processInstanceId(cutoverId).finished()
                .count() == 0) {
            return java.util.List.of();
        }
        CutoverReport report = cutoverReport();
        java.util.Map<String, Object> variables = new AuditTrail(history, repository, tasks).variables(cutoverId);
        java.util.List<ReportFacts.FileFact> files = CutoverReport.filesOf(variables);
        java.util.Map<String, Object> overlay = new java.util.LinkedHashMap<>();
        for (String name : report.checklist().variables()) {
            Object v = followUpValues.get(name);
            if (v != null) {
                overlay.put(name, v);
            }
        }
        ReportFacts facts = report.facts(cutoverId, null, overlay, certificate, files, java.util.List.of(
                "Written again at " + ReportDocuments.time(java.time.Instant.now()) + ": the checklist's later items are"
                        + " ticked from the runs the cutover started (surveillance, PLATINUM report)."));
        return report.write(facts);
    }
}
