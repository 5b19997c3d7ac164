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
}
