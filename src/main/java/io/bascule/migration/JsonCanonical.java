package io.bascule.migration;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A canonical encoding of a JSON value for comparison (not JSON itself): object members ordered by key (shorter
 * keys first, then bytewise: jsonb's own order, so PostgreSQL's output needs no reordering; of duplicate keys the
 * last is kept, as jsonb does), strings decoded from their escapes, numbers normalised to significant digits and a
 * power of ten (1.50 = 1.5, 1e3 = 1000 = 1000.0, -0 = 0), no whitespace; every element length-prefixed so that two
 * different values never encode alike. MySQL, MariaDB and PostgreSQL print the same JSON value differently; they
 * encode alike here. Works on bytes in one output buffer, without a tree of objects, because audit tables hold
 * millions of JSON values.
 */
final class JsonCanonical {

    private final byte[] in;
    private final int end;
    private int pos;
    private final ByteBuf out;

    private JsonCanonical(byte[] in, int from, int to) {
        this.in = in;
        this.pos = from;
        this.end = to;
        this.out = new ByteBuf(to - from + 16);
    }

    /** The canonical bytes, or null when the text is not valid JSON (the caller compares the raw text then). */
    static byte[] of(byte[] json) {
        return of(json, 0, json.length);
    }

    /** As {@link #of(byte[])} for the bytes {@code [from, to)}. */
    static byte[] of(byte[] json, int from, int to) {
        JsonCanonical p = new JsonCanonical(json, from, to);
        try {
            p.value();
            p.skipWhitespace();
            return p.pos == to ? p.out.toArray() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private byte at(int i) {
        if (i >= end) {
            throw new IllegalArgumentException("unexpected end");
        }
        return in[i];
    }

    private void skipWhitespace() {
        while (pos < end && (in[pos] == ' ' || in[pos] == '\n' || in[pos] == '\r' || in[pos] == '\t')) {
            pos++;
        }
    }

    private void value() {
        skipWhitespace();
        byte b = at(pos);
        switch (b) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> {
                out.put((byte) 's');
                string();
            }
            case 't' -> literal("true", 't');
            case 'f' -> literal("false", 'f');
            case 'n' -> literal("null", 'z');
            default -> {
                out.put((byte) 'n');
                number();
            }
        }
    }

    private void literal(String word, char code) {
        for (int i = 0; i < word.length(); i++) {
            if (at(pos + i) != word.charAt(i)) {
                throw new IllegalArgumentException("bad literal");
            }
        }
        pos += word.length();
        out.put((byte) code);
    }

    /**
     * Members are encoded one after the other (key as length:bytes, then the value) while their bounds are noted;
     * then, unless they came in order already, they are put in order, and the header with the member count goes in
     * front.
     */
    private void object() {
        pos++;
        int regionStart = out.length();
        int[] bounds = new int[24];   // per member: start, key start, key end (of the key bytes), end
        int members = 0;
        skipWhitespace();
        if (at(pos) == '}') {
            pos++;
        } else {
            while (true) {
                skipWhitespace();
                if (at(pos) != '"') {
                    throw new IllegalArgumentException("key expected");
                }
                if (members * 4 + 4 > bounds.length) {
                    bounds = Arrays.copyOf(bounds, bounds.length * 2);
                }
                int memberStart = out.length();
                int keyBytes = string();
                bounds[members * 4] = memberStart;
                bounds[members * 4 + 1] = out.length() - keyBytes;
                bounds[members * 4 + 2] = out.length();
                skipWhitespace();
                if (at(pos++) != ':') {
                    throw new IllegalArgumentException("colon expected");
                }
                value();
                bounds[members * 4 + 3] = out.length();
                members++;
                skipWhitespace();
                byte sep = at(pos++);
                if (sep == '}') {
                    break;
                }
                if (sep != ',') {
                    throw new IllegalArgumentException("comma expected");
                }
            }
        }
        byte[] buf = out.array();
        boolean ordered = true;
        for (int m = 1; m < members && ordered; m++) {
            ordered = compareKeys(buf, bounds, m - 1, m) < 0;
        }
        if (ordered) {
            out.insert(regionStart, header(members));
            out.put((byte) '}');
            return;
        }
        final int[] b = bounds;
        int[] order = new int[members];
        // stable sorts: of equal keys the later member stays later
        if (members <= 32) {
            for (int m = 0; m < members; m++) {   // insertion sort: most objects have a few members
                int j = m;
                while (j > 0 && compareKeys(buf, b, order[j - 1], m) > 0) {
                    order[j] = order[j - 1];
                    j--;
                }
                order[j] = m;
            }
        } else {
            Integer[] boxed = new Integer[members];
            for (int m = 0; m < members; m++) {
                boxed[m] = m;
            }
            Arrays.sort(boxed, (x, y) -> compareKeys(buf, b, x, y));
            for (int m = 0; m < members; m++) {
                order[m] = boxed[m];
            }
        }
        int kept = 0;
        boolean[] keep = new boolean[members];
        for (int i = 0; i < members; i++) {
            keep[i] = i == members - 1 || compareKeys(buf, b, order[i], order[i + 1]) != 0;
            if (keep[i]) {
                kept++;
            }
        }
        byte[] region = Arrays.copyOfRange(buf, regionStart, out.length());
        out.truncate(regionStart);
        out.put(header(kept));
        for (int i = 0; i < members; i++) {
            if (keep[i]) {
                int m = order[i];
                out.put(region, b[m * 4] - regionStart, b[m * 4 + 3] - regionStart);
            }
        }
        out.put((byte) '}');
    }

    private static byte[] header(int members) {
        return ("{" + members + ":").getBytes(StandardCharsets.US_ASCII);
    }

    /** jsonb's key order: shorter first, then bytewise (unsigned). */
    private static int compareKeys(byte[] buf, int[] b, int x, int y) {
        int xFrom = b[x * 4 + 1];
        int xLen = b[x * 4 + 2] - xFrom;
        int yFrom = b[y * 4 + 1];
        int yLen = b[y * 4 + 2] - yFrom;
        if (xLen != yLen) {
            return Integer.compare(xLen, yLen);
        }
        return Arrays.compareUnsigned(buf, xFrom, xFrom + xLen, buf, yFrom, yFrom + yLen);
    }

    private void array() {
        pos++;
        out.put((byte) '[');
        skipWhitespace();
        if (at(pos) == ']') {
            pos++;
        } else {
            while (true) {
                value();
                skipWhitespace();
                byte sep = at(pos++);
                if (sep == ']') {
                    break;
                }
                if (sep != ',') {
                    throw new IllegalArgumentException("comma expected");
                }
            }
        }
        out.put((byte) ']');
    }

    /** Writes a string's content as UTF-8, escapes decoded, length-prefixed; returns the content's length. */
    private int string() {
        pos++;
        int start = pos;
        while (at(pos) != '"' && in[pos] != '\\') {
            pos++;
        }
        if (in[pos] == '"') {
            int n = pos - start;
            out.putDecimal(n);
            out.put((byte) ':');
            out.put(in, start, pos);
            pos++;
            return n;
        }
        StringBuilder sb = new StringBuilder(new String(in, start, pos - start, StandardCharsets.UTF_8));
        int runStart = pos;
        while (true) {
            byte b = at(pos);
            if (b == '"') {
                sb.append(new String(in, runStart, pos - runStart, StandardCharsets.UTF_8));
                pos++;
                byte[] decoded = sb.toString().getBytes(StandardCharsets.UTF_8);
                out.putDecimal(decoded.length);
                out.put((byte) ':');
                out.put(decoded);
                return decoded.length;
            }
            if (b == '\\') {
                sb.append(new String(in, runStart, pos - runStart, StandardCharsets.UTF_8));
                char e = (char) at(pos + 1);
                pos += 2;
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        at(pos + 3);
                        sb.append((char) Integer.parseInt(new String(in, pos, 4, StandardCharsets.US_ASCII), 16));
                        pos += 4;
                    }
                    default -> sb.append(e);
                }
                runStart = pos;
            } else {
                pos++;
            }
        }
    }

    /**
     * Writes a number as length:text where text is "0", or [-]D"e"E with D its significant digits (no leading or
     * trailing zeros) and E the power of ten of D's last digit: every way of writing one value gives the same text.
     */
    private void number() {
        int start = pos;
        boolean negative = false;
        if (pos < end && in[pos] == '-') {
            negative = true;
            pos++;
        }
        int digitsStart = pos;
        int firstSignificant = -1;   // position of the first non-zero digit
        int lastSignificant = -1;    // position of the last non-zero digit
        int point = -1;
        for (; pos < end; pos++) {
            byte c = in[pos];
            if (c >= '0' && c <= '9') {
                if (c != '0') {
                    if (firstSignificant < 0) {
                        firstSignificant = pos;
                    }
                    lastSignificant = pos;
                }
            } else if (c == '.' && point < 0) {
                point = pos;
            } else {
                break;
            }
        }
        int mantissaEnd = pos;
        if (mantissaEnd == digitsStart || mantissaEnd == point) {
            throw new IllegalArgumentException("value expected");
        }
        long exponent = 0;
        if (pos < end && (in[pos] == 'e' || in[pos] == 'E')) {
            pos++;
            boolean negativeExponent = false;
            if (pos < end && (in[pos] == '-' || in[pos] == '+')) {
                negativeExponent = in[pos] == '-';
                pos++;
            }
            int expStart = pos;
            for (; pos < end && in[pos] >= '0' && in[pos] <= '9'; pos++) {
                if (pos - expStart > 9) {
                    bigNumber(start);
                    return;
                }
                exponent = exponent * 10 + (in[pos] - '0');
            }
            if (pos == expStart) {
                throw new IllegalArgumentException("exponent expected");
            }
            if (negativeExponent) {
                exponent = -exponent;
            }
        }
        if (firstSignificant < 0) {
            out.put((byte) '1');
            out.put((byte) ':');
            out.put((byte) '0');
            return;
        }
        // the power of ten of the last significant digit: digits after it up to the point, minus the ones before
        int pointAt = point < 0 ? mantissaEnd : point;
        long lastDigitPower = lastSignificant < pointAt ? pointAt - lastSignificant - 1 : -(lastSignificant - pointAt);
        long e = exponent + lastDigitPower;
        int digits = lastSignificant - firstSignificant + 1 - (point > firstSignificant && point < lastSignificant ? 1 : 0);
        byte[] exp = Long.toString(e).getBytes(StandardCharsets.US_ASCII);
        out.putDecimal((negative ? 1 : 0) + digits + 1 + exp.length);
        out.put((byte) ':');
        if (negative) {
            out.put((byte) '-');
        }
        for (int i = firstSignificant; i <= lastSignificant; i++) {
            if (i != point) {
                out.put(in[i]);
            }
        }
        out.put((byte) 'e');
        out.put(exp);
    }

    /** A number with an exponent of more than ten digits: the same form, through BigDecimal. */
    private void bigNumber(int start) {
        while (pos < end && in[pos] >= '0' && in[pos] <= '9') {
            pos++;
        }
        BigDecimal d = new BigDecimal(new String(in, start, pos - start, StandardCharsets.US_ASCII));
        String text;
        if (d.signum() == 0) {
            text = "0";
        } else {
            BigDecimal s = d.stripTrailingZeros();
            text = s.unscaledValue().toString() + "e" + (-(long) s.scale());
        }
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        out.putDecimal(bytes.length);
        out.put((byte) ':');
        out.put(bytes);
    }
}
