package io.bascule.migration;

import io.bascule.database.MySqlDialect;
import io.bascule.database.PostgresDialect;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A slice of a table by its single integer primary key: {@code lo <= key < hi}, either bound open (null).
 * Tables with another key (or none) have one range, the whole table.
 */
public record KeyRange(int number, String lo, String hi) {

    public static final KeyRange WHOLE = new KeyRange(0, null, null);

    /** Splits [min, max] into {@code count} ranges of equal width; the first and last are open-ended. */
    public static List<KeyRange> split(BigInteger min, BigInteger max, int count) {
        List<KeyRange> ranges = new ArrayList<>();
        if (min == null || max == null || count <= 1 || max.subtract(min).compareTo(BigInteger.valueOf(count)) < 0) {
            ranges.add(WHOLE);
            return ranges;
        }
        BigInteger width = max.subtract(min).add(BigInteger.ONE).divide(BigInteger.valueOf(count));
        String previous = null;
        for (int i = 1; i < count; i++) {
            String bound = min.add(width.multiply(BigInteger.valueOf(i))).toString();
            ranges.add(new KeyRange(i - 1, previous, bound));
            previous = bound;
        }
        ranges.add(new KeyRange(count - 1, previous, null));
        return ranges;
    }

    /** The WHERE condition for this range on the source (with ? for the bounds), or "1=1". */
    public String sourcePredicate(String keyColumn) {
        return predicate(MySqlDialect.quote(keyColumn));
    }

    public String targetPredicate(String keyColumn) {
        return predicate(PostgresDialect.quote(keyColumn));
    }

    /** The target condition with the bounds written in (for COPY, which takes no parameters); they are integers. */
    public String targetPredicateInline(String keyColumn) {
        String col = PostgresDialect.quote(keyColumn);
        String lower = lo == null ? null : col + " >= " + new java.math.BigInteger(lo);
        String upper = hi == null ? null : col + " < " + new java.math.BigInteger(hi);
        if (lower == null && upper == null) {
            return "1=1";
        }
        return lower == null ? upper : upper == null ? lower : lower + " AND " + upper;
    }

    private String predicate(String col) {
        if (lo == null && hi == null) {
            return "1=1";
        }
        if (lo == null) {
            return col + " < ?";
        }
        if (hi == null) {
            return col + " >= ?";
        }
        return col + " >= ? AND " + col + " < ?";
    }

    /** Binds the bounds from parameter index {@code first}; returns the next free index. */
    public int bind(PreparedStatement ps, int first) throws SQLException {
        int i = first;
        if (lo != null) {
            ps.setBigDecimal(i++, new BigDecimal(lo));
        }
        if (hi != null) {
            ps.setBigDecimal(i++, new BigDecimal(hi));
        }
        return i;
    }
}
