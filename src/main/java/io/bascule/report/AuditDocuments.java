package io.bascule.report;

import io.bascule.notify.MailTemplates;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The forms an {@link AuditReport} is read in: JSON (CLI and web page alike), Markdown and a standalone HTML page. */
public final class AuditDocuments {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AuditDocuments() {
    }

    public static String json(Object report) {
        try {
            return JSON.writeValueAsString(report);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the audit report could not be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The base name of the files of a report: {@code audit-<key>-<instance>}. */
    public static String baseName(AuditReport r) {
        return "audit-" + r.processKey() + "-" + r.instanceId();
    }

    /** Writes {@code audit-<key>-<instance>.md} and {@code .html} in {@code dir}; returns their paths. */
    public static List<Path> write(AuditReport r, Path dir) {
        try {
            Files.createDirectories(dir);
            Path md = Files.writeString(dir.resolve(baseName(r) + ".md"), markdown(r));
            Path html = Files.writeString(dir.resolve(baseName(r) + ".html"), html(r));
            return List.of(md, html);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the audit files in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** One line: what ran, how it ended, who started it. */
    public static String summary(AuditReport r) {
        long people = r.tasks() == null ? 0 : r.tasks().size();
        return r.processName() + " (" + r.processKey() + " v" + r.version() + ") instance " + r.instanceId() + ": "
                + r.state() + (r.outcome() == null ? "" : ", " + r.outcome().name()) + "; started by "
                + or(r.startedBy(), "unknown") + " at " + or(r.start(), "?")
                + (r.durationMs() == null ? "" : ", took " + duration(r.durationMs())) + "; " + r.steps().size()
                + " steps, " + people + " human task(s), " + r.incidents().size() + " incident(s)";
    }

    // ---------------------------------------------------------------------------------------------- Markdown

    public static String markdown(AuditReport r) {
        StringBuilder md = new StringBuilder();
        md.append("# Audit trail: ").append(cell(r.processName())).append(" (").append(r.processKey()).append(")\n\n");
        md.append("| | |\n|---|---|\n");
        for (String[] row : facts(r)) {
            md.append("| ").append(row[0]).append(" | ").append(cell(row[1])).append(" |\n");
        }
        md.append("\n## Steps\n\n| # | step | type | start | end | duration | by | outcome | failed attempts / incidents |\n")
                .append("|---|---|---|---|---|---|---|---|---|\n");
        int n = 1;
        for (AuditReport.Step s : r.steps()) {
            md.append("| ").append(n++).append(" | ").append(cell(or(s.name(), s.activityId()))).append(" | ").append(cell(s.type()))
                    .append(" | ").append(cell(s.start())).append(" | ").append(cell(s.end())).append(" | ")
                    .append(s.durationMs() == null ? "" : duration(s.durationMs())).append(" | ").append(cell(s.user()))
                    .append(" | ").append(s.outcome()).append(" | ").append(cell(problems(s))).append(" |\n");
        }
        md.append("\n## Human tasks\n\n");
        if (r.tasks().isEmpty()) {
            md.append("None.\n");
        }
        for (AuditReport.HumanTask t : r.tasks()) {
            md.append("### ").append(cell(t.name())).append("\n\n");
            md.append("- offered to: ").append(t.candidateGroups() == null ? "-" : String.join(", ", t.candidateGroups())).append('\n');
            md.append("- created: ").append(or(t.created(), "-")).append('\n');
            md.append("- claimed by: ").append(or(t.claimedBy(), "-")).append(t.claimedAt() == null ? "" : " at " + t.claimedAt()).append('\n');
            md.append("- completed by: ").append(or(t.completedBy(), "-")).append(t.completedAt() == null ? "" : " at " + t.completedAt()).append('\n');
            if (t.deleteReason() != null) {
                md.append("- ended: ").append(cell(t.deleteReason())).append('\n');
            }
            if (t.values() != null) {
                md.append("- values given:\n");
                t.values().forEach((k, v) -> md.append("  - `").append(k).append("`: ").append(cell(String.valueOf(v))).append('\n'));
            }
            if (t.comments() != null) {
                for (AuditReport.Comment c : t.comments()) {
                    md.append("- comment by ").append(or(c.user(), "?")).append(" at ").append(c.time()).append(": ")
                            .append(cell(c.text())).append('\n');
                }
            }
            md.append('\n');
        }
        md.append("## Incidents\n\n");
        if (r.incidents().isEmpty()) {
            md.append("None.\n");
        } else {
            md.append("| step | type | created | ended | state | message |\n|---|---|---|---|---|---|\n");
            for (AuditReport.IncidentRecord i : r.incidents()) {
                md.append("| ").append(cell(i.activityId())).append(" | ").append(cell(i.type())).append(" | ").append(cell(i.created()))
                        .append(" | ").append(cell(i.ended())).append(" | ").append(i.state()).append(" | ").append(cell(i.message())).append(" |\n");
            }
        }
        md.append("\n## Variables\n\nSecrets are not shown; URLs are shown without credentials; long values are cut.\n\n")
                .append("| name | value |\n|---|---|\n");
        r.variables().forEach((k, v) -> md.append("| `").append(k).append("` | ").append(cell(String.valueOf(v))).append(" |\n"));
        return md.toString();
    }

    private static List<String[]> facts(AuditReport r) {
        return List.of(
                new String[]{"process", r.processName() + " (`" + r.processKey() + "`), version " + r.version()
                        + (r.versionTag() == null ? "" : ", tag " + r.versionTag())},
                new String[]{"instance", r.instanceId() + (r.businessKey() == null ? "" : ", business key " + r.businessKey())},
                new String[]{"state", r.state()},
                new String[]{"outcome", r.outcome() == null ? "(running)" : r.outcome().name()
                        + (r.outcome().success() == null ? "" : r.outcome().success() ? " (success)" : " (not a success)")
                        + (r.outcome().message() == null ? "" : ": " + r.outcome().message())},
                new String[]{"started by", or(r.startedBy(), "-")},
                new String[]{"start", or(r.start(), "-")},
                new String[]{"end", or(r.end(), "(running)")},
                new String[]{"duration", r.durationMs() == null ? "-" : duration(r.durationMs())});
    }

    private static String problems(AuditReport.Step s) {
        StringBuilder p = new StringBuilder();
        if (s.failures() != null) {
            for (AuditReport.JobFailure f : s.failures()) {
                p.append(p.isEmpty() ? "" : "; ").append("failed ").append(f.time()).append(": ").append(f.message())
                        .append(f.retriesLeft() == null ? "" : " (retries left: " + f.retriesLeft() + ")");
            }
        }
        if (s.incidents() != null) {
            for (AuditReport.IncidentRecord i : s.incidents()) {
                p.append(p.isEmpty() ? "" : "; ").append("incident ").append(i.state()).append(": ").append(i.message());
            }
        }
        return p.toString();
    }

    // ---------------------------------------------------------------------------------------------- HTML

    public static String html(AuditReport r) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Audit trail: ").append(esc(r.processName()))
                .append(" ").append(esc(r.instanceId())).append("</title>\n<style>")
                .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}")
                .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f3f3f3}")
                .append(".completed{color:#1a7f37}.failed,.error{color:#cf222e;font-weight:bold}.canceled{color:#9a6700}.active{color:#0969da}")
                .append("</style></head><body>\n");
        h.append("<h1>Audit trail: ").append(esc(r.processName())).append(" (").append(esc(r.processKey())).append(")</h1>\n<table>");
        for (String[] row : facts(r)) {
            h.append("<tr><th>").append(esc(row[0])).append("</th><td>").append(esc(row[1].replace("`", ""))).append("</td></tr>");
        }
        h.append("</table>\n<h2>Steps</h2>\n<table><tr><th>#</th><th>step</th><th>type</th><th>start</th><th>end</th><th>duration</th>")
                .append("<th>by</th><th>outcome</th><th>failed attempts / incidents</th></tr>\n");
        int n = 1;
        for (AuditReport.Step s : r.steps()) {
            h.append("<tr><td>").append(n++).append("</td><td>").append(esc(or(s.name(), s.activityId()))).append("</td><td>")
                    .append(esc(s.type())).append("</td><td>").append(esc(s.start())).append("</td><td>").append(esc(s.end()))
                    .append("</td><td>").append(s.durationMs() == null ? "" : duration(s.durationMs())).append("</td><td>")
                    .append(esc(s.user())).append("</td><td class=\"").append(esc(s.outcome())).append("\">").append(esc(s.outcome()))
                    .append("</td><td>").append(esc(problems(s))).append("</td></tr>\n");
        }
        h.append("</table>\n<h2>Human tasks</h2>\n");
        if (r.tasks().isEmpty()) {
            h.append("<p>None.</p>\n");
        }
        for (AuditReport.HumanTask t : r.tasks()) {
            h.append("<h3>").append(esc(t.name())).append("</h3>\n<table>")
                    .append(row("offered to", t.candidateGroups() == null ? "-" : String.join(", ", t.candidateGroups())))
                    .append(row("created", t.created()))
                    .append(row("claimed by", or(t.claimedBy(), "-") + (t.claimedAt() == null ? "" : " at " + t.claimedAt())))
                    .append(row("completed by", or(t.completedBy(), "-") + (t.completedAt() == null ? "" : " at " + t.completedAt())));
            if (t.deleteReason() != null) {
                h.append(row("ended", t.deleteReason()));
            }
            if (t.values() != null) {
                for (Map.Entry<String, Object> v : t.values().entrySet()) {
                    h.append(row("value " + v.getKey(), String.valueOf(v.getValue())));
                }
            }
            if (t.comments() != null) {
                for (AuditReport.Comment c : t.comments()) {
                    h.append(row("comment by " + or(c.user(), "?") + " at " + c.time(), c.text()));
                }
            }
            h.append("</table>\n");
        }
        h.append("<h2>Incidents</h2>\n");
        if (r.incidents().isEmpty()) {
            h.append("<p>None.</p>\n");
        } else {
            h.append("<table><tr><th>step</th><th>type</th><th>created</th><th>ended</th><th>state</th><th>message</th></tr>\n");
            for (AuditReport.IncidentRecord i : r.incidents()) {
                h.append("<tr><td>").append(esc(i.activityId())).append("</td><td>").append(esc(i.type())).append("</td><td>")
                        .append(esc(i.created())).append("</td><td>").append(esc(i.ended())).append("</td><td>").append(esc(i.state()))
                        .append("</td><td>").append(esc(i.message())).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("<h2>Variables</h2>\n<p>Secrets are not shown; URLs are shown without credentials; long values are cut.</p>\n<table>");
        r.variables().forEach((k, v) -> h.append(row(k, String.valueOf(v))));
        h.append("</table>\n</body></html>\n");
        return h.toString();
    }

    private static String row(String k, String v) {
        return "<tr><th>" + esc(k) + "</th><td><pre style=\"margin:0;white-space:pre-wrap\">" + esc(v) + "</pre></td></tr>";
    }

    public static String esc(String s) {
        return MailTemplates.escapeHtml(s);
    }

    private static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replaceAll("\\s*\\R\\s*", " <br> ");
    }

    private static String or(String s, String fallback) {
        return s == null ? fallback : s;
    }

    public static String duration(long ms) {
        if (ms < 1000) {
            return ms + " ms";
        }
        long s = ms / 1000;
        if (s < 60) {
            return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        return s / 3600 > 0 ? String.format("%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60) : String.format("%dm%02ds", s / 60, s % 60);
    }
}
