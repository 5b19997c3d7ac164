package io.bascule.surveillance;

import io.bascule.database.DatabaseEndpoint;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The loop samples on its own thread while started: every sample stored in the work directory, kept in memory, shown
 * by the gauges and handed to the listeners; an unreachable target gives samples marked so and the loop goes on; a
 * loop without a target does not start.
 */
@ExtendWith(EmbeddedDatabases.class)
class SurveillanceLoopIT {

    @TempDir
    Path work;

    static io.bascule.config.BasculeProperties.Surveillance fast() {
        return new io.bascule.config.BasculeProperties.Surveillance(Duration.ofMillis(200), 80, 100, Duration.ofSeconds(1), 5,
                3, Duration.ofMinutes(5), Duration.ofMinutes(1), List.of(Duration.ofMinutes(15)), Duration.ofMinutes(15), 50,
                Duration.ofDays(30));
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 20 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void samplesAreStoredKeptShownAndHandedToTheListeners(TestDatabases dbs) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SampleStore store = new SampleStore(work, Duration.ofDays(30));
        DatabaseEndpoint target = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, dbs.targetUrl(), "postgres", null);
        SurveillanceLoop loop = new SurveillanceLoop(() -> new Sampler(target, fast(), null), store, fast(), registry);
        List<Sample> heard = new CopyOnWriteArrayList<>();
        loop.addListener(heard::add);
        loop.addListener(s -> {
            throw new IllegalStateException("a listener that fails does not stop the loop");
        });
        try {
            assertThat(loop.latest()).isNull();
            assertThat(loop.start()).isTrue();
            assertThat(loop.start()).as("idempotent").isTrue();
            assertThat(loop.isRunning()).isTrue();
            await(() -> heard.size() >= 3);
            Sample now = loop.sampleNow();
            assertThat(now).isNotNull();
            assertThat(now.error()).isNull();
            assertThat(now.database()).isEqualTo(dbs.targetDatabase());
        } finally {
            loop.stop();
        }
        assertThat(loop.isRunning()).isFalse();
        assertThat(loop.sampleNow()).as("not running").isNull();
        List<Sample> stored = store.list(null, null);
        assertThat(stored.size()).isGreaterThanOrEqualTo(4);
        assertThat(stored).containsAll(heard);
        assertThat(loop.recent(Duration.ofMinutes(5))).isEqualTo(stored);
        assertThat(loop.latest()).isEqualTo(stored.get(stored.size() - 1));
        assertThat(registry.get("bascule.pg.reachable").gauge().value()).isEqualTo(1);
        assertThat(registry.get("bascule.pg.connections.max").gauge().value()).isEqualTo(loop.latest().maxConnections().doubleValue());
    }

    @Test
    void anUnreachableTargetGivesSamplesMarkedSoAndTheLoopGoesOn() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        DatabaseEndpoint nowhere = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET,
                "jdbc:postgresql://127.0.0.1:" + closed + "/gone", "postgres", null);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SurveillanceLoop loop = new SurveillanceLoop(() -> new Sampler(nowhere, fast(), null),
                new SampleStore(work, Duration.ofDays(30)), fast(), registry);
        try {
            assertThat(loop.start()).isTrue();
            await(() -> loop.recent(Duration.ofMinutes(1)).size() >= 3);
            assertThat(loop.isRunning()).isTrue();
            assertThat(loop.recent(Duration.ofMinutes(1))).allSatisfy(s -> {
                assertThat(s.reachable()).isFalse();
                assertThat(s.check(SampleChecks.REACHABLE).orElseThrow().value()).startsWith("PostgreSQL unreachable: ");
            });
            assertThat(registry.get("bascule.pg.reachable").gauge().value()).isZero();
        } finally {
            loop.stop();
        }
        assertThat(loop.store().list(null, null)).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void withoutATargetTheLoopDoesNotStart() {
        SurveillanceLoop loop = new SurveillanceLoop(() -> null, new SampleStore(work, Duration.ofDays(30)), fast(), null);
        assertThat(loop.start()).isFalse();
        assertThat(loop.isRunning()).isFalse();
        assertThat(loop.latest()).isNull();
        loop.stop();
    }
}
