package io.bascule.surveillance;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One measurement of the target PostgreSQL database at an instant ({@link Sampler#sample()}), as the live page, the
 * {@code monitor} command, the checklists and the reports see it. Serialised as one JSON object ({@link SampleJson}),
 * whose keys are the component names. Figures that could not be measured are null (PostgreSQL unreachable,
 * pg_stat_statements absent); lists are never null, and bounded (their {@code ...Count} says how many there are in all).
 *
 * @param at                     when the sample was taken
 * @param sampleMillis           how long the database queries of the sample took (the health probe has its own millis)
 * @param queries                how many SQL statements the sample ran (4, or 5 with pg_stat_statements; a connection
 *                               (re)opened for the sample runs its session settings too, not counted here)
 * @param database               the sampled database (from the URL when PostgreSQL could not be reached)
 * @param serverVersion          PostgreSQL's server_version
 * @param reachable              false when no connection could be opened or it broke: every figure is then null
 * @param error                  why the sample failed (one line, URL redacted), null when it did not
 * @param connectionsByState     client sessions of this database by state ({@code active}, {@code idle},
 *                               {@code idle in transaction}, always present; {@code idle in transaction (aborted)},
 *                               {@code fastpath function call}, {@code disabled} when seen; {@code unknown}: sessions of
 *                               other logins whose state this login may not see, see {@code notes})
 * @param connections            client sessions of the whole server, every database
 * @param maxConnections         max_connections
 * @param usableConnections      the slots ordinary logins may take: max_connections - superuser_reserved_connections -
 *                               reserved_connections (PostgreSQL 16+); the application runs out when these are taken
 * @param connectionUsagePct     connections / usableConnections, in % (may exceed 100 with superusers in the reserved slots)
 * @param hiddenSessions         sessions counted whose state this login may not see (no pg_read_all_stats)
 * @param statementsAvailable    pg_stat_statements installed in this database, its library loaded, tracking
 * @param statementsNote         why it is not available and how to fix that; null when it is
 * @param statementCalls         statements counted by pg_stat_statements for this database (since its last reset: the cutover's)
 * @param avgQueryMs             calls-weighted mean of the statements' mean_exec_time (total time / calls), in ms
 * @param maxQueryMs             the largest max_exec_time of any statement, in ms
 * @param topQueries             the statements with the most total time, at most {@link Sampler#TOP_QUERIES}
 * @param slowQueryCount         statements whose mean time is over {@code bascule.surveillance.slow-query}
 * @param slowQueries            those statements, slowest mean first, at most {@link Sampler#SLOW_QUERIES}
 * @param deadTuplePct           the worst dead-tuple % of a user table with at least {@link Sampler#MIN_DEAD_TUPLES} dead
 *                               tuples (fewer is one autovacuum leaves alone by design); 0 when no table has that many
 * @param tables                 user tables, worst first (those counted in {@code deadTuplePct} first), at most
 *                               {@link Sampler#TABLES}
 * @param tableCount             user tables in all (Bascule's own {@code bascule_state} schema left out)
 * @param unusedIndexes          indexes never scanned since the statistics reset (unique and primary-key indexes left
 *                               out: they enforce a constraint), largest first, at most {@link Sampler#UNUSED_INDEXES}
 * @param unusedIndexCount       how many there are in all
 * @param deadlocks              pg_stat_database.deadlocks of this database since {@code statsReset}
 * @param conflicts              pg_stat_database.conflicts (recovery conflicts: on a standby only) since {@code statsReset}
 * @param statsReset             when this database's statistics were last reset (the cutover resets them), or null
 * @param cacheHitPct            blks_hit / (blks_hit + blks_read), in %, since {@code statsReset}
 * @param longRunning            sessions of this database with a statement active or a transaction open for longer
 *                               than {@code long-running}, oldest first, at most {@link Sampler#SESSIONS}
 * @param longRunningCount       how many in all
 * @param idleInTransaction      sessions of this database idle in a transaction open for longer than {@code long-running}
 * @param idleInTransactionCount how many in all
 * @param idleSessions           sessions of any database idle (or idle in transaction) for longer than
 *                               {@code idle-session-age} since their last state change: what the connections playbook
 *                               offers to end
 * @param idleSessionCount       how many in all
 * @param appHealth              the application's health URL probed once, null when none is configured
 * @param notes                  advice about the measurement itself (a login that sees too little, an absent extension)
 * @param alerts                 the checks against the thresholds ({@link SampleChecks}), in a fixed order, every key
 *                               always present
 */
public record Sample(Instant at, long sampleMillis, int queries, String database, String serverVersion,
                     boolean reachable, String error,
                     Map<String, Integer> connectionsByState, Integer connections, Integer maxConnections,
                     Integer usableConnections, Double connectionUsagePct, Integer hiddenSessions,
                     boolean statementsAvailable, String statementsNote, Long statementCalls,
                     Double avgQueryMs, Double maxQueryMs, List<QueryStat> topQueries,
                     Integer slowQueryCount, List<QueryStat> slowQueries,
                     Double deadTuplePct, List<TableStat> tables, Integer tableCount,
                     List<IndexStat> unusedIndexes, Integer unusedIndexCount,
                     Long deadlocks, Long conflicts, Instant statsReset, Double cacheHitPct,
                     List<Session> longRunning, Integer longRunningCount,
                     List<Session> idleInTransaction, Integer idleInTransactionCount,
                     List<Session> idleSessions, Integer idleSessionCount,
                     AppHealth appHealth, List<String> notes, List<Check> alerts) {

    public Sample {
        connectionsByState = connectionsByState == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(connectionsByState));
        topQueries = list(topQueries);
        slowQueries = list(slowQueries);
        tables = list(tables);
        unusedIndexes = list(unusedIndexes);
        longRunning = list(longRunning);
        idleInTransaction = list(idleInTransaction);
        idleSessions = list(idleSessions);
        notes = list(notes);
        alerts = list(alerts);
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : List.copyOf(l);
    }

    /** A statement of pg_stat_statements; the query text at most 200 characters ({@code <insufficient privilege>} when hidden). */
    public record QueryStat(Long queryId, String query, long calls, double meanMs, double maxMs, double totalMs) {
    }

    /** A user table's tuples and maintenance (pg_stat_user_tables); deadPct null when the table holds no tuple. */
    public record TableStat(String schema, String name, long liveTuples, long deadTuples, Double deadPct,
                            Instant lastVacuum, Instant lastAutovacuum, Instant lastAnalyze, Instant lastAutoanalyze,
                            long seqScan, Long idxScan) {
    }

    /** An index never scanned since the statistics reset; size as of its last VACUUM, ANALYZE or CREATE INDEX. */
    public record IndexStat(String schema, String table, String name, long sizeBytes) {
    }

    /** A client session; age in seconds as its list defines it; query at most 200 characters. */
    public record Session(int pid, String database, String user, String applicationName, String state,
                         double ageSeconds, String query) {
    }

    /** The application's health URL (shown with credentials removed) probed once: 2xx is ok. */
    public record AppHealth(String url, boolean ok, Integer status, String error, long millis) {
    }

    /**
     * One line of the checklist: what is checked, the measured value, the threshold it is held against, and whether it
     * passed. {@code key} is stable ({@link SampleChecks}); an {@code informative} check always passes and only shows.
     */
    public record Check(String key, String name, String value, String threshold, boolean passed, boolean informative) {
    }

    /** The checks against the thresholds (the same as {@link #alerts()}). */
    @JsonIgnore
    public List<Check> checks() {
        return alerts;
    }

    /** The checks that failed. */
    @JsonIgnore
    public List<Check> failedChecks() {
        return alerts.stream().filter(c -> !c.passed()).toList();
    }

    /** Whether every check passed. */
    @JsonIgnore
    public boolean allPassed() {
        return alerts.stream().allMatch(Check::passed);
    }

    /** The check of a key ({@link SampleChecks#CONNECTIONS} ...). */
    @JsonIgnore
    public Optional<Check> check(String key) {
        return alerts.stream().filter(c -> c.key().equals(key)).findFirst();
    }

    /** This sample with these checks. */
    public Sample withAlerts(List<Check> checks) {
        return new Sample(at, sampleMillis, queries, database, serverVersion, reachable, error, connectionsByState,
                connections, maxConnections, usableConnections, connectionUsagePct, hiddenSessions, statementsAvailable,
                statementsNote, statementCalls, avgQueryMs, maxQueryMs, topQueries, slowQueryCount, slowQueries,
                deadTuplePct, tables, tableCount, unusedIndexes, unusedIndexCount, deadlocks, conflicts, statsReset,
                cacheHitPct, longRunning, longRunningCount, idleInTransaction, idleInTransactionCount, idleSessions,
                idleSessionCount, appHealth, notes, checks);
    }

    /** A sample without figures: PostgreSQL could not be reached (or sampled), and why. */
    public static Sample failed(Instant at, long sampleMillis, int queries, String database, boolean reachable,
                                String error, AppHealth appHealth) {
        return new Sample(at, sampleMillis, queries, database, null, reachable, error, Map.of(), null, null, null, null,
                null, false, null, null, null, null, List.of(), null, List.of(), null, List.of(), null, List.of(), null,
                null, null, null, null, List.of(), null, List.of(), null, List.of(), null, appHealth, List.of(), List.of());
    }
}
