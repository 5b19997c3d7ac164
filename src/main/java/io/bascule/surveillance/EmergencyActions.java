package io.bascule.surveillance;

import com.fasterxml.jackson.databind.JsonNode;
import io.bascule.appswitch.AppDatabaseUrl;
import io.bascule.appswitch.AppSwitch;
import io.bascule.appswitch.AppSwitchException;
import io.bascule.config.BasculeProperties;
import io.bascule.cutover.AppConnectionCheck;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.DatabaseException;
import io.bascule.database.JdbcUrls;
import io.bascule.database.PostgresDialect;
import io.bascule.database.PostgresDialect.ActionLogin;
import io.bascule.database.PostgresDialect.ConnectionHeadroom;
import io.bascule.database.PostgresDialect.IdleSessionRow;
import io.bascule.database.PostgresDialect.SessionStateRow;
import io.bascule.database.PostgresDialect.StatStatements;
import io.bascule.database.PostgresDialect.StatementStatsRow;
import io.bascule.database.PostgresDialect.TableStatisticsRow;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The diagnoses and actions of the surveillance's emergency playbooks on the target PostgreSQL: plain methods a
 * delegate (or the command line, or a test) calls, each returning a result with console lines (✅ ⚠️ ❌ ➖) and a map of
 * process variables ({@link EmergencyVariables}).
 * <ul>
 * <li>connections exhausted: {@link #listIdleSessions}, then {@link #endSessions} of the approved pids only;</li>
 * <li>slow queries: {@link #diagnoseSlowQueries} (pg_stat_statements, generic plans, index and vacuum proposals), then
 * {@link #vacuumAnalyze} or {@link #createIndexConcurrently} of an approved proposal;</li>
 * <li>backend down: {@link #diagnoseBackend} for the decision "roll back?";</li>
 * <li>users report errors: {@link #adviseOnUserErrors}.</li>
 * </ul>
 * Every action (and every refused one) is recorded as one JSON line in {@code <work-dir>/surveillance/actions.jsonl}:
 * who decided, when, what, on which database (redacted URL), with what result. Diagnoses change nothing: statements
 * are explained (planned, never run) in read-only transactions. Nothing here shows a password.
 */
public final class EmergencyActions {

    /** A table with fewer rows than this gets no index proposal: a sequential scan of it is as good. */
    public static final long MIN_INDEX_ROWS = 1_000;
    /** How long ending a session waits for it to be gone (PostgreSQL 14+). */
    public static final Duration END_WAIT = Duration.ofSeconds(5);
    /**
     * How long CREATE INDEX CONCURRENTLY waits for a lock: it waits for every transaction older than its build, so an
     * idle-in-transaction session would hold it for ever; past this it fails and its invalid index is dropped.
     */
    public static final Duration INDEX_LOCK_TIMEOUT = Duration.ofMinutes(1);
    /** The bound of one EXPLAIN. */
    public static final Duration EXPLAIN_TIMEOUT = Duration.ofSeconds(10);
    /** The characters of a session's last query kept. */
    static final int QUERY_CHARS = 200;
    static final Duration PROBE_PAUSE = Duration.ofMillis(250);
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    /** The window over which the advice on users' errors counts the rollbacks happening now. */
    static final Duration ERROR_WINDOW = Duration.ofSeconds(2);

    private static final Pattern LEADING_COMMENTS = Pattern.compile("^(\\s*(--[^\\n]*\\n|/\\*.*?\\*/))*\\s*", Pattern.DOTALL);
    private static final Pattern WRITES = Pattern.compile("(?is)\\b(insert\\s+into|update\\s+\\S+\\s+set|delete\\s+from|merge\\s+into)\\b");

    private final DatabaseEndpoint target;
    private final String targetSchema;
    private final BasculeProperties.Surveillance thresholds;
    private final Instant cutoverAt;
    private final ActionLog log;
    private final PostgresDialect dialect;
    private final Duration errorWindow;

    /**
     * @param target     the target PostgreSQL, with Bascule's login
     * @param thresholds bascule.surveillance.* (idle-session-age, slow-query, max-dead-tuple-pct, health-failures,
     *                   rollback-first-impact-pct)
     * @param workDir    the work directory: actions are recorded in {@code surveillance/actions.jsonl} under it
     */
    public EmergencyActions(DatabaseEndpoint target, BasculeProperties.Surveillance thresholds, Path workDir) {
        this(target, null, thresholds, workDir, null);
    }

    /**
     * @param targetSchema the migrated schema: first in the search path when statements are explained (their table
     *                     names are usually unqualified), or null for the login's own search path
     * @param cutoverAt    when the cutover switched (statistics older than it are stale), or null when not known
     */
    public EmergencyActions(DatabaseEndpoint target, String targetSchema, BasculeProperties.Surveillance thresholds,
                            Path workDir, Instant cutoverAt) {
        this(target, targetSchema, thresholds, workDir, cutoverAt, ERROR_WINDOW);
    }

    EmergencyActions(DatabaseEndpoint target, String targetSchema, BasculeProperties.Surveillance thresholds, Path workDir,
                     Instant cutoverAt, Duration errorWindow) {
        if (target == null || target.side() != DatabaseEndpoint.Side.TARGET) {
            throw new IllegalArgumentException("the emergency actions run on the target PostgreSQL: give its endpoint");
        }
        if (workDir == null) {
            throw new IllegalArgumentException("no work directory: give bascule.work-dir (--work-dir)");
        }
        this.target = target;
        this.targetSchema = targetSchema == null || targetSchema.isBlank() ? null : targetSchema;
        this.thresholds = thresholds;
        this.cutoverAt = cutoverAt;
        this.log = new ActionLog(workDir);
        this.dialect = new PostgresDialect(target);
        this.errorWindow = errorWindow;
    }

    /** The service for the configured run: target schema and work directory from the settings. */
    public static EmergencyActions from(BasculeProperties properties, DatabaseEndpoint target, Instant cutoverAt) {
        return new EmergencyActions(target, properties.target() == null ? null : properties.target().schema(),
                properties.surveillance(), properties.workDir(), cutoverAt);
    }

    /** Where the actions are recorded. */
    public Path actionsFile() {
        return log.file();
    }

    // ------------------------------------------------------------------ connections exhausted

    /**
     * The client sessions of the target database idle, or idle in a transaction, since longer than
     * {@code idle-session-age}, oldest first; not this session, not Bascule's own ({@code application_name} starting
     * with {@code bascule}); and the connections in use against {@code max_connections}.
     */
    public IdleSessions listIdleSessions() {
        Duration age = thresholds.idleSessionAge();
        return withConnection(c -> {
            ActionLogin login = dialect.actionLogin(c);
            ConnectionHeadroom h = dialect.connectionHeadroom(c);
            List<IdleSessionRow> rows = dialect.idleSessionsOlderThan(c, age, QUERY_CHARS * 2);
            double pct = h.maxConnections() == 0 ? 0 : 100.0 * h.serverSessions() / h.maxConnections();
            List<String> lines = new ArrayList<>();
            lines.add("Idle sessions of database " + target.databaseName() + " for longer than " + VariableText.duration(age));
            String use = h.serverSessions() + " of max_connections " + h.maxConnections() + " in use ("
                    + String.format(Locale.ROOT, "%.1f", pct) + " %; " + h.superuserReserved() + " reserved for superusers), "
                    + h.databaseSessions() + " on database " + target.databaseName();
            lines.add((pct > thresholds.maxConnectionUsagePct() ? "❌ " : "✅ ") + "connections: " + use);
            if (!login.seesOthers()) {
                lines.add("⚠️ login " + login.login() + " sees the state of its own sessions only: GRANT pg_read_all_stats TO "
                        + PostgresDialect.quote(login.login()) + " (as a superuser) to list every login's idle sessions");
            }
            List<IdleSession> sessions = new ArrayList<>();
            for (IdleSessionRow r : rows) {
                IdleSession s = new IdleSession(r.pid(), r.user(), r.applicationName(), r.clientAddr(), r.state(), r.since(),
                        (long) r.ageSeconds(), VariableText.query(r.query(), QUERY_CHARS));
                sessions.add(s);
                lines.add((s.inTransaction() ? "❌ " : "⚠️ ") + describe(s) + (r.superuser() && !login.superuser()
                        ? " (a superuser's session: only a superuser may end it)" : ""));
            }
            lines.add(sessions.isEmpty() ? "✅ no session idle for longer than " + VariableText.duration(age)
                    : "➖ " + sessions.size() + " session(s) idle for longer than " + VariableText.duration(age)
                    + ": approve the ones to end (an open transaction is rolled back)");
            return new IdleSessions(sessions, h.serverSessions(), h.databaseSessions(), h.maxConnections(), pct, age, lines);
        });
    }

    private static String describe(IdleSession s) {
        return "pid " + s.pid() + " " + s.user() + (s.clientAddr() == null ? "" : "@" + s.clientAddr())
                + (s.applicationName() == null || s.applicationName().isEmpty() ? "" : " (" + s.applicationName() + ")")
                + " " + s.state() + " for " + VariableText.duration(Duration.ofSeconds(s.ageSeconds()))
                + (s.lastQuery() == null || s.lastQuery().isEmpty() ? "" : ", last: " + s.lastQuery());
    }

    /**
     * Ends the approved sessions, and only those that at that moment are still client sessions of the target database,
     * not Bascule's, idle (or idle in a transaction) since longer than {@code idle-session-age}, and that the login may
     * end: re-checked and ended in one statement. The others are skipped with their reason (became active, gone, not
     * allowed). A login without superuser or pg_signal_backend may end only its own login's sessions: the skipped
     * ones' reason names the grant. Recorded in {@code actions.jsonl}.
     *
     * @param pids      the pids the decider approved
     * @param decidedBy who approved (user id)
     */
    public EndedSessions endSessions(List<Integer> pids, String decidedBy) {
        Instant at = Instant.now();
        Map<String, Object> request = VariableText.map();
        request.put("pids", pids == null ? List.of() : pids);
        refuseUnless(decidedBy != null && !decidedBy.isBlank(), "endSessions", null, decidedBy, at, request,
                "no decider given: ending sessions needs the id of the user who approved it (decidedBy)");
        refuseUnless(pids != null && !pids.isEmpty(), "endSessions", null, decidedBy, at, request,
                "no session approved: choose at least one pid of the idle sessions listed");
        refuseUnless(pids.stream().allMatch(p -> p != null && p > 0), "endSessions", null, decidedBy, at, request,
                "the approved pids " + pids + " are not all process ids (positive integers)");
        List<Integer> approved = new ArrayList<>(new LinkedHashSet<>(pids));
        Duration age = thresholds.idleSessionAge();
        List<String> lines = new ArrayList<>();
        List<Integer> ended = new ArrayList<>();
        List<SkippedSession> skipped = new ArrayList<>();
        lines.add("Ending idle sessions " + approved + " of database " + target.databaseName() + ", approved by " + decidedBy);
        withConnection(c -> {
            ActionLogin login = dialect.actionLogin(c);
            Map<Integer, SessionStateRow> before = new LinkedHashMap<>();
            dialect.sessionStates(c, approved).forEach(s -> before.put(s.pid(), s));
            Map<Integer, Boolean> done = dialect.endIdleSessions(c, approved, age, END_WAIT.toMillis(), login.serverVersionNum());
            List<Integer> rest = new ArrayList<>();
            for (Integer pid : approved) {
                if (Boolean.TRUE.equals(done.get(pid))) {
                    ended.add(pid);
                    SessionStateRow s = before.get(pid);
                    lines.add("✅ ended pid " + pid + (s == null ? "" : " " + s.user() + " (" + s.state() + ")"));
                } else if (done.containsKey(pid)) {
                    skipped.add(new SkippedSession(pid, "signalled to end but still there after "
                            + VariableText.duration(END_WAIT) + " (it may be rolling back a large transaction): list again"));
                } else {
                    rest.add(pid);
                }
            }
            Map<Integer, SessionStateRow> now = new LinkedHashMap<>();
            if (!rest.isEmpty()) {
                dialect.sessionStates(c, rest).forEach(s -> now.put(s.pid(), s));
            }
            boolean grantMissing = false;
            for (Integer pid : rest) {
                String reason = skipReason(now.get(pid), login, age);
                grantMissing |= reason.contains("pg_signal_backend");
                skipped.add(new SkippedSession(pid, reason));
            }
            skipped.sort(java.util.Comparator.comparingInt(SkippedSession::pid));
            skipped.forEach(s -> lines.add("➖ skipped pid " + s.pid() + ": " + s.reason()));
            if (grantMissing) {
                lines.add("❌ login " + login.login() + " is neither a superuser nor a member of pg_signal_backend: it may"
                        + " end only its own login's sessions; GRANT pg_signal_backend TO " + PostgresDialect.quote(login.login())
                        + " (as a superuser) and approve again");
            }
            return null;
        });
        lines.add((ended.isEmpty() ? "➖ " : "✅ ") + ended.size() + " of " + approved.size() + " approved session(s) ended"
                + (skipped.isEmpty() ? "" : ", " + skipped.size() + " skipped"));
        Map<String, Object> result = VariableText.map();
        result.put("ended", ended);
        result.put("skipped", skipped.stream().map(s -> Map.<String, Object>of("pid", s.pid(), "reason", s.reason())).toList());
        String recorded = record("endSessions", target.databaseName(), decidedBy, at, request,
                ended.isEmpty() && !skipped.isEmpty() ? "nothing ended" : "done", result, lines);
        return new EndedSessions(approved, ended, skipped, decidedBy, at, recorded, lines);
    }

    private static String skipReason(SessionStateRow s, ActionLogin login, Duration age) {
        if (s == null) {
            return "gone: the session had ended already";
        }
        if (!s.thisDatabase()) {
            return "not allowed: a session of another database";
        }
        if (!"client backend".equals(s.backendType())) {
            return "not allowed: not a client session (" + s.backendType() + ")";
        }
        if (s.applicationName() != null && s.applicationName().startsWith(PostgresDialect.BASCULE_APPLICATION_NAME)) {
            return "not allowed: one of Bascule's own sessions (" + s.applicationName() + ")";
        }
        if (s.superuser() && !login.superuser()) {
            return "not allowed: a session of superuser " + s.user() + ", which only a superuser may end";
        }
        if (!s.maySignal()) {
            return "not allowed: a session of login " + s.user() + ", and login " + login.login() + " may end only its own"
                    + " login's sessions: GRANT pg_signal_backend TO " + PostgresDialect.quote(login.login()) + " (as a superuser)";
        }
        if (s.state() == null) {
            return "not allowed: login " + login.login() + " cannot see the state of login " + s.user() + "'s sessions:"
                    + " GRANT pg_read_all_stats TO " + PostgresDialect.quote(login.login()) + " (as a superuser)";
        }
        if ("active".equals(s.state())) {
            return "became active: it is running a statement now";
        }
        if (PostgresDialect.IDLE_STATES.contains(s.state())) {
            if (s.idleSeconds() != null && s.idleSeconds() * 1000 < age.toMillis()) {
                return "was active again since the list: " + s.state() + " for "
                        + VariableText.duration(Duration.ofMillis((long) (s.idleSeconds() * 1000))) + " only, under the "
                        + VariableText.duration(age) + " bound";
            }
            return "its state changed while it was being ended (" + s.state() + "): list again";
        }
        return "no longer idle: its state is '" + s.state() + "'";
    }

    // ------------------------------------------------------------------ slow queries

    /**
     * The statements of the target database whose mean time is over {@code slow-query} (pg_stat_statements), worst
     * first, at most {@code limit}; each SELECT explained (its generic plan, PostgreSQL 16+; planned, never run); index
     * proposals for the tables read by a sequential scan with a filter on a column no index starts with (tables of
     * {@link #MIN_INDEX_ROWS} rows or more); the statistics of every table the plans read, and a VACUUM ANALYZE
     * proposed where they are missing or old or the table holds many dead rows.
     */
    public SlowQueryDiagnosis diagnoseSlowQueries(int limit) {
        if (limit < 1 || limit > 100) {
            throw new EmergencyActionRefused("the slow query diagnosis reads 1 to 100 statements, not " + limit);
        }
        double thresholdMs = thresholds.slowQuery().toNanos() / 1_000_000.0;
        String db = target.databaseName();
        return withConnection(c -> {
            List<String> lines = new ArrayList<>();
            lines.add("Slow queries of database " + db + ": mean time over " + VariableText.millis(thresholdMs)
                    + " (pg_stat_statements)");
            Optional<String> pgss = statementsSchema(c, lines);
            if (pgss.isEmpty()) {
                return new SlowQueryDiagnosis(false, thresholdMs, List.of(), List.of(), List.of(), lines);
            }
            ActionLogin login = dialect.actionLogin(c);
            if (!login.seesOthers()) {
                lines.add("⚠️ login " + login.login() + " sees the text of its own statements only: GRANT pg_read_all_stats TO "
                        + PostgresDialect.quote(login.login()) + " (as a superuser)");
            }
            List<StatementStatsRow> rows = dialect.slowStatements(c, pgss.get(), thresholdMs, limit);
            if (rows.isEmpty()) {
                lines.add("✅ no statement with a mean time over " + VariableText.millis(thresholdMs));
            }
            Map<PlanReading.TableRef, Candidate> candidates = new LinkedHashMap<>();
            Set<PlanReading.TableRef> involved = new LinkedHashSet<>();
            Map<PlanReading.TableRef, List<String>> columnsOf = new LinkedHashMap<>();
            List<SlowStatement> statements = new ArrayList<>();
            int n = 0;
            for (StatementStatsRow r : rows) {
                n++;
                String text = VariableText.query(r.query(), 1_000);
                lines.add("❌ " + n + ". statement " + r.queryId() + ": " + r.calls() + " call(s), mean " + VariableText.millis(r.meanMs())
                        + ", max " + VariableText.millis(r.maxMs()) + (r.user() == null ? "" : " (login " + r.user() + ")")
                        + ": " + VariableText.query(r.query(), 300));
                String why = notExplainable(r.query());
                if (why == null && login.serverVersionNum() < 160000) {
                    why = "EXPLAIN of a statement with $1 parameters needs PostgreSQL 16 (EXPLAIN (GENERIC_PLAN)); this server"
                            + " is " + login.serverVersionNum() / 10000 + ": explain it by hand with sample values";
                }
                if (why != null) {
                    statements.add(new SlowStatement(r.queryId(), text, r.calls(), r.meanMs(), r.maxMs(), r.user(),
                            SlowStatement.Explain.SKIPPED, "not explained: " + why, List.of()));
                    lines.add("    ➖ not explained: " + why);
                    continue;
                }
                PlanReading plan;
                try {
                    plan = PlanReading.of(dialect.explainGenericPlan(c, r.query(), targetSchema, EXPLAIN_TIMEOUT.toMillis()));
                } catch (DatabaseException | IllegalArgumentException e) {
                    String note = "EXPLAIN failed: " + firstLine(e);
                    statements.add(new SlowStatement(r.queryId(), text, r.calls(), r.meanMs(), r.maxMs(), r.user(),
                            SlowStatement.Explain.FAILED, note, List.of()));
                    lines.add("    ➖ " + note);
                    continue;
                }
                List<String> planLines = plan.lines();
                planLines.forEach(l -> lines.add("    " + l));
                statements.add(new SlowStatement(r.queryId(), text, r.calls(), r.meanMs(), r.maxMs(), r.user(),
                        SlowStatement.Explain.EXPLAINED, String.join(" > ", plan.nodeTypes()), planLines));
                plan.tables().stream().filter(t -> !systemSchema(t.schema())).forEach(involved::add);
                for (PlanReading.FilteredScan scan : plan.filteredSeqScans()) {
                    if (scan.schema() == null || systemSchema(scan.schema())) {
                        continue;
                    }
                    PlanReading.TableRef ref = new PlanReading.TableRef(scan.schema(), scan.table());
                    List<String> cols = columnsOf.computeIfAbsent(ref, t -> dialect.columnNames(c, t.schema(), t.table()));
                    for (String col : PlanReading.filterColumns(scan.filter(), scan.alias(), scan.table(), cols)) {
                        candidates.computeIfAbsent(ref, t -> new Candidate(r.queryId())).columns.add(col);
                    }
                }
            }
            List<IndexProposal> indexes = new ArrayList<>();
            for (Map.Entry<PlanReading.TableRef, Candidate> e : candidates.entrySet()) {
                proposeIndexes(c, e.getKey(), e.getValue(), indexes, lines);
            }
            List<VacuumProposal> vacuums = new ArrayList<>();
            for (PlanReading.TableRef t : involved) {
                proposeVacuum(c, t, vacuums, lines);
            }
            if (!rows.isEmpty() && indexes.isEmpty() && vacuums.isEmpty()) {
                lines.add("➖ nothing to propose: no missing index or stale statistics found in the plans read");
            }
            return new SlowQueryDiagnosis(true, thresholdMs, statements, indexes, vacuums, lines);
        });
    }

    /** PostgreSQL's own catalogs: never proposed an index or a vacuum. */
    static boolean systemSchema(String schema) {
        return schema.equals("pg_catalog") || schema.equals("information_schema") || schema.startsWith("pg_toast");
    }

    /** The columns a table's sequential scans filter on, and the first statement that showed them. */
    private static final class Candidate {
        final Long queryId;
        final Set<String> columns = new LinkedHashSet<>();

        Candidate(Long queryId) {
            this.queryId = queryId;
        }
    }

    private void proposeIndexes(Connection c, PlanReading.TableRef t, Candidate cand, List<IndexProposal> out, List<String> lines) {
        TableStatisticsRow stats = dialect.tableStatistics(c, t.schema(), t.table());
        long rows = stats == null ? 0 : stats.estimatedRows();
        String table = t.schema() + "." + t.table();
        if (rows < MIN_INDEX_ROWS) {
            lines.add("➖ no index proposed on " + table + " (" + String.join(", ", cand.columns) + "): ~" + rows
                    + " rows, under " + MIN_INDEX_ROWS + ", where a sequential scan is as good");
            return;
        }
        for (String col : cand.columns) {
            if (dialect.hasIndexLeadingWith(c, t.schema(), t.table(), col)) {
                lines.add("➖ " + table + "." + col + " has an index starting with it, which the plan does not use:"
                        + " check the statistics (VACUUM ANALYZE) and the column's selectivity");
                continue;
            }
            List<String> cols = List.of(col);
            IndexProposal p = null;
            for (int v = 0; v < IndexProposal.NAME_VARIANTS && p == null; v++) {
                if (dialect.relationKind(c, t.schema(), IndexProposal.nameFor(t.table(), cols, v)) == null) {
                    p = IndexProposal.of(t.schema(), t.table(), cols, v, cand.queryId, rows, "a sequential scan of ~" + rows
                            + " rows filters on " + col + ", and no index starts with it");
                }
            }
            if (p == null) {
                lines.add("➖ no free name for an index on " + table + " (" + col + "): " + IndexProposal.nameFor(t.table(), cols, 0)
                        + " and its variants are taken");
                continue;
            }
            out.add(p);
            lines.add("➖ proposed: " + p.sql() + " (" + p.reason() + ")");
        }
    }

    private void proposeVacuum(Connection c, PlanReading.TableRef t, List<VacuumProposal> out, List<String> lines) {
        TableStatisticsRow s = dialect.tableStatistics(c, t.schema(), t.table());
        if (s == null) {
            return;
        }
        String table = t.schema() + "." + t.table();
        Instant last = s.lastAnalysed();
        lines.add("➖ statistics of " + table + ": " + (last == null ? "never analysed"
                : "analysed " + last + " (" + VariableText.duration(Duration.between(last, Instant.now()).abs()) + " ago)")
                + ", " + s.modifiedSinceAnalyze() + " rows changed since, " + s.deadRows() + " dead of ~" + s.estimatedRows() + " rows");
        List<String> reasons = new ArrayList<>();
        if (last == null) {
            reasons.add("never analysed: the planner has no statistics of its columns");
        } else if (cutoverAt != null && last.isBefore(cutoverAt)) {
            reasons.add("last analysed " + last + ", before the cutover (" + cutoverAt + ")");
        }
        long bound = 50 + (long) (0.1 * Math.max(0, s.estimatedRows()));
        if (s.modifiedSinceAnalyze() > bound) {
            reasons.add(s.modifiedSinceAnalyze() + " rows changed since the last analyse, over 10 % of ~" + s.estimatedRows() + " rows");
        }
        long total = s.liveRows() + s.deadRows();
        double deadPct = total == 0 ? 0 : 100.0 * s.deadRows() / total;
        if (s.deadRows() > 50 && deadPct > thresholds.maxDeadTuplePct()) {
            reasons.add(s.deadRows() + " dead rows, " + String.format(Locale.ROOT, "%.1f", deadPct) + " % of its rows (over "
                    + thresholds.maxDeadTuplePct() + " %)");
        }
        if (reasons.isEmpty()) {
            return;
        }
        VacuumProposal p = new VacuumProposal(table, t.schema(), t.table(), reasons, s.estimatedRows(), s.deadRows(),
                s.modifiedSinceAnalyze(), last);
        out.add(p);
        lines.add("➖ proposed: " + p.sql() + " (" + String.join("; ", reasons) + ")");
    }

    /** pg_stat_statements' schema when it is installed and collecting; otherwise a line says how to enable it. */
    private Optional<String> statementsSchema(Connection c, List<String> lines) {
        String db = target.databaseName();
        StatStatements pgss = dialect.statStatements(c);
        if (pgss == null) {
            lines.add("➖ pg_stat_statements is not installed in database " + db + ", so no statement times can be read;"
                    + " enable it: shared_preload_libraries = 'pg_stat_statements' in postgresql.conf (restart PostgreSQL),"
                    + " then CREATE EXTENSION pg_stat_statements in database " + db + " (as a superuser)");
            return Optional.empty();
        }
        if (!dialect.statementsLoaded(c, pgss.schema())) {
            lines.add("➖ pg_stat_statements is installed in database " + db + " but its library is not loaded, so it collects"
                    + " nothing: add pg_stat_statements to shared_preload_libraries in postgresql.conf and restart PostgreSQL");
            return Optional.empty();
        }
        return Optional.of(pgss.schema());
    }

    /**
     * Why a statement is not explained, or null when it may be: only a single SELECT (or WITH ... SELECT that writes
     * nothing) is, and never with ANALYZE.
     */
    static String notExplainable(String text) {
        if (text == null || text.isBlank() || text.startsWith("<insufficient privilege>")) {
            return "its text is not visible to this login";
        }
        String t = LEADING_COMMENTS.matcher(text).replaceFirst("").strip();
        String body = t.endsWith(";") ? t.substring(0, t.length() - 1) : t;
        String first = body.split("[\\s(]+", 2)[0].toUpperCase(Locale.ROOT);
        if (body.startsWith("(")) {
            first = "SELECT";
        }
        if (!first.equals("SELECT") && !first.equals("WITH")) {
            return "a" + (first.matches("^[AEIOU].*") ? "n " : " ") + (first.isEmpty() ? "empty" : first)
                    + " statement: only SELECT statements are explained";
        }
        if (first.equals("WITH") && WRITES.matcher(body).find()) {
            return "a WITH statement that writes (INSERT, UPDATE, DELETE or MERGE in it): only SELECT statements are explained";
        }
        if (body.indexOf(';') >= 0) {
            return "its text holds more than one statement";
        }
        return null;
    }

    /**
     * {@code VACUUM (ANALYZE)} of a table (outside a transaction): its dead rows removed where no older transaction
     * still sees them, its statistics made afresh. Refused, nothing done, when the schema has no such table. The dead
     * rows before and after are reported. Recorded in {@code actions.jsonl}.
     */
    public ActionResult vacuumAnalyze(String schema, String table, String decidedBy) {
        Instant at = Instant.now();
        String what = schema + "." + table;
        Map<String, Object> request = VariableText.map();
        request.put("schema", schema);
        request.put("table", table);
        refuseUnless(decidedBy != null && !decidedBy.isBlank(), "vacuumAnalyze", what, decidedBy, at, request,
                "no decider given: VACUUM ANALYZE needs the id of the user who approved it (decidedBy)");
        refuseUnless(schema != null && !schema.isBlank() && table != null && !table.isBlank(), "vacuumAnalyze", what,
                decidedBy, at, request, "VACUUM ANALYZE needs a schema and a table, got '" + schema + "' and '" + table + "'");
        return withConnection(c -> {
            String kind = dialect.relationKind(c, schema, table);
            refuseUnless(kind != null, "vacuumAnalyze", what, decidedBy, at, request, "there is no table " + what + " in database "
                    + target.databaseName() + ": check the schema and table name (the slow query diagnosis lists the"
                    + " tables it proposes); nothing was done");
            refuseUnless(kind.equals("r") || kind.equals("p") || kind.equals("m"), "vacuumAnalyze", what, decidedBy, at,
                    request, what + " is " + kindName(kind) + ", not a table: nothing was done");
            List<String> lines = new ArrayList<>();
            Map<String, Object> details = VariableText.map();
            lines.add("VACUUM (ANALYZE) " + what + ", approved by " + decidedBy);
            TableStatisticsRow before = dialect.tableStatistics(c, schema, table);
            details.put("deadTuplesBefore", before.deadRows());
            long start = System.nanoTime();
            boolean ok;
            try {
                List<String> warnings = dialect.vacuumAnalyze(c, schema, table);
                ok = warnings.stream().noneMatch(w -> w.toLowerCase(Locale.ROOT).contains("skipping"));
                if (!ok) {
                    String login = dialect.actionLogin(c).login();
                    lines.add("❌ PostgreSQL skipped the vacuum: " + String.join("; ", warnings) + ": login " + login
                            + " may not vacuum " + what + "; run it as the table's owner (or a superuser; from PostgreSQL 17:"
                            + " GRANT MAINTAIN ON " + PostgresDialect.qualified(schema, table) + " TO "
                            + PostgresDialect.quote(login) + ")");
                }
            } catch (DatabaseException e) {
                ok = false;
                lines.add("❌ " + e.getMessage());
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            TableStatisticsRow after = dialect.tableStatistics(c, schema, table);
            details.put("deadTuplesAfter", after.deadRows());
            if (ok) {
                lines.add("✅ " + PostgresDialect.vacuumAnalyzeSql(schema, table) + " done in " + VariableText.duration(Duration.ofMillis(ms))
                        + ": dead rows " + before.deadRows() + " → " + after.deadRows() + ", ~" + after.estimatedRows()
                        + " rows, analysed " + (after.lastAnalysed() == null ? "(not yet counted)" : after.lastAnalysed().toString()));
                if (after.deadRows() > 0) {
                    lines.add("⚠️ " + after.deadRows() + " dead rows remain: a transaction older than them still sees them"
                            + " (an idle-in-transaction session, see the connections playbook); vacuum again once it ended");
                }
            }
            Map<String, Object> result = new LinkedHashMap<>(details);
            result.put("millis", ms);
            String recorded = record("vacuumAnalyze", what, decidedBy, at, request, ok ? "done" : "failed", result, lines);
            return new ActionResult("vacuumAnalyze", what, ok, decidedBy, at, details, lines, recorded);
        });
    }

    /**
     * Builds a proposed index with {@code CREATE INDEX CONCURRENTLY} (outside a transaction; writes go on meanwhile).
     * Only a proposal of {@link #diagnoseSlowQueries} is built: its name must be the one {@link IndexProposal#nameFor}
     * gives its table and columns, the table and columns must exist and the name be free; the statement is written
     * here from those parts. A failed build leaves an invalid index, which is dropped again
     * ({@code DROP INDEX CONCURRENTLY IF EXISTS}). Reports the index's size and whether the plan of the statement that
     * led to it uses it now. Recorded in {@code actions.jsonl}.
     */
    public ActionResult createIndexConcurrently(IndexProposal proposal, String decidedBy) {
        Instant at = Instant.now();
        Map<String, Object> request = VariableText.map();
        if (proposal != null) {
            request.putAll(proposal.toMap());
        }
        String what = proposal == null ? null : proposal.schema() + "." + proposal.name();
        refuseUnless(decidedBy != null && !decidedBy.isBlank(), "createIndex", what, decidedBy, at, request,
                "no decider given: creating an index needs the id of the user who approved it (decidedBy)");
        refuseUnless(proposal != null, "createIndex", null, decidedBy, at, request,
                "no index proposal given: choose one of the slow query diagnosis's proposals");
        refuseUnless(proposal.schema() != null && proposal.table() != null && proposal.name() != null
                        && !proposal.columns().isEmpty() && proposal.columns().stream().allMatch(col -> col != null && !col.isEmpty()),
                "createIndex", what, decidedBy, at, request, "the index proposal " + proposal.id() + " lacks its schema, table,"
                        + " columns or name: choose one of the slow query diagnosis's proposals");
        refuseUnless(IndexProposal.isGeneratedName(proposal.name(), proposal.table(), proposal.columns()), "createIndex", what,
                decidedBy, at, request, "the index " + proposal.name() + " on " + proposal.schema() + "." + proposal.table()
                        + " " + proposal.columns() + " is not a proposal of Bascule's slow query diagnosis (it names such an"
                        + " index " + IndexProposal.nameFor(proposal.table(), proposal.columns(), 0) + "): nothing was done");
        String schema = proposal.schema();
        String table = proposal.table();
        return withConnection(c -> {
            String kind = dialect.relationKind(c, schema, table);
            refuseUnless(kind != null, "createIndex", what, decidedBy, at, request, "there is no table " + schema + "." + table
                    + " in database " + target.databaseName() + ": the proposal is out of date; nothing was done");
            refuseUnless(kind.equals("r"), "createIndex", what, decidedBy, at, request, schema + "." + table + " is "
                    + kindName(kind) + ": CREATE INDEX CONCURRENTLY builds on a plain table only"
                    + (kind.equals("p") ? " (create the index on each partition)" : "") + "; nothing was done");
            List<String> columns = dialect.columnNames(c, schema, table);
            for (String col : proposal.columns()) {
                refuseUnless(columns.contains(col), "createIndex", what, decidedBy, at, request, "table " + schema + "." + table
                        + " has no column " + col + ": the proposal is out of date; nothing was done");
            }
            refuseUnless(dialect.relationKind(c, schema, proposal.name()) == null, "createIndex", what, decidedBy, at, request,
                    "the name " + proposal.name() + " is taken in schema " + schema + " (an index built meanwhile?): run the"
                            + " slow query diagnosis again; nothing was done");
            List<String> lines = new ArrayList<>();
            Map<String, Object> details = VariableText.map();
            lines.add(proposal.sql() + ", approved by " + decidedBy);
            dialect.lockTimeout(c, INDEX_LOCK_TIMEOUT);
            long start = System.nanoTime();
            boolean ok = true;
            try {
                dialect.createIndexConcurrently(c, schema, table, proposal.name(), proposal.columns());
            } catch (DatabaseException e) {
                ok = false;
                lines.add("❌ " + e.getMessage() + ("55P03".equals(e.sqlState()) ? " (it waited " + VariableText.duration(INDEX_LOCK_TIMEOUT)
                        + " for older transactions: end the idle-in-transaction sessions first, then approve again)" : ""));
                Boolean valid = dialect.indexValid(c, schema, proposal.name());
                if (Boolean.FALSE.equals(valid)) {
                    try {
                        dialect.dropIndexConcurrently(c, schema, proposal.name());
                        lines.add("✅ the invalid index " + proposal.name() + " the failed build left is dropped ("
                                + PostgresDialect.dropIndexConcurrentlySql(schema, proposal.name()) + ")");
                    } catch (DatabaseException d) {
                        lines.add("❌ the failed build left the invalid index " + proposal.name() + ", which could not be"
                                + " dropped (" + d.getMessage() + "): run " + PostgresDialect.dropIndexConcurrentlySql(schema,
                                proposal.name()) + " by hand");
                    }
                }
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            if (ok) {
                PostgresDialect.RelationBytes size = dialect.relationBytes(c, schema, proposal.name());
                details.put("indexBytes", size.bytes());
                details.put("indexSize", size.pretty());
                lines.add("✅ index " + proposal.name() + " built in " + VariableText.duration(Duration.ofMillis(ms)) + ", "
                        + size.pretty() + " on disk");
                checkPlanUses(c, proposal, details, lines);
            }
            Map<String, Object> result = new LinkedHashMap<>(details);
            result.put("millis", ms);
            String recorded = record("createIndex", what, decidedBy, at, request, ok ? "done" : "failed", result, lines);
            return new ActionResult("createIndex", what, ok, decidedBy, at, details, lines, recorded);
        });
    }

    /** Explains the statement that led to the proposal again (its text read from pg_stat_statements by id). */
    private void checkPlanUses(Connection c, IndexProposal proposal, Map<String, Object> details, List<String> lines) {
        if (proposal.queryId() == null) {
            return;
        }
        List<String> ignored = new ArrayList<>();
        Optional<String> pgss = statementsSchema(c, ignored);
        String text = pgss.map(s -> dialect.statementText(c, s, proposal.queryId())).orElse(null);
        if (text == null || notExplainable(text) != null || dialect.actionLogin(c).serverVersionNum() < 160000) {
            lines.add("➖ the plan of statement " + proposal.queryId() + " is not checked: pg_stat_statements no longer"
                    + " holds it, or it cannot be explained here");
            return;
        }
        try {
            PlanReading plan = PlanReading.of(dialect.explainGenericPlan(c, text, targetSchema, EXPLAIN_TIMEOUT.toMillis()));
            List<String> uses = plan.scansUsing(proposal.name());
            details.put("planUsesIndex", !uses.isEmpty());
            if (uses.isEmpty()) {
                lines.add("⚠️ the plan of statement " + proposal.queryId() + " does not use " + proposal.name() + " yet ("
                        + String.join(" > ", plan.nodeTypes()) + "): VACUUM ANALYZE the table so the planner sees fresh statistics");
            } else {
                lines.add("✅ the plan of statement " + proposal.queryId() + " now uses " + proposal.name() + " ("
                        + String.join(", ", uses) + ")");
            }
            plan.lines().forEach(l -> lines.add("    " + l));
        } catch (DatabaseException | IllegalArgumentException e) {
            lines.add("➖ the plan of statement " + proposal.queryId() + " is not checked: EXPLAIN failed: " + firstLine(e));
        }
    }

    private static String kindName(String relkind) {
        return switch (relkind) {
            case "r" -> "a table";
            case "p" -> "a partitioned table";
            case "m" -> "a materialized view";
            case "v" -> "a view";
            case "i", "I" -> "an index";
            case "S" -> "a sequence";
            case "f" -> "a foreign table";
            default -> "a relation of kind '" + relkind + "'";
        };
    }

    // ------------------------------------------------------------------ backend down

    /** {@link #diagnoseBackend(Path, String, String, int)} with bascule.app.* and {@code health-failures} probes. */
    public BackendDiagnosis diagnoseBackend(BasculeProperties.App app) {
        return diagnoseBackend(app.envFile(), app.envKey(), app.healthUrl(), thresholds.healthFailures());
    }

    /**
     * What the application's config file holds under its key (redacted), whether it points to PostgreSQL (the target)
     * or MySQL, a direct PostgreSQL connection with the URL's own login, and the health URL requested {@code probes}
     * times (status and time of each). Never throws for what it finds: every finding is a line.
     */
    public BackendDiagnosis diagnoseBackend(Path envFile, String envKey, String healthUrl, int probes) {
        List<String> lines = new ArrayList<>();
        lines.add("Backend down? The application's database URL, PostgreSQL with its login, the health URL");
        boolean keyPresent = false;
        String url = null;
        String engine = null;
        boolean pointsToTarget = false;
        boolean answers = false;
        Long millis = null;
        String login = null;
        String value = null;
        if (envFile == null || envKey == null || envKey.isBlank()) {
            lines.add("➖ no application config file or key configured (bascule.app.env-file, bascule.app.env-key): not read");
        } else {
            try {
                value = AppSwitch.valueIn(envFile, envKey);
                keyPresent = true;
            } catch (AppSwitchException e) {
                lines.add("❌ " + e.getMessage());
            }
        }
        if (keyPresent) {
            Optional<AppDatabaseUrl> parsed = AppDatabaseUrl.parse(value);
            if (parsed.isEmpty()) {
                lines.add("❌ " + envKey + " in " + envFile + " holds no database URL (" + value.length()
                        + " characters, not shown): expected postgresql://user:password@host:port/database");
            } else {
                AppDatabaseUrl u = parsed.get();
                url = u.toString();
                engine = u.engine();
                if (engine.equals("mysql")) {
                    lines.add("⚠️ " + envKey + " in " + envFile + " points to MySQL: " + url + ": the application is not on"
                            + " PostgreSQL (rolled back already, or switched back by hand)");
                } else {
                    pointsToTarget = sameDatabase(u);
                    lines.add((pointsToTarget ? "✅ " : "⚠️ ") + envKey + " in " + envFile + " points to PostgreSQL: " + url
                            + (pointsToTarget ? " (the target database)" : ", not the target " + target.redactedUrl()));
                    Optional<DatabaseEndpoint> appLogin = AppConnectionCheck.postgresLogin(value);
                    long start = System.nanoTime();
                    try (Connection c = appLogin.orElseThrow().open()) {
                        PostgresDialect.SessionFacts facts = new PostgresDialect(appLogin.get()).sessionFacts(c);
                        millis = (System.nanoTime() - start) / 1_000_000;
                        answers = true;
                        login = facts.user();
                        lines.add("✅ PostgreSQL answers the application's login " + facts.user() + " at " + url + " in "
                                + millis + " ms (PostgreSQL " + facts.version() + ")");
                        if (facts.inRecovery() || facts.readOnly()) {
                            lines.add("❌ but its sessions cannot write: " + (facts.inRecovery() ? "the server is a standby in recovery"
                                    : "they start read-only (default_transaction_read_only: a rollback's fence?)"));
                        }
                    } catch (DatabaseException e) {
                        lines.add("❌ " + connectProblem(e, u, url));
                    } catch (SQLException e) {
                        lines.add("➖ closing the connection to " + url + " failed: " + firstLine(e));
                    }
                }
            }
        }
        List<HealthProbe> results = probeHealth(healthUrl, probes, lines);
        long healthy = results.stream().filter(HealthProbe::healthy).count();
        boolean onPostgres = "postgresql".equals(engine);
        boolean suggested = onPostgres && !answers;
        lines.add("Roll back?");
        if (!results.isEmpty() && results.get(results.size() - 1).healthy()) {
            lines.add("✅ the application answers its health URL again (" + healthy + " of " + results.size() + " probes healthy)");
        }
        if (suggested) {
            lines.add("❌ PostgreSQL does not answer the application's own login: rolling back puts the application on MySQL");
        } else if (onPostgres && !results.isEmpty() && healthy == 0) {
            lines.add("⚠️ PostgreSQL answers the application's login but the application does not answer: look at the"
                    + " application (its log, a restart) before rolling back");
        } else if ("mysql".equals(engine)) {
            lines.add("➖ the application is on MySQL already: a rollback changes nothing on its side");
        } else if (!keyPresent) {
            lines.add("➖ the application's URL is unknown: decide from the health URL and the application's log");
        } else if (onPostgres) {
            lines.add("➖ PostgreSQL answers the application's login" + (results.isEmpty() ? " (no health URL to probe)" : ""));
        }
        return new BackendDiagnosis(envFile == null ? null : envFile.toString(), envKey, keyPresent, url, engine,
                pointsToTarget, answers, millis, login, results, suggested, lines);
    }

    /** The application's URL names the target's host (loopback names alike), port and database. */
    private boolean sameDatabase(AppDatabaseUrl app) {
        Optional<AppDatabaseUrl> t = AppDatabaseUrl.parse(target.redactedUrl());
        if (t.isEmpty()) {
            return false;
        }
        int appPort = app.port() == null ? 5432 : app.port();
        int targetPort = t.get().port() == null ? 5432 : t.get().port();
        return host(app.host()).equals(host(t.get().host())) && appPort == targetPort
                && java.util.Objects.equals(app.database(), t.get().database());
    }

    private static String host(String h) {
        String x = h == null ? "localhost" : h.toLowerCase(Locale.ROOT);
        return switch (x) {
            case "localhost", "127.0.0.1", "::1", "[::1]" -> "localhost";
            default -> x;
        };
    }

    private static String connectProblem(DatabaseException e, AppDatabaseUrl u, String url) {
        return switch (e.code()) {
            case AUTHENTICATION_FAILED -> "PostgreSQL at " + url + " refuses the application's login '" + u.user()
                    + "' (wrong user or password in its URL, or pg_hba.conf)";
            case UNREACHABLE -> "cannot reach PostgreSQL at " + url + " with the application's URL: check the host, the port"
                    + " and that the server runs";
            case UNKNOWN_DATABASE -> "PostgreSQL at " + url + " has no database '" + u.database() + "'";
            case MISSING_PRIVILEGE -> "the application's login '" + u.user() + "' may not connect to " + url;
            default -> "connecting with the application's URL " + url + " failed: " + firstLine(e);
        };
    }

    private static List<HealthProbe> probeHealth(String healthUrl, int probes, List<String> lines) {
        List<HealthProbe> out = new ArrayList<>();
        if (healthUrl == null || healthUrl.isBlank()) {
            lines.add("➖ no health URL configured (bascule.app.health-url): not probed");
            return out;
        }
        String shown = JdbcUrls.redact(healthUrl);
        URI uri;
        try {
            uri = URI.create(healthUrl);
        } catch (IllegalArgumentException e) {
            lines.add("❌ the health URL " + shown + " is not a URL: fix bascule.app.health-url");
            return out;
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            lines.add("❌ the health URL " + shown + " is not an http:// or https:// URL: fix bascule.app.health-url");
            return out;
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL).build();
        int n = Math.max(1, probes);
        for (int i = 1; i <= n; i++) {
            long start = System.nanoTime();
            Integer status = null;
            String error = null;
            try {
                status = client.send(HttpRequest.newBuilder(uri).GET().timeout(PROBE_TIMEOUT).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                error = JdbcUrls.redactUrlsIn(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                lines.add("➖ probing interrupted");
                break;
            }
            HealthProbe p = new HealthProbe(i, status, (System.nanoTime() - start) / 1_000_000, error);
            out.add(p);
            lines.add((p.healthy() ? "✅ " : "❌ ") + "health " + i + "/" + n + " " + shown + ": "
                    + (status != null ? "HTTP " + status : error) + " in " + p.millis() + " ms");
            if (i < n) {
                try {
                    Thread.sleep(PROBE_PAUSE.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ users report errors

    /**
     * The advice on errors users report: an impact over {@code rollback-first-impact-pct} → ROLLBACK_FIRST (no
     * database reading: the rollback comes first); otherwise ANALYSE, with what PostgreSQL can tell: pg_stat_database's
     * rolled-back transactions (in total and during a short window now), deadlocks, recovery conflicts and sessions
     * ended by errors, and the slow statements. PostgreSQL counts no errors per application, and a rollback may be the
     * application's own: the lines say so.
     *
     * @param scope     what the users report (which users, features or pages)
     * @param impactPct the estimated share of users affected, 0 to 100
     */
    public ErrorReportAdvice adviseOnUserErrors(String scope, double impactPct) {
        if (scope == null || scope.isBlank()) {
            throw new EmergencyActionRefused("no scope given: say which users, features or pages report errors");
        }
        if (Double.isNaN(impactPct) || impactPct < 0 || impactPct > 100) {
            throw new EmergencyActionRefused("the estimated impact is " + impactPct + " %: give the share of users affected,"
                    + " from 0 to 100");
        }
        double bound = thresholds.rollbackFirstImpactPct();
        List<String> lines = new ArrayList<>();
        lines.add("Users report errors: " + VariableText.query(scope, 300) + " (estimated impact " + pct(impactPct) + ")");
        if (impactPct > bound) {
            lines.add("❌ the impact " + pct(impactPct) + " is over " + pct(bound) + " (bascule.surveillance.rollback-first-impact-pct):"
                    + " roll back first, analyse afterwards");
            return new ErrorReportAdvice(scope, impactPct, bound, ErrorReportAdvice.Advice.ROLLBACK_FIRST, Map.of(), null, null,
                    List.of(), lines);
        }
        lines.add("➖ the impact " + pct(impactPct) + " is not over " + pct(bound) + ": analyse (below), or roll back");
        Map<String, Long> counters = new LinkedHashMap<>();
        Long inWindow = null;
        String since = null;
        List<SlowStatement> slow = new ArrayList<>();
        try {
            JsonNode first = counters(withConnection(dialect::databaseCounters));
            sleep(errorWindow);
            JsonNode second = counters(withConnection(dialect::databaseCounters));
            since = second.path("stats_reset").isNull() || second.path("stats_reset").isMissingNode() ? null
                    : second.path("stats_reset").asText();
            counters.put("commits", second.path("xact_commit").asLong());
            counters.put("rollbacks", second.path("xact_rollback").asLong());
            counters.put("deadlocks", second.path("deadlocks").asLong());
            counters.put("conflicts", second.path("conflicts").asLong());
            for (String k : List.of("sessions_fatal", "sessions_killed", "sessions_abandoned")) {
                if (second.has(k) && !second.path(k).isNull()) {
                    counters.put(camel(k), second.path(k).asLong());
                }
            }
            inWindow = second.path("xact_rollback").asLong() - first.path("xact_rollback").asLong();
            long commits = counters.get("commits");
            long rollbacks = counters.get("rollbacks");
            double rbPct = commits + rollbacks == 0 ? 0 : 100.0 * rollbacks / (commits + rollbacks);
            String from = since == null ? "the server's start" : since;
            lines.add("➖ since " + from + ": " + commits + " transactions committed, " + rollbacks + " rolled back ("
                    + String.format(Locale.ROOT, "%.1f", rbPct) + " %); " + inWindow + " rolled back in the last "
                    + VariableText.duration(errorWindow) + " (PostgreSQL counts no errors per application: a rollback may"
                    + " be the application's own, and sessions report their counts about once a second)");
            long deadlocks = counters.get("deadlocks");
            lines.add((deadlocks > 0 ? "❌ " : "✅ ") + deadlocks + " deadlock(s) since " + from);
            long conflicts = counters.get("conflicts");
            lines.add((conflicts > 0 ? "❌ " : "✅ ") + conflicts + " recovery conflict(s) since " + from + " (counted on standbys only)");
            if (counters.containsKey("sessionsFatal")) {
                long fatal = counters.get("sessionsFatal");
                long killed = counters.getOrDefault("sessionsKilled", 0L);
                lines.add((fatal + killed > 0 ? "⚠️ " : "✅ ") + "sessions ended by a fatal error: " + fatal + ", by an"
                        + " operator: " + killed + ", abandoned by their client: " + counters.getOrDefault("sessionsAbandoned", 0L));
            }
            withConnection(c -> {
                Optional<String> pgss = statementsSchema(c, lines);
                if (pgss.isPresent()) {
                    double thresholdMs = thresholds.slowQuery().toNanos() / 1_000_000.0;
                    for (StatementStatsRow r : dialect.slowStatements(c, pgss.get(), thresholdMs, 5)) {
                        slow.add(new SlowStatement(r.queryId(), VariableText.query(r.query(), 1_000), r.calls(), r.meanMs(),
                                r.maxMs(), r.user(), SlowStatement.Explain.SKIPPED, "listed only: the slow query playbook explains it",
                                List.of()));
                        lines.add("❌ slow statement " + r.queryId() + ": mean " + VariableText.millis(r.meanMs()) + ", "
                                + r.calls() + " call(s): " + VariableText.query(r.query(), 200));
                    }
                    if (slow.isEmpty()) {
                        lines.add("✅ no statement with a mean time over " + VariableText.millis(thresholdMs));
                    }
                }
                return null;
            });
        } catch (DatabaseException e) {
            lines.add("❌ PostgreSQL could not be read: " + e.getMessage());
        }
        return new ErrorReportAdvice(scope, impactPct, bound, ErrorReportAdvice.Advice.ANALYSE, counters, inWindow, since,
                slow, lines);
    }

    private static JsonNode counters(String json) {
        try {
            return VariableText.JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("pg_stat_database's row is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String camel(String snake) {
        StringBuilder sb = new StringBuilder();
        boolean up = false;
        for (char ch : snake.toCharArray()) {
            if (ch == '_') {
                up = true;
            } else {
                sb.append(up ? Character.toUpperCase(ch) : ch);
                up = false;
            }
        }
        return sb.toString();
    }

    private static String pct(double value) {
        return (value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value)) + " %";
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ helpers

    private <T> T withConnection(Function<Connection, T> work) {
        try (Connection c = target.open()) {
            return work.apply(c);
        } catch (SQLException e) {
            throw target.failure("closing the connection", e);
        }
    }

    /** Refuses (recorded, nothing done) unless the condition holds. */
    private void refuseUnless(boolean ok, String action, String what, String decidedBy, Instant at, Map<String, Object> request,
                              String message) {
        if (ok) {
            return;
        }
        List<String> lines = List.of("❌ refused: " + message);
        record(action, what, decidedBy, at, request, "refused", Map.of("reason", message), lines);
        throw new EmergencyActionRefused(message);
    }

    /** Appends the action to actions.jsonl; returns the file, or null (with a line saying why) when it failed. */
    private String record(String action, String what, String decidedBy, Instant at, Map<String, Object> request,
                          String outcome, Map<String, Object> result, List<String> lines) {
        Map<String, Object> entry = VariableText.map();
        entry.put("at", at.toString());
        entry.put("action", action);
        entry.put("target", what);
        entry.put("decidedBy", decidedBy);
        entry.put("database", target.redactedUrl());
        entry.put("request", request);
        entry.put("outcome", outcome);
        entry.put("result", result);
        entry.put("lines", lines);
        String problem = log.append(entry);
        if (problem != null) {
            if (lines instanceof ArrayList<String> l) {
                l.add("❌ " + problem);
            }
            return null;
        }
        return log.file().toString();
    }

    private static String firstLine(Exception e) {
        Throwable t = e instanceof DatabaseException && e.getCause() != null ? e.getCause() : e;
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return (nl >= 0 ? m.substring(0, nl) : m).strip();
    }
}
