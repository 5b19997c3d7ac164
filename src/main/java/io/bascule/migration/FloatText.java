package io.bascule.migration;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;
import ch.randelshofer.fastdoubleparser.JavaFloatParser;

import java.nio.charset.StandardCharsets;

/**
 * Decimal text of a float or double (as MySQL and PostgreSQL print them) to its IEEE bits, and those bits as the
 * lower-case hex the canonical encoding uses. The reading is FastDoubleParser's, correctly rounded like
 * {@link Double#parseDouble} and {@link Float#parseFloat} (its own fast paths included; the hand-written Clinger
 * fast path Bascule had before was no faster, docs/benchmarks.md). The hex stays by hand: {@link java.util.HexFormat}
 * returns a String, three times slower here.
 */
final class FloatText {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private FloatText() {
    }

    /** The double the bytes {@code [from, to)} print, as {@link Double#parseDouble} reads it. */
    static double parseDouble(byte[] b, int from, int to) {
        return JavaDoubleParser.parseDouble(b, from, to - from);
    }

    /** The float the bytes {@code [from, to)} print, as {@link Float#parseFloat} reads it. */
    static float parseFloat(byte[] b, int from, int to) {
        return JavaFloatParser.parseFloat(b, from, to - from);
    }

    /** The lowest {@code digits} hex digits of {@code bits}, zero-padded, lower case (what PostgreSQL's encode(..., 'hex') prints). */
    static byte[] hex(long bits, int digits) {
        byte[] out = new byte[digits];
        for (int i = digits - 1; i >= 0; i--) {
            out[i] = HEX[(int) (bits & 0xf)];
            bits >>>= 4;
        }
        return out;
    }
}
