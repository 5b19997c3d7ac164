package io.bascule.migration;

/**
 * A 128-bit hash of one row's canonical values (two independent 64-bit lanes): the verifier's row-by-row comparison
 * of a range whose checksums ({@link RangeSum}) differ, and of tables without a primary key, matches rows by it.
 */
public final class RowHash {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private long h1 = FNV_OFFSET;
    private long h2 = 0x9e3779b97f4a7c15L;

    public void reset() {
        h1 = FNV_OFFSET;
        h2 = 0x9e3779b97f4a7c15L;
    }

    /** Adds one value's canonical bytes; null is distinct from every byte string, and boundaries are marked. */
    public void add(byte[] bytes) {
        if (bytes == null) {
            word(0x9d2c5680a3b1f7e1L);
            return;
        }
        add(bytes, 0, bytes.length);
    }

    /** Adds the bytes {@code [from, to)}, exactly as {@link #add(byte[])} adds an array holding just them. */
    public void add(byte[] bytes, int from, int to) {
        int n = to - from;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long w = ((long) bytes[i] & 0xff) | ((long) bytes[i + 1] & 0xff) << 8 | ((long) bytes[i + 2] & 0xff) << 16
                    | ((long) bytes[i + 3] & 0xff) << 24 | ((long) bytes[i + 4] & 0xff) << 32 | ((long) bytes[i + 5] & 0xff) << 40
                    | ((long) bytes[i + 6] & 0xff) << 48 | ((long) bytes[i + 7] & 0xff) << 56;
            word(w);
        }
        long tail = 0;
        for (int shift = 0; i < to; i++, shift += 8) {
            tail |= ((long) bytes[i] & 0xff) << shift;
        }
        word(tail);
        word(0x5bd1e9955bd1e995L ^ n);
    }

    private void word(long w) {
        h1 = (h1 ^ w) * FNV_PRIME;
        h1 ^= h1 >>> 29;
        h2 = Long.rotateLeft(h2 ^ (w * 0xc2b2ae3d27d4eb4fL), 31) * 0x165667b19e3779f9L;
    }

    public long high() {
        return fmix(h1);
    }

    public long low() {
        return fmix(h2 ^ h1);
    }

    private static long fmix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
