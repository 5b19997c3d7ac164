package io.bascule.appswitch;

import io.bascule.database.JdbcUrls;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A database URL as an application's config file holds it, so that Bascule can open the application's own
 * connection (its write probe) and name its login: {@code mysql://user:pass@host:3306/db},
 * {@code mariadb://...}, {@code postgresql://user@host/db}, {@code postgres://...}, or a JDBC URL
 * ({@code jdbc:mysql://host/db?user=u&password=p}). User and password are percent-decoded. {@link #toString()}
 * never shows the password.
 *
 * @param engine   {@code mysql} (MySQL and MariaDB) or {@code postgresql}
 * @param database the database name, or null
 */
public record AppDatabaseUrl(String engine, String user, String password, String host, Integer port, String database) {

    private static final Pattern SCHEME = Pattern.compile("(?i)(?:jdbc:)?(mysql|mariadb|postgresql|postgres)(?:\\+\\w+)?://(.*)",
            Pattern.DOTALL);
    private static final Pattern HOST_PART = Pattern.compile("(\\[[^\\]]+]|[^:/]*)(?::(\\d+))?(?:/(.*))?", Pattern.DOTALL);

    /**
     * The parsed URL, or empty when the value is not a database URL of a known engine (or its escapes are malformed).
     * The user information runs to the last {@code @} before the query, so a raw {@code @} or {@code /} in a password
     * never ends up in the user or the host.
     */
    public static Optional<AppDatabaseUrl> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        Matcher m = SCHEME.matcher(value.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        String scheme = m.group(1).toLowerCase();
        String engine = scheme.startsWith("postgres") ? "postgresql" : "mysql";
        String rest = m.group(2);
        int fragment = rest.indexOf('#');
        rest = fragment >= 0 ? rest.substring(0, fragment) : rest;
        int q = rest.indexOf('?');
        String query = q >= 0 ? rest.substring(q + 1) : null;
        rest = q >= 0 ? rest.substring(0, q) : rest;
        int at = rest.lastIndexOf('@');
        String user = null;
        String password = null;
        try {
            if (at >= 0) {
                String userInfo = rest.substring(0, at);
                int colon = userInfo.indexOf(':');
                user = decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo);
                password = colon >= 0 ? decode(userInfo.substring(colon + 1)) : null;
                rest = rest.substring(at + 1);
            }
            Matcher h = HOST_PART.matcher(rest);
            if (!h.matches()) {
                return Optional.empty();
            }
            Map<String, String> params = params(query);
            if (user == null || user.isEmpty()) {
                user = params.get("user");
            }
            if (password == null) {
                password = params.get("password");
            }
            String db = decode(h.group(3));
            return Optional.of(new AppDatabaseUrl(engine, user == null || user.isEmpty() ? null : user, password,
                    h.group(1).isEmpty() ? null : h.group(1), h.group(2) == null ? null : Integer.valueOf(h.group(2)),
                    db == null || db.isEmpty() ? null : db));
        } catch (IllegalArgumentException e) {
            return Optional.empty();   // a malformed escape: not a URL Bascule can read
        }
    }

    private static Map<String, String> params(String query) {
        Map<String, String> p = new LinkedHashMap<>();
        if (query == null) {
            return p;
        }
        for (String pair : query.split("[&;]")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                p.putIfAbsent(decode(pair.substring(0, eq).strip()).toLowerCase(java.util.Locale.ROOT), decode(pair.substring(eq + 1)));
            }
        }
        return p;
    }

    /** Percent-decoding as in a URI ({@code +} stays a plus). */
    private static String decode(String s) {
        return s == null ? null : URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The MySQL/MariaDB login a value names (an application's URL with its user), or empty. */
    public static Optional<io.bascule.database.DatabaseEndpoint> mysqlLogin(String value) {
        return parse(value).filter(u -> u.engine().equals("mysql") && u.user() != null)
                .map(u -> io.bascule.database.DatabaseEndpoint.of(io.bascule.database.DatabaseEndpoint.Side.SOURCE,
                        u.jdbcUrl(), u.user(), u.password()));
    }

    /** The JDBC URL of this database, without credentials (the driver Bascule uses for the engine). */
    public String jdbcUrl() {
        String h = host == null ? "localhost" : host;
        int p = port != null ? port : engine.equals("postgresql") ? 5432 : 3306;
        return "jdbc:" + engine + "://" + h + ":" + p + "/" + (database == null ? "" : database);
    }

    @Override
    public String toString() {
        return JdbcUrls.redact(engine + "://" + (user == null ? "" : user + (password == null ? "" : ":***") + "@")
                + (host == null ? "localhost" : host) + (port == null ? "" : ":" + port) + "/" + (database == null ? "" : database));
    }
}
