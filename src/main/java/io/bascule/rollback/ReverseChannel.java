package io.bascule.rollback;

import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.MySqlDialect;
import io.bascule.database.PostgresDialect;
import io.bascule.migration.GoldCertificate;
import io.bascule.schema.ColumnMapping;
import io.bascule.schema.ConversionPlan;
import io.bascule.schema.SourceSchema;
import io.bascule.schema.TablePlan;
import io.bascule.schema.ValueKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The way back from PostgreSQL to MySQL/MariaDB: capture of every insert, update and delete on the migrated tables
 * by triggers into a change table, and its application into MySQL ({@link ReverseApplier}).
 *
 * <p>Capture: {@link #arm()} creates, in one PostgreSQL transaction, the change table
 * {@code bascule_state.change_log(seq, tx xid8, table_name, op, pk jsonb, captured_at)} and on every table of the
 * GOLD certificate an AFTER INSERT/UPDATE/DELETE FOR EACH ROW trigger {@code bascule_capture} that records the
 * operation and the primary key (an UPDATE changing the key records the old key and the new one). Triggers need no
 * restart and no {@code wal_level} change, only the right to create triggers on the tables (their owner) and
 * objects in the state schema; they cost every write one more row insert (see docs/benchmarks.md, "Reverse channel").
 * The position of the applier lives in MySQL ({@link MySqlDialect#POSITION_TABLE}). After the cutover a
 * {@link ReverseApplyLoop} applies continuously, and prunes the applied changes ({@link ReverseApplier#prune()}),
 * keeping their keys in {@code bascule_state.touched_keys} (created and dropped with the change table): the change
 * table holds the tail not yet applied, and {@link #touchedKeys(String)} still lists every key touched since arming.
 *
 * <p>Arming ends with a self-test: a scratch table {@code bascule_reverse_probe} on both sides (not the freeze's {@code bascule_probe}: both live in the application's database), armed too, a probe row
 * inserted, updated, re-keyed and deleted on PostgreSQL, applied by the real applier with the real login into MySQL
 * and checked, then the scratch tables dropped. A channel that cannot be armed or fails its self-test is removed
 * again (no trigger, function, change table or position left) and the error says why: the cutover stops before
 * anything changed. {@link #disarm()} removes everything; it is idempotent.
 */
public final class ReverseChannel {

    private static final Logger log = LoggerFactory.getLogger(ReverseChannel.class);

    /** The scratch table of the self-test, on both sides. */
    public static final String PROBE_TABLE = "bascule_reverse_probe";

    private final DatabaseEndpoint mysqlEndpoint;
    private final DatabaseEndpoint postgresEndpoint;
    private final String schema;
    private final Map<String, TablePlan> tables = new LinkedHashMap<>();
    private final PostgresDialect pg;
    private final MySqlDialect mysql;
    private Duration selfTestTimeout = Duration.ofSeconds(30);

    /**
     * @param mysqlApplier the MySQL/MariaDB login the applier writes with (it must write while MySQL is read-only)
     * @param postgres     the target database
     * @param plan         the conversion plan of the migration (keys, columns and types of the tables)
     * @param tableNames   the source names of the tables to carry back
     */
    public ReverseChannel(DatabaseEndpoint mysqlApplier, DatabaseEndpoint postgres, ConversionPlan plan, List<String> tableNames) {
        this.mysqlEndpoint = mysqlApplier;
        this.postgresEndpoint = postgres;
        this.schema = plan.targetSchema();
        this.pg = new PostgresDialect(postgres);
        this.mysql = new MySqlDialect(mysqlApplier);
        for (String name : tableNames) {
            tables.put(name, plan.table(name));
        }
    }

    /** The channel of the tables of a GOLD certificate, with the types of its conversion plan. */
    public static ReverseChannel of(DatabaseEndpoint mysqlApplier, DatabaseEndpoint postgres, ConversionPlan plan,
                                    GoldCertificate certificate) {
        return new ReverseChannel(mysqlApplier, postgres, plan,
                certificate.tables().stream().map(GoldCertificate.TableEntry::table).toList());
    }

    /** The channel's name: its position row in MySQL. */
    public String name() {
        return "reverse:" + schema;
    }

    /** The MySQL database the channel applies into (its position's home), redacted. */
    String mysqlUrl() {
        return mysqlEndpoint.redactedUrl();
    }

    ReverseChannel selfTestTimeout(Duration timeout) {
        this.selfTestTimeout = timeout;
        return this;
    }

    /** A new applier of this channel (the caller closes it). */
    public ReverseApplier applier() {
        return applier(tables, ReverseApplier.DEFAULT_MAX_CHANGES);
    }

    ReverseApplier applier(Map<String, TablePlan> carried, int maxChanges) {
        return new ReverseApplier(mysqlEndpoint, postgresEndpoint, schema, name(), carried, maxChanges);
    }

    /** What arming did. */
    public record Armed(List<String> tables, boolean alreadyArmed, double selfTestSeconds) {
    }

    /**
     * Arms the channel for an application whose MySQL login is {@code application}: refused, with nothing created,
     * when that login writes through read-only (MySQL {@code SUPER}/{@code CONNECTION_ADMIN}, MariaDB
     * {@code READ ONLY ADMIN}, which {@code ALL PRIVILEGES ON *.*} includes): the application would go on writing into
     * a "frozen" MySQL, and those writes would meet the ones carried back. {@code allowBypassingLogin} overrides the
     * refusal (the DBA knows the application is stopped otherwise); then {@link #arm()}.
     */
    public Armed arm(DatabaseEndpoint application, boolean allowBypassingLogin) {
        if (application != null) {
            io.bascule.database.MySqlReadOnly.Bypass bypass;
            try (Connection c = application.open()) {
                bypass = new MySqlDialect(application).bypassPrivileges(c);
            } catch (SQLException e) {
                throw application.failure("reading the application login's grants", e);
            }
            if (bypass.bypasses()) {
                if (!allowBypassingLogin) {
                    throw new ReverseChannelException("cannot arm the reverse channel: the application's MySQL login "
                            + bypass.describe() + ". Read-only would not stop the application, and its writes would meet"
                            + " the ones carried back: give it a login without those privileges, or set"
                            + " bascule.rollback.allow-bypassing-app-login: true if it is stopped some other way;"
                            + " nothing was created");
                }
                log.warn("arming the reverse channel although the application's login {} (overridden by"
                        + " bascule.rollback.allow-bypassing-app-login)", bypass.describe());
            }
        }
        return arm();
    }

    /**
     * Arms the channel: refuses tables without a primary key (naming them), creates the change table and the
     * triggers in one transaction, the position in MySQL, then runs the self-test. A failure removes everything again.
     * Called on a channel armed already (a retried step), it creates nothing again, keeps the captured changes and
     * runs the self-test again.
     */
    public Armed arm() {
        List<String> keyless = tables.values().stream().filter(t -> !t.source().hasPrimaryKey()).map(t -> t.source().name()).toList();
        if (!keyless.isEmpty()) {
            throw new ReverseChannelException("cannot arm the reverse channel: table(s) " + String.join(", ", keyless)
                    + " have no primary key, and the way back applies changes by key; add a primary key on both sides"
                    + " (or leave the tables out of the migration) and arm again");
        }
        if (tables.containsKey(PROBE_TABLE)) {
            throw new ReverseChannelException("cannot arm the reverse channel: a migrated table is named " + PROBE_TABLE
                    + ", the name of the channel's scratch table; rename it");
        }
        try (Connection c = mysqlEndpoint.open()) {
            String problem = mysql.readOnlyBypassProblem(c);
            if (problem != null) {
                throw new ReverseChannelException("cannot arm the reverse channel: " + problem
                        + "; nothing was created");
            }
        } catch (SQLException e) {
            throw mysqlEndpoint.failure("checking the applier's privileges", e);
        }
        boolean already = isArmed();
        if (already) {
            try (Connection c = postgresEndpoint.open()) {   // a channel armed by a version without it
                pg.executeStatement(c, PostgresDialect.SQL_CREATE_TOUCHED_KEYS, "creating the table of touched keys");
            } catch (SQLException e) {
                throw postgresEndpoint.failure("creating the table of touched keys", e);
            }
            double seconds = selfTest();
            log.info("reverse channel {} was armed already; self-test passed in {} s", name(), seconds);
            return new Armed(List.copyOf(tables.keySet()), true, seconds);
        }
        try {
            createCapture();
            createPosition();
            double seconds = selfTest();
            log.info("reverse channel {} armed on {} tables; self-test passed in {} s", name(), tables.size(), seconds);
            return new Armed(List.copyOf(tables.keySet()), false, seconds);
        } catch (RuntimeException e) {
            try {
                disarm();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
                throw new ReverseChannelException("cannot arm the reverse channel: " + e.getMessage()
                        + "; removing what was created failed too (" + cleanup.getMessage() + "): run disarm", e);
            }
            throw new ReverseChannelException("cannot arm the reverse channel: " + e.getMessage()
                    + "; nothing was left behind (no trigger, function, change table or position)", e);
        }
    }

    /** True when the change table exists (the channel captures). */
    public boolean isArmed() {
        return isArmedOn(postgresEndpoint);
    }

    /** True when a reverse channel's change table exists on this PostgreSQL database (no plan needed to ask). */
    public static boolean isArmedOn(DatabaseEndpoint postgresEndpoint) {
        PostgresDialect pg = new PostgresDialect(postgresEndpoint);
        try (Connection c = postgresEndpoint.open()) {
            return pg.tableExists(c, PostgresDialect.STATE_SCHEMA, PostgresDialect.CHANGE_LOG);
        } catch (SQLException e) {
            throw postgresEndpoint.failure("looking for the reverse channel's change table", e);
        }
    }

    private void createCapture() {
        try (Connection c = postgresEndpoint.open()) {
            c.setAutoCommit(false);
            pg.executeStatement(c, PostgresDialect.SQL_ARMING_LOCK_TIMEOUT, "setting the lock timeout");
            pg.executeStatement(c, PostgresDialect.SQL_STATE_SCHEMA, "creating the schema " + PostgresDialect.STATE_SCHEMA);
            pg.executeStatement(c, PostgresDialect.SQL_CREATE_CHANGE_LOG, "creating the change table");
            pg.executeStatement(c, PostgresDialect.SQL_CHANGE_LOG_TX_INDEX, "creating the change table's index");
            pg.executeStatement(c, PostgresDialect.SQL_CREATE_TOUCHED_KEYS, "creating the table of touched keys");
            for (TablePlan t : tables.values()) {
                for (String sql : PostgresDialect.captureTrigger(schema, t)) {
                    pg.executeStatement(c, sql, "creating the capture trigger of " + t.targetName());
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw postgresEndpoint.failure("creating the capture", e);
        }
    }

    private void createPosition() {
        try (Connection c = mysqlEndpoint.open()) {
            mysql.executeStatement(c, MySqlDialect.SQL_CREATE_POSITION_TABLE, "creating the reverse channel's position table");
            try (PreparedStatement ps = c.prepareStatement(MySqlDialect.SQL_INIT_POSITION)) {
                ps.setString(1, name());
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw mysqlEndpoint.failure("creating the reverse channel's position", e);
        } catch (io.bascule.database.DatabaseException e) {
            if (e.vendorCode() == 1290 || e.vendorCode() == 1836) {   // ER_OPTION_PREVENTS_STATEMENT, ER_READ_ONLY_MODE
                throw new ReverseChannelException("MySQL is read-only and the applier's login '" + mysqlEndpoint.user()
                        + "' may not write through it (" + e.getMessage() + "); give it READ ONLY ADMIN (MariaDB: GRANT READ ONLY"
                        + " ADMIN ON *.* TO ...) or, on MySQL, CONNECTION_ADMIN or SUPER with super_read_only=OFF, or use a login"
                        + " that has it", e);
            }
            throw e;
        }
    }

    /**
     * The self-test: a probe row inserted, updated, re-keyed and deleted on PostgreSQL on the scratch table, applied
     * by the applier into MySQL and checked there; the scratch tables are dropped in every case. Returns its seconds.
     */
    public double selfTest() {
        long started = System.nanoTime();
        TablePlan probe = probePlan();
        checkTables();
        try {
            try (Connection c = mysqlEndpoint.open()) {
                mysql.executeStatement(c, MySqlDialect.dropTable(PROBE_TABLE), "dropping an old scratch table");
                mysql.executeStatement(c, MySqlDialect.createProbeTable(PROBE_TABLE), "creating the scratch table " + PROBE_TABLE);
            } catch (SQLException e) {
                throw mysqlEndpoint.failure("creating the scratch table", e);
            }
            try (Connection c = postgresEndpoint.open()) {
                pg.executeStatement(c, PostgresDialect.dropTable(schema, PROBE_TABLE), "dropping an old scratch table");
                pg.executeStatement(c, PostgresDialect.createProbeTable(schema, PROBE_TABLE), "creating the scratch table " + PROBE_TABLE);
                for (String sql : PostgresDialect.captureTrigger(schema, probe)) {
                    pg.executeStatement(c, sql, "creating the capture trigger of the scratch table");
                }
                c.setAutoCommit(false);
                List<List<String>> transactions = PostgresDialect.probeChanges(schema, PROBE_TABLE);
                for (List<String> transaction : transactions) {
                    for (String sql : transaction) {
                        pg.executeStatement(c, sql, "writing the probe rows");
                    }
                    c.commit();
                }
            } catch (SQLException e) {
                throw postgresEndpoint.failure("writing the probe rows", e);
            }
            Map<String, TablePlan> carried = new LinkedHashMap<>(tables);
            carried.put(PROBE_TABLE, probe);
            try (ReverseApplier applier = applier(carried, ReverseApplier.DEFAULT_MAX_CHANGES)) {
                applier.drain(selfTestTimeout);
            }
            List<String> found;
            try (Connection c = mysqlEndpoint.open()) {
                found = mysql.probeRows(c, PROBE_TABLE);
            } catch (SQLException e) {
                throw mysqlEndpoint.failure("reading the applied probe rows", e);
            }
            List<String> expected = PostgresDialect.PROBE_EXPECTED;
            if (!found.equals(expected)) {
                throw new ReverseChannelException("self-test failed: the probe changes applied into MySQL gave " + found
                        + " where " + expected + " was expected");
            }
        } finally {
            dropProbe();
        }
        return Math.round((System.nanoTime() - started) / 1e7) / 100.0;
    }

    /**
     * Every carried table and column exists on both sides as the plan has it: the applier's queries are run once,
     * returning no row (a table dropped or renamed on one side since the migration is named here, not in a batch).
     */
    private void checkTables() {
        for (TablePlan t : tables.values()) {
            try (Connection c = mysqlEndpoint.open(); Statement st = c.createStatement()) {
                st.executeQuery(MySqlDialect.probeColumnsSql(t)).close();
            } catch (SQLException e) {
                throw new ReverseChannelException("self-test failed: MySQL table " + t.source().name() + " cannot take the"
                        + " changes carried back (" + e.getMessage() + "); it must have the columns it had at the migration", e);
            }
            try (Connection c = postgresEndpoint.open(); PreparedStatement ps = c.prepareStatement(PostgresDialect.touchedRowsSql(schema, t))) {
                ps.setString(1, t.source().name());
                ps.setString(2, "0");
                ps.setString(3, "0");
                ps.executeQuery().close();
            } catch (SQLException e) {
                throw new ReverseChannelException("self-test failed: PostgreSQL table " + t.targetName() + " cannot be read"
                        + " back (" + e.getMessage() + ")", e);
            }
        }
    }

    private void dropProbe() {
        try (Connection c = postgresEndpoint.open()) {
            pg.executeStatement(c, PostgresDialect.dropTable(schema, PROBE_TABLE), "dropping the scratch table");
            pg.executeStatement(c, PostgresDialect.dropCaptureFunction(PostgresDialect.captureFunctionName(PROBE_TABLE)),
                    "dropping the scratch table's capture function");
            if (pg.tableExists(c, PostgresDialect.STATE_SCHEMA, PostgresDialect.CHANGE_LOG)) {
                try (PreparedStatement ps = c.prepareStatement(PostgresDialect.SQL_DELETE_CHANGES_OF_TABLE)) {
                    ps.setString(1, PROBE_TABLE);
                    ps.executeUpdate();
                }
            }
            if (pg.tableExists(c, PostgresDialect.STATE_SCHEMA, PostgresDialect.TOUCHED_KEYS)) {
                try (PreparedStatement ps = c.prepareStatement(PostgresDialect.SQL_DELETE_TOUCHED_KEYS_OF_TABLE)) {
                    ps.setString(1, PROBE_TABLE);   // pruned while the self-test ran beside a running apply loop
                    ps.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw postgresEndpoint.failure("removing the scratch table", e);
        }
        try (Connection c = mysqlEndpoint.open()) {
            if (mysql.tableExists(c, PROBE_TABLE)) {
                mysql.executeStatement(c, MySqlDialect.dropTable(PROBE_TABLE), "dropping the scratch table");
            }
        } catch (SQLException e) {
            throw mysqlEndpoint.failure("removing the scratch table", e);
        }
    }

    /** The scratch table's plan: id integer key, v text. */
    static TablePlan probePlan() {
        SourceSchema.Column id = new SourceSchema.Column("id", 1, "int", "int(11)", false, null, false, null, 10, 0, null,
                null, null, false, false, null, false);
        SourceSchema.Column v = new SourceSchema.Column("v", 2, "varchar", "varchar(100)", true, null, false, 100L, null, null,
                null, "utf8mb4", null, false, false, null, false);
        SourceSchema.Table table = new SourceSchema.Table(PROBE_TABLE, 0, 0, null, null, List.of(id, v), List.of("id"),
                List.of(), List.of(), List.of());
        List<ColumnMapping> cols = List.of(
                new ColumnMapping(id, "id", "integer", ValueKind.INTEGER, false, null, false, null),
                new ColumnMapping(v, "v", "varchar(100)", ValueKind.TEXT, true, null, false, null));
        return new TablePlan(table, PROBE_TABLE, cols, List.of("id"), List.of(), List.of(), List.of());
    }

    /**
     * Every key of a carried table touched on PostgreSQL since the channel was armed, applied or not, pruned or not
     * (the change table and {@code bascule_state.touched_keys} together): each as its JSON array text, {@code [1]} or
     * {@code [1, "a"]}, in key order. An update that changed a key lists the old key and the new one; a deleted row's
     * key is listed. The rollback verifies these rows on both sides.
     *
     * @throws ReverseChannelException when the table is not carried by this channel or the channel is not armed
     */
    public List<String> touchedKeys(String sourceTable) {
        if (!tables.containsKey(sourceTable)) {
            throw new ReverseChannelException("table " + sourceTable + " is not carried by the reverse channel " + name()
                    + " (tables: " + String.join(", ", tables.keySet()) + ")");
        }
        List<String> keys = new ArrayList<>();
        try (Connection c = postgresEndpoint.open()) {
            requireArmed(c);
            try (PreparedStatement ps = c.prepareStatement(PostgresDialect.SQL_TOUCHED_KEYS_OF_TABLE)) {
                ps.setFetchSize(10_000);
                ps.setString(1, sourceTable);
                c.setAutoCommit(false);   // the fetch size streams only inside a transaction
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        keys.add(rs.getString(1));
                    }
                }
                c.rollback();
            }
        } catch (SQLException e) {
            throw postgresEndpoint.failure("reading the keys of " + sourceTable + " touched since the channel was armed", e);
        }
        return keys;
    }

    /** The number of distinct keys touched since the channel was armed, per source table (tables without a change absent). */
    public Map<String, Long> touchedCount() {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = postgresEndpoint.open()) {
            requireArmed(c);
            try (PreparedStatement ps = c.prepareStatement(PostgresDialect.SQL_TOUCHED_COUNT); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
        } catch (SQLException e) {
            throw postgresEndpoint.failure("counting the keys touched since the channel was armed", e);
        }
        return counts;
    }

    private void requireArmed(Connection c) {
        if (!pg.tableExists(c, PostgresDialect.STATE_SCHEMA, PostgresDialect.CHANGE_LOG)
                || !pg.tableExists(c, PostgresDialect.STATE_SCHEMA, PostgresDialect.TOUCHED_KEYS)) {
            throw new ReverseChannelException("the reverse channel " + name() + " is not armed on "
                    + postgresEndpoint.redactedUrl() + " (no " + PostgresDialect.STATE_SCHEMA + "." + PostgresDialect.CHANGE_LOG
                    + " or " + PostgresDialect.TOUCHED_KEYS + "): there are no touched keys to read; arm it first");
        }
    }

    /**
     * Removes the channel: the capture triggers (from the migrated tables and any other table of the schema), the
     * capture functions, the change table, the table of touched keys, the scratch tables and the position in MySQL. Idempotent. Drain the
     * channel first if its changes are to be carried back: what is not applied is gone with the change table.
     */
    public void disarm() {
        try (Connection c = postgresEndpoint.open()) {
            List<String[]> triggers = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(PostgresDialect.SQL_CAPTURE_TRIGGERS)) {
                while (rs.next()) {
                    triggers.add(new String[]{rs.getString(1), rs.getString(2)});
                }
            }
            for (String[] t : triggers) {
                pg.executeStatement(c, PostgresDialect.dropCaptureTrigger(t[0], t[1]), "dropping the capture trigger of " + t[1]);
            }
            pg.executeStatement(c, PostgresDialect.dropTable(schema, PROBE_TABLE), "dropping the scratch table");
            List<String> functions = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(PostgresDialect.SQL_CAPTURE_FUNCTIONS)) {
                while (rs.next()) {
                    functions.add(rs.getString(1));
                }
            }
            for (String f : functions) {
                pg.executeStatement(c, PostgresDialect.dropCaptureFunction(f), "dropping the capture function " + f);
            }
            pg.executeStatement(c, PostgresDialect.SQL_DROP_CHANGE_LOG, "dropping the change table");
            pg.executeStatement(c, PostgresDialect.SQL_DROP_TOUCHED_KEYS, "dropping the table of touched keys");
        } catch (SQLException e) {
            throw postgresEndpoint.failure("disarming the reverse channel", e);
        }
        try (Connection c = mysqlEndpoint.open()) {
            // only what exists: a read-only MySQL refuses even DROP TABLE IF EXISTS of a missing table to a login
            // without the privilege, and a channel that failed to arm there left nothing to drop
            if (mysql.tableExists(c, PROBE_TABLE)) {
                mysql.executeStatement(c, MySqlDialect.dropTable(PROBE_TABLE), "dropping the scratch table");
            }
            if (mysql.tableExists(c, MySqlDialect.POSITION_TABLE)) {
                mysql.executeStatement(c, MySqlDialect.SQL_DROP_POSITION_TABLE, "dropping the reverse channel's position");
            }
        } catch (SQLException e) {
            throw mysqlEndpoint.failure("disarming the reverse channel", e);
        }
        log.info("reverse channel {} disarmed", name());
    }

    /**
     * The carried tables whose capture is broken: no capture trigger, or one disabled (someone dropped it or ran
     * {@code ALTER TABLE ... DISABLE TRIGGER}). Their writes since then were not captured, so MySQL would miss them.
     */
    public List<String> brokenCapture() {
        Map<String, Boolean> enabled = new java.util.HashMap<>();
        try (Connection c = postgresEndpoint.open(); PreparedStatement ps = c.prepareStatement(PostgresDialect.SQL_CAPTURE_TRIGGER_STATE)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    enabled.put(rs.getString(1), rs.getBoolean(2));
                }
            }
        } catch (SQLException e) {
            throw postgresEndpoint.failure("reading the capture triggers", e);
        }
        List<String> broken = new ArrayList<>();
        for (TablePlan t : tables.values()) {
            Boolean on = enabled.get(t.targetName());
            if (on == null) {
                broken.add(t.targetName() + " (no capture trigger)");
            } else if (!on) {
                broken.add(t.targetName() + " (capture trigger disabled)");
            }
        }
        return broken;
    }

    /**
     * The changes captured since arming, per source table: inserts, updates, deletes (a key change counts as a delete
     * of the old key and an insert of the new one). For the incident report; read before disarming.
     */
    public Map<String, long[]> changeCounts() {
        Map<String, long[]> counts = new java.util.TreeMap<>();
        try (Connection c = postgresEndpoint.open(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(PostgresDialect.SQL_CHANGE_COUNTS)) {
            while (rs.next()) {
                long[] n = counts.computeIfAbsent(rs.getString(1), t -> new long[3]);
                n["IUD".indexOf(rs.getString(2))] += rs.getLong(3);
            }
        } catch (SQLException e) {
            throw postgresEndpoint.failure("counting the captured changes", e);
        }
        return counts;
    }
}
