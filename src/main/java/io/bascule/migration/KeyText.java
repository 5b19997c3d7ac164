package io.bascule.migration;

import java.util.ArrayList;
import java.util.List;

/**
 * A primary key's values as one text (checkpoints, sets of keys): each value length-prefixed, so any content survives,
 * null as {@code -;}.
 */
public final class KeyText {

    private KeyText() {
    }

    public static String encode(String[] values) {
        StringBuilder sb = new StringBuilder();
        for (String v : values) {
            if (v == null) {
                sb.append("-;");
            } else {
                sb.append(v.length()).append(':').append(v);
            }
        }
        return sb.toString();
    }

    static String[] decode(String text) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("-;", i)) {
                out.add(null);
                i += 2;
                continue;
            }
            int colon = text.indexOf(':', i);
            int len = Integer.parseInt(text.substring(i, colon));
            out.add(text.substring(colon + 1, colon + 1 + len));
            i = colon + 1 + len;
        }
        return out.toArray(new String[0]);
    }
}
