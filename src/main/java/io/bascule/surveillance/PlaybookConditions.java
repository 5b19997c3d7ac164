package io.bascule.surveillance;

import io.bascule.config.BasculeProperties;
import io.bascule.process.Playbooks;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * When the sampling raises a playbook of one surveillance run: fed with that run's samples in order ({@link #next}),
 * it says which playbook messages to correlate, each with its {@code trigger} line (the measured value and the
 * threshold). A playbook is raised when its condition <i>starts</i>; once raised, it is not raised again until the
 * condition has cleared for at least one sample (the model itself also keeps a second one from opening while one is
 * open). A sample that could not measure a condition (PostgreSQL unreachable, pg_stat_statements unavailable) neither
 * raises nor clears it.
 * <ul>
 * <li><b>Backend down</b> ({@link Playbooks#MESSAGE_BACKEND_DOWN}): {@code health-failures} samples in a row whose
 * probe of the application's health URL failed; only when a health URL is configured. Cleared by a healthy probe.</li>
 * <li><b>Slow queries</b> ({@link Playbooks#MESSAGE_SLOW_QUERIES}): the sample lists a statement with a mean over
 * {@code slow-query} that was not listed at an earlier raise (pg_stat_statements keeps a statement's mean since the
 * cutover, so a statement raised once stays slow on paper after its fix; a new one raises again). Cleared when no
 * statement is slow.</li>
 * <li><b>Connections exhausted</b> ({@link Playbooks#MESSAGE_CONNECTIONS_EXHAUSTED}): connection usage over
 * {@code max-connection-usage-pct} of the usable connections. Cleared at or under it.</li>
 * </ul>
 * Not thread-safe: one instance per run, fed from the sampling thread.
 */
public final class PlaybookConditions {

    /** A playbook to raise: the message to correlate and its trigger line. */
    public record Raise(String message, String trigger) {
    }

    private final BasculeProperties.Surveillance thresholds;
    private int healthFailures;
    private boolean backendRaised;
    private boolean connectionsRaised;
    private final Set<String> slowRaised = new LinkedHashSet<>();
    private List<String> lastSlowRaise = List.of();

    public PlaybookConditions(BasculeProperties.Surveillance thresholds) {
        this.thresholds = thresholds;
    }

    /** The playbooks this sample raises (usually none). */
    public List<Raise> next(Sample s) {
        List<Raise> raises = new ArrayList<>();
        backendDown(s, raises);
        slowQueries(s, raises);
        connections(s, raises);
        return raises;
    }

    /**
     * A raise that could not be delivered (the correlation failed for another reason than the run having ended): the
     * playbook counts as not raised, so the next sample where the condition holds raises it again.
     */
    public void forget(Raise raise) {
        switch (raise.message()) {
            case Playbooks.MESSAGE_BACKEND_DOWN -> backendRaised = false;
            case Playbooks.MESSAGE_CONNECTIONS_EXHAUSTED -> connectionsRaised = false;
            case Playbooks.MESSAGE_SLOW_QUERIES -> lastSlowRaise.forEach(slowRaised::remove);
            default -> {
            }
        }
    }

    private void backendDown(Sample s, List<Raise> raises) {
        Sample.AppHealth h = s.appHealth();
        if (h == null) {
            healthFailures = 0;   // no health URL configured: never raised by the sampling
            backendRaised = false;
            return;
        }
        if (h.ok()) {
            healthFailures = 0;
            backendRaised = false;
            return;
        }
        healthFailures++;
        int bound = thresholds.healthFailures();
        if (healthFailures >= bound && !backendRaised) {
            backendRaised = true;
            String answer = h.status() != null ? "HTTP " + h.status() : "no answer (" + oneLine(h.error(), 120) + ")";
            raises.add(new Raise(Playbooks.MESSAGE_BACKEND_DOWN, "the application's health URL " + h.url() + " failed "
                    + healthFailures + " times in a row, the last: " + answer + " (threshold: " + bound
                    + " failed probes in a row, bascule.surveillance.health-failures)"));
        }
    }

    private void slowQueries(Sample s, List<Raise> raises) {
        if (!s.reachable() || s.error() != null || !s.statementsAvailable() || s.slowQueryCount() == null) {
            return;   // not measured: neither raised nor cleared
        }
        if (s.slowQueryCount() == 0 || s.slowQueries().isEmpty()) {
            slowRaised.clear();
            return;
        }
        List<String> keys = s.slowQueries().stream().map(PlaybookConditions::key).toList();
        List<String> fresh = keys.stream().filter(k -> !slowRaised.contains(k)).toList();
        if (fresh.isEmpty()) {
            return;
        }
        slowRaised.addAll(fresh);
        lastSlowRaise = fresh;
        Sample.QueryStat slowest = s.slowQueries().get(0);
        int n = s.slowQueryCount();
        raises.add(new Raise(Playbooks.MESSAGE_SLOW_QUERIES, n + (n == 1 ? " statement" : " statements")
                + " with a mean time over " + SampleChecks.millis(thresholds.slowQuery())
                + " (threshold: bascule.surveillance.slow-query), the slowest " + ms(slowest.meanMs()) + " mean over "
                + slowest.calls() + " call(s): " + oneLine(slowest.query(), 160)));
    }

    private void connections(Sample s, List<Raise> raises) {
        if (s.connectionUsagePct() == null) {
            return;   // not measured
        }
        double bound = thresholds.maxConnectionUsagePct();
        if (s.connectionUsagePct() <= bound) {
            connectionsRaised = false;
            return;
        }
        if (!connectionsRaised) {
            connectionsRaised = true;
            raises.add(new Raise(Playbooks.MESSAGE_CONNECTIONS_EXHAUSTED, "connections at "
                    + SampleChecks.pct(s.connectionUsagePct()) + " of the usable connections (" + s.connections() + " of "
                    + s.usableConnections() + "; max_connections " + s.maxConnections() + "), over the threshold "
                    + SampleChecks.number(bound) + " % (bascule.surveillance.max-connection-usage-pct)"));
        }
    }

    /** A statement's identity across samples: its query id, or its text when the id is hidden. */
    private static String key(Sample.QueryStat q) {
        return q.queryId() != null ? "id:" + q.queryId() : "text:" + q.query();
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.1f ms", v);
    }

    private static String oneLine(String text, int max) {
        return text == null ? "" : SampleChecks.shorten(text, max);
    }
}
