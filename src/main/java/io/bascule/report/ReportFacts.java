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
 * notes. Generic on purpose: {@link ReportDocuments} renders any of them as Markdown and HTML. Every text is shown
 * with the URLs in it redacted. Null lists are empty.
 *
 * @param kind              the report's kind, the start of its file names ({@code incident}, {@code cutover}...)
 * @param title             the heading ("Rollback incident report")
 * @param processInstanceId the run whose audit trail the report links to (null: none)
 * @param outcome           one line: how it ended
 */
public record ReportFacts(String kind, String title, String processKey, String processInstanceId, String reason,
                          String decidedBy, Instant decidedAt, String outcome, List<Step> timeline,
                          List<TableChanges> tables, List<Figure> figures, List<FileFact> files, List<String> notes) {

    public ReportFacts {
        timeline = timeline == null ? List.of() : List.copyOf(timeline);
        tables = tables == null ? List.of() : List.copyOf(tables);
        figures = figures == null ? List.of() : List.copyOf(figures);
        files = files == null ? List.of() : List.copyOf(files);
        notes = notes == null ? List.of() : List.copyOf(notes);
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

    public ReportFacts withTimeline(List<Step> steps) {
        return new ReportFacts(kind, title, processKey, processInstanceId, reason, decidedBy, decidedAt, outcome, steps,
                tables, figures, files, notes);
    }

    public ReportFacts withNote(String note) {
        List<String> more = new ArrayList<>(notes);
        more.add(note);
        return new ReportFacts(kind, title, processKey, processInstanceId, reason, decidedBy, decidedAt, outcome, timeline,
                tables, figures, files, more);
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
