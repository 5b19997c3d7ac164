package io.bascule.rollback;

import io.bascule.database.DatabaseException;
import io.bascule.migration.KeyedVerification;
import io.bascule.migration.KeyedVerification.KeyedResult;
import io.bascule.migration.MigrationOptions;
import io.bascule.migration.Verifier;
import io.bascule.rollback.ReverseChannelFixture.Migrated;
import io.bascule.schema.TablePlan;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.bascule.rollback.ReverseChannelFixture.mysql;
import static io.bascule.rollback.ReverseChannelFixture.pg;
import static io.bascule.testing.QueryRows.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rollback's check of the keys touched since the switch: after the reverse channel's drain, the rows of those keys
 * compared on both sides with the GOLD verification's canonical comparison, on the embedded servers.
 */
@ExtendWith(EmbeddedDatabases.class)
class KeyedVerificationIT {

    /** A key of every type a key column usually has: text, decimal, date, binary, bigint, timestamp, time, datetime. */
    static final String KEYED_TABLE = "CREATE TABLE keyed (code VARCHAR(20) NOT NULL, amount DECIMAL(10,2) NOT NULL,"
            + " day DATE NOT NULL, tag VARBINARY(8) NOT NULL, big BIGINT NOT NULL, ts TIMESTAMP(6) NOT NULL,"
            + " tm TIME(2) NOT NULL, at DATETIME(3) NOT NULL, note VARCHAR(50) NULL,"
            + " PRIMARY KEY (code, amount, day, tag, big, ts, tm, at)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

    @TempDir
    Path work;

    private static KeyedVerification keyed(Migrated m) {
        return new KeyedVerification(m.source(), m.target(), "public");
    }

    private static void drain(Migrated m) {
        try (ReverseApplier applier = m.channel().applier()) {
            applier.drain(Duration.ofSeconds(30));
        }
    }

    @Test
    void touchedKeysAreIdenticalAfterADrainAndRowsChangedBehindTheChannelsBackAreNamed(TestDatabases dbs) throws Exception {
        Migrated m = ReverseChannelFixture.migrate(dbs, work);
        m.channel().arm();
        pg(dbs, "INSERT INTO customers (id, name, name_upper, balance, doc, photo, changed, wake, bits)"
                        + " VALUES (10, 'Zoë', 'ZOË', 12.5, '{\"a\": [1, 2]}', '\\x00ff', '2038-01-19 03:14:07.5+00', '23:59:59.99', B'0000000101')",
                "UPDATE customers SET name = 'Ada Lovelace', name_upper = 'ADA LOVELACE', balance = -1.0001 WHERE id = 1",
                "INSERT INTO order_lines VALUES (10, 1, 1, 'new')");
        pg(dbs, "DELETE FROM customers WHERE id = 2");   // and, by ON DELETE CASCADE, its line (2, 1)
        drain(m);
        TablePlan customers = m.plan().table("customers");
        TablePlan lines = m.plan().table("order_lines");

        KeyedResult c = keyed(m).verifyTouched(customers);
        assertThat(c.keysChecked()).isEqualTo(3);   // [1], [2] (deleted on both sides), [10]
        assertThat(c.identical()).isEqualTo(3);
        assertThat(c.matches()).as(c.summary()).isTrue();
        KeyedResult l = keyed(m).verifyTouched(lines);
        assertThat(l.keysChecked()).isEqualTo(2);   // [2, 1] deleted, [10, 1] inserted
        assertThat(l.matches()).as(l.summary()).isTrue();

        // behind the channel's back, on MySQL: one row changed, one deleted, one that PostgreSQL deleted written again
        mysql(dbs, "UPDATE customers SET balance = balance + 0.0001 WHERE id = 1",
                "DELETE FROM customers WHERE id = 10",   // its line (10, 1) goes too, by MySQL's cascade
                "INSERT INTO customers (id, name) VALUES (2, 'Bob again')",
                "UPDATE order_lines SET qty = 99 WHERE customer_id = 1 AND line = 1");
        c = keyed(m).verifyTouched(customers);
        assertThat(c.matches()).isFalse();
        assertThat(c.keysChecked()).isEqualTo(3);
        assertThat(c.identical()).isZero();
        assertThat(c.changed()).containsExactly("[1]");
        assertThat(c.missingOnMysql()).containsExactly("[10]");
        assertThat(c.extraOnMysql()).containsExactly("[2]");
        assertThat(List.of(c.changedCount(), c.missingCount(), c.extraCount())).containsExactly(1L, 1L, 1L);
        assertThat(c.summary()).contains("1 missing on MySQL [[10]]").contains("1 extra on MySQL [[2]]").contains("1 changed [[1]]");

        // keys given by hand, in any spelling: a composite key, one untouched since the switch, one absent on both sides
        l = keyed(m).verifyKeys(lines, List.of("[1,1]", "[1, 2]", "[10, 1]", "[2,1]", "[ 1 , 1 ]"));
        assertThat(l.keysChecked()).isEqualTo(4);
        assertThat(l.identical()).isEqualTo(2);     // [1, 2] the same, [2, 1] on neither side
        assertThat(l.changed()).containsExactly("[1, 1]");
        assertThat(l.missingOnMysql()).containsExactly("[10, 1]");
        assertThat(l.extraOnMysql()).isEmpty();

        // the GOLD verification of the whole tables names the same keys: one comparison (seen from the source MySQL,
        // a row only PostgreSQL has is missing there, one only MySQL has is extra there)
        Verifier.Result gold = m.service().verify(m.plan(), s -> { });
        Verifier.TableResult goldCustomers = gold.tables().stream().filter(t -> t.table().equals("customers")).findFirst().orElseThrow();
        assertThat(goldCustomers.changedKeys()).containsExactly("id=1");
        assertThat(goldCustomers.extraKeys()).containsExactly("id=10");
        assertThat(goldCustomers.missingKeys()).containsExactly("id=2");
        // and the verifier offers the keyed comparison itself
        KeyedResult viaVerifier = new Verifier(m.source(), m.target(), MigrationOptions.defaults("public"))
                .verifyKeys(customers, List.of("[1]", "[3]"));
        assertThat(viaVerifier.changed()).containsExactly("[1]");
        assertThat(viaVerifier.identical()).isEqualTo(1);

        // several tables in one call, in order
        Map<TablePlan, List<String>> both = new LinkedHashMap<>();
        both.put(customers, List.of("[3]"));
        both.put(lines, List.of("[1, 2]"));
        assertThat(keyed(m).verifyKeys(both)).extracting(KeyedResult::table, KeyedResult::matches)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("customers", true), org.assertj.core.groups.Tuple.tuple("order_lines", true));
        m.channel().disarm();
    }

    @Test
    void keysOfEveryTypeAreConvertedForEachSideAndATextKeyMysqlSpellsOtherwiseIsNamed(TestDatabases dbs) throws Exception {
        Migrated m = ReverseChannelFixture.migrate(dbs, work, KEYED_TABLE);
        m.channel().arm();
        pg(dbs, "INSERT INTO keyed VALUES ('abc', 12.50, '2024-02-29', '\\x00ff10', 9007199254740993,"
                        + " '2024-05-01 10:11:12.123456+00', '07:30:00.25', '2024-05-01 10:11:12.345', 'one'),"
                        + " ('é ✓', -0.01, '1970-01-01', '\\x', -9223372036854775808, '1971-01-01 00:00:01+00', '00:00:00.01',"
                        + " '1999-12-31 23:59:59.999', NULL),"
                        + " ('abc', 12.50, '2024-02-29', '\\x00ff10', 9007199254740992,"
                        + " '2024-05-01 10:11:12.123456+00', '07:30:00.25', '2024-05-01 10:11:12.345', 'its neighbour')");
        drain(m);
        TablePlan keyedTable = m.plan().table("keyed");
        KeyedResult r = keyed(m).verifyTouched(keyedTable);
        assertThat(r.keysChecked()).isEqualTo(3);
        assertThat(r.matches()).as(r.summary()).isTrue();

        // 2^53 + 1 and 2^53 are different keys (no comparison through a double): one row changed, its neighbour not
        mysql(dbs, "UPDATE keyed SET note = 'two' WHERE big = 9007199254740993");
        r = keyed(m).verifyTouched(keyedTable);
        assertThat(r.changed()).hasSize(1).allMatch(k -> k.contains("9007199254740993"));
        assertThat(r.identical()).isEqualTo(2);
        // asked for alone, 2^53 brings back its own row only, not 2^53 + 1 as a row MySQL spells otherwise
        String neighbour;
        try (var c = dbs.target()) {
            neighbour = rows(c, "SELECT jsonb_build_array(code, amount, day, tag, big, ts, tm, at)::text FROM keyed"
                    + " WHERE big = 9007199254740992").get(0).get(0);
        }
        r = keyed(m).verifyKeys(keyedTable, List.of(neighbour));
        assertThat(List.of(r.keysChecked(), r.identical(), r.extraCount())).containsExactly(1L, 1L, 0L);

        // MySQL's collation ignores case: 'ABC' is the row MySQL finds for 'abc', but its key is another
        mysql(dbs, "UPDATE keyed SET code = 'ABC', note = 'one' WHERE big = 9007199254740993");
        r = keyed(m).verifyTouched(keyedTable);
        assertThat(r.missingOnMysql()).hasSize(1).allMatch(k -> k.startsWith("[\"abc\", 12.50,") && k.contains("9007199254740993"));
        assertThat(r.extraOnMysql()).hasSize(1).allMatch(k -> k.startsWith("[\"ABC\", 12.50,") && k.contains("9007199254740993"));
        assertThat(List.of(r.keysChecked(), r.identical(), r.missingCount(), r.extraCount(), r.changedCount()))
                .containsExactly(3L, 2L, 1L, 1L, 0L);
        m.channel().disarm();
    }

    @Test
    void twoThousandKeysAreReadInBatchesWithExactCountsAndCappedSamples(TestDatabases dbs) throws Exception {
        Migrated m = ReverseChannelFixture.migrate(dbs, work);
        m.channel().arm();
        pg(dbs, "INSERT INTO customers (id, name, name_upper, balance) SELECT g, 'c' || g, 'C' || g, g / 7.0"
                + " FROM generate_series(100, 2099) g");
        drain(m);
        TablePlan customers = m.plan().table("customers");
        KeyedVerification batchesOf300 = keyed(m).withBatchKeys(300);   // 6 full batches and one of 200
        KeyedResult r = batchesOf300.verifyTouched(customers);
        assertThat(r.keysChecked()).isEqualTo(2000);
        assertThat(r.identical()).isEqualTo(2000);
        assertThat(r.matches()).isTrue();

        mysql(dbs, "UPDATE customers SET name = CONCAT(name, '!') WHERE id BETWEEN 1000 AND 1024",   // 25 changed
                "DELETE FROM customers WHERE id IN (100, 1599, 2099)");                           // first, middle, last
        List<String> keys = new ArrayList<>();
        IntStream.range(100, 2100).forEach(i -> keys.add("[" + i + "]"));
        keys.add("[100]");      // given twice
        keys.add("[ 1599 ]");   // another spelling of a key given already, in another batch
        r = batchesOf300.verifyKeys(customers, keys);
        assertThat(r.keysChecked()).isEqualTo(2000);
        assertThat(r.changedCount()).isEqualTo(25);
        assertThat(r.changed()).hasSize(20).doesNotHaveDuplicates()
                .allMatch(k -> k.matches("\\[10[0-2][0-9]]"));
        assertThat(r.missingCount()).isEqualTo(3);
        assertThat(r.missingOnMysql()).containsExactlyInAnyOrder("[100]", "[1599]", "[2099]");
        assertThat(r.extraCount()).isZero();
        assertThat(r.identical()).isEqualTo(2000 - 25 - 3);
        // the same with the default batch size
        KeyedResult defaults = keyed(m).verifyKeys(customers, keys);
        assertThat(List.of(defaults.keysChecked(), defaults.identical(), defaults.changedCount(), defaults.missingCount()))
                .containsExactly(2000L, 1972L, 25L, 3L);
        m.channel().disarm();
    }

    @Test
    void aKeyThatDoesNotFitTheTablesKeyIsRefusedNamingIt(TestDatabases dbs) throws Exception {
        Migrated m = ReverseChannelFixture.migrate(dbs, work);
        TablePlan lines = m.plan().table("order_lines");
        assertThatThrownBy(() -> keyed(m).verifyKeys(lines, List.of("[1]"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key [1] of table order_lines").hasMessageContaining("line")
                .hasMessageContaining("[customer_id, line]");
        assertThatThrownBy(() -> keyed(m).verifyKeys(m.plan().table("customers"), List.of("[\"x\"]")))
                .isInstanceOf(DatabaseException.class).hasMessageContaining("customers").hasMessageContaining("\"x\"");
        assertThat(keyed(m).verifyKeys(lines, List.of()).matches()).isTrue();
    }
}
