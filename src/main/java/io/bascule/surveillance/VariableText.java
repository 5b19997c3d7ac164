package io.bascule.surveillance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Values as process variables hold them: texts shortened to what a string variable keeps (the history keeps 4,000
 * characters), lists as JSON text shortened element by element, durations and query texts as people read them.
 */
final class VariableText {

    /** The longest string variable written: under the 4,000 characters the engine's history keeps. */
    static final int MAX_CHARS = 3_800;

    static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Pattern SECRET_WORD = Pattern.compile("(?i)pass|pwd|secret|token|credential|api.?key");
    private static final Pattern STRING_LITERAL = Pattern.compile("'(?:[^']|'')*'");

    private VariableText() {
    }

    /** A text as a string variable holds it: shortened, and said so. */
    static String capped(String text) {
        if (text == null || text.length() <= MAX_CHARS) {
            return text;
        }
        return text.substring(0, MAX_CHARS - 100) + "\n... (" + (text.length() - (MAX_CHARS - 100)) + " more characters)";
    }

    /** Console lines as one text variable. */
    static String lines(List<String> lines) {
        return capped(String.join("\n", lines));
    }

    /** A value as JSON text. */
    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** A list as a JSON array that fits a string variable: the elements that fit, from the first. */
    static String jsonList(List<?> elements) {
        List<Object> kept = new ArrayList<>(elements);
        String text = json(kept);
        while (text.length() > MAX_CHARS && !kept.isEmpty()) {
            kept.remove(kept.size() - 1);
            text = json(kept);
        }
        return text;
    }

    /** Adds a variable unless its value is unknown (null): process variables get known values only. */
    static void put(Map<String, Object> vars, String name, Object value) {
        if (value != null) {
            vars.put(name, value instanceof String s ? capped(s) : value);
        }
    }

    static Map<String, Object> map() {
        return new LinkedHashMap<>();
    }

    /** {@code 850 ms}, {@code 12 s}, {@code 6 min 12 s}, {@code 2 h 5 min}. */
    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 1_000) {
            return ms + " ms";
        }
        long s = d.toSeconds();
        if (s < 60) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        if (s < 3_600) {
            return s / 60 + " min " + s % 60 + " s";
        }
        return s / 3_600 + " h " + (s % 3_600) / 60 + " min";
    }

    static String millis(double ms) {
        return String.format(Locale.ROOT, "%.1f ms", ms);
    }

    static double round1(double value) {
        return Math.round(value * 10.0) / 10.0;
    }

    /**
     * A statement as it may be shown: one line, at most {@code max} characters, and its string literals replaced by
     * {@code '***'} when it names a password, secret or token ({@code ALTER ROLE ... PASSWORD '...'}).
     */
    static String query(String text, int max) {
        if (text == null) {
            return null;
        }
        String one = text.replaceAll("\\s+", " ").strip();
        if (SECRET_WORD.matcher(one).find()) {
            one = STRING_LITERAL.matcher(one).replaceAll("'***'");
        }
        return one.length() <= max ? one : one.substring(0, Math.max(0, max - 3)) + "...";
    }
}
