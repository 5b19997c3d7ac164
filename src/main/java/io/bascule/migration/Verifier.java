package io.bascule.migration;

import io.bascule.database.ConnectionPool;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.DatabaseException;
import io.bascule.database.MySqlDialect;
import io.bascule.database.MySqlRows;
import io.bascule.database.PostgresDialect;
import io.bascule.schema.ColumnMapping;
import io.bascule.schema.ConversionPlan;
import io.bascule.schema.KeyRange;
import io.bascule.schema.TablePlan;
import io.bascule.schema.ValueKind;
import org.postgresql.copy.CopyOut;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Compares every row of source and target. Per key range, a checksum of the source rows (taken during the copy, or
 * read now) is compared with the checksum PostgreSQL computes over the target rows itself ({@link RangeSum}: each
 * value in its canonical form, {@link ValueCodec}); only a range whose checksums differ is read from both engines,
 * ordered the same way (by the key, text keys by their UTF-8 bytes), and a merge of the two streams names every
 * missing, extra and changed primary key. Tables without a primary key are compared as multisets of rows. Where the
 * target cannot compute the checksums (another byte order, a type whose canonical form has no SQL here), its rows
 * are read and hashed here.
 */
public final class Verifier {

    static final int SAMPLE_LIMIT = 20;
    private static final Logger log = LoggerFactory.getLogger(Verifier.class);

    private final DatabaseEndpoint source;
    private final DatabaseEndpoint target;
    private final MigrationOptions options;
    private final MySqlDialect mysql;
    private final PostgresDialect pg;
    /** Whether the target computes the row checksums of copied ranges itself (see serverHashes). */
    private volatile boolean serverHashing;
    /** Told every differing key of the running verification, or null ({@link #verify(ConversionPlan, Progress, Differences)}). */
    private volatile Differences differences;
    /** The connections of one verification, shared by its range tasks. */
    private volatile ConnectionPool sources;
    private volatile ConnectionPool targets;

    public Verifier(DatabaseEndpoint source, DatabaseEndpoint target, MigrationOptions options) {
        this.source = source;
        this.target = target;
        this.options = options;
        this.mysql = new MySqlDialect(source);
        this.pg = new PostgresDialect(target);
    }

    /** The comparison of one table. Samples name at most {@value #SAMPLE_LIMIT} keys of each kind. */
    public record TableResult(String table, long sourceRows, long targetRows, String sourceChecksum,
                              String targetChecksum, long missing, long extra, long changed, List<String> missingKeys,
                              List<String> extraKeys, List<String> changedKeys, int chunks, int chunksComparedByRow) {
        public boolean matches() {
            return missing == 0 && extra == 0 && changed == 0 && sourceChecksum.equals(targetChecksum);
        }

        public String summary() {
            return matches() ? String.format("%s: %,d rows identical (checksum %s)", table, sourceRows, sourceChecksum)
                    : String.format("%s: %,d source rows, %,d target rows: %d missing %s, %d extra %s, %d changed %s", table,
                    sourceRows, targetRows, missing, missingKeys, extra, extraKeys, changed, changedKeys);
        }
    }

    public record Result(List<TableResult> tables, double seconds) {
        public boolean matches() {
            return tables.stream().allMatch(TableResult::matches);
        }

        public long rows() {
            return tables.stream().mapToLong(TableResult::sourceRows).sum();
        }
    }

    private static final class RangeOutcome {
        final RangeSum sourceSum = new RangeSum();
        final RangeSum targetSum = new RangeSum();
        boolean comparedByRow;
        long missing;
        long extra;
        long changed;
        final List<String> missingKeys = new ArrayList<>();
        final List<String> extraKeys = new ArrayList<>();
        final List<String> changedKeys = new ArrayList<>();
    }

    public Result verify(ConversionPlan plan, Progress progress) {
        return verify(plan, progress, false);
    }

    /**
     * Told every key the row-level comparison finds different, not only the samples a {@link TableResult} names: the
     * key's canonical values ({@link ValueCodec}: what {@code MySqlDialect.rowsByKeys} binds), in key column order.
     * Called from the verification's threads, so it must be thread-safe. Tables without a primary key are compared as
     * multisets and tell no keys (their counts are in the {@link TableResult}).
     */
    public interface Differences {
        /** A key with a row on the source and none on the target. */
        void missing(TablePlan table, String[] key);

        /** A key with a row on the target and none on the source. */
        void extra(TablePlan table, String[] key);

        /** A key whose rows differ. */
        void changed(TablePlan table, String[] key);
    }

    /**
     * {@link #verify(ConversionPlan, Progress)} (both engines read again) telling {@code differences} every differing
     * key of the ranges whose checksums differ.
     */
    public Result verify(ConversionPlan plan, Progress progress, Differences differences) {
        this.differences = differences;
        try {
            return verify(plan, progress, false);
        } finally {
            this.differences = null;
        }
    }

    /** A table's rows and checksum ({@link TableResult#targetChecksum}'s form) as the target holds them now. */
    public record TableChecksum(String table, long rows, String checksum) {
    }

    /**
     * The rows and checksum of each table on the target only, computed as the verification computes the target's side
     * (by the server where it can, else read back and hashed here), tables in parallel; the source is not read. A
     * certificate's checksum is the same number for a target that has not changed since.
     */
    public List<TableChecksum> targetChecksums(List<TablePlan> tables) {
        try (ConnectionPool t = new ConnectionPool(target, options.parallelism())) {
            targets = t;
            Connection tgt = targets.take();
            try {
                serverHashing = serverHashes(tgt);
            } catch (RuntimeException e) {
                targets.discard(tgt);
                throw e;
            }
            targets.release(tgt);
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(options.parallelism(), tables.size())), r -> {
                Thread th = new Thread(r, "bascule-target-checksum");
                th.setDaemon(true);
                return th;
            });
            try {
                List<Future<RangeOutcome>> futures = new ArrayList<>();
                for (TablePlan table : tables) {
                    futures.add(pool.submit(() -> targetSum(table)));
                }
                List<TableChecksum> out = new ArrayList<>();
                for (int i = 0; i < tables.size(); i++) {
                    RangeSum sum = get(futures.get(i)).targetSum;
                    out.add(new TableChecksum(tables.get(i).source().name(), sum.rows(), sum.hex()));
                }
                return out;
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** The target's checksum of a whole table. */
    private RangeOutcome targetSum(TablePlan t) {
        RangeOutcome out = new RangeOutcome();
        String rowHash = serverHashing ? ValueCodec.serverHashSql(t.columns()) : null;
        try {
            if (rowHash != null) {
                PostgresDialect.RangeChecksum sum = targets.with(c -> pg.rangeChecksum(c, options.targetSchema(), t, KeyRange.WHOLE, rowHash));
                out.targetSum.add(sum.rows(), sum.sum());
            } else {
                try (Side g = new Side(false, t, KeyRange.WHOLE, false)) {
                    while (g.next()) {
                        out.targetSum.add(g.serverHash);
                    }
                }
            }
        } catch (SQLException e) {
            throw target.failure("computing the checksum of " + t.targetName(), e);
        }
        return out;
    }

    /** A range copied by {@link CopyEngine}, with the checksum of its source rows. */
    private record CopiedRange(KeyRange range, RangeSum sourceSum) {
    }

    public Result verify(ConversionPlan plan, Progress progress, boolean againstCopy) {
        try (ConnectionPool s = new ConnectionPool(source, options.parallelism());
             ConnectionPool t = new ConnectionPool(target, options.parallelism())) {
            sources = s;
            targets = t;
            return verifyRanges(plan, progress, againstCopy);
        }
    }

    private Result verifyRanges(ConversionPlan plan, Progress progress, boolean againstCopy) {
        long start = System.nanoTime();
        Map<TablePlan, List<KeyRange>> work = new LinkedHashMap<>();
        Map<TablePlan, Map<Integer, RangeSum>> copied = new LinkedHashMap<>();
        Connection src = sources.take();
        Connection tgt = targets.take();
        try {
            serverHashing = serverHashes(tgt);
            for (TablePlan t : plan.tables()) {
                List<CopiedRange> ranges = againstCopy ? copiedRanges(tgt, t) : null;
                if (ranges != null) {
                    work.put(t, ranges.stream().map(CopiedRange::range).toList());
                    Map<Integer, RangeSum> sums = new HashMap<>();
                    ranges.forEach(r -> sums.put(r.range().number(), r.sourceSum()));
                    copied.put(t, sums);
                } else {
                    work.put(t, CopyEngine.ranges(t, src, mysql));
                }
            }
        } catch (RuntimeException e) {
            sources.discard(src);
            targets.discard(tgt);
            throw e;
        }
        sources.release(src);
        targets.release(tgt);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, options.parallelism()), r -> {
            Thread th = new Thread(r, "bascule-verify");
            th.setDaemon(true);
            return th;
        });
        Map<TablePlan, List<Future<RangeOutcome>>> futures = new LinkedHashMap<>();
        try {
            for (Map.Entry<TablePlan, List<KeyRange>> e : work.entrySet()) {
                List<Future<RangeOutcome>> list = new ArrayList<>();
                Map<Integer, RangeSum> sums = copied.get(e.getKey());
                for (KeyRange r : e.getValue()) {
                    list.add(pool.submit(() -> sums != null ? compareWithSourceSum(e.getKey(), r, sums.get(r.number()), progress, true)
                            : serverHashing && ValueCodec.serverHashSql(e.getKey().columns()) != null
                            ? compareWithSourceSum(e.getKey(), r, sourceSum(e.getKey(), r, progress), progress, false)
                            : !e.getKey().source().hasPrimaryKey() ? compareMultiset(e.getKey(), progress)
                            : compareRange(e.getKey(), r, progress)));
                }
                futures.put(e.getKey(), list);
            }
            List<TableResult> results = new ArrayList<>();
            for (Map.Entry<TablePlan, List<Future<RangeOutcome>>> e : futures.entrySet()) {
                RangeSum s = new RangeSum();
                RangeSum t = new RangeSum();
                long missing = 0, extra = 0, changed = 0;
                int byRow = 0;
                List<String> mk = new ArrayList<>(), ek = new ArrayList<>(), ck = new ArrayList<>();
                for (Future<RangeOutcome> f : e.getValue()) {
                    RangeOutcome o = get(f);
                    s.add(o.sourceSum);
                    t.add(o.targetSum);
                    missing += o.missing;
                    extra += o.extra;
                    changed += o.changed;
                    byRow += o.comparedByRow ? 1 : 0;
                    addSamples(mk, o.missingKeys);
                    addSamples(ek, o.extraKeys);
                    addSamples(ck, o.changedKeys);
                }
                results.add(new TableResult(e.getKey().source().name(), s.rows(), t.rows(), s.hex(), t.hex(),
                        missing, extra, changed, mk, ek, ck, e.getValue().size(), byRow));
            }
            return new Result(results, (System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The rows of the given primary keys compared on both sides with this comparison ({@link KeyedVerification}): the
     * keys as the reverse channel's change table holds them, jsonb text such as {@code [1]} or {@code [1, "x"]}.
     */
    public KeyedVerification.KeyedResult verifyKeys(TablePlan table, List<String> pkJsonKeys) {
        return new KeyedVerification(source, target, options.targetSchema()).verifyKeys(table, pkJsonKeys);
    }

    /** The ranges of a finished copy with their source checksums, or null when the copy left none. */
    private List<CopiedRange> copiedRanges(Connection tgt, TablePlan t) {
        List<CopiedRange> list = new ArrayList<>();
        for (PostgresDialect.Checkpoint c : pg.checkpoints(tgt, options.targetSchema(), t.targetName())) {
            if (!c.done() || c.sourceHash() == null) {
                return null;
            }
            RangeSum sum = RangeSum.of(c.sourceHash(), c.rowsCopied());
            if (sum == null) {
                return null;   // copied by a build with another checksum: compare with the source again
            }
            list.add(new CopiedRange(c.range(), sum));
        }
        return list.isEmpty() ? null : list;
    }

    /**
     * True when the target server computes {@link PgHash}'s hash (PostgreSQL 11 or later on a little-endian machine):
     * then the target's checksums are computed where its rows are, and only a range that differs is read.
     */
    private boolean serverHashes(Connection tgt) {
        try {
            if (pg.hashTextExtended(tgt, PgHash.PROBE_TEXT, PgHash.PROBE_SEED) == PgHash.probe()) {
                return true;
            }
        } catch (DatabaseException e) {
            log.info("The target cannot compute the row checksums itself ({}); its rows are read back instead",
                    String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
            return false;
        }
        log.info("The target's hash function differs from Bascule's (another byte order?); its rows are read back instead");
        return false;
    }

    /**
     * The checksum of a range's source rows read now (the {@code verify} command; the migration takes it during the
     * copy); the rows count for the progress.
     */
    private RangeSum sourceSum(TablePlan t, KeyRange range, Progress progress) {
        RangeSum sum = new RangeSum();
        String name = t.source().name();
        try (Side s = new Side(true, t, range, false)) {
            long counted = 0;
            while (s.next()) {
                sum.add(s.serverHash);
                if (++counted % 10_000 == 0) {
                    progress.addRows(name, 10_000, 0);
                }
            }
            progress.addRows(name, counted % 10_000, 0);
        } catch (SQLException e) {
            throw source.failure("verifying " + name, e);
        }
        return sum;
    }

    /**
     * Compares a range's target rows with the checksum of its source rows (taken during the copy, or just read): the
     * target server sums its rows' hashes where it can ({@link ValueCodec#serverHashSql}), else the rows are read back
     * and hashed here. A range whose checksums differ is compared with the source again, row by row. {@code countRows}:
     * whether the target's rows count for the progress (not when the source's were counted already).
     */
    private RangeOutcome compareWithSourceSum(TablePlan t, KeyRange range, RangeSum sourceSum, Progress progress,
                                         boolean countRows) {
        RangeOutcome out = new RangeOutcome();
        String name = t.source().name();
        String rowHash = serverHashing ? ValueCodec.serverHashSql(t.columns()) : null;
        if (rowHash != null) {
            try {
                PostgresDialect.RangeChecksum sum = targets.with(c -> pg.rangeChecksum(c, options.targetSchema(), t, range, rowHash));
                out.targetSum.add(sum.rows(), sum.sum());
            } catch (SQLException e) {
                throw target.failure("verifying " + name, e);
            }
            if (countRows) {
                progress.addRows(name, out.targetSum.rows(), 0);
            }
        } else {
            try (Side g = new Side(false, t, range, false)) {
                long counted = 0;
                while (g.next()) {
                    out.targetSum.add(g.serverHash);
                    if (++counted % 10_000 == 0 && countRows) {
                        progress.addRows(name, 10_000, 0);
                    }
                }
                if (countRows) {
                    progress.addRows(name, counted % 10_000, 0);
                }
            } catch (SQLException e) {
                throw target.failure("verifying " + name, e);
            }
        }
        if (out.targetSum.sameAs(sourceSum)) {
            out.sourceSum.add(sourceSum);
            return out;
        }
        log.info("{}: the checksums of range {} differ; comparing its rows with the source", name, range.number());
        RangeOutcome again = t.source().hasPrimaryKey() ? compareRange(t, range, progress) : compareMultiset(t, progress);
        again.comparedByRow = true;
        return again;
    }

    /** One side's stream of rows: canonical key values and the row hash. */
    private static void addSamples(List<String> to, List<String> from) {
        for (String k : from) {
            if (to.size() < SAMPLE_LIMIT) {
                to.add(k);
            }
        }
    }

    private static RangeOutcome get(Future<RangeOutcome> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("verification interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * One side's stream of rows: canonical key values and the row hash. The source is read with a streaming
     * SELECT; the target with {@code COPY (SELECT ...) TO STDOUT}, which costs PostgreSQL and the driver far less per
     * row than a result set.
     */
    private final class Side implements AutoCloseable {
        final Connection connection;
        final ConnectionPool pool;
        final MySqlDialect.RowStream stream;
        final MySqlRows rows;
        final CopyOut copyOut;
        final List<ColumnMapping> cols;
        final int[] keyIndex;
        final boolean isSource;
        final RowHash hash = new RowHash();
        final boolean rowHashes;
        /** The row's hash as the target server computes it ({@link RangeSum}). */
        long serverHash;
        final byte[][] values;
        final CopyText.Fields fields;
        final boolean[] hashInPlace;   // target columns whose COPY text is canonical already and that are not keys
        byte[][] key;
        boolean exhausted;

        Side(boolean isSource, TablePlan t, KeyRange range) throws SQLException {
            this(isSource, t, range, true);
        }

        /** With {@code rowHashes} false, only {@link #serverHash} is computed (a range's checksum, no row comparison). */
        Side(boolean isSource, TablePlan t, KeyRange range, boolean rowHashes) throws SQLException {
            this.rowHashes = rowHashes;
            this.isSource = isSource;
            this.cols = t.columns();
            this.values = new byte[cols.size()][];
            this.fields = new CopyText.Fields(cols.size());
            List<ColumnMapping> keys = t.keyColumns();
            this.keyIndex = keys.stream().mapToInt(cols::indexOf).toArray();
            this.hashInPlace = new boolean[cols.size()];
            for (int i = 0; i < cols.size(); i++) {
                hashInPlace[i] = !isSource && ValueCodec.targetIsCanonical(cols.get(i)) && !keys.contains(cols.get(i));
            }
            pool = isSource ? sources : targets;
            connection = pool.take();
            try {
                if (isSource) {
                    // text keys in byte order, as the target's "C" collation orders them
                    stream = mysql.streamRows(connection, t, range, null, true);
                    rows = stream.rows();
                    copyOut = null;
                } else {
                    stream = null;
                    rows = null;
                    copyOut = pg.copyOut(connection, options.targetSchema(), t, range);
                }
            } catch (RuntimeException e) {
                pool.discard(connection);
                throw e;
            }
        }

        /** Advances; returns false at the end. Fills {@link #key} and {@link #hash}. */
        boolean next() throws SQLException {
            if (isSource) {
                if (!rows.next()) {
                    return end();
                }
                for (int i = 0; i < values.length; i++) {
                    values[i] = rows.get(i + 1);
                }
            } else {
                byte[] line = copyOut.readFromCopy();
                if (line == null) {
                    return end();
                }
                CopyText.split(line, fields);
            }
            if (rowHashes) {
                hash.reset();
            }
            serverHash = 0;
            byte[][] k = new byte[keyIndex.length][];
            for (int i = 0; i < values.length; i++) {
                byte[] c;
                if (isSource) {
                    c = ValueCodec.canonicalSource(cols.get(i), values[i]);
                } else if (hashInPlace[i] && fields.bytes[i] != null) {
                    if (rowHashes) {
                        hash.add(fields.bytes[i], fields.from[i], fields.to[i]);
                    }
                    serverHash ^= RangeSum.column(fields.bytes[i], fields.from[i], fields.to[i], i + 1);
                    continue;
                } else {
                    c = ValueCodec.canonicalTarget(cols.get(i), fields.copy(i));
                }
                if (rowHashes) {
                    hash.add(c);
                }
                serverHash ^= RangeSum.column(c, i + 1);
                for (int j = 0; j < keyIndex.length; j++) {
                    if (keyIndex[j] == i) {
                        k[j] = c;
                    }
                }
            }
            key = k;
            return true;
        }

        private boolean end() {
            exhausted = true;
            key = null;
            return false;
        }

        @Override
        public void close() {
            if (!exhausted) {   // stopped early (an error): the connection's state is unknown
                pool.discard(connection);
                return;
            }
            try {
                if (stream != null) {
                    stream.close();
                }
            } catch (SQLException e) {
                pool.discard(connection);
                return;
            }
            pool.release(connection);
        }
    }

    private RangeOutcome compareRange(TablePlan t, KeyRange range, Progress progress) {
        RangeOutcome out = new RangeOutcome();
        List<ColumnMapping> keys = t.keyColumns();
        Differences d = differences;
        try (Side s = new Side(true, t, range); Side g = new Side(false, t, range)) {
            s.next();
            g.next();
            long counted = 0;
            while (!s.exhausted || !g.exhausted) {
                int cmp = s.exhausted ? 1 : g.exhausted ? -1 : compareKeys(keys, s.key, g.key);
                if (cmp == 0) {
                    out.sourceSum.add(s.serverHash);
                    out.targetSum.add(g.serverHash);
                    if (s.hash.high() != g.hash.high() || s.hash.low() != g.hash.low()) {
                        out.changed++;
                        sample(out.changedKeys, keys, s.key);
                        if (d != null) {
                            d.changed(t, strings(s.key));
                        }
                    }
                    s.next();
                    g.next();
                } else if (cmp < 0) {
                    out.sourceSum.add(s.serverHash);
                    out.missing++;
                    sample(out.missingKeys, keys, s.key);
                    if (d != null) {
                        d.missing(t, strings(s.key));
                    }
                    s.next();
                } else {
                    out.targetSum.add(g.serverHash);
                    out.extra++;
                    sample(out.extraKeys, keys, g.key);
                    if (d != null) {
                        d.extra(t, strings(g.key));
                    }
                    g.next();
                }
                if (++counted % 10_000 == 0) {
                    progress.addRows(t.source().name(), 10_000, 0);
                }
            }
            progress.addRows(t.source().name(), counted % 10_000, 0);
        } catch (SQLException e) {
            throw new DatabaseException(DatabaseException.classify(e), "verifying " + t.source().name() + " failed: "
                    + e.getMessage().lines().findFirst().orElse(""), target.redactedUrl(), e);
        }
        return out;
    }

    private static void sample(List<String> list, List<ColumnMapping> keys, byte[][] key) {
        if (list.size() < SAMPLE_LIMIT) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                parts.add(keys.get(i).source().name() + "=" + (key[i] == null ? "NULL" : new String(key[i], StandardCharsets.UTF_8)));
            }
            list.add(keys.size() == 1 ? parts.get(0) : "(" + String.join(", ", parts) + ")");
        }
    }

    private static String[] strings(byte[][] key) {
        String[] out = new String[key.length];
        for (int i = 0; i < key.length; i++) {
            out[i] = key[i] == null ? null : new String(key[i], StandardCharsets.UTF_8);
        }
        return out;
    }

    static int compareKeys(List<ColumnMapping> keys, byte[][] a, byte[][] b) {
        for (int i = 0; i < keys.size(); i++) {
            int c = compareValue(keys.get(i).kind(), a[i], b[i]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** Orders canonical key values as both engines' ORDER BY does (see MySqlDialect / PostgresDialect orderExpression). */
    static int compareValue(ValueKind kind, byte[] a, byte[] b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        return switch (kind) {
            case INTEGER, YEAR -> a.length <= 18 && b.length <= 18 ? Long.compare(parseLong(a), parseLong(b)) : decimal(a).compareTo(decimal(b));
            case DECIMAL, TIME -> decimal(a).compareTo(decimal(b));
            case FLOAT4 -> Float.compare(Float.intBitsToFloat(Integer.parseUnsignedInt(ascii(a), 16)),
                    Float.intBitsToFloat(Integer.parseUnsignedInt(ascii(b), 16)));
            case FLOAT8 -> Double.compare(Double.longBitsToDouble(Long.parseUnsignedLong(ascii(a), 16)),
                    Double.longBitsToDouble(Long.parseUnsignedLong(ascii(b), 16)));
            default -> Arrays.compareUnsigned(a, b);
        };
    }

    private static long parseLong(byte[] v) {
        long r = 0;
        int i = 0;
        boolean negative = v.length > 0 && v[0] == '-';
        if (negative) {
            i = 1;
        }
        for (; i < v.length; i++) {
            r = r * 10 + (v[i] - '0');
        }
        return negative ? -r : r;
    }

    private static BigDecimal decimal(byte[] v) {
        return new BigDecimal(ascii(v));
    }

    private static String ascii(byte[] v) {
        return new String(v, StandardCharsets.US_ASCII);
    }

    /** Row-hash entries held in memory at once when a table without primary key needs a row-level diff. */
    static final long MULTISET_PASS_ROWS = 1_000_000;

    /**
     * A table without a primary key: equal multisets of rows (sums of row hashes and counts). On a difference,
     * the differing rows are found in passes over hash partitions, so memory stays bounded for any table size.
     */
    private RangeOutcome compareMultiset(TablePlan t, Progress progress) {
        RangeOutcome out = new RangeOutcome();
        try (Side s = new Side(true, t, KeyRange.WHOLE)) {
            while (s.next()) {
                out.sourceSum.add(s.serverHash);
            }
        } catch (SQLException e) {
            throw source.failure("verifying " + t.source().name(), e);
        }
        try (Side g = new Side(false, t, KeyRange.WHOLE)) {
            while (g.next()) {
                out.targetSum.add(g.serverHash);
            }
        } catch (SQLException e) {
            throw target.failure("verifying " + t.source().name(), e);
        }
        progress.addRows(t.source().name(), out.sourceSum.rows(), 0);
        if (out.sourceSum.sameAs(out.targetSum)) {
            return out;
        }
        long passes = Math.max(1, (Math.max(out.sourceSum.rows(), out.targetSum.rows()) + MULTISET_PASS_ROWS - 1) / MULTISET_PASS_ROWS);
        for (long pass = 0; pass < passes; pass++) {
            Map<String, Long> counts = new HashMap<>();
            tally(t, true, passes, pass, counts);
            tally(t, false, passes, pass, counts);
            for (Map.Entry<String, Long> e : counts.entrySet()) {
                long n = e.getValue();
                if (n > 0) {
                    out.missing += n;
                    if (out.missingKeys.size() < SAMPLE_LIMIT) {
                        out.missingKeys.add("row hash " + e.getKey() + (n > 1 ? " x" + n : ""));
                    }
                } else if (n < 0) {
                    out.extra += -n;
                    if (out.extraKeys.size() < SAMPLE_LIMIT) {
                        out.extraKeys.add("row hash " + e.getKey() + (n < -1 ? " x" + -n : ""));
                    }
                }
            }
        }
        return out;
    }

    private void tally(TablePlan t, boolean fromSource, long passes, long pass, Map<String, Long> counts) {
        try (Side side = new Side(fromSource, t, KeyRange.WHOLE)) {
            while (side.next()) {
                if (Long.remainderUnsigned(side.hash.high(), passes) == pass) {
                    counts.merge(hex(side.hash), fromSource ? 1L : -1L, Long::sum);
                }
            }
        } catch (SQLException e) {
            throw (fromSource ? source : target).failure("verifying " + t.source().name(), e);
        }
    }

    private static String hex(RowHash h) {
        return String.format("%016x%016x", h.high(), h.low());
    }
}
