package io.bascule.platinum;

import io.bascule.config.BasculeProperties;
import io.bascule.report.CutoverReport;
import io.bascule.report.ReportDocuments;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The values of the e-mail {@code platinum-report} ({@code config/mail/platinum-report.txt} and {@code .html}), sent
 * with the report's files attached after each PLATINUM report the runbook makes: title, verdict, score, summary,
 * criteria (a text table: ✅/❌, name, value, threshold), whatToDo (the advice of each failed criterion, or that
 * nothing is to be done), nextReport, cutover, measuredAt, targetName, processInstanceId, auditLink, reportFiles,
 * team (the war room's contacts, as the cutover's e-mails show them) and warRoomLink. The template shows every value
 * with its URLs redacted ({@link io.bascule.notify.MailTemplates}).
 */
public final class PlatinumMail {

    /** The template's name. */
    public static final String TEMPLATE = "platinum-report";

    private PlatinumMail() {
    }

    /**
     * @param a                 the assessment as reported (its {@code nextReportAt} null when no report follows)
     * @param files             the report's files (Markdown, HTML)
     * @param nextReportNote    why no report follows when refused (the last of the retries), or null
     * @param processInstanceId the run
     */
    public static Map<String, Object> values(PlatinumAssessment a, List<Path> files, String nextReportNote,
                                             List<BasculeProperties.Contact> team, String warRoomLink,
                                             String processInstanceId) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("title", PlatinumReport.title(a));
        v.put("verdict", a.granted() ? "GRANTED: every criterion passed" : "REFUSED: " + a.failed().size() + " of 6 criteria failed");
        v.put("score", a.score() + " / 100 (" + a.passedCount() + " of 6 criteria passed)");
        v.put("summary", PlatinumReport.summary(a));
        v.put("criteria", criteriaTable(a));
        v.put("whatToDo", whatToDo(a));
        v.put("nextReport", a.granted() ? "none: PLATINUM is granted; the archive of MySQL is offered once it has been kept"
                + " as long as configured (bascule.platinum.keep-source)"
                : a.nextReportAt() != null ? ReportDocuments.time(a.nextReportAt())
                : "none" + (nextReportNote == null ? "" : ": " + nextReportNote));
        v.put("cutover", a.cutover() == null ? "no cutover history" : (a.cutover().processInstanceId() == null ? ""
                : a.cutover().processInstanceId() + ", ") + "started " + ReportDocuments.time(a.cutover().startedAt()));
        v.put("measuredAt", ReportDocuments.time(a.at()));
        v.put("targetName", a.target() + ", schema " + a.schema());
        v.put("processInstanceId", processInstanceId == null ? "not a runbook run" : processInstanceId);
        v.put("auditLink", processInstanceId == null ? "none" : ReportDocuments.auditLink(processInstanceId));
        v.put("reportFiles", files == null || files.isEmpty() ? "none written"
                : String.join("\n", files.stream().map(Path::toString).toList()));
        v.put("team", CutoverReport.teamText(team));
        v.put("warRoomLink", warRoomLink == null || warRoomLink.isBlank()
                ? "not configured (bascule.cutover.war-room-link)" : warRoomLink);
        return v;
    }

    /** The six criteria, one line each: ✅/❌, name, value, threshold (aligned for a fixed-width font). */
    static String criteriaTable(PlatinumAssessment a) {
        int width = a.criteria().stream().mapToInt(c -> c.name().length()).max().orElse(10);
        StringBuilder sb = new StringBuilder();
        for (Criterion c : a.criteria()) {
            sb.append(String.format(Locale.ROOT, "%s %-" + width + "s  %s  (threshold: %s)%n", c.passed() ? "✅" : "❌",
                    c.name(), oneLine(c.value()), oneLine(c.threshold())));
        }
        return sb.toString().stripTrailing();
    }

    /** For each failed criterion its advice; "nothing" when all passed. */
    static String whatToDo(PlatinumAssessment a) {
        if (a.failed().isEmpty()) {
            return "Nothing: every criterion passed.";
        }
        StringBuilder sb = new StringBuilder();
        for (Criterion c : a.failed()) {
            sb.append(c.name()).append(" (").append(Criterion.title(c.name())).append("):\n");
            if (c.advice().isEmpty()) {
                sb.append("  - see its details in the report\n");
            }
            c.advice().forEach(x -> sb.append("  - ").append(oneLine(x)).append('\n'));
        }
        return sb.toString().stripTrailing();
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ");
    }
}
