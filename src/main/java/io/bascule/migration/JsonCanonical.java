package io.bascule.migration;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The canonical form of a JSON value: the text PostgreSQL prints for it as {@code jsonb}, byte for byte. Object
 * members ordered by key as jsonb orders them (shorter keys first, then bytewise; of duplicate keys the last is
 * kept), {@code ": "} and {@code ", "} between the parts, strings with their escapes decoded and re-escaped as jsonb
 * prints them, numbers as PostgreSQL's numeric prints them (1.50 stays 1.50, 1e2 is 100, 1.5e-3 is 0.0015, -0 is 0).
 * MySQL, MariaDB and PostgreSQL print the same JSON value differently; their texts have one canonical form, and the
 * target's jsonb text is already in it, so the verifier can hash it as the server prints it. Works on bytes in one
 * output buffer, without a tree of objects, because audit tables hold millions of JSON values.
 */
final class JsonCanonical {

    /** jsonb refuses exponents beyond this (numeric's NUMERIC_MAX_PRECISION); so does this class. */
    private static final int MAX_EXPONENT = 1000;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private byte[] in;
    private int end;
    private int pos;
    private final ByteBuf out = new ByteBuf(256);
    /** The decoded bytes of the keys of the objects being read (compared in jsonb's order). */
    private final ByteBuf keys = new ByteBuf(64);
    /** Per nesting depth, the member bounds of the object being read there (kept from value to value). */
    private int[][] bounds = new int[8][];
    private int depth;
    private final ByteBuf scratch = new ByteBuf(256);
    private int[] order = new int[32];

    /** A converter to use again and again (one thread at a time): the copy converts millions of values. */
    JsonCanonical() {
    }

    /** The canonical bytes, or null when the text is not JSON that jsonb accepts (the caller compares the raw text then). */
    static byte[] of(byte[] json) {
        return of(json, 0, json.length);
    }

    /** As {@link #of(byte[])} for the bytes {@code [from, to)}. */
    static byte[] of(byte[] json, int from, int to) {
        JsonCanonical p = new JsonCanonical();
        int n = p.canonicalize(json, from, to);
        return n < 0 ? null : Arrays.copyOf(p.array(), n);
    }

    /** Writes the canonical form of {@code json[from, to)} to {@link #array()}; returns its length, -1 if not JSON. */
    int canonicalize(byte[] json, int from, int to) {
        in = json;
        pos = from;
        end = to;
        depth = 0;
        out.clear();
        keys.clear();
        try {
            value();
            skipWhitespace();
            return pos == to ? out.length() : -1;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** The buffer {@link #canonicalize} writes to (valid up to the length it returned, until the next call). */
    byte[] array() {
        return out.array();
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
            case '[' -> arrayValue();
            case '"' -> string(false);
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> number();
        }
    }

    private void literal(String word) {
        for (int i = 0; i < word.length(); i++) {
            if (at(pos + i) != word.charAt(i)) {
                throw new IllegalArgumentException("bad literal");
            }
        }
        pos += word.length();
        out.put(word);
    }

    /**
     * Members are written one after the other ({@code "key": value}, with ", " between) while their bounds and
     * decoded keys are noted; unless they came in jsonb's order already, they are then written again in order, the
     * earlier of duplicate keys left out.
     */
    private void object() {
        pos++;
        out.put((byte) '{');
        int keysMark = keys.length();
        int regionStart = out.length();
        if (depth == this.bounds.length) {
            this.bounds = Arrays.copyOf(this.bounds, depth * 2);
        }
        int[] bounds = this.bounds[depth];   // per member: start, end (in out), key from, key to (in keys)
        if (bounds == null) {
            bounds = new int[24];
            this.bounds[depth] = bounds;
        }
        int level = depth++;
        int members = 0;
        skipWhitespace();
        if (at(pos) == '}') {
            pos++;
            out.put((byte) '}');
            depth = level;
            return;
        }
        while (true) {
            skipWhitespace();
            if (at(pos) != '"') {
                throw new IllegalArgumentException("key expected");
            }
            if (members * 4 + 4 > bounds.length) {
                bounds = Arrays.copyOf(bounds, bounds.length * 2);
            }
            this.bounds[level] = bounds;
            if (members > 0) {
                out.put((byte) ',');
                out.put((byte) ' ');
            }
            int memberStart = out.length();
            int keyFrom = keys.length();
            string(true);
            bounds[members * 4 + 2] = keyFrom;
            bounds[members * 4 + 3] = keys.length();
            skipWhitespace();
            if (at(pos++) != ':') {
                throw new IllegalArgumentException("colon expected");
            }
            out.put((byte) ':');
            out.put((byte) ' ');
            value();
            bounds[members * 4] = memberStart;
            bounds[members * 4 + 1] = out.length();
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
        byte[] k = keys.array();
        boolean ordered = true;
        for (int m = 1; m < members && ordered; m++) {
            ordered = compareKeys(k, bounds, m - 1, m) < 0;
        }
        if (!ordered) {
            reorder(regionStart, bounds, members);
        }
        out.put((byte) '}');
        keys.truncate(keysMark);
        depth = level;
    }

    private void reorder(int regionStart, int[] b, int members) {
        byte[] k = keys.array();
        if (order.length < members) {
            order = new int[Math.max(members, order.length * 2)];
        }
        int[] order = this.order;
        // stable sorts: of equal keys the later member stays later
        if (members <= 32) {
            for (int m = 0; m < members; m++) {   // insertion sort: most objects have a few members
                int j = m;
                while (j > 0 && compareKeys(k, b, order[j - 1], m) > 0) {
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
            Arrays.sort(boxed, (x, y) -> compareKeys(k, b, x, y));
            for (int m = 0; m < members; m++) {
                order[m] = boxed[m];
            }
        }
        scratch.clear();
        scratch.put(out.array(), regionStart, out.length());
        byte[] region = scratch.array();
        out.truncate(regionStart);
        boolean first = true;
        for (int i = 0; i < members; i++) {
            boolean kept = i == members - 1 || compareKeys(k, b, order[i], order[i + 1]) != 0;
            if (kept) {
                if (!first) {
                    out.put((byte) ',');
                    out.put((byte) ' ');
                }
                first = false;
                int m = order[i];
                out.put(region, b[m * 4] - regionStart, b[m * 4 + 1] - regionStart);
            }
        }
    }

    /** jsonb's key order: shorter first, then bytewise (unsigned), on the decoded keys. */
    private static int compareKeys(byte[] keys, int[] b, int x, int y) {
        int xFrom = b[x * 4 + 2];
        int xLen = b[x * 4 + 3] - xFrom;
        int yFrom = b[y * 4 + 2];
        int yLen = b[y * 4 + 3] - yFrom;
        if (xLen != yLen) {
            return Integer.compare(xLen, yLen);
        }
        return Arrays.compareUnsigned(keys, xFrom, xFrom + xLen, keys, yFrom, yFrom + yLen);
    }

    private void arrayValue() {
        pos++;
        out.put((byte) '[');
        skipWhitespace();
        if (at(pos) == ']') {
            pos++;
        } else {
            boolean first = true;
            while (true) {
                if (!first) {
                    out.put((byte) ',');
                    out.put((byte) ' ');
                }
                first = false;
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

    /**
     * Writes a string as jsonb prints it; a key's decoded bytes also go to {@link #keys}. Most strings have no escape
     * and are copied as they are.
     */
    private void string(boolean key) {
        pos++;
        int start = pos;
        byte b;
        while ((b = at(pos)) != '"' && b != '\\' && (b & 0xff) >= 0x20) {
            pos++;
        }
        if (b == '"') {
            out.put((byte) '"');
            out.put(in, start, pos);
            out.put((byte) '"');
            if (key) {
                keys.put(in, start, pos);
            }
            pos++;
            return;
        }
        if (b != '\\') {
            throw new IllegalArgumentException("control character in a string");
        }
        StringBuilder sb = new StringBuilder(new String(in, start, pos - start, StandardCharsets.UTF_8));
        int runStart = pos;
        while (true) {
            b = at(pos);
            if (b == '"') {
                sb.append(new String(in, runStart, pos - runStart, StandardCharsets.UTF_8));
                pos++;
                break;
            }
            if ((b & 0xff) < 0x20) {
                throw new IllegalArgumentException("control character in a string");
            }
            if (b == '\\') {
                sb.append(new String(in, runStart, pos - runStart, StandardCharsets.UTF_8));
                char e = (char) at(pos + 1);
                pos += 2;
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        at(pos + 3);
                        char u = (char) Integer.parseInt(new String(in, pos, 4, StandardCharsets.US_ASCII), 16);
                        if (u == 0) {
                            throw new IllegalArgumentException("\\u0000, which jsonb refuses");
                        }
                        sb.append(u);
                        pos += 4;
                    }
                    default -> throw new IllegalArgumentException("bad escape");
                }
                runStart = pos;
            } else {
                pos++;
            }
        }
        for (int i = 0; i < sb.length(); i++) {   // a surrogate must be half of a pair, as jsonb requires
            char ch = sb.charAt(i);
            if (Character.isHighSurrogate(ch) && i + 1 < sb.length() && Character.isLowSurrogate(sb.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(ch)) {
                throw new IllegalArgumentException("lone surrogate");
            }
        }
        byte[] decoded = sb.toString().getBytes(StandardCharsets.UTF_8);
        if (key) {
            keys.put(decoded);
        }
        out.put((byte) '"');
        for (byte d : decoded) {
            switch (d) {
                case '"' -> out.put("\\\"");
                case '\\' -> out.put("\\\\");
                case '\b' -> out.put("\\b");
                case '\f' -> out.put("\\f");
                case '\n' -> out.put("\\n");
                case '\r' -> out.put("\\r");
                case '\t' -> out.put("\\t");
                default -> {
                    if ((d & 0xff) < 0x20) {
                        out.put("\\u00");
                        out.put(HEX[(d >> 4) & 0xf]);
                        out.put(HEX[d & 0xf]);
                    } else {
                        out.put(d);
                    }
                }
            }
        }
        out.put((byte) '"');
    }

    /**
     * Writes a number as PostgreSQL's numeric prints it. Without an exponent that is the text itself (JSON allows no
     * leading zeros, no '+', no bare point), except that a negative zero loses its sign; with one, the digits go
     * through BigDecimal: numeric keeps as many decimals as the text has, less the exponent, and never fewer than 0.
     */
    private void number() {
        int start = pos;
        if (at(pos) == '-') {
            pos++;
        }
        int intStart = pos;
        boolean nonZero = false;
        while (pos < end && in[pos] >= '0' && in[pos] <= '9') {
            nonZero |= in[pos] != '0';
            pos++;
        }
        if (pos == intStart || (in[intStart] == '0' && pos - intStart > 1)) {
            throw new IllegalArgumentException("bad number");
        }
        if (pos < end && in[pos] == '.') {
            pos++;
            int fracStart = pos;
            while (pos < end && in[pos] >= '0' && in[pos] <= '9') {
                nonZero |= in[pos] != '0';
                pos++;
            }
            if (pos == fracStart) {
                throw new IllegalArgumentException("bad number");
            }
        }
        if (pos < end && (in[pos] == 'e' || in[pos] == 'E')) {
            pos++;
            if (pos < end && (in[pos] == '-' || in[pos] == '+')) {
                pos++;
            }
            int expStart = pos;
            long exponent = 0;
            while (pos < end && in[pos] >= '0' && in[pos] <= '9') {
                exponent = Math.min(exponent * 10 + (in[pos] - '0'), Integer.MAX_VALUE);
                pos++;
            }
            if (pos == expStart || exponent > MAX_EXPONENT) {
                throw new IllegalArgumentException("bad exponent");
            }
            BigDecimal d = new BigDecimal(new String(in, start, pos - start, StandardCharsets.US_ASCII));
            if (d.scale() < 0) {
                d = d.setScale(0);
            }
            out.put(d.toPlainString());
            return;
        }
        out.put(in, nonZero || in[start] != '-' ? start : start + 1, pos);
    }
}
