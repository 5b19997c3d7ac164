package io.bascule.cutover;

import io.bascule.migration.Progress;
import io.bascule.migration.Verifier;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The final delta on the embedded servers: rows inserted, updated and deleted on MySQL after the GOLD copy are carried
 * exactly, the verification is identical afterwards, a second run carries nothing, the dry run changes nothing. The
 * shared MariaDB server is never frozen (read_only is global): these runs do not require MySQL read-only.
 */
@ExtendWith(EmbeddedDatabases.class)
class FinalDeltaIT {

    @TempDir
    Path work;

    /** The changes on MySQL after GOLD: every kind on every keyed table, one table without key, one untouched. */
    static final String[] CHANGES = {
            "UPDATE customers SET name = 'Bobby', balance = 99.5, doc = '{\"x\": [1, \"ü\"]}', photo = X'ABCD00',"
                    + " ratio = 0.25, bits = b'1111100000', wake = '-01:02:03.5' WHERE id = 2",
            "DELETE FROM customers WHERE id = 3",
            // takes the e-mail of the deleted row: PostgreSQL's unique index refuses it until the delete has run
            "INSERT INTO customers (id, name, code, active, balance, born, seen, changed, wake, kind, tags, doc, photo, score,"
                    + " ratio, bits, yr, email) VALUES (4, 'Dora', 'D', 0, 12.3456, '2001-09-11', '2024-06-01 01:02:03.456',"
                    + " '2024-06-01 01:02:03.654321', '838:59:59', 'b', 'x,y', '{\"a\": null}', X'', -0.0, 1.5, b'1',"
                    + " 2024, 'chloe@example.org')",
            "INSERT INTO customers (name, active) VALUES ('Émile 😀', 1)",
            "UPDATE order_lines SET qty = 4, note = 'changed' WHERE customer_id = 1 AND line = 1",
            "INSERT INTO order_lines VALUES (1, 3, 2, 'new'), (4, 1, 5, 'for Dora')",
            "DELETE FROM order_lines WHERE customer_id = 1 AND line = 2",
            // the ON UPDATE CURRENT_TIMESTAMP column kept as it was: PostgreSQL's trigger must not set it
            "UPDATE notes SET body = 'first, edited', touched = touched WHERE code = 'a'",
            "INSERT INTO notes VALUES ('b', 'second', '2024-01-02 10:00:00')",
            "DELETE FROM notes WHERE code = 'c'",
            "INSERT INTO log_lines VALUES ('2024-01-03 00:00:00', 'later')",
            "DELETE FROM log_lines WHERE msg IS NULL",
            "DELETE FROM readings WHERE taken = '2024-01-01 00:00:00.500'",
            "UPDATE readings SET v = 9.75 WHERE sensor = 'b'",
            "INSERT INTO readings VALUES ('2024-01-03 12:00:00.123', 'c', 3.25)",
            "DELETE FROM blobs WHERE k = X'00FF'",
            "UPDATE blobs SET v = 20 WHERE k = X'01'",
            "INSERT INTO blobs VALUES (X'02', 4)"
    };

    private static FinalDelta delta(CutoverFixture.Gold gold) {
        return new FinalDelta(gold.source(), gold.target(), gold.options(), gold.work())
                .withOptions(FinalDelta.Options.defaults().withRequireReadOnly(false));
    }

    private static Map<String, long[]> counts(FinalDelta.Result r) {
        return r.tables().stream().collect(Collectors.toMap(FinalDelta.TableDelta::table,
                t -> new long[]{t.inserted(), t.updated(), t.deleted()}));
    }

    @Test
    void carriesExactlyTheRowsChangedOnMySqlAndASecondRunCarriesNothing(TestDatabases dbs) throws Exception {
        CutoverFixture.Gold gold = CutoverFixture.migrate(dbs, work);
        CutoverFixture.mysql(dbs, CHANGES);
        assertThat(gold.verify().matches()).as("the changes make the sides differ").isFalse();
        List<Progress.Snapshot> progress = new CopyOnWriteArrayList<>();

        FinalDelta.Result r = delta(gold).run(false, progress::add);

        Map<String, long[]> counts = counts(r);
        assertThat(counts.keySet()).containsExactlyInAnyOrder("customers", "order_lines", "notes", "log_lines", "readings", "blobs");
        assertThat(counts.get("readings")).containsExactly(1, 1, 1);
        assertThat(counts.get("blobs")).containsExactly(1, 1, 1);
        assertThat(counts.get("customers")).containsExactly(2, 1, 1);
        assertThat(counts.get("order_lines")).containsExactly(2, 1, 1);
        assertThat(counts.get("notes")).containsExactly(1, 1, 1);
        assertThat(counts.get("log_lines")).containsExactly(1, 0, 1);
        assertThat(r.tables().stream().filter(FinalDelta.TableDelta::copiedWhole).map(FinalDelta.TableDelta::table))
                .containsExactly("log_lines");
        assertThat(r.verification().matches()).isTrue();
        assertThat(r.verification().tables()).hasSize(CutoverFixture.TABLES.size());
        assertThat(r.passes()).isEqualTo(2);
        assertThat(r.lines()).noneMatch(CheckLine::failed);
        assertThat(progress).extracting(Progress.Snapshot::step).contains("final delta: compare", "final delta: copy",
                "final delta: verify");

        // a fresh verification, the migration's own, finds both sides identical
        Verifier.Result again = gold.verify();
        assertThat(again.matches()).as(again.tables().stream().map(Verifier.TableResult::summary).toList().toString()).isTrue();
        // the rows as MySQL has them, values PostgreSQL's trigger would have changed kept
        assertThat(CutoverFixture.pgRows(dbs, "SELECT code, body, touched::text FROM notes ORDER BY code")).containsExactly(
                List.of("a", "first, edited", "2024-01-01 10:00:00+00"), List.of("b", "second", "2024-01-02 10:00:00+00"),
                List.of("é", "accent", "2024-01-04 10:00:00+00"));
        assertThat(CutoverFixture.pgRows(dbs, "SELECT id::text, name, email FROM customers ORDER BY id")).containsExactly(
                List.of("1", "Ada", "ada@example.org"), Arrays.asList("2", "Bobby", null),
                List.of("4", "Dora", "chloe@example.org"), Arrays.asList("5", "Émile 😀", null));
        // the triggers are on again, as they were
        assertThat(CutoverFixture.pgRows(dbs, "SELECT tgenabled::text FROM pg_trigger WHERE tgrelid = 'public.notes'::regclass"
                + " AND NOT tgisinternal")).containsExactly(List.of("O"));
        // the identity hands out ids after the carried ones (MySQL's AUTO_INCREMENT is 6)
        assertThat(r.identities()).anyMatch(l -> l.contains("customers.id hands out 6 next"));
        assertThat(CutoverFixture.pgRows(dbs, "SELECT nextval(pg_get_serial_sequence('public.customers', 'id'))::text"))
                .containsExactly(List.of("6"));

        FinalDelta.Result second = delta(gold).run(false, s -> { });
        assertThat(second.tables()).isEmpty();
        assertThat(second.inserted() + second.updated() + second.deleted()).isZero();
        assertThat(second.passes()).isEqualTo(1);
        assertThat(second.verification().matches()).isTrue();
        assertThat(second.lines()).anyMatch(l -> l.text().contains("nothing was carried"));
    }

    @Test
    void theDryRunSaysWhatItWouldCarryAndChangesNothing(TestDatabases dbs) throws Exception {
        CutoverFixture.Gold gold = CutoverFixture.migrate(dbs, work);
        CutoverFixture.mysql(dbs, CHANGES);
        Map<String, Object> before = CutoverFixture.targetSnapshot(dbs);

        FinalDelta.Result dry = delta(gold).run(true, s -> { });

        assertThat(CutoverFixture.targetSnapshot(dbs)).isEqualTo(before);
        assertThat(dry.dryRun()).isTrue();
        assertThat(dry.verification()).isNull();
        assertThat(dry.found().matches()).isFalse();
        Map<String, long[]> counts = counts(dry);
        assertThat(counts.get("customers")).containsExactly(2, 1, 1);
        assertThat(counts.get("order_lines")).containsExactly(2, 1, 1);
        assertThat(counts.get("notes")).containsExactly(1, 1, 1);
        assertThat(counts.get("log_lines")).containsExactly(1, 0, 1);
        assertThat(counts.get("readings")).containsExactly(1, 1, 1);
        assertThat(counts.get("blobs")).containsExactly(1, 1, 1);
        assertThat(dry.lines()).anyMatch(l -> l.text().startsWith("customers: would insert 2, update 1, delete 1"));
        assertThat(dry.lines()).anyMatch(l -> l.text().contains("may create the temporary staging tables"));
        assertThat(dry.lines()).noneMatch(CheckLine::failed);
        assertThat(dry.summary()).contains("nothing was changed");

        // what it said is what the run then does
        FinalDelta.Result run = delta(gold).run(false, s -> { });
        Map<String, long[]> done = counts(run);
        counts.forEach((t, c) -> assertThat(done.get(t)).as(t).containsExactly(c));
        assertThat(gold.verify().matches()).isTrue();
    }

    @Test
    void refusesToCarryWhileMySqlIsWritableWhenTheFreezeIsRequired(TestDatabases dbs) throws Exception {
        CutoverFixture.Gold gold = CutoverFixture.migrate(dbs, work);
        CutoverFixture.mysql(dbs, CHANGES);
        Map<String, Object> before = CutoverFixture.targetSnapshot(dbs);

        assertThatThrownBy(() -> new FinalDelta(gold.source(), gold.target(), gold.options(), gold.work()).run(false, s -> { }))
                .isInstanceOf(CutoverPhaseException.class)
                .hasMessageContaining("MySQL is writable")
                .hasMessageContaining("freeze MySQL first");
        assertThat(CutoverFixture.targetSnapshot(dbs)).isEqualTo(before);
    }

    @Test
    void aRowThatNoOrderCanWriteFailsNamingTheConstraintAndAppliesNothing(TestDatabases dbs) throws Exception {
        CutoverFixture.Gold gold = CutoverFixture.migrate(dbs, work);
        // a constraint PostgreSQL has and MySQL not (added by hand after GOLD): the row 'b' can never go in
        CutoverFixture.pg(dbs, "ALTER TABLE notes ADD CONSTRAINT no_b CHECK (code <> 'b')");
        CutoverFixture.mysql(dbs, CHANGES);
        Map<String, Object> before = CutoverFixture.targetSnapshot(dbs);

        assertThatThrownBy(() -> delta(gold).run(false, s -> { }))
                .isInstanceOf(CutoverPhaseException.class)
                .hasMessageContaining("a constraint refuses them: insert of notes")
                .hasMessageContaining("no_b")
                .hasMessageContaining("nothing of this pass was applied");
        // all tables as they were: the other tables' rows, the triggers (on), the identities
        assertThat(CutoverFixture.targetSnapshot(dbs)).isEqualTo(before);
    }

    @Test
    void aChangeWithoutAnyDifferenceLeavesThePhaseWithNothingToDo(TestDatabases dbs) throws Exception {
        CutoverFixture.Gold gold = CutoverFixture.migrate(dbs, work);
        // written and taken back: MySQL's rows are those of the GOLD copy again
        CutoverFixture.mysql(dbs, "UPDATE notes SET body = 'x', touched = touched WHERE code = 'a'",
                "UPDATE notes SET body = 'first', touched = touched WHERE code = 'a'");
        Map<String, Object> before = CutoverFixture.targetSnapshot(dbs);

        FinalDelta.Result r = delta(gold).run(false, s -> { });

        assertThat(r.tables()).isEmpty();
        assertThat(r.verification().matches()).isTrue();
        // the identity is moved past MySQL's AUTO_INCREMENT, which is where the GOLD copy left it
        assertThat(CutoverFixture.targetSnapshot(dbs)).isEqualTo(before);
    }
}
