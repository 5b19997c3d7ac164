package io.bascule.rollback;

import io.bascule.schema.ColumnMapping;

import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HexFormat;

/**
 * The reverse of the forward mapping (docs/type-mapping.md): a PostgreSQL value, read as the text
 * {@code PostgresDialect.reverseExpression} gives, bound as the MySQL column of the source schema takes it exactly.
 * The applier's session is strict, so MySQL refuses a value it would otherwise truncate or clip; the values MySQL
 * would change without an error are refused here ({@link ReverseChannelException} naming table, key and column).
 */
final class ReverseValues {

    private ReverseValues() {
    }

    /** Binds a column's value; {@code where} names the table and key for a refusal. */
    static void bind(PreparedStatement ps, int index, ColumnMapping m, String v, String where) throws SQLException {
        String column = m.source().name();
        if (v == null) {
            if (!m.source().nullable()) {
                // a NOT NULL date column left nullable by zero dates written as NULL, or a column the application
                // set NULL on PostgreSQL: MySQL cannot take the NULL and no value is guessed for it
                throw refused(where, column, "is NULL on PostgreSQL but NOT NULL in MySQL (a zero date the copy wrote as NULL,"
                        + " or a NULL the application wrote); set the value on PostgreSQL or make the MySQL column nullable");
            }
            ps.setNull(index, Types.VARCHAR);
            return;
        }
        switch (m.kind()) {
            case BINARY -> ps.setBytes(index, HexFormat.of().parseHex(v));
            case BIT -> ps.setBytes(index, bits(v));
            case TIME -> ps.setString(index, time(Long.parseLong(v)));
            case FLOAT4, FLOAT8, DECIMAL -> {
                if (v.equals("NaN") || v.endsWith("Infinity")) {
                    throw refused(where, column, "holds " + v + ", which MySQL " + m.source().columnType() + " cannot store");
                }
                ps.setString(index, v);
            }
            case TEXT -> {
                if (m.source().dataType().equalsIgnoreCase("char") && v.endsWith(" ")) {
                    throw refused(where, column, "ends with a space, which MySQL CHAR drops when it stores the value");
                }
                ps.setString(index, v);
            }
            default -> ps.setString(index, v);
        }
    }

    static ReverseChannelException refused(String where, String column, String problem) {
        return new ReverseChannelException("cannot carry back " + where + ": column " + column + " " + problem
                + "; nothing of this batch was written to MySQL");
    }

    /** A bit string ('0101...') as the bytes of a BIT(n) value, big-endian, ceil(n/8) bytes. */
    static byte[] bits(String v) {
        byte[] raw = v.isEmpty() ? new byte[0] : new BigInteger(v, 2).toByteArray();
        int len = Math.max(1, (v.length() + 7) / 8);
        byte[] out = new byte[len];
        int copy = Math.min(raw.length, len);
        System.arraycopy(raw, raw.length - copy, out, len - copy, copy);
        return out;
    }

    /** Signed microseconds as MySQL TIME text, [-]H:MM:SS.ffffff (hours beyond 24 for an interval). */
    static String time(long micros) {
        boolean negative = micros < 0;
        long m = Math.abs(micros);
        long fraction = m % 1_000_000;
        long seconds = m / 1_000_000;
        String text = String.format("%s%d:%02d:%02d", negative ? "-" : "", seconds / 3600, (seconds / 60) % 60, seconds % 60);
        return fraction == 0 ? text : text + String.format(".%06d", fraction);
    }
}
