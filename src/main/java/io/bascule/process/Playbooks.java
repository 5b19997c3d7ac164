package io.bascule.process;

import java.util.List;
import java.util.Map;

/**
 * The emergency playbooks of the surveillance (process {@code surveillance}): the messages that raise them, the kinds
 * a person picks in Tasklist, and the values of their decisions. A threshold raises a playbook by correlating its
 * message to the running surveillance ({@code runtimeService.createMessageCorrelation(name).processInstanceId(id)});
 * the message may carry {@link #TRIGGER} (one line: what was seen), and {@link #MESSAGE_ROLLBACK_REQUESTED} carries
 * {@code reason} and {@code decidedBy}. A playbook already open is not opened twice (see the model's documentation).
 */
public final class Playbooks {

    /** Backend down (the application's health URL failing): diagnosis, then a DBA decides whether to roll back. */
    public static final String MESSAGE_BACKEND_DOWN = "surveillanceBackendDown";
    /** Slow queries: diagnosis and proposals, then a DBA approves VACUUM ANALYZE, an index, or nothing. */
    public static final String MESSAGE_SLOW_QUERIES = "surveillanceSlowQueries";
    /** Connections exhausted: idle sessions listed, then a DBA approves ending them. */
    public static final String MESSAGE_CONNECTIONS_EXHAUSTED = "surveillanceConnectionsExhausted";
    /** Users report errors: scope and impact, advice, then analyse or roll back. */
    public static final String MESSAGE_USER_ERRORS = "surveillanceUserErrors";
    /** A rollback decided (one click, one command): ends the surveillance and calls the process rollback. */
    public static final String MESSAGE_ROLLBACK_REQUESTED = "surveillanceRollbackRequested";
    /**
     * Sent by a rollback started on its own (not by the surveillance) once it has rolled back: the surveillance ends,
     * nothing is left to watch. Variables {@code reason} and {@code rollbackId}.
     */
    public static final String MESSAGE_ROLLED_BACK_ELSEWHERE = "surveillanceRolledBackElsewhere";

    public static final List<String> MESSAGES = List.of(MESSAGE_BACKEND_DOWN, MESSAGE_SLOW_QUERIES,
            MESSAGE_CONNECTIONS_EXHAUSTED, MESSAGE_USER_ERRORS, MESSAGE_ROLLBACK_REQUESTED);

    /** Optional variable of a playbook's message: what raised it (one line, e.g. "3 failed health probes in a row"). */
    public static final String TRIGGER = "trigger";

    // ---- values of incidentKind (the forms "Report an incident" and the flagged checklist's "Choose a playbook")
    public static final String KIND_BACKEND_DOWN = "backendDown";
    public static final String KIND_SLOW_QUERIES = "slowQueries";
    public static final String KIND_CONNECTIONS_EXHAUSTED = "connectionsExhausted";
    public static final String KIND_USER_ERRORS = "userErrors";
    public static final String KIND_ROLLBACK = "rollback";
    /** Only for a flagged checklist: the problem is noted, no playbook raised. */
    public static final String KIND_NONE = "none";

    /** The message of each kind (a person's report raises the same playbook as the message). */
    public static final Map<String, String> MESSAGE_OF_KIND = Map.of(KIND_BACKEND_DOWN, MESSAGE_BACKEND_DOWN,
            KIND_SLOW_QUERIES, MESSAGE_SLOW_QUERIES, KIND_CONNECTIONS_EXHAUSTED, MESSAGE_CONNECTIONS_EXHAUSTED,
            KIND_USER_ERRORS, MESSAGE_USER_ERRORS, KIND_ROLLBACK, MESSAGE_ROLLBACK_REQUESTED);

    // ---- values of the decisions
    /** rollbackDecision (backend down; users' errors over the threshold). */
    public static final String DECISION_YES = "yes";
    public static final String DECISION_NO = "no";
    /** userErrorsAdvice, set by adviseOnUserErrorsDelegate: impact over bascule.surveillance.rollback-first-impact-pct or not. */
    public static final String ADVICE_ROLLBACK_FIRST = "ROLLBACK_FIRST";
    public static final String ADVICE_ANALYSE = "ANALYSE";
    /** userErrorsDecision (users' errors under the threshold). */
    public static final String USER_ERRORS_ANALYSE = "analyse";
    public static final String USER_ERRORS_ROLLBACK = "rollback";
    /** slowQueryAction. */
    public static final String SLOW_QUERY_NONE = "none";
    public static final String SLOW_QUERY_VACUUM_ANALYZE = "vacuumAnalyze";
    public static final String SLOW_QUERY_CREATE_INDEX = "createIndex";

    private Playbooks() {
    }
}
