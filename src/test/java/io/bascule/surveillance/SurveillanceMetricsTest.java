package io.bascule.surveillance;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The gauges show the latest sample: NaN before the first and for figures not measured. */
class SurveillanceMetricsTest {

    @Test
    void theGaugesShowTheLatestSample() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SurveillanceMetrics metrics = new SurveillanceMetrics(registry);
        assertThat(registry.get("bascule.pg.connection.usage.percent").gauge().value()).isNaN();

        Sample first = SampleStoreTest.sample(Instant.now(), 3);
        metrics.update(first);
        assertThat(registry.get("bascule.pg.connections").tag("state", "idle").gauge().value()).isEqualTo(3);
        assertThat(registry.get("bascule.pg.connections").tag("state", "active").gauge().value()).isEqualTo(1);
        assertThat(registry.get("bascule.pg.connections.in.use").gauge().value()).isEqualTo(4);
        assertThat(registry.get("bascule.pg.connections.max").gauge().value()).isEqualTo(100);
        assertThat(registry.get("bascule.pg.connection.usage.percent").gauge().value()).isEqualTo(first.connectionUsagePct());
        assertThat(registry.get("bascule.pg.query.mean.ms").gauge().value()).isEqualTo(2.5);
        assertThat(registry.get("bascule.pg.query.max.ms").gauge().value()).isEqualTo(120.0);
        assertThat(registry.get("bascule.pg.dead.tuple.percent").gauge().value()).isEqualTo(1.25);
        assertThat(registry.get("bascule.pg.deadlocks").gauge().value()).isZero();
        assertThat(registry.get("bascule.pg.conflicts").gauge().value()).isZero();
        assertThat(registry.get("bascule.pg.slow.queries").gauge().value()).isZero();
        assertThat(registry.get("bascule.pg.unused.indexes").gauge().value()).isEqualTo(1);
        assertThat(registry.get("bascule.pg.cache.hit.percent").gauge().value()).isEqualTo(99.5);
        assertThat(registry.get("bascule.pg.reachable").gauge().value()).isEqualTo(1);
        assertThat(registry.get("bascule.app.healthy").gauge().value()).isEqualTo(1);
        assertThat(registry.get("bascule.surveillance.sample.ms").gauge().value()).isEqualTo(7);

        // a new state gets its gauge; a state gone shows 0
        Sample second = new Sample(Instant.now(), 9, 5, "shop", "17.6", true, null,
                Map.of("active", 2, "idle in transaction (aborted)", 1), 3, 100, 97, 3.09, 0, false,
                "pg_stat_statements is not installed", null, null, null, null, null, null, 0.0, null, 0, null, 0, 1L, 0L,
                null, null, null, 0, null, 0, null, 0, null, null, null);
        second = second.withAlerts(SampleChecks.evaluate(second, SamplerIT.defaults()));
        metrics.update(second);
        assertThat(registry.get("bascule.pg.connections").tag("state", "idle").gauge().value()).isZero();
        assertThat(registry.get("bascule.pg.connections").tag("state", "idle in transaction (aborted)").gauge().value()).isEqualTo(1);
        assertThat(registry.get("bascule.pg.query.mean.ms").gauge().value()).as("not measured").isNaN();
        assertThat(registry.get("bascule.pg.deadlocks").gauge().value()).isEqualTo(1);
        assertThat(registry.get("bascule.app.healthy").gauge().value()).as("no health URL").isNaN();
        assertThat(registry.get("bascule.surveillance.checks.failed").gauge().value()).isEqualTo(second.failedChecks().size())
                .isPositive();

        Sample down = Sample.failed(Instant.now(), 10, 0, "shop", false, "cannot reach the target database", null);
        metrics.update(down.withAlerts(SampleChecks.evaluate(down, SamplerIT.defaults())));
        assertThat(registry.get("bascule.pg.reachable").gauge().value()).isZero();
        assertThat(registry.get("bascule.pg.connections").tag("state", "active").gauge().value()).isNaN();
        assertThat(registry.get("bascule.pg.connection.usage.percent").gauge().value()).isNaN();
    }

    @Test
    void thePrometheusNamesAreTheDocumentedOnes() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new SurveillanceMetrics(registry).update(SampleStoreTest.sample(Instant.now(), 3));
        String scrape = registry.scrape();
        assertThat(scrape).contains("bascule_pg_connections{state=\"idle\"} 3.0", "bascule_pg_connections_in_use 4.0", "bascule_pg_connection_usage_percent ",
                "bascule_pg_query_mean_ms 2.5", "bascule_pg_dead_tuple_percent 1.25", "bascule_pg_deadlocks 0.0",
                "bascule_pg_conflicts 0.0", "bascule_pg_slow_queries 0.0", "bascule_pg_cache_hit_percent 99.5",
                "bascule_app_healthy 1.0");
    }
}
