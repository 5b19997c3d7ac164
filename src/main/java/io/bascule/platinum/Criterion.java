package io.bascule.platinum;

import java.util.List;

/**
 * One of the six PLATINUM criteria as measured: whether it passed, the measured value and the threshold (texts with
 * their units), the lines behind it (worst tables, unused indexes with their size, slow statements, rows changed by
 * table...) and what to do when it failed (VACUUM, an index, a query). A criterion that could not be measured (no
 * cutover history, no source connection, no privilege) does not pass and says in {@code details} what was missing.
 *
 * @param name      one of {@link #NAMES}
 * @param advice    empty when it passed
 */
public record Criterion(String name, boolean passed, String value, String threshold, List<String> details,
                        List<String> advice) {

    /** The GOLD-certified data intact: amcheck, and a re-verification against MySQL. */
    public static final String INTEGRITY = "integrity";
    /** PostgreSQL up long enough, without restart since the cutover. */
    public static final String UPTIME = "uptime";
    /** No statement with a mean or max time over the threshold since the cutover. */
    public static final String SLOW_QUERIES = "slowQueries";
    /** Every index of the migrated tables scanned at least once. */
    public static final String INDEXES_USED = "indexesUsed";
    /** Dead tuples under the threshold on every table. */
    public static final String DEAD_TUPLES = "deadTuples";
    /** No deadlock, no conflict, no incident in the cutover and surveillance runs. */
    public static final String INCIDENTS = "incidents";

    /** The six names, in the report's order. */
    public static final List<String> NAMES = List.of(INTEGRITY, UPTIME, SLOW_QUERIES, INDEXES_USED, DEAD_TUPLES, INCIDENTS);

    public Criterion {
        details = details == null ? List.of() : List.copyOf(details);
        advice = advice == null ? List.of() : List.copyOf(advice);
    }

    /** What the criterion checks, in one line for the reports. */
    public static String title(String name) {
        return switch (name) {
            case INTEGRITY -> "GOLD-certified data intact (amcheck, re-verification against MySQL)";
            case UPTIME -> "PostgreSQL up without restart since the cutover";
            case SLOW_QUERIES -> "No critical slow query since the cutover";
            case INDEXES_USED -> "Indexes of the migrated tables used";
            case DEAD_TUPLES -> "Dead tuples under the threshold on every table";
            case INCIDENTS -> "No major incident (deadlocks, conflicts, runbook incidents)";
            default -> name;
        };
    }
}
