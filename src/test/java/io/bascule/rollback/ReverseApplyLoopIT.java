package io.bascule.rollback;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.bascule.rollback.ReverseChannelFixture.Migrated;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static io.bascule.rollback.ReverseChannelIT.channelObjects;
import static io.bascule.rollback.ReverseChannelIT.migrate;
import static io.bascule.rollback.ReverseChannelIT.pg;
import static io.bascule.testing.QueryRows.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The continuous apply of the reverse channel on the embedded servers. */
@ExtendWith(EmbeddedDatabases.class)
class ReverseApplyLoopIT {

    @TempDir
    Path work;

    private ListAppender<ILoggingEvent> logs;

    @BeforeEach
    void captureLogs() {
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(ReverseApplyLoop.class)).addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        ((Logger) LoggerFactory.getLogger(ReverseApplyLoop.class)).detachAppender(logs);
    }

    private List<String> logged(Level level) {
        return logs.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what);
            }
            Thread.sleep(20);
        }
    }

    private static List<List<String>> mysql(TestDatabases dbs, String sql) {
        try (Connection c = dbs.source()) {
            return rows(c, sql);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void appliesWhileTheApplicationWritesReportsTheLagPrunesAndStopsCleanly(TestDatabases dbs) throws Exception {
        Migrated m = migrate(dbs, work);
        m.channel().arm();
        List<ReverseApplier.Lag> lags = new CopyOnWriteArrayList<>();
        ReverseApplyLoop loop = new ReverseApplyLoop(m.channel(), Duration.ofMillis(50), Duration.ofMillis(300), lags::add)
                .pruneEvery(Duration.ofMillis(200));
        try (loop) {
            loop.start();
            assertThat(loop.isRunning()).isTrue();
            // one loop per channel in a JVM, also through another channel object of the same migration
            ReverseChannel same = new ReverseChannel(
                    io.bascule.database.DatabaseEndpoint.of(io.bascule.database.DatabaseEndpoint.Side.SOURCE, dbs.sourceUrl(), "root", null),
                    io.bascule.database.DatabaseEndpoint.of(io.bascule.database.DatabaseEndpoint.Side.TARGET, dbs.targetUrl(), "postgres", null),
                    m.plan(), List.of("customers", "order_lines"));
            assertThatThrownBy(() -> new ReverseApplyLoop(same, Duration.ofMillis(50), Duration.ofSeconds(1), null).start())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already running in this JVM")
                    .hasMessageContaining(m.channel().name());
            assertThatThrownBy(loop::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("started already");

            pg(dbs, "UPDATE customers SET balance = 42 WHERE id = 1", "INSERT INTO order_lines VALUES (3, 1, 9, 'loop')");
            await("the first changes in MySQL", Duration.ofSeconds(10),
                    () -> mysql(dbs, "SELECT qty FROM order_lines WHERE customer_id = 3").equals(List.of(List.of("9"))));
            assertThat(mysql(dbs, "SELECT balance FROM customers WHERE id = 1")).containsExactly(List.of("42.0000"));
            for (int i = 0; i < 20; i++) {
                pg(dbs, "UPDATE customers SET balance = " + i + " WHERE id = 2");
            }
            pg(dbs, "DELETE FROM customers WHERE id = 3");
            await("the delete in MySQL", Duration.ofSeconds(10),
                    () -> mysql(dbs, "SELECT COUNT(*) FROM customers WHERE id = 3").equals(List.of(List.of("0"))));
            assertThat(m.identical()).isTrue();
            await("applied and pruned", Duration.ofSeconds(10), () -> loop.appliedTotal() == 24 && loop.prunedTotal() == 24);
            await("a lag of 0 reported", Duration.ofSeconds(10), () -> loop.lastLag() != null && loop.lastLag().changes() == 0);
            // lines come every 300 ms; one read before the last batch may still show a lag: wait for one caught up
            await("a log line caught up", Duration.ofSeconds(5), () -> logged(Level.INFO).stream()
                    .anyMatch(l -> l.contains("24 changes applied since start") && l.contains("lag 0 changes, oldest 0.00 s")));
            assertThat(lags).isNotEmpty();
            assertThat(lags.get(lags.size() - 1).changes()).isZero();
            assertThat(logged(Level.INFO)).anySatisfy(l -> assertThat(l).contains("lag 0 changes, oldest 0.00 s")
                    .containsPattern("/s over the last [0-9.]+ s"));
            assertThat(loop.lastError()).isNull();
            try (Connection c = dbs.target()) {
                assertThat(rows(c, "SELECT count(*) FROM bascule_state.change_log")).containsExactly(List.of("0"));
            }
            assertThat(m.channel().touchedCount()).isEqualTo(java.util.Map.of("customers", 3L, "order_lines", 1L));

            assertThat(loop.stop(Duration.ofSeconds(10))).isTrue();
            assertThat(loop.isRunning()).isFalse();
        }
        assertThat(logged(Level.INFO)).anySatisfy(l -> assertThat(l).contains("continuous apply stopped").contains("24 changes applied"));
        // stopped, the channel takes a new loop
        try (ReverseApplyLoop again = new ReverseApplyLoop(m.channel(), Duration.ofMillis(50), Duration.ofSeconds(1), null).start()) {
            pg(dbs, "UPDATE customers SET balance = 7 WHERE id = 1");
            await("a change applied by the second loop", Duration.ofSeconds(10), () -> again.appliedTotal() == 1);
        }
        assertThat(m.identical()).isTrue();
        m.channel().disarm();
        assertThat(channelObjects(dbs)).isEmpty();
    }

    @Test
    void aFailingListenerDoesNotStopTheLoop(TestDatabases dbs) throws Exception {
        Migrated m = migrate(dbs, work);
        m.channel().arm();
        AtomicInteger calls = new AtomicInteger();
        try (ReverseApplyLoop loop = new ReverseApplyLoop(m.channel(), Duration.ofMillis(20), Duration.ofMinutes(1), lag -> {
            calls.incrementAndGet();
            throw new IllegalStateException("listener broken");
        }).start()) {
            pg(dbs, "UPDATE customers SET balance = 1 WHERE id = 1");
            await("applied", Duration.ofSeconds(10), () -> loop.appliedTotal() == 1);
            await("the listener called again", Duration.ofSeconds(10), () -> calls.get() >= 3);
            assertThat(loop.isRunning()).isTrue();
            assertThat(loop.lastError()).isNull();
        }
        assertThat(logged(Level.WARN)).anySatisfy(l -> assertThat(l).contains("lag listener failed").contains("listener broken"));
        assertThat(m.identical()).isTrue();
        m.channel().disarm();
    }

    @Test
    void lostConnectionsAreReopenedAfterABackOffAndTheLoopGoesOn(TestDatabases dbs) throws Exception {
        Migrated m = migrate(dbs, work);
        m.channel().arm();
        try (ReverseApplyLoop loop = new ReverseApplyLoop(m.channel(), Duration.ofMillis(20), Duration.ofMinutes(1), null).start()) {
            pg(dbs, "UPDATE customers SET balance = 1 WHERE id = 1");
            await("applied", Duration.ofSeconds(10), () -> loop.appliedTotal() == 1);
            try (Connection c = dbs.target()) {   // PostgreSQL ends the loop's sessions (a restart, a failover)
                rows(c, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
                        + " AND pid <> pg_backend_pid()");
            }
            await("the failure seen", Duration.ofSeconds(10), () -> loop.lastError() != null);
            pg(dbs, "UPDATE customers SET balance = 2 WHERE id = 1");
            await("applied after reconnecting", Duration.ofSeconds(15), () -> loop.appliedTotal() == 2);
            assertThat(loop.isRunning()).isTrue();
            assertThat(loop.lastError()).isNull();
        }
        assertThat(logged(Level.WARN)).anySatisfy(l -> assertThat(l).contains("the apply loop failed").contains("reconnecting in 1 s"));
        assertThat(m.identical()).isTrue();
        m.channel().disarm();
    }

    @Test
    void aReplayConflictThatLastsStopsTheLoopNamingTheTableAndKey(TestDatabases dbs) throws Exception {
        Migrated m = migrate(dbs, work);
        m.channel().arm();
        try (ReverseApplyLoop loop = new ReverseApplyLoop(m.channel(), Duration.ofMillis(20), Duration.ofMinutes(1), null)
                .conflictGrace(Duration.ofMillis(1500)).start()) {
            pg(dbs, "UPDATE customers SET email = 'a@x' WHERE id = 1");
            await("applied", Duration.ofSeconds(10), () -> loop.appliedTotal() == 1);
            // MySQL's unique key ignores case, PostgreSQL's does not: retried, then the loop stops on it
            pg(dbs, "UPDATE customers SET email = 'A@X', balance = 5 WHERE id = 3");
            await("the loop stopped", Duration.ofSeconds(20), () -> !loop.isRunning());
            assertThat(loop.lastError()).isInstanceOf(ReplayConflictException.class)
                    .hasMessageContaining("customers key (id=3)").hasMessageContaining("Duplicate entry");
            assertThat(loop.appliedTotal()).isEqualTo(1);
        }
        assertThat(logged(Level.WARN)).anySatisfy(l -> assertThat(l).contains("replay conflict").contains("customers key (id=3)")
                .contains("retrying in 1 s"));
        assertThat(logged(Level.ERROR)).singleElement().satisfies(l -> assertThat(l).contains("stopped on a replay conflict")
                .contains("customers key (id=3)"));
        assertThat(mysql(dbs, "SELECT balance FROM customers WHERE id = 3")).containsExactly(java.util.Arrays.asList((String) null));
        // resolved on PostgreSQL, the rollback's drain carries everything
        pg(dbs, "UPDATE customers SET email = 'c@x' WHERE id = 3");
        try (ReverseApplier applier = m.channel().applier()) {
            applier.drain(Duration.ofSeconds(10));
        }
        assertThat(m.identical()).isTrue();
        m.channel().disarm();
    }
}
