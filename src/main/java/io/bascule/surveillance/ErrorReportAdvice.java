package io.bascule.surveillance;

import java.util.List;
import java.util.Map;

import static io.bascule.surveillance.EmergencyVariables.*;

/**
 * The advice on errors users report: over the impact bound a rollback comes first; under it, analyse with a snapshot of
 * what PostgreSQL can tell (it counts no errors per application: transactions rolled back, deadlocks, recovery
 * conflicts, sessions ended by errors, and the slow statements).
 *
 * @param thresholdPct   bascule.surveillance.rollback-first-impact-pct
 * @param counters       pg_stat_database's counters of the target database since {@code statsSince} (ANALYSE only):
 *                       commits, rollbacks, deadlocks, conflicts and, from PostgreSQL 14, sessionsFatal,
 *                       sessionsKilled, sessionsAbandoned
 * @param rollbacksInWindow transactions rolled back while the advice measured (ANALYSE only), or null
 * @param statsSince     when the counters started (pg_stat_database.stats_reset), or null (the server's start)
 */
public record ErrorReportAdvice(String scope, double impactPct, double thresholdPct, Advice advice,
                                Map<String, Long> counters, Long rollbacksInWindow, String statsSince,
                                List<SlowStatement> slowStatements, List<String> lines) {

    public enum Advice { ROLLBACK_FIRST, ANALYSE }

    public ErrorReportAdvice {
        counters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(counters));
        slowStatements = List.copyOf(slowStatements);
        lines = List.copyOf(lines);
    }

    /** The process variables ({@link EmergencyVariables}, {@code userErrors*}). */
    public Map<String, Object> variables() {
        Map<String, Object> v = VariableText.map();
        v.put(USER_ERRORS_SCOPE, VariableText.capped(scope));
        v.put(USER_ERRORS_IMPACT_PCT, impactPct);
        v.put(USER_ERRORS_ADVICE, advice.name());
        v.put(USER_ERRORS_ROLLBACK_FIRST, advice == Advice.ROLLBACK_FIRST);
        VariableText.put(v, USER_ERRORS_COMMITS, counters.get("commits"));
        VariableText.put(v, USER_ERRORS_ROLLBACKS, counters.get("rollbacks"));
        VariableText.put(v, USER_ERRORS_ROLLBACKS_IN_WINDOW, rollbacksInWindow);
        VariableText.put(v, USER_ERRORS_DEADLOCKS, counters.get("deadlocks"));
        VariableText.put(v, USER_ERRORS_CONFLICTS, counters.get("conflicts"));
        if (advice == Advice.ANALYSE) {
            v.put(USER_ERRORS_SLOW_QUERY_COUNT, slowStatements.size());
        }
        v.put(USER_ERRORS_REPORT, VariableText.lines(lines));
        return v;
    }
}
