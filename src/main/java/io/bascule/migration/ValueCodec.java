package io.bascule.migration;

import io.bascule.database.MySqlDialect;
import io.bascule.database.PostgresDialect;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * Per value kind: the exact text form read from MySQL, its PostgreSQL COPY encoding, and the canonical
 * encoding both engines' values are compared in. Canonical forms: integers and decimals as printed; floats as
 * their IEEE bits; dates and times normalised to microseconds; binary as upper-case hex; JSON with sorted keys
 * and normalised numbers; text as is; a MySQL zero date as NULL (the documented conversion).
 */
public final class ValueCodec {


    private ValueCodec() {
    }

    /** The SELECT expression that reads a column's exact value from MySQL as text. */
    public static String sourceExpression(ColumnMapping m) {
        String col = MySqlDialect.quote(m.source().name());
        return switch (m.kind()) {
            case FLOAT4 -> "CAST(" + col + " AS DOUBLE)";   // FLOAT as text is rounded to 6 digits; widened it is exact
            // the server's own text: exact scale for DECIMAL (the driver would print 1E-30), no driver time zones
            case DECIMAL, DATE, DATETIME, TIMESTAMP, TIME -> "CAST(" + col + " AS CHAR)";
            case YEAR -> col + " + 0";
            case BINARY -> "HEX(" + col + ")";
            case BIT -> "LPAD(BIN(" + col + "), " + bitLength(m) + ", '0')";
            default -> col;
        };
    }

    /**
     * The select list of a table on either engine. Each expression gets an alias of its own (c1, c2 ...), so that
     * ORDER BY and WHERE on a column name mean the stored column, never the converted text of the select list.
     */
    public static String selectList(java.util.List<ColumnMapping> cols, boolean source) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cols.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(source ? sourceExpression(cols.get(i)) : targetExpression(cols.get(i))).append(" AS c").append(i + 1);
        }
        return sb.toString();
    }

    /**
     * The SELECT expression that reads the column back from PostgreSQL, for verification through {@code COPY TO
     * STDOUT}: the column itself, which COPY prints with its type's output function, the same text a {@code ::text}
     * cast gives for every type the plan creates (no bpchar, no inet); an explicit cast made PostgreSQL format each
     * value twice (measured: twice the server time on the benchmark's orders table).
     */
    public static String targetExpression(ColumnMapping m) {
        String col = PostgresDialect.quote(m.targetName());
        return switch (m.kind()) {
            case BINARY -> "upper(encode(" + col + ", 'hex'))";   // MySQL's HEX() prints upper case
            default -> col;
        };
    }

    private static int bitLength(ColumnMapping m) {
        return m.source().precision() == null ? 1 : m.source().precision();
    }

    private static final byte[] NULL_COPY = {'\\', 'N'};
    private static final byte[] UTC_SUFFIX = {'+', '0', '0'};
    private static final byte[] HEX_PREFIX = {'\\', '\\', 'x'};

    /** True for a MySQL zero date or a date with a zero month or day, which PostgreSQL cannot hold. */
    static boolean isZeroDate(ValueKind kind, byte[] v) {
        if (v == null || v.length < 10 || (kind != ValueKind.DATE && kind != ValueKind.DATETIME && kind != ValueKind.TIMESTAMP)) {
            return false;
        }
        boolean zeroYear = v[0] == '0' && v[1] == '0' && v[2] == '0' && v[3] == '0';
        boolean zeroMonth = v[5] == '0' && v[6] == '0';
        boolean zeroDay = v[8] == '0' && v[9] == '0';
        return zeroYear || zeroMonth || zeroDay;
    }

    /**
     * Appends the value (the bytes of {@link #sourceExpression} as the driver hands them over, UTF-8) in COPY
     * text format. Returns false for a zero date written as NULL (the caller counts them). Throws
     * {@link UncarriableValueException} for a value PostgreSQL cannot hold exactly.
     */
    static boolean appendCopy(ColumnMapping m, byte[] v, ByteBuf out) {
        if (v == null) {
            out.put(NULL_COPY);
            return true;
        }
        switch (m.kind()) {
            case DATE, DATETIME -> {
                if (isZeroDate(m.kind(), v)) {
                    out.put(NULL_COPY);
                    return false;
                }
                out.put(v);
            }
            case TIMESTAMP -> {
                if (isZeroDate(m.kind(), v)) {
                    out.put(NULL_COPY);
                    return false;
                }
                out.put(v);
                out.put(UTC_SUFFIX);
            }
            case BOOLEAN -> {
                if (v.length == 1 && v[0] == '0') {
                    out.put((byte) 'f');
                } else if (v.length == 1 && v[0] == '1') {
                    out.put((byte) 't');
                } else {
                    throw new UncarriableValueException("value " + new String(v, StandardCharsets.UTF_8)
                            + " is not 0 or 1, so it cannot become a boolean");
                }
            }
            case BINARY -> {
                out.put(HEX_PREFIX);
                out.put(v);
            }
            case TEXT, JSON -> escape(v, out);
            default -> out.put(v);
        }
        return true;
    }

    /** COPY text escaping, copying the runs between special bytes in one go (UTF-8 never uses them inside a character). */
    private static void escape(byte[] v, ByteBuf out) {
        int run = 0;
        for (int i = 0; i < v.length; i++) {
            byte b = v[i];
            if (b == '\\' || b == '\t' || b == '\n' || b == '\r' || b == 0) {
                out.put(v, run, i);
                run = i + 1;
                out.put((byte) '\\');
                switch (b) {
                    case '\\' -> out.put((byte) '\\');
                    case '\t' -> out.put((byte) 't');
                    case '\n' -> out.put((byte) 'n');
                    case '\r' -> out.put((byte) 'r');
                    default -> throw new UncarriableValueException("text holds a NUL character (0x00), which PostgreSQL"
                            + " text cannot store; override the column's type to bytea or clean the value");
                }
            }
        }
        out.put(v, run, v.length);
    }

    /** Canonical bytes of a MySQL value; the same array when the text is canonical already (integers, text...). */
    static byte[] canonicalSource(ColumnMapping m, byte[] v) {
        if (v == null || isZeroDate(m.kind(), v)) {
            return null;
        }
        return switch (m.kind()) {
            case FLOAT4 -> FloatText.hex(Float.floatToRawIntBits((float) FloatText.parseDouble(v, 0, v.length)) & 0xffffffffL);
            case FLOAT8 -> FloatText.hex(Double.doubleToRawLongBits(FloatText.parseDouble(v, 0, v.length)));
            case DATETIME, TIMESTAMP -> dateTime(v, v.length);
            case TIME -> timeMicros(v);
            case JSON -> json(v);
            default -> v;
        };
    }

    /** True when a value's PostgreSQL text is its canonical form: {@link #canonicalTarget} returns it as it is (the verifier then hashes it in place). */
    static boolean targetIsCanonical(ValueKind kind) {
        return switch (kind) {
            case INTEGER, DECIMAL, DATE, YEAR, TEXT, BINARY, BIT -> true;
            default -> false;
        };
    }

    /** Canonical bytes of a PostgreSQL value read with {@link #targetExpression}. */
    static byte[] canonicalTarget(ColumnMapping m, byte[] v) {
        if (v == null || targetIsCanonical(m.kind())) {
            return v;
        }
        return switch (m.kind()) {
            case FLOAT4 -> FloatText.hex(Float.floatToRawIntBits(FloatText.parseFloat(v, 0, v.length)) & 0xffffffffL);
            case FLOAT8 -> FloatText.hex(Double.doubleToRawLongBits(FloatText.parseDouble(v, 0, v.length)));
            case DATETIME -> dateTime(v, v.length);
            case TIMESTAMP -> dateTime(v, endsWithUtc(v) ? v.length - 3 : v.length);
            case TIME -> timeMicros(v);
            case BOOLEAN -> new byte[]{(byte) (v[0] == 't' ? '1' : '0')};
            case JSON -> json(v);
            default -> throw new IllegalStateException(m.kind() + " is canonical as printed: see targetIsCanonical");
        };
    }

    /** '[-]H:MM:SS[.f]' as bytes to its signed count of microseconds (ASCII); day forms go the slow way. */
    private static byte[] timeMicros(byte[] v) {
        int i = 0;
        boolean negative = false;
        if (v.length > 0 && (v[0] == '-' || v[0] == '+')) {
            negative = v[0] == '-';
            i = 1;
        }
        long hours = 0;
        for (; i < v.length && v[i] != ':'; i++) {
            if (v[i] < '0' || v[i] > '9') {
                return ascii(time(ascii(v)));
            }
            hours = hours * 10 + (v[i] - '0');
        }
        if (i + 6 > v.length || v[i + 3] != ':') {
            return ascii(time(ascii(v)));
        }
        long minutes = (v[i + 1] - '0') * 10 + (v[i + 2] - '0');
        long seconds = (v[i + 4] - '0') * 10 + (v[i + 5] - '0');
        long micros = 0;
        int f = i + 6;
        if (f < v.length && v[f] == '.') {
            int digits = 0;
            for (f++; f < v.length && digits < 6; f++, digits++) {
                micros = micros * 10 + (v[f] - '0');
            }
            for (; digits < 6; digits++) {
                micros *= 10;
            }
        }
        long total = ((hours * 60 + minutes) * 60 + seconds) * 1_000_000 + micros;
        return ascii(Long.toString(negative ? -total : total));
    }

    /** JSON compared as JSON values; text that does not parse is compared as it is, marked as such. */
    private static byte[] json(byte[] v) {
        byte[] c = JsonCanonical.of(v);
        if (c != null) {
            return c;
        }
        byte[] marked = new byte[v.length + 1];
        marked[0] = '!';
        System.arraycopy(v, 0, marked, 1, v.length);
        return marked;
    }

    private static boolean endsWithUtc(byte[] v) {
        int n = v.length;
        return n > 3 && v[n - 3] == '+' && v[n - 2] == '0' && v[n - 1] == '0';
    }

    private static String ascii(byte[] v) {
        return new String(v, StandardCharsets.US_ASCII);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** 'YYYY-MM-DD HH:MM:SS[.f]' (first {@code len} bytes) to 'YYYY-MM-DD HH:MM:SS.ffffff'. */
    private static byte[] dateTime(byte[] v, int len) {
        byte[] out = new byte[26];
        System.arraycopy(v, 0, out, 0, 19);
        out[19] = '.';
        int frac = len > 20 && v[19] == '.' ? len - 20 : 0;
        for (int i = 0; i < 6; i++) {
            out[20 + i] = i < frac ? v[20 + i] : (byte) '0';
        }
        return out;
    }

    /** '[-]H:MM:SS[.f]' (MySQL TIME, PostgreSQL time or interval) to a signed count of microseconds. */
    static String time(String v) {
        String s = v.strip();
        long days = 0;
        int dayIdx = s.indexOf(" day");
        if (dayIdx > 0) {
            days = Long.parseLong(s.substring(0, dayIdx));
            s = s.substring(s.indexOf(' ', dayIdx + 1) + 1);
        }
        boolean negative = s.startsWith("-");
        if (negative || s.startsWith("+")) {
            s = s.substring(1);
        }
        String[] parts = s.split(":");
        long hours = Long.parseLong(parts[0]);
        long minutes = Long.parseLong(parts[1]);
        String secPart = parts[2];
        int dot = secPart.indexOf('.');
        long seconds = Long.parseLong(dot < 0 ? secPart : secPart.substring(0, dot));
        long micros = dot < 0 ? 0 : Long.parseLong((secPart.substring(dot + 1) + "000000").substring(0, 6));
        long total = ((hours * 60 + minutes) * 60 + seconds) * 1_000_000 + micros;
        total = (negative ? -total : total) + days * 86_400_000_000L;
        return Long.toString(total);
    }


}
