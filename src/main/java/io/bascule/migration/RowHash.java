package io.bascule.migration;

import java.nio.charset.StandardCharsets;

/**
 * A 128-bit hash of one row's canonical values (two independent 64-bit lanes), and the order-independent
 * sum of such hashes over a set of rows: equal sums and counts mean equal multisets of rows, with a chance
 * of an accidental match far below any realistic data error.
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

    /** Adds one value (null distinct from every string, and value boundaries marked). */
    public void add(String canonical) {
        if (canonical == null) {
            mix(0x01);
            mix(0xff);
            return;
        }
        byte[] bytes = canonical.getBytes(StandardCharsets.UTF_8);
        mix(0x02);
        for (byte b : bytes) {
            mix(b & 0xff);
        }
        mix(0x03);
        h2 ^= bytes.length;
        h2 *= 0xff51afd7ed558ccdL;
    }

    private void mix(int b) {
        h1 ^= b;
        h1 *= FNV_PRIME;
        h2 = Long.rotateLeft(h2 ^ (b * 0xc2b2ae3d27d4eb4fL), 29) * 0x165667b19e3779f9L;
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

    /** Order-independent accumulation of row hashes (sums modulo 2^64 per lane) with a row count. */
    public static final class Sum {
        private long high;
        private long low;
        private long rows;

        public void add(RowHash h) {
            high += h.high();
            low += h.low();
            rows++;
        }

        public void add(Sum other) {
            high += other.high;
            low += other.low;
            rows += other.rows;
        }

        public long rows() {
            return rows;
        }

        public String hex() {
            return String.format("%016x%016x", high, low);
        }

        public boolean sameAs(Sum other) {
            return high == other.high && low == other.low && rows == other.rows;
        }
    }
}
