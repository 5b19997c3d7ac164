package io.bascule.migration;

import java.util.Arrays;

/** Reading PostgreSQL COPY text format: one row's fields split on tabs, {@code \N} as NULL, escapes decoded. */
final class CopyText {

    private CopyText() {
    }

    /** Splits one row (with or without its final newline) into {@code fields}; each field is a new array or null. */
    static void split(byte[] line, byte[][] fields) {
        int end = line.length;
        if (end > 0 && line[end - 1] == '\n') {
            end--;
        }
        int field = 0;
        int start = 0;
        for (int i = 0; i <= end; i++) {
            if (i == end || line[i] == '\t') {
                if (field >= fields.length) {
                    throw new IllegalStateException("COPY row has more fields than expected");
                }
                fields[field++] = decode(line, start, i);
                start = i + 1;
            }
        }
        if (field != fields.length) {
            throw new IllegalStateException("COPY row has " + field + " fields, expected " + fields.length);
        }
    }

    private static byte[] decode(byte[] line, int from, int to) {
        if (to - from == 2 && line[from] == '\\' && line[from + 1] == 'N') {
            return null;
        }
        int backslash = -1;
        for (int i = from; i < to; i++) {
            if (line[i] == '\\') {
                backslash = i;
                break;
            }
        }
        if (backslash < 0) {
            return Arrays.copyOfRange(line, from, to);
        }
        byte[] out = new byte[to - from];
        int n = backslash - from;
        System.arraycopy(line, from, out, 0, n);
        for (int i = backslash; i < to; i++) {
            byte b = line[i];
            if (b != '\\' || i + 1 >= to) {
                out[n++] = b;
                continue;
            }
            byte e = line[++i];
            out[n++] = switch (e) {
                case 'n' -> '\n';
                case 't' -> '\t';
                case 'r' -> '\r';
                case 'b' -> '\b';
                case 'f' -> '\f';
                case 'v' -> 0x0b;
                default -> e;
            };
        }
        return Arrays.copyOf(out, n);
    }
}
