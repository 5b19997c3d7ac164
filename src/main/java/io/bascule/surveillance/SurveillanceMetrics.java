package io.bascule.surveillance;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The latest sample as Micrometer gauges ({@link #update}); on {@code /actuator/prometheus} with dots as underscores
 * ({@code bascule_pg_connection_usage_percent}). A figure not measured (PostgreSQL unreachable, pg_stat_statements
 * absent) is NaN; before the first sample every gauge is NaN.
 * <ul>
 * <li>{@code bascule.pg.connections{state}}: client sessions of the database by state (a state seen once stays, at 0)</li>
 * <li>{@code bascule.pg.connections.in.use}, {@code bascule.pg.connections.max}, {@code bascule.pg.connection.usage.percent}</li>
 * <li>{@code bascule.pg.query.mean.ms}, {@code bascule.pg.query.max.ms}, {@code bascule.pg.slow.queries}</li>
 * <li>{@code bascule.pg.dead.tuple.percent}, {@code bascule.pg.unused.indexes}</li>
 * <li>{@code bascule.pg.deadlocks}, {@code bascule.pg.conflicts}, {@code bascule.pg.cache.hit.percent}</li>
 * <li>{@code bascule.pg.long.running}, {@code bascule.pg.idle.in.transaction}, {@code bascule.pg.idle.sessions}</li>
 * <li>{@code bascule.pg.reachable} (1/0), {@code bascule.app.healthy} (1/0; NaN without a health URL)</li>
 * <li>{@code bascule.surveillance.sample.ms}, {@code bascule.surveillance.checks.failed}, {@code bascule.surveillance.sample.age.seconds}</li>
 * </ul>
 */
public final class SurveillanceMetrics {

    private final MeterRegistry registry;
    private final Set<String> states = ConcurrentHashMap.newKeySet();
    private volatile Sample latest;

    public SurveillanceMetrics(MeterRegistry registry) {
        this.registry = registry;
        gauge("bascule.pg.connections.in.use", "client sessions of the server (every database)", s -> num(s.connections()));
        gauge("bascule.pg.connections.max", "max_connections", s -> num(s.maxConnections()));
        gauge("bascule.pg.connection.usage.percent", "client sessions over the usable connections, in %",
                s -> num(s.connectionUsagePct()));
        gauge("bascule.pg.query.mean.ms", "mean statement time (pg_stat_statements, calls-weighted), ms", s -> num(s.avgQueryMs()));
        gauge("bascule.pg.query.max.ms", "largest statement time (pg_stat_statements), ms", s -> num(s.maxQueryMs()));
        gauge("bascule.pg.slow.queries", "statements whose mean time is over the slow-query threshold", s -> num(s.slowQueryCount()));
        gauge("bascule.pg.dead.tuple.percent", "worst dead-tuple % of a user table", s -> num(s.deadTuplePct()));
        gauge("bascule.pg.unused.indexes", "indexes never scanned since the statistics reset", s -> num(s.unusedIndexCount()));
        gauge("bascule.pg.deadlocks", "deadlocks since the statistics reset", s -> num(s.deadlocks()));
        gauge("bascule.pg.conflicts", "recovery conflicts since the statistics reset", s -> num(s.conflicts()));
        gauge("bascule.pg.cache.hit.percent", "buffer cache hit ratio since the statistics reset, %", s -> num(s.cacheHitPct()));
        gauge("bascule.pg.long.running", "sessions with a long statement or transaction", s -> num(s.longRunningCount()));
        gauge("bascule.pg.idle.in.transaction", "sessions idle in a long transaction", s -> num(s.idleInTransactionCount()));
        gauge("bascule.pg.idle.sessions", "sessions idle longer than idle-session-age", s -> num(s.idleSessionCount()));
        gauge("bascule.pg.reachable", "1 when the last sample reached PostgreSQL", s -> s.reachable() && s.error() == null ? 1 : 0);
        gauge("bascule.app.healthy", "1 when the application's health URL answered 2xx, NaN without one",
                s -> s.appHealth() == null ? Double.NaN : s.appHealth().ok() ? 1 : 0);
        gauge("bascule.surveillance.sample.ms", "time of the last sample's database queries, ms", s -> s.sampleMillis());
        gauge("bascule.surveillance.checks.failed", "checks of the last sample that failed", s -> s.failedChecks().size());
        Gauge.builder("bascule.surveillance.sample.age.seconds", this, m -> m.latest == null ? Double.NaN
                        : (System.currentTimeMillis() - m.latest.at().toEpochMilli()) / 1000.0)
                .description("seconds since the last sample").register(registry);
        for (String state : new String[]{"active", "idle", "idle in transaction"}) {
            stateGauge(state);
        }
    }

    /** Shows this sample. */
    public void update(Sample sample) {
        latest = sample;
        for (String state : sample.connectionsByState().keySet()) {
            if (!states.contains(state)) {
                stateGauge(state);
            }
        }
    }

    /** The sample shown, or null. */
    public Sample latest() {
        return latest;
    }

    private void stateGauge(String state) {
        if (states.add(state)) {
            Gauge.builder("bascule.pg.connections", this, m -> {
                        Sample s = m.latest;
                        if (s == null || !s.reachable() || s.error() != null) {
                            return Double.NaN;
                        }
                        Integer n = s.connectionsByState().get(state);
                        return n == null ? 0 : n;
                    }).tag("state", state).description("client sessions of the database by state")
                    .register(registry);
        }
    }

    private void gauge(String name, String description, ToDoubleFunction<Sample> value) {
        Gauge.builder(name, this, m -> m.latest == null ? Double.NaN : value.applyAsDouble(m.latest))
                .description(description).register(registry);
    }

    private static double num(Number n) {
        return n == null ? Double.NaN : n.doubleValue();
    }
}
