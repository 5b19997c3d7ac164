package io.bascule.report;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The incident report of a rollback: Markdown and HTML files {@code incident-<process instance>.md/.html} in the
 * reports folder ({@code <work-dir>/reports}), from the facts the rollback gathered ({@link ReportFacts}: reason,
 * who decided and when, changes carried back per table, figures such as the time to the application on the source,
 * the lag at the start and the rows verified, the forensic backup and the restored env file with their SHA-256,
 * notes). When the facts name a process instance and an {@link AuditTrail} is given, the timeline is the audit
 * trail's steps of that instance (times, who, outcome) rather than the one passed.
 */
public final class IncidentReport {

    public static final String KIND = "incident";
    private static final Logger log = LoggerFactory.getLogger(IncidentReport.class);

    private final AuditTrail trail;
    private final Path reportsDir;
    private final Clock clock;

    /** @param trail the engine's audit trail, or null to use the timeline passed in the facts */
    public IncidentReport(AuditTrail trail, Path reportsDir, Clock clock) {
        this.trail = trail;
        this.reportsDir = reportsDir;
        this.clock = clock;
    }

    public IncidentReport(AuditTrail trail, Path reportsDir) {
        this(trail, reportsDir, Clock.systemUTC());
    }

    /** The facts of a rollback's incident report (kind {@code incident}, process {@code rollback}). */
    public static ReportFacts facts(String processInstanceId, String reason, String decidedBy, java.time.Instant decidedAt,
                                    String outcome, List<ReportFacts.Step> timeline, List<ReportFacts.TableChanges> tables,
                                    List<ReportFacts.Figure> figures, List<ReportFacts.FileFact> files, List<String> notes) {
        return new ReportFacts(KIND, "Rollback incident report", "rollback", processInstanceId, reason, decidedBy, decidedAt,
                outcome, timeline, tables, figures, files, notes);
    }

    /** The figure {@link #mailValues} shows as {@code timeToSource}. */
    public static final String FIGURE_TIME_TO_SOURCE = "time to application on source";

    /**
     * The values of the {@code rollback-incident} e-mail template for these facts and report files: sourceName,
     * targetName, reason, decidedBy, decidedAt, processInstanceId, auditLink, timeToSource, changesCarriedBack,
     * outcome, reportFiles, team (the war room's contacts, one per line) (a value the facts lack is left out: the template shows its placeholder).
     */
    public static java.util.Map<String, Object> mailValues(ReportFacts f, List<Path> reportFiles, String sourceName,
                                                           String targetName, String team) {
        java.util.Map<String, Object> v = new java.util.LinkedHashMap<>();
        put(v, "team", team);
        put(v, "sourceName", sourceName);
        put(v, "targetName", targetName);
        put(v, "reason", f.reason());
        put(v, "decidedBy", f.decidedBy());
        put(v, "decidedAt", f.decidedAt() == null ? null : ReportDocuments.time(f.decidedAt()));
        put(v, "processInstanceId", f.processInstanceId());
        put(v, "auditLink", ReportDocuments.auditLink(f.processInstanceId()));
        f.figures().stream().filter(x -> FIGURE_TIME_TO_SOURCE.equals(x.name())).findFirst()
                .ifPresent(x -> v.put("timeToSource", x.value()));
        long i = f.tables().stream().mapToLong(ReportFacts.TableChanges::inserts).sum();
        long u = f.tables().stream().mapToLong(ReportFacts.TableChanges::updates).sum();
        long d = f.tables().stream().mapToLong(ReportFacts.TableChanges::deletes).sum();
        v.put("changesCarriedBack", ReportDocuments.count(i) + " inserts, " + ReportDocuments.count(u) + " updates, "
                + ReportDocuments.count(d) + " deletes in " + f.tables().size() + " table(s)");
        put(v, "outcome", f.outcome());
        put(v, "reportFiles", reportFiles == null ? null : String.join("\n", reportFiles.stream().map(Path::toString).toList()));
        return v;
    }

    private static void put(java.util.Map<String, Object> v, String key, Object value) {
        if (value != null) {
            v.put(key, value);
        }
    }

    public Path reportsDir() {
        return reportsDir;
    }

    /** The facts as the report shows them: the timeline taken from the audit trail when it has the instance. */
    public ReportFacts complete(ReportFacts facts) {
        if (trail == null || facts.processInstanceId() == null) {
            return facts;
        }
        Optional<AuditReport> audit;
        try {
            audit = trail.of(facts.processInstanceId());
        } catch (RuntimeException e) {
            log.warn("the audit trail of {} could not be read ({}); the incident report shows the timeline the rollback"
                    + " recorded", facts.processInstanceId(), e.toString());
            return facts.withNote("The audit trail could not be read (" + e.getMessage() + "): the timeline is the one the"
                    + " process recorded.");
        }
        if (audit.isEmpty()) {
            return facts.withNote("The engine's history holds no process instance " + facts.processInstanceId()
                    + ": the timeline is the one the process recorded.");
        }
        return facts.withTimeline(ReportFacts.timelineOf(audit.get()));
    }

    /** Writes the report's Markdown and HTML files; returns their paths (Markdown first). */
    public List<Path> write(ReportFacts facts) {
        ReportFacts shown = complete(facts);
        List<Path> files = ReportDocuments.write(shown, reportsDir, ReportDocuments.baseName(shown, clock.instant()));
        log.info("incident report written: {} and {}", files.get(0), files.get(1));
        return files;
    }
}
