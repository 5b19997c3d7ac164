package io.bascule.migration;

import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.MySqlDialect;
import io.bascule.database.MySqlRows;
import io.bascule.database.PostgresDialect;
import io.bascule.schema.ColumnMapping;
import io.bascule.schema.TablePlan;
import io.bascule.schema.ValueKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Row verification by key set: the rows of given primary keys compared on MySQL/MariaDB and PostgreSQL with the
 * {@link Verifier}'s comparison (each value in its canonical form, {@link ValueCodec}; a row as its {@link RowHash}
 * over them in column order; rows matched by their canonical key values), for the keys the application touched on
 * PostgreSQL since the switch, which the reverse channel carried back.
 *
 * <p>Keys are given as the reverse channel's change table holds them: the jsonb text of {@code jsonb_build_array}
 * of the key columns' PostgreSQL values ({@code [1]}, {@code [1, "a"]}). PostgreSQL converts each element to its
 * column's type as the applier does ({@code (pk->>i)::type}), reads the rows of a batch of keys (each value's text by
 * a {@code ::text} cast: for the types the plan creates the text COPY gives the {@link Verifier}, a boolean as
 * true/false where COPY prints t/f, both read alike by {@link ValueCodec#canonicalTarget}; a column whose type was
 * overridden to char(n) would lose its trailing spaces here) and prints the keys' values; MySQL is asked for the same keys with
 * bind parameters ({@code MySqlDialect.rowsByKeys}). Per key: the same row on both sides, or no row on either side
 * (deleted on PostgreSQL and carried back), is identical; a row on PostgreSQL only is missing on MySQL; a row on
 * MySQL only is extra; rows whose hashes differ are changed. A MySQL row that its collation matches to a requested
 * key but whose key differs in bytes (case, trailing spaces), and that was not requested itself, counts as extra,
 * named by its canonical key values. Samples name at most {@value Verifier#SAMPLE_LIMIT} keys of each kind, counts
 * are exact.
 *
 * <p>The keys are read in batches of {@value #DEFAULT_BATCH_KEYS}; the application must not write to either side
 * while the keys are compared (the rollback runs it with MySQL read-only and PostgreSQL's writers stopped).
 */
public final class KeyedVerification {

    public static final int DEFAULT_BATCH_KEYS = 500;
    private static final Logger log = LoggerFactory.getLogger(KeyedVerification.class);

    private final DatabaseEndpoint source;
    private final DatabaseEndpoint target;
    private final String targetSchema;
    private final int batchKeys;
    private final MySqlDialect mysql;
    private final PostgresDialect pg;

    /**
     * @param source       the MySQL/MariaDB database (any login that reads the tables)
     * @param target       the PostgreSQL database
     * @param targetSchema the schema of the migrated tables on PostgreSQL
     */
    public KeyedVerification(DatabaseEndpoint source, DatabaseEndpoint target, String targetSchema) {
        this(source, target, targetSchema, DEFAULT_BATCH_KEYS);
    }

    private KeyedVerification(DatabaseEndpoint source, DatabaseEndpoint target, String targetSchema, int batchKeys) {
        this.source = source;
        this.target = target;
        this.targetSchema = targetSchema;
        this.batchKeys = batchKeys;
        this.mysql = new MySqlDialect(source);
        this.pg = new PostgresDialect(target);
    }

    /** The same verification reading {@code keys} keys per query. */
    public KeyedVerification withBatchKeys(int keys) {
        if (keys < 1) {
            throw new IllegalArgumentException("a batch holds at least one key, not " + keys);
        }
        return new KeyedVerification(source, target, targetSchema, keys);
    }

    /**
     * The comparison of one table's keys. {@code keysChecked}: the distinct keys; {@code identical}: those with the same
     * row (or no row) on both sides. The lists are samples of at most {@value Verifier#SAMPLE_LIMIT} keys (jsonb text
     * as PostgreSQL prints it), the counts exact.
     */
    public record KeyedResult(String table, long keysChecked, long identical, List<String> missingOnMysql,
                              List<String> extraOnMysql, List<String> changed, long missingCount, long extraCount,
                              long changedCount) {
        public boolean matches() {
            return identical == keysChecked && missingCount == 0 && extraCount == 0 && changedCount == 0;
        }

        public String summary() {
            return matches() ? String.format("%s: %,d keys identical", table, keysChecked)
                    : String.format("%s: %,d keys checked, %,d identical: %d missing on MySQL %s, %d extra on MySQL %s,"
                    + " %d changed %s", table, keysChecked, identical, missingCount, missingOnMysql, extraCount,
                    extraOnMysql, changedCount, changed);
        }
    }

    /**
     * Compares the rows of the given keys (jsonb text, {@code [1]}, {@code [1, "x"]}) on both sides.
     *
     * @throws IllegalArgumentException when the table has no primary key, or a key is not a JSON array with a value
     *                                  for every key column
     * @throws io.bascule.database.DatabaseException when a query fails (a key PostgreSQL cannot convert to its column's
     *                                  type among them), naming the server
     */
    public KeyedResult verifyKeys(TablePlan table, Collection<String> pkJsonKeys) {
        requireKey(table);
        try (Connection my = source.open(); Connection tg = target.open()) {
            Run run = new Run(table, my, tg);
            Batcher batcher = new Batcher(run);
            new LinkedHashSet<>(pkJsonKeys).forEach(batcher);
            return batcher.finish();
        } catch (SQLException e) {
            throw target.failure("closing the connections of the keyed verification of " + table.source().name(), e);
        }
    }

    /** {@link #verifyKeys(TablePlan, Collection)} for several tables, in the map's order. */
    public List<KeyedResult> verifyKeys(Map<TablePlan, ? extends Collection<String>> keysPerTable) {
        List<KeyedResult> results = new ArrayList<>();
        keysPerTable.forEach((t, keys) -> results.add(verifyKeys(t, keys)));
        return results;
    }

    /**
     * Compares the rows of every key of the table in the reverse channel's change table
     * ({@code bascule_state.change_log}, read through a cursor): the keys the application touched on PostgreSQL since
     * the channel was armed. Run it after the channel's final drain and before it is disarmed.
     */
    public KeyedResult verifyTouched(TablePlan table) {
        requireKey(table);
        try (Connection my = source.open(); Connection tg = target.open(); Connection keys = target.open()) {
            Run run = new Run(table, my, tg);
            Batcher batcher = new Batcher(run);
            pg.touchedKeys(keys, table.source().name(), batcher);
            return batcher.finish();
        } catch (SQLException e) {
            throw target.failure("closing the connections of the keyed verification of " + table.source().name(), e);
        }
    }

    /** {@link #verifyTouched(TablePlan)} for several tables, in order. */
    public List<KeyedResult> verifyTouched(List<TablePlan> tables) {
        return tables.stream().map(this::verifyTouched).toList();
    }

    private static void requireKey(TablePlan t) {
        if (!t.source().hasPrimaryKey()) {
            throw new IllegalArgumentException("table " + t.source().name() + " has no primary key, so its rows cannot be"
                    + " verified by key; verify it whole (the verify command)");
        }
    }

    /** Collects keys into batches of {@link #batchKeys} and runs each. */
    private final class Batcher implements Consumer<String> {
        private final Run run;
        private final List<String> batch = new ArrayList<>();

        Batcher(Run run) {
            this.run = run;
        }

        @Override
        public void accept(String key) {
            batch.add(key);
            if (batch.size() >= batchKeys) {
                flush();
            }
        }

        private void flush() {
            if (!batch.isEmpty()) {
                run.batch(List.copyOf(batch));
                batch.clear();
            }
        }

        KeyedResult finish() {
            flush();
            KeyedResult r = run.result();
            log.info("keyed verification: {}", r.summary());
            return r;
        }
    }

    /** A requested key: its jsonb text, canonical key values, and each side's row hash (null: no row). */
    private static final class Pending {
        final String pk;
        final String[] key;
        final RowHash postgres;
        RowHash mysql;

        Pending(String pk, String[] key, RowHash postgres) {
            this.pk = pk;
            this.key = key;
            this.postgres = postgres;
        }
    }

    /** The comparison of one table's keys, batch by batch. */
    private final class Run {
        final TablePlan t;
        final Connection my;
        final Connection tg;
        final List<ColumnMapping> cols;
        final List<ColumnMapping> keys;
        final int[] keyIndex;
        /** Canonical keys compared so far (a key given twice, in two spellings, counts once). */
        final Set<String> seen = new HashSet<>();
        /** MySQL rows returned for a requested key whose own key is another (MySQL's collation): canonical key, shown. */
        final Map<String, String> variants = new LinkedHashMap<>();
        long checked;
        long identical;
        long missing;
        long extra;
        long changed;
        final List<String> missingKeys = new ArrayList<>();
        final List<String> extraKeys = new ArrayList<>();
        final List<String> changedKeys = new ArrayList<>();

        Run(TablePlan t, Connection my, Connection tg) {
            this.t = t;
            this.my = my;
            this.tg = tg;
            this.cols = t.columns();
            this.keys = t.keyColumns();
            this.keyIndex = keys.stream().mapToInt(cols::indexOf).toArray();
        }

        void batch(List<String> pkJson) {
            Map<String, Pending> pending = new LinkedHashMap<>();
            for (PostgresDialect.KeyedRow r : pg.rowsByKeys(tg, targetSchema, t, pkJson)) {
                String[] key = new String[keys.size()];
                for (int i = 0; i < key.length; i++) {
                    byte[] c = ValueCodec.canonicalTarget(keys.get(i), utf8(r.key()[i]));
                    if (c == null) {
                        throw new IllegalArgumentException("key " + r.pk() + " of table " + t.source().name()
                                + " gives no value for its key column " + keys.get(i).source().name() + ": a key is a JSON"
                                + " array of the values of " + keys.stream().map(k -> k.source().name()).toList()
                                + " in this order, as the reverse channel's change table holds it (e.g. "
                                + (keys.size() == 1 ? "[1]" : "[1, \"a\"]") + ")");
                    }
                    key[i] = new String(c, StandardCharsets.UTF_8);
                }
                String id = KeyText.encode(key);
                if (!seen.add(id)) {
                    continue;
                }
                RowHash h = null;
                if (r.values() != null) {
                    h = new RowHash();
                    for (int i = 0; i < cols.size(); i++) {
                        h.add(ValueCodec.canonicalTarget(cols.get(i), utf8(r.values()[i])));
                    }
                }
                pending.put(id, new Pending(r.pk(), key, h));
            }
            if (pending.isEmpty()) {
                return;
            }
            List<String[]> wanted = pending.values().stream().map(p -> p.key).toList();
            try (MySqlDialect.RowStream stream = mysql.rowsByKeys(my, t, wanted)) {
                MySqlRows rows = stream.rows();
                byte[][] canonical = new byte[cols.size()][];
                while (rows.next()) {
                    RowHash h = new RowHash();
                    for (int i = 0; i < cols.size(); i++) {
                        canonical[i] = ValueCodec.canonicalSource(cols.get(i), rows.get(i + 1));
                        h.add(canonical[i]);
                    }
                    String[] key = new String[keys.size()];
                    for (int j = 0; j < key.length; j++) {
                        byte[] c = canonical[keyIndex[j]];
                        key[j] = c == null ? null : new String(c, StandardCharsets.UTF_8);
                    }
                    String id = KeyText.encode(key);
                    Pending p = pending.get(id);
                    if (p != null) {
                        p.mysql = h;
                    } else {
                        variants.putIfAbsent(id, shown(key));
                    }
                }
            } catch (SQLException e) {
                throw source.failure("reading the rows of " + wanted.size() + " keys of " + t.source().name(), e);
            }
            for (Pending p : pending.values()) {
                checked++;
                if (p.postgres == null && p.mysql == null) {
                    identical++;   // deleted on PostgreSQL, and on MySQL
                } else if (p.mysql == null) {
                    missing++;
                    sample(missingKeys, p.pk);
                } else if (p.postgres == null) {
                    extra++;
                    sample(extraKeys, p.pk);
                } else if (p.postgres.high() != p.mysql.high() || p.postgres.low() != p.mysql.low()) {
                    changed++;
                    sample(changedKeys, p.pk);
                } else {
                    identical++;
                }
            }
        }

        KeyedResult result() {
            variants.forEach((id, shown) -> {
                if (!seen.contains(id)) {
                    extra++;
                    sample(extraKeys, shown);
                }
            });
            return new KeyedResult(t.source().name(), checked, identical, List.copyOf(missingKeys), List.copyOf(extraKeys),
                    List.copyOf(changedKeys), missing, extra, changed);
        }

        /** Canonical key values as a JSON array, numbers bare (a MySQL row's key that was not asked for). */
        private String shown(String[] key) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < key.length; i++) {
                sb.append(i > 0 ? ", " : "");
                ValueKind kind = keys.get(i).kind();
                if (key[i] == null) {
                    sb.append("null");
                } else if (kind == ValueKind.INTEGER || kind == ValueKind.DECIMAL || kind == ValueKind.YEAR) {
                    sb.append(key[i]);
                } else {
                    sb.append('"');
                    key[i].chars().forEach(ch -> {
                        if (ch == '"' || ch == '\\') {
                            sb.append('\\').append((char) ch);
                        } else if (ch < 0x20) {
                            sb.append(String.format("\\u%04x", ch));
                        } else {
                            sb.append((char) ch);
                        }
                    });
                    sb.append('"');
                }
            }
            String json = sb.append(']').toString();
            byte[] canonical = JsonCanonical.of(json.getBytes(StandardCharsets.UTF_8));
            return canonical == null ? json : new String(canonical, StandardCharsets.UTF_8);
        }
    }

    private static void sample(List<String> list, String key) {
        if (list.size() < Verifier.SAMPLE_LIMIT) {
            list.add(key);
        }
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
