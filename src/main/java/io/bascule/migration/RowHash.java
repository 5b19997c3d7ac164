package io.bascule.migration;

import org.apache.commons.codec.digest.MurmurHash3;

import java.util.Arrays;

/**
 * A 128-bit hash of one row's canonical values: the verifier's row-by-row comparison of a range whose checksums
 * ({@link RangeSum}) differ, and of tables without a primary key, matches rows by it. It is MurmurHash3 x64 128-bit
 * (commons-codec) of an unambiguous encoding of the row: each value tagged, a NULL as its tag alone, a value of up to
 * {@value #INLINE} bytes as its length and bytes, a longer one as its own MurmurHash3 digest (so a large value is
 * not copied). NULL differs from every byte string (the empty one too), and the values' boundaries count
 * (["ab", "c"] and ["a", "bc"] differ).
 */
public final class RowHash {

    static final int INLINE = 64;
    private static final byte NULL = 0;
    private static final byte BYTES = 1;
    private static final byte DIGEST = 2;

    private byte[] row = new byte[512];
    private int length;
    private boolean finished;
    private long high;
    private long low;

    public void reset() {
        length = 0;
        finished = false;
    }

    /** Adds one value's canonical bytes; null is distinct from every byte string, and boundaries are marked. */
    public void add(byte[] bytes) {
        if (bytes == null) {
            room(1);
            row[length++] = NULL;
            finished = false;
            return;
        }
        add(bytes, 0, bytes.length);
    }

    /** Adds the bytes {@code [from, to)}, exactly as {@link #add(byte[])} adds an array holding just them. */
    public void add(byte[] bytes, int from, int to) {
        int n = to - from;
        if (n <= INLINE) {
            room(2 + n);
            row[length++] = BYTES;
            row[length++] = (byte) n;
            System.arraycopy(bytes, from, row, length, n);
            length += n;
        } else {
            long[] h = MurmurHash3.hash128x64(bytes, from, n, 0);
            room(17);
            row[length++] = DIGEST;
            putLong(h[0]);
            putLong(h[1]);
        }
        finished = false;
    }

    public long high() {
        finish();
        return high;
    }

    public long low() {
        finish();
        return low;
    }

    private void finish() {
        if (!finished) {
            long[] h = MurmurHash3.hash128x64(row, 0, length, 0);
            high = h[0];
            low = h[1];
            finished = true;
        }
    }

    private void room(int n) {
        if (length + n > row.length) {
            row = Arrays.copyOf(row, Math.max(row.length * 2, length + n));
        }
    }

    private void putLong(long v) {
        for (int i = 0; i < 8; i++) {
            row[length++] = (byte) (v >>> (8 * i));
        }
    }
}
