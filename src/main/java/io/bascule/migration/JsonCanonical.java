package io.bascule.migration;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A canonical encoding of a JSON value for comparison (not JSON itself): object members sorted by key (the last of
 * duplicate keys kept, as jsonb does), strings decoded from their escapes, numbers normalised (1.50 = 1.5, 1e3 =
 * 1000), no whitespace; every element length-prefixed so that two different values never encode alike. MySQL,
 * MariaDB and PostgreSQL print the same JSON value differently; they encode alike here. Works on bytes, without a
 * tree of objects, because audit tables hold millions of JSON values.
 */
final class JsonCanonical {

    private final byte[] in;
    private int pos;

    private JsonCanonical(byte[] in) {
        this.in = in;
    }

    /** The canonical bytes, or null when the text is not valid JSON (the caller compares the raw text then). */
    static byte[] of(byte[] json) {
        JsonCanonical p = new JsonCanonical(json);
        try {
            ByteBuf out = new ByteBuf(json.length + 16);
            p.value(out);
            p.skipWhitespace();
            return p.pos == json.length ? out.toArray() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void skipWhitespace() {
        while (pos < in.length && (in[pos] == ' ' || in[pos] == '\n' || in[pos] == '\r' || in[pos] == '\t')) {
            pos++;
        }
    }

    private void value(ByteBuf out) {
        skipWhitespace();
        byte b = in[pos];
        switch (b) {
            case '{' -> object(out);
            case '[' -> array(out);
            case '"' -> {
                out.put((byte) 's');
                lengthPrefixed(out, string());
            }
            case 't' -> literal("true", 't', out);
            case 'f' -> literal("false", 'f', out);
            case 'n' -> literal("null", 'z', out);
            default -> {
                out.put((byte) 'n');
                lengthPrefixed(out, number());
            }
        }
    }

    private void literal(String word, char code, ByteBuf out) {
        for (int i = 0; i < word.length(); i++) {
            if (in[pos + i] != word.charAt(i)) {
                throw new IllegalArgumentException("bad literal");
            }
        }
        pos += word.length();
        out.put((byte) code);
    }

    private void object(ByteBuf out) {
        pos++;
        List<byte[][]> members = new ArrayList<>();
        skipWhitespace();
        if (in[pos] == '}') {
            pos++;
        } else {
            while (true) {
                skipWhitespace();
                if (in[pos] != '"') {
                    throw new IllegalArgumentException("key expected");
                }
                byte[] key = string();
                skipWhitespace();
                if (in[pos++] != ':') {
                    throw new IllegalArgumentException("colon expected");
                }
                ByteBuf v = new ByteBuf(64);
                value(v);
                members.add(new byte[][]{key, v.toArray()});
                skipWhitespace();
                byte sep = in[pos++];
                if (sep == '}') {
                    break;
                }
                if (sep != ',') {
                    throw new IllegalArgumentException("comma expected");
                }
            }
        }
        // stable sort: of duplicate keys the last one stays last, and only it is kept (as jsonb does)
        members.sort((a, b) -> Arrays.compareUnsigned(a[0], b[0]));
        for (int i = members.size() - 2; i >= 0; i--) {
            if (Arrays.equals(members.get(i)[0], members.get(i + 1)[0])) {
                members.remove(i);
            }
        }
        out.put((byte) '{');
        out.putDecimal(members.size());
        out.put((byte) ':');
        for (byte[][] m : members) {
            lengthPrefixed(out, m[0]);
            out.put(m[1]);
        }
        out.put((byte) '}');
    }

    private void array(ByteBuf out) {
        pos++;
        out.put((byte) '[');
        skipWhitespace();
        if (in[pos] == ']') {
            pos++;
        } else {
            while (true) {
                value(out);
                skipWhitespace();
                byte sep = in[pos++];
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

    private static void lengthPrefixed(ByteBuf out, byte[] bytes) {
        out.putDecimal(bytes.length);
        out.put((byte) ':');
        out.put(bytes);
    }

    /** A string's content as UTF-8, escapes decoded. */
    private byte[] string() {
        pos++;
        int start = pos;
        while (in[pos] != '"' && in[pos] != '\\') {
            pos++;
        }
        if (in[pos] == '"') {
            pos++;
            return Arrays.copyOfRange(in, start, pos - 1);
        }
        StringBuilder sb = new StringBuilder(new String(in, start, pos - start, StandardCharsets.UTF_8));
        int runStart = pos;
        while (true) {
            byte b = in[pos];
            if (b == '"') {
                sb.append(new String(in, runStart, pos - runStart, StandardCharsets.UTF_8));
                pos++;
                return sb.toString().getBytes(StandardCharsets.UTF_8);
            }
            if (b == '\\') {
                sb.append(new String(in, runStart, pos - runStart, StandardCharsets.UTF_8));
                char e = (char) in[pos + 1];
                pos += 2;
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
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

    /** A number normalised as BigDecimal.stripTrailingZeros().toString() prints it. */
    private byte[] number() {
        int start = pos;
        boolean plainInteger = true;
        while (pos < in.length) {
            byte b = in[pos];
            if (b >= '0' && b <= '9' || b == '-') {
                pos++;
            } else if (b == '.' || b == 'e' || b == 'E' || b == '+') {
                plainInteger = false;
                pos++;
            } else {
                break;
            }
        }
        String text = new String(in, start, pos - start, StandardCharsets.US_ASCII);
        if (text.isEmpty()) {
            throw new IllegalArgumentException("value expected");
        }
        if (plainInteger && text.length() < 19) {
            long v = Long.parseLong(text);
            if (v == 0) {
                return new byte[]{'0'};
            }
            int zeros = 0;
            while (v % 10 == 0) {
                v /= 10;
                zeros++;
            }
            return (zeros == 0 ? Long.toString(v) : v + "E+" + zeros).getBytes(StandardCharsets.US_ASCII);
        }
        BigDecimal d = new BigDecimal(text);
        return (d.signum() == 0 ? "0" : d.stripTrailingZeros().toString()).getBytes(StandardCharsets.US_ASCII);
    }
}
