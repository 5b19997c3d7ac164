package io.bascule.migration;

/**
 * PostgreSQL's 64-bit byte hash ({@code hash_bytes_extended} in src/common/hashfn.c, Bob Jenkins' lookup3), the
 * function behind {@code hashtextextended(text, seed)}: the verifier hashes the source's canonical values here and
 * lets PostgreSQL hash the target's with the same function, so the target's rows need not leave the server. The
 * server computes it in its machine's byte order; this is the little-endian result (x86-64, ARM64), and
 * {@link #PROBE_TEXT} lets the verifier check that the server agrees before it relies on it.
 */
final class PgHash {

    /** A text whose hashtextextended(text, {@link #PROBE_SEED}) is {@link #probe()} on a server whose hash this class reproduces. */
    static final String PROBE_TEXT = "bascule probe: verifiable on this server? Ünïcödé ✓";
    static final long PROBE_SEED = 7;

    private PgHash() {
    }

    static long probe() {
        byte[] text = PROBE_TEXT.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return hash(text, 0, text.length, PROBE_SEED);
    }

    static long hash(byte[] k, long seed) {
        return hash(k, 0, k.length, seed);
    }

    /** {@code hash_bytes_extended(k[from, to), seed)} as a signed long (PostgreSQL's int8 result). */
    static long hash(byte[] k, int from, int to, long seed) {
        int len = to - from;
        int a = 0x9e3779b9 + len + 3923095;
        int b = a;
        int c = a;
        // the seed first, as a 12-byte block of its own (high word, low word, zero), then the key's full blocks
        boolean seedBlock = seed != 0;
        if (seedBlock) {
            a += (int) (seed >>> 32);
            b += (int) seed;
        }
        int p = from;
        while (seedBlock || len >= 12) {
            if (!seedBlock) {
                a += word(k, p);
                b += word(k, p + 4);
                c += word(k, p + 8);
            }
            // mix
            a -= c; a ^= Integer.rotateLeft(c, 4); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 6); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 8); b += a;
            a -= c; a ^= Integer.rotateLeft(c, 16); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 19); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 4); b += a;
            if (seedBlock) {
                seedBlock = false;
            } else {
                p += 12;
                len -= 12;
            }
        }
        // the last 11 bytes, little-endian; the lowest byte of c is left out (lookup3 reserved it for the length)
        switch (len) {
            case 11: c += (k[p + 10] & 0xff) << 24; // fall through
            case 10: c += (k[p + 9] & 0xff) << 16; // fall through
            case 9: c += (k[p + 8] & 0xff) << 8; // fall through
            case 8: b += (k[p + 7] & 0xff) << 24; // fall through
            case 7: b += (k[p + 6] & 0xff) << 16; // fall through
            case 6: b += (k[p + 5] & 0xff) << 8; // fall through
            case 5: b += k[p + 4] & 0xff; // fall through
            case 4: a += (k[p + 3] & 0xff) << 24; // fall through
            case 3: a += (k[p + 2] & 0xff) << 16; // fall through
            case 2: a += (k[p + 1] & 0xff) << 8; // fall through
            case 1: a += k[p] & 0xff; // fall through
            default: break;
        }
        // final
        c ^= b; c -= Integer.rotateLeft(b, 14);
        a ^= c; a -= Integer.rotateLeft(c, 11);
        b ^= a; b -= Integer.rotateLeft(a, 25);
        c ^= b; c -= Integer.rotateLeft(b, 16);
        a ^= c; a -= Integer.rotateLeft(c, 4);
        b ^= a; b -= Integer.rotateLeft(a, 14);
        c ^= b; c -= Integer.rotateLeft(b, 24);
        return ((long) b << 32) | (c & 0xffffffffL);
    }

    private static int word(byte[] k, int p) {
        return (k[p] & 0xff) | (k[p + 1] & 0xff) << 8 | (k[p + 2] & 0xff) << 16 | (k[p + 3] & 0xff) << 24;
    }
}
