package io.bascule.migration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bascule.database.MySqlDialect;
import io.bascule.database.PostgresDialect;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per value kind: the exact text form read from MySQL, its PostgreSQL COPY encoding, and the canonical
 * encoding both engines' values are compared in. Canonical forms: integers and decimals as printed; floats as
 * their IEEE bits; dates and times normalised to microseconds; binary as lower-case hex; JSON with sorted keys
 * and normalised numbers; text as is; a MySQL zero date as NULL (the documented conversion).
 */
public final class ValueCodec {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

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

    /** The SELECT expression that reads the column back from PostgreSQL as text, for verification. */
    public static String targetExpression(ColumnMapping m) {
        String col = PostgresDialect.quote(m.targetName());
        return switch (m.kind()) {
            case BINARY -> "encode(" + col + ", 'hex')";
            default -> col + "::text";
        };
    }

    private static int bitLength(ColumnMapping m) {
        return m.source().precision() == null ? 1 : m.source().precision();
    }

    /** True for a MySQL zero date or a date with a zero month or day, which PostgreSQL cannot hold. */
    public static boolean isZeroDate(ValueKind kind, String v) {
        if (v == null || (kind != ValueKind.DATE && kind != ValueKind.DATETIME && kind != ValueKind.TIMESTAMP)) {
            return false;
        }
        return v.startsWith("0000-") || v.regionMatches(4, "-00", 0, 3) || v.regionMatches(7, "-00", 0, 3);
    }

    /**
     * Appends the value in COPY text format. Returns false for a zero date written as NULL (the caller counts
     * them). Throws {@link UncarriableValueException} for a value PostgreSQL cannot hold exactly.
     */
    public static boolean appendCopy(ColumnMapping m, String v, StringBuilder out) {
        if (v == null) {
            out.append("\\N");
            return true;
        }
        switch (m.kind()) {
            case DATE, DATETIME -> {
                if (isZeroDate(m.kind(), v)) {
                    out.append("\\N");
                    return false;
                }
                out.append(v);
            }
            case TIMESTAMP -> {
                if (isZeroDate(m.kind(), v)) {
                    out.append("\\N");
                    return false;
                }
                out.append(v).append("+00");
            }
            case BOOLEAN -> {
                if ("0".equals(v)) {
                    out.append('f');
                } else if ("1".equals(v)) {
                    out.append('t');
                } else {
                    throw new UncarriableValueException("value " + v + " is not 0 or 1, so it cannot become a boolean");
                }
            }
            case BINARY -> out.append("\\\\x").append(v);
            case TEXT, JSON -> escape(v, out);
            default -> out.append(v);
        }
        return true;
    }

    private static void escape(String v, StringBuilder out) {
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\0' -> throw new UncarriableValueException("text holds a NUL character (0x00), which PostgreSQL"
                        + " text cannot store; override the column's type to bytea or clean the value");
                default -> out.append(ch);
            }
        }
    }

    /** Canonical form of a value read from MySQL with {@link #sourceExpression}; null for NULL (and zero dates). */
    public static String canonicalSource(ColumnMapping m, String v) {
        if (v == null || isZeroDate(m.kind(), v)) {
            return null;
        }
        return switch (m.kind()) {
            case FLOAT4 -> Integer.toHexString(Float.floatToRawIntBits((float) Double.parseDouble(v)));
            case FLOAT8 -> Long.toHexString(Double.doubleToRawLongBits(Double.parseDouble(v)));
            case DATETIME, TIMESTAMP -> dateTime(v);
            case TIME -> time(v);
            case BINARY -> v.toLowerCase();
            case JSON -> json(v);
            default -> v;
        };
    }

    /** Canonical form of a value read from PostgreSQL with {@link #targetExpression}. */
    public static String canonicalTarget(ColumnMapping m, String v) {
        if (v == null) {
            return null;
        }
        return switch (m.kind()) {
            case FLOAT4 -> Integer.toHexString(Float.floatToRawIntBits(Float.parseFloat(v)));
            case FLOAT8 -> Long.toHexString(Double.doubleToRawLongBits(Double.parseDouble(v)));
            case DATETIME -> dateTime(v);
            case TIMESTAMP -> dateTime(v.endsWith("+00") ? v.substring(0, v.length() - 3) : v);
            case TIME -> time(v);
            case BOOLEAN -> "true".equals(v) || "t".equals(v) ? "1" : "0";
            case JSON -> json(v);
            default -> v;
        };
    }

    /** 'YYYY-MM-DD HH:MM:SS[.f]' to 'YYYY-MM-DD HH:MM:SS.ffffff'. */
    static String dateTime(String v) {
        int dot = v.indexOf('.', 19);
        String base = v.substring(0, 19);
        String frac = dot < 0 ? "" : v.substring(dot + 1);
        return base + "." + (frac + "000000").substring(0, 6);
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

    static String json(String v) {
        try {
            return JSON.writeValueAsString(normalize(JSON.readTree(v)));
        } catch (JsonProcessingException e) {
            return "invalid-json:" + v;
        }
    }

    private static JsonNode normalize(JsonNode node) {
        JsonNodeFactory f = JsonNodeFactory.withExactBigDecimals(true);
        if (node.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                sorted.put(e.getKey(), normalize(e.getValue()));
            }
            ObjectNode o = f.objectNode();
            sorted.forEach(o::set);
            return o;
        }
        if (node.isArray()) {
            List<JsonNode> items = new ArrayList<>();
            node.forEach(n -> items.add(normalize(n)));
            return f.arrayNode().addAll(items);
        }
        if (node.isNumber()) {
            BigDecimal d = node.decimalValue().stripTrailingZeros();
            return f.numberNode(d.signum() == 0 ? BigDecimal.ZERO : d);
        }
        return node;
    }
}
