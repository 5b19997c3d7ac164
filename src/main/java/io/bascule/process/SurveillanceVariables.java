package io.bascule.process;

/**
 * Names of the variables of the process {@code surveillance} (the model's documentation says who sets each). Shared
 * names stay in {@link ProcessVariables}: {@code startedAt}, {@code dryRun}, {@code reason}, {@code decidedBy},
 * {@code failureReason}, {@code rollbackOutcome}, {@code rollbackMessage}, the outcome variables.
 */
public final class SurveillanceVariables {

    // ---- the run (start form, starter, start listeners)
    /** The cutover this surveillance follows (optional, given by the starter). */
    public static final String CUTOVER_ID = "cutoverId";
    /** The run's checklist offsets, ISO-8601 durations joined by commas ("PT15M,PT30M,PT45M,PT1H"; start listener). */
    public static final String CHECKLIST_OFFSETS = "checklistOffsets";
    /** The run's stakeholder update interval, ISO-8601 ("PT15M"; start listener). */
    public static final String UPDATE_INTERVAL = "updateInterval";
    /** What "Open surveillance" measured first (text; openSurveillanceDelegate). */
    public static final String SURVEILLANCE_BASELINE = "surveillanceBaseline";
    /** One line on the hour watched, the message of "H+1 validation complete" (sendH1ValidationDelegate). */
    public static final String SURVEILLANCE_SUMMARY = "surveillanceSummary";

    // ---- each checklist (local to its instance of the multi-instance "Checklists")
    /** The checklist's offset, ISO-8601 (the multi-instance's element). */
    public static final String CHECKLIST_OFFSET = "checklistOffset";
    /** "T+15". */
    public static final String CHECKLIST_LABEL = "checklistLabel";
    /** When it falls due, ISO-8601 UTC (startedAt + offset). */
    public static final String CHECKLIST_DUE_AT = "checklistDueAt";
    /** The DBA's answer: true "all good", false "problem" (form surveillanceChecklist). */
    public static final String CHECKLIST_CONFIRMED = "checklistConfirmed";
    public static final String CHECKLIST_NOTE = "checklistNote";

    // ---- set on the checklist task (task-local) by prefillChecklistListener, shown read-only by its form: each one
    // line with the measured value, the threshold and ✅ or ❌ (❔ when it could not be measured)
    public static final String CHECK_CONNECTIONS = "checkConnections";
    public static final String CHECK_MEAN_QUERY = "checkMeanQuery";
    public static final String CHECK_DEAD_TUPLES = "checkDeadTuples";
    public static final String CHECK_INDEXES_USED = "checkIndexesUsed";
    public static final String CHECK_SLOW_QUERIES = "checkSlowQueries";
    public static final String CHECK_DEADLOCKS = "checkDeadlocks";
    public static final String CHECK_APP_HEALTHY = "checkAppHealthy";
    /** When the values were measured (ISO-8601 UTC). */
    public static final String CHECKLIST_MEASURED_AT = "checklistMeasuredAt";
    /** true when every item passed its threshold. */
    public static final String CHECKLIST_ALL_PASSED = "checklistAllPassed";

    // ---- a person raising a playbook (local to the report, or to the flagged checklist)
    /** What to raise: a Playbooks.KIND_* value. */
    public static final String INCIDENT_KIND = "incidentKind";
    public static final String DESCRIPTION = "description";
    public static final String SCOPE = "scope";
    /** Users' estimated impact in % (0-100): local to the report, then the process variable the user-errors playbook reads. */
    public static final String IMPACT_PCT = "impactPct";
    /** "reported by alice" / "checklist T+30 flagged by alice" (set when the task completes). */
    public static final String RAISED_FROM = "raisedFrom";

    // ---- the playbooks (process variables unless said local)
    /** What raised each playbook (the message's trigger, or who reported it and their description). */
    public static final String BACKEND_DOWN_TRIGGER = "backendDownTrigger";
    public static final String SLOW_QUERIES_TRIGGER = "slowQueriesTrigger";
    public static final String CONNECTIONS_EXHAUSTED_TRIGGER = "connectionsExhaustedTrigger";
    public static final String USER_ERRORS_TRIGGER = "userErrorsTrigger";
    /** true while that playbook is open: a second raise meanwhile ends at "Already in hand". */
    public static final String BACKEND_DOWN_OPEN = "backendDownOpen";
    public static final String SLOW_QUERIES_OPEN = "slowQueriesOpen";
    public static final String CONNECTIONS_EXHAUSTED_OPEN = "connectionsExhaustedOpen";
    public static final String USER_ERRORS_OPEN = "userErrorsOpen";
    /** Backend down: the diagnosis shown to the DBA (text; diagnoseBackendDelegate). */
    public static final String BACKEND_DIAGNOSIS = "backendDiagnosis";
    /** "yes" or "no" (local to the playbook; forms surveillanceBackendDown, surveillanceUserErrorsRollback). */
    public static final String ROLLBACK_DECISION = "rollbackDecision";
    /** Slow queries: the diagnosis (text) and the proposals, one per line numbered from 1 (diagnoseSlowQueriesDelegate). */
    public static final String SLOW_QUERY_DIAGNOSIS = "slowQueryDiagnosis";
    public static final String SLOW_QUERY_PROPOSALS = "slowQueryProposals";
    /** none / vacuumAnalyze / createIndex (local; form surveillanceSlowQueries). */
    public static final String SLOW_QUERY_ACTION = "slowQueryAction";
    /** The number of the approved proposal (local; form surveillanceSlowQueries). */
    public static final String SLOW_QUERY_PROPOSAL = "slowQueryProposal";
    /** What the fix did (text; applySlowQueryFixDelegate). */
    public static final String SLOW_QUERY_FIX_RESULT = "slowQueryFixResult";
    /** Connections exhausted: the idle sessions offered, one per line with their pid (listIdleSessionsDelegate). */
    public static final String IDLE_SESSIONS = "idleSessions";
    /** true: end them (local; form surveillanceConnections). */
    public static final String END_SESSIONS = "endSessions";
    /** Optional: only these pids, comma-separated (local; form surveillanceConnections). */
    public static final String APPROVED_PIDS = "approvedPids";
    /** Which sessions were ended (text; endIdleSessionsDelegate). */
    public static final String ENDED_SESSIONS = "endedSessions";
    /** Users report errors: scope, description (and impactPct), form surveillanceUserErrors. */
    public static final String USER_ERRORS_SCOPE = "userErrorsScope";
    public static final String USER_ERRORS_DESCRIPTION = "userErrorsDescription";
    /** ROLLBACK_FIRST or ANALYSE (adviseOnUserErrorsDelegate). */
    public static final String USER_ERRORS_ADVICE = "userErrorsAdvice";
    /** analyse or rollback (local; form surveillanceUserErrorsDecision). */
    public static final String USER_ERRORS_DECISION = "userErrorsDecision";

    // ---- the rollback path (mapped into the called process rollback as reason and decidedBy)
    public static final String ROLLBACK_REASON = "rollbackReason";
    public static final String ROLLBACK_DECIDED_BY = "rollbackDecidedBy";

    // ---- set by the surveillance's delegates (issue 12 part E: io.bascule.surveillance.delegate)
    /** When "Open surveillance" took its first sample (ISO-8601 UTC). */
    public static final String SURVEILLANCE_OPENED_AT = "surveillanceOpenedAt";
    /** When "Close surveillance" ran (ISO-8601 UTC): the playbook triggers leave a closed run alone. */
    public static final String SURVEILLANCE_CLOSED_AT = "surveillanceClosedAt";
    /** What closing did to the sampling (one line). */
    public static final String SURVEILLANCE_CLOSED = "surveillanceClosed";
    /** The last stakeholder update e-mail: where it went (one line) and when. */
    public static final String STAKEHOLDER_UPDATE = "stakeholderUpdate";
    public static final String STAKEHOLDER_UPDATE_AT = "stakeholderUpdateAt";
    /** The H+1 validation e-mail: where it went (one line). */
    public static final String H1_MAIL = "h1Mail";

    private SurveillanceVariables() {
    }
}
