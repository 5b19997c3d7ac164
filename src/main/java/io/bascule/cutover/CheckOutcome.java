package io.bascule.cutover;

import java.util.List;
import java.util.Map;

/**
 * One check of the cutover as the CLI, the report and the process variables show it: its name, whether it passed,
 * the measured time, what was seen and what was expected, and one line per problem.
 *
 * @param millis     the measured time of the check's own work (a business check: its query and the fetch of its rows)
 * @param rows       the rows a business check's query returned, or null
 * @param seen       the first row of the query on PostgreSQL, column → value as PostgreSQL prints it (NULL: null)
 * @param expected   the expectations ({@code expect} columns, {@code rows}, {@code max-duration}, {@code index})
 * @param sourceSeen the first row of the source-sql on MySQL, when it ran
 * @param failures   what failed, one line each, naming the column, table or setting
 * @param notes      what a reader should know although it passed (e.g. how an index was found)
 */
public record CheckOutcome(String name, boolean passed, long millis, Long rows, Map<String, String> seen,
                           Map<String, String> expected, Map<String, String> sourceSeen, List<String> failures,
                           List<String> notes) {

    public CheckOutcome {
        seen = seen == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(seen));
        expected = expected == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(expected));
        sourceSeen = sourceSeen == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(sourceSeen));
        failures = List.copyOf(failures);
        notes = List.copyOf(notes);
        if (passed != failures.isEmpty()) {
            throw new IllegalArgumentException("a check passes exactly when nothing failed");
        }
    }

    /** {@code ✅ name 12 ms} (and its notes), or {@code ❌ name: what failed; what else failed}. */
    public String line() {
        if (passed) {
            return "✅ " + name + " " + millis + " ms" + (notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")");
        }
        return "❌ " + name + ": " + String.join("; ", failures);
    }
}
