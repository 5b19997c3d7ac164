package io.bascule.surveillance;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.bascule.surveillance.EmergencyVariables.*;

/**
 * What an approved action on a table did ({@code vacuumAnalyze}, {@code createIndex}): whether it succeeded, what it
 * measured, the console lines. A failed action changed nothing it could not undo (an index a failed build left invalid
 * is dropped again).
 *
 * @param action     {@code vacuumAnalyze} or {@code createIndex}
 * @param target     {@code schema.table} or {@code schema.index}
 * @param details    measured values, as simple values: {@code deadTuplesBefore}, {@code deadTuplesAfter} (vacuum);
 *                   {@code indexBytes}, {@code indexSize}, {@code planUsesIndex} (index)
 * @param recordedIn the actions file it was recorded in, or null when it could not be written (a line says why)
 */
public record ActionResult(String action, String target, boolean succeeded, String decidedBy, Instant at,
                           Map<String, Object> details, List<String> lines, String recordedIn) {

    public ActionResult {
        details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
        lines = List.copyOf(lines);
    }

    /** The process variables ({@link EmergencyVariables}, {@code action*}). */
    public Map<String, Object> variables() {
        Map<String, Object> v = VariableText.map();
        v.put(ACTION_NAME, action);
        v.put(ACTION_TARGET, target);
        v.put(ACTION_SUCCEEDED, succeeded);
        v.put(ACTION_DECIDED_BY, decidedBy);
        v.put(ACTION_AT, at.toString());
        VariableText.put(v, ACTION_DEAD_TUPLES_BEFORE, details.get("deadTuplesBefore"));
        VariableText.put(v, ACTION_DEAD_TUPLES_AFTER, details.get("deadTuplesAfter"));
        VariableText.put(v, ACTION_INDEX_BYTES, details.get("indexBytes"));
        VariableText.put(v, ACTION_INDEX_SIZE, details.get("indexSize"));
        VariableText.put(v, ACTION_PLAN_USES_INDEX, details.get("planUsesIndex"));
        v.put(ACTION_REPORT, VariableText.lines(lines));
        return v;
    }
}
