package io.bascule.appswitch;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds one key's value in an application's configuration file and splices a new value in its place, leaving every
 * other byte as it was (other lines, comments, blank lines, LF or CRLF endings, the text after the value).
 * <p>
 * The file is read as bytes: the parser sees them one-to-one as ISO-8859-1 characters (keys and syntax are ASCII),
 * so a file in any ASCII-compatible encoding (UTF-8 included) keeps its bytes; the new value is written in UTF-8.
 * <p>
 * Two formats:
 * <ul>
 * <li><b>env</b> (dotenv, Docker Compose {@code env_file}, shell): {@code KEY=value}, {@code KEY="value"},
 * {@code KEY='value'}, {@code KEY=`value`}, {@code KEY: value}, each optionally preceded by {@code export },
 * spaces allowed around {@code =}; a UTF-8 byte order mark is kept. An unquoted value ends at a {@code #} preceded by a space (an inline comment) or at the end of the line;
 * a quoted value at its closing quote (what follows it is kept). Lines starting with {@code #} are comments; a quoted
 * value of another key spanning several lines is skipped. The key's own value must be on one line.</li>
 * <li><b>properties</b> (any file named {@code *.properties}, as {@link java.util.Properties} and Spring read it):
 * {@code key=value}, {@code key: value}, {@code key value}, comments {@code #} and {@code !}, escapes ({@code \\uXXXX},
 * {@code \\t}, {@code \\=} ...) in keys and values, continuation lines of other keys skipped. The key's own value must
 * not continue on a next line. A new value is escaped as {@code Properties.store} would ({@code \\}, control
 * characters, a leading space, non-ASCII as {@code \\uXXXX}).</li>
 * </ul>
 * A new value the existing quoting cannot hold unchanged (an unquoted value with a space, {@code #} or quote; a quote
 * character of the value's own style; a line break) is refused with a message saying how to quote the line, rather
 * than changing the style on a guess.
 */
final class AppConfigFile {

    enum Format { ENV, PROPERTIES }

    /** A UTF-8 byte order mark as the parser sees it (kept as it is, never part of the first key). */
    private static final String BOM = "\u00EF\u00BB\u00BF";

    /** How the value is written in the file. */
    enum Quoting { NONE, DOUBLE, SINGLE, BACKTICK, PROPERTIES }

    /**
     * The key's value in the file.
     *
     * @param start first byte of the value as written (inside the quotes)
     * @param end   byte after it
     * @param line  1-based line number
     * @param value the value as the application reads it (unescaped for properties)
     */
    record Entry(int start, int end, int line, Quoting quoting, String value) {
    }

    private AppConfigFile() {
    }

    static Format formatOf(Path file) {
        return file.getFileName().toString().toLowerCase().endsWith(".properties") ? Format.PROPERTIES : Format.ENV;
    }

    /** The only entry of {@code key}; an error names the file when it is missing, repeated or not supported. */
    static Entry locate(byte[] content, String key, Format format, Path file) {
        String text = new String(content, StandardCharsets.ISO_8859_1);
        List<Entry> found = format == Format.ENV ? envEntries(text, key, file) : propertiesEntries(text, key, file);
        if (found.isEmpty()) {
            throw new AppSwitchException("the key " + key + " is not in " + file + " (" + describe(format)
                    + "); add the line " + key + "=<current database URL> to it, or set bascule.app.env-key to the key"
                    + " the application reads");
        }
        if (found.size() > 1) {
            StringBuilder lines = new StringBuilder();
            for (Entry e : found) {
                lines.append(lines.isEmpty() ? "" : ", ").append(e.line());
            }
            throw new AppSwitchException("the key " + key + " is set " + found.size() + " times in " + file + " (lines "
                    + lines + "); which one the application reads depends on its parser: keep one of them and run again");
        }
        return found.get(0);
    }

    /** The file with the entry's value replaced by {@code newValue}, written in the entry's style. */
    static byte[] replace(byte[] content, Entry entry, String newValue, String key, Path file) {
        byte[] value = encode(entry.quoting(), newValue, key, file);
        byte[] out = new byte[content.length - (entry.end() - entry.start()) + value.length];
        System.arraycopy(content, 0, out, 0, entry.start());
        System.arraycopy(value, 0, out, entry.start(), value.length);
        System.arraycopy(content, entry.end(), out, entry.start() + value.length, content.length - entry.end());
        return out;
    }

    private static String describe(Format format) {
        return format == Format.ENV ? "read as an env file: KEY=value lines" : "read as a .properties file";
    }

    private static byte[] encode(Quoting quoting, String value, String key, Path file) {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw refused(key, file, "holds a line break, which an env file value on one line cannot carry");
        }
        switch (quoting) {
            case NONE -> {
                if (value.isEmpty() || value.chars().anyMatch(c -> Character.isWhitespace(c) || c == '#' || c == '"'
                        || c == '\'' || c == '`' || c == '\\')) {
                    throw refused(key, file, "is empty or holds a space, #, quote or backslash, which an unquoted value"
                            + " cannot carry unchanged; quote the value in the file (" + key + "='...') and run again");
                }
            }
            case DOUBLE -> {
                if (value.indexOf('"') >= 0 || value.indexOf('\\') >= 0) {
                    throw refused(key, file, "holds a \" or a backslash, which a double-quoted value cannot carry"
                            + " unchanged; write the value in single quotes in the file (" + key + "='...') and run again");
                }
            }
            case SINGLE -> {
                if (value.indexOf('\'') >= 0) {
                    throw refused(key, file, "holds a ', which a single-quoted value cannot carry; write the value in"
                            + " double quotes in the file (" + key + "=\"...\") and run again");
                }
            }
            case BACKTICK -> {
                if (value.indexOf('`') >= 0) {
                    throw refused(key, file, "holds a `, which a backtick-quoted value cannot carry; quote the value"
                            + " otherwise in the file and run again");
                }
            }
            case PROPERTIES -> {
                return escapeProperty(value).getBytes(StandardCharsets.ISO_8859_1);
            }
        }
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static AppSwitchException refused(String key, Path file, String why) {
        return new AppSwitchException("the new value of " + key + " for " + file + " " + why + "; the file is unchanged");
    }

    // ---------------------------------------------------------------- env

    private static List<Entry> envEntries(String text, String key, Path file) {
        List<Entry> found = new ArrayList<>();
        int pos = text.startsWith(BOM) ? BOM.length() : 0;
        int line = 1;
        int n = text.length();
        while (pos < n) {
            int eol = lineEnd(text, pos);
            int i = skipBlanks(text, pos, eol);
            int lineNo = line;
            int next = nextLine(text, eol);
            line++;
            if (i < eol && text.charAt(i) != '#') {
                if (text.startsWith("export", i) && i + 6 < eol && (text.charAt(i + 6) == ' ' || text.charAt(i + 6) == '\t')) {
                    i = skipBlanks(text, i + 6, eol);
                }
                int keyStart = i;
                while (i < eol && isKeyChar(text.charAt(i))) {
                    i++;
                }
                String lineKey = text.substring(keyStart, i);
                int j = skipBlanks(text, i, eol);
                boolean colon = j + 1 < eol && text.charAt(j) == ':' && isBlank(text.charAt(j + 1));
                if (!lineKey.isEmpty() && j < eol && (text.charAt(j) == '=' || colon)) {
                    int v = skipBlanks(text, j + 1, eol);
                    char q = v < eol ? text.charAt(v) : 0;
                    if (q == '"' || q == '\'' || q == '`') {
                        int close = closingQuote(text, v + 1, eol, q);
                        if (close < 0) {
                            // a quoted value running over several lines: find where it closes
                            int end = closingQuote(text, v + 1, n, q);
                            if (lineKey.equals(key)) {
                                throw new AppSwitchException("the value of " + key + " in " + file + " (line " + lineNo
                                        + ") spans several lines or has no closing " + q + "; write it on one line and run again");
                            }
                            if (end >= 0) {
                                next = nextLine(text, lineEnd(text, end));
                                line = lineNo + breaks(text, pos, next);
                            }
                        } else if (lineKey.equals(key)) {
                            found.add(new Entry(v + 1, close, lineNo, quoting(q),
                                    decode(text.substring(v + 1, close))));
                        }
                    } else if (lineKey.equals(key)) {
                        int end = v;
                        while (end < eol && !(text.charAt(end) == '#' && end > v && isBlank(text.charAt(end - 1)))) {
                            end++;
                        }
                        while (end > v && isBlank(text.charAt(end - 1))) {
                            end--;
                        }
                        found.add(new Entry(v, end, lineNo, Quoting.NONE, decode(text.substring(v, end))));
                    }
                }
            }
            pos = next;
        }
        return found;
    }

    private static int closingQuote(String text, int from, int limit, char q) {
        for (int k = from; k < limit; k++) {
            char c = text.charAt(k);
            if (c == '\\' && q != '\'' && k + 1 < limit) {
                k++;
            } else if (c == q) {
                return k;
            }
        }
        return -1;
    }

    private static Quoting quoting(char q) {
        return switch (q) {
            case '"' -> Quoting.DOUBLE;
            case '\'' -> Quoting.SINGLE;
            default -> Quoting.BACKTICK;
        };
    }

    private static boolean isKeyChar(char c) {
        return c == '_' || c == '.' || c == '-' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    // ---------------------------------------------------------------- properties

    private static List<Entry> propertiesEntries(String text, String key, Path file) {
        List<Entry> found = new ArrayList<>();
        int pos = text.startsWith(BOM) ? BOM.length() : 0;
        int line = 1;
        int n = text.length();
        while (pos < n) {
            int eol = lineEnd(text, pos);
            int lineNo = line;
            int i = skipWhitespace(text, pos, eol);
            // a logical line continues while it ends with an odd number of backslashes (comments do not continue)
            boolean comment = i < eol && (text.charAt(i) == '#' || text.charAt(i) == '!');
            int physicalStart = pos;
            int logicalEnd = eol;
            while (!comment && endsWithContinuation(text, physicalStart, logicalEnd) && nextLine(text, logicalEnd) < n) {
                physicalStart = nextLine(text, logicalEnd);
                logicalEnd = lineEnd(text, physicalStart);
            }
            boolean continued = logicalEnd != eol;
            int next = nextLine(text, logicalEnd);
            line = lineNo + breaks(text, pos, next);
            if (i < eol && !comment) {
                StringBuilder k = new StringBuilder();
                int j = i;
                while (j < eol) {
                    char c = text.charAt(j);
                    if (c == '\\' && j + 1 < eol) {
                        j = unescape(text, j, eol, k);
                        continue;
                    }
                    if (c == '=' || c == ':' || isBlank(c) || c == '\f') {
                        break;
                    }
                    k.append(c);
                    j++;
                }
                if (k.toString().equals(key)) {
                    int v = skipWhitespace(text, j, eol);
                    if (v < eol && (text.charAt(v) == '=' || text.charAt(v) == ':')) {
                        v = skipWhitespace(text, v + 1, eol);
                    }
                    if (continued) {
                        throw new AppSwitchException("the value of " + key + " in " + file + " (line " + lineNo
                                + ") continues on the next line (trailing \\); write it on one line and run again");
                    }
                    StringBuilder value = new StringBuilder();
                    int m = v;
                    while (m < eol) {
                        if (text.charAt(m) == '\\' && m + 1 < eol) {
                            m = unescape(text, m, eol, value);
                        } else {
                            value.append(text.charAt(m++));
                        }
                    }
                    found.add(new Entry(v, eol, lineNo, Quoting.PROPERTIES, decode(value.toString())));
                }
            }
            pos = next;
        }
        return found;
    }

    private static boolean endsWithContinuation(String text, int from, int eol) {
        int backslashes = 0;
        for (int k = eol - 1; k >= from && text.charAt(k) == '\\'; k--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    /** Appends the character escaped at {@code at} (a backslash) and returns the index after the escape. */
    private static int unescape(String text, int at, int eol, StringBuilder out) {
        char c = text.charAt(at + 1);
        switch (c) {
            case 't' -> out.append('\t');
            case 'n' -> out.append('\n');
            case 'r' -> out.append('\r');
            case 'f' -> out.append('\f');
            case 'u' -> {
                if (at + 6 <= eol) {
                    try {
                        out.append((char) Integer.parseInt(text.substring(at + 2, at + 6), 16));
                        return at + 6;
                    } catch (NumberFormatException e) {
                        // not an escape Java accepts; kept as written so that nothing is guessed
                    }
                }
                out.append("\\u");
            }
            default -> out.append(c);
        }
        return at + 2;
    }

    static String escapeProperty(String value) {
        StringBuilder out = new StringBuilder();
        for (int k = 0; k < value.length(); k++) {
            char c = value.charAt(k);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\f' -> out.append("\\f");
                case ' ' -> out.append(k == 0 ? "\\ " : " ");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- shared

    /** The value's bytes (seen as ISO-8859-1) read as UTF-8, which env files and URLs are in practice. */
    private static String decode(String latin1) {
        return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    private static int lineEnd(String text, int from) {
        int k = from;
        while (k < text.length() && text.charAt(k) != '\n' && text.charAt(k) != '\r') {
            k++;
        }
        return k;
    }

    private static int nextLine(String text, int eol) {
        if (eol >= text.length()) {
            return text.length();
        }
        if (text.charAt(eol) == '\r' && eol + 1 < text.length() && text.charAt(eol + 1) == '\n') {
            return eol + 2;
        }
        return eol + 1;
    }

    private static int skipBlanks(String text, int from, int eol) {
        int k = from;
        while (k < eol && isBlank(text.charAt(k))) {
            k++;
        }
        return k;
    }

    private static int skipWhitespace(String text, int from, int eol) {
        int k = from;
        while (k < eol && (isBlank(text.charAt(k)) || text.charAt(k) == '\f')) {
            k++;
        }
        return k;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    /** Line breaks (LF, CRLF or a lone CR) between two offsets. */
    private static int breaks(String text, int from, int to) {
        int k = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'))) {
                k++;
            }
        }
        return k;
    }
}
