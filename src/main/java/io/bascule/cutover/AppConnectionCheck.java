package io.bascule.cutover;

import io.bascule.appswitch.AppDatabaseUrl;
import io.bascule.appswitch.AppRestart;
import io.bascule.appswitch.AppSwitch;
import io.bascule.appswitch.AppSwitchException;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.DatabaseException;
import io.bascule.database.PostgresDialect;
import io.bascule.database.PostgresDialect.SessionFacts;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Phase 6 of the cutover: the application's connection answers. A direct PostgreSQL connection with the database URL
 * as the application's config file holds it (user and password from the URL, {@link AppDatabaseUrl}): it must log in,
 * answer a query naming its {@code current_user}, and not start read-only (a rollback's fence left on the login, or a
 * standby); then the application's health URL, when one is configured, must answer 2xx within the health timeout
 * ({@link AppRestart#awaitHealthy}). The URL's password is never shown.
 * <p>{@link #dryRun} checks the URL the switch is going to write (the same connection and query: a read), and polls
 * the health URL for at most {@link #DRY_RUN_HEALTH_TIMEOUT}; nothing is changed.
 */
public final class AppConnectionCheck {

    /** How long a dry run waits for the health URL at most. */
    public static final Duration DRY_RUN_HEALTH_TIMEOUT = Duration.ofSeconds(10);

    private final AppRestart app;
    private final Duration healthTimeout;

    /**
     * @param app           the application's health URL (and restart command, not used here); {@link AppRestart#from}
     * @param healthTimeout how long the health URL may take to answer 2xx
     */
    public AppConnectionCheck(AppRestart app, Duration healthTimeout) {
        this.app = app;
        this.healthTimeout = healthTimeout;
    }

    /**
     * What the check found.
     *
     * @param url           the application's URL, redacted (null when it was not a database URL)
     * @param login         the login PostgreSQL reported ({@code current_user}), or null
     * @param connectMillis the time to connect and answer, or null when it did not
     * @param health        the health URL's result, or null when it was not polled
     * @param lines         the console view, one ✅/❌/➖ line per step
     * @param failures      what failed, one line each
     */
    public record Result(String url, String login, Long connectMillis, AppRestart.HealthResult health,
                         List<String> lines, List<String> failures) {

        public Result {
            lines = List.copyOf(lines);
            failures = List.copyOf(failures);
        }

        public boolean passed() {
            return failures.isEmpty();
        }

        /** One line for an error message or a BPMN error. */
        public String failureSummary() {
            return failures.isEmpty() ? "the application's connection answers" : "the application's connection: "
                    + String.join("; ", failures);
        }
    }

    /**
     * The application's PostgreSQL login from its database URL (user and password of the URL), for
     * {@link EndToEndChecks#withAppLogin}; empty when the value is not a PostgreSQL URL. Never log the URL itself.
     */
    public static Optional<DatabaseEndpoint> postgresLogin(String appUrl) {
        return AppDatabaseUrl.parse(appUrl).filter(u -> u.engine().equals("postgresql"))
                .map(u -> DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, u.jdbcUrl(), u.user(), u.password()));
    }

    /** The check of the URL the application's config file holds now (after the switch). */
    public Result run(AppSwitch config) {
        String value;
        try {
            value = config.currentValue();
        } catch (RuntimeException e) {
            String problem = "cannot read " + config.key() + " from " + config.file() + ": " + e.getMessage();
            return new Result(null, null, null, null, List.of("Application connection", "❌ " + problem), List.of(problem));
        }
        return check(value, healthTimeout, "the application's URL (" + config.key() + " in " + config.file() + ")");
    }

    /** The check of the application's URL, as its config file holds it after the switch. */
    public Result run(String appUrl) {
        return check(appUrl, healthTimeout, "the application's URL");
    }

    /** The same check of the URL the switch will write; the health URL polled for at most {@link #DRY_RUN_HEALTH_TIMEOUT}. */
    public Result dryRun(String appUrl) {
        Duration wait = healthTimeout.compareTo(DRY_RUN_HEALTH_TIMEOUT) < 0 ? healthTimeout : DRY_RUN_HEALTH_TIMEOUT;
        return check(appUrl, wait, "the URL the switch writes");
    }

    private Result check(String value, Duration healthWait, String what) {
        List<String> lines = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        lines.add("Application connection");
        Optional<AppDatabaseUrl> parsed = AppDatabaseUrl.parse(value);
        String url = null;
        String login = null;
        Long millis = null;
        if (parsed.isEmpty()) {
            failures.add(what + " is " + (value == null || value.isBlank() ? "empty" : "not a database URL")
                    + "; expected postgresql://user:password@host:port/database");
        } else if (!parsed.get().engine().equals("postgresql")) {
            failures.add(what + " " + parsed.get() + " points at " + parsed.get().engine() + ", not PostgreSQL: the"
                    + " application is not switched");
        } else {
            AppDatabaseUrl u = parsed.get();
            url = u.toString();
            DatabaseEndpoint endpoint = postgresLogin(value).orElseThrow();
            long start = System.nanoTime();
            try (Connection c = endpoint.open()) {
                SessionFacts facts = new PostgresDialect(endpoint).sessionFacts(c);
                millis = (System.nanoTime() - start) / 1_000_000;
                login = facts.user();
                if (facts.inRecovery()) {
                    failures.add("PostgreSQL at " + url + " is a standby in recovery: the application could not write");
                } else if (facts.readOnly()) {
                    failures.add("sessions of login " + facts.user() + " on database " + facts.database() + " start"
                            + " read-only (default_transaction_read_only is on; a rollback's fence sets it with ALTER ROLE "
                            + facts.user() + " IN DATABASE " + facts.database() + "): the application could not write;"
                            + " RESET it where it is set");
                } else {
                    lines.add("✅ PostgreSQL answers " + what + " " + url + " as " + facts.user() + " (database "
                            + facts.database() + ", PostgreSQL " + facts.version() + ") " + millis + " ms");
                }
            } catch (DatabaseException e) {
                failures.add(connectProblem(e, u, url, what));
            } catch (SQLException e) {
                failures.add("closing the connection to " + url + " failed: " + e.getMessage());
            }
        }
        failures.forEach(f -> lines.add("❌ " + f));
        AppRestart.HealthResult health = null;
        try {
            health = app.awaitHealthy(healthWait);
            switch (health.status()) {
                case SKIPPED -> lines.add("➖ " + health.message());
                case HEALTHY -> lines.add("✅ " + health.message());
                case UNHEALTHY -> {
                    failures.add(health.message());
                    lines.add("❌ " + health.message());
                }
            }
        } catch (AppSwitchException e) {
            failures.add(e.getMessage());
            lines.add("❌ " + e.getMessage());
        }
        return new Result(url, login, millis, health, lines, failures);
    }

    private static String connectProblem(DatabaseException e, AppDatabaseUrl u, String url, String what) {
        return switch (e.code()) {
            case AUTHENTICATION_FAILED -> "PostgreSQL at " + url + " refused the login '" + u.user() + "' of " + what
                    + " (wrong user or password in the URL)";
            case UNREACHABLE -> "cannot reach PostgreSQL at " + url + " (" + what + "): check its host and port";
            case UNKNOWN_DATABASE -> "PostgreSQL at " + url + " has no database '" + u.database() + "' (" + what + ")";
            default -> "connecting with " + what + " failed: " + e.getMessage();
        };
    }
}
