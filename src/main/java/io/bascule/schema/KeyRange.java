package io.bascule.schema;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * A slice of a table by its single integer primary key: {@code lo <= key < hi}, either bound open (null).
 * Tables with another key (or none) have one range, the whole table. The SQL conditions for a range are the
 * dialects' ({@code MySqlDialect.rangePredicate}, {@code PostgresDialect.rangePredicateInline}).
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
}
