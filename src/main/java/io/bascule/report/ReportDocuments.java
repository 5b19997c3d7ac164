package io.bascule.report;

import io.bascule.database.JdbcUrls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A runbook report ({@link ReportFacts}) as a Markdown file and a standalone HTML page, in the style of
 * {@link AuditDocuments}: the facts, the timeline with times and durations, the changes per table with totals, the
 * figures, the files with size and SHA-256, the notes, and where the full audit trail is. Every text is shown with
 * the URLs in it redacted (no credentials).
 */
public final class ReportDocuments {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private ReportDocuments() {
    }

    /** {@code <kind>-<process instance>} or, without an instance, {@code <kind>-<time>}. */
    public static String baseName(ReportFacts f, Instant now) {
        String id = f.processInstanceId() != null ? f.processInstanceId() : FILE_TIME.format(now);
        return (f.kind() == null ? "report" : f.kind()) + "-" + id.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** Writes {@code <base>.md} and {@code <base>.html} in {@code dir} (replacing earlier ones); returns their paths. */
    public static List<Path> write(ReportFacts f, Path dir, String baseName) {
        try {
            Files.createDirectories(dir);
            Path md = Files.writeString(dir.resolve(baseName + ".md"), markdown(f));
            Path html = Files.writeString(dir.resolve(baseName + ".html"), html(f));
            return List.of(md, html);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report files in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** How to read the run's audit trail: the command and the audit page's path. */
    public static String auditLink(String instanceId) {
        return instanceId == null ? null : "bascule audit " + instanceId + " (web: /audit/instance.html?id=" + instanceId + ")";
    }

    // ---------------------------------------------------------------------------------------------- Markdown

    public static String markdown(ReportFacts f) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(cell(f.title())).append("\n\n| | |\n|---|---|\n");
        for (String[] row : facts(f)) {
            md.append("| ").append(row[0]).append(" | ").append(cell(row[1])).append(" |\n");
        }
        md.append("\n## Timeline\n\n");
        if (f.timeline().isEmpty()) {
            md.append("No steps recorded.\n");
        } else {
            md.append("| # | at | time (UTC) | step | duration | by | outcome |\n|---|---|---|---|---|---|---|\n");
            int n = 1;
            for (String[] s : timeline(f)) {
                md.append("| ").append(n++);
                for (String c : s) {
                    md.append(" | ").append(cell(c));
                }
                md.append(" |\n");
            }
        }
        md.append("\n## Changes per table\n\n");
        if (f.tables().isEmpty()) {
            md.append("None.\n");
        } else {
            md.append("| table | inserts | updates | deletes | total |\n|---|--:|--:|--:|--:|\n");
            for (String[] t : tables(f)) {
                md.append("| ").append(cell(t[0])).append(" | ").append(t[1]).append(" | ").append(t[2]).append(" | ")
                        .append(t[3]).append(" | ").append(t[4]).append(" |\n");
            }
        }
        md.append("\n## Figures\n\n");
        if (f.figures().isEmpty()) {
            md.append("None.\n");
        } else {
            md.append("| figure | value |\n|---|---|\n");
            f.figures().forEach(x -> md.append("| ").append(cell(x.name())).append(" | ").append(cell(x.value())).append(" |\n"));
        }
        md.append("\n## Files\n\n");
        if (f.files().isEmpty()) {
            md.append("None.\n");
        } else {
            md.append("| file | path | size | SHA-256 |\n|---|---|--:|---|\n");
            for (String[] x : files(f)) {
                md.append("| ").append(cell(x[0])).append(" | `").append(x[1].replace("`", "'")).append("` | ").append(x[2])
                        .append(" | ").append(x[3].equals("-") ? "-" : "`" + x[3] + "`").append(" |\n");
            }
        }
        f.sections().forEach(section -> markdownSection(md, section));
        md.append("\n## Notes\n\n");
        if (f.notes().isEmpty()) {
            md.append("None.\n");
        }
        f.notes().forEach(note -> md.append("- ").append(cell(note)).append('\n'));
        return md.toString();
    }

    // ---------------------------------------------------------------------------------------------- HTML

    public static String html(ReportFacts f) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(f.title()))
                .append("</title>\n<style>")
                .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}")
                .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f3f3f3}")
                .append("td.n{text-align:right;font-variant-numeric:tabular-nums}.completed{color:#1a7f37}")
                .append(".failed,.error{color:#cf222e;font-weight:bold}.canceled{color:#9a6700}.active{color:#0969da}")
                .append("td{white-space:pre-wrap}ul.checklist{list-style:none;padding-left:1em}ul.checklist li{margin:2px 0}")
                .append("li.done .box{color:#1a7f37}li.open .box{color:#cf222e}.detail{color:#555}")
                .append("</style></head><body>\n<h1>").append(esc(f.title())).append("</h1>\n<table>");
        for (String[] row : facts(f)) {
            h.append("<tr><th>").append(esc(row[0])).append("</th><td style=\"white-space:pre-wrap\">").append(esc(row[1]))
                    .append("</td></tr>");
        }
        h.append("</table>\n<h2>Timeline</h2>\n");
        if (f.timeline().isEmpty()) {
            h.append("<p>No steps recorded.</p>\n");
        } else {
            h.append("<table><tr><th>#</th><th>at</th><th>time (UTC)</th><th>step</th><th>duration</th><th>by</th><th>outcome</th></tr>\n");
            int n = 1;
            for (String[] s : timeline(f)) {
                h.append("<tr><td class=\"n\">").append(n++).append("</td><td class=\"n\">").append(esc(s[0])).append("</td><td>")
                        .append(esc(s[1])).append("</td><td>").append(esc(s[2])).append("</td><td class=\"n\">").append(esc(s[3]))
                        .append("</td><td>").append(esc(s[4])).append("</td><td class=\"").append(esc(s[5])).append("\">")
                        .append(esc(s[5])).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("<h2>Changes per table</h2>\n");
        if (f.tables().isEmpty()) {
            h.append("<p>None.</p>\n");
        } else {
            h.append("<table><tr><th>table</th><th>inserts</th><th>updates</th><th>deletes</th><th>total</th></tr>\n");
            for (String[] t : tables(f)) {
                h.append("<tr><td>").append(esc(t[0])).append("</td>");
                for (int i = 1; i < 5; i++) {
                    h.append("<td class=\"n\">").append(esc(t[i])).append("</td>");
                }
                h.append("</tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("<h2>Figures</h2>\n");
        if (f.figures().isEmpty()) {
            h.append("<p>None.</p>\n");
        } else {
            h.append("<table>");
            f.figures().forEach(x -> h.append("<tr><th>").append(esc(x.name())).append("</th><td>").append(esc(x.value())).append("</td></tr>"));
            h.append("</table>\n");
        }
        h.append("<h2>Files</h2>\n");
        if (f.files().isEmpty()) {
            h.append("<p>None.</p>\n");
        } else {
            h.append("<table><tr><th>file</th><th>path</th><th>size</th><th>SHA-256</th></tr>\n");
            for (String[] x : files(f)) {
                h.append("<tr><td>").append(esc(x[0])).append("</td><td><code>").append(esc(x[1])).append("</code></td><td class=\"n\">")
                        .append(esc(x[2])).append("</td><td><code>").append(esc(x[3])).append("</code></td></tr>\n");
            }
            h.append("</table>\n");
        }
        f.sections().forEach(section -> htmlSection(h, section));
        h.append("<h2>Notes</h2>\n");
        if (f.notes().isEmpty()) {
            h.append("<p>None.</p>\n");
        } else {
            h.append("<ul>");
            f.notes().forEach(note -> h.append("<li style=\"white-space:pre-wrap\">").append(esc(note)).append("</li>"));
            h.append("</ul>\n");
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    // ---------------------------------------------------------------------------------------------- sections

    private static void markdownSection(StringBuilder md, ReportFacts.Section s) {
        md.append("\n## ").append(cell(s.title())).append("\n\n");
        boolean empty = true;
        if (s.text() != null && !s.text().isBlank()) {
            md.append(shown(s.text()).strip()).append("\n\n");
            empty = false;
        }
        if (!s.columns().isEmpty()) {
            if (s.rows().isEmpty()) {
                md.append("None.\n\n");
            } else {
                md.append('|');
                s.columns().forEach(c -> md.append(' ').append(cell(c)).append(" |"));
                md.append("\n|");
                for (int i = 0; i < s.columns().size(); i++) {
                    md.append(s.numeric().contains(i) ? "--:|" : "---|");
                }
                md.append('\n');
                for (List<String> row : s.rows()) {
                    md.append('|');
                    for (int i = 0; i < s.columns().size(); i++) {
                        md.append(' ').append(cell(i < row.size() ? row.get(i) : "")).append(" |");
                    }
                    md.append('\n');
                }
                md.append('\n');
            }
            empty = false;
        }
        for (ReportFacts.CheckGroup g : s.checklist()) {
            md.append("### ").append(cell(g.name())).append("\n\n");
            if (g.items().isEmpty()) {
                md.append("No items.\n");
            }
            for (ReportFacts.Check c : g.items()) {
                md.append(c.done() ? "- [x] " : "- [ ] ").append(inline(c.text()));
                if (c.detail() != null && !c.detail().isBlank()) {
                    md.append(" — ").append(inline(c.detail()));
                }
                md.append('\n');
            }
            md.append('\n');
            empty = false;
        }
        if (empty) {
            md.append("None.\n\n");
        }
        md.setLength(md.length() - 1); // one blank line between sections, as the others
    }

    private static void htmlSection(StringBuilder h, ReportFacts.Section s) {
        h.append("<h2>").append(esc(s.title())).append("</h2>\n");
        boolean empty = true;
        if (s.text() != null && !s.text().isBlank()) {
            h.append("<p style=\"white-space:pre-wrap\">").append(esc(s.text().strip())).append("</p>\n");
            empty = false;
        }
        if (!s.columns().isEmpty()) {
            if (s.rows().isEmpty()) {
                h.append("<p>None.</p>\n");
            } else {
                h.append("<table><tr>");
                s.columns().forEach(c -> h.append("<th>").append(esc(c)).append("</th>"));
                h.append("</tr>\n");
                for (List<String> row : s.rows()) {
                    h.append("<tr>");
                    for (int i = 0; i < s.columns().size(); i++) {
                        h.append(s.numeric().contains(i) ? "<td class=\"n\">" : "<td>")
                                .append(esc(i < row.size() ? row.get(i) : "")).append("</td>");
                    }
                    h.append("</tr>\n");
                }
                h.append("</table>\n");
            }
            empty = false;
        }
        for (ReportFacts.CheckGroup g : s.checklist()) {
            h.append("<h3>").append(esc(g.name())).append("</h3>\n");
            if (g.items().isEmpty()) {
                h.append("<p>No items.</p>\n");
                continue;
            }
            h.append("<ul class=\"checklist\">\n");
            for (ReportFacts.Check c : g.items()) {
                h.append("<li class=\"").append(c.done() ? "done" : "open").append("\"><span class=\"box\">")
                        .append(c.done() ? "&#9745;" : "&#9744;").append("</span> ").append(esc(c.text()));
                if (c.detail() != null && !c.detail().isBlank()) {
                    h.append(" <span class=\"detail\">— ").append(esc(c.detail())).append("</span>");
                }
                h.append("</li>\n");
            }
            h.append("</ul>\n");
            empty = false;
        }
        if (empty) {
            h.append("<p>None.</p>\n");
        }
    }

    /** One line of Markdown: URLs redacted, line breaks as spaces. */
    private static String inline(String s) {
        return s == null ? "" : JdbcUrls.redactUrlsIn(s).replaceAll("\\s*\\R\\s*", " ");
    }

    // ---------------------------------------------------------------------------------------------- shared

    private static List<String[]> facts(ReportFacts f) {
        List<String[]> rows = new ArrayList<>();
        add(rows, "reason", f.reason());
        add(rows, "decided by", f.decidedBy() == null ? null : f.decidedBy() + (f.decidedAt() == null ? "" : " at " + time(f.decidedAt())));
        if (f.decidedBy() == null && f.decidedAt() != null) {
            add(rows, "decided at", time(f.decidedAt()));
        }
        add(rows, "outcome", f.outcome());
        add(rows, "process", f.processKey());
        add(rows, "process instance", f.processInstanceId());
        add(rows, "audit trail", auditLink(f.processInstanceId()));
        return rows;
    }

    private static void add(List<String[]> rows, String name, String value) {
        if (value != null) {
            rows.add(new String[]{name, shown(value)});
        }
    }

    /** Per step: offset from the first step, time, name, duration, by, outcome. */
    private static List<String[]> timeline(ReportFacts f) {
        Instant first = f.timeline().stream().map(ReportFacts.Step::start).filter(java.util.Objects::nonNull).min(Instant::compareTo).orElse(null);
        List<String[]> rows = new ArrayList<>();
        for (ReportFacts.Step s : f.timeline()) {
            Long d = s.durationMs();
            rows.add(new String[]{offset(first, s.start()), s.start() == null ? "" : time(s.start()), shown(s.name()),
                    d == null ? (s.end() == null && s.start() != null ? "(running)" : "") : AuditDocuments.duration(d),
                    shown(s.by() == null ? "" : s.by()), s.outcome() == null ? "" : shown(s.outcome())});
        }
        return rows;
    }

    private static List<String[]> tables(ReportFacts f) {
        List<String[]> rows = new ArrayList<>();
        long i = 0, u = 0, d = 0;
        for (ReportFacts.TableChanges t : f.tables()) {
            rows.add(new String[]{shown(t.table()), count(t.inserts()), count(t.updates()), count(t.deletes()), count(t.total())});
            i += t.inserts();
            u += t.updates();
            d += t.deletes();
        }
        rows.add(new String[]{"all " + f.tables().size() + " table(s)", count(i), count(u), count(d), count(i + u + d)});
        return rows;
    }

    private static List<String[]> files(ReportFacts f) {
        List<String[]> rows = new ArrayList<>();
        for (ReportFacts.FileFact x : f.files()) {
            rows.add(new String[]{shown(x.role()), x.path() == null ? "-" : shown(x.path().toString()),
                    x.sizeBytes() == null ? (x.path() != null && x.sha256() == null ? "not found" : "-") : bytes(x.sizeBytes()),
                    x.sha256() == null ? "-" : x.sha256()});
        }
        return rows;
    }

    private static String shown(String s) {
        return s == null ? "" : JdbcUrls.redactUrlsIn(s);
    }

    public static String time(Instant t) {
        return TIME.format(t);
    }

    private static String offset(Instant first, Instant t) {
        if (first == null || t == null) {
            return "";
        }
        long ms = t.toEpochMilli() - first.toEpochMilli();
        return String.format(Locale.ROOT, "+%02d:%02d.%01d", ms / 60000, ms / 1000 % 60, ms % 1000 / 100);
    }

    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s (%,d bytes)", v, units[u], n);
    }

    /** Escaped for HTML, every URL redacted: nothing reaches the page unredacted. */
    private static String esc(String s) {
        return AuditDocuments.esc(shown(s));
    }

    private static String cell(String s) {
        return s == null ? "" : JdbcUrls.redactUrlsIn(s).replace("|", "\\|").replaceAll("\\s*\\R\\s*", " <br> ");
    }
}
