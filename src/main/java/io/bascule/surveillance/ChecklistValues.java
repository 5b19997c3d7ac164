package io.bascule.surveillance;

import io.bascule.process.SurveillanceVariables;
import io.bascule.surveillance.Sample.Check;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sample as the checklist task shows it (form {@code surveillanceChecklist}): one task-local text variable per item
 * of the playbook, "value (threshold) ✅" (passed), "❌" (failed) or "❔" (not measured, with the reason), plus
 * {@code checklistMeasuredAt} and {@code checklistAllPassed}.
 */
public final class ChecklistValues {

    public static final String PASSED = "✅";
    public static final String FAILED = "❌";
    public static final String NOT_MEASURED = "❔";

    /** The variable of each check of {@link SampleChecks}, in the form's order. */
    public static final Map<String, String> VARIABLE_OF_CHECK = orderedMap(
            SampleChecks.CONNECTIONS, SurveillanceVariables.CHECK_CONNECTIONS,
            SampleChecks.AVG_QUERY, SurveillanceVariables.CHECK_MEAN_QUERY,
            SampleChecks.DEAD_TUPLES, SurveillanceVariables.CHECK_DEAD_TUPLES,
            SampleChecks.INDEXES_USED, SurveillanceVariables.CHECK_INDEXES_USED,
            SampleChecks.SLOW_QUERIES, SurveillanceVariables.CHECK_SLOW_QUERIES,
            SampleChecks.DEADLOCKS, SurveillanceVariables.CHECK_DEADLOCKS,
            SampleChecks.APP_HEALTH, SurveillanceVariables.CHECK_APP_HEALTHY);

    private ChecklistValues() {
    }

    /** The checklist's variables for a sample. PostgreSQL unreachable: its items are ❔ with the reason. */
    public static Map<String, Object> of(Sample s) {
        Map<String, Object> v = new LinkedHashMap<>();
        boolean measured = s.reachable() && s.error() == null;
        String reason = measured ? null : (s.reachable() ? "sampling PostgreSQL failed: " : "PostgreSQL unreachable: ") + s.error();
        for (Map.Entry<String, String> e : VARIABLE_OF_CHECK.entrySet()) {
            Check c = s.check(e.getKey()).orElse(null);
            if (c == null || (!measured && !e.getKey().equals(SampleChecks.APP_HEALTH))) {
                v.put(e.getValue(), notMeasuredLine(c == null ? "not sampled" : reason));
            } else {
                v.put(e.getValue(), line(c));
            }
        }
        v.put(SurveillanceVariables.CHECKLIST_MEASURED_AT, time(s.at()));
        v.put(SurveillanceVariables.CHECKLIST_ALL_PASSED, measured && s.allPassed());
        return v;
    }

    /** Every item "not measured: reason ❔" (the measurement itself failed), all passed false. */
    public static Map<String, Object> notMeasured(String reason, Instant at) {
        Map<String, Object> v = new LinkedHashMap<>();
        for (String variable : VARIABLE_OF_CHECK.values()) {
            v.put(variable, notMeasuredLine(reason));
        }
        v.put(SurveillanceVariables.CHECKLIST_MEASURED_AT, time(at));
        v.put(SurveillanceVariables.CHECKLIST_ALL_PASSED, false);
        return v;
    }

    /** "value (threshold) ✅", ❌ when failed, ❔ when the value says it was not measured. */
    public static String line(Check c) {
        String mark = c.value() != null && c.value().startsWith("not measured") ? NOT_MEASURED : c.passed() ? PASSED : FAILED;
        return c.value() + " (" + c.threshold() + ") " + mark;
    }

    /** The check as one line with its name first, the mark first: "✅ Connections: value (threshold)". */
    public static String named(Check c) {
        String l = line(c);
        String mark = l.substring(l.lastIndexOf(' ') + 1);
        return mark + " " + c.name() + ": " + l.substring(0, l.lastIndexOf(' '));
    }

    /** Every check of a sample, one named line each. */
    public static List<String> lines(Sample s) {
        return s.checks().stream().map(ChecklistValues::named).toList();
    }

    private static String notMeasuredLine(String reason) {
        return "not measured: " + (reason == null || reason.isBlank() ? "unknown reason" : oneLine(reason)) + " " + NOT_MEASURED;
    }

    private static String oneLine(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() <= 300 ? one : one.substring(0, 297) + "...";
    }

    static String time(Instant at) {
        return (at == null ? Instant.now() : at).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static Map<String, String> orderedMap(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
