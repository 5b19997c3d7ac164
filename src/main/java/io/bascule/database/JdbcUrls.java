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

    private JdbcUrls() {
    }

    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        String redacted = USER_INFO.matcher(url).replaceFirst("$1***@");
        return PASSWORD_PARAM.matcher(redacted).replaceAll("$1***");
    }
}
