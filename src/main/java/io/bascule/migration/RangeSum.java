package io.bascule.migration;

import java.math.BigInteger;

/**
 * The checksum of a range of rows (and of a table): the row count and the exact sum of the rows' 64-bit hashes, as
 * PostgreSQL's {@code count(*), sum(int8)} computes it on the target. A row's hash is the XOR over its columns of
 * {@code hashtextextended(canonical text, column number)}, or the column number where the value is NULL
 * ({@link #column}); the same number comes from the source's values hashed here ({@link PgHash}) and from the
 * target's, hashed by the server ({@link ValueCodec#serverHashSql}). The order of the rows does not matter.
 */
final class RangeSum {

    /** Marks the text form, so that a checksum written by an earlier scheme is never read as one of this. */
    private static final String PREFIX = "s1:";

    private long rows;
    private long low;
    private long high;

    /** The hash of one column's canonical value (null: SQL NULL); column numbers start at 1. */
    static long column(byte[] canonical, int column) {
        return canonical == null ? column : PgHash.hash(canonical, 0, canonical.length, column);
    }

    static long column(byte[] bytes, int from, int to, int column) {
        return PgHash.hash(bytes, from, to, column);
    }

    void add(long rowHash) {
        rows++;
        addToSum(rowHash >> 63, rowHash);
    }

    void add(RangeSum other) {
        rows += other.rows;
        addToSum(other.high, other.low);
    }

    /** Adds a count and a sum read from PostgreSQL ({@code count(*)}, {@code sum(...)::text}; null sum for no rows). */
    void add(long count, String sum) {
        rows += count;
        if (sum != null) {
            BigInteger v = new BigInteger(sum);
            addToSum(v.shiftRight(64).longValue(), v.longValue());
        }
    }

    private void addToSum(long h, long l) {
        long newLow = low + l;
        high += h + (Long.compareUnsigned(newLow, low) < 0 ? 1 : 0);
        low = newLow;
    }

    long rows() {
        return rows;
    }

    BigInteger sum() {
        return BigInteger.valueOf(high).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(low)));
    }

    boolean sameAs(RangeSum other) {
        return rows == other.rows && low == other.low && high == other.high;
    }

    /** 32 hex digits of the 128-bit sum (two's complement): the checksum the certificate shows. */
    String hex() {
        return String.format("%016x%016x", high, low);
    }

    /** The form stored with a copied range. */
    String text() {
        return PREFIX + sum();
    }

    /** The sum stored by {@link #text()} with its row count; null for null or a text of another scheme. */
    static RangeSum of(String text, long rows) {
        if (text == null || !text.startsWith(PREFIX)) {
            return null;
        }
        RangeSum s = new RangeSum();
        s.add(rows, text.substring(PREFIX.length()));
        return s;
    }
}
