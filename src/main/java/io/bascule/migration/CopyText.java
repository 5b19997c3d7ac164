package io.bascule.migration;

import java.util.Arrays;

/**
 * Reading PostgreSQL COPY text format: one row's fields split on tabs, {@code \N} as NULL, escapes decoded. A field
 * is a slice of the row (no copy) unless it holds an escape, which only then is decoded into an array of its own.
 */
final class CopyText {

    /** One row's fields: field i is {@code bytes[i][from[i], to[i])}, or NULL when {@code bytes[i]} is null. */
    static final class Fields {
        final byte[][] bytes;
        final int[] from;
        final int[] to;

        Fields(int n) {
            bytes = new byte[n][];
            from = new int[n];
            to = new int[n];
        }

        int size() {
            return bytes.length;
        }

        /** Field i as an array of its own (null for NULL). */
        byte[] copy(int i) {
            return bytes[i] == null ? null : Arrays.copyOfRange(bytes[i], from[i], to[i]);
        }
    }

    private CopyText() {
    }

    /** Splits one row (with or without its final newline) into {@code fields}. */
    static void split(byte[] line, Fields fields) {
        int end = line.length;
        if (end > 0 && line[end - 1] == '\n') {
            end--;
        }
        byte[][] bytes = fields.bytes;
        int[] from = fields.from;
        int[] to = fields.to;
        int n = bytes.length;
        int field = 0;
        int start = 0;
        boolean escaped = false;
        for (int i = 0; i < end; i++) {
            byte b = line[i];
            if (b == '\t') {
                if (field >= n - 1) {
                    throw new IllegalStateException("COPY row has more fields than expected");
                }
                if (escaped) {
                    set(fields, field, line, start, i, true);
                    escaped = false;
                } else {   // the common case, inline: a slice of the row
                    bytes[field] = line;
                    from[field] = start;
                    to[field] = i;
                }
                field++;
                start = i + 1;
            } else if (b == '\\') {
                escaped = true;
                i++; // the escaped byte is never a separator
            }
        }
        if (field != n - 1) {
            throw new IllegalStateException("COPY row has " + (field + 1) + " fields, expected " + n);
        }
        set(fields, field, line, start, end, escaped);
    }

    private static void set(Fields f, int field, byte[] line, int from, int to, boolean escaped) {
        if (!escaped) {
            f.bytes[field] = line;
            f.from[field] = from;
            f.to[field] = to;
            return;
        }
        if (to - from == 2 && line[from] == '\\' && line[from + 1] == 'N') {
            f.bytes[field] = null;
            return;
        }
        byte[] out = new byte[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
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
        f.bytes[field] = out;
        f.from[field] = 0;
        f.to[field] = n;
    }
}
