package io.bascule.database;

import java.util.regex.Pattern;

/**
 * JDBC URLs (and the plain {@code mysql://user:pass@host/db}, {@code postgres://...} URLs applications read) as they
 * may be shown: user info and password parameters removed. The user info runs to the last {@code @} before the
 * query, so a password holding a raw {@code @} or {@code /} is removed whole.
 */
public final class JdbcUrls {

    private static final Pattern USER_INFO = Pattern.compile("(//)[^?#\\s]*@");
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)((?:password|pwd|passwd|secret)[^=&;]*=)[^&;]*");

    /** A URL inside a text (JDBC, mysql://, postgresql://, http://...). */
    private static final Pattern URL_IN_TEXT = Pattern.compile("(?i)\\b(?:jdbc:)?[a-z][a-z0-9+.-]*://[^\\s\"'<>]+");

    private JdbcUrls() {
    }

    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        String redacted = USER_INFO.matcher(url).replaceFirst("$1***@");
        return PASSWORD_PARAM.matcher(redacted).replaceAll("$1***");
    }

    /** A text as it may be shown: every URL in it {@link #redact redacted}. */
    public static String redactUrlsIn(String text) {
        if (text == null) {
            return null;
        }
        java.util.regex.Matcher m = URL_IN_TEXT.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(redact(m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }
}
