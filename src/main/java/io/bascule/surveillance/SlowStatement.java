package io.bascule.surveillance;

import java.util.List;
import java.util.Map;

/**
 * A statement of pg_stat_statements whose mean time is over the slow-query bound, and what its EXPLAIN showed.
 *
 * @param text    the statement as pg_stat_statements holds it (constants as {@code $1}), one line, shortened
 * @param explain whether its generic plan was read
 * @param note    why it was not explained, or what the plan shows in one line
 * @param plan    the plan's nodes, one line each (empty when not explained)
 */
public record SlowStatement(long queryId, String text, long calls, double meanMs, double maxMs, String user,
                            Explain explain, String note, List<String> plan) {

    public enum Explain { EXPLAINED, SKIPPED, FAILED }

    public SlowStatement {
        plan = List.copyOf(plan);
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = VariableText.map();
        m.put("queryId", queryId);
        m.put("text", VariableText.query(text, 500));
        m.put("calls", calls);
        m.put("meanMs", VariableText.round1(meanMs));
        m.put("maxMs", VariableText.round1(maxMs));
        VariableText.put(m, "user", user);
        m.put("explain", explain.name());
        VariableText.put(m, "note", note);
        return m;
    }
}
