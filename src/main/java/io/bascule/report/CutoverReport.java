package io.bascule.report;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bascule.config.BasculeProperties;
import io.bascule.migration.GoldCertificate;
import io.bascule.process.ProcessKeys;
import io.bascule.process.ProcessVariables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The cutover's final report: Markdown and HTML files {@code cutover-<process instance>.md/.html} in the reports
 * folder ({@code <work-dir>/reports}), for every way a cutover ends (its title from the outcome code: "CUTOVER
 * SUCCESSFUL", "CUTOVER FAILED – ROLLED BACK", a NO-GO, an abandoned or aborted cutover...). It shows who gave the
 * GO and when, the phase timeline from the run's audit trail, the write-freeze window ({@value #FREEZE_STARTED_AT}
 * to {@value #APP_HEALTHY_AT}), the rows and checksums of the GOLD certificate with the final delta per table, the
 * figures (freeze, final delta, backups, end-to-end checks), the files, the war room's contacts, and the playbook's
 * execution checklist ({@link CutoverChecklist}) ticked from the run's history or left open with what is missing.
 *
 * <p>The variables it reads (all optional; a missing one is shown as not reached or missing, never guessed):
 * {@code outcome}, {@code outcomeMessage}, {@code goBy}, {@code goAt}, {@code failureReason}, {@code abortReason},
 * {@code rollbackOutcome}, {@code rollbackMessage}, {@code cutoverSummary}, and the ones named by the constants
 * below; plus those of the checklist ({@link CutoverChecklist#variables()}).
 */
public final class CutoverReport {

    public static final String KIND = "cutover";
    private static final Logger log = LoggerFactory.getLogger(CutoverReport.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** ISO-8601 instant: MySQL set read-only (the freeze phase): the start of the write-freeze window. */
    public static final String FREEZE_STARTED_AT = "freezeStartedAt";
    /** ISO-8601 instant: the application answered on PostgreSQL (the connection-check phase): the window's end. */
    public static final String APP_HEALTHY_AT = "appHealthyAt";
    /** JSON {@code {"table": [inserted, updated, deleted]}} of the final delta (source table names), as the rollback's changesPerTable. */
    public static final String FINAL_DELTA_SUMMARY = "finalDeltaSummary";
    /** Text: the final backups (one line per file or database: path, size, checksum). */
    public static final String BACKUP_FILES = "backupFiles";
    /** Text, one line per check: the end-to-end checks' results. */
    public static final String END_TO_END_RESULTS = "endToEndResults";
    /** Boolean: every end-to-end check passed. */
    public static final String END_TO_END_PASSED = "endToEndPassed";
    /** Text: the binary log position read after the freeze (set by the freeze phase). */
    public static final String BINLOG_POSITION = "binlogPosition";
    /** Number: open write transactions ended by the freeze (set by the freeze phase). */
    public static final String WRITERS_ENDED = "writersEnded";

    /** The figures {@link #successMailValues} reads back. */
    public static final String FIGURE_FREEZE_WINDOW = "write-freeze window";
    public static final String FIGURE_FINAL_DELTA = "final delta";
    public static final String FIGURE_ROWS_CERTIFIED = "rows certified (GOLD)";
    public static final String FIGURE_END_TO_END = "end-to-end checks";
    public static final String FIGURE_BACKUPS = "final backups";

    public static final String CUTOVER_SUCCESSFUL = "CUTOVER_SUCCESSFUL";

    /** The report's title per outcome code of the model's end events. */
    private static final Map<String, String> TITLES = Map.of(
            CUTOVER_SUCCESSFUL, "CUTOVER SUCCESSFUL",
            "ROLLED_BACK", "CUTOVER FAILED – ROLLED BACK",
            "NOT_ROLLED_BACK", "CUTOVER FAILED – ROLLBACK STOPPED",
            "NO_GO", "CUTOVER NO-GO – NOTHING CHANGED",
            "DRY_RUN_PASSED", "CUTOVER DRY RUN PASSED",
            "ABANDONED", "CUTOVER ABANDONED – NO GO GIVEN",
            "ABORTED", "CUTOVER ABORTED",
            "ABORTED_ROLLED_BACK", "CUTOVER ABORTED – ROLLED BACK",
            "CANCELLED", "CUTOVER CANCELLED");

    private final AuditTrail trail;
    private final Path reportsDir;
    private final List<BasculeProperties.Contact> team;
    private final CutoverChecklist checklist;
    private final Clock clock;

    /**
     * @param trail the engine's audit trail, or null: the timeline and the checklist then come from the variables
     *              passed only
     * @param team  the war room's contacts ({@code bascule.cutover.team})
     */
    public CutoverReport(AuditTrail trail, Path reportsDir, List<BasculeProperties.Contact> team, CutoverChecklist checklist,
                         Clock clock) {
        this.trail = trail;
        this.reportsDir = reportsDir;
        this.team = team == null ? List.of() : List.copyOf(team);
        this.checklist = checklist;
        this.clock = clock;
    }

    /** With the built-in checklist. */
    public CutoverReport(AuditTrail trail, Path reportsDir, List<BasculeProperties.Contact> team) {
        this(trail, reportsDir, team, CutoverChecklist.builtIn(), Clock.systemUTC());
    }

    public Path reportsDir() {
        return reportsDir;
    }

    public CutoverChecklist checklist() {
        return checklist;
    }

    public List<BasculeProperties.Contact> team() {
        return team;
    }

    /** The title for an outcome code; null: "CUTOVER IN PROGRESS"; a code not known: "CUTOVER: code". */
    public static String title(String outcomeCode) {
        if (outcomeCode == null || outcomeCode.isBlank()) {
            return "CUTOVER IN PROGRESS";
        }
        return TITLES.getOrDefault(outcomeCode, "CUTOVER: " + outcomeCode);
    }

    // ---------------------------------------------------------------------------------------------- facts

    /**
     * The facts of a run's report, gathered: the timeline, the variables and when and by whom each was set from the
     * audit trail (when there is one and it holds the instance), {@code variables} on top (the step's own values,
     * uncut), the checklist ticked from both.
     *
     * @param outcomeCode the outcome ({@code CUTOVER_SUCCESSFUL}...), or null to take it from the variables
     *                    ({@code outcome}) or the audit trail
     * @param certificate the GOLD certificate the cutover carried out, or null (the report says so)
     * @param files       files to list with size and SHA-256 (backups, baseline, the application's config...)
     */
    public ReportFacts facts(String processInstanceId, String outcomeCode, Map<String, ?> variables,
                             GoldCertificate certificate, List<ReportFacts.FileFact> files, List<String> notes) {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, AuditTrail.VariableSet> history = Map.of();
        List<ReportFacts.Step> timeline = List.of();
        List<String> allNotes = new ArrayList<>(notes == null ? List.of() : notes);
        String code = outcomeCode;
        if (trail != null && processInstanceId != null) {
            try {
                Optional<AuditReport> audit = trail.of(processInstanceId);
                if (audit.isPresent()) {
                    timeline = ReportFacts.timelineOf(audit.get());
                    // the runs the cutover started (surveillance, platinumReport) tick the checklist's later items
                    // (H+1, post-cutover, PLATINUM): their values first, the cutover's own on top
                    Map<String, AuditTrail.VariableSet> merged = new LinkedHashMap<>();
                    for (String followUp : trail.followUps(processInstanceId)) {
                        values.putAll(trail.variables(followUp));
                        merged.putAll(trail.variablesSet(followUp));
                    }
                    values.putAll(audit.get().variables());
                    merged.putAll(trail.variablesSet(processInstanceId));
                    history = merged;
                    if (code == null && audit.get().outcome() != null) {
                        code = audit.get().outcome().code();
                    }
                } else {
                    allNotes.add("The engine's history holds no process instance " + processInstanceId
                            + ": the checklist and the figures come from the variables the step passed, without a timeline.");
                }
            } catch (RuntimeException e) {
                log.warn("the audit trail of {} could not be read ({}); the cutover report shows the variables passed",
                        processInstanceId, e.toString());
                allNotes.add("The audit trail could not be read (" + e.getMessage() + "): no timeline, and the checklist"
                        + " and figures come from the variables the step passed.");
            }
        }
        if (variables != null) {
            variables.forEach((k, v) -> {
                if (v != null) {
                    values.put(k, v);
                }
            });
        }
        List<CutoverChecklist.Result> results = checklist == null ? List.of() : checklist.evaluate(values, history);
        return facts(processInstanceId, code, values, certificate, timeline, results, team, files, allNotes);
    }

    /**
     * The facts of a cutover report from what is given, nothing read: kind {@code cutover}, process {@code cutover},
     * the title from the outcome code ({@link #title}), who gave the GO and when ({@code goBy}, {@code goAt}), the
     * reason of a failure ({@code failureReason}, {@code abortReason}), the final delta per table, the figures, and the
     * sections: rows and checksums, the war room's contacts, the execution checklist.
     *
     * @param outcomeCode null: the variable {@code outcome}, else "in progress"
     */
    public static ReportFacts facts(String processInstanceId, String outcomeCode, Map<String, ?> variables,
                                    GoldCertificate certificate, List<ReportFacts.Step> timeline,
                                    List<CutoverChecklist.Result> checklist, List<BasculeProperties.Contact> team,
                                    List<ReportFacts.FileFact> files, List<String> notes) {
        Map<String, ?> v = variables == null ? Map.of() : variables;
        String code = outcomeCode != null ? outcomeCode : text(v.get(ProcessVariables.OUTCOME));
        List<String> allNotes = new ArrayList<>(notes == null ? List.of() : notes);

        String reason = null;
        if (code != null && !CUTOVER_SUCCESSFUL.equals(code) && !"DRY_RUN_PASSED".equals(code)) {
            reason = text(v.get(ProcessVariables.FAILURE_REASON));
            if (reason == null) {
                reason = text(v.get(ProcessVariables.ABORT_REASON));
            }
        }
        Instant goAt = null;
        try {
            goAt = instant(v, ProcessVariables.GO_AT);
        } catch (IllegalArgumentException e) {
            allNotes.add(e.getMessage() + ": the GO's time is not shown.");
        }
        // not cutoverSummary: when the report is written it still holds the rehearsal's line
        String outcome = text(v.get(ProcessVariables.OUTCOME_MESSAGE));
        if (outcome == null) {
            outcome = code == null ? "the cutover is still running" : CUTOVER_SUCCESSFUL.equals(code)
                    ? "the application runs on PostgreSQL; MySQL is kept read-only" : title(code);
        }

        List<ReportFacts.TableChanges> delta = List.of();
        Object deltaJson = v.get(FINAL_DELTA_SUMMARY);
        boolean deltaRead = false;
        if (deltaJson != null) {
            try {
                delta = finalDelta(deltaJson.toString());
                deltaRead = true;
            } catch (IllegalArgumentException e) {
                allNotes.add(e.getMessage());
            }
        }

        List<ReportFacts.Figure> figures = new ArrayList<>();
        FreezeWindow window = freezeWindow(v);
        figures.add(new ReportFacts.Figure(FIGURE_FREEZE_WINDOW, window.describe()));
        if (v.get(WRITERS_ENDED) != null) {
            figures.add(new ReportFacts.Figure("open write transactions ended at the freeze", text(v.get(WRITERS_ENDED))));
        }
        if (v.get(BINLOG_POSITION) != null) {
            figures.add(new ReportFacts.Figure("binary log position after the freeze", text(v.get(BINLOG_POSITION))));
        }
        if (deltaRead) {
            figures.add(new ReportFacts.Figure(FIGURE_FINAL_DELTA, deltaLine(delta)));
        }
        if (certificate != null) {
            figures.add(new ReportFacts.Figure(FIGURE_ROWS_CERTIFIED, ReportDocuments.count(certificate.rows()) + " rows in "
                    + certificate.tables().size() + " table(s), certificate of "
                    + (certificate.createdAt() == null ? "unknown date" : ReportDocuments.time(certificate.createdAt()))));
        }
        if (v.get(BACKUP_FILES) != null) {
            figures.add(new ReportFacts.Figure(FIGURE_BACKUPS, text(v.get(BACKUP_FILES))));
        }
        if (v.get(END_TO_END_RESULTS) != null || v.get(END_TO_END_PASSED) != null) {
            Object passed = v.get(END_TO_END_PASSED);
            String head = passed == null ? "" : Boolean.TRUE.equals(passed) || "true".equals(String.valueOf(passed))
                    ? "all passed" : "NOT all passed";
            String lines = text(v.get(END_TO_END_RESULTS));
            figures.add(new ReportFacts.Figure(FIGURE_END_TO_END, head + (lines == null ? "" : (head.isEmpty() ? "" : "\n") + lines)));
        }
        String rollback = text(v.get(ProcessVariables.ROLLBACK_OUTCOME));
        if (rollback != null) {
            String m = text(v.get(ProcessVariables.ROLLBACK_MESSAGE));
            figures.add(new ReportFacts.Figure("rollback", rollback + (m == null ? "" : ": " + m)));
        }

        List<ReportFacts.Section> sections = List.of(rowsAndChecksums(certificate, delta), contacts(team),
                ReportFacts.Section.checklist("Execution checklist", "The playbook's checklist, ticked from the run's"
                        + " history (who, when); an open item says what is still missing. Its items are data:"
                        + " config/cutover-checklist.yml.", CutoverChecklist.groups(checklist == null ? List.of() : checklist)));
        return new ReportFacts(KIND, title(code), ProcessKeys.CUTOVER, processInstanceId, reason,
                text(v.get(ProcessVariables.GO_BY)), goAt, outcome, timeline, delta, figures, files, allNotes, sections);
    }

    /** The files a cutover's report lists from its variables: the MySQL baseline and the final backups' manifest. */
    public static List<ReportFacts.FileFact> filesOf(Map<String, ?> variables) {
        List<ReportFacts.FileFact> files = new ArrayList<>();
        Object baseline = variables.get("baselineFile");
        if (baseline != null) {
            files.add(ReportFacts.FileFact.of("MySQL baseline", Path.of(baseline.toString())));
        }
        Object backups = variables.get(BACKUP_FILES);
        if (backups != null) {
            files.add(ReportFacts.FileFact.of("final backups (manifest)", Path.of(backups.toString()).resolve("manifest.json")));
        }
        return files;
    }

    /** Writes the report's Markdown and HTML files ({@code cutover-<instance>}); returns their paths (Markdown first). */
    public List<Path> write(ReportFacts facts) {
        List<Path> files = ReportDocuments.write(facts, reportsDir, ReportDocuments.baseName(facts, clock.instant()));
        log.info("cutover report written: {} and {}", files.get(0), files.get(1));
        return files;
    }

    // ---------------------------------------------------------------------------------------------- freeze window

    /**
     * The write-freeze window: from MySQL read-only ({@code from}) to the application healthy on PostgreSQL
     * ({@code to}); either null when not reached, {@code problem} when a value is not an instant.
     */
    public record FreezeWindow(Instant from, Instant to, String problem) {

        public Duration duration() {
            return from == null || to == null ? null : Duration.between(from, to);
        }

        /** Seconds, to the millisecond; null when not reached. */
        public Double seconds() {
            Duration d = duration();
            return d == null ? null : d.toMillis() / 1000.0;
        }

        public String describe() {
            if (problem != null) {
                return "unknown: " + problem;
            }
            if (from == null) {
                return "not reached: MySQL was not set read-only (" + FREEZE_STARTED_AT + " not set)";
            }
            if (to == null) {
                return "not reached: MySQL read-only since " + ReportDocuments.time(from) + ", the application was not"
                        + " found healthy on PostgreSQL (" + APP_HEALTHY_AT + " not set)";
            }
            long ms = duration().toMillis();
            return String.format(Locale.ROOT, "%.3f s", ms / 1000.0) + (ms >= 60_000 ? " (" + AuditDocuments.duration(ms) + ")" : "")
                    + ", from MySQL read-only at " + ReportDocuments.time(from) + " to the application healthy on"
                    + " PostgreSQL at " + ReportDocuments.time(to);
        }
    }

    public static FreezeWindow freezeWindow(Map<String, ?> variables) {
        Map<String, ?> v = variables == null ? Map.of() : variables;
        try {
            Instant from = instant(v, FREEZE_STARTED_AT);
            Instant to = instant(v, APP_HEALTHY_AT);
            if (from != null && to != null && to.isBefore(from)) {
                return new FreezeWindow(from, to, "the variable " + APP_HEALTHY_AT + " (" + to + ") is before "
                        + FREEZE_STARTED_AT + " (" + from + ")");
            }
            return new FreezeWindow(from, to, null);
        } catch (IllegalArgumentException e) {
            return new FreezeWindow(null, null, e.getMessage());
        }
    }

    // ---------------------------------------------------------------------------------------------- sections

    /** The final delta's JSON {@code {"table": [inserted, updated, deleted]}}, sorted by table. */
    public static List<ReportFacts.TableChanges> finalDelta(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try {
            Map<String, List<Long>> map = JSON.readValue(json, new TypeReference<TreeMap<String, List<Long>>>() { });
            List<ReportFacts.TableChanges> tables = new ArrayList<>();
            for (Map.Entry<String, List<Long>> e : map.entrySet()) {
                List<Long> n = e.getValue();
                if (n == null || n.size() != 3 || n.contains(null)) {
                    throw new IllegalArgumentException("The variable " + FINAL_DELTA_SUMMARY + " holds " + e.getKey() + ": "
                            + n + ", not [inserted, updated, deleted]: the final delta per table is not shown.");
                }
                tables.add(new ReportFacts.TableChanges(e.getKey(), n.get(0), n.get(1), n.get(2)));
            }
            return tables;
        } catch (IOException e) {
            throw new IllegalArgumentException("The variable " + FINAL_DELTA_SUMMARY + " is not the JSON"
                    + " {\"table\": [inserted, updated, deleted]} (" + e.getClass().getSimpleName() + "): the final delta"
                    + " per table is not shown.", e);
        }
    }

    private static String deltaLine(List<ReportFacts.TableChanges> delta) {
        long i = delta.stream().mapToLong(ReportFacts.TableChanges::inserts).sum();
        long u = delta.stream().mapToLong(ReportFacts.TableChanges::updates).sum();
        long d = delta.stream().mapToLong(ReportFacts.TableChanges::deletes).sum();
        return ReportDocuments.count(i) + " inserted, " + ReportDocuments.count(u) + " updated, " + ReportDocuments.count(d)
                + " deleted in " + delta.size() + " table(s)";
    }

    private static ReportFacts.Section rowsAndChecksums(GoldCertificate c, List<ReportFacts.TableChanges> delta) {
        List<String> columns = List.of("table", "PostgreSQL table", "rows at GOLD", "checksum at GOLD",
                "final delta (inserted / updated / deleted)", "rows after the final delta");
        if (c == null) {
            List<List<String>> rows = delta.stream().map(t -> List.of(t.table(), "", "", "", deltaCell(t), "")).toList();
            return ReportFacts.Section.table("Rows and checksums", "No GOLD certificate was given to the report: the rows"
                    + " and checksums certified by the migration are not shown (the certificate is"
                    + " <work-dir>/gold-certificate.json).", columns, rows, 2, 5);
        }
        Map<String, ReportFacts.TableChanges> byTable = new LinkedHashMap<>();
        delta.forEach(t -> byTable.put(t.table(), t));
        List<List<String>> rows = new ArrayList<>();
        for (GoldCertificate.TableEntry t : c.tables()) {
            ReportFacts.TableChanges d = byTable.remove(t.table());
            if (d == null && t.targetTable() != null) {
                d = byTable.remove(t.targetTable());
            }
            rows.add(List.of(t.table(), t.targetTable() == null ? "" : t.targetTable(), ReportDocuments.count(t.rows()),
                    t.checksum() == null ? "" : t.checksum(), d == null ? "none" : deltaCell(d),
                    ReportDocuments.count(t.rows() + (d == null ? 0 : d.inserts() - d.deletes()))));
        }
        byTable.values().forEach(d -> rows.add(List.of(d.table(), "", "not certified", "", deltaCell(d), "")));
        String text = "GOLD certificate of " + (c.createdAt() == null ? "unknown date" : ReportDocuments.time(c.createdAt()))
                + ": " + ReportDocuments.count(c.rows()) + " rows in " + c.tables().size() + " table(s)"
                + (c.source() == null ? "" : "; source " + c.source().url() + (c.source().version() == null ? "" : " (" + c.source().version() + ")"))
                + (c.target() == null ? "" : "; target " + c.target().url() + (c.target().version() == null ? "" : " (" + c.target().version() + ")"))
                + ". Rows after the final delta: the certified rows plus the rows it inserted, less those it deleted.";
        return ReportFacts.Section.table("Rows and checksums", text, columns, rows, 2, 5);
    }

    private static String deltaCell(ReportFacts.TableChanges t) {
        return ReportDocuments.count(t.inserts()) + " / " + ReportDocuments.count(t.updates()) + " / " + ReportDocuments.count(t.deletes());
    }

    private static ReportFacts.Section contacts(List<BasculeProperties.Contact> team) {
        List<BasculeProperties.Contact> list = team == null ? List.of() : team;
        List<List<String>> rows = list.stream().map(c -> List.of(c.name(), or(c.role()), or(c.email()), or(c.phone()))).toList();
        return ReportFacts.Section.table("War room", list.isEmpty()
                ? "No war-room contacts are configured: set bascule.cutover.team (name, role, email, phone)." : null,
                List.of("name", "role", "e-mail", "phone"), rows);
    }

    /** The contacts, one line each ("Alice Martin, DBA, alice@example.org, +33 6 12 34 56 78"), for e-mails. */
    public static String teamText(List<BasculeProperties.Contact> team) {
        if (team == null || team.isEmpty()) {
            return "no war-room contacts configured (bascule.cutover.team)";
        }
        List<String> lines = new ArrayList<>();
        for (BasculeProperties.Contact c : team) {
            StringBuilder line = new StringBuilder(c.name());
            for (String part : new String[]{c.role(), c.email(), c.phone()}) {
                if (part != null && !part.isBlank()) {
                    line.append(", ").append(part);
                }
            }
            lines.add(line.toString());
        }
        return String.join("\n", lines);
    }

    // ---------------------------------------------------------------------------------------------- e-mails

    /**
     * The values of the {@code cutover-start} e-mail: window, expectedDowntime, warRoomLink, team, goTimeout,
     * freezeTimeout (from {@code bascule.cutover}; a setting not made says so), startedBy, startedAt, processInstanceId,
     * runbookLink (its audit trail, command and page), sourceName, targetName, mode (dry run or real).
     */
    public static Map<String, Object> startMailValues(BasculeProperties.Cutover cutover, String processInstanceId,
                                                      String startedBy, Instant startedAt, boolean dryRun,
                                                      String sourceName, String targetName) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("window", setting(cutover == null ? null : cutover.window(), "bascule.cutover.window"));
        v.put("expectedDowntime", setting(cutover == null ? null : cutover.expectedDowntime(), "bascule.cutover.expected-downtime"));
        v.put("warRoomLink", setting(cutover == null ? null : cutover.warRoomLink(), "bascule.cutover.war-room-link"));
        v.put("team", teamText(cutover == null ? null : cutover.team()));
        if (cutover != null && cutover.goTimeout() != null) {
            v.put("goTimeout", AuditDocuments.duration(cutover.goTimeout().toMillis()));
        }
        if (cutover != null && cutover.freezeTimeout() != null) {
            v.put("freezeTimeout", AuditDocuments.duration(cutover.freezeTimeout().toMillis()));
        }
        put(v, "startedBy", startedBy == null ? "an unknown user" : startedBy);
        put(v, "startedAt", startedAt == null ? null : ReportDocuments.time(startedAt));
        put(v, "processInstanceId", processInstanceId);
        put(v, "runbookLink", ReportDocuments.auditLink(processInstanceId));
        put(v, "sourceName", sourceName);
        put(v, "targetName", targetName);
        v.put("mode", dryRun ? "a DRY RUN: every phase is simulated, nothing is changed" : "the real cutover: the write freeze follows the GO");
        return v;
    }

    /**
     * The values of the {@code cutover-success} e-mail for these facts and report files: title, summary, freezeWindow,
     * finalDelta, rowsCertified, endToEnd, goBy, goAt, processInstanceId, auditLink, reportFiles, team, warRoomLink,
     * sourceName, targetName (a value the facts lack is left out: the template shows its placeholder).
     */
    public static Map<String, Object> successMailValues(ReportFacts f, List<Path> reportFiles,
                                                        List<BasculeProperties.Contact> team, String warRoomLink,
                                                        String sourceName, String targetName) {
        Map<String, Object> v = new LinkedHashMap<>();
        put(v, "title", f.title());
        put(v, "summary", f.outcome());
        figure(f, FIGURE_FREEZE_WINDOW).ifPresent(x -> v.put("freezeWindow", x));
        v.put("finalDelta", figure(f, FIGURE_FINAL_DELTA).orElse("none recorded"));
        figure(f, FIGURE_ROWS_CERTIFIED).ifPresent(x -> v.put("rowsCertified", x));
        v.put("endToEnd", figure(f, FIGURE_END_TO_END).orElse("not recorded"));
        put(v, "goBy", f.decidedBy());
        put(v, "goAt", f.decidedAt() == null ? null : ReportDocuments.time(f.decidedAt()));
        put(v, "processInstanceId", f.processInstanceId());
        put(v, "auditLink", ReportDocuments.auditLink(f.processInstanceId()));
        put(v, "reportFiles", reportFiles == null ? null : String.join("\n", reportFiles.stream().map(Path::toString).toList()));
        v.put("team", teamText(team));
        v.put("warRoomLink", setting(warRoomLink, "bascule.cutover.war-room-link"));
        put(v, "sourceName", sourceName);
        put(v, "targetName", targetName);
        return v;
    }

    private static Optional<String> figure(ReportFacts f, String name) {
        return f.figures().stream().filter(x -> name.equals(x.name())).map(ReportFacts.Figure::value).findFirst();
    }

    private static String setting(String value, String key) {
        return value == null || value.isBlank() ? "not configured (" + key + ")" : value;
    }

    private static void put(Map<String, Object> v, String key, Object value) {
        if (value != null) {
            v.put(key, value);
        }
    }

    // ---------------------------------------------------------------------------------------------- values

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        String s = String.valueOf(value).strip();
        return s.isEmpty() ? null : s;
    }

    private static String or(String s) {
        return s == null ? "" : s;
    }

    /** The variable as an ISO-8601 instant (text, {@link Instant} or date); null when absent; not an instant: IllegalArgumentException. */
    static Instant instant(Map<String, ?> variables, String name) {
        Object value = variables.get(name);
        if (value == null) {
            return null;
        }
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof java.util.Date d) {
            return d.toInstant();
        }
        String s = String.valueOf(value).strip();
        if (s.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("the variable " + name + " is '" + s + "', not an ISO-8601 instant"
                    + " (2026-12-01T16:00:00Z)");
        }
    }
}
