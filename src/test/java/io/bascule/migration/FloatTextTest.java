package io.bascule.migration;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** FloatText must read every text exactly as Double.parseDouble does (bit for bit) and print Long.toHexString. */
class FloatTextTest {

    private static void same(String text) {
        byte[] b = ("<" + text + ">").getBytes(StandardCharsets.US_ASCII);
        double expected = Double.parseDouble(text);
        double actual = FloatText.parseDouble(b, 1, b.length - 1);
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(actual), text);
    }

    @Test
    void readsLikeParseDouble() {
        for (String t : List.of("0", "-0", "0.0", "-0.0", "1", "-1", "1.", ".5", "0.1", "0.2", "0.3", "123.456",
                "1e22", "1e23", "1e-22", "1e-23", "9007199254740993", "999999999999999", "9999999999999999",
                "1.7976931348623157e308", "-1.7976931348623157E308", "4.9e-324", "2.2250738585072014E-308",
                "1E+2", "1e+02", "0.000000000000000000000000001", "123456789012345.6", "1234567890123456",
                "Infinity", "-Infinity", "NaN", "3.141592653589793", "2.718281828459045", "1.0E-5", "100000000000000000000")) {
            same(t);
        }
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < 200_000; i++) {
            double d = switch (i % 4) {
                case 0 -> Double.longBitsToDouble(r.nextLong());
                case 1 -> r.nextDouble() * Math.pow(10, r.nextInt(-30, 30));
                case 2 -> Math.round(r.nextDouble() * 1e6) / 1e4;
                default -> (float) (r.nextDouble() * 1000);
            };
            if (Double.isNaN(d)) {
                continue;
            }
            same(Double.toString(d));
            same(String.format("%.6f", d));
            same(String.format("%.15g", d));
            same(String.format("%.17g", d));
        }
    }

    @Test
    void readsFloatsLikeParseFloat() {
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 100_000; i++) {
            float f = i % 2 == 0 ? Float.intBitsToFloat(r.nextInt()) : (float) (r.nextDouble() * Math.pow(10, r.nextInt(-20, 20)));
            for (String t : List.of(Float.toString(f), String.format("%.9g", f), String.format("%.4f", f))) {
                byte[] b = t.getBytes(StandardCharsets.US_ASCII);
                assertEquals(Float.floatToRawIntBits(Float.parseFloat(t)), Float.floatToRawIntBits(FloatText.parseFloat(b, 0, b.length)), t);
            }
        }
    }

    @Test
    void rejectsWhatParseDoubleRejects() {
        byte[] b = "1.2.3".getBytes(StandardCharsets.US_ASCII);
        assertThrows(NumberFormatException.class, () -> FloatText.parseDouble(b, 0, b.length));
        byte[] e = "".getBytes(StandardCharsets.US_ASCII);
        assertThrows(NumberFormatException.class, () -> FloatText.parseDouble(e, 0, 0));
    }

    @Test
    void hexZeroPaddedLikeFormat() {
        SplittableRandom r = new SplittableRandom(7);
        for (long v : new long[]{0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0x10, 0xfff}) {
            assertArrayEquals(String.format("%016x", v).getBytes(StandardCharsets.US_ASCII), FloatText.hex(v, 16));
        }
        for (int i = 0; i < 10_000; i++) {
            long v = r.nextLong() >>> r.nextInt(64);
            assertArrayEquals(String.format("%016x", v).getBytes(StandardCharsets.US_ASCII), FloatText.hex(v, 16));
            assertArrayEquals(String.format("%08x", v & 0xffffffffL).getBytes(StandardCharsets.US_ASCII), FloatText.hex(v, 8));
        }
    }
}
