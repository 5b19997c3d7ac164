package io.bascule.platinum;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.bascule.config.BasculeProperties;
import io.bascule.database.JdbcUrls;
import io.bascule.report.AuditDocuments;
import io.bascule.report.CutoverReport;
import io.bascule.report.ReportDocuments;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The PLATINUM report as files: Markdown and a self-contained HTML page ({@code platinum-<time>.md/.html} in the
 * reports folder, {@code <work-dir>/reports}), and one JSON object ({@link #json}). In the style of the cutover and
 * incident reports ({@link ReportDocuments}): the verdict and score, a table of the six criteria (value, threshold,
 * ✅/❌), the details of each, what to do for each failed one, the next report's date when refused, charts of the mean
 * statement time and the connections over the last 24 hours from the samples the surveillance kept ({@link
 * PlatinumSamples}: an inline SVG line in the HTML, a text sparkline in the Markdown; "no samples kept" without), the
 * war room's contacts ({@code bascule.cutover.team}) and the notes. Every text is shown with the URLs in it redacted;
 * no secret is read.
 */
public final class PlatinumReport {

    public static final String KIND = "platinum";
    /** The charts cover this long before the report's time. */
    public static final Duration CHART_WINDOW = Duration.ofHours(24);
    private static final Logger log = LoggerFactory.getLogger(PlatinumReport.class);
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = JsonMapper.builder().disable(SerializationFeature.INDENT_OUTPUT).build();
    private static final String PASSED = "✅";
    private static final String FAILED = "❌";

    private final Path reportsDir;
    private final List<BasculeProperties.Contact> team;
    private final PlatinumSamples samples;

    /**
     * @param reportsDir where the files go ({@code <work-dir>/reports})
     * @param team       the war room's contacts ({@code bascule.cutover.team})
     * @param samples    the surveillance's samples, or {@link PlatinumSamples#NONE}
     */
    public PlatinumReport(Path reportsDir, List<BasculeProperties.Contact> team, PlatinumSamples samples) {
        this.reportsDir = reportsDir;
        this.team = team == null ? List.of() : List.copyOf(team);
        this.samples = samples == null ? PlatinumSamples.NONE : samples;
    }

    public Path reportsDir() {
        return reportsDir;
    }

    /** {@code platinum-<time of the assessment>}, e.g. {@code platinum-20260131T220500Z}. */
    public static String baseName(PlatinumAssessment a) {
        return KIND + "-" + FILE_TIME.format(a.at());
    }

    /** Writes {@code <base>.md} and {@code <base>.html} into the reports folder; returns their paths (Markdown first). */
    public List<Path> write(PlatinumAssessment a) {
        Charts charts = charts(a);
        try {
            Files.createDirectories(reportsDir);
            Path md = Files.writeString(reportsDir.resolve(baseName(a) + ".md"), markdown(a, charts));
            Path html = Files.writeString(reportsDir.resolve(baseName(a) + ".html"), html(a, charts));
            log.info("PLATINUM report written: {} and {}", md, html);
            return List.of(md, html);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the PLATINUM report in " + reportsDir + ": " + e.getMessage()
                    + "; check the work directory's permissions and free space", e);
        }
    }

    /** The report's title: {@code PLATINUM GRANTED} or {@code PLATINUM REFUSED}. */
    public static String title(PlatinumAssessment a) {
        return "PLATINUM " + a.verdict();
    }

    /** One line: verdict, score, the failed criteria. */
    public static String summary(PlatinumAssessment a) {
        return title(a) + ": score " + a.score() + "/100, " + a.passedCount() + " of 6 criteria passed"
                + (a.failed().isEmpty() ? "" : "; failed: " + String.join(", ", a.failed().stream().map(Criterion::name).toList()))
                + (a.nextReportAt() == null ? "" : "; next report " + ReportDocuments.time(a.nextReportAt()));
    }

    /** The console view: the summary, then one line per criterion with ✅/❌, its value and threshold. */
    public static String console(PlatinumAssessment a) {
        StringBuilder sb = new StringBuilder(summary(a)).append('\n');
        for (Criterion c : a.criteria()) {
            sb.append(String.format(Locale.ROOT, "  %s %-12s %s (threshold: %s)%n", c.passed() ? PASSED : FAILED, c.name(),
                    shown(c.value()), shown(c.threshold())));
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------------------------------------ JSON

    /**
     * One JSON object: {@code verdict}, {@code score}, {@code passed}, {@code criteria} (six objects: {@code name},
     * {@code passed}, {@code value}, {@code threshold}, {@code details}, {@code advice}), {@code measuredAt},
     * {@code nextReportAt}, {@code target}, {@code schema}, {@code cutover}, {@code notes} and {@code files} (the
     * written reports, may be empty).
     */
    public static String json(PlatinumAssessment a, List<Path> files) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("verdict", a.verdict().name());
        m.put("score", a.score());
        m.put("passed", a.passedCount());
        List<Map<String, Object>> criteria = new ArrayList<>();
        for (Criterion c : a.criteria()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("name", c.name());
            x.put("passed", c.passed());
            x.put("value", shown(c.value()));
            x.put("threshold", shown(c.threshold()));
            x.put("details", c.details().stream().map(PlatinumReport::shown).toList());
            x.put("advice", c.advice().stream().map(PlatinumReport::shown).toList());
            criteria.add(x);
        }
        m.put("criteria", criteria);
        m.put("measuredAt", a.at().toString());
        m.put("nextReportAt", a.nextReportAt() == null ? null : a.nextReportAt().toString());
        m.put("target", shown(a.target()));
        m.put("schema", a.schema());
        if (a.cutover() == null) {
            m.put("cutover", null);
        } else {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("processInstanceId", a.cutover().processInstanceId());
            c.put("startedAt", a.cutover().startedAt().toString());
            c.put("switchedAt", a.cutover().switchedAt() == null ? null : a.cutover().switchedAt().toString());
            c.put("outcome", a.cutover().outcome());
            m.put("cutover", c);
        }
        m.put("notes", a.notes().stream().map(PlatinumReport::shown).toList());
        m.put("files", files == null ? List.of() : files.stream().map(Path::toString).toList());
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the PLATINUM report cannot be written as JSON", e);
        }
    }

    // ------------------------------------------------------------------------------------------------ charts

    /** The two series of the charts over the window before the assessment. */
    record Charts(Instant from, Instant to, List<PlatinumSamples.Point> meanQueryMs, List<PlatinumSamples.Point> connections) {
    }

    Charts charts(PlatinumAssessment a) {
        Instant to = a.at();
        Instant from = to.minus(CHART_WINDOW);
        List<PlatinumSamples.Point> q;
        List<PlatinumSamples.Point> conn;
        try {
            q = samples.meanQueryMs(from, to);
            conn = samples.connections(from, to);
        } catch (RuntimeException e) {
            log.warn("the surveillance's samples could not be read ({}); the PLATINUM report shows no charts", e.toString());
            q = List.of();
            conn = List.of();
        }
        return new Charts(from, to, q == null ? List.of() : q, conn == null ? List.of() : conn);
    }

    // ------------------------------------------------------------------------------------------------ Markdown

    public String markdown(PlatinumAssessment a) {
        return markdown(a, charts(a));
    }

    String markdown(PlatinumAssessment a, Charts charts) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(cell(title(a))).append("\n\n| | |\n|---|---|\n");
        for (String[] row : facts(a)) {
            md.append("| ").append(row[0]).append(" | ").append(cell(row[1])).append(" |\n");
        }
        md.append("\n## Criteria\n\n| # | criterion | value | threshold | result |\n|--:|---|---|---|:-:|\n");
        int n = 1;
        for (Criterion c : a.criteria()) {
            md.append("| ").append(n++).append(" | **").append(c.name()).append("** ").append(cell(Criterion.title(c.name())))
                    .append(" | ").append(cell(c.value())).append(" | ").append(cell(c.threshold())).append(" | ")
                    .append(c.passed() ? PASSED : FAILED).append(" |\n");
        }
        md.append("\n## What to do\n\n");
        if (a.failed().isEmpty()) {
            md.append("Nothing: every criterion passed. PLATINUM is granted; MySQL may be archived once it has been kept"
                    + " read-only as long as configured (bascule.platinum.keep-source).\n");
        } else {
            for (Criterion c : a.failed()) {
                md.append("### ").append(c.name()).append("\n\n");
                if (c.advice().isEmpty()) {
                    md.append("- see its details below\n");
                }
                c.advice().forEach(x -> md.append("- ").append(inline(x)).append('\n'));
                md.append('\n');
            }
            md.append("Next report: ").append(a.nextReportAt() == null ? "not scheduled" : ReportDocuments.time(a.nextReportAt()))
                    .append(".\n");
        }
        md.append("\n## Details\n");
        for (Criterion c : a.criteria()) {
            md.append("\n### ").append(c.passed() ? PASSED : FAILED).append(' ').append(c.name()).append(" — ")
                    .append(inline(Criterion.title(c.name()))).append("\n\n");
            md.append("- value: ").append(inline(c.value())).append("\n- threshold: ").append(inline(c.threshold())).append('\n');
            c.details().forEach(d -> md.append("- ").append(inline(d)).append('\n'));
        }
        md.append("\n## Mean query time and connections (24 h)\n\n");
        md.append(seriesMarkdown("Mean query time", "ms", charts.meanQueryMs()));
        md.append(seriesMarkdown("Connections", "", charts.connections()));
        md.append("\n## War room\n\n");
        if (team.isEmpty()) {
            md.append("No war-room contacts are configured: set bascule.cutover.team (name, role, email, phone).\n");
        } else {
            md.append("| name | role | e-mail | phone |\n|---|---|---|---|\n");
            team.forEach(t -> md.append("| ").append(cell(t.name())).append(" | ").append(cell(t.role())).append(" | ")
                    .append(cell(t.email())).append(" | ").append(cell(t.phone())).append(" |\n"));
        }
        md.append("\n## Notes\n\n");
        if (a.notes().isEmpty()) {
            md.append("None.\n");
        }
        a.notes().forEach(x -> md.append("- ").append(inline(x)).append('\n'));
        return md.toString();
    }

    private static String seriesMarkdown(String name, String unit, List<PlatinumSamples.Point> points) {
        if (points.isEmpty()) {
            return "- " + name + ": no samples kept\n";
        }
        Stats s = Stats.of(points);
        return String.format(Locale.ROOT, "- %s: `%s` %d samples from %s to %s; min %s, mean %s, max %s%s\n", name,
                sparkline(points), points.size(), ReportDocuments.time(points.get(0).at()),
                ReportDocuments.time(points.get(points.size() - 1).at()), number(s.min), number(s.mean), number(s.max),
                unit.isEmpty() ? "" : " " + unit);
    }

    /** The series as block characters, at most 48 (buckets averaged). */
    static String sparkline(List<PlatinumSamples.Point> points) {
        String blocks = "▁▂▃▄▅▆▇█";
        int width = Math.min(48, points.size());
        double[] v = new double[width];
        for (int i = 0; i < width; i++) {
            int from = i * points.size() / width;
            int to = Math.max(from + 1, (i + 1) * points.size() / width);
            double sum = 0;
            for (int j = from; j < to; j++) {
                sum += points.get(j).value();
            }
            v[i] = sum / (to - from);
        }
        double min = java.util.Arrays.stream(v).min().orElse(0);
        double max = java.util.Arrays.stream(v).max().orElse(0);
        StringBuilder sb = new StringBuilder();
        for (double x : v) {
            int level = max == min ? 3 : (int) Math.round((x - min) / (max - min) * 7);
            sb.append(blocks.charAt(level));
        }
        return sb.toString();
    }

    private record Stats(double min, double mean, double max) {
        static Stats of(List<PlatinumSamples.Point> points) {
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            double sum = 0;
            for (PlatinumSamples.Point p : points) {
                min = Math.min(min, p.value());
                max = Math.max(max, p.value());
                sum += p.value();
            }
            return new Stats(min, sum / points.size(), max);
        }
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e12 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    // ------------------------------------------------------------------------------------------------ HTML

    public String html(PlatinumAssessment a) {
        return html(a, charts(a));
    }

    String html(PlatinumAssessment a, Charts charts) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title(a)))
                .append("</title>\n<style>")
                .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}")
                .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f3f3f3}")
                .append("td.n{text-align:right;font-variant-numeric:tabular-nums}td.r{text-align:center;white-space:nowrap}")
                .append(".granted{color:#1a7f37}.refused{color:#cf222e}td{white-space:pre-wrap}")
                .append("ul.details li{margin:2px 0}.chart{margin:.5em 0 1.5em}.chart svg{border:1px solid #ddd;background:#fafafa}")
                .append(".muted{color:#555}")
                .append("</style></head><body>\n<h1 class=\"").append(a.granted() ? "granted" : "refused").append("\">")
                .append(esc(title(a))).append("</h1>\n<table>");
        for (String[] row : facts(a)) {
            h.append("<tr><th>").append(esc(row[0])).append("</th><td>").append(esc(row[1])).append("</td></tr>");
        }
        h.append("</table>\n<h2>Criteria</h2>\n<table><tr><th>#</th><th>criterion</th><th>value</th><th>threshold</th><th>result</th></tr>\n");
        int n = 1;
        for (Criterion c : a.criteria()) {
            h.append("<tr><td class=\"n\">").append(n++).append("</td><td><b>").append(esc(c.name())).append("</b><br><span class=\"muted\">")
                    .append(esc(Criterion.title(c.name()))).append("</span></td><td>").append(esc(c.value())).append("</td><td>")
                    .append(esc(c.threshold())).append("</td><td class=\"r ").append(c.passed() ? "granted" : "refused")
                    .append("\">").append(c.passed() ? PASSED + " passed" : FAILED + " failed").append("</td></tr>\n");
        }
        h.append("</table>\n<h2>What to do</h2>\n");
        if (a.failed().isEmpty()) {
            h.append("<p>Nothing: every criterion passed. PLATINUM is granted; MySQL may be archived once it has been kept"
                    + " read-only as long as configured (bascule.platinum.keep-source).</p>\n");
        } else {
            for (Criterion c : a.failed()) {
                h.append("<h3>").append(esc(c.name())).append("</h3>\n<ul>");
                if (c.advice().isEmpty()) {
                    h.append("<li>see its details below</li>");
                }
                c.advice().forEach(x -> h.append("<li>").append(esc(x)).append("</li>"));
                h.append("</ul>\n");
            }
            h.append("<p>Next report: <b>").append(esc(a.nextReportAt() == null ? "not scheduled" : ReportDocuments.time(a.nextReportAt())))
                    .append("</b>.</p>\n");
        }
        h.append("<h2>Details</h2>\n");
        for (Criterion c : a.criteria()) {
            h.append("<h3 class=\"").append(c.passed() ? "granted" : "refused").append("\">").append(c.passed() ? PASSED : FAILED)
                    .append(' ').append(esc(c.name())).append(" — ")
                    .append(esc(Criterion.title(c.name()))).append("</h3>\n<ul class=\"details\"><li>value: ").append(esc(c.value()))
                    .append("</li><li>threshold: ").append(esc(c.threshold())).append("</li>");
            c.details().forEach(d -> h.append("<li>").append(esc(d)).append("</li>"));
            h.append("</ul>\n");
        }
        h.append("<h2>Mean query time and connections (24 h)</h2>\n");
        h.append(chartHtml("Mean query time", "ms", charts.meanQueryMs(), charts.from(), charts.to()));
        h.append(chartHtml("Connections", "", charts.connections(), charts.from(), charts.to()));
        h.append("<h2>War room</h2>\n");
        if (team.isEmpty()) {
            h.append("<p>No war-room contacts are configured: set bascule.cutover.team (name, role, email, phone).</p>\n");
        } else {
            h.append("<table><tr><th>name</th><th>role</th><th>e-mail</th><th>phone</th></tr>\n");
            team.forEach(t -> h.append("<tr><td>").append(esc(t.name())).append("</td><td>").append(esc(t.role()))
                    .append("</td><td>").append(esc(t.email())).append("</td><td>").append(esc(t.phone())).append("</td></tr>\n"));
            h.append("</table>\n");
        }
        h.append("<h2>Notes</h2>\n");
        if (a.notes().isEmpty()) {
            h.append("<p>None.</p>\n");
        } else {
            h.append("<ul>");
            a.notes().forEach(x -> h.append("<li>").append(esc(x)).append("</li>"));
            h.append("</ul>\n");
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    /** A line chart of a series as inline SVG over [from, to], with its min, mean and max; "no samples kept" without. */
    static String chartHtml(String name, String unit, List<PlatinumSamples.Point> points, Instant from, Instant to) {
        StringBuilder h = new StringBuilder("<div class=\"chart\"><h3>").append(esc(name)).append(unit.isEmpty() ? "" : " (" + esc(unit) + ")")
                .append("</h3>\n");
        if (points.isEmpty()) {
            return h.append("<p class=\"muted\">No samples kept.</p></div>\n").toString();
        }
        Stats s = Stats.of(points);
        int w = 640;
        int ht = 140;
        int left = 50;
        int right = 10;
        int top = 10;
        int bottom = 24;
        double span = Math.max(1, Duration.between(from, to).toMillis());
        double lo = Math.min(0, s.min);
        double hi = s.max == lo ? lo + 1 : s.max;
        StringBuilder pts = new StringBuilder();
        for (PlatinumSamples.Point p : points) {
            double x = left + (w - left - right) * Math.max(0, Math.min(1, Duration.between(from, p.at()).toMillis() / span));
            double y = top + (ht - top - bottom) * (1 - (p.value() - lo) / (hi - lo));
            pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(ht)
                .append("\" viewBox=\"0 0 ").append(w).append(' ').append(ht).append("\" role=\"img\" aria-label=\"")
                .append(esc(name)).append(" over 24 hours\">")
                .append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>", left, ht - bottom, w - right, ht - bottom))
                .append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>", left, top, left, ht - bottom))
                .append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">%s</text>", left - 4, top + 8, esc(number(hi))))
                .append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">%s</text>", left - 4, ht - bottom, esc(number(lo))))
                .append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"10\">%s</text>", left, ht - 6, esc(ReportDocuments.time(from))))
                .append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">%s</text>", w - right, ht - 6, esc(ReportDocuments.time(to))))
                .append("<polyline fill=\"none\" stroke=\"#0969da\" stroke-width=\"1.5\" points=\"").append(pts.toString().strip())
                .append("\"/></svg>\n<p class=\"muted\">").append(String.format(Locale.ROOT, "%d samples; min %s, mean %s, max %s%s",
                        points.size(), number(s.min), number(s.mean), number(s.max), unit.isEmpty() ? "" : " " + unit))
                .append("</p></div>\n");
        return h.toString();
    }

    // ------------------------------------------------------------------------------------------------ shared

    private static List<String[]> facts(PlatinumAssessment a) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"verdict", a.verdict() == PlatinumAssessment.Verdict.GRANTED ? "GRANTED: every criterion passed"
                : "REFUSED: " + a.failed().size() + " of 6 criteria failed"});
        rows.add(new String[]{"score", a.score() + " / 100 (" + a.passedCount() + " of 6 criteria passed, each one sixth)"});
        rows.add(new String[]{"measured at", ReportDocuments.time(a.at())});
        rows.add(new String[]{"database", a.target() + ", schema " + a.schema()});
        if (a.cutover() == null) {
            rows.add(new String[]{"cutover", "no cutover history"});
        } else {
            CutoverHistory c = a.cutover();
            rows.add(new String[]{"cutover", (c.processInstanceId() == null ? "" : c.processInstanceId() + ", ") + "started "
                    + ReportDocuments.time(c.startedAt()) + (c.switchedAt() == null ? "" : ", application switched "
                    + ReportDocuments.time(c.switchedAt())) + "; " + AuditDocuments.duration(
                    Math.max(0, Duration.between(c.since(), a.at()).toMillis())) + " before this report"});
            if (c.processInstanceId() != null) {
                rows.add(new String[]{"cutover audit trail", ReportDocuments.auditLink(c.processInstanceId())});
            }
        }
        rows.add(new String[]{"next report", a.nextReportAt() == null ? "none: PLATINUM granted"
                : ReportDocuments.time(a.nextReportAt())});
        return rows;
    }

    /** The war room's contacts, one per line, for e-mails ({@link CutoverReport#teamText}). */
    public String teamText() {
        return CutoverReport.teamText(team);
    }

    private static String shown(String s) {
        return s == null ? "" : JdbcUrls.redactUrlsIn(s);
    }

    /** Escaped for HTML, every URL redacted. */
    private static String esc(String s) {
        return AuditDocuments.esc(shown(s));
    }

    /** A Markdown table cell: URLs redacted, pipes escaped, line breaks as {@code <br>}. */
    private static String cell(String s) {
        return s == null ? "" : shown(s).replace("|", "\\|").replaceAll("\\s*\\R\\s*", " <br> ");
    }

    /** One line of Markdown: URLs redacted, line breaks as spaces. */
    private static String inline(String s) {
        return s == null ? "" : shown(s).replaceAll("\\s*\\R\\s*", " ");
    }
}
