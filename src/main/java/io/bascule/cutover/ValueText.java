package io.bascule.cutover;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a value MySQL printed and one PostgreSQL printed say the same thing, for the comparison of a business
 * check's first rows: equal texts; numbers of equal value ({@code 165589.05} and {@code 165589.050}); dates, times and
 * timestamps whose fractional seconds differ by trailing zeros only ({@code 10:00:00.120} and {@code 10:00:00.12}),
 * a UTC offset ({@code +00}, {@code +00:00}, {@code Z}) being no difference since both sessions run in UTC; a
 * PostgreSQL boolean ({@code t}, {@code f}) and MySQL's {@code 1}, {@code 0}. NULL equals only NULL.
 */
final class ValueText {

    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");
    private static final Pattern TEMPORAL = Pattern.compile(
            "(\\d{4}-\\d{2}-\\d{2}[ T])?(\\d{2}:\\d{2}:\\d{2})(\\.\\d+)?(Z|[+-]00(:?00)?)?");

    private ValueText() {
    }

    static boolean same(String target, String source) {
        if (target == null || source == null) {
            return target == null && source == null;
        }
        if (target.equals(source)) {
            return true;
        }
        if (NUMBER.matcher(target).matches() && NUMBER.matcher(source).matches()) {
            return new BigDecimal(target).compareTo(new BigDecimal(source)) == 0;
        }
        String t = temporal(target);
        if (t != null && t.equals(temporal(source))) {
            return true;
        }
        return ("t".equals(target) && "1".equals(source)) || ("f".equals(target) && "0".equals(source));
    }

    /** The value with its fraction's trailing zeros and a UTC offset dropped, a T as a space; null when not temporal. */
    private static String temporal(String v) {
        Matcher m = TEMPORAL.matcher(v);
        if (!m.matches()) {
            return null;
        }
        String date = m.group(1) == null ? "" : m.group(1).substring(0, 10) + " ";
        String fraction = m.group(3) == null ? "" : m.group(3).replaceAll("0+$", "");
        return date + m.group(2) + (fraction.equals(".") ? "" : fraction);
    }

    /** A value for a line of the CLI: NULL for null, at most 80 characters. */
    static String shown(String v) {
        if (v == null) {
            return "NULL";
        }
        return v.length() > 80 ? v.substring(0, 80) + "…" : v;
    }
}
