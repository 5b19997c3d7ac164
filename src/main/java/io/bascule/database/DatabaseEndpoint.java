package io.bascule.database;

import io.bascule.config.BasculeProperties;
import io.bascule.config.ConfigException;
import io.bascule.config.Secrets;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * One side of the migration (source MySQL/MariaDB or target PostgreSQL): its URL, user and password source,
 * and how to open a connection with the session settings Bascule relies on. Messages show the redacted URL.
 */
public final class DatabaseEndpoint {

    public enum Side { SOURCE, TARGET }

    private final Side side;
    private final String url;
    private final String user;
    private final String password;
    private final String passwordEnv;

    private DatabaseEndpoint(Side side, String url, String user, String password, String passwordEnv) {
        this.side = side;
        this.url = url;
        this.user = user;
        this.password = password;
        this.passwordEnv = passwordEnv;
    }

    /**
     * Builds the endpoint from the settings, reading its password from the environment variable the settings
     * name (default {@code BASCULE_SOURCE_PASSWORD} / {@code BASCULE_TARGET_PASSWORD}) or its secret file. A
     * database that needs no password (the demo's) is allowed when neither is set and {@code optional} is true.
     */
    public static DatabaseEndpoint of(Side side, BasculeProperties.Connection c, Secrets secrets) {
        String flag = side == Side.SOURCE ? "--source-url" : "--target-url";
        if (c == null || c.url() == null || c.url().isBlank()) {
            throw new ConfigException("no " + side.name().toLowerCase() + " database given: set " + flag
                    + " (or bascule." + side.name().toLowerCase() + ".url in the config file)");
        }
        String expected = side == Side.SOURCE ? "jdbc:mysql:" : "jdbc:postgresql:";
        if (!c.url().startsWith(expected) && !(side == Side.SOURCE && c.url().startsWith("jdbc:mariadb:"))) {
            throw new ConfigException(flag + " " + JdbcUrls.redact(c.url()) + " is not a " + expected + "//host:port/database URL");
        }
        String envVar = c.passwordEnv() != null ? c.passwordEnv()
                : side == Side.SOURCE ? "BASCULE_SOURCE_PASSWORD" : "BASCULE_TARGET_PASSWORD";
        String password = secrets.optional(envVar, c.passwordFile(), side.name().toLowerCase() + " database");
        String url = c.url().startsWith("jdbc:mariadb:") ? "jdbc:mysql:" + c.url().substring("jdbc:mariadb:".length()) : c.url();
        return new DatabaseEndpoint(side, url, c.user(), password, envVar);
    }

    public static DatabaseEndpoint of(Side side, String url, String user, String password) {
        return new DatabaseEndpoint(side, url, user, password,
                side == Side.SOURCE ? "BASCULE_SOURCE_PASSWORD" : "BASCULE_TARGET_PASSWORD");
    }

    public Side side() {
        return side;
    }

    public String redactedUrl() {
        return JdbcUrls.redact(url);
    }

    public String user() {
        return user;
    }

    /** The database name of the URL (the MySQL schema to read, or the PostgreSQL database). */
    public String databaseName() {
        String rest = url.substring(url.indexOf("//") + 2);
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw new ConfigException(redactedUrl() + " names no database: add /DATABASE after host:port");
        }
        String db = rest.substring(slash + 1);
        int q = db.indexOf('?');
        db = q >= 0 ? db.substring(0, q) : db;
        if (db.isEmpty()) {
            throw new ConfigException(redactedUrl() + " names no database: add /DATABASE after host:port");
        }
        return db;
    }

    /** Opens a connection; a failure is one clear line naming the server and the likely fix. */
    public Connection open() {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        if (side == Side.SOURCE) {
            // exact values: YEAR as a number, TINYINT(1) as a number, no driver-side time-zone shifts
            props.setProperty("yearIsDateType", "false");
            props.setProperty("tinyInt1isBit", "false");
            props.setProperty("transformedBitIsBoolean", "false");
            props.setProperty("characterEncoding", "UTF-8");
            props.setProperty("allowPublicKeyRetrieval", "true");
            props.setProperty("connectTimeout", "10000");
        } else {
            props.setProperty("connectTimeout", "10");
            props.setProperty("ApplicationName", "bascule");
        }
        try {
            Connection c = DriverManager.getConnection(url, props);
            try (var st = c.createStatement()) {
                if (side == Side.SOURCE) {
                    st.execute("SET time_zone = '+00:00'");
                    st.execute("SET NAMES utf8mb4");
                } else {
                    st.execute("SET TimeZone = 'UTC'");
                    st.execute("SET DateStyle = 'ISO, YMD'");
                    st.execute("SET IntervalStyle = 'postgres'");
                    st.execute("SET extra_float_digits = 1");
                    st.execute("SET bytea_output = 'hex'");
                }
            }
            return c;
        } catch (SQLException e) {
            throw connectFailure(e);
        }
    }

    private DatabaseException connectFailure(SQLException e) {
        DatabaseException.Code code = DatabaseException.classify(e);
        String what = side.name().toLowerCase() + " database " + redactedUrl();
        String passwordVar = passwordEnv;
        String message = switch (code) {
            case UNREACHABLE -> "cannot reach the " + what + " (" + firstLine(e) + "); check host, port and that the server runs";
            case AUTHENTICATION_FAILED -> password == null
                    ? "the " + what + " refused user '" + user + "' without a password: " + passwordVar
                    + " is not set; export it (or set password-file) and run again"
                    : "the " + what + " refused user '" + user + "' (wrong user or password); check "
                    + passwordVar + " or the password file";
            case UNKNOWN_DATABASE -> "the " + what + " has no database '" + databaseName() + "'; check the name in the URL";
            case MISSING_PRIVILEGE -> "user '" + user + "' may not connect to the " + what + " (" + firstLine(e) + ")";
            default -> "cannot connect to the " + what + ": " + firstLine(e);
        };
        return new DatabaseException(code, message, redactedUrl(), e);
    }

    static String firstLine(SQLException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return (nl >= 0 ? m.substring(0, nl) : m).strip();
    }

    /** Wraps a failed statement on this endpoint into one line naming the server and what was being done. */
    public DatabaseException failure(String doing, SQLException e) {
        return new DatabaseException(DatabaseException.classify(e), doing + " failed on the " + side.name().toLowerCase()
                + " database " + redactedUrl() + ": " + firstLine(e) + DatabaseException.diskFullHint(e), redactedUrl(), e);
    }
}
