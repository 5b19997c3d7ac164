package io.bascule.cutover;

import io.bascule.config.BasculeProperties.BusinessCheck;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.DatabaseException;
import io.bascule.database.MySqlDialect;
import io.bascule.database.PostgresDialect;
import io.bascule.database.PostgresDialect.SessionFacts;
import io.bascule.database.PostgresDialect.TableAccess;
import io.bascule.migration.GoldCertificate;
import io.bascule.schema.ConversionPlan;
import io.bascule.schema.TablePlan;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Phase 7 of the cutover, the end-to-end checks on PostgreSQL once the application runs on it:
 * <ol>
 * <li><b>Reads</b>: every migrated table is read ({@code SELECT 1 FROM t LIMIT 1}) and its planner estimate shown; a
 * table missing or not readable fails, naming it.</li>
 * <li><b>Write probe, leaving no trace</b>: in one transaction that is always rolled back, a row of each migrated table
 * (the first one nobody else has locked: {@code FOR UPDATE SKIP LOCKED}) is updated to its own values, so each
 * table's write path runs for real: privileges, row locks, a new row version, its triggers (the reverse channel's
 * capture trigger included), while the rollback leaves every row as it was. No scratch table, no insert that could
 * miss a NOT NULL column or a CHECK, no sequence value taken from a migrated table. Before it, the session is checked
 * not to start read-only (a rollback's fence left on the login, {@code default_transaction_read_only}) and the server
 * not to be a standby; the login must hold INSERT, UPDATE and DELETE on every migrated table (its writes on MySQL went
 * to all of them). Bounded: 2 s for a lock, 10 s in all. What the rollback cannot undo: a dead row version per table
 * (vacuum's), a transaction id, and sequence values taken by triggers (e.g. the change table's), which leave a gap.
 * An empty table is proven by its privileges only.</li>
 * <li><b>Business checks</b> ({@code bascule.business-checks[]}), each in its own read-only transaction rolled back,
 * with the search path set to the target schema (then public): the query runs once, timed with the fetch of all its
 * rows, and is cancelled at 10 × its {@code max-duration} (at least 5 s, at most 10 min; 60 s without one). Then:
 * <ul>
 * <li>{@code expect}: each column of the first row, as PostgreSQL prints it, must equal the expected text exactly
 * (a NULL equals no text); a column the result lacks fails, naming the columns it has;</li>
 * <li>{@code expect-rows}: the number of rows returned;</li>
 * <li>{@code max-duration}: the measured time;</li>
 * <li>{@code expect-index}: {@code EXPLAIN (FORMAT JSON)} of the query must name the index in an index, index-only or
 * bitmap index scan. When the plan reads a small table (at most {@value #SMALL_TABLE_PAGES} pages, 1 MB) sequentially
 * instead, which is the planner's right choice at that size, the plan is asked again with {@code enable_seqscan = off}
 * for that EXPLAIN only: an index found then passes, and the line says so. Otherwise a plan without the index fails,
 * naming the indexes and sequential scans it uses, and the tables of the plan never analyzed (a freshly loaded table
 * has no column statistics until ANALYZE or autovacuum runs, and the planner then guesses);</li>
 * <li>{@code source-sql}, when a source connection is given: run on MySQL in a read-only transaction with the session's
 * clock set to PostgreSQL's {@code now()} of the check ({@code SET timestamp}), so that {@code NOW()}-relative windows
 * cover the same instants; its first row must say the same as PostgreSQL's, column by column in order (see
 * {@link ValueText}: numbers by value, fractional seconds without trailing zeros, t/f as 1/0). This comparison is made
 * whether or not {@code expect} is given. MySQL is read-only from the freeze on, but PostgreSQL takes the
 * application's writes after the switch: a check compared with its source should ask about data those writes do not
 * change (a closed period, the oldest day of a window), or the comparison fails as soon as the application writes.</li>
 * </ul>
 * A query that fails (a MySQL-only function, a missing column) is a failed check naming the error.</li>
 * </ol>
 * Everything runs under the application's own PostgreSQL login when one is given ({@link #withAppLogin}), since what
 * matters is what the application may do; otherwise under Bascule's target login. The {@link #dryRun() dry run}
 * reads the tables, checks the session and the privileges, and EXPLAINs every query (source-sql on MySQL too) without
 * running any; it runs no write probe.
 * <p>A target (or application login) that cannot be reached or refuses the login throws {@link DatabaseException};
 * every other problem is a failed check in the result.
 */
public final class EndToEndChecks {

    /** The statement timeout of a check without max-duration. */
    public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(60);
    /** A table this small (pages of 8 kB) may be scanned sequentially by a plan that an index check then asks again. */
    public static final long SMALL_TABLE_PAGES = 128;
    private static final int MAX_VALUE_CHARS = 500;

    private final DatabaseEndpoint target;
    private final String schema;
    private final List<String> tables;
    private final List<BusinessCheck> checks;
    private final DatabaseEndpoint source;
    private final DatabaseEndpoint appLogin;

    /**
     * @param target Bascule's connection to the target database
     * @param schema the target schema of the migrated tables
     * @param tables the migrated tables' names on the target ({@link #migratedTables(GoldCertificate)})
     * @param checks the configured business checks (none: null or empty)
     */
    public EndToEndChecks(DatabaseEndpoint target, String schema, List<String> tables, List<BusinessCheck> checks) {
        this(target, schema, tables, checks, null, null);
    }

    private EndToEndChecks(DatabaseEndpoint target, String schema, List<String> tables, List<BusinessCheck> checks,
                           DatabaseEndpoint source, DatabaseEndpoint appLogin) {
        if (target == null || schema == null || schema.isBlank()) {
            throw new IllegalArgumentException("end-to-end checks need the target database and its schema");
        }
        this.target = target;
        this.schema = schema;
        this.tables = List.copyOf(tables == null ? List.of() : tables);
        this.checks = List.copyOf(checks == null ? List.of() : checks);
        this.source = source;
        this.appLogin = appLogin;
    }

    /** The same checks, with the source database on which each check's source-sql runs for comparison. */
    public EndToEndChecks withSource(DatabaseEndpoint source) {
        return new EndToEndChecks(target, schema, tables, checks, source, appLogin);
    }

    /** The same checks, run under the application's own PostgreSQL login (its URL as the switched config holds it). */
    public EndToEndChecks withAppLogin(DatabaseEndpoint appLogin) {
        return new EndToEndChecks(target, schema, tables, checks, source, appLogin);
    }

    /** The target tables of a GOLD certificate, in its order. */
    public static List<String> migratedTables(GoldCertificate certificate) {
        return certificate.tables().stream().map(GoldCertificate.TableEntry::targetTable).toList();
    }

    /** The target tables of a conversion plan, in its order. */
    public static List<String> migratedTables(ConversionPlan plan) {
        return plan.tables().stream().map(TablePlan::targetName).toList();
    }

    // ------------------------------------------------------------------ results

    /**
     * What {@link #run} found.
     *
     * @param where      the target, redacted URL and schema
     * @param login      the PostgreSQL login the checks ran under
     * @param reads      one per migrated table
     * @param writeProbe the write probe
     * @param checks     one per business check, in the configured order
     */
    public record Result(String where, String login, List<CheckOutcome> reads, CheckOutcome writeProbe,
                         List<CheckOutcome> checks) {

        public Result {
            reads = List.copyOf(reads);
            checks = List.copyOf(checks);
        }

        public boolean passed() {
            return failed().isEmpty();
        }

        /** The outcomes that failed: reads, write probe, business checks. */
        public List<CheckOutcome> failed() {
            return all(reads, writeProbe, checks).stream().filter(o -> !o.passed()).toList();
        }

        /** The console view: a header, the reads in one line (each failed table in its own), then a line per check. */
        public List<String> lines() {
            return render("End-to-end checks on " + where + " as " + login, reads, writeProbe, checks);
        }

        /** One line for an error message or a BPMN error: where, and every failed check's line. */
        public String failureSummary() {
            return summary("end-to-end checks", where, login, failed());
        }
    }

    /** What {@link #dryRun} found: the reads, the session and privileges, and each check's EXPLAIN. */
    public record DryRun(String where, String login, List<CheckOutcome> reads, CheckOutcome privileges,
                         List<CheckOutcome> checks) {

        public DryRun {
            reads = List.copyOf(reads);
            checks = List.copyOf(checks);
        }

        public boolean passed() {
            return failed().isEmpty();
        }

        public List<CheckOutcome> failed() {
            return all(reads, privileges, checks).stream().filter(o -> !o.passed()).toList();
        }

        public List<String> lines() {
            return render("End-to-end checks (dry run: queries explained, not run; no write probe) on " + where
                    + " as " + login, reads, privileges, checks);
        }

        public String failureSummary() {
            return summary("end-to-end dry run", where, login, failed());
        }
    }

    private static List<CheckOutcome> all(List<CheckOutcome> reads, CheckOutcome middle, List<CheckOutcome> checks) {
        List<CheckOutcome> all = new ArrayList<>(reads);
        all.add(middle);
        all.addAll(checks);
        return all;
    }

    private static List<String> render(String header, List<CheckOutcome> reads, CheckOutcome middle, List<CheckOutcome> checks) {
        List<String> lines = new ArrayList<>();
        lines.add(header);
        List<CheckOutcome> readable = reads.stream().filter(CheckOutcome::passed).toList();
        long estimate = readable.stream().mapToLong(o -> o.rows() == null || o.rows() < 0 ? 0 : o.rows()).sum();
        long millis = reads.stream().mapToLong(CheckOutcome::millis).sum();
        if (!readable.isEmpty() || reads.isEmpty()) {
            lines.add((readable.size() == reads.size() ? "✅" : "⚠️") + " read " + readable.size() + " of " + reads.size()
                    + " migrated tables (~" + String.format(Locale.ROOT, "%,d", estimate) + " rows estimated) " + millis + " ms");
        }
        reads.stream().filter(o -> !o.passed()).forEach(o -> lines.add(o.line()));
        lines.add(middle.line());
        checks.forEach(o -> lines.add(o.line()));
        List<CheckOutcome> failed = all(reads, middle, checks).stream().filter(o -> !o.passed()).toList();
        lines.add(failed.isEmpty() ? "✅ all end-to-end checks passed" : "❌ " + failed.size() + " failed");
        return lines;
    }

    private static String summary(String what, String where, String login, List<CheckOutcome> failed) {
        if (failed.isEmpty()) {
            return what + " passed on " + where + " as " + login;
        }
        StringJoiner j = new StringJoiner(" | ", what + " failed on " + where + " as " + login + ": ", "");
        failed.forEach(o -> j.add(o.name() + ": " + String.join("; ", o.failures())));
        return j.toString();
    }

    // ------------------------------------------------------------------ run

    private DatabaseEndpoint login() {
        return appLogin != null ? appLogin : target;
    }

    private String where() {
        return login().redactedUrl() + " schema " + schema;
    }

    /** Runs the reads, the write probe and every business check. */
    public Result run() {
        DatabaseEndpoint as = login();
        PostgresDialect pg = new PostgresDialect(as);
        try (Connection c = as.open(); Source src = new Source()) {
            SessionFacts facts = pg.sessionFacts(c);
            pg.checkSession(c, schema);
            List<TableAccess> access = pg.tableAccess(c, schema, tables);
            List<CheckOutcome> reads = readTables(c, pg, access);
            CheckOutcome probe = writeProbe(c, pg, facts, access);
            List<CheckOutcome> results = new ArrayList<>();
            for (BusinessCheck check : checks) {
                results.add(runCheck(c, pg, check, src));
            }
            return new Result(where(), facts.user(), reads, probe, results);
        } catch (SQLException e) {
            throw as.failure("the end-to-end checks", e);
        }
    }

    /** Reads the tables, checks the session and the privileges, EXPLAINs every query; changes nothing. */
    public DryRun dryRun() {
        DatabaseEndpoint as = login();
        PostgresDialect pg = new PostgresDialect(as);
        try (Connection c = as.open(); Source src = new Source()) {
            SessionFacts facts = pg.sessionFacts(c);
            pg.checkSession(c, schema);
            List<TableAccess> access = pg.tableAccess(c, schema, tables);
            List<CheckOutcome> reads = readTables(c, pg, access);
            Draft privileges = new Draft("session and privileges");
            sessionProblems(facts, privileges);
            privilegeProblems(facts, access, privileges);
            privileges.notes.add("the write probe runs in the cutover only");
            List<CheckOutcome> results = new ArrayList<>();
            for (BusinessCheck check : checks) {
                results.add(explainCheck(c, pg, check, src));
            }
            return new DryRun(where(), facts.user(), reads, privileges.outcome(), results);
        } catch (SQLException e) {
            throw as.failure("the end-to-end dry run", e);
        }
    }

    // ------------------------------------------------------------------ reads

    private List<CheckOutcome> readTables(Connection c, PostgresDialect pg, List<TableAccess> access) {
        List<CheckOutcome> reads = new ArrayList<>();
        for (TableAccess t : access) {
            Draft d = new Draft(t.table());
            d.rows = t.estimatedRows();
            if (!t.exists()) {
                d.fail("no table " + schema + "." + t.table() + " on the target (migrated, by the GOLD certificate)");
            } else {
                long start = System.nanoTime();
                try {
                    pg.readOne(c, schema, t.table());
                } catch (DatabaseException e) {
                    d.fail("cannot read " + schema + "." + t.table() + ": " + e.getMessage());
                }
                d.millis = millisSince(start);
            }
            reads.add(d.outcome());
        }
        return reads;
    }

    // ------------------------------------------------------------------ write probe

    private void sessionProblems(SessionFacts facts, Draft d) {
        if (facts.inRecovery()) {
            d.fail("the target " + login().redactedUrl() + " is a standby in recovery: it takes no writes; point the"
                    + " target at the primary");
        } else if (facts.readOnly()) {
            d.fail("sessions of login " + facts.user() + " on database " + facts.database() + " start read-only"
                    + " (default_transaction_read_only is on, for the login, the database or the server; a rollback's"
                    + " fence sets it with ALTER ROLE " + facts.user() + " IN DATABASE " + facts.database()
                    + "): the application cannot write; RESET it where it is set");
        }
    }

    private void privilegeProblems(SessionFacts facts, List<TableAccess> access, Draft d) {
        Map<String, List<String>> missing = new LinkedHashMap<>();
        for (TableAccess t : access) {
            if (!t.exists()) {
                continue;
            }
            List<String> lacks = new ArrayList<>();
            if (!t.select()) {
                lacks.add("SELECT");
            }
            if (!t.insert()) {
                lacks.add("INSERT");
            }
            if (!t.update()) {
                lacks.add("UPDATE");
            }
            if (!t.delete()) {
                lacks.add("DELETE");
            }
            if (!lacks.isEmpty()) {
                missing.computeIfAbsent(String.join(", ", lacks), k -> new ArrayList<>()).add(t.table());
            }
        }
        missing.forEach((privileges, names) -> d.fail("login " + facts.user() + " may not " + privileges + " on "
                + String.join(", ", names) + " (schema " + schema + "); GRANT " + privileges + " ON " + String.join(", ", names)
                + " TO " + facts.user()));
        if (missing.isEmpty()) {
            d.notes.add("SELECT, INSERT, UPDATE and DELETE granted on " + access.stream().filter(TableAccess::exists).count()
                    + " tables");
        }
    }

    private CheckOutcome writeProbe(Connection c, PostgresDialect pg, SessionFacts facts, List<TableAccess> access)
            throws SQLException {
        Draft d = new Draft("write probe (rolled back)");
        long start = System.nanoTime();
        sessionProblems(facts, d);
        if (!d.failures.isEmpty()) {
            return d.outcome();
        }
        privilegeProblems(facts, access, d);
        int probed = 0;
        List<String> empty = new ArrayList<>();
        c.setAutoCommit(false);
        try {
            pg.probeBounds(c);
            for (TableAccess t : access) {
                if (!t.exists() || !t.update()) {
                    continue;
                }
                Savepoint sp = c.setSavepoint();
                try {
                    String column = pg.probeColumn(c, schema, t.table());
                    if (column == null || pg.writeProbe(c, schema, t.table(), column) == 0) {
                        empty.add(t.table());
                    } else {
                        probed++;
                    }
                } catch (DatabaseException e) {
                    c.rollback(sp);
                    d.fail(probeFailure(t.table(), e));
                }
            }
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
        d.millis = millisSince(start);
        d.notes.add("a row of " + probed + " table(s) updated to its own values, then rolled back");
        if (!empty.isEmpty()) {
            d.notes.add(empty.size() + " without a row to update (" + abbreviate(empty) + "): privileges checked only");
        }
        return d.outcome();
    }

    private String probeFailure(String table, DatabaseException e) {
        String state = e.sqlState() == null ? "" : e.sqlState();
        return switch (state) {
            case "55P03" -> "cannot lock " + schema + "." + table + " for writing within 2 s: another session holds a"
                    + " lock that blocks writes (see pg_locks); " + e.getMessage();
            case "57014" -> "the write probe on " + schema + "." + table + " did not finish within 10 s; " + e.getMessage();
            case "25006" -> "the session is read-only: " + e.getMessage();
            default -> e.getMessage();
        };
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 5 ? String.join(", ", names) : String.join(", ", names.subList(0, 5)) + " and "
                + (names.size() - 5) + " more";
    }

    // ------------------------------------------------------------------ business checks

    /** The statement timeout of a check: 10 × max-duration within [5 s, 10 min], or {@link #DEFAULT_QUERY_TIMEOUT}. */
    static Duration queryTimeout(BusinessCheck check) {
        if (check.maxDuration() == null) {
            return DEFAULT_QUERY_TIMEOUT;
        }
        Duration t = check.maxDuration().multipliedBy(10);
        return t.compareTo(Duration.ofSeconds(5)) < 0 ? Duration.ofSeconds(5)
                : t.compareTo(Duration.ofMinutes(10)) > 0 ? Duration.ofMinutes(10) : t;
    }

    /** A query's column labels, its first row's values as text (null: no row), its rows and the time it took. */
    private record Answer(List<String> labels, List<String> firstValues, long rows, long nanos) {

        /** The first row, label → value (null when there is no row). */
        Map<String, String> first() {
            if (firstValues == null) {
                return null;
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < labels.size(); i++) {
                row.putIfAbsent(labels.get(i), firstValues.get(i));
            }
            return row;
        }
    }

    private static Answer fetch(Connection c, String sql) throws SQLException {
        long start = System.nanoTime();
        try (Statement st = c.createStatement()) {
            st.setFetchSize(1000);   // PostgreSQL: through a cursor (the transaction is open), not every row in memory
            if (!st.execute(sql)) {
                throw new SQLException("the query returns no rows (a check is a SELECT)", "42000");
            }
            try (ResultSet rs = st.getResultSet()) {
                ResultSetMetaData md = rs.getMetaData();
                List<String> labels = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    labels.add(md.getColumnLabel(i));
                }
                List<String> first = null;
                long rows = 0;
                while (rs.next()) {
                    if (rows == 0) {
                        first = new ArrayList<>();
                        for (int i = 1; i <= labels.size(); i++) {
                            first.add(rs.getString(i));
                        }
                    }
                    rows++;
                }
                return new Answer(List.copyOf(labels), first, rows, System.nanoTime() - start);
            }
        }
    }

    private CheckOutcome runCheck(Connection c, PostgresDialect pg, BusinessCheck check, Source src) throws SQLException {
        Draft d = new Draft(check.name());
        check.expect().forEach((k, v) -> d.expected.put(k, v));
        if (check.expectRows() != null) {
            d.expected.put("rows", String.valueOf(check.expectRows()));
        }
        if (check.maxDuration() != null) {
            d.expected.put("max-duration", check.maxDuration().toMillis() + " ms");
        }
        if (check.expectIndex() != null) {
            d.expected.put("index", check.expectIndex());
        }
        Duration timeout = queryTimeout(check);
        Answer answer = null;
        BigDecimal clock = null;
        c.setAutoCommit(false);
        try {
            pg.readOnlyChecks(c, timeout.toMillis());
            try {
                answer = fetch(c, check.sql());
            } catch (SQLException e) {
                if ("57014".equals(e.getSQLState())) {
                    d.millis = timeout.toMillis();
                    d.fail("cancelled after " + timeout.toMillis() + " ms (its statement timeout)"
                            + (check.maxDuration() == null ? "" : ", over max-duration " + check.maxDuration().toMillis() + " ms"));
                } else {
                    d.fail("the sql failed: " + login().failure("running check " + check.name(), e).getMessage());
                }
            }
            if (answer != null) {
                clock = pg.transactionClock(c);
            }
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
        if (answer != null) {
            d.millis = answer.nanos() / 1_000_000;
            d.rows = answer.rows();
            d.seen(answer.first());
            compare(check, answer, d);
            if (check.maxDuration() != null && answer.nanos() > check.maxDuration().toNanos()) {
                d.fail("took " + d.millis + " ms, over max-duration " + check.maxDuration().toMillis() + " ms");
            }
        }
        if (check.expectIndex() != null) {
            indexCheck(c, pg, check, d);
        }
        if (check.sourceSql() != null && !check.sourceSql().isBlank()) {
            if (source == null) {
                d.notes.add("source-sql not run: no source connection given");
            } else if (answer != null) {
                compareWithSource(check, answer, clock, src, d);
            }
        }
        return d.outcome();
    }

    private static void compare(BusinessCheck check, Answer answer, Draft d) {
        for (Map.Entry<String, String> e : check.expect().entrySet()) {
            String column = e.getKey();
            if (answer.first() == null) {
                d.fail("expected " + column + "=" + e.getValue() + ", got no row");
                continue;
            }
            String label = label(answer.labels(), column);
            if (label == null) {
                d.fail("expected " + column + "=" + e.getValue() + ", but the result has no column " + column
                        + " (columns: " + String.join(", ", answer.labels()) + ")");
                continue;
            }
            String got = answer.first().get(label);
            if (!e.getValue().equals(got)) {
                d.fail("expected " + column + "=" + e.getValue() + ", got " + ValueText.shown(got));
            }
        }
        if (check.expectRows() != null && check.expectRows() != answer.rows()) {
            d.fail("expected " + check.expectRows() + " row(s), got " + answer.rows());
        }
    }

    /** The result's label for a configured column: the same name, else the same name in another case. */
    private static String label(List<String> labels, String column) {
        if (labels.contains(column)) {
            return column;
        }
        return labels.stream().filter(l -> l.equalsIgnoreCase(column)).findFirst().orElse(null);
    }

    private void indexCheck(Connection c, PostgresDialect pg, BusinessCheck check, Draft d) throws SQLException {
        String index = check.expectIndex();
        c.setAutoCommit(false);
        try {
            pg.readOnlyChecks(c, queryTimeout(check).toMillis());
            PlanFacts plan = PlanFacts.of(pg.explainJson(c, check.sql()));
            if (plan.uses(index)) {
                d.notes.add("plan uses " + index);
                return;
            }
            List<String> large = new ArrayList<>();
            List<String> unanalyzed = new ArrayList<>();
            for (String relation : new java.util.TreeSet<>(plan.relations())) {
                PostgresDialect.RelationSize size = pg.relationSize(c, relation);
                if (size != null && !size.analyzed()) {
                    unanalyzed.add(relation);
                }
                if (plan.seqScanned().contains(relation) && (size == null || size.pages() > SMALL_TABLE_PAGES)) {
                    large.add(relation + (size == null ? "" : " (" + size.pages() + " pages, ~" + size.estimatedRows() + " rows)"));
                }
            }
            if (plan.seqScanned().isEmpty() || !large.isEmpty()) {
                String why = !unanalyzed.isEmpty() ? "; " + String.join(", ", unanalyzed) + " never analyzed (no column"
                        + " statistics: the planner guesses): ANALYZE " + String.join(", ", unanalyzed) + ", then check again"
                        : !large.isEmpty() ? "; " + String.join(", ", large) + " read sequentially: check the index exists"
                        + " and fits the query" : "; check the index exists and fits the query";
                d.fail("the plan does not use index " + index + " (it uses " + plan.describe() + ")" + why);
                return;
            }
            pg.seqScanOff(c);
            PlanFacts forced = PlanFacts.of(pg.explainJson(c, check.sql()));
            if (forced.uses(index)) {
                d.notes.add("index " + index + " used with enable_seqscan = off for the EXPLAIN only: the planner"
                        + " prefers a sequential scan of " + String.join(", ", new java.util.TreeSet<>(plan.seqScanned()))
                        + ", small enough for it (at most " + SMALL_TABLE_PAGES + " pages)");
            } else {
                d.fail("the plan does not use index " + index + ", even with enable_seqscan = off (it uses "
                        + forced.describe() + "); check the index exists and fits the query");
            }
        } catch (DatabaseException e) {
            d.fail("EXPLAIN failed: " + e.getMessage());
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    private void compareWithSource(BusinessCheck check, Answer target, BigDecimal clock, Source src, Draft d) {
        Answer mine;
        try {
            Connection sc = src.connection();
            MySqlDialect my = new MySqlDialect(source);
            try {
                my.startReadOnly(sc);
                my.setClock(sc, clock);
                mine = fetch(sc, check.sourceSql());
            } finally {
                sc.rollback();
                my.resetClock(sc);
            }
        } catch (DatabaseException e) {
            d.fail("source-sql: " + e.getMessage());
            return;
        } catch (SQLException e) {
            d.fail("source-sql failed: " + source.failure("running check " + check.name(), e).getMessage());
            return;
        }
        d.sourceSeen(mine.first());
        if (mine.first() == null || target.first() == null) {
            if ((mine.first() == null) != (target.first() == null)) {
                d.fail("differs from the source: " + (mine.first() == null ? "no row on MySQL, a row on PostgreSQL"
                        : "a row on MySQL, no row on PostgreSQL"));
            }
            return;
        }
        if (mine.labels().size() != target.labels().size()) {
            d.fail("source-sql returns " + mine.labels().size() + " column(s), sql " + target.labels().size()
                    + "; the first rows cannot be compared");
            return;
        }
        List<String> myValues = mine.firstValues();
        List<String> pgValues = target.firstValues();
        for (int i = 0; i < pgValues.size(); i++) {
            if (!ValueText.same(pgValues.get(i), myValues.get(i))) {
                d.fail("differs from the source at " + target.labels().get(i) + ": MySQL " + ValueText.shown(myValues.get(i))
                        + ", PostgreSQL " + ValueText.shown(pgValues.get(i)));
            }
        }
        if (d.failures.isEmpty()) {
            d.notes.add("same first row as MySQL");
        }
    }

    private CheckOutcome explainCheck(Connection c, PostgresDialect pg, BusinessCheck check, Source src) throws SQLException {
        Draft d = new Draft(check.name());
        if (check.expectIndex() != null) {
            d.expected.put("index", check.expectIndex());
        }
        long start = System.nanoTime();
        c.setAutoCommit(false);
        boolean explained = false;
        try {
            pg.readOnlyChecks(c, queryTimeout(check).toMillis());
            pg.explainJson(c, check.sql());
            explained = true;
        } catch (DatabaseException e) {
            d.fail("EXPLAIN of the sql failed: " + e.getMessage());
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
        d.millis = millisSince(start);
        if (explained && check.expectIndex() != null) {
            indexCheck(c, pg, check, d);
        }
        if (check.sourceSql() != null && !check.sourceSql().isBlank()) {
            if (source == null) {
                d.notes.add("source-sql not explained: no source connection given");
            } else {
                try {
                    Connection sc = src.connection();
                    try {
                        new MySqlDialect(source).explain(sc, check.sourceSql());
                        d.notes.add("source-sql explained on MySQL");
                    } finally {
                        sc.rollback();
                    }
                } catch (DatabaseException e) {
                    d.fail("source-sql: " + e.getMessage());
                } catch (SQLException e) {
                    d.fail("source-sql: " + source.failure("explaining check " + check.name(), e).getMessage());
                }
            }
        }
        d.notes.add(0, "explained, not run");
        return d.outcome();
    }

    // ------------------------------------------------------------------ helpers

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** The source connection, opened when a check first needs it, closed with the run. */
    private final class Source implements AutoCloseable {
        private Connection connection;

        /** The source connection, outside autocommit: each check's transaction ends with a rollback. */
        Connection connection() throws SQLException {
            if (connection == null) {
                Connection c = source.open();
                try {
                    c.setAutoCommit(false);
                } catch (SQLException e) {
                    c.close();
                    throw e;
                }
                connection = c;
            }
            return connection;
        }

        @Override
        public void close() throws SQLException {
            if (connection != null) {
                connection.close();
            }
        }
    }

    /** An outcome being put together. */
    private static final class Draft {
        final String name;
        long millis;
        Long rows;
        Map<String, String> seen = new LinkedHashMap<>();
        final Map<String, String> expected = new LinkedHashMap<>();
        Map<String, String> sourceSeen = new LinkedHashMap<>();
        final List<String> failures = new ArrayList<>();
        final List<String> notes = new ArrayList<>();

        Draft(String name) {
            this.name = name;
        }

        void fail(String what) {
            failures.add(what);
        }

        void seen(Map<String, String> row) {
            seen = cut(row);
        }

        void sourceSeen(Map<String, String> row) {
            sourceSeen = cut(row);
        }

        private static Map<String, String> cut(Map<String, String> row) {
            Map<String, String> out = new LinkedHashMap<>();
            if (row != null) {
                row.forEach((k, v) -> out.put(k, v == null ? null : v.length() > MAX_VALUE_CHARS
                        ? v.substring(0, MAX_VALUE_CHARS) + "…" : v));
            }
            return out;
        }

        CheckOutcome outcome() {
            return new CheckOutcome(name, failures.isEmpty(), millis, rows, seen, expected, sourceSeen, failures, notes);
        }
    }
}
