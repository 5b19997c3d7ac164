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
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies every row of the planned tables: streaming reads from MySQL (never a whole table in memory), PostgreSQL
 * COPY, parallel across tables and across key ranges of large tables. Each committed chunk records its last key
 * in the same transaction as its rows ({@code bascule_state.copy_checkpoint}), so a rerun after a crash resumes
 * after the last committed chunk, without duplicates.
 */
public final class CopyEngine {

    private static final Logger log = LoggerFactory.getLogger(CopyEngine.class);
    private static final int FLUSH_BYTES = 1 << 20;
    static final long RANGE_ROWS = 250_000;
    static final int MAX_RANGES = 64;

    private final DatabaseEndpoint source;
    private final DatabaseEndpoint target;
    private final MigrationOptions options;
    private final MySqlDialect mysql;
    private final PostgresDialect pg;

    /** What the copy did. */
    public record Result(Map<String, Long> rowsCopied, long zeroDates, double seconds) {
    }

    public CopyEngine(DatabaseEndpoint source, DatabaseEndpoint target, MigrationOptions options) {
        this.source = source;
        this.target = target;
        this.options = options;
        this.mysql = new MySqlDialect(source);
        this.pg = new PostgresDialect(target);
    }

    private record Task(TablePlan table, KeyRange range, String lastKey, long rowsBefore, String sourceHash) {
    }

    public Result copy(ConversionPlan plan, Progress progress) {
        return copy(plan, progress, true);
    }

    /**
     * Copies every table. With {@code checksums}, the checksum of each range's source rows is taken on the way and
     * stored with its checkpoint, for the verification to compare the target with; without (a migration that skips
     * the verification), only the rows are carried.
     */
    public Result copy(ConversionPlan plan, Progress progress, boolean checksums) {
        long start = System.nanoTime();
        try (ConnectionPool sources = new ConnectionPool(source, options.parallelism());
             ConnectionPool targets = new ConnectionPool(target, options.parallelism())) {
            return copy(plan, progress, checksums, sources, targets, start);
        }
    }

    private Result copy(ConversionPlan plan, Progress progress, boolean checksums, ConnectionPool sources,
                        ConnectionPool targets, long start) {
        List<Task> tasks = new ArrayList<>();
        try {
            // planned on the pools' first connections, which the workers then reuse
            sources.with(src -> targets.with(tgt -> {
                pg.ensureStateTable(tgt);
                for (TablePlan t : plan.tables()) {
                    tasks.addAll(tasksFor(t, src, tgt));
                }
                return null;
            }));
        } catch (SQLException e) {
            throw target.failure("preparing the copy", e);
        }
        tasks.sort((a, b) -> Long.compare(b.table().source().estimatedRows(), a.table().source().estimatedRows()));
        AtomicLong zeroDates = new AtomicLong();
        Map<String, AtomicLong> copied = new LinkedHashMap<>();
        plan.tables().forEach(t -> copied.put(t.source().name(), new AtomicLong()));
        tasks.forEach(t -> {
            copied.get(t.table().source().name()).addAndGet(t.rowsBefore());
            progress.addRows(t.table().source().name(), t.rowsBefore(), 0);
        });
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, options.parallelism()), r -> {
            Thread th = new Thread(r, "bascule-copy");
            th.setDaemon(true);
            return th;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Task task : tasks) {
                futures.add(pool.submit(() -> {
                    long n = copyRange(task, checksums, progress, zeroDates, sources, targets);
                    copied.get(task.table().source().name()).addAndGet(n);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    futures.forEach(x -> x.cancel(true));
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("copy interrupted", e);
        } finally {
            pool.shutdownNow();
        }
        Map<String, Long> rows = new LinkedHashMap<>();
        copied.forEach((k, v) -> rows.put(k, v.get()));
        return new Result(rows, zeroDates.get(), (System.nanoTime() - start) / 1e9);
    }

    /** The ranges of a table still to copy: from the checkpoints of an earlier run, or newly split. */
    private List<Task> tasksFor(TablePlan t, Connection src, Connection tgt) throws SQLException {
        List<Task> tasks = new ArrayList<>();
        List<PostgresDialect.Checkpoint> checkpoints = pg.checkpoints(tgt, options.targetSchema(), t.targetName());
        for (PostgresDialect.Checkpoint c : checkpoints) {
            if (!c.done()) {
                boolean restart = !t.source().hasPrimaryKey();
                tasks.add(new Task(t, c.range(), restart ? null : c.lastKey(), restart ? 0 : c.rowsCopied(), restart ? null : c.sourceHash()));
            } else {
                // a finished range: its rows count for the progress and the result
                tasks.add(new Task(t, null, null, c.rowsCopied(), c.sourceHash()));
            }
        }
        if (!checkpoints.isEmpty()) {
            log.info("Resuming copy of {}: {} range(s) left", t.source().name(), tasks.stream().filter(x -> x.range() != null).count());
            return tasks;
        }
        List<KeyRange> ranges = ranges(t, src, mysql);
        tgt.setAutoCommit(false);
        try {
            for (KeyRange r : ranges) {
                pg.saveCheckpoint(tgt, options.targetSchema(), t.targetName(), r, null, 0, false, null);
                tasks.add(new Task(t, r, null, 0, null));
            }
            tgt.commit();
        } finally {
            tgt.setAutoCommit(true);
        }
        return tasks;
    }

    /** Splits a large table with a single integer key into ranges of about {@link #RANGE_ROWS} rows. */
    static List<KeyRange> ranges(TablePlan t, Connection src, MySqlDialect mysql) {
        ColumnMapping key = t.integerKey();
        if (key == null || t.source().estimatedRows() <= RANGE_ROWS) {
            return List.of(KeyRange.WHOLE);
        }
        BigDecimal[] bounds = mysql.keyBounds(src, t.source().name(), key.source().name());
        int count = (int) Math.min(MAX_RANGES, Math.max(1, t.source().estimatedRows() / RANGE_ROWS));
        return KeyRange.split(bounds[0] == null ? null : bounds[0].toBigInteger(),
                bounds[1] == null ? null : bounds[1].toBigInteger(), count);
    }

    /** Copies one range; returns the rows copied by this call. */
    private long copyRange(Task task, boolean checksums, Progress progress, AtomicLong zeroDates, ConnectionPool sources, ConnectionPool targets) {
        if (task.range() == null) {
            return 0;
        }
        TablePlan t = task.table();
        String table = t.source().name();
        List<ColumnMapping> keys = t.keyColumns();
        String schema = options.targetSchema();
        long copiedHere = 0;
        long rowsTotal = task.rowsBefore();
        // the checksum of the source rows, which the verification compares with the target's; a range begun by a
        // build with another checksum scheme, or by a copy without checksums, goes on without one (the verification
        // then reads the source again)
        RangeSum sum = !checksums ? null
                : task.sourceHash() == null && rowsTotal == 0 ? new RangeSum() : RangeSum.of(task.sourceHash(), rowsTotal);
        boolean chunked = !keys.isEmpty();
        Connection src = sources.take();
        Connection tgt;
        try {
            tgt = targets.take();
        } catch (RuntimeException e) {
            sources.release(src);
            throw e;
        }
        boolean done = false;   // the connections are in good order for the next range
        try {
            // a chunk's rows and its checkpoint commit together: a crash loses both and the copy resumes before
            // them, so the copy need not wait for each commit to reach the disk (the verification reads it back)
            pg.synchronousCommitOff(tgt);
            tgt.setAutoCommit(false);
            if (!chunked) {
                // no key: the whole table in one transaction; a restart empties it first
                pg.truncate(tgt, schema, t.targetName());
            }
            // binary COPY where every column's type has a binary writer (the server then parses nothing)
            RowEncoder encoder = new RowEncoder(t, sum != null);
            try (MySqlDialect.RowStream stream = mysql.streamRows(src, t, task.range(),
                    task.lastKey() == null ? null : KeyText.decode(task.lastKey()), false)) {
                ByteBuf buf = new ByteBuf(FLUSH_BYTES + 65536);
                CopyIn copy = pg.copyIn(tgt, schema, t, encoder.binary());
                encoder.begin(buf);
                long inChunk = 0;
                long chunkBytes = 0;
                MySqlRows rows = stream.rows();
                while (rows.next()) {
                    long rowHash = encoder.append(rows, buf, copy, zeroDates);
                    if (sum != null) {
                        sum.add(rowHash);
                    }
                    inChunk++;
                    if (buf.length() >= FLUSH_BYTES) {
                        chunkBytes += flush(copy, buf);
                    }
                    if (chunked && inChunk >= options.chunkRows()) {
                        encoder.end(buf);
                        chunkBytes += flush(copy, buf);
                        copy.endCopy();
                        rowsTotal += inChunk;
                        pg.saveCheckpoint(tgt, schema, t.targetName(), task.range(), KeyText.encode(strings(encoder.lastKey())), rowsTotal,
                                false, sum == null ? null : sum.text());
                        tgt.commit();
                        progress.addRows(table, inChunk, chunkBytes);
                        copiedHere += inChunk;
                        inChunk = 0;
                        chunkBytes = 0;
                        copy = pg.copyIn(tgt, schema, t, encoder.binary());
                        encoder.begin(buf);
                    }
                }
                encoder.end(buf);
                chunkBytes += flush(copy, buf);
                copy.endCopy();
                rowsTotal += inChunk;
                pg.saveCheckpoint(tgt, schema, t.targetName(), task.range(),
                        chunked && inChunk > 0 ? KeyText.encode(strings(encoder.lastKey())) : task.lastKey(), rowsTotal, true,
                        sum == null ? null : sum.text());
                tgt.commit();
                progress.addRows(table, inChunk, chunkBytes);
                copiedHere += inChunk;
            }
            done = true;
        } catch (SQLException e) {
            throw new DatabaseException(DatabaseException.classify(e), "copying " + table + " failed: "
                    + e.getMessage().lines().findFirst().orElse("") + DatabaseException.diskFullHint(e), target.redactedUrl(), e);
        } finally {
            if (done) {
                sources.release(src);
                targets.release(tgt);
            } else {
                sources.discard(src);
                targets.discard(tgt);
            }
        }
        return copiedHere;
    }

    private static String[] strings(byte[][] values) {
        String[] out = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] == null ? null : new String(values[i], StandardCharsets.UTF_8);
        }
        return out;
    }

    private static long flush(CopyIn copy, ByteBuf buf) throws SQLException {
        if (buf.length() == 0) {
            return 0;
        }
        int n = buf.length();
        copy.writeToCopy(buf.array(), 0, n);
        buf.clear();
        return n;
    }
}
