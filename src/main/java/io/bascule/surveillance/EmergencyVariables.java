package io.bascule.surveillance;

/**
 * The process variables the results of {@link EmergencyActions} offer ({@code variables()} of each result): one
 * prefix per playbook, so that an event subprocess's variables never overwrite the sampling's or another playbook's.
 * Values are strings, numbers and booleans; lists are JSON text; a value that is not known is left out.
 */
public final class EmergencyVariables {

    private EmergencyVariables() {
    }

    // ---- connections exhausted: listIdleSessions
    /** Integer: idle sessions over the bound. */
    public static final String IDLE_SESSION_COUNT = "idleSessionCount";
    /** JSON array of the listed pids ({@code [123,456]}), the form's default choice. */
    public static final String IDLE_SESSION_PIDS = "idleSessionPids";
    /** JSON array of {pid, user, applicationName, clientAddr, state, since, ageSeconds, lastQuery}. */
    public static final String IDLE_SESSIONS_JSON = "idleSessionsJson";
    /** Long: the bound in seconds (bascule.surveillance.idle-session-age). */
    public static final String IDLE_SESSION_AGE_SECONDS = "idleSessionAgeSeconds";
    /** Integer: client sessions on the server, and of them on the target database. */
    public static final String IDLE_CONNECTIONS_IN_USE = "idleConnectionsInUse";
    public static final String IDLE_CONNECTIONS_OF_DATABASE = "idleConnectionsOfDatabase";
    /** Integer: max_connections. */
    public static final String IDLE_MAX_CONNECTIONS = "idleMaxConnections";
    /** Double: client sessions over max_connections, in %. */
    public static final String IDLE_CONNECTION_USAGE_PCT = "idleConnectionUsagePct";
    /** Text: the console lines. */
    public static final String IDLE_SESSIONS_REPORT = "idleSessionsReport";

    // ---- connections exhausted: endSessions
    /** JSON array of the pids ended. */
    public static final String ENDED_SESSION_PIDS = "endedSessionPids";
    public static final String ENDED_SESSION_COUNT = "endedSessionCount";
    /** JSON array of {pid, reason}. */
    public static final String SKIPPED_SESSIONS_JSON = "skippedSessionsJson";
    public static final String SKIPPED_SESSION_COUNT = "skippedSessionCount";
    public static final String END_SESSIONS_DECIDED_BY = "endSessionsDecidedBy";
    /** ISO-8601 instant. */
    public static final String END_SESSIONS_AT = "endSessionsAt";
    public static final String END_SESSIONS_REPORT = "endSessionsReport";

    // ---- slow queries: diagnoseSlowQueries
    /** Boolean: pg_stat_statements installed and collecting in the target database. */
    public static final String SLOW_QUERY_STATS_AVAILABLE = "slowQueryStatsAvailable";
    /** Double: the bound in ms (bascule.surveillance.slow-query). */
    public static final String SLOW_QUERY_THRESHOLD_MS = "slowQueryThresholdMs";
    public static final String SLOW_QUERY_COUNT = "slowQueryCount";
    /** JSON array of {queryId, text, calls, meanMs, maxMs, user, explain, note}. */
    public static final String SLOW_QUERIES_JSON = "slowQueriesJson";
    /** JSON array of index proposals ({@link IndexProposal}: id, schema, table, columns, name, queryId, estimatedRows, reason, sql). */
    public static final String INDEX_PROPOSALS_JSON = "indexProposalsJson";
    public static final String INDEX_PROPOSAL_COUNT = "indexProposalCount";
    /** JSON array of vacuum proposals ({@link VacuumProposal}: id, schema, table, reasons, ..., sql). */
    public static final String VACUUM_PROPOSALS_JSON = "vacuumProposalsJson";
    public static final String VACUUM_PROPOSAL_COUNT = "vacuumProposalCount";
    public static final String SLOW_QUERY_REPORT = "slowQueryReport";

    // ---- slow queries: vacuumAnalyze, createIndexConcurrently
    /** {@code vacuumAnalyze} or {@code createIndex}. */
    public static final String ACTION_NAME = "actionName";
    /** The table or index acted on ({@code schema.table}, {@code schema.index}). */
    public static final String ACTION_TARGET = "actionTarget";
    public static final String ACTION_SUCCEEDED = "actionSucceeded";
    public static final String ACTION_DECIDED_BY = "actionDecidedBy";
    /** ISO-8601 instant. */
    public static final String ACTION_AT = "actionAt";
    public static final String ACTION_REPORT = "actionReport";
    /** Long: dead tuples of the table before and after the vacuum. */
    public static final String ACTION_DEAD_TUPLES_BEFORE = "actionDeadTuplesBefore";
    public static final String ACTION_DEAD_TUPLES_AFTER = "actionDeadTuplesAfter";
    /** Long: the new index's size in bytes; text: as PostgreSQL prints it. */
    public static final String ACTION_INDEX_BYTES = "actionIndexBytes";
    public static final String ACTION_INDEX_SIZE = "actionIndexSize";
    /** Boolean: the diagnosed statement's plan uses the new index (present when the statement could be explained). */
    public static final String ACTION_PLAN_USES_INDEX = "actionPlanUsesIndex";

    // ---- backend down: diagnoseBackend
    public static final String BACKEND_ENV_FILE = "backendEnvFile";
    public static final String BACKEND_ENV_KEY = "backendEnvKey";
    public static final String BACKEND_ENV_KEY_PRESENT = "backendEnvKeyPresent";
    /** The URL the key holds, redacted (no password). */
    public static final String BACKEND_URL = "backendUrl";
    /** {@code postgresql} or {@code mysql}. */
    public static final String BACKEND_ENGINE = "backendEngine";
    public static final String BACKEND_POINTS_TO_TARGET = "backendPointsToTarget";
    /** Boolean: a direct connection with the URL's login answered. */
    public static final String BACKEND_POSTGRES_ANSWERS = "backendPostgresAnswers";
    public static final String BACKEND_CONNECT_MILLIS = "backendConnectMillis";
    public static final String BACKEND_HEALTH_PROBES = "backendHealthProbes";
    public static final String BACKEND_HEALTHY_PROBES = "backendHealthyProbes";
    /** JSON array of {probe, httpStatus, millis, error}. */
    public static final String BACKEND_HEALTH_JSON = "backendHealthJson";
    /** Boolean: the diagnosis points at PostgreSQL (the application's login does not get an answer there). */
    public static final String BACKEND_ROLLBACK_SUGGESTED = "backendRollbackSuggested";
    public static final String BACKEND_REPORT = "backendReport";

    // ---- users report errors: adviseOnUserErrors
    public static final String USER_ERRORS_SCOPE = "userErrorsScope";
    public static final String USER_ERRORS_IMPACT_PCT = "userErrorsImpactPct";
    /** {@code ROLLBACK_FIRST} or {@code ANALYSE}. */
    public static final String USER_ERRORS_ADVICE = "userErrorsAdvice";
    public static final String USER_ERRORS_ROLLBACK_FIRST = "userErrorsRollbackFirst";
    /** Long: pg_stat_database counters since its stats_reset (or the server's start). */
    public static final String USER_ERRORS_COMMITS = "userErrorsCommits";
    public static final String USER_ERRORS_ROLLBACKS = "userErrorsRollbacks";
    /** Long: transactions rolled back during the measuring window of the advice. */
    public static final String USER_ERRORS_ROLLBACKS_IN_WINDOW = "userErrorsRollbacksInWindow";
    public static final String USER_ERRORS_DEADLOCKS = "userErrorsDeadlocks";
    public static final String USER_ERRORS_CONFLICTS = "userErrorsConflicts";
    public static final String USER_ERRORS_SLOW_QUERY_COUNT = "userErrorsSlowQueryCount";
    public static final String USER_ERRORS_REPORT = "userErrorsReport";
}
