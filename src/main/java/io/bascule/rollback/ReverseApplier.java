package io.bascule.rollback;

import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.DatabaseException;
import io.bascule.database.MySqlDialect;
import io.bascule.database.PostgresDialect;
import io.bascule.schema.ColumnMapping;
import io.bascule.schema.SourceSchema;
import io.bascule.schema.TablePlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies the reverse channel's changes into MySQL/MariaDB, by touched keys rather than by replaying row images.
 *
 * <p>A batch takes the change table's rows whose transaction id lies in [position, horizon), where the horizon is
 * {@code pg_snapshot_xmin(pg_current_snapshot())} of the batch's own snapshot: every transaction below it has ended,
 * so the batch holds each of them whole, and the next batch starts where it stopped, so each is taken exactly once
 * (a transaction still running holds the horizon back until it ends). For every distinct (table, key) it reads the
 * row's <em>current</em> value on PostgreSQL, in the same snapshot, and upserts it into MySQL
 * ({@code INSERT ... ON DUPLICATE KEY UPDATE}) or deletes it there when the row no longer exists.
 *
 * <p>Why the current value and not the captured one: concurrent transactions commit in another order than their
 * transaction ids and change sequence numbers were given out (T1 takes id 100, T2 id 101, T2 commits first), so
 * replaying row images in id or sequence order can write an older value last. Reading the current value makes the
 * order of changes within and between batches irrelevant: whatever a batch writes is a value PostgreSQL held at or
 * after the batch's changes; a later change of the same key is in a later batch, which writes the value again. Once
 * the writers have stopped and a batch has passed their last transaction, MySQL equals PostgreSQL for every key
 * touched (RPO 0).
 *
 * <p>The horizon is stored in MySQL ({@link MySqlDialect#POSITION_TABLE}) in the same transaction as the rows, under
 * a row lock: a batch that fails or is repeated (delivery at least once) writes nothing twice, two appliers do not
 * interleave, and a restarted applier resumes at the stored position. The MySQL session is strict, checks no foreign
 * keys (PostgreSQL did) and writes while MySQL is read-only for the application only with a login that may (MariaDB:
 * READ ONLY ADMIN; MySQL: {@code read_only=ON, super_read_only=OFF} and SUPER or CONNECTION_ADMIN).
 *
 * <p>Applied changes are deleted from the change table by {@link #prune()} (their keys kept in
 * {@code bascule_state.touched_keys}), which {@link ReverseApplyLoop} calls every minute.
 *
 * <p>One applier holds one connection to each side; it is not thread-safe. Close it when done.
 */
public final class ReverseApplier implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReverseApplier.class);

    /** How many changes a batch takes at most (more when one transaction alone holds more). */
    public static final int DEFAULT_MAX_CHANGES = 20_000;
    /** How many applied changes one prune transaction deletes at most. */
    public static final int PRUNE_ROWS_PER_TRANSACTION = 10_000;

    private final DatabaseEndpoint mysqlEndpoint;
    private final DatabaseEndpoint postgresEndpoint;
    private final MySqlDialect mysql;
    private final String schema;
    private final String channel;
    private final Map<String, TablePlan> tables;
    private final int maxChanges;
    private Connection my;
    private Connection pg;
    /** Test hook: runs after the rows and the position are written, before the MySQL commit. */
    Runnable beforeCommit = () -> { };

    /** The outcome of one batch: the interval of transaction ids it covered and what it wrote, per table. */
    public record Batch(long from, long to, long changes, long upserts, long deletes, Map<String, Long> changesPerTable) {
        public boolean empty() {
            return changes == 0;
        }
    }

    /** Changes captured and not yet applied, and the age in seconds of the oldest of them (0 when none). */
    public record Lag(long changes, double oldestSeconds, long position) {
    }

    /** The outcome of a drain: the position reached, the batches and changes it took. */
    public record Drain(long target, long position, int batches, long changes, double seconds, Map<String, Long> changesPerTable) {
    }

    ReverseApplier(DatabaseEndpoint mysqlEndpoint, DatabaseEndpoint postgresEndpoint, String schema, String channel,
                   Map<String, TablePlan> tables, int maxChanges) {
        this.mysqlEndpoint = mysqlEndpoint;
        this.postgresEndpoint = postgresEndpoint;
        this.mysql = new MySqlDialect(mysqlEndpoint);
        this.schema = schema;
        this.channel = channel;
        this.tables = new LinkedHashMap<>(tables);
        this.maxChanges = maxChanges;
    }

    private Connection mysql() throws SQLException {
        if (my == null || my.isClosed()) {
            my = mysqlEndpoint.open();
            mysql.applierSession(my);
            my.setAutoCommit(false);
        }
        return my;
    }

    private Connection postgres() throws SQLException {
        if (pg == null || pg.isClosed()) {
            pg = postgresEndpoint.open();
            pg.setAutoCommit(false);
            pg.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            pg.setReadOnly(true);
        }
        return pg;
    }

    /**
     * Applies one batch: the changes of every transaction that ended since the stored position (at most about
     * {@link #DEFAULT_MAX_CHANGES}), in one MySQL transaction with the new position. An empty batch writes nothing.
     */
    public Batch applyBatch() {
        Connection m;
        Connection p;
        try {
            m = mysql();
            p = postgres();
        } catch (SQLException e) {
            throw new ReverseChannelException("cannot open the reverse applier's connections: " + e.getMessage(), e);
        }
        try {
            long from = lockPosition(m);
            long horizon = snapshotBounds(p)[0];
            if (horizon <= from) {
                m.rollback();
                p.rollback();
                return new Batch(from, from, 0, 0, 0, Map.of());
            }
            Long cut = nthChangeTx(p, from, horizon);
            if (cut != null && cut > from) {
                horizon = cut;
            }
            Map<String, Long> perTable = changesPerTable(p, from, horizon);
            long changes = perTable.values().stream().mapToLong(Long::longValue).sum();
            long[] written = new long[2];
            for (String table : perTable.keySet()) {
                TablePlan t = tables.get(table);
                if (t == null) {
                    throw new ReverseChannelException("the change table holds changes of table " + table
                            + ", which this channel does not carry (tables: " + tables.keySet() + ")");
                }
                applyTable(m, p, t, from, horizon, written);
            }
            savePosition(m, horizon, changes);
            beforeCommit.run();
            m.commit();
            p.rollback();
            if (changes > 0) {
                log.debug("reverse channel: applied {} changes ({} upserts, {} deletes) of transactions {}..{}",
                        changes, written[0], written[1], from, horizon);
            }
            return new Batch(from, horizon, changes, written[0], written[1], perTable);
        } catch (SQLException e) {
            rollbackQuietly();
            throw new ReverseChannelException("the reverse applier failed: " + e.getMessage()
                    + "; nothing of the batch was written to MySQL, the next batch retries it", e);
        } catch (RuntimeException e) {
            rollbackQuietly();
            throw e;
        }
    }

    /**
     * Writes the touched keys of one table. A table whose MySQL schema has no unique key besides its primary key is
     * upserted; one with a secondary unique key is written as deletes of every touched key, then inserts of the rows
     * present: INSERT ... ON DUPLICATE KEY UPDATE would update the row that holds a unique value another touched row
     * takes (two rows swapping e-mail addresses), where delete-then-insert lets the swap through.
     */
    private void applyTable(Connection m, Connection p, TablePlan t, long from, long to, long[] written) throws SQLException {
        List<ColumnMapping> keys = t.keyColumns();
        List<ColumnMapping> cols = t.columns();
        List<ColumnMapping> writable = MySqlDialect.writableColumns(t);
        boolean deleteThenInsert = t.source().indexes().stream().anyMatch(SourceSchema.Index::unique);
        List<String[]> present = new ArrayList<>();
        List<String> presentWhere = new ArrayList<>();
        try (PreparedStatement read = p.prepareStatement(PostgresDialect.touchedRowsSql(schema, t));
             PreparedStatement upsert = m.prepareStatement(deleteThenInsert ? MySqlDialect.insertSql(t) : MySqlDialect.upsertSql(t));
             PreparedStatement delete = m.prepareStatement(MySqlDialect.deleteByKeySql(t))) {
            read.setFetchSize(1000);
            read.setString(1, t.source().name());
            read.setString(2, Long.toString(from));
            read.setString(3, Long.toString(to));
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    String[] key = new String[keys.size()];
                    for (int i = 0; i < key.length; i++) {
                        key[i] = rs.getString(i + 1);
                    }
                    String where = "table " + t.source().name() + " key " + keyText(keys, key);
                    boolean exists = rs.getBoolean(keys.size() + 1);
                    String[] values = null;
                    if (exists) {
                        values = new String[writable.size()];
                        int v = 0;
                        for (int c = 0; c < cols.size(); c++) {
                            if (writable.contains(cols.get(c))) {
                                values[v++] = rs.getString(keys.size() + 2 + c);
                            }
                        }
                    }
                    if (!exists || deleteThenInsert) {
                        for (int i = 0; i < key.length; i++) {
                            ReverseValues.bind(delete, i + 1, keys.get(i), key[i], where);
                        }
                        execute(delete, where);
                        if (!exists) {
                            written[1]++;
                        }
                    }
                    if (exists && deleteThenInsert) {
                        present.add(values);
                        presentWhere.add(where);
                    } else if (exists) {
                        bindRow(upsert, writable, values, where);
                        execute(upsert, where);
                        written[0]++;
                    }
                }
            }
            for (int r = 0; r < present.size(); r++) {
                bindRow(upsert, writable, present.get(r), presentWhere.get(r));
                execute(upsert, presentWhere.get(r));
                written[0]++;
            }
        }
    }

    private static void bindRow(PreparedStatement ps, List<ColumnMapping> writable, String[] values, String where) throws SQLException {
        for (int c = 0; c < writable.size(); c++) {
            ReverseValues.bind(ps, c + 1, writable.get(c), values[c], where);
        }
    }

    private void execute(PreparedStatement ps, String where) {
        try {
            ps.executeUpdate();
        } catch (SQLException e) {
            if (e.getErrorCode() == 1290 || e.getErrorCode() == 1836) {   // ER_OPTION_PREVENTS_STATEMENT, ER_READ_ONLY_MODE
                throw new ReverseChannelException("MySQL refused the reverse applier's write of " + where + " ("
                        + e.getMessage() + "): the applier's login '" + mysqlEndpoint.user() + "' may not write while MySQL"
                        + " is read-only; give it READ ONLY ADMIN (MariaDB) or SUPER/CONNECTION_ADMIN with super_read_only=OFF (MySQL)", e);
            }
            if (e.getErrorCode() == 1062) {   // ER_DUP_ENTRY
                throw new ReplayConflictException("replay conflict: MySQL refused " + where + ": " + e.getMessage()
                        + " (a unique key of MySQL that PostgreSQL does not have, e.g. one that ignores case, or a row another"
                        + " batch has not moved yet); nothing of this batch was written to MySQL", e);
            }
            throw new ReverseChannelException("MySQL refused " + where + ": " + e.getMessage()
                    + " (the value cannot be carried back exactly); nothing of this batch was written to MySQL", e);
        }
    }

    private static String keyText(List<ColumnMapping> keys, String[] key) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < key.length; i++) {
            sb.append(i > 0 ? ", " : "").append(keys.get(i).source().name()).append('=').append(key[i]);
        }
        return sb.append(')').toString();
    }

    /**
     * Applies batches until every transaction that had begun on PostgreSQL when the call was made has ended and is
     * applied. A transaction that stays open holds it back: after {@code timeout} the error names the sessions.
     */
    public Drain drain(Duration timeout) {
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        long target;
        try {
            Connection p = postgres();
            target = snapshotBounds(p)[1];
            p.rollback();
        } catch (SQLException e) {
            throw postgresEndpoint.failure("reading the current transaction ids", e);
        }
        int batches = 0;
        long changes = 0;
        Map<String, Long> perTable = new java.util.TreeMap<>();
        while (true) {
            Batch b;
            try {
                b = applyBatch();
            } catch (ReplayConflictException conflict) {
                // a unique value taken by a row of a later transaction, not yet applied: the horizon passing it resolves
                // the conflict; a conflict that stays (a unique key only MySQL has) ends the drain at its deadline
                if (System.nanoTime() > deadline) {
                    throw conflict;
                }
                pause();
                continue;
            }
            if (!b.empty()) {
                batches++;
                changes += b.changes();
                b.changesPerTable().forEach((table, n) -> perTable.merge(table, n, Long::sum));
            }
            if (b.to() >= target) {
                Drain d = new Drain(target, b.to(), batches, changes, (System.nanoTime() - started) / 1e9, Map.copyOf(perTable));
                log.info("reverse channel drained up to transaction {}: {} changes in {} batches, {} s", d.position(),
                        changes, batches, String.format("%.2f", d.seconds()));
                return d;
            }
            if (System.nanoTime() > deadline) {
                throw new ReverseChannelException("the reverse channel did not drain within " + timeout.toSeconds()
                        + " s: applied up to transaction " + b.to() + ", " + target + " needed; held back by "
                        + oldestWriters() + "; end those transactions (or wait) and drain again");
            }
            if (b.empty()) {
                pause();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReverseChannelException("the drain was interrupted", e);
        }
    }

    /** Changes captured and not yet applied, and the age of the oldest (only committed changes are seen). */
    public Lag lag() {
        try {
            Connection m = mysql();
            long position;
            try (PreparedStatement ps = m.prepareStatement(MySqlDialect.SQL_POSITION)) {
                ps.setString(1, channel);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw notArmed();
                    }
                    position = rs.getLong(1);
                }
            }
            m.rollback();
            Connection p = postgres();
            try (PreparedStatement ps = p.prepareStatement(PostgresDialect.SQL_CHANGES_SINCE)) {
                ps.setString(1, Long.toString(position));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long n = rs.getLong(1);
                    double age = rs.getDouble(2);
                    p.rollback();
                    return new Lag(n, n == 0 ? 0 : age, position);
                }
            }
        } catch (SQLException e) {
            rollbackQuietly();
            throw new ReverseChannelException("cannot read the reverse channel's lag: " + e.getMessage(), e);
        }
    }

    /**
     * The changes carried back into MySQL since the channel was armed, per table (for the incident report): those
     * still in the change table below the position and those pruned from it ({@link #prune()}).
     */
    public Map<String, Long> appliedPerTable() {
        long position = lag().position();
        Map<String, Long> out = new java.util.TreeMap<>();
        try {
            Connection p = postgres();
            try (PreparedStatement ps = p.prepareStatement(PostgresDialect.SQL_CHANGES_BELOW)) {
                ps.setString(1, Long.toString(position));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.merge(rs.getString(1), rs.getLong(2), Long::sum);
                    }
                }
            }
            try (PreparedStatement ps = p.prepareStatement(PostgresDialect.SQL_PRUNED_CHANGES_PER_TABLE);
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.merge(rs.getString(1), rs.getLong(2), Long::sum);
                }
            }
            p.rollback();
            return new LinkedHashMap<>(out);
        } catch (SQLException e) {
            rollbackQuietly();
            throw postgresEndpoint.failure("counting the changes carried back", e);
        }
    }

    /**
     * Deletes the changes already applied into MySQL from the change table, {@link #PRUNE_ROWS_PER_TRANSACTION} per
     * PostgreSQL transaction, so that they do not pile up for the days a channel stays armed. Applied means: of a
     * transaction below the position committed in MySQL (every transaction below it had ended when the batch that
     * stored it read the changes, so none of them can add a change later). The keys of the deleted changes are kept
     * in {@code bascule_state.touched_keys} in the same statement: the rollback still knows every key touched since
     * the switch ({@link ReverseChannel#touchedKeys}). A change not yet applied is never deleted. Returns the number
     * of changes deleted.
     */
    public long prune() {
        return prune(PRUNE_ROWS_PER_TRANSACTION);
    }

    long prune(int rowsPerTransaction) {
        long position = committedPosition();
        if (position <= 0) {
            return 0;
        }
        long total = 0;
        try (Connection c = postgresEndpoint.open()) {
            c.setAutoCommit(false);   // each step its own transaction: locks held briefly, progress kept
            try (PreparedStatement lock = c.prepareStatement(PostgresDialect.SQL_PRUNE_LOCK);
                 PreparedStatement ps = c.prepareStatement(PostgresDialect.SQL_PRUNE_APPLIED)) {
                while (true) {
                    lock.executeQuery().close();
                    ps.setString(1, Long.toString(position));
                    ps.setInt(2, rowsPerTransaction);
                    long n;
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        n = rs.getLong(1);
                    }
                    c.commit();
                    total += n;
                    if (n < rowsPerTransaction) {
                        break;
                    }
                }
            }
        } catch (SQLException e) {
            throw new ReverseChannelException("cannot prune the reverse channel's applied changes (below transaction "
                    + position + ") on " + postgresEndpoint.redactedUrl() + ": " + e.getMessage()
                    + "; nothing unapplied was touched, the next prune retries", e);
        }
        if (total > 0) {
            log.debug("reverse channel {}: pruned {} applied changes below transaction {}", channel, total, position);
        }
        return total;
    }

    /** The position committed in MySQL: every change of a transaction below it is applied. */
    private long committedPosition() {
        try {
            Connection m = mysql();
            try (PreparedStatement ps = m.prepareStatement(MySqlDialect.SQL_POSITION)) {
                ps.setString(1, channel);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw notArmed();
                    }
                    long position = rs.getLong(1);
                    m.rollback();
                    return position;
                }
            }
        } catch (SQLException e) {
            rollbackQuietly();
            throw mysqlEndpoint.failure("reading the reverse channel's position", e);
        }
    }

    private long lockPosition(Connection m) throws SQLException {
        try (PreparedStatement ps = m.prepareStatement(MySqlDialect.SQL_POSITION_FOR_UPDATE)) {
            ps.setString(1, channel);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw notArmed();
                }
                return rs.getLong(1);
            }
        }
    }

    private ReverseChannelException notArmed() {
        return new ReverseChannelException("the reverse channel '" + channel + "' has no position in MySQL ("
                + MySqlDialect.POSITION_TABLE + " in " + mysqlEndpoint.redactedUrl() + "): it is not armed; arm it first");
    }

    private void savePosition(Connection m, long horizon, long changes) throws SQLException {
        try (PreparedStatement ps = m.prepareStatement(MySqlDialect.SQL_SAVE_POSITION)) {
            ps.setLong(1, horizon);
            ps.setLong(2, changes);
            ps.setString(3, channel);
            if (ps.executeUpdate() != 1) {
                throw notArmed();
            }
        }
    }

    private static long[] snapshotBounds(Connection p) throws SQLException {
        try (PreparedStatement ps = p.prepareStatement(PostgresDialect.SQL_SNAPSHOT_BOUNDS); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new long[]{rs.getLong(1), rs.getLong(2)};
        }
    }

    private Long nthChangeTx(Connection p, long from, long to) throws SQLException {
        try (PreparedStatement ps = p.prepareStatement(PostgresDialect.SQL_NTH_CHANGE_TX)) {
            ps.setString(1, Long.toString(from));
            ps.setString(2, Long.toString(to));
            ps.setLong(3, maxChanges);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private static Map<String, Long> changesPerTable(Connection p, long from, long to) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (PreparedStatement ps = p.prepareStatement(PostgresDialect.SQL_CHANGES_PER_TABLE)) {
            ps.setString(1, Long.toString(from));
            ps.setString(2, Long.toString(to));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return out;
    }

    private String oldestWriters() {
        List<String> sessions = new ArrayList<>();
        try (Connection c = postgresEndpoint.open(); PreparedStatement ps = c.prepareStatement(PostgresDialect.SQL_OLDEST_WRITERS);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                sessions.add("pid " + rs.getInt(1) + " (user " + rs.getString(2) + ", " + rs.getString(3) + ", transaction "
                        + rs.getString(4) + " open " + rs.getLong(5) + " s: " + rs.getString(6) + ")");
            }
        } catch (SQLException | DatabaseException e) {
            return "sessions that could not be listed (" + e.getMessage() + ")";
        }
        return sessions.isEmpty() ? "no open transaction now" : String.join("; ", sessions);
    }

    private void rollbackQuietly() {
        for (Connection c : new Connection[]{my, pg}) {
            try {
                if (c != null && !c.isClosed()) {
                    c.rollback();
                }
            } catch (SQLException e) {
                log.debug("rollback failed", e);
            }
        }
    }

    @Override
    public void close() {
        for (Connection c : new Connection[]{my, pg}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (SQLException e) {
                log.debug("close failed", e);
            }
        }
        my = null;
        pg = null;
    }
}
