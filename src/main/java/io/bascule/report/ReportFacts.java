package io.bascule.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The facts of a runbook report (rollback incident, cutover, PLATINUM), as the process gathered them: why and who
 * decided, the timeline of steps, the changes per table, named figures, the files it produced or restored, and free
 * notes, and further sections of the report's own (a titled table, a checklist: {@link Section}). Generic on purpose:
 * {@link ReportDocuments} renders any of them as Markdown and HTML. Every text is shown with the URLs in it redacted.
 * Null lists are empty.
 *
 * @param kind              the report's kind, the start of its file names ({@code incident}, {@code cutover}...)
 * @param title             the heading ("Rollback incident report")
 * @param processInstanceId the run whose audit trail the report links to (null: none)
 * @param outcome           one line: how it ended
 * @param sections          the report's own parts, shown after the files and before the notes
 */
public record ReportFacts(String kind, String title, String processKey, String processInstanceId, String reason,
                          String decidedBy, Instant decidedAt, String outcome, List<Step> timeline,
                          List<TableChanges> tables, List<Figure> figures, List<FileFact> files, List<String> notes,
                          List<Section> sections) {

    public ReportFacts {
        timeline = timeline == null ? List.of() : List.copyOf(timeline);
        tables = tables == null ? List.of() : List.copyOf(tables);
        figures = figures == null ? List.of() : List.copyOf(figures);
        files = files == null ? List.of() : List.copyOf(files);
        notes = notes == null ? List.of() : List.copyOf(notes);
        sections = sections == null ? List.of() : List.copyOf(sections);
    }

    /** Facts without sections of their own. */
    public ReportFacts(String kind, String title, String processKey, String processInstanceId, String reason,
                       String decidedBy, Instant decidedAt, String outcome, List<Step> timeline,
                       List<TableChanges> tables, List<Figure> figures, List<FileFact> files, List<String> notes) {
        this(kind, title, processKey, processInstanceId, reason, decidedBy, decidedAt, outcome, timeline, tables, figures,
                files, notes, List.of());
    }

    /** One step of the timeline. {@code end} null: still running; {@code outcome}: completed, error, failed... */
    public record Step(String name, Instant start, Instant end, String by, String outcome) {
        public Long durationMs() {
            return start == null || end == null ? null : end.toEpochMilli() - start.toEpochMilli();
        }
    }

    /** Rows changed in one table (carried back by the rollback, copied by a cutover...). */
    public record TableChanges(String table, long inserts, long updates, long deletes) {
        public long total() {
            return inserts + updates + deletes;
        }
    }

    /** A named figure, its value already written with its unit ("3.2 s", "10,000 rows"). */
    public record Figure(String name, String value) {
    }

    /** A file the run produced or restored: what it is, where, its size and SHA-256 (null when unknown). */
    public record FileFact(String role, Path path, Long sizeBytes, String sha256) {

        /** The file as it is now on disk: its size and SHA-256; a file that is not there is said so, not guessed. */
        public static FileFact of(String role, Path path) {
            if (path == null || !Files.isRegularFile(path)) {
                return new FileFact(role, path, null, null);
            }
            try (InputStream in = Files.newInputStream(path)) {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                byte[] buf = new byte[1 << 16];
                long size = 0;
                for (int n; (n = in.read(buf)) > 0; ) {
                    sha.update(buf, 0, n);
                    size += n;
                }
                return new FileFact(role, path, size, HexFormat.of().formatHex(sha.digest()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path + " to take its SHA-256: " + e.getMessage(), e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * A part of a report of its own, after the files: a text, a table (cell texts by column; the columns whose index
     * is in {@code numeric} are right-aligned), a checklist (groups of items, each done or open with a detail: who
     * and when, or what is still missing), or a text with either. Empty parts are left out.
     */
    public record Section(String title, String text, List<String> columns, List<List<String>> rows,
                          java.util.Set<Integer> numeric, List<CheckGroup> checklist) {
        public Section {
            columns = columns == null ? List.of() : List.copyOf(columns);
            rows = rows == null ? List.of() : rows.stream().map(r -> r.stream().map(c -> c == null ? "" : c).toList()).toList();
            numeric = numeric == null ? java.util.Set.of() : java.util.Set.copyOf(numeric);
            checklist = checklist == null ? List.of() : List.copyOf(checklist);
        }

        public static Section text(String title, String text) {
            return new Section(title, text, null, null, null, null);
        }

        /** A table; {@code numericColumns}: the indexes (from 0) of the right-aligned columns. */
        public static Section table(String title, String text, List<String> columns, List<List<String>> rows,
                                    Integer... numericColumns) {
            return new Section(title, text, columns, rows, java.util.Set.of(numericColumns), null);
        }

        public static Section checklist(String title, String text, List<CheckGroup> groups) {
            return new Section(title, text, null, null, null, groups);
        }
    }

    /** A group of a checklist ("Pre-cutover") and its items. */
    public record CheckGroup(String name, List<Check> items) {
        public CheckGroup {
            items = items == null ? List.of() : List.copyOf(items);
        }
    }

    /** An item of a checklist: ticked or open; {@code detail} says who and when, or what is still missing. */
    public record Check(boolean done, String text, String detail) {
    }

    public ReportFacts withTimeline(List<Step> steps) {
        return new ReportFacts(kind, title, processKey, processInstanceId, reason, decidedBy, decidedAt, outcome, steps,
                tables, figures, files, notes, sections);
    }

    public ReportFacts withNote(String note) {
        List<String> more = new ArrayList<>(notes);
        more.add(note);
        return new ReportFacts(kind, title, processKey, processInstanceId, reason, decidedBy, decidedAt, outcome, timeline,
                tables, figures, files, more, sections);
    }

    public ReportFacts withSections(List<Section> more) {
        return new ReportFacts(kind, title, processKey, processInstanceId, reason, decidedBy, decidedAt, outcome, timeline,
                tables, figures, files, notes, more);
    }

    /**
     * The timeline of a run as its audit trail tells it: the steps with a time (tasks, events, call activities),
     * gateways and sequence flows left out.
     */
    public static List<Step> timelineOf(AuditReport audit) {
        List<Step> steps = new ArrayList<>();
        for (AuditReport.Step s : audit.steps()) {
            if (s.type() != null && (s.type().endsWith("Gateway") || s.type().equals("sequenceFlow"))) {
                continue;
            }
            steps.add(new Step(s.name() != null ? s.name() : s.activityId(), instant(s.start()), instant(s.end()),
                    s.user(), s.outcome()));
        }
        return steps;
    }

    private static Instant instant(String iso) {
        return iso == null ? null : Instant.parse(iso);
    }
}
