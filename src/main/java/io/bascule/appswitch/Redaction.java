package io.bascule.appswitch;

import io.bascule.database.JdbcUrls;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Config lines as they may be shown: URL user info and password parameters removed ({@link JdbcUrls#redact}), and
 * the whole value of a key whose name says it is a secret ({@code *PASSWORD*}, {@code *SECRET*}, {@code *TOKEN*},
 * {@code *PRIVATE*}, {@code *CREDENTIAL*}, {@code *API_KEY*} ...).
 */
final class Redaction {

    private static final Pattern ASSIGNMENT = Pattern.compile("^(\\s*(?:export\\s+)?([\\w.\\-]+)\\s*[=:]\\s*)(.*)$");
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(pass|pwd|secret|token|private|credential|api[_.\\-]?key|auth).*");

    private Redaction() {
    }

    static String line(String line) {
        Matcher m = ASSIGNMENT.matcher(line);
        if (m.matches() && SECRET_NAME.matcher(m.group(2)).matches() && !m.group(3).isEmpty()) {
            return m.group(1) + "***";
        }
        return JdbcUrls.redact(line);
    }

    /** A value as it may be shown: all of it for a key named like a secret, else the URL redacted. */
    static String value(String key, String value) {
        return SECRET_NAME.matcher(key).matches() && value != null && !value.isEmpty() ? "***" : JdbcUrls.redact(value);
    }
}
