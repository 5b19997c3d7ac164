package io.bascule.database;

import com.mysql.cj.jdbc.exceptions.SQLExceptionsMapping;
import com.mysql.cj.protocol.Resultset;
import com.mysql.cj.protocol.ResultsetRows;
import com.mysql.cj.result.Row;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The rows of a streaming MySQL result set as raw bytes, for the copy and the verification, which read every value
 * of every row. Connector/J's {@code ResultSet.next()} and {@code getBytes()} take the connection's lock and check
 * the result set's state on every call (measured: a sixth of the copy threads' time); on a Connector/J result set
 * this reads its row list directly, which holds the same bytes. Any other result set is read through JDBC. The
 * result set must not be used otherwise while this reads it (its own cursor does not move).
 */
public abstract class MySqlRows {

    /** Advances to the next row; false at the end. */
    public abstract boolean next() throws SQLException;

    /** Column {@code i} (1-based, as JDBC) of the current row as the server sent it, or null for NULL. */
    public abstract byte[] get(int i) throws SQLException;

    public static MySqlRows of(ResultSet rs) throws SQLException {
        if (rs.isWrapperFor(Resultset.class)) {
            ResultsetRows rows = rs.unwrap(Resultset.class).getRows();
            if (rows != null) {
                return new DriverRows(rows);
            }
        }
        return new JdbcRows(rs);
    }

    private static final class DriverRows extends MySqlRows {
        private final ResultsetRows rows;
        private Row row;

        DriverRows(ResultsetRows rows) {
            this.rows = rows;
        }

        @Override
        public boolean next() throws SQLException {
            try {
                row = rows.next();
                return row != null;
            } catch (RuntimeException e) {   // the driver's protocol errors, as its JDBC layer would report them
                throw SQLExceptionsMapping.translateException(e);
            }
        }

        @Override
        public byte[] get(int i) throws SQLException {
            try {
                return row.getBytes(i - 1);
            } catch (RuntimeException e) {
                throw SQLExceptionsMapping.translateException(e);
            }
        }
    }

    private static final class JdbcRows extends MySqlRows {
        private final ResultSet rs;

        JdbcRows(ResultSet rs) {
            this.rs = rs;
        }

        @Override
        public boolean next() throws SQLException {
            return rs.next();
        }

        @Override
        public byte[] get(int i) throws SQLException {
            return rs.getBytes(i);
        }
    }
}
