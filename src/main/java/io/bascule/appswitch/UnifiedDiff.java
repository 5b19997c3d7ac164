package io.bascule.appswitch;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff ({@code ---}/{@code +++}, {@code @@} hunks with 3 lines of context) of two small text files, each
 * shown line redacted ({@link Redaction#line}). A line whose only change is its ending (LF / CRLF) is marked so.
 */
final class UnifiedDiff {

    private static final int CONTEXT = 3;
    /** Above this many cells the changed middle is shown as replaced whole rather than aligned line by line. */
    private static final long MAX_CELLS = 4_000_000L;

    private UnifiedDiff() {
    }

    static String of(String fromName, byte[] from, String toName, byte[] to) {
        List<String> a = lines(from);
        List<String> b = lines(to);
        List<int[]> ops = align(a, b); // {kind, indexA, indexB}: 0 same, -1 removed, +1 added
        StringBuilder out = new StringBuilder();
        out.append("--- ").append(fromName).append('\n').append("+++ ").append(toName).append('\n');
        int k = 0;
        while (k < ops.size()) {
            if (ops.get(k)[0] == 0) {
                k++;
                continue;
            }
            int start = Math.max(0, k - CONTEXT);
            // extend the hunk while changes are closer than 2 * CONTEXT unchanged lines apart
            int last = k;
            for (int j = k; j < ops.size(); j++) {
                if (ops.get(j)[0] != 0) {
                    last = j;
                } else if (j - last > 2 * CONTEXT) {
                    break;
                }
            }
            int end = Math.min(ops.size(), last + CONTEXT + 1);
            int aStart = -1;
            int bStart = -1;
            int aCount = 0;
            int bCount = 0;
            StringBuilder body = new StringBuilder();
            for (int j = start; j < end; j++) {
                int[] op = ops.get(j);
                if (op[0] <= 0) {
                    if (aStart < 0) {
                        aStart = op[1];
                    }
                    aCount++;
                }
                if (op[0] >= 0) {
                    if (bStart < 0) {
                        bStart = op[2];
                    }
                    bCount++;
                }
                String text = op[0] > 0 ? b.get(op[2]) : a.get(op[1]);
                body.append(op[0] == 0 ? ' ' : op[0] < 0 ? '-' : '+').append(show(text)).append('\n');
            }
            out.append("@@ -").append(range(aStart, aCount, ops, start, true)).append(" +")
                    .append(range(bStart, bCount, ops, start, false)).append(" @@\n").append(body);
            k = end;
        }
        return out.toString();
    }

    private static String range(int first, int count, List<int[]> ops, int hunkStart, boolean sideA) {
        if (count == 0) {
            // an empty side: the line before the hunk, as diff -u writes it
            int before = 0;
            for (int j = 0; j < hunkStart; j++) {
                if (sideA ? ops.get(j)[0] <= 0 : ops.get(j)[0] >= 0) {
                    before++;
                }
            }
            return before + ",0";
        }
        return (first + 1) + (count == 1 ? "" : "," + count);
    }

    private static String show(String raw) {
        boolean crlf = raw.endsWith("\r");
        String text = Redaction.line(crlf ? raw.substring(0, raw.length() - 1) : raw);
        return crlf ? text + "    [CRLF]" : text;
    }

    static List<String> lines(byte[] content) {
        String text = new String(content, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                lines.add(text.substring(from, i));
                from = i + 1;
            }
        }
        if (from < text.length()) {
            lines.add(text.substring(from));
        }
        return lines;
    }

    private static List<int[]> align(List<String> a, List<String> b) {
        int prefix = 0;
        while (prefix < a.size() && prefix < b.size() && a.get(prefix).equals(b.get(prefix))) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < a.size() - prefix && suffix < b.size() - prefix
                && a.get(a.size() - 1 - suffix).equals(b.get(b.size() - 1 - suffix))) {
            suffix++;
        }
        List<int[]> ops = new ArrayList<>();
        for (int i = 0; i < prefix; i++) {
            ops.add(new int[]{0, i, i});
        }
        int n = a.size() - prefix - suffix;
        int m = b.size() - prefix - suffix;
        if ((long) n * m > MAX_CELLS) {
            for (int i = 0; i < n; i++) {
                ops.add(new int[]{-1, prefix + i, -1});
            }
            for (int j = 0; j < m; j++) {
                ops.add(new int[]{1, -1, prefix + j});
            }
        } else {
            int[][] lcs = new int[n + 1][m + 1];
            for (int i = n - 1; i >= 0; i--) {
                for (int j = m - 1; j >= 0; j--) {
                    lcs[i][j] = a.get(prefix + i).equals(b.get(prefix + j)) ? lcs[i + 1][j + 1] + 1
                            : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
                }
            }
            int i = 0;
            int j = 0;
            while (i < n || j < m) {
                if (i < n && j < m && a.get(prefix + i).equals(b.get(prefix + j))) {
                    ops.add(new int[]{0, prefix + i++, prefix + j++});
                } else if (i < n && (j >= m || lcs[i + 1][j] >= lcs[i][j + 1])) {
                    ops.add(new int[]{-1, prefix + i++, -1});
                } else {
                    ops.add(new int[]{1, -1, prefix + j++});
                }
            }
        }
        for (int s = 0; s < suffix; s++) {
            ops.add(new int[]{0, a.size() - suffix + s, b.size() - suffix + s});
        }
        return ops;
    }
}
