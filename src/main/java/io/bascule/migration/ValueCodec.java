package io.bascule.migration;

import io.bascule.database.PostgresDialect;
import io.bascule.schema.ColumnMapping;
import io.bascule.schema.ValueKind;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * Per value kind: the exact text form read from MySQL, its PostgreSQL COPY encoding, and the canonical
 * encoding both engines' values are compared in. Canonical forms: integers and decimals as printed; floats as
 * their IEEE bits in hex; dates and timestamps as PostgreSQL prints them (ISO, UTC); TIME as signed microseconds;
 * binary as upper-case hex; JSON as jsonb prints it ({@link JsonCanonical}); text as is; a MySQL zero date as NULL
 * (the documented conversion). {@code PostgresDialect.canonicalText} computes the same forms on PostgreSQL.
 */
public final class ValueCodec {


    private ValueCodec() {
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
     * Appends the value (the bytes of {@code MySqlDialect.sourceExpression} as the driver hands them over, UTF-8) in COPY
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
            case FLOAT4 -> FloatText.hex(Float.floatToRawIntBits((float) FloatText.parseDouble(v, 0, v.length)) & 0xffffffffL, 8);
            case FLOAT8 -> FloatText.hex(Double.doubleToRawLongBits(FloatText.parseDouble(v, 0, v.length)), 16);
            case DATETIME -> dateTime(v, v.length, false);
            case TIMESTAMP -> dateTime(v, v.length, true);
            case TIME -> timeMicros(v);
            case JSON -> json(v);
            default -> v;
        };
    }

    /**
     * True when a value's PostgreSQL text is its canonical form: {@link #canonicalTarget} returns it as it is (the
     * verifier then hashes it in place). For the types the plan creates; a column whose type was overridden is
     * normalised from its text.
     */
    static boolean targetIsCanonical(ColumnMapping m) {
        return switch (m.kind()) {
            case INTEGER, DECIMAL, DATE, YEAR, TEXT, BINARY, BIT -> true;
            case DATETIME, TIMESTAMP, JSON -> BinaryCopy.writer(m) != null;   // timestamp, timestamptz, jsonb
            default -> false;
        };
    }

    /** Canonical bytes of a PostgreSQL value read with {@code PostgresDialect.targetExpression}. */
    static byte[] canonicalTarget(ColumnMapping m, byte[] v) {
        if (v == null || targetIsCanonical(m)) {
            return v;
        }
        return switch (m.kind()) {
            case FLOAT4 -> FloatText.hex(Float.floatToRawIntBits(FloatText.parseFloat(v, 0, v.length)) & 0xffffffffL, 8);
            case FLOAT8 -> FloatText.hex(Double.doubleToRawLongBits(FloatText.parseDouble(v, 0, v.length)), 16);
            case DATETIME -> dateTime(v, v.length, false);
            case TIMESTAMP -> dateTime(v, endsWithUtc(v) ? v.length - 3 : v.length, true);
            case TIME -> timeMicros(v);
            case BOOLEAN -> new byte[]{(byte) (v[0] == 't' ? '1' : '0')};
            case JSON -> json(v);
            default -> throw new IllegalStateException(m.kind() + " is canonical as printed: see targetIsCanonical");
        };
    }

    /**
     * The SQL expression (int8) of a row's hash as the target server computes it ({@link PostgresDialect#rowHashSql},
     * the same as {@link RangeSum#column}); null when a column's type was overridden (no binary writer knows it), so
     * that its canonical form cannot be computed there: then the rows are read and hashed here.
     */
    static String serverHashSql(java.util.List<ColumnMapping> cols) {
        for (ColumnMapping c : cols) {
            if (BinaryCopy.writer(c) == null) {
                return null;
            }
        }
        return PostgresDialect.rowHashSql(cols);
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

    /**
     * 'YYYY-MM-DD HH:MM:SS[.f]' (first {@code len} bytes) as PostgreSQL prints a timestamp: the fraction without
     * trailing zeros, no point when nothing is left of it; with {@code utc}, followed by "+00" (timestamptz in UTC).
     */
    private static byte[] dateTime(byte[] v, int len, boolean utc) {
        int e = len;
        if (len > 19 && v[19] == '.') {
            while (e > 20 && v[e - 1] == '0') {
                e--;
            }
            if (e == 20) {
                e = 19;
            }
        }
        if (!utc && e == v.length) {
            return v;
        }
        byte[] out = java.util.Arrays.copyOf(v, e + (utc ? 3 : 0));
        if (utc) {
            System.arraycopy(UTC_SUFFIX, 0, out, e, 3);
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
