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

    private static final Pattern URL = Pattern.compile(
            "(?i)(?:jdbc:)?(mysql|mariadb|postgresql|postgres)(?:\\+\\w+)?://(?:([^:@/?#]*)(?::([^@/?#]*))?@)?"
                    + "(\\[[^\\]]+]|[^:/?#]*)(?::(\\d+))?(?:/([^?#]*))?(?:\\?([^#]*))?");

    /** The parsed URL, or empty when the value is not a database URL of a known engine. */
    public static Optional<AppDatabaseUrl> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        Matcher m = URL.matcher(value.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        String scheme = m.group(1).toLowerCase();
        String engine = scheme.startsWith("postgres") ? "postgresql" : "mysql";
        String user = decode(m.group(2));
        String password = decode(m.group(3));
        Map<String, String> params = params(m.group(7));
        if (user == null || user.isEmpty()) {
            user = params.get("user");
        }
        if (password == null) {
            password = params.get("password");
        }
        String db = decode(m.group(6));
        return Optional.of(new AppDatabaseUrl(engine, user == null || user.isEmpty() ? null : user, password,
                m.group(4).isEmpty() ? null : m.group(4), m.group(5) == null ? null : Integer.valueOf(m.group(5)),
                db == null || db.isEmpty() ? null : db));
    }

    private static Map<String, String> params(String query) {
        Map<String, String> p = new LinkedHashMap<>();
        if (query == null) {
            return p;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                p.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
            }
        }
        return p;
    }

    private static String decode(String s) {
        return s == null ? null : URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
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
