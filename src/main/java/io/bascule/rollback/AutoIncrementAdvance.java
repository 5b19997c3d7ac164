package io.bascule.rollback;

import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.DatabaseException;
import io.bascule.database.MySqlDialect;
import io.bascule.database.PostgresDialect;
import io.bascule.schema.ColumnMapping;
import io.bascule.schema.TablePlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Before the application goes back to MySQL/MariaDB: every AUTO_INCREMENT counter past the ids written since the
 * switch. While the application ran on PostgreSQL, its identity sequences handed out ids; the reverse channel carried
 * the rows back with their ids, but MySQL's counter may still stand where the freeze left it, so that MySQL would
 * give out again an id PostgreSQL gave out (a duplicate key, or, where that row was deleted since, an id the outside
 * world already knows for another row). Per table with an AUTO_INCREMENT column, the counter moves to one past the
 * highest of: the largest id on MySQL, the largest id on PostgreSQL, and the last value PostgreSQL's sequence handed
 * out (ids of rows rolled back or deleted count too); a counter at or beyond that stays as it is. Idempotent.
 *
 * <p>{@code ALTER TABLE ... AUTO_INCREMENT} is DDL: it needs ALTER on the tables and, while MySQL is read-only, the
 * privileged login (MariaDB: READ ONLY ADMIN; MySQL: CONNECTION_ADMIN or SUPER with super_read_only off). It waits for
 * a table's metadata lock at most {@value #LOCK_WAIT_SECONDS} s. InnoDB never sets a counter below the largest id + 1.
 */
public final class AutoIncrementAdvance {

    static final int LOCK_WAIT_SECONDS = 10;
    private static final Logger log = LoggerFactory.getLogger(AutoIncrementAdvance.class);

    private final DatabaseEndpoint mysqlAdmin;
    private final DatabaseEndpoint postgres;
    private final String pgSchema;
    private final List<TablePlan> tables;
    private final MySqlDialect mysql;
    private final PostgresDialect pg;

    /**
     * What happened to (or, in a dry run, would happen to) one table's counter. {@code before}: the counter found;
     * {@code after}: the counter now (dry run: the one it would get); the maxima and the sequence's last value are null
     * where there is none (an empty table, a sequence that handed out nothing since the migration set it).
     */
    public record Advanced(String table, String column, Long mysqlMax, Long postgresMax, Long postgresSequenceLast,
                           Long before, Long after, boolean changed) {
    }

    /**
     * @param mysqlAdmin a MySQL/MariaDB login that may ALTER the tables while MySQL is read-only
     * @param postgres   the PostgreSQL database the application wrote to
     * @param pgSchema   the schema of the migrated tables there
     * @param tables     the migrated tables (the conversion plan's); those without AUTO_INCREMENT are left out
     */
    public AutoIncrementAdvance(DatabaseEndpoint mysqlAdmin, DatabaseEndpoint postgres, String pgSchema, List<TablePlan> tables) {
        this.mysqlAdmin = mysqlAdmin;
        this.postgres = postgres;
        this.pgSchema = pgSchema;
        this.tables = List.copyOf(tables);
        this.mysql = new MySqlDialect(mysqlAdmin);
        this.pg = new PostgresDialect(postgres);
    }

    /**
     * Moves the counters; one entry per table with an AUTO_INCREMENT column, in the tables' order.
     *
     * @throws ReverseChannelException when MySQL refuses the change (read-only for this login, no ALTER privilege) or a
     *                                 sequence cannot be read, naming the table and the fix
     * @throws DatabaseException       when a query fails otherwise
     */
    public List<Advanced> advance() {
        return run(false);
    }

    /** What {@link #advance()} would do, changing nothing. */
    public List<Advanced> dryRun() {
        return run(true);
    }

    private List<Advanced> run(boolean dryRun) {
        List<Advanced> out = new ArrayList<>();
        try (Connection my = mysqlAdmin.open(); Connection p = postgres.open()) {
            if (!dryRun) {
                mysql.setLockWaitTimeout(my, LOCK_WAIT_SECONDS);
            }
            for (TablePlan t : tables) {
                Advanced a = table(my, p, t, dryRun);
                if (a != null) {
                    out.add(a);
                }
            }
        } catch (SQLException e) {
            throw mysqlAdmin.failure("closing the connections of the AUTO_INCREMENT advance", e);
        }
        return out;
    }

    private Advanced table(Connection my, Connection p, TablePlan t, boolean dryRun) {
        String name = t.source().name();
        String column = mysql.autoIncrementColumn(my, name);
        if (column == null) {
            return null;
        }
        ColumnMapping m = t.columns().stream().filter(c -> c.source().name().equals(column)).findFirst()
                .orElseThrow(() -> new ReverseChannelException("MySQL table " + name + " has the AUTO_INCREMENT column "
                        + column + ", which the migration's plan does not know; the table changed since the migration:"
                        + " set its AUTO_INCREMENT by hand past the ids PostgreSQL handed out"));
        BigInteger before = mysql.autoIncrement(my, name);
        BigInteger mysqlMax = mysql.maxValue(my, name, column);
        BigInteger postgresMax = pg.maxValue(p, pgSchema, t.targetName(), m.targetName());
        PostgresDialect.SerialSequence sequence = pg.serialSequence(p, pgSchema, t.targetName(), m.targetName());
        if (sequence != null && !sequence.readable()) {
            throw new ReverseChannelException("cannot read the sequence " + sequence.name() + " of " + t.targetName() + "."
                    + m.targetName() + " on PostgreSQL: the login '" + postgres.user() + "' lacks SELECT (or USAGE) on it;"
                    + " GRANT SELECT ON SEQUENCE " + sequence.name() + " TO it, or use the migration's login");
        }
        BigInteger sequenceLast = sequence == null ? null : sequence.lastValue();
        BigInteger highest = Stream.of(mysqlMax, postgresMax, sequenceLast).filter(v -> v != null)
                .max(BigInteger::compareTo).orElse(null);
        BigInteger wanted = highest == null ? null : highest.add(BigInteger.ONE);
        boolean change = wanted != null && (before == null || wanted.compareTo(before) > 0);
        BigInteger after = before;
        if (change && dryRun) {
            after = wanted;
        } else if (change) {
            asLong(wanted, name);   // refused before anything changes
            set(my, name, wanted);
            after = mysql.autoIncrement(my, name);
            if (after == null || after.compareTo(wanted) < 0) {
                throw new ReverseChannelException("MySQL kept the AUTO_INCREMENT of " + name + " at " + after + " after "
                        + MySqlDialect.setAutoIncrementSql(name, wanted) + "; set it by hand before the application writes");
            }
            log.info("AUTO_INCREMENT of {} moved from {} to {} (largest {} on MySQL {}, on PostgreSQL {}, sequence's last {})",
                    name, before, after, column, mysqlMax, postgresMax, sequenceLast);
        }
        return new Advanced(name, column, asLong(mysqlMax, name), asLong(postgresMax, name), asLong(sequenceLast, name),
                asLong(before, name), asLong(after, name), change);
    }

    private void set(Connection my, String table, BigInteger next) {
        try {
            mysql.setAutoIncrement(my, table, next);
        } catch (DatabaseException e) {
            if (e.vendorCode() == 1290 || e.vendorCode() == 1836) {   // ER_OPTION_PREVENTS_STATEMENT, ER_READ_ONLY_MODE
                throw new ReverseChannelException("MySQL refused to move the AUTO_INCREMENT of " + table + " (" + e.getMessage()
                        + "): the login '" + mysqlAdmin.user() + "' may not change tables while MySQL is read-only; use the"
                        + " privileged login (MariaDB: READ ONLY ADMIN; MySQL: CONNECTION_ADMIN or SUPER, with super_read_only"
                        + " OFF)", e);
            }
            if (e.code() == DatabaseException.Code.MISSING_PRIVILEGE) {
                throw new ReverseChannelException("MySQL refused to move the AUTO_INCREMENT of " + table + " (" + e.getMessage()
                        + "): the login '" + mysqlAdmin.user() + "' needs ALTER on the table; grant it or use a login that has it", e);
            }
            throw e;
        }
    }

    private static Long asLong(BigInteger v, String table) {
        if (v == null) {
            return null;
        }
        try {
            return v.longValueExact();
        } catch (ArithmeticException e) {
            throw new ReverseChannelException("the ids of " + table + " reach " + v + ", beyond a signed 64-bit number;"
                    + " set its AUTO_INCREMENT by hand", e);
        }
    }
}
