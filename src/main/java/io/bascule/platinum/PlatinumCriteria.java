package io.bascule.platinum;

import io.bascule.config.BasculeProperties;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.DatabaseException;
import io.bascule.database.MySqlDialect;
import io.bascule.database.MySqlReadOnly;
import io.bascule.database.PostgresDialect;
import io.bascule.migration.GoldCertificate;
import io.bascule.migration.MigrationOptions;
import io.bascule.migration.MigrationService;
import io.bascule.migration.Progress;
import io.bascule.migration.Verifier;
import io.bascule.report.AuditDocuments;
import io.bascule.report.ReportDocuments;
import io.bascule.schema.ColumnMapping;
import io.bascule.schema.ConversionPlan;
import io.bascule.schema.TablePlan;
import io.bascule.schema.ValueKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The six PLATINUM criteria measured on the live PostgreSQL (and, for the integrity, the source MySQL kept read-only
 * since the cutover), each a {@link Criterion} with its value, threshold, details and advice; {@link #assess} scores
 * them into a {@link PlatinumAssessment}. Reads only, but for one thing: {@code CREATE EXTENSION amcheck} when the
 * extension is missing and the login may create it.
 *
 * <p><b>Which tables</b>: those of the GOLD certificate in the work directory (their PostgreSQL names); without a
 * certificate every table of the target schema, and the integrity cannot pass (the certified rows are unknown).
 *
 * <p><b>Order of the measurements</b>: the statistics-based criteria (slow queries, indexes, dead tuples, incidents,
 * uptime) are read first, the integrity last, so that the report's own reading of every row does not count in them.
 * The report's statements carry {@link PostgresDialect#PLATINUM_MARK}, and every statement Bascule itself runs
 * (verification, backups, final delta, reverse channel, amcheck: {@link PostgresDialect#BASCULE_STATEMENT_PATTERNS})
 * is left out of the slow queries.
 *
 * <ol>
 * <li><b>integrity</b>: amcheck's {@code bt_index_check(index, heapallindexed => true)} on every valid B-tree index of
 * the tables and {@code verify_heapam} on every table where the server has it (PostgreSQL 14+); the extension is
 * created when missing and the login may, else the criterion fails naming who must create it. Then every row of the
 * certified tables is compared with MySQL by the migration's {@link Verifier} (checksums per key range, a row-level
 * diff where a range differs); each differing key is <i>expected</i> when the reverse channel recorded it as touched
 * by the application since the cutover ({@code bascule_state.change_log} and {@code touched_keys}, read after the
 * comparison, so that a row the application changed while it ran is recorded by then), else <i>unexpected</i>. The
 * differing keys are held in memory until they are sorted: as many as the rows the reverse channel has not carried
 * back yet, plus the unexpected ones. Any corruption, any unexpected difference, a difference in a table without primary key (it
 * cannot be attributed) fails it. Without a source connection, certificate or conversion plan the criterion says what
 * it could not check and does not pass.</li>
 * <li><b>uptime</b>: {@code now() - pg_postmaster_start_time()} at least {@code bascule.platinum.min-uptime}, and the
 * postmaster started before the cutover did (a start after it is a restart, named with its time). Without a cutover
 * history the second part cannot be told: not passed.</li>
 * <li><b>slowQueries</b>: no statement of this database in pg_stat_statements (reset at the cutover's baseline) with a
 * mean or max time over {@code bascule.platinum.slow-query}; the worst listed with their text (cut) and times. Not
 * installed or not loaded: not passed, saying how to enable it.</li>
 * <li><b>indexesUsed</b>: every index of the tables scanned at least once since the statistics were reset
 * ({@code pg_stat_user_indexes.idx_scan > 0}); an unused one is listed with its size and fails the criterion.
 * Indexes that enforce a constraint (primary keys, unique indexes, exclusion constraints) are exempt: a DBA would not
 * drop them; those not scanned are listed apart. An index covering a foreign key's columns says so in its advice.</li>
 * <li><b>deadTuples</b>: every table's {@code n_dead_tup / (live + n_dead_tup)} under
 * {@code bascule.platinum.max-dead-tuple-pct}, live being {@code n_live_tup} or the planner's {@code reltuples} where
 * larger (the cutover's statistics reset zeroes {@code n_live_tup} until the next vacuum or analyze); the worst listed;
 * advice {@code VACUUM (ANALYZE) table}.</li>
 * <li><b>incidents</b>: 0 deadlocks and 0 conflicts in {@code pg_stat_database} (its counters since its
 * {@code stats_reset}, which the cutover's baseline set), and no incident in the cutover and surveillance runs
 * ({@link RunHistory}); without a history: not passed.</li>
 * </ol>
 */
public final class PlatinumCriteria {

    private static final Logger log = LoggerFactory.getLogger(PlatinumCriteria.class);
    /** Lines of a list shown in a criterion's details (the counts are always exact). */
    static final int SHOWN = 10;
    /** A statement's text is cut to this many characters. */
    static final int STATEMENT_CHARS = 200;
    private static final String AMCHECK = "amcheck";

    private final DatabaseEndpoint target;
    private final DatabaseEndpoint source;
    private final MigrationOptions options;
    private final Path workDir;
    private final BasculeProperties.Platinum settings;
    private final Clock clock;
    private final PostgresDialect pg;

    /**
     * @param target   the PostgreSQL database the application runs on
     * @param source   the MySQL/MariaDB database kept read-only since the cutover, or null (the integrity then says it
     *                 could not re-verify)
     * @param options  the migration's options (target schema, parallelism of the re-verification)
     * @param workDir  the work directory holding the GOLD certificate and the conversion plan
     * @param settings {@code bascule.platinum.*}
     */
    public PlatinumCriteria(DatabaseEndpoint target, DatabaseEndpoint source, MigrationOptions options, Path workDir,
                            BasculeProperties.Platinum settings, Clock clock) {
        this.target = target;
        this.source = source;
        this.options = options;
        this.workDir = workDir;
        this.settings = settings;
        this.clock = clock;
        this.pg = new PostgresDialect(target);
    }

    public PlatinumCriteria(DatabaseEndpoint target, DatabaseEndpoint source, MigrationOptions options, Path workDir,
                            BasculeProperties.Platinum settings) {
        this(target, source, options, workDir, settings, Clock.systemUTC());
    }

    public String schema() {
        return options.targetSchema();
    }

    // ------------------------------------------------------------------------------------------------ assessment

    /**
     * Measures the six criteria and scores them.
     *
     * @param cutover the cutover judged, or null: "no cutover history", and uptime and incidents do not pass
     * @param runs    the incidents of the cutover and surveillance runs, or null: "no cutover history" (incidents
     *                does not pass)
     * @throws DatabaseException the target cannot be reached or refuses the login (one line naming it)
     */
    public PlatinumAssessment assess(CutoverHistory cutover, RunHistory runs) {
        Instant at = clock.instant();
        List<String> notes = new ArrayList<>();
        try (Connection c = target.open()) {
            notes.add("PostgreSQL " + pg.version(c) + " at " + target.redactedUrl() + ", schema " + schema());
        } catch (SQLException e) {
            throw target.failure("closing the first connection", e);
        }
        Scope scope = scope();
        notes.addAll(scope.notes());
        if (cutover == null) {
            notes.add("No cutover history: whether PostgreSQL restarted since the cutover and the incidents of the runbook"
                    + " runs cannot be told; those criteria do not pass. Run the report with the work directory of the"
                    + " cutover (--work-dir), or from the platinumReport process.");
        } else {
            notes.add("Cutover " + (cutover.processInstanceId() == null ? "" : cutover.processInstanceId() + " ")
                    + "started at " + ReportDocuments.time(cutover.startedAt())
                    + (cutover.switchedAt() == null ? "" : ", application switched at " + ReportDocuments.time(cutover.switchedAt())));
        }
        Criterion slow = guard(Criterion.SLOW_QUERIES, () -> slowQueries(cutover));
        Criterion indexes = guard(Criterion.INDEXES_USED, () -> indexesUsed(scope.tables()));
        Criterion dead = guard(Criterion.DEAD_TUPLES, () -> deadTuples(scope.tables()));
        Criterion incidents = guard(Criterion.INCIDENTS, () -> incidents(cutover, runs));
        Criterion uptime = guard(Criterion.UPTIME, () -> uptime(cutover));
        Criterion integrity = guard(Criterion.INTEGRITY, () -> integrity(scope));
        PlatinumAssessment a = PlatinumAssessment.of(at, target.redactedUrl(), schema(), cutover,
                List.of(integrity, uptime, slow, indexes, dead, incidents), settings.retryAfter(), notes);
        log.info("PLATINUM {}: score {} ({} of 6 criteria passed: {})", a.verdict(), a.score(), a.passedCount(),
                a.criteria().stream().map(x -> x.name() + (x.passed() ? " ok" : " FAILED")).toList());
        return a;
    }

    /**
     * A criterion measured, or failed with what stopped it (a missing privilege, a query refused); a target that
     * cannot be reached or refuses the login stops the whole report.
     */
    private Criterion guard(String name, Supplier<Criterion> measure) {
        try {
            return measure.get();
        } catch (DatabaseException e) {
            boolean connection = e.code() == DatabaseException.Code.UNREACHABLE
                    || e.code() == DatabaseException.Code.AUTHENTICATION_FAILED
                    || e.code() == DatabaseException.Code.UNKNOWN_DATABASE;
            if (connection && target.redactedUrl().equals(e.redactedUrl())) {
                throw e;
            }
            log.warn("PLATINUM criterion {} could not be measured: {}", name, e.getMessage());
            return new Criterion(name, false, "not measured", threshold(name),
                    List.of("could not be measured: " + e.getMessage()),
                    List.of("fix what stopped the measurement (above) and make the report again"));
        }
    }

    /** The threshold of a criterion as the report shows it. */
    String threshold(String name) {
        return switch (name) {
            case Criterion.INTEGRITY -> "amcheck finds no corruption; only rows the application changed since the cutover differ from MySQL";
            case Criterion.UPTIME -> "up at least " + AuditDocuments.duration(settings.minUptime().toMillis()) + ", no restart since the cutover";
            case Criterion.SLOW_QUERIES -> "no statement with a mean or max time over " + millis(settings.slowQuery());
            case Criterion.INDEXES_USED -> "every index scanned at least once (primary keys and unique indexes exempt)";
            case Criterion.DEAD_TUPLES -> "under " + pct(settings.maxDeadTuplePct()) + " on every table";
            case Criterion.INCIDENTS -> "0 deadlocks, 0 conflicts, 0 incidents in the cutover and surveillance runs";
            default -> "";
        };
    }

    // ------------------------------------------------------------------------------------------------ scope

    /**
     * The tables judged: the certified ones (PostgreSQL names) with the certificate and the plan, or every table of the
     * schema; {@code notes} say which and why.
     */
    record Scope(GoldCertificate certificate, ConversionPlan plan, List<String> tables, String certificateProblem,
                 String planProblem, List<String> notes) {
    }

    Scope scope() {
        MigrationService migration = new MigrationService(source, target, options, workDir);
        GoldCertificate certificate = null;
        String certificateProblem = null;
        try {
            certificate = migration.certificateIfAny();
            if (certificate == null) {
                certificateProblem = "no GOLD certificate in " + workDir.toAbsolutePath().normalize() + " ("
                        + MigrationService.CERTIFICATE_FILE + ")";
            }
        } catch (RuntimeException e) {
            certificateProblem = "the GOLD certificate cannot be read: " + e.getMessage();
        }
        ConversionPlan plan = null;
        String planProblem = null;
        try {
            plan = migration.planIfAny();
            if (plan == null) {
                planProblem = "no conversion plan in " + migration.goldDir() + " (" + MigrationService.PLAN_FILE + ")";
            }
        } catch (RuntimeException e) {
            planProblem = "the conversion plan cannot be read: " + e.getMessage();
        }
        List<String> notes = new ArrayList<>();
        List<String> tables;
        if (certificate != null) {
            tables = certificate.tables().stream().map(GoldCertificate.TableEntry::targetTable).toList();
            notes.add("Tables judged: the " + tables.size() + " table(s) of the GOLD certificate of "
                    + (certificate.createdAt() == null ? "unknown date" : ReportDocuments.time(certificate.createdAt())) + ".");
        } else {
            try (Connection c = target.open()) {
                tables = pg.schemaTables(c, schema());
            } catch (SQLException e) {
                throw target.failure("listing the tables of schema " + schema(), e);
            }
            notes.add("Tables judged: every table of schema " + schema() + " (" + tables.size() + "), because "
                    + certificateProblem + ".");
        }
        return new Scope(certificate, plan, tables, certificateProblem, planProblem, notes);
    }

    // ------------------------------------------------------------------------------------------------ uptime

    /** {@link Criterion#UPTIME}: up at least min-uptime and no restart since the cutover started. */
    public Criterion uptime(CutoverHistory cutover) {
        PostgresDialect.ServerClock server;
        try (Connection c = target.open()) {
            server = pg.serverClock(c);
        } catch (SQLException e) {
            throw target.failure("reading the server's start time", e);
        }
        Duration up = Duration.between(server.postmasterStart(), server.now());
        boolean longEnough = up.compareTo(settings.minUptime()) >= 0;
        List<String> details = new ArrayList<>();
        List<String> advice = new ArrayList<>();
        details.add("PostgreSQL (postmaster) started at " + ReportDocuments.time(server.postmasterStart()) + "; up "
                + AuditDocuments.duration(up.toMillis()) + " at " + ReportDocuments.time(server.now()));
        boolean restarted = false;
        if (cutover == null) {
            details.add("no cutover history: whether PostgreSQL restarted since the cutover cannot be told");
            advice.add("make the report where the engine's history of the cutover is (--work-dir of the cutover), or"
                    + " from the platinumReport process");
        } else {
            restarted = server.postmasterStart().isAfter(cutover.startedAt());
            if (restarted) {
                details.add("PostgreSQL restarted at " + ReportDocuments.time(server.postmasterStart()) + ", after the cutover"
                        + " started at " + ReportDocuments.time(cutover.startedAt()));
                advice.add("find why PostgreSQL restarted at " + ReportDocuments.time(server.postmasterStart())
                        + " (its log then: a crash, the OOM killer, a maintenance restart) and fix the cause: a"
                        + " restart since the cutover keeps this criterion refused, for the DBA to weigh");
            } else {
                details.add("no restart since the cutover started at " + ReportDocuments.time(cutover.startedAt()));
            }
        }
        if (!longEnough) {
            advice.add("wait: PostgreSQL has run " + AuditDocuments.duration(up.toMillis()) + " of the "
                    + AuditDocuments.duration(settings.minUptime().toMillis()) + " required; make the report again after "
                    + ReportDocuments.time(server.postmasterStart().plus(settings.minUptime())));
        }
        String value = "up " + AuditDocuments.duration(up.toMillis()) + (restarted ? ", restarted at "
                + ReportDocuments.time(server.postmasterStart()) : cutover == null ? ", restarts since the cutover unknown" : ", no restart");
        return new Criterion(Criterion.UPTIME, cutover != null && longEnough && !restarted, value,
                threshold(Criterion.UPTIME), details, advice);
    }

    // ------------------------------------------------------------------------------------------------ slow queries

    /** {@link Criterion#SLOW_QUERIES}: no statement with a mean or max time over the threshold (Bascule's own left out). */
    public Criterion slowQueries(CutoverHistory cutover) {
        String threshold = threshold(Criterion.SLOW_QUERIES);
        try (Connection c = target.open()) {
            String database = target.databaseName();
            PostgresDialect.Extension pgss = pg.extension(c, PostgresDialect.PG_STAT_STATEMENTS);
            if (pgss == null) {
                return new Criterion(Criterion.SLOW_QUERIES, false, "pg_stat_statements not installed", threshold,
                        List.of("pg_stat_statements is not installed in database " + database + ": the statements' times are"
                                + " not known"),
                        List.of("enable pg_stat_statements: add it to shared_preload_libraries in postgresql.conf and"
                                + " restart PostgreSQL (the uptime criterion then counts from the restart), then as a"
                                + " superuser: CREATE EXTENSION pg_stat_statements; in database " + database
                                + "; the statements are counted from then on"));
            }
            if (!pg.statementsLoaded(c, pgss.schema())) {
                return new Criterion(Criterion.SLOW_QUERIES, false, "pg_stat_statements not loaded", threshold,
                        List.of("pg_stat_statements " + pgss.version() + " is installed in database " + database
                                + " but its library is not loaded (shared_preload_libraries): nothing is counted"),
                        List.of("add pg_stat_statements to shared_preload_libraries in postgresql.conf and restart"
                                + " PostgreSQL; the statements are counted from then on"));
            }
            boolean execTime = pg.serverVersionNum(c) >= 130000;
            double limitMs = settings.slowQuery().toNanos() / 1e6;
            List<PostgresDialect.StatementStats> over = pg.slowStatements(c, pgss.schema(), execTime, limitMs);
            List<PostgresDialect.StatementStats> app = over.stream().filter(s -> !s.bascule()).toList();
            long own = over.size() - app.size();
            PostgresDialect.StatementTotals totals = pg.statementTotals(c, pgss.schema(), execTime);
            Instant reset = pg.pgssStatsReset(c, pgss.schema());
            List<String> details = new ArrayList<>();
            List<String> advice = new ArrayList<>();
            for (PostgresDialect.StatementStats s : app.subList(0, Math.min(SHOWN, app.size()))) {
                details.add(String.format(Locale.ROOT, "max %.1f ms, mean %.1f ms, %,d call(s), role %s, queryid %d: %s",
                        s.maxMs(), s.meanMs(), s.calls(), s.role() == null ? "?" : s.role(), s.queryId(), statement(s.query())));
            }
            if (app.size() > SHOWN) {
                details.add("... and " + (app.size() - SHOWN) + " more statement(s) over " + millis(settings.slowQuery()));
            }
            details.add(String.format(Locale.ROOT, "%,d statement(s) of the application counted (%,d calls); worst max"
                    + " %.1f ms, worst mean %.1f ms", totals.statements(), totals.calls(), totals.worstMaxMs(), totals.worstMeanMs()));
            if (totals.basculeStatements() > 0) {
                details.add(totals.basculeStatements() + " statement(s) of Bascule itself (verification, backups, final"
                        + " delta, reverse channel, amcheck, statistics) left out" + (own > 0 ? ", " + own
                        + " of them over the threshold" : ""));
            }
            if (reset != null) {
                details.add("pg_stat_statements counts since " + ReportDocuments.time(reset)
                        + (cutover != null && reset.isBefore(cutover.startedAt()) ? ", before the cutover started at "
                        + ReportDocuments.time(cutover.startedAt()) + ": statements from before the cutover count too"
                        : " (the cutover's baseline resets it)"));
            }
            for (PostgresDialect.StatementStats s : app.subList(0, Math.min(5, app.size()))) {
                advice.add("queryid " + s.queryId() + String.format(Locale.ROOT, " (max %.1f ms): ", s.maxMs())
                        + "run EXPLAIN (ANALYZE, BUFFERS) on it, add the index its plan lacks or rewrite it, ANALYZE its"
                        + " tables if their statistics are stale; once fixed, reset its counters so the next report"
                        + " measures the fixed statement: SELECT " + PostgresDialect.quote(pgss.schema())
                        + ".pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), "
                        + s.queryId() + ");");
            }
            String value = app.isEmpty()
                    ? String.format(Locale.ROOT, "none over %s (worst max %.1f ms)", millis(settings.slowQuery()), totals.worstMaxMs())
                    : String.format(Locale.ROOT, "%d statement(s) over %s (worst max %.1f ms)", app.size(),
                    millis(settings.slowQuery()), app.get(0).maxMs());
            return new Criterion(Criterion.SLOW_QUERIES, app.isEmpty(), value, threshold, details, advice);
        } catch (SQLException e) {
            throw target.failure("reading pg_stat_statements", e);
        }
    }

    /** A statement's text on one line, cut to {@value #STATEMENT_CHARS} characters. */
    static String statement(String query) {
        String s = query == null ? "" : query.replaceAll("\\s+", " ").strip();
        return s.length() > STATEMENT_CHARS ? s.substring(0, STATEMENT_CHARS) + "..." : s;
    }

    // ------------------------------------------------------------------------------------------------ indexes

    /** {@link Criterion#INDEXES_USED}: every index scanned at least once, those enforcing a constraint exempt. */
    public Criterion indexesUsed(List<String> tables) {
        List<PostgresDialect.IndexUsage> all;
        PostgresDialect.DatabaseStats stats;
        try (Connection c = target.open()) {
            all = pg.indexUsage(c, schema(), tables);
            stats = pg.databaseStats(c);
        } catch (SQLException e) {
            throw target.failure("reading the use of the indexes", e);
        }
        List<PostgresDialect.IndexUsage> enforcing = new ArrayList<>();
        List<PostgresDialect.IndexUsage> unused = new ArrayList<>();
        for (PostgresDialect.IndexUsage i : all) {
            if (i.scans() > 0 && i.valid()) {
                continue;
            }
            if (i.valid() && (i.primary() || i.unique() || i.constraint())) {
                enforcing.add(i);
            } else {
                unused.add(i);
            }
        }
        unused.sort(Comparator.comparingLong(PostgresDialect.IndexUsage::bytes).reversed());
        List<String> details = new ArrayList<>();
        List<String> advice = new ArrayList<>();
        for (PostgresDialect.IndexUsage i : unused) {
            details.add((i.valid() ? "unused: " : "INVALID: ") + PostgresDialect.qualified(schema(), i.index()) + " on "
                    + i.table() + ", " + ReportDocuments.bytes(i.bytes())
                    + (i.foreignKeys() == null ? "" : ", covers foreign key " + i.foreignKeys()));
            String drop = "DROP INDEX CONCURRENTLY " + PostgresDialect.qualified(schema(), i.index()) + ";";
            if (!i.valid()) {
                advice.add(PostgresDialect.qualified(schema(), i.index()) + " is invalid (a failed CREATE INDEX"
                        + " CONCURRENTLY or REINDEX): " + drop + " then create it again, or leave it dropped");
            } else if (i.foreignKeys() != null) {
                advice.add(drop + " frees " + ReportDocuments.bytes(i.bytes()) + " if no query needs it; it covers foreign key "
                        + i.foreignKeys() + ": without it, deleting or re-keying a referenced row scans " + i.table()
                        + ", so keep it if that happens (check rare jobs too: month-end, reports)");
            } else {
                advice.add(drop + " frees " + ReportDocuments.bytes(i.bytes()) + " if no query needs it (check rare jobs"
                        + " first: month-end, reports); else keep it and make the report again once they ran");
            }
        }
        for (PostgresDialect.IndexUsage i : enforcing) {
            details.add("not scanned, exempt (enforces " + (i.primary() ? "the primary key" : "uniqueness") + "): "
                    + PostgresDialect.qualified(schema(), i.index()) + " on " + i.table() + ", " + ReportDocuments.bytes(i.bytes()));
        }
        details.add("scans counted since " + (stats.statsReset() == null ? "the database was created (statistics never reset)"
                : ReportDocuments.time(stats.statsReset()) + " (the cutover's baseline resets the statistics)"));
        long used = all.size() - unused.size() - enforcing.size();
        String value = unused.isEmpty()
                ? String.format(Locale.ROOT, "%d of %d index(es) scanned, %d exempt not scanned", used, all.size(), enforcing.size())
                : String.format(Locale.ROOT, "%d unused index(es) of %d, %s", unused.size(), all.size(),
                size(unused.stream().mapToLong(PostgresDialect.IndexUsage::bytes).sum()));
        return new Criterion(Criterion.INDEXES_USED, unused.isEmpty(), value, threshold(Criterion.INDEXES_USED), details, advice);
    }

    // ------------------------------------------------------------------------------------------------ dead tuples

    /** {@link Criterion#DEAD_TUPLES}: every table's dead tuples under the threshold. */
    public Criterion deadTuples(List<String> tables) {
        List<PostgresDialect.TableTuples> list;
        try (Connection c = target.open()) {
            list = new ArrayList<>(pg.tableTuples(c, schema(), tables));
        } catch (SQLException e) {
            throw target.failure("reading the dead tuples", e);
        }
        list.sort(Comparator.comparingDouble(PlatinumCriteria::deadPct).reversed()
                .thenComparing(PostgresDialect.TableTuples::table));
        List<PostgresDialect.TableTuples> over = list.stream().filter(t -> deadPct(t) >= settings.maxDeadTuplePct()).toList();
        List<String> details = new ArrayList<>();
        for (PostgresDialect.TableTuples t : list.subList(0, Math.min(SHOWN, list.size()))) {
            details.add(String.format(Locale.ROOT, "%s: %s dead (%,d dead, %,d live); last vacuum %s, last autovacuum %s%s",
                    t.table(), pct(deadPct(t)), t.dead(), live(t), when(t.lastVacuum()), when(t.lastAutovacuum()),
                    t.autovacuumOff() ? "; autovacuum is OFF for this table" : ""));
        }
        if (list.size() > SHOWN) {
            details.add("... and " + (list.size() - SHOWN) + " more table(s), each with fewer dead tuples");
        }
        Set<String> found = new HashSet<>(list.stream().map(PostgresDialect.TableTuples::table).toList());
        tables.stream().filter(t -> !found.contains(t)).forEach(t -> details.add(t + ": not found in schema " + schema()));
        List<String> advice = new ArrayList<>();
        for (PostgresDialect.TableTuples t : over) {
            String table = PostgresDialect.qualified(schema(), t.table());
            advice.add("VACUUM (ANALYZE) " + table + ";" + (t.autovacuumOff()
                    ? " and turn its autovacuum back on: ALTER TABLE " + table + " RESET (autovacuum_enabled);"
                    : " and, if it fills up again, make autovacuum visit it sooner: ALTER TABLE " + table
                    + " SET (autovacuum_vacuum_scale_factor = 0.05);"));
        }
        String value = list.isEmpty() ? "no table" : String.format(Locale.ROOT, "worst %s (%s)%s", pct(deadPct(list.get(0))),
                list.get(0).table(), over.isEmpty() ? "" : "; " + over.size() + " table(s) at or over the threshold");
        return new Criterion(Criterion.DEAD_TUPLES, over.isEmpty(), value, threshold(Criterion.DEAD_TUPLES), details, advice);
    }

    /**
     * Dead tuples in % of the table's tuples (0 for an empty table). The live tuples are {@code n_live_tup}, or the
     * planner's row count where it is larger: the cutover's statistics reset sets {@code n_live_tup} to 0 until the next
     * vacuum or analyze, and a table whose few updates since left a handful of dead tuples is not 100 % dead.
     */
    static double deadPct(PostgresDialect.TableTuples t) {
        long all = live(t) + t.dead();
        return all == 0 ? 0 : t.dead() * 100.0 / all;
    }

    static long live(PostgresDialect.TableTuples t) {
        return Math.max(t.live(), t.plannerRows());
    }

    // ------------------------------------------------------------------------------------------------ incidents

    /** {@link Criterion#INCIDENTS}: 0 deadlocks, 0 conflicts, no incident in the runbook runs. */
    public Criterion incidents(CutoverHistory cutover, RunHistory runs) {
        PostgresDialect.DatabaseStats s;
        try (Connection c = target.open()) {
            s = pg.databaseStats(c);
        } catch (SQLException e) {
            throw target.failure("reading pg_stat_database", e);
        }
        List<String> details = new ArrayList<>();
        List<String> advice = new ArrayList<>();
        details.add(s.deadlocks() + " deadlock(s), " + s.conflicts() + " conflict(s) in pg_stat_database, counted since "
                + (s.statsReset() == null ? "the database was created (statistics never reset)"
                : ReportDocuments.time(s.statsReset()) + " (the cutover's baseline resets the statistics)"));
        if (cutover != null && (s.statsReset() == null || s.statsReset().isBefore(cutover.startedAt()))) {
            details.add("the statistics were last reset before the cutover started at " + ReportDocuments.time(cutover.startedAt())
                    + ": the counters include time before it");
        }
        if (runs == null) {
            details.add("no cutover history: the incidents of the cutover and surveillance runs cannot be read");
            advice.add("make the report where the engine's history of the cutover is (--work-dir of the cutover), or"
                    + " from the platinumReport process");
        } else {
            details.add("runbook runs looked at: " + (runs.runs().isEmpty() ? "none" : String.join("; ", runs.runs())));
            details.add(runs.incidents() + " incident(s) in them, " + runs.open() + " open");
            runs.descriptions().stream().limit(SHOWN).forEach(details::add);
            if (runs.incidents() > 0) {
                advice.add("read each incident's cause in the audit trail (bascule audit ID) and resolve the open ones in"
                        + " Cockpit (retry the step once its cause is fixed); an incident stays on the record, so the"
                        + " DBA judges whether it was major");
            }
        }
        if (s.deadlocks() > 0) {
            advice.add("find the deadlocks in PostgreSQL's log ('deadlock detected' names both statements; set"
                    + " log_lock_waits = on) and make the application take its row locks in one order");
        }
        if (s.conflicts() > 0) {
            advice.add("recovery conflicts on a standby cancelled queries: raise max_standby_streaming_delay or turn"
                    + " hot_standby_feedback on, and see pg_stat_database_conflicts");
        }
        boolean passed = s.deadlocks() == 0 && s.conflicts() == 0 && runs != null && cutover != null && runs.incidents() == 0;
        String value = s.deadlocks() + " deadlock(s), " + s.conflicts() + " conflict(s), "
                + (runs == null ? "runbook incidents unknown (no cutover history)" : runs.incidents() + " runbook incident(s)");
        return new Criterion(Criterion.INCIDENTS, passed, value, threshold(Criterion.INCIDENTS), details, advice);
    }

    // ------------------------------------------------------------------------------------------------ integrity

    /** {@link Criterion#INTEGRITY} of the tables in the work directory's scope. */
    public Criterion integrity() {
        return integrity(scope());
    }

    Criterion integrity(Scope scope) {
        List<String> details = new ArrayList<>();
        List<String> advice = new ArrayList<>();
        Amcheck amcheck = amcheck(scope.tables(), details, advice);
        Reverification re = reverify(scope, details, advice);
        boolean passed = amcheck.sound() && re.done() && re.unexpected() == 0 && re.problems() == 0;
        String value = amcheck.summary() + "; " + re.summary();
        return new Criterion(Criterion.INTEGRITY, passed, value, threshold(Criterion.INTEGRITY), details, advice);
    }

    /** What amcheck did: ran (extension there and executable), indexes and heaps checked, corrupt ones. */
    private record Amcheck(boolean ran, int indexes, int heaps, int corrupt, boolean heapsChecked, String problem) {
        boolean sound() {
            return ran && corrupt == 0;
        }

        String summary() {
            if (!ran) {
                return "amcheck not run (" + problem + ")";
            }
            return corrupt > 0 ? "amcheck: " + corrupt + " corrupt object(s) of " + (indexes + heaps) + " checked"
                    : "amcheck: " + indexes + " index(es)" + (heapsChecked ? " and " + heaps + " table(s)" : "") + " sound";
        }
    }

    private Amcheck amcheck(List<String> tables, List<String> details, List<String> advice) {
        try (Connection c = target.open()) {
            String user = pg.sessionLogin(c).sessionUser();
            String database = target.databaseName();
            PostgresDialect.Extension ext = pg.extension(c, AMCHECK);
            if (ext == null) {
                PostgresDialect.ExtensionAccess access = pg.extensionAccess(c, AMCHECK);
                if (!access.available()) {
                    details.add("amcheck: the server offers no amcheck extension: indexes and heaps not checked");
                    advice.add("install the contrib modules of this PostgreSQL version on the server (the package"
                            + " postgresql-contrib, or postgresql-<version> on Debian/Ubuntu), then as a superuser:"
                            + " CREATE EXTENSION amcheck; in database " + database);
                    return new Amcheck(false, 0, 0, 0, false, "not available on the server");
                }
                if (!access.mayCreate()) {
                    details.add("amcheck: the extension is not installed in database " + database + " and login '" + user
                            + "' may not create it: indexes and heaps not checked");
                    advice.add("a superuser (or the database owner, where amcheck is trusted) runs: CREATE EXTENSION"
                            + " amcheck; in database " + database + ", then GRANT EXECUTE ON FUNCTION"
                            + " bt_index_check(regclass, boolean) TO " + PostgresDialect.quote(user)
                            + " and, on PostgreSQL 14+, GRANT EXECUTE ON FUNCTION verify_heapam(regclass, boolean,"
                            + " boolean, text, bigint, bigint) TO " + PostgresDialect.quote(user));
                    return new Amcheck(false, 0, 0, 0, false, "the extension is missing and '" + user + "' may not create it");
                }
                pg.createExtension(c, AMCHECK);
                ext = pg.extension(c, AMCHECK);
                details.add("amcheck: the extension was not installed; created now (CREATE EXTENSION amcheck, version "
                        + ext.version() + ", schema " + ext.schema() + ")");
            }
            String btSignature = PostgresDialect.quote(ext.schema()) + ".bt_index_check(regclass, boolean)";
            String heapSignature = PostgresDialect.quote(ext.schema()) + ".verify_heapam(regclass, boolean, boolean, text, bigint, bigint)";
            PostgresDialect.FunctionAccess bt = pg.functionAccess(c, btSignature);
            PostgresDialect.FunctionAccess heap = pg.functionAccess(c, heapSignature);
            List<String> missing = new ArrayList<>();
            if (!bt.exists()) {
                details.add("amcheck " + ext.version() + " has no bt_index_check(regclass, boolean)");
                advice.add("update amcheck as a superuser: ALTER EXTENSION amcheck UPDATE; in database " + database);
                return new Amcheck(false, 0, 0, 0, false, "amcheck " + ext.version() + " too old");
            }
            if (!bt.executable()) {
                missing.add(btSignature);
            }
            if (heap.exists() && !heap.executable()) {
                missing.add(heapSignature);
            }
            if (!missing.isEmpty()) {
                details.add("amcheck: login '" + user + "' may not execute " + String.join(" and ", missing)
                        + ": indexes and heaps not checked");
                missing.forEach(f -> advice.add("a superuser runs: GRANT EXECUTE ON FUNCTION " + f + " TO "
                        + PostgresDialect.quote(user) + ";"));
                return new Amcheck(false, 0, 0, 0, false, "no EXECUTE on amcheck's functions for '" + user + "'");
            }
            int indexes = 0;
            int heaps = 0;
            int corrupt = 0;
            for (PostgresDialect.IndexUsage i : pg.indexUsage(c, schema(), tables)) {
                if (!"btree".equals(i.accessMethod()) || !i.valid()) {
                    continue;
                }
                indexes++;
                String found = pg.btIndexCheck(c, ext.schema(), schema(), i.index());
                if (found != null) {
                    corrupt++;
                    details.add("CORRUPT index " + PostgresDialect.qualified(schema(), i.index()) + " on " + i.table() + ": " + found);
                    advice.add("rebuild it: REINDEX INDEX CONCURRENTLY " + PostgresDialect.qualified(schema(), i.index())
                            + "; then find the cause (the storage, a crash with fsync off, an index on a function whose"
                            + " result changed, a collation changed by an OS upgrade)");
                }
            }
            if (heap.exists()) {
                Set<String> present = new HashSet<>(pg.schemaTables(c, schema()));
                for (String t : tables) {
                    if (!present.contains(t)) {
                        continue;
                    }
                    heaps++;
                    List<String> found = pg.verifyHeap(c, ext.schema(), schema(), t);
                    if (!found.isEmpty()) {
                        corrupt++;
                        details.add("CORRUPT table " + PostgresDialect.qualified(schema(), t) + ": " + found.size()
                                + " problem(s) in its heap, first: " + found.get(0));
                        advice.add("table " + PostgresDialect.qualified(schema(), t) + ": restore the damaged rows from the"
                                + " cutover's final backup or a base backup, and have the storage checked");
                    }
                }
            } else {
                details.add("amcheck: verify_heapam is not available (PostgreSQL before 14, or amcheck before 1.3): the"
                        + " tables' heaps are not checked, their indexes are");
            }
            details.add(String.format(Locale.ROOT, "amcheck %s: %d B-tree index(es) checked with heapallindexed%s, %d corrupt",
                    ext.version(), indexes, heap.exists() ? ", " + heaps + " table heap(s) with verify_heapam" : "", corrupt));
            return new Amcheck(true, indexes, heaps, corrupt, heap.exists(), null);
        } catch (SQLException e) {
            throw target.failure("checking the indexes and tables with amcheck", e);
        }
    }

    /** The re-verification against MySQL: done or not, and its counts. */
    private record Reverification(boolean done, long rows, long differing, long expected, long unexpected, long problems,
                                  String notDone) {
        String summary() {
            if (!done) {
                return "not re-verified against MySQL (" + notDone + ")";
            }
            return String.format(Locale.ROOT, "MySQL: %,d rows compared, %,d differ (%,d changed by the application since"
                    + " the cutover, %,d unexpected)", rows, differing, expected, unexpected + problems);
        }
    }

    private Reverification reverify(Scope scope, List<String> details, List<String> advice) {
        String notDone = null;
        if (scope.certificate() == null) {
            notDone = scope.certificateProblem();
            details.add("MySQL: not re-verified: " + notDone + ", so the certified tables and rows are unknown");
            advice.add("make the report with the work directory of the migration and the cutover (--work-dir), which holds"
                    + " " + MigrationService.CERTIFICATE_FILE);
        } else if (scope.plan() == null) {
            notDone = scope.planProblem();
            details.add("MySQL: not re-verified: " + notDone);
            advice.add("make the report with the work directory of the migration (--work-dir), which holds the plan in gold/"
                    + MigrationService.PLAN_FILE);
        } else if (source == null) {
            notDone = "no source connection";
            details.add("MySQL: not re-verified: no source connection is configured, so the rows cannot be compared with"
                    + " the MySQL kept read-only since the cutover");
            advice.add("give the source connection (--source-url, --source-user, BASCULE_SOURCE_PASSWORD) and make the report again");
        }
        if (notDone != null) {
            return new Reverification(false, 0, 0, 0, 0, 0, notDone);
        }
        GoldCertificate certificate = scope.certificate();
        List<String> mismatch = new ArrayList<>();
        if (certificate.target() != null && certificate.target().schema() != null && !certificate.target().schema().equals(schema())) {
            mismatch.add("the GOLD certificate is for target schema " + certificate.target().schema() + ", this report reads "
                    + schema() + " (set --target-schema " + certificate.target().schema() + ")");
        }
        if (certificate.source() != null && certificate.source().database() != null
                && !certificate.source().database().equals(source.databaseName())) {
            mismatch.add("the GOLD certificate is for MySQL database " + certificate.source().database() + ", this report"
                    + " connects to " + source.databaseName() + " (set --source-url to the certified database)");
        }
        Map<String, TablePlan> byName = new LinkedHashMap<>();
        scope.plan().tables().forEach(t -> byName.put(t.source().name(), t));
        List<TablePlan> tables = new ArrayList<>();
        for (GoldCertificate.TableEntry e : certificate.tables()) {
            TablePlan t = byName.get(e.table());
            if (t == null || !t.targetName().equals(e.targetTable())) {
                mismatch.add("table " + e.table() + " of the GOLD certificate is not in the conversion plan as "
                        + e.targetTable() + " (the plan in the work directory is not the certified one)");
            } else {
                tables.add(t);
            }
        }
        if (!mismatch.isEmpty()) {
            mismatch.forEach(m -> details.add("MySQL: not re-verified: " + m));
            advice.add("make the report with the settings and work directory of the certified migration");
            return new Reverification(false, 0, 0, 0, 0, 0, "certificate does not match");
        }
        Set<String> present;
        boolean changeLog;
        boolean touchedTable;
        try (Connection c = target.open()) {
            present = new HashSet<>(pg.schemaTables(c, schema()));
            changeLog = pg.tableExists(c, PostgresDialect.STATE_SCHEMA, PostgresDialect.CHANGE_LOG);
            touchedTable = pg.tableExists(c, PostgresDialect.STATE_SCHEMA, PostgresDialect.TOUCHED_KEYS);
        } catch (SQLException e) {
            throw target.failure("looking up the certified tables", e);
        }
        long problems = 0;
        List<TablePlan> compared = new ArrayList<>();
        for (TablePlan t : tables) {
            if (present.contains(t.targetName())) {
                compared.add(t);
            } else {
                problems++;
                details.add("MySQL: certified table " + t.source().name() + " (" + PostgresDialect.qualified(schema(), t.targetName())
                        + ") no longer exists on PostgreSQL");
                advice.add("find who dropped " + PostgresDialect.qualified(schema(), t.targetName())
                        + " and restore it from the cutover's final backup");
            }
        }
        try {
            MySqlReadOnly.ReadOnlyState state;
            try (Connection my = source.open()) {
                state = new MySqlDialect(source).readOnlyState(my);
            }
            details.add(state.readOnly() ? "MySQL " + source.redactedUrl() + " is read-only, as the cutover left it"
                    : "MySQL " + source.redactedUrl() + " is WRITABLE: rows written there since the cutover show as"
                    + " unexpected differences");
            if (!changeLog && !touchedTable) {
                details.add("no record of the reverse channel (" + PostgresDialect.STATE_SCHEMA + "." + PostgresDialect.CHANGE_LOG
                        + "): no key counts as changed by the application, every difference is unexpected");
            }
            Found found = new Found();
            ConversionPlan plan = new ConversionPlan(scope.plan().source(), scope.plan().targetSchema(), compared,
                    scope.plan().warnings(), scope.plan().notConverted(), scope.plan().errors(), scope.plan().createsSchema());
            Map<String, Long> expectedRows = new LinkedHashMap<>();
            compared.forEach(t -> expectedRows.put(t.source().name(), t.source().estimatedRows()));
            Verifier.Result result;
            try (Progress progress = new Progress("PLATINUM: re-verify against MySQL", expectedRows, s -> { },
                    options.progressInterval())) {
                result = new Verifier(source, target, options).verify(plan, progress, found);
            }
            // the keys the application touched, read after the comparison: a row it changed while the comparison ran is
            // recorded by then
            Map<String, Set<String>> touched = new LinkedHashMap<>();
            if (changeLog || touchedTable) {
                try (Connection c = target.open()) {
                    for (TablePlan t : compared) {
                        if (t.source().hasPrimaryKey() && found.differs(t)) {
                            Set<String> keys = new HashSet<>();
                            pg.touchedCanonicalKeys(c, t, changeLog, touchedTable, k -> keys.add(io.bascule.migration.KeyText.encode(k.canonical())));
                            touched.put(t.source().name(), keys);
                        }
                    }
                } catch (SQLException e) {
                    throw target.failure("reading the keys the reverse channel recorded", e);
                }
            }
            long rows = 0;
            long differing = 0;
            long expected = 0;
            long unexpected = 0;
            for (TablePlan t : compared) {
                Verifier.TableResult r = result.tables().stream().filter(x -> x.table().equals(t.source().name())).findFirst()
                        .orElse(null);
                if (r == null) {
                    continue;
                }
                rows += Math.max(r.sourceRows(), r.targetRows());
                long diff = r.missing() + r.extra() + r.changed();
                if (!t.source().hasPrimaryKey()) {
                    differing += diff;
                    unexpected += diff;
                    if (diff > 0) {
                        details.add(String.format(Locale.ROOT, "%s: %,d rows on PostgreSQL, %,d on MySQL: %,d differ, and"
                                        + " the table has no primary key, so they cannot be attributed to the application"
                                        + " (%d missing on PostgreSQL, %d extra on PostgreSQL, %d changed)", t.source().name(),
                                r.targetRows(), r.sourceRows(), diff, r.missing(), r.extra(), r.changed()));
                        advice.add("table " + t.source().name() + " (no primary key): compare its rows by hand (bascule verify"
                                + " lists them) and give it a primary key");
                    } else {
                        details.add(String.format(Locale.ROOT, "%s: %,d rows identical (no primary key)", t.source().name(), r.targetRows()));
                    }
                    continue;
                }
                Counts k = found.classify(t, touched.getOrDefault(t.source().name(), Set.of()));
                long tableExpected = k.expected();
                long unexpectedHere = k.unexpected() + Math.max(0, diff - k.expected() - k.unexpected());   // counted, not told
                differing += diff;
                expected += tableExpected;
                unexpected += unexpectedHere;
                Set<String> touchedKeys = touched.get(t.source().name());
                String recorded = touchedKeys == null ? "" : String.format(Locale.ROOT, "; %,d key(s) touched by the"
                        + " application since the cutover", touchedKeys.size());
                if (diff == 0) {
                    details.add(String.format(Locale.ROOT, "%s: %,d rows identical%s", t.source().name(), r.targetRows(), recorded));
                } else {
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s: %,d rows on PostgreSQL, %,d on"
                                    + " MySQL, %,d differ: %,d changed by the application since the cutover (expected), %,d"
                                    + " unexpected", t.source().name(), r.targetRows(), r.sourceRows(), diff, tableExpected,
                            unexpectedHere));
                    k.describeUnexpected(line, t);
                    details.add(line.append(recorded).toString());
                    if (unexpectedHere > 0) {
                        advice.add("table " + t.source().name() + ": rows differ from MySQL that the application did not"
                                + " change through PostgreSQL's recorded writes (" + k.unexpectedSample(t) + "): find who"
                                + " changed them (a write with triggers off, a restore, storage), compare them on both"
                                + " sides and repair PostgreSQL from MySQL or the final backup");
                    }
                }
            }
            return new Reverification(true, rows, differing, expected, unexpected, problems, null);
        } catch (DatabaseException e) {
            details.add("MySQL: the re-verification stopped: " + e.getMessage());
            advice.add("fix what stopped the re-verification (above) and make the report again");
            return new Reverification(false, 0, 0, 0, 0, problems, "stopped: " + firstWords(e.getMessage()));
        } catch (SQLException e) {
            DatabaseException d = source.failure("reading MySQL's read-only state", e);
            details.add("MySQL: the re-verification stopped: " + d.getMessage());
            return new Reverification(false, 0, 0, 0, 0, problems, "stopped: " + firstWords(d.getMessage()));
        }
    }

    private static String firstWords(String s) {
        String one = s == null ? "" : s.replaceAll("\\s+", " ").strip();
        return one.length() > 120 ? one.substring(0, 120) + "..." : one;
    }

    /** Every differing key the verifier tells, per table and kind; thread-safe (the verifier's threads report into it). */
    private static final class Found implements Verifier.Differences {
        static final String CHANGED = "changed";
        static final String MISSING = "missing on PostgreSQL";
        static final String EXTRA = "extra on PostgreSQL";

        private record Difference(String kind, String[] key) {
        }

        private final Map<String, List<Difference>> byTable = new ConcurrentHashMap<>();

        private void add(TablePlan t, String kind, String[] key) {
            byTable.computeIfAbsent(t.source().name(), k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                    .add(new Difference(kind, key.clone()));
        }

        boolean differs(TablePlan t) {
            List<Difference> list = byTable.get(t.source().name());
            return list != null && !list.isEmpty();
        }

        /** The table's differing keys sorted: expected when in {@code touched} (key ids), else unexpected (sampled). */
        Counts classify(TablePlan t, Set<String> touched) {
            long expected = 0;
            long unexpected = 0;
            Map<String, List<String>> samples = new LinkedHashMap<>();
            List.of(CHANGED, MISSING, EXTRA).forEach(kind -> samples.put(kind, new ArrayList<>()));
            List<Difference> list = byTable.getOrDefault(t.source().name(), List.of());
            synchronized (list) {
                for (Difference d : list) {
                    if (touched.contains(io.bascule.migration.KeyText.encode(d.key()))) {
                        expected++;
                    } else {
                        unexpected++;
                        List<String> sample = samples.get(d.kind());
                        if (sample.size() < SHOWN) {
                            sample.add(shownKey(d.key(), t));
                        }
                    }
                }
            }
            return new Counts(expected, unexpected, samples);
        }

        @Override
        public void missing(TablePlan table, String[] key) {
            add(table, MISSING, key);
        }

        @Override
        public void extra(TablePlan table, String[] key) {
            add(table, EXTRA, key);
        }

        @Override
        public void changed(TablePlan table, String[] key) {
            add(table, CHANGED, key);
        }
    }

    /** One table's differing keys: expected, unexpected, and samples of the unexpected keys per kind. */
    private record Counts(long expected, long unexpected, Map<String, List<String>> samples) {

        void describeUnexpected(StringBuilder line, TablePlan t) {
            samples.forEach((kind, keys) -> {
                if (!keys.isEmpty()) {
                    line.append("; ").append(kind).append(' ').append(String.join(", ", keys));
                }
            });
        }

        String unexpectedSample(TablePlan t) {
            StringBuilder sb = new StringBuilder();
            describeUnexpected(sb, t);
            String s = sb.toString().replaceFirst("^; ", "");
            return s.isEmpty() ? "keys not named" : s;
        }
    }

    /** Canonical key values as a JSON-like array: numbers bare, other values quoted ({@code [42]}, {@code ["a", 3]}). */
    static String shownKey(String[] key, TablePlan t) {
        List<ColumnMapping> cols = t.keyColumns();
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < key.length; i++) {
            sb.append(i > 0 ? ", " : "");
            ValueKind kind = i < cols.size() ? cols.get(i).kind() : ValueKind.TEXT;
            if (key[i] == null) {
                sb.append("null");
            } else if (kind == ValueKind.INTEGER || kind == ValueKind.DECIMAL || kind == ValueKind.YEAR) {
                sb.append(key[i]);
            } else {
                sb.append('"').append(key[i].replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        }
        return sb.append(']').toString();
    }

    // ------------------------------------------------------------------------------------------------ texts

    static String millis(Duration d) {
        return d.toMillis() < 1000 ? d.toMillis() + " ms" : AuditDocuments.duration(d.toMillis());
    }

    /** A size in B, KiB, MiB... with one decimal ({@code 16.0 KiB}). */
    static String size(long bytes) {
        String full = ReportDocuments.bytes(bytes);
        int paren = full.indexOf(" (");
        return paren < 0 ? full : full.substring(0, paren);
    }

    static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f %%", v);
    }

    private static String when(Instant t) {
        return t == null ? "never" : ReportDocuments.time(t);
    }
}
