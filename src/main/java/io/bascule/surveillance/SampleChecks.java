package io.bascule.surveillance;

import io.bascule.config.BasculeProperties;
import io.bascule.surveillance.Sample.Check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The playbook's checks of one sample against {@code bascule.surveillance.*}: the lines the checklists, the live page
 * and {@code monitor} show, always these keys in this order. "Above which the check fails" thresholds pass at the
 * threshold itself.
 * <ul>
 * <li>{@link #REACHABLE}: PostgreSQL answered and was sampled</li>
 * <li>{@link #CONNECTIONS}: connection usage at most {@code max-connection-usage-pct} of the usable slots</li>
 * <li>{@link #AVG_QUERY}: mean statement time at most {@code max-avg-query-ms} (fails when pg_stat_statements is
 * unavailable: not measured is not passed; no statement counted yet passes)</li>
 * <li>{@link #SLOW_QUERIES}: no statement with a mean over {@code slow-query} (fails likewise when not measured)</li>
 * <li>{@link #DEAD_TUPLES}: the worst table's dead tuples at most {@code max-dead-tuple-pct}</li>
 * <li>{@link #INDEXES_USED}: informative, never fails: the indexes never scanned since the statistics reset are listed.
 * Right after the cutover's reset every index starts at zero scans, and an index serving a monthly job stays unused
 * for weeks: a failure here would be noise; dropping an index is a decision for later (the PLATINUM report)</li>
 * <li>{@link #DEADLOCKS}: no deadlock since the statistics reset</li>
 * <li>{@link #APP_HEALTH}: the application's health URL answered 2xx (informative when none is configured)</li>
 * </ul>
 */
public final class SampleChecks {

    public static final String REACHABLE = "reachable";
    public static final String CONNECTIONS = "connections";
    public static final String AVG_QUERY = "avgQuery";
    public static final String SLOW_QUERIES = "slowQueries";
    public static final String DEAD_TUPLES = "deadTuples";
    public static final String INDEXES_USED = "indexesUsed";
    public static final String DEADLOCKS = "deadlocks";
    public static final String APP_HEALTH = "appHealth";
    /** Every key, in the order of a sample's checks. */
    public static final List<String> KEYS = List.of(REACHABLE, CONNECTIONS, AVG_QUERY, SLOW_QUERIES, DEAD_TUPLES,
            INDEXES_USED, DEADLOCKS, APP_HEALTH);

    private SampleChecks() {
    }

    /** The checks of a sample (its own {@code alerts} are not read). */
    public static List<Check> evaluate(Sample s, BasculeProperties.Surveillance t) {
        List<Check> checks = new ArrayList<>();
        boolean measured = s.reachable() && s.error() == null;
        String notMeasured = s.reachable() ? "not measured (sampling failed)" : "not measured (PostgreSQL unreachable)";

        checks.add(measured
                ? new Check(REACHABLE, "PostgreSQL reachable", "PostgreSQL " + s.serverVersion() + ", database " + s.database(),
                "answers", true, false)
                : new Check(REACHABLE, "PostgreSQL reachable", (s.reachable() ? "sampling failed: " : "PostgreSQL unreachable: ")
                + s.error(), "answers", false, false));

        String connThreshold = "at most " + number(t.maxConnectionUsagePct()) + " % of the usable connections";
        if (s.connectionUsagePct() == null) {
            checks.add(new Check(CONNECTIONS, "Connections", notMeasured, connThreshold, false, false));
        } else {
            checks.add(new Check(CONNECTIONS, "Connections", s.connections() + " of " + s.usableConnections() + " usable ("
                    + pct(s.connectionUsagePct()) + "; max_connections " + s.maxConnections() + ")", connThreshold,
                    s.connectionUsagePct() <= t.maxConnectionUsagePct(), false));
        }

        String avgThreshold = "at most " + number(t.maxAvgQueryMs()) + " ms";
        String slowThreshold = "none with a mean over " + millis(t.slowQuery());
        if (!measured) {
            checks.add(new Check(AVG_QUERY, "Mean query time", notMeasured, avgThreshold, false, false));
            checks.add(new Check(SLOW_QUERIES, "Slow queries", notMeasured, slowThreshold, false, false));
        } else if (!s.statementsAvailable()) {
            checks.add(new Check(AVG_QUERY, "Mean query time", "not measured: " + s.statementsNote(), avgThreshold, false, false));
            checks.add(new Check(SLOW_QUERIES, "Slow queries", "not measured: pg_stat_statements unavailable",
                    slowThreshold, false, false));
        } else {
            if (s.avgQueryMs() == null) {
                checks.add(new Check(AVG_QUERY, "Mean query time", "no statement counted yet", avgThreshold, true, false));
            } else {
                checks.add(new Check(AVG_QUERY, "Mean query time", ms(s.avgQueryMs()) + " over " + s.statementCalls()
                        + " calls (max " + ms(s.maxQueryMs()) + ")", avgThreshold, s.avgQueryMs() <= t.maxAvgQueryMs(), false));
            }
            int slow = s.slowQueryCount() == null ? 0 : s.slowQueryCount();
            String value = slow == 0 ? "none" : slow + (slow == 1 ? " statement" : " statements") + ", slowest: "
                    + ms(s.slowQueries().get(0).meanMs()) + " mean, " + shorten(s.slowQueries().get(0).query(), 80);
            checks.add(new Check(SLOW_QUERIES, "Slow queries", value, slowThreshold, slow == 0, false));
        }

        String deadThreshold = "at most " + number(t.maxDeadTuplePct()) + " % (tables with " + Sampler.MIN_DEAD_TUPLES
                + "+ dead tuples)";
        if (!measured || s.deadTuplePct() == null) {
            checks.add(new Check(DEAD_TUPLES, "Dead tuples", notMeasured, deadThreshold, false, false));
        } else {
            Sample.TableStat worst = s.tables().isEmpty() ? null : s.tables().get(0);
            String value = worst == null || worst.deadTuples() < Sampler.MIN_DEAD_TUPLES
                    ? "no table with " + Sampler.MIN_DEAD_TUPLES + " or more dead tuples"
                    : pct(s.deadTuplePct()) + " in " + worst.schema() + "." + worst.name() + " (" + worst.deadTuples()
                    + " dead, " + worst.liveTuples() + " live)";
            checks.add(new Check(DEAD_TUPLES, "Dead tuples", value, deadThreshold, s.deadTuplePct() <= t.maxDeadTuplePct(), false));
        }

        String indexThreshold = "informative: unused indexes are listed, not failed";
        if (!measured || s.unusedIndexCount() == null) {
            checks.add(new Check(INDEXES_USED, "Indexes used", notMeasured, indexThreshold, true, true));
        } else {
            int n = s.unusedIndexCount();
            String since = s.statsReset() == null ? "" : " since " + s.statsReset();
            String value = n == 0 ? "every index scanned" + since
                    : n + (n == 1 ? " index" : " indexes") + " never scanned" + since + ": "
                    + s.unusedIndexes().stream().limit(5).map(i -> i.schema() + "." + i.name()).collect(Collectors.joining(", "))
                    + (n > 5 ? ", ..." : "");
            checks.add(new Check(INDEXES_USED, "Indexes used", value, indexThreshold, true, true));
        }

        if (!measured || s.deadlocks() == null) {
            checks.add(new Check(DEADLOCKS, "Deadlocks", notMeasured, "none", false, false));
        } else {
            checks.add(new Check(DEADLOCKS, "Deadlocks", s.deadlocks() + (s.statsReset() == null ? "" : " since " + s.statsReset()),
                    "none", s.deadlocks() == 0, false));
        }

        Sample.AppHealth h = s.appHealth();
        if (h == null) {
            checks.add(new Check(APP_HEALTH, "Application healthy", "no health URL configured (bascule.app.health-url)",
                    "informative", true, true));
        } else {
            String value = h.status() != null ? "HTTP " + h.status() + " in " + h.millis() + " ms"
                    : "no answer: " + h.error();
            checks.add(new Check(APP_HEALTH, "Application healthy", value, "answers 2xx at " + h.url(), h.ok(), false));
        }
        return checks;
    }

    static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f %%", v);
    }

    static String ms(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.1f ms", v);
    }

    static String number(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    static String millis(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    static String shorten(String text, int max) {
        if (text == null) {
            return "";
        }
        String one = text.replaceAll("\\s+", " ").strip();
        return one.length() <= max ? one : one.substring(0, max - 1) + "…";
    }
}
