package io.bascule.database;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The read-only switches of MySQL 8 and MariaDB 10.5+ as SQL text and rules, without a connection: which statements
 * freeze and unfreeze the server, which privileges write through {@code read_only}, and the parsing of
 * {@code SHOW GRANTS}. {@link MySqlDialect} runs them. The MariaDB side is tested on a real MariaDB 10.11; the
 * MySQL 8 side cannot be run here and is written from MySQL's reference manual (read_only, super_read_only,
 * privileges provided, SHOW BINARY LOG STATUS) and pinned as SQL text by unit tests.
 *
 * <p>Who writes through {@code read_only} (besides replication threads, and always into temporary tables):
 * <ul>
 *   <li>MySQL: holders of {@code CONNECTION_ADMIN} or the deprecated {@code SUPER} ({@code ALL PRIVILEGES ON *.*}
 *       includes SUPER), unless {@code super_read_only} is also on, which stops them too.
 *       {@code SYSTEM_VARIABLES_ADMIN} does not write through, but may switch read_only off: reported apart.</li>
 *   <li>MariaDB from 10.11.0: only {@code READ ONLY ADMIN} (part of {@code ALL PRIVILEGES ON *.*}); SUPER no
 *       longer includes it (MDEV-29596, commit 47dccace13: "Separate SUPER and READ ONLY ADMIN privileges").</li>
 *   <li>MariaDB 10.5.2 to 10.10: {@code READ ONLY ADMIN}, and {@code SUPER}, which included it.</li>
 *   <li>MariaDB before 10.5.2: {@code SUPER}.</li>
 * </ul>
 */
public final class MySqlReadOnly {

    private MySqlReadOnly() {
    }

    /** The server's engine and version, from {@code SELECT VERSION()} ("10.11.6-MariaDB-log", "8.0.36"). */
    public record ServerVersion(boolean mariaDb, int major, int minor, int patch, String text) {

        public static ServerVersion parse(String version) {
            Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)(?:\\.(\\d+))?").matcher(version.strip());
            if (!m.find()) {
                throw new IllegalArgumentException("cannot read the server version '" + version + "'");
            }
            return new ServerVersion(MySqlDialect.isMariaDb(version), Integer.parseInt(m.group(1)),
                    Integer.parseInt(m.group(2)), m.group(3) == null ? 0 : Integer.parseInt(m.group(3)), version);
        }

        public boolean atLeast(int maj, int min, int pat) {
            return major != maj ? major > maj : minor != min ? minor > min : patch >= pat;
        }

        /** MySQL has super_read_only; MariaDB has not. */
        public boolean hasSuperReadOnly() {
            return !mariaDb;
        }

        public String engine() {
            return mariaDb ? "MariaDB" : "MySQL";
        }
    }

    /** read_only as the server has it; {@code superReadOnly} null on MariaDB (which has no such switch). */
    public record ReadOnlyState(boolean readOnly, Boolean superReadOnly) {
    }

    /** A transaction that had written (or locked rows) for longer than the bound when the freeze began. */
    public record LongWriter(long connectionId, String user, String host, String database, long ageSeconds,
                             long rowsModified, String state, String query) {
        public String describe() {
            return "connection " + connectionId + " of " + user + "@" + host + (database == null ? "" : " on " + database)
                    + ", open " + ageSeconds + " s, " + rowsModified + " row(s) modified"
                    + (query == null ? ", idle" : ", running: " + abbreviate(query));
        }
    }

    /** The outcome of a write probe under one login. */
    public enum ProbeOutcome {
        /** The write and its commit went through (and were undone: no row left). */
        ACCEPTED,
        /** Refused with ER_OPTION_PREVENTS_STATEMENT (1290): the server is read-only for this login. */
        REFUSED_READ_ONLY,
        /** Refused for want of a privilege on the probe table (1142 and the like): proves nothing about read_only. */
        DENIED_PRIVILEGE,
        /** Any other failure. */
        FAILED
    }

    public record ProbeResult(ProbeOutcome outcome, String account, int vendorCode, String message) {
    }

    /** The binary log position read after the freeze; {@code file} null when the binary log is off. */
    public record BinlogPosition(String file, Long position, String gtid, String statement) {
    }

    /** One line of SHOW GRANTS, parsed. {@code privileges} null for a role grant ({@code GRANT role TO user}). */
    public record Grant(String line, List<String> privileges, String on, List<String> roles) {
        public boolean global() {
            return "*.*".equals(on);
        }
    }

    /**
     * What a login may do about read_only: the privileges by which it writes through it ({@code bypassing}, empty
     * when it does not), those by which it may switch it off ({@code canSwitch}), and the roles granted to it,
     * whose privileges SHOW GRANTS does not expand (named, not guessed).
     */
    public record Bypass(String account, ServerVersion version, List<String> bypassing, List<String> canSwitch,
                         List<String> roles, List<String> grants) {
        public boolean bypasses() {
            return !bypassing.isEmpty();
        }

        public String describe() {
            if (!bypasses()) {
                return account + " cannot write through read_only on " + version.engine() + " " + version.text()
                        + (roles.isEmpty() ? "" : " (roles " + roles + " granted: their privileges are not expanded, check them)");
            }
            return account + " writes through read_only on " + version.engine() + " " + version.text() + ": it holds "
                    + String.join(", ", bypassing) + (version.mariaDb() ? ""
                    : " (stopped only while super_read_only is ON)")
                    + "; revoke it from the application's login or accept the risk explicitly";
        }
    }

    /**
     * A boolean server variable as the server gives it (1/0 or ON/OFF); any other value (a later server's new mode)
     * is an error naming it, never read as on or off.
     */
    static boolean onOff(String variable, String value) {
        String v = value == null ? "" : value.strip().toUpperCase(Locale.ROOT);
        return switch (v) {
            case "1", "ON" -> true;
            case "0", "OFF" -> false;
            default -> throw new IllegalStateException("@@GLOBAL." + variable + " is '" + value + "', which Bascule does not"
                    + " know (it handles ON and OFF): check the server's documentation and freeze by hand");
        };
    }

    // ---- SQL text ----

    static final String SQL_STATE_MYSQL = "SELECT @@GLOBAL.read_only, @@GLOBAL.super_read_only";
    static final String SQL_STATE_MARIADB = "SELECT @@GLOBAL.read_only";
    static final String SQL_CURRENT_USER = "SELECT CURRENT_USER()";
    static final String SQL_SHOW_GRANTS = "SHOW GRANTS";
    /** Bound on the client (Connector/J's default client-side preparation): user, host. */
    static final String SQL_SHOW_GRANTS_FOR = "SHOW GRANTS FOR ?@?";
    static final String SQL_GTID_MARIADB = "SELECT @@GLOBAL.gtid_binlog_pos";
    public static final String PROBE_TABLE = "bascule_probe";

    /**
     * Transactions older than {@code ?} seconds that have modified rows or hold InnoDB table locks (an UPDATE still
     * scanning, a SELECT ... FOR UPDATE), but not this session and not replication's own threads ('system user').
     * information_schema.PROCESSLIST is deprecated in MySQL 8.0.22+ but still served.
     */
    static final String SQL_LONG_WRITERS = "SELECT t.trx_mysql_thread_id, p.USER, p.HOST, p.DB,"
            + " TIMESTAMPDIFF(SECOND, t.trx_started, NOW()), t.trx_rows_modified, t.trx_state, t.trx_query"
            + " FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id"
            + " WHERE t.trx_mysql_thread_id <> CONNECTION_ID() AND p.USER <> 'system user'"
            + " AND (t.trx_rows_modified > 0 OR t.trx_tables_locked > 0)"
            + " AND t.trx_started <= NOW() - INTERVAL ? SECOND ORDER BY t.trx_started, t.trx_mysql_thread_id";

    static String lockWaitTimeoutSql(int seconds) {
        if (seconds < 1) {
            throw new IllegalArgumentException("lock_wait_timeout must be at least 1 s, not " + seconds);
        }
        return "SET SESSION lock_wait_timeout = " + seconds;
    }

    /** Ends the whole connection (an idle transaction is only rolled back that way; KILL QUERY would leave it). */
    static String killSql(long connectionId) {
        return "KILL CONNECTION " + connectionId;
    }

    /**
     * The statements that make the server read-only, in order. MySQL: read_only, then super_read_only ON (nobody
     * writes) or, with {@code allowPrivilegedWrites}, OFF (a CONNECTION_ADMIN/SUPER applier still writes).
     * MariaDB: read_only (READ ONLY ADMIN holders still write; there is no stricter switch).
     */
    public static List<String> freezeStatements(ServerVersion v, boolean allowPrivilegedWrites) {
        if (v.mariaDb()) {
            return List.of("SET GLOBAL read_only = ON");
        }
        return List.of("SET GLOBAL read_only = ON",
                allowPrivilegedWrites ? "SET GLOBAL super_read_only = OFF" : "SET GLOBAL super_read_only = ON");
    }

    /** The statements that make the server writable again: on MySQL super_read_only first, then read_only. */
    public static List<String> liftStatements(ServerVersion v) {
        if (v.mariaDb()) {
            return List.of("SET GLOBAL read_only = OFF");
        }
        return List.of("SET GLOBAL super_read_only = OFF", "SET GLOBAL read_only = OFF");
    }

    /** Of {@link #freezeStatements}, those whose switch is not yet where the freeze wants it (idempotence). */
    public static List<String> freezeStatementsNeeded(ServerVersion v, ReadOnlyState now, boolean allowPrivilegedWrites) {
        return freezeStatements(v, allowPrivilegedWrites).stream()
                .filter(sql -> switchNow(sql, now) != sql.endsWith("= ON")).toList();
    }

    /** Of {@link #liftStatements}, those whose switch is still on. */
    public static List<String> liftStatementsNeeded(ServerVersion v, ReadOnlyState now) {
        return liftStatements(v).stream().filter(sql -> switchNow(sql, now)).toList();
    }

    private static boolean switchNow(String sql, ReadOnlyState now) {
        return sql.contains("super_read_only") ? Boolean.TRUE.equals(now.superReadOnly()) : now.readOnly();
    }

    /**
     * The statement that reads the binary log position: MariaDB from 10.5.2 {@code SHOW BINLOG STATUS}; MySQL from
     * 8.2.0 {@code SHOW BINARY LOG STATUS} (SHOW MASTER STATUS is deprecated there and gone in 8.4); older
     * servers {@code SHOW MASTER STATUS}.
     */
    public static String binlogStatusSql(ServerVersion v) {
        if (v.mariaDb()) {
            return v.atLeast(10, 5, 2) ? "SHOW BINLOG STATUS" : "SHOW MASTER STATUS";
        }
        return v.atLeast(8, 2, 0) ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS";
    }

    static String createProbeTableSql(String database) {
        return "CREATE TABLE IF NOT EXISTS " + MySqlDialect.quote(database) + "." + MySqlDialect.quote(PROBE_TABLE)
                + " (token VARCHAR(64) NOT NULL PRIMARY KEY, written_at DATETIME(6) NOT NULL) ENGINE=InnoDB";
    }

    static String dropProbeTableSql(String database) {
        return "DROP TABLE IF EXISTS " + MySqlDialect.quote(database) + "." + MySqlDialect.quote(PROBE_TABLE);
    }

    static String probeInsertSql(String database) {
        return "INSERT INTO " + MySqlDialect.quote(database) + "." + MySqlDialect.quote(PROBE_TABLE)
                + " (token, written_at) VALUES (?, NOW(6))";
    }

    static String probeDeleteSql(String database) {
        return "DELETE FROM " + MySqlDialect.quote(database) + "." + MySqlDialect.quote(PROBE_TABLE) + " WHERE token = ?";
    }

    // ---- privileges ----

    /** A privilege name compared across spellings: upper case, underscores as spaces ("READ_ONLY ADMIN"). */
    static String canonical(String privilege) {
        return privilege.strip().replace('_', ' ').replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
    }

    /** The global privileges by which a login writes through read_only on this server version (canonical names). */
    public static List<String> bypassPrivileges(ServerVersion v) {
        if (!v.mariaDb()) {
            return List.of("SUPER", "CONNECTION ADMIN");
        }
        if (v.atLeast(10, 11, 0)) {
            return List.of("READ ONLY ADMIN");
        }
        return v.atLeast(10, 5, 2) ? List.of("READ ONLY ADMIN", "SUPER") : List.of("SUPER");
    }

    /** The global privileges that allow SET GLOBAL read_only (and super_read_only) on this server version. */
    public static List<String> switchPrivileges(ServerVersion v) {
        if (!v.mariaDb()) {
            return List.of("SUPER", "SYSTEM VARIABLES ADMIN");
        }
        if (v.atLeast(10, 11, 0)) {
            return List.of("READ ONLY ADMIN");
        }
        return v.atLeast(10, 5, 2) ? List.of("READ ONLY ADMIN", "SUPER") : List.of("SUPER");
    }

    /** Killing other accounts' connections. */
    public static List<String> killPrivileges(ServerVersion v) {
        return v.mariaDb() && !v.atLeast(10, 5, 2) ? List.of("SUPER") : List.of("CONNECTION ADMIN", "SUPER");
    }

    /** Reading the binary log position. */
    public static List<String> binlogPrivileges(ServerVersion v) {
        if (v.mariaDb() && v.atLeast(10, 5, 2)) {
            return List.of("BINLOG MONITOR", "REPLICATION CLIENT", "SUPER");   // REPLICATION CLIENT: BINLOG MONITOR's alias
        }
        return List.of("REPLICATION CLIENT", "SUPER");
    }

    /**
     * The global privileges of {@code wanted} (canonical names) that these grants give, as the server spells them;
     * {@code ALL [PRIVILEGES] ON *.*} gives every one of them (MariaDB's ALL includes READ ONLY ADMIN; MySQL's
     * includes SUPER and, from 8.0, its dynamic privileges when granted so).
     */
    public static List<String> held(List<Grant> grants, List<String> wanted) {
        List<String> found = new ArrayList<>();
        for (Grant g : grants) {
            if (g.privileges() == null || !g.global()) {
                continue;
            }
            for (String p : g.privileges()) {
                String c = canonical(p);
                if (c.equals("ALL") || c.equals("ALL PRIVILEGES")) {
                    if (!found.contains("ALL PRIVILEGES ON *.*")) {
                        found.add("ALL PRIVILEGES ON *.*");
                    }
                } else if (wanted.contains(c) && !found.contains(p.strip())) {
                    found.add(p.strip());
                }
            }
        }
        return found;
    }

    /**
     * Whether these grants give every one of {@code privileges} (canonical names) on a table of {@code database}:
     * granted on *.*, on database.*, or on the table itself, by name or by ALL. Grants through roles or on a
     * wildcard database pattern (shop\_%) are not matched: the check then says so rather than guess.
     */
    public static boolean holdsOnTable(List<Grant> grants, String database, String table, List<String> privileges) {
        List<String> missing = new ArrayList<>(privileges);
        for (Grant g : grants) {
            if (g.privileges() == null) {
                continue;
            }
            if (!g.global() && !g.on().equals(database + ".*") && !g.on().equals(database + "." + table)) {
                continue;
            }
            for (String p : g.privileges()) {
                String c = canonical(p);
                if (c.equals("ALL") || c.equals("ALL PRIVILEGES")) {
                    missing.clear();
                }
                missing.remove(c);
            }
        }
        return missing.isEmpty();
    }

    public static Bypass bypass(String account, ServerVersion v, List<String> grantLines) {
        List<Grant> grants = grantLines.stream().map(MySqlReadOnly::parseGrant).toList();
        List<String> roles = new ArrayList<>();
        grants.stream().filter(g -> g.roles() != null).forEach(g -> roles.addAll(g.roles()));
        return new Bypass(account, v, held(grants, bypassPrivileges(v)), held(grants, switchPrivileges(v)),
                List.copyOf(roles), List.copyOf(grantLines));
    }

    /**
     * Parses one line of SHOW GRANTS as MySQL 8 or MariaDB writes it: {@code GRANT priv[, priv (col, ...)] ON
     * object TO user@host [IDENTIFIED ...] [WITH ...]}, or a role grant {@code GRANT role[, role] TO user@host}.
     * Quoted names (backticks or single quotes, doubled quotes inside) are read as such.
     */
    public static Grant parseGrant(String line) {
        String s = line.strip();
        if (!s.regionMatches(true, 0, "GRANT ", 0, 6)) {
            throw new IllegalArgumentException("not a GRANT line: " + line);
        }
        int to = topLevelKeyword(s, " TO ", 6);
        int on = topLevelKeyword(s, " ON ", 6);
        if (to < 0) {
            throw new IllegalArgumentException("no TO in the GRANT line: " + line);
        }
        if (on < 0 || on > to) {
            List<String> roles = splitTopLevel(s.substring(6, to)).stream().map(MySqlReadOnly::unquoteAccount).toList();
            return new Grant(line, null, null, roles);
        }
        List<String> privileges = new ArrayList<>();
        for (String p : splitTopLevel(s.substring(6, on))) {
            int paren = p.indexOf('(');
            privileges.add((paren >= 0 ? p.substring(0, paren) : p).strip());
        }
        String object = s.substring(on + 4, to).strip().replace("`", "").replace("'", "");
        return new Grant(line, List.copyOf(privileges), object, null);
    }

    /** Index of a keyword outside quotes and parentheses, or -1. */
    private static int topLevelKeyword(String s, String keyword, int from) {
        return topLevel(s, from, i -> s.regionMatches(true, i, keyword, 0, keyword.length()));
    }

    /** The comma-separated parts of a list, commas inside quotes or parentheses kept. */
    private static List<String> splitTopLevel(String s) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int comma; (comma = topLevel(s, start, i -> s.charAt(i) == ',')) >= 0; start = comma + 1) {
            parts.add(s.substring(start, comma).strip());
        }
        if (start < s.length() && !s.substring(start).isBlank()) {
            parts.add(s.substring(start).strip());
        }
        return parts;
    }

    /**
     * The first index from {@code from} outside quotes (`, ', ", doubled to escape) and parentheses where {@code at}
     * holds, or -1. Scanning again after such an index starts in the same state (nothing open there).
     */
    private static int topLevel(String s, int from, java.util.function.IntPredicate at) {
        int depth = 0;
        char quote = 0;
        for (int i = from; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (quote != 0) {
                if (ch == quote) {
                    if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                        i++;
                    } else {
                        quote = 0;
                    }
                }
            } else if (ch == '`' || ch == '\'' || ch == '"') {
                quote = ch;
            } else if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth--;
            } else if (depth == 0 && at.test(i)) {
                return i;
            }
        }
        return -1;
    }

    /** `r`@`%` or 'r' as r@% / r. */
    static String unquoteAccount(String quoted) {
        StringBuilder sb = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < quoted.length(); i++) {
            char ch = quoted.charAt(i);
            if (quote != 0) {
                if (ch == quote) {
                    if (i + 1 < quoted.length() && quoted.charAt(i + 1) == quote) {
                        sb.append(ch);
                        i++;
                    } else {
                        quote = 0;
                    }
                } else {
                    sb.append(ch);
                }
            } else if (ch == '`' || ch == '\'' || ch == '"') {
                quote = ch;
            } else if (!Character.isWhitespace(ch)) {
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    static String abbreviate(String sql) {
        String one = sql.replaceAll("\\s+", " ").strip();
        return one.length() > 120 ? one.substring(0, 117) + "..." : one;
    }
}
