package io.bascule.surveillance;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** A sample as the terminal view of {@code monitor}: the figures, the lists, then the checks with ✅/❌ and their thresholds. */
public final class MonitorView {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    /** Clears the terminal and puts the cursor home (ANSI), before each view of a refreshing monitor. */
    public static final String CLEAR = "\033[H\033[2J";

    private MonitorView() {
    }

    /** The view of a sample of the database at {@code where} (a redacted URL). */
    public static String render(Sample s, String where) {
        StringBuilder b = new StringBuilder();
        b.append("Bascule monitor · ").append(where).append(" · ").append(TIME.format(s.at()));
        if (s.serverVersion() != null) {
            b.append(" · PostgreSQL ").append(s.serverVersion());
        }
        b.append('\n');
        b.append("sample: ").append(s.queries()).append(s.queries() == 1 ? " query, " : " queries, ")
                .append(s.sampleMillis()).append(" ms\n\n");
        if (s.error() != null) {
            b.append(s.reachable() ? "Sampling PostgreSQL failed: " : "PostgreSQL unreachable: ").append(s.error()).append("\n\n");
        } else {
            figures(b, s);
        }
        if (s.appHealth() != null) {
            Sample.AppHealth h = s.appHealth();
            b.append(String.format(Locale.ROOT, "%-18s %s %s (%d ms)%n", "App health", h.url(),
                    h.status() != null ? "HTTP " + h.status() : "no answer: " + h.error(), h.millis()));
            b.append('\n');
        }
        b.append("Checks\n");
        int width = s.alerts().stream().mapToInt(c -> c.name().length()).max().orElse(10);
        for (Sample.Check c : s.alerts()) {
            String mark = c.informative() ? "ℹ️ " : c.passed() ? "✅" : "❌";
            b.append("  ").append(mark).append(' ').append(pad(c.name(), width)).append("  ").append(c.value())
                    .append("  [").append(c.threshold()).append("]\n");
        }
        if (!s.notes().isEmpty()) {
            b.append("\nNotes\n");
            s.notes().forEach(n -> b.append("  - ").append(n).append('\n'));
        }
        return b.toString();
    }

    private static void figures(StringBuilder b, Sample s) {
        b.append(String.format(Locale.ROOT, "%-18s %d of %d usable (%.1f %%), max_connections %d%n", "Connections",
                s.connections(), s.usableConnections(), s.connectionUsagePct(), s.maxConnections()));
        b.append("  ").append(s.database()).append(": ").append(states(s.connectionsByState())).append('\n');

        if (s.statementsAvailable()) {
            b.append(String.format(Locale.ROOT, "%-18s mean %s, max %s over %d calls (pg_stat_statements)%n", "Queries",
                    SampleChecks.ms(s.avgQueryMs()), SampleChecks.ms(s.maxQueryMs()), s.statementCalls()));
            if (!s.topQueries().isEmpty()) {
                b.append("  top by total time:\n");
                queries(b, s.topQueries());
            }
            b.append("  slow (mean over the slow-query threshold): ")
                    .append(s.slowQueryCount() == null || s.slowQueryCount() == 0 ? "none" : s.slowQueryCount()).append('\n');
            if (!s.slowQueries().isEmpty()) {
                queries(b, s.slowQueries());
            }
        } else {
            b.append(String.format(Locale.ROOT, "%-18s not measured: %s%n", "Queries", s.statementsNote()));
        }

        b.append(String.format(Locale.ROOT, "%-18s worst %.1f %% (of %d user tables; tables with %d+ dead tuples)%n",
                "Dead tuples", s.deadTuplePct(), s.tableCount(), Sampler.MIN_DEAD_TUPLES));
        if (!s.tables().isEmpty()) {
            b.append(String.format(Locale.ROOT, "  %-40s %12s %10s %7s  %-20s %-20s%n", "table", "live", "dead", "dead %",
                    "last autovacuum", "last autoanalyze"));
            for (Sample.TableStat t : s.tables()) {
                b.append(String.format(Locale.ROOT, "  %-40s %12d %10d %7s  %-20s %-20s%n",
                        SampleChecks.shorten(t.schema() + "." + t.name(), 40), t.liveTuples(), t.deadTuples(),
                        t.deadPct() == null ? "-" : String.format(Locale.ROOT, "%.1f", t.deadPct()),
                        t.lastAutovacuum() == null ? "never" : TIME.format(t.lastAutovacuum()),
                        t.lastAutoanalyze() == null ? "never" : TIME.format(t.lastAutoanalyze())));
            }
        }
        b.append(String.format(Locale.ROOT, "%-18s %s%n", "Unused indexes", s.unusedIndexCount() == 0 ? "none"
                : s.unusedIndexCount() + ": " + s.unusedIndexes().stream()
                .map(i -> i.schema() + "." + i.name() + " on " + i.table() + " (" + size(i.sizeBytes()) + ")")
                .collect(Collectors.joining(", ")) + (s.unusedIndexCount() > s.unusedIndexes().size() ? ", ..." : "")));
        b.append(String.format(Locale.ROOT, "%-18s deadlocks %d, conflicts %d, cache hit %s%s%n", "Since stats reset",
                s.deadlocks(), s.conflicts(), s.cacheHitPct() == null ? "-" : SampleChecks.pct(s.cacheHitPct()),
                s.statsReset() == null ? "" : " (reset " + TIME.format(s.statsReset()) + ")"));
        sessions(b, "Long-running", s.longRunning(), s.longRunningCount());
        sessions(b, "Idle in transaction", s.idleInTransaction(), s.idleInTransactionCount());
        sessions(b, "Idle sessions", s.idleSessions(), s.idleSessionCount());
        b.append('\n');
    }

    private static String states(Map<String, Integer> byState) {
        return byState.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    private static void queries(StringBuilder b, List<Sample.QueryStat> list) {
        b.append(String.format(Locale.ROOT, "    %12s %10s %10s %10s  %s%n", "total ms", "calls", "mean ms", "max ms", "query"));
        for (Sample.QueryStat q : list) {
            b.append(String.format(Locale.ROOT, "    %12.1f %10d %10.1f %10.1f  %s%n", q.totalMs(), q.calls(), q.meanMs(),
                    q.maxMs(), SampleChecks.shorten(q.query(), 90)));
        }
    }

    private static void sessions(StringBuilder b, String title, List<Sample.Session> list, Integer count) {
        b.append(String.format(Locale.ROOT, "%-18s %s%n", title, count == null || count == 0 ? "none" : count));
        for (Sample.Session s : list) {
            b.append(String.format(Locale.ROOT, "    pid %-7d %-12s %-16s %-22s %8.0f s  %s%n", s.pid(),
                    SampleChecks.shorten(s.user(), 12), SampleChecks.shorten(s.applicationName(), 16),
                    SampleChecks.shorten(s.state(), 22), s.ageSeconds(), SampleChecks.shorten(s.query(), 60)));
        }
    }

    private static String size(long bytes) {
        if (bytes < 1024 * 1024) {
            return (bytes / 1024) + " kB";
        }
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1024.0 / 1024.0);
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
