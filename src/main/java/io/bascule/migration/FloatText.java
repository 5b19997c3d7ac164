package io.bascule.migration;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;
import ch.randelshofer.fastdoubleparser.JavaFloatParser;

import java.nio.charset.StandardCharsets;

/**
 * Decimal text of a float or double (as MySQL and PostgreSQL print them) to its IEEE bits, and those bits as the
 * lower-case hex the canonical encoding uses. Most printed doubles have at most 15 significant digits and a small
 * exponent: then the digits as a long and the power of ten are both exact doubles, and one IEEE multiplication or
 * division rounds correctly (Clinger's fast path), which is what {@link Double#parseDouble} returns too. Any other
 * text (17 significant digits are common) goes to FastDoubleParser, which reads like {@link Double#parseDouble},
 * correctly rounded, in a fraction of its time.
 */
final class FloatText {

    private static final double[] POW10 = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private FloatText() {
    }

    /** The double the bytes {@code [from, to)} print, as {@link Double#parseDouble} reads it. */
    static double parseDouble(byte[] b, int from, int to) {
        int i = from;
        boolean negative = false;
        if (i < to && (b[i] == '-' || b[i] == '+')) {
            negative = b[i] == '-';
            i++;
        }
        long mantissa = 0;
        int significant = 0;
        int exponent = 0;
        boolean digits = false;
        for (; i < to && b[i] >= '0' && b[i] <= '9'; i++) {
            digits = true;
            if (mantissa != 0 || b[i] != '0') {
                if (++significant > 15) {
                    return slow(b, from, to);
                }
                mantissa = mantissa * 10 + (b[i] - '0');
            }
        }
        if (i < to && b[i] == '.') {
            for (i++; i < to && b[i] >= '0' && b[i] <= '9'; i++) {
                digits = true;
                if (mantissa != 0 || b[i] != '0') {
                    if (++significant > 15) {
                        return slow(b, from, to);
                    }
                    mantissa = mantissa * 10 + (b[i] - '0');
                }
                exponent--;
            }
        }
        if (!digits) {
            return slow(b, from, to);
        }
        if (i < to && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            boolean negativeExponent = false;
            if (i < to && (b[i] == '-' || b[i] == '+')) {
                negativeExponent = b[i] == '-';
                i++;
            }
            int e = 0;
            int start = i;
            for (; i < to && b[i] >= '0' && b[i] <= '9'; i++) {
                if (e > 10_000) {
                    return slow(b, from, to);
                }
                e = e * 10 + (b[i] - '0');
            }
            if (i == start) {
                return slow(b, from, to);
            }
            exponent += negativeExponent ? -e : e;
        }
        if (i != to) {
            return slow(b, from, to);
        }
        double v;
        if (mantissa == 0) {
            v = 0;
        } else if (exponent >= 0 && exponent < POW10.length) {
            v = mantissa * POW10[exponent];
        } else if (exponent < 0 && -exponent < POW10.length) {
            v = mantissa / POW10[-exponent];
        } else {
            return slow(b, from, to);
        }
        return negative ? -v : v;
    }

    /** The float the bytes {@code [from, to)} print, as {@link Float#parseFloat} reads it. */
    static float parseFloat(byte[] b, int from, int to) {
        return JavaFloatParser.parseFloat(b, from, to - from);
    }

    private static double slow(byte[] b, int from, int to) {
        return JavaDoubleParser.parseDouble(b, from, to - from);
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
