package io.bascule.migration;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;
import org.apache.commons.codec.digest.MurmurHash3;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToLongFunction;

/**
 * Microbenchmark, not a test (docs/benchmarks.md, "Standard libraries for RowHash and FloatText"): the hand-written
 * row hash and float reading Bascule had before, against the libraries that replaced them, on N values (default
 * 5,000,000). Each round times every candidate best of 5 (the JIT warmed first), candidates in alternating order;
 * the medians over the rounds are printed. Run:
 * {@code java -cp target/classes:target/test-classes:CLASSPATH io.bascule.migration.StandardLibraryBench [N] [ROUNDS]}
 */
final class StandardLibraryBench {

    private StandardLibraryBench() {
    }

    /** The row hash before commons-codec (FNV-1a style lane and a multiply-rotate lane, fmix64 finalisers). */
    static final class FnvRowHash {
        private static final long FNV_OFFSET = 0xcbf29ce484222325L;
        private static final long FNV_PRIME = 0x100000001b3L;
        private long h1 = FNV_OFFSET;
        private long h2 = 0x9e3779b97f4a7c15L;

        void reset() {
            h1 = FNV_OFFSET;
            h2 = 0x9e3779b97f4a7c15L;
        }

        void add(byte[] bytes) {
            if (bytes == null) {
                word(0x9d2c5680a3b1f7e1L);
                return;
            }
            int to = bytes.length;
            int i = 0;
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
            word(0x5bd1e9955bd1e995L ^ to);
        }

        private void word(long w) {
            h1 = (h1 ^ w) * FNV_PRIME;
            h1 ^= h1 >>> 29;
            h2 = Long.rotateLeft(h2 ^ (w * 0xc2b2ae3d27d4eb4fL), 31) * 0x165667b19e3779f9L;
        }

        long high() {
            return fmix(h1);
        }

        long low() {
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

    private static final double[] POW10 = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    /** FloatText.parseDouble before: Clinger's fast path by hand, FastDoubleParser for the rest. */
    static double clingerParseDouble(byte[] b, int from, int to) {
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
                    return JavaDoubleParser.parseDouble(b, from, to - from);
                }
                mantissa = mantissa * 10 + (b[i] - '0');
            }
        }
        if (i < to && b[i] == '.') {
            for (i++; i < to && b[i] >= '0' && b[i] <= '9'; i++) {
                digits = true;
                if (mantissa != 0 || b[i] != '0') {
                    if (++significant > 15) {
                        return JavaDoubleParser.parseDouble(b, from, to - from);
                    }
                    mantissa = mantissa * 10 + (b[i] - '0');
                }
                exponent--;
            }
        }
        if (!digits) {
            return JavaDoubleParser.parseDouble(b, from, to - from);
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
                    return JavaDoubleParser.parseDouble(b, from, to - from);
                }
                e = e * 10 + (b[i] - '0');
            }
            if (i == start) {
                return JavaDoubleParser.parseDouble(b, from, to - from);
            }
            exponent += negativeExponent ? -e : e;
        }
        if (i != to) {
            return JavaDoubleParser.parseDouble(b, from, to - from);
        }
        double v;
        if (mantissa == 0) {
            v = 0;
        } else if (exponent >= 0 && exponent < POW10.length) {
            v = mantissa * POW10[exponent];
        } else if (exponent < 0 && -exponent < POW10.length) {
            v = mantissa / POW10[-exponent];
        } else {
            return JavaDoubleParser.parseDouble(b, from, to - from);
        }
        return negative ? -v : v;
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    static byte[] handHex(long bits, int digits) {
        byte[] out = new byte[digits];
        for (int i = digits - 1; i >= 0; i--) {
            out[i] = HEX[(int) (bits & 0xf)];
            bits >>>= 4;
        }
        return out;
    }

    /** A row's values as the verifier sees them: keys, decimals, texts, NULLs, date-times, float bits. */
    static byte[][] rowValues(int n) {
        SplittableRandom r = new SplittableRandom(7);
        byte[][] v = new byte[n][];
        String[] words = {"Ångström", "café", "order", "naïve", "中文", "status", "Δ", "x", "😀", "long description of a thing"};
        for (int i = 0; i < n; i++) {
            String s = switch (i % 8) {
                case 0 -> Long.toString(i / 8 + 1);
                case 1 -> String.format("%d.%02d", r.nextInt(100_000), r.nextInt(100));
                case 2 -> words[r.nextInt(words.length)] + " " + words[r.nextInt(words.length)] + " " + r.nextInt(1000);
                case 3 -> r.nextInt(4) == 0 ? null : "2024-" + (1 + r.nextInt(12)) + "-" + (1 + r.nextInt(28)) + " 12:34:56";
                case 4 -> Long.toHexString(r.nextLong() | Long.MIN_VALUE);
                case 5 -> r.nextInt(10) == 0 ? "" : "note " + "x".repeat(r.nextInt(60));
                case 6 -> Integer.toString(r.nextInt(-1000, 1000));
                default -> r.nextInt(3) == 0 ? null : "{\"k\":" + r.nextInt() + "}";
            };
            v[i] = s == null ? null : s.getBytes(StandardCharsets.UTF_8);
        }
        return v;
    }

    /** Doubles as MySQL prints them: 17-digit quotients (the benchmark's x/300000e0), short decimals, floats. */
    static byte[][] doubleTexts(int n) {
        SplittableRandom r = new SplittableRandom(9);
        byte[][] v = new byte[n][];
        for (int i = 0; i < n; i++) {
            double d = switch (i % 4) {
                case 0, 1 -> (r.nextInt(100_000)) / 300000e0;
                case 2 -> Math.round(r.nextDouble() * 1e6) / 1e2;
                default -> (float) ((r.nextInt(1000)) / 7.0);
            };
            v[i] = Double.toString(d).getBytes(StandardCharsets.US_ASCII);
        }
        return v;
    }

    private record Candidate(String name, ToLongFunction<Integer> run) {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        int distinct = Math.min(n, 1_000_000);
        byte[][] values = rowValues(distinct);
        byte[][] doubles = doubleTexts(distinct);
        long[] bits = new long[distinct];
        for (int i = 0; i < distinct; i++) {
            bits[i] = Double.doubleToRawLongBits(Double.parseDouble(new String(doubles[i], StandardCharsets.US_ASCII)));
        }
        FnvRowHash fnv = new FnvRowHash();
        RowHash murmur = new RowHash();
        HexFormat hexFormat = HexFormat.of();
        int perRow = 8;
        List<Candidate> rowHash = List.of(
                new Candidate("RowHash before (FNV lanes)", k -> {
                    long sum = 0;
                    for (int i = 0; i < n; i += perRow) {
                        fnv.reset();
                        for (int j = 0; j < perRow; j++) {
                            fnv.add(values[(i + j) % distinct]);
                        }
                        sum += fnv.high() ^ fnv.low();
                    }
                    return sum;
                }),
                new Candidate("RowHash now (commons-codec MurmurHash3.hash128x64)", k -> {
                    long sum = 0;
                    for (int i = 0; i < n; i += perRow) {
                        murmur.reset();
                        for (int j = 0; j < perRow; j++) {
                            murmur.add(values[(i + j) % distinct]);
                        }
                        sum += murmur.high() ^ murmur.low();
                    }
                    return sum;
                }));
        List<Candidate> parse = List.of(
                new Candidate("parseDouble before (Clinger fast path + FastDoubleParser)", k -> {
                    long sum = 0;
                    for (int i = 0; i < n; i++) {
                        byte[] b = doubles[i % distinct];
                        sum += Double.doubleToRawLongBits(clingerParseDouble(b, 0, b.length));
                    }
                    return sum;
                }),
                new Candidate("parseDouble now (FastDoubleParser only)", k -> {
                    long sum = 0;
                    for (int i = 0; i < n; i++) {
                        byte[] b = doubles[i % distinct];
                        sum += Double.doubleToRawLongBits(FloatText.parseDouble(b, 0, b.length));
                    }
                    return sum;
                }));
        List<Candidate> hex = List.of(
                new Candidate("hex by hand (FloatText.hex)", k -> {
                    long sum = 0;
                    for (int i = 0; i < n; i++) {
                        sum += FloatText.hex(bits[i % distinct], 16)[15];
                    }
                    return sum;
                }),
                new Candidate("java.util.HexFormat.toHexDigits + getBytes", k -> {
                    long sum = 0;
                    for (int i = 0; i < n; i++) {
                        sum += hexFormat.toHexDigits(bits[i % distinct]).getBytes(StandardCharsets.US_ASCII)[15];
                    }
                    return sum;
                }));
        System.out.printf("N = %,d values per timing (rows of %d values for the row hash), best of 5, %d rounds%n", n, perRow, rounds);
        long blackhole = 0;
        for (List<Candidate> group : List.of(rowHash, parse, hex)) {
            for (Candidate c : group) {          // warm the JIT
                for (int w = 0; w < 5; w++) {
                    blackhole += c.run.applyAsLong(w);
                }
            }
            long[][] best = new long[group.size()][rounds];
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < group.size(); k++) {
                    int idx = round % 2 == 0 ? k : group.size() - 1 - k;   // alternate the order
                    long min = Long.MAX_VALUE;
                    for (int rep = 0; rep < 5; rep++) {
                        long t0 = System.nanoTime();
                        blackhole += group.get(idx).run.applyAsLong(rep);
                        min = Math.min(min, System.nanoTime() - t0);
                    }
                    best[idx][round] = min;
                }
            }
            for (int k = 0; k < group.size(); k++) {
                long[] ms = Arrays.stream(best[k]).map(x -> x / 1_000_000).toArray();
                long[] sorted = ms.clone();
                Arrays.sort(sorted);
                System.out.printf("%-58s median %5d ms  rounds %s%n", group.get(k).name, sorted[sorted.length / 2], Arrays.toString(ms));
            }
        }
        System.out.println("(checksum " + blackhole + ")");
    }
}
