package io.bascule.rollback;

import io.bascule.database.DatabaseEndpoint;
import io.bascule.rollback.ReverseChannelFixture.Migrated;
import io.bascule.schema.ConversionPlan;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.bascule.testing.QueryRows.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The reverse channel on the embedded servers: a migrated schema, changes on PostgreSQL, applied into MariaDB. */
@ExtendWith(EmbeddedDatabases.class)
class ReverseChannelIT {

    @TempDir
    Path work;

    private Migrated migrate(TestDatabases dbs) throws SQLException {
        return ReverseChannelFixture.migrate(dbs, work);
    }

    static Migrated migrate(TestDatabases dbs, Path work) throws SQLException {
        return ReverseChannelFixture.migrate(dbs, work);
    }

    static void pg(TestDatabases dbs, String... statements) throws SQLException {
        ReverseChannelFixture.pg(dbs, statements);
    }

    /**
     * Writers on PostgreSQL in small random transactions on both tables (inserts, updates, deletes, key changes, some
     * rolled back; conflicts between them are rolled back and not counted) until stopped.
     */
    static final class Writers {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong committed = new AtomicLong();
        final List<Throwable> failures = new ArrayList<>();
        final List<Thread> threads = new ArrayList<>();

        static Writers start(TestDatabases dbs, int n) {
            Writers w = new Writers();
            for (int i = 0; i < n; i++) {
                Thread t = new Thread(() -> w.write(dbs));
                w.threads.add(t);
                t.start();
            }
            return w;
        }

        void stop() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
        }

        private void write(TestDatabases dbs) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            try (Connection c = dbs.target(); Statement st = c.createStatement()) {
                c.setAutoCommit(false);
                while (!stop.get()) {
                    int id = r.nextInt(1, 60);
                    try {
                        for (int n = r.nextInt(1, 4); n > 0; n--) {
                            switch (r.nextInt(6)) {
                                case 0 -> st.execute("INSERT INTO customers (id, name, name_upper, balance, doc) VALUES (" + id + ", 'w" + id
                                        + "', 'W" + id + "', " + r.nextInt(100000) + ".25, '{\"n\": " + r.nextInt() + "}') ON CONFLICT (id) DO NOTHING");
                                case 1 -> {
                                    int v = r.nextInt(1000);
                                    st.execute("UPDATE customers SET name = 'u" + v + " é', name_upper = 'U" + v + " É', balance = balance + 1,"
                                        + " seen = now()::timestamp(3) WHERE id = " + id);
                                }
                                case 2 -> st.execute("DELETE FROM customers WHERE id = " + id);
                                case 3 -> st.execute("INSERT INTO order_lines SELECT " + id + ", " + r.nextInt(1, 5) + ", 1, 'l'"
                                        + " WHERE EXISTS (SELECT 1 FROM customers WHERE id = " + id + ") ON CONFLICT DO NOTHING");
                                case 4 -> st.execute("UPDATE order_lines SET line = line + 10, qty = qty + 1 WHERE customer_id = " + id
                                        + " AND line < 100 AND NOT EXISTS (SELECT 1 FROM order_lines o WHERE o.customer_id = " + id
                                        + " AND o.line >= 10)");
                                default -> st.execute("UPDATE customers SET id = " + (id + 100) + " WHERE id = " + id
                                        + " AND NOT EXISTS (SELECT 1 FROM customers WHERE id = " + (id + 100) + ")");
                            }
                        }
                        if (r.nextInt(10) == 0) {
                            c.rollback();
                        } else {
                            c.commit();
                            committed.incrementAndGet();
                        }
                    } catch (SQLException e) {
                        c.rollback();   // deadlock or key conflict between the writers: not acknowledged
                    }
                }
            } catch (Throwable e) {
                synchronized (failures) {
                    failures.add(e);
                }
            }
        }
    }

    /** Every object the channel may create, on both sides: none must be left after disarm or a refused arm. */
    static List<String> channelObjects(TestDatabases dbs) throws SQLException {
        List<String> found = new ArrayList<>();
        try (Connection c = dbs.target()) {
            rows(c, "SELECT 'trigger ' || tgname FROM pg_trigger WHERE tgname LIKE 'bascule_capture%'").forEach(r -> found.add(r.get(0)));
            rows(c, "SELECT 'function ' || proname FROM pg_proc WHERE proname LIKE 'bascule_capture%'").forEach(r -> found.add(r.get(0)));
            rows(c, "SELECT 'relation ' || relname FROM pg_class WHERE relname IN ('change_log', 'change_log_tx', 'change_log_seq_seq', 'bascule_reverse_probe',"
                    + " 'touched_keys', 'touched_keys_pkey')")
                    .forEach(r -> found.add(r.get(0)));
        }
        try (Connection c = dbs.source()) {
            rows(c, "SELECT CONCAT('mysql table ', TABLE_NAME) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"
                    + " AND TABLE_NAME IN ('bascule_state_reverse_position', 'bascule_reverse_probe')").forEach(r -> found.add(r.get(0)));
        }
        return found;
    }

    @Test
    void insertsUpdatesKeyChangesAndDeletesOnPostgresqlAreAppliedExactly(TestDatabases dbs) throws Exception {
        Migrated m = migrate(dbs);
        ReverseChannel.Armed armed = m.channel().arm();
        assertThat(armed.tables()).containsExactly("customers", "order_lines");
        assertThat(armed.alreadyArmed()).isFalse();
        try (Connection c = dbs.target()) {
            assertThat(rows(c, "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = 'bascule_capture' ORDER BY 1"))
                    .containsExactly(List.of("customers"), List.of("order_lines"));
        }
        try (ReverseApplier applier = m.channel().applier()) {
            assertThat(applier.lag().changes()).isZero();
            pg(dbs, "INSERT INTO customers (id, name, code, active, balance, born, seen, changed, wake, kind, tags, doc, photo, score, ratio, bits, yr, name_upper)"
                            + " VALUES (10, 'Zoë ✓ \"q\" \\ back', 'Q', true, 99999999.9999, '2024-02-29', '2024-12-31 23:59:59.999',"
                            + " '2038-01-19 03:14:07.5+00', '23:59:59.99', 'c ü', 'x,y,z', '{\"b\": {\"c\": null}, \"a\": [true, 1e2]}',"
                            + " '\\x00ff00aa', -0.1, 1.17549435e-38, B'1000000001', 1901, upper('Zoë ✓ \"q\" \\ back'))",
                    "UPDATE customers SET name = 'Ada Lovelace', name_upper = 'ADA LOVELACE', active = false, balance = -1.0001, tags = 'y', doc = '\"s\"',"
                            + " photo = NULL, seen = '2000-01-01 00:00:00' WHERE id = 1",
                    "UPDATE order_lines SET line = 5, qty = 4 WHERE customer_id = 1 AND line = 2",
                    "INSERT INTO order_lines VALUES (10, 1, 1, 'new')");
            pg(dbs, "DELETE FROM customers WHERE id = 2");   // ON DELETE CASCADE: its line too, captured on order_lines
            pg(dbs, "UPDATE customers SET id = 11 WHERE id = 3");
            ReverseApplier.Lag lag = applier.lag();
            assertThat(lag.changes()).isEqualTo(9);   // 1 + 1 + 2 (key change) + 1, 1 + 1 (the cascade), 2
            assertThat(lag.oldestSeconds()).isGreaterThanOrEqualTo(0);

            ReverseApplier.Drain drain = applier.drain(Duration.ofSeconds(30));
            assertThat(drain.changes()).isEqualTo(9);
            assertThat(drain.changesPerTable()).isEqualTo(Map.of("customers", 5L, "order_lines", 4L));
            assertThat(applier.appliedPerTable()).isEqualTo(Map.of("customers", 5L, "order_lines", 4L));
            assertThat(applier.lag().changes()).isZero();
        }
        assertThat(m.identical()).isTrue();
        try (Connection my = dbs.source()) {
            assertThat(rows(my, "SELECT id FROM customers ORDER BY id")).containsExactly(List.of("1"), List.of("10"), List.of("11"));
            assertThat(rows(my, "SELECT customer_id, line, qty FROM order_lines ORDER BY 1, 2")).containsExactly(
                    List.of("1", "1", "3"), List.of("1", "5", "4"), List.of("10", "1", "1"));
            assertThat(rows(my, "SELECT name, code, active, balance, born, seen, changed, wake, kind, tags, HEX(photo), score, ratio,"
                    + " BIN(bits), yr + 0, name_upper FROM customers WHERE id = 10")).containsExactly(List.of(
                    "Zoë ✓ \"q\" \\ back", "Q", "1", "99999999.9999", "2024-02-29", "2024-12-31 23:59:59.999",
                    "2038-01-19 03:14:07.500000", "23:59:59.99", "c ü", "x,y,z", "00FF00AA", "-0.1", "1.17549E-38",
                    "1000000001", "1901", "ZOË ✓ \"Q\" \\ BACK"));
            assertThat(rows(my, "SELECT JSON_EXTRACT(doc, '$.a[1]'), JSON_EXTRACT(doc, '$.b.c') FROM customers WHERE id = 10"))
                    .containsExactly(List.of("100", "null"));
            assertThat(rows(my, "SELECT name, active, balance, tags, doc, photo, CAST(seen AS CHAR) FROM customers WHERE id = 1"))
                    .containsExactly(Arrays.asList("Ada Lovelace", "0", "-1.0001", "y", "\"s\"", null, "2000-01-01 00:00:00.000"));
            assertThat(rows(my, "SELECT name FROM customers WHERE id = 11")).containsExactly(List.of("Chloé 😀"));
        }
        // a second arm of an armed channel keeps it (and its changes) and proves it again
        assertThat(m.channel().arm().alreadyArmed()).isTrue();
        m.channel().disarm();
        assertThat(channelObjects(dbs)).isEmpty();
    }

    @Test
    void concurrentWritersWhileBatchesRunThenAFinalDrainLeaveMysqlEqualToPostgresql(TestDatabases dbs) throws Exception {
        Migrated m = migrate(dbs);
        m.channel().arm();
        Writers writers = Writers.start(dbs, 2);
        int batches = 0;
        long changes = 0;
        try (ReverseApplier applier = m.channel().applier()) {
            long until = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < until) {
                ReverseApplier.Batch b = applier.applyBatch();
                if (!b.empty()) {
                    batches++;
                    changes += b.changes();
                }
            }
            writers.stop();
            ReverseApplier.Drain drain = applier.drain(Duration.ofSeconds(30));
            changes += drain.changes();
            assertThat(applier.lag().changes()).isZero();
        }
        assertThat(writers.failures).isEmpty();
        assertThat(writers.committed.get()).isGreaterThan(50);
        assertThat(batches).isGreaterThan(1);
        assertThat(changes).isGreaterThan(50);
        System.out.printf("concurrent writers: %d transactions committed, %d changes applied in %d batches during the writes%n",
                writers.committed.get(), changes, batches);
        assertThat(m.identical()).isTrue();
        m.channel().disarm();
    }

    private static long changeLogRows(TestDatabases dbs) throws SQLException {
        try (Connection c = dbs.target()) {
            return Long.parseLong(rows(c, "SELECT count(*) FROM bascule_state.change_log").get(0).get(0));
        }
    }

    @Test
    void pruneDeletesOnlyAppliedChangesAndTheTouchedKeysStillListEveryKeyEverTouched(TestDatabases dbs) throws Exception {
        Migrated m = migrate(dbs);
        m.channel().arm();
        assertThat(m.channel().touchedKeys("customers")).isEmpty();
        assertThat(m.channel().touchedCount()).isEmpty();
        pg(dbs, "INSERT INTO customers (id, name, name_upper) VALUES (10, 'ten', 'TEN')",
                "UPDATE customers SET balance = 2 WHERE id = 1",
                "UPDATE order_lines SET line = 5 WHERE customer_id = 1 AND line = 2",
                "INSERT INTO order_lines VALUES (10, 1, 1, 'new')");
        pg(dbs, "DELETE FROM customers WHERE id = 2");   // and its order line (2, 1), by the cascade
        pg(dbs, "UPDATE customers SET id = 11 WHERE id = 3");
        try (ReverseApplier applier = m.channel().applier()) {
            assertThat(applier.prune()).as("nothing is applied yet").isZero();
            assertThat(changeLogRows(dbs)).isEqualTo(9);
            applier.drain(Duration.ofSeconds(30));
            assertThat(applier.prune(2)).as("2 per transaction, 5 transactions").isEqualTo(9);
            assertThat(changeLogRows(dbs)).isZero();
            assertThat(applier.prune()).isZero();
            // what was carried back stays countable, and every key touched is still known
            assertThat(applier.appliedPerTable()).isEqualTo(Map.of("customers", 5L, "order_lines", 4L));
            assertThat(m.channel().touchedKeys("customers")).containsExactly("[1]", "[2]", "[3]", "[10]", "[11]");
            assertThat(m.channel().touchedKeys("order_lines")).containsExactly("[1, 2]", "[1, 5]", "[2, 1]", "[10, 1]");
            assertThat(m.channel().touchedCount()).isEqualTo(Map.of("customers", 5L, "order_lines", 4L));

            // changes not applied yet stay in the change table through a prune, and count as touched
            pg(dbs, "UPDATE customers SET balance = 3 WHERE id = 1", "INSERT INTO customers (id, name, name_upper) VALUES (12, 'x', 'X')");
            assertThat(applier.prune()).isZero();
            assertThat(changeLogRows(dbs)).isEqualTo(2);
            assertThat(applier.lag().changes()).isEqualTo(2);
            assertThat(m.channel().touchedKeys("customers")).containsExactly("[1]", "[2]", "[3]", "[10]", "[11]", "[12]");
            assertThat(m.channel().touchedCount()).isEqualTo(Map.of("customers", 6L, "order_lines", 4L));
            applier.drain(Duration.ofSeconds(30));
            assertThat(applier.prune()).isEqualTo(2);
            assertThat(changeLogRows(dbs)).isZero();
            assertThat(applier.appliedPerTable()).isEqualTo(Map.of("customers", 7L, "order_lines", 4L));
            assertThat(m.channel().touchedCount()).isEqualTo(Map.of("customers", 6L, "order_lines", 4L));
        }
        assertThat(m.identical()).isTrue();
        assertThatThrownBy(() -> m.channel().touchedKeys("nope")).isInstanceOf(ReverseChannelException.class)
                .hasMessageContaining("nope").hasMessageContaining("customers, order_lines");
        // arming again (a retried step) keeps the touched keys
        assertThat(m.channel().arm().alreadyArmed()).isTrue();
        assertThat(m.channel().touchedCount()).isEqualTo(Map.of("customers", 6L, "order_lines", 4L));
        m.channel().disarm();
        assertThat(channelObjects(dbs)).isEmpty();
        assertThatThrownBy(() -> m.channel().touchedKeys("customers")).isInstanceOf(ReverseChannelException.class)
                .hasMessageContaining("not armed");
    }

    @Test
    void pruneUnderConcurrentWritersAndAnApplyLoopNeverDeletesAnUnappliedChange(TestDatabases dbs) throws Exception {
        Migrated m = migrate(dbs);
        m.channel().arm();
        long selfTestChanges;   // the self-test's probe changes: applied, then deleted with its scratch table, not pruned
        try (Connection my = dbs.source()) {
            selfTestChanges = Long.parseLong(rows(my, "SELECT applied_changes FROM bascule_state_reverse_position").get(0).get(0));
        }
        Writers writers = Writers.start(dbs, 2);
        long pruned = 0;
        int prunes = 0;
        try (ReverseApplyLoop loop = new ReverseApplyLoop(m.channel(), Duration.ofMillis(10), Duration.ofMinutes(10), null)
                .pruneEvery(Duration.ofMillis(150)).start();
             ReverseApplier pruner = m.channel().applier()) {
            long until = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < until) {
                pruned += pruner.prune(7);   // beside the loop's own prunes, in small steps
                prunes++;
            }
            writers.stop();
            assertThat(loop.stop(Duration.ofSeconds(30))).isTrue();
            assertThat(loop.lastError()).isNull();
            pruned += loop.prunedTotal();
            assertThat(loop.prunedTotal()).isPositive();
        }
        long finalPrune;
        long applied;
        try (ReverseApplier applier = m.channel().applier(); Connection my = dbs.source(); Connection p = dbs.target()) {
            applier.drain(Duration.ofSeconds(30));
            finalPrune = applier.prune();
            assertThat(changeLogRows(dbs)).isZero();
            applied = Long.parseLong(rows(my, "SELECT applied_changes FROM bascule_state_reverse_position").get(0).get(0))
                    - selfTestChanges;
            // every change applied was pruned exactly once, and none was pruned before it was applied
            assertThat(pruned + finalPrune).isEqualTo(applied);
            assertThat(Long.parseLong(rows(p, "SELECT sum(pruned_changes) FROM bascule_state.touched_keys").get(0).get(0)))
                    .isEqualTo(applied);
            // every customer the writers created is among the touched keys
            List<String> touched = m.channel().touchedKeys("customers");
            for (List<String> row : rows(p, "SELECT id FROM customers WHERE id > 3")) {
                assertThat(touched).contains("[" + row.get(0) + "]");
            }
        }
        assertThat(writers.failures).isEmpty();
        assertThat(writers.committed.get()).isGreaterThan(50);
        System.out.printf("prune under writers: %d transactions committed, %d changes applied, pruned in %d direct prunes and the"
                + " loop's%n", writers.committed.get(), applied, prunes);
        assertThat(m.identical()).isTrue();
        m.channel().disarm();
        assertThat(channelObjects(dbs)).isEmpty();
    }

    @Test
    void aBatchThatFailsBeforeItsCommitOrIsRepeatedWritesNothingTwice(TestDatabases dbs) throws Exception {
        Migrated m = migrate(dbs);
        m.channel().arm();
        pg(dbs, "UPDATE customers SET name = 'crash test', name_upper = 'CRASH TEST', balance = balance + 1 WHERE id = 1", "INSERT INTO order_lines VALUES (3, 1, 1, 'x')");
        try (ReverseApplier applier = m.channel().applier(); Connection my = dbs.source()) {
            applier.beforeCommit = () -> {
                throw new IllegalStateException("simulated crash before the position's commit");
            };
            assertThatThrownBy(applier::applyBatch).hasMessageContaining("simulated crash");
            assertThat(rows(my, "SELECT name, balance FROM customers WHERE id = 1")).containsExactly(List.of("Ada", "1234.5678"));
            assertThat(rows(my, "SELECT COUNT(*) FROM order_lines WHERE customer_id = 3")).containsExactly(List.of("0"));
            assertThat(applier.lag().changes()).isEqualTo(2);

            applier.beforeCommit = () -> { };
            ReverseApplier.Batch b = applier.applyBatch();
            assertThat(b.changes()).isEqualTo(2);
            assertThat(b.changesPerTable()).containsEntry("customers", 1L).containsEntry("order_lines", 1L);
            assertThat(applier.applyBatch().empty()).isTrue();
            assertThat(m.identical()).isTrue();

            // delivered again (the position set back): the same keys are written again, to the same values
            try (Statement st = my.createStatement()) {
                st.execute("UPDATE bascule_state_reverse_position SET horizon = " + b.from());
            }
            ReverseApplier.Batch again = applier.applyBatch();
            assertThat(again.changes()).isEqualTo(2);
            assertThat(rows(my, "SELECT name, balance FROM customers WHERE id = 1")).containsExactly(List.of("crash test", "1235.5678"));
            assertThat(rows(my, "SELECT COUNT(*) FROM order_lines WHERE customer_id = 3")).containsExactly(List.of("1"));
        }
        assertThat(m.identical()).isTrue();
        m.channel().disarm();
    }

    @Test
    void aTransactionLeftOpenHoldsTheDrainBackAndIsNamed(TestDatabases dbs) throws Exception {
        Migrated m = migrate(dbs);
        m.channel().arm();
        pg(dbs, "UPDATE customers SET balance = 1 WHERE id = 1");
        try (Connection open = dbs.target(); Statement st = open.createStatement(); ReverseApplier applier = m.channel().applier()) {
            open.setAutoCommit(false);
            st.execute("UPDATE customers SET balance = 2 WHERE id = 2");   // not committed: its transaction stays open
            pg(dbs, "UPDATE customers SET balance = 3 WHERE id = 3");      // committed after it: held back with it
            assertThatThrownBy(() -> applier.drain(Duration.ofMillis(500))).isInstanceOf(ReverseChannelException.class)
                    .hasMessageContaining("did not drain").hasMessageContaining("held back by pid")
                    .hasMessageContaining("UPDATE customers SET balance = 2");
            try (Connection my = dbs.source()) {
                // the change before the open transaction is applied, the one committed after it waits for it
                assertThat(rows(my, "SELECT id, balance FROM customers ORDER BY id")).containsExactly(
                        List.of("1", "1.0000"), List.of("2", "-0.0001"), Arrays.asList("3", null));
            }
            open.commit();
            assertThat(applier.drain(Duration.ofSeconds(10)).changes()).isEqualTo(2);
        }
        assertThat(m.identical()).isTrue();
        m.channel().disarm();
    }

    @Test
    void rowsSwappingAUniqueValueAreAppliedAndAUniqueKeyOnlyMysqlHasIsAReplayConflict(TestDatabases dbs) throws Exception {
        Migrated m = migrate(dbs);
        m.channel().arm();
        try (ReverseApplier applier = m.channel().applier(); Connection my = dbs.source()) {
            pg(dbs, "UPDATE customers SET email = 'a@x' WHERE id = 1", "UPDATE customers SET email = 'b@x' WHERE id = 2");
            applier.drain(Duration.ofSeconds(10));
            // one transaction swaps the two addresses: an upsert by primary key would hit the other row's unique value
            pg(dbs, "UPDATE customers SET email = 'tmp' WHERE id = 1", "UPDATE customers SET email = 'a@x' WHERE id = 2",
                    "UPDATE customers SET email = 'b@x' WHERE id = 1");
            applier.drain(Duration.ofSeconds(10));
            assertThat(rows(my, "SELECT id, email FROM customers WHERE email IS NOT NULL ORDER BY id"))
                    .containsExactly(List.of("1", "b@x"), List.of("2", "a@x"));
            // MySQL's unique key ignores case, PostgreSQL's does not: a conflict named, nothing written
            pg(dbs, "UPDATE customers SET email = 'A@X', balance = 5 WHERE id = 3");
            assertThatThrownBy(() -> applier.drain(Duration.ofMillis(300))).isInstanceOf(ReplayConflictException.class)
                    .hasMessageContaining("replay conflict").hasMessageContaining("customers key (id=3)")
                    .hasMessageContaining("Duplicate entry");
            assertThat(rows(my, "SELECT balance FROM customers WHERE id = 3")).containsExactly(Arrays.asList((String) null));
            pg(dbs, "UPDATE customers SET email = 'c@x' WHERE id = 3");
            applier.drain(Duration.ofSeconds(10));
        }
        assertThat(m.identical()).isTrue();
        m.channel().disarm();
    }

    @Test
    void aValueMysqlCannotTakeExactlyIsRefusedNamingTableKeyAndColumn(TestDatabases dbs) throws Exception {
        Migrated m = migrate(dbs);
        m.channel().arm();
        pg(dbs, "UPDATE customers SET code = 'A1 ' WHERE id = 1");
        try (ReverseApplier applier = m.channel().applier(); Connection my = dbs.source()) {
            assertThatThrownBy(applier::applyBatch).isInstanceOf(ReverseChannelException.class)
                    .hasMessageContaining("customers").hasMessageContaining("(id=1)").hasMessageContaining("column code")
                    .hasMessageContaining("CHAR drops");
            pg(dbs, "UPDATE customers SET code = 'A1' WHERE id = 1", "UPDATE customers SET score = 'NaN' WHERE id = 2");
            assertThatThrownBy(applier::applyBatch).hasMessageContaining("(id=2)").hasMessageContaining("column score")
                    .hasMessageContaining("NaN");
            pg(dbs, "UPDATE customers SET score = 1 WHERE id = 2", "UPDATE customers SET changed = '2040-01-01 00:00:00+00' WHERE id = 3");
            assertThatThrownBy(applier::applyBatch).hasMessageContaining("customers key (id=3)").hasMessageContaining("changed");
            assertThat(rows(my, "SELECT code FROM customers WHERE id = 1")).containsExactly(List.of("A1"));
            pg(dbs, "UPDATE customers SET changed = NULL WHERE id = 3");
            applier.drain(Duration.ofSeconds(10));
        }
        assertThat(m.identical()).isTrue();
        m.channel().disarm();
    }

    @Test
    void aBrokenChannelIsRefusedAtArmingAndLeavesNothingBehind(TestDatabases dbs) throws Exception {
        Migrated m = migrate(dbs);
        try (Connection my = dbs.source(); Statement st = my.createStatement()) {
            st.execute("ALTER TABLE customers DROP COLUMN ratio");
        }
        assertThatThrownBy(() -> m.channel().arm()).isInstanceOf(ReverseChannelException.class)
                .hasMessageContaining("cannot arm the reverse channel").hasMessageContaining("self-test failed")
                .hasMessageContaining("MySQL table customers").hasMessageContaining("ratio")
                .hasMessageContaining("nothing was left behind");
        assertThat(channelObjects(dbs)).isEmpty();

        // a table without a primary key is refused before anything is created
        try (Connection my = dbs.source(); Statement st = my.createStatement()) {
            st.execute("ALTER TABLE customers ADD COLUMN ratio FLOAT NULL AFTER score");
        }
        try (Connection pg = dbs.target(); Statement st = pg.createStatement()) {
            st.execute("CREATE TABLE nokey (a int)");
        }
        ConversionPlan plan = m.plan();
        ConversionPlan withKeyless = new ConversionPlan(plan.source(), plan.targetSchema(), new ArrayList<>(plan.tables()),
                plan.warnings(), plan.notConverted(), plan.errors(), plan.createsSchema());
        var customers = plan.table("customers");
        var keyless = new io.bascule.schema.TablePlan(new io.bascule.schema.SourceSchema.Table("nokey", 0, 0, null, null,
                customers.source().columns(), List.of(), List.of(), List.of(), List.of()), "nokey", customers.columns(), List.of(),
                List.of(), List.of(), List.of());
        withKeyless.tables().add(keyless);
        DatabaseEndpoint source = DatabaseEndpoint.of(DatabaseEndpoint.Side.SOURCE, dbs.sourceUrl(), "root", null);
        DatabaseEndpoint target = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, dbs.targetUrl(), "postgres", null);
        assertThatThrownBy(() -> new ReverseChannel(source, target, withKeyless, List.of("customers", "nokey")).arm())
                .hasMessageContaining("nokey").hasMessageContaining("no primary key");
        assertThat(channelObjects(dbs)).isEmpty();

        // repaired, the same channel arms and passes its self-test
        assertThat(m.channel().arm().selfTestSeconds()).isLessThan(30);
        assertThat(channelObjects(dbs)).containsExactlyInAnyOrder("trigger bascule_capture", "trigger bascule_capture",
                "function bascule_capture_customers", "function bascule_capture_order_lines", "relation change_log",
                "relation change_log_tx", "relation change_log_seq_seq", "relation touched_keys", "relation touched_keys_pkey",
                "mysql table bascule_state_reverse_position");
        m.channel().disarm();
        m.channel().disarm();   // idempotent
        assertThat(channelObjects(dbs)).isEmpty();
    }
}
