package io.bascule.platinum;

import io.bascule.config.BasculeProperties;
import io.bascule.process.RunTimes;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * The configured PLATINUM schedule as the model {@code platinumReport} reads it (bean {@code platinumSettings}): its
 * start listeners fix {@code startedAt}, {@code reportAfter}, {@code retryAfter}, {@code maxRetries},
 * {@code keepSource} and {@code retries} for the run (given by the starter, else {@code bascule.platinum.*}), so a
 * configuration changed while the run waits does not move its schedule; the timers read {@link #dueAt},
 * {@link #retryAt} and {@link #keepUntil}. Durations travel as ISO-8601 text, instants as ISO-8601 UTC text truncated
 * to milliseconds (a run's variables hold no Java objects).
 */
@Component("platinumSettings")
public class PlatinumSettings {

    private final BasculeProperties.Platinum platinum;

    public PlatinumSettings(BasculeProperties properties) {
        this.platinum = properties.platinum();
    }

    /**
     * Since when the application runs on PostgreSQL (ISO-8601 UTC): {@code given} when set (an ISO-8601 instant, e.g.
     * the cutover's "application healthy on PostgreSQL", or a date), else {@code now} (the engine's clock: the model
     * passes {@code now()}).
     */
    public String startedAt(Object given, Date now) {
        return RunTimes.startedAt(given, now);
    }

    /** The run's {@code reportAfter}: {@code given} ("24h", "PT24H") checked, else {@code bascule.platinum.after}. */
    public String reportAfter(Object given) {
        return positive("reportAfter", given, platinum.after());
    }

    /** The run's {@code retryAfter}: {@code given} checked, else {@code bascule.platinum.retry-after}. */
    public String retryAfter(Object given) {
        return positive("retryAfter", given, platinum.retryAfter());
    }

    /** The run's {@code keepSource}: {@code given} checked (0 allowed: the archive is offered at once), else {@code bascule.platinum.keep-source}. */
    public String keepSource(Object given) {
        if (given == null || given.toString().isBlank()) {
            return platinum.keepSource().toString();
        }
        Duration d = given instanceof Duration g ? g : duration("keepSource", given.toString());
        if (d.isNegative()) {
            throw new IllegalArgumentException("keepSource is " + d + "; give 0 or a positive duration such as 7d");
        }
        return d.toString();
    }

    /** The run's {@code maxRetries}: {@code given} (0 or more), else {@code bascule.platinum.max-retries}. */
    public int maxRetries(Object given) {
        if (given == null || given.toString().isBlank()) {
            return platinum.maxRetries();
        }
        int n = number("maxRetries", given);
        if (n < 0) {
            throw new IllegalArgumentException("maxRetries is " + n + "; give 0 or more");
        }
        return n;
    }

    /** The run's {@code retries} so far: {@code given} (0 or more), else 0. */
    public int retries(Object given) {
        if (given == null || given.toString().isBlank()) {
            return 0;
        }
        int n = number("retries", given);
        if (n < 0) {
            throw new IllegalArgumentException("retries is " + n + "; give 0 or more");
        }
        return n;
    }

    /** {@code retries} plus one: the flow "yes" of "Retries left?" counts the report it is about to make again. */
    public int incremented(Object retries) {
        return retries(retries) + 1;
    }

    /** When the report falls due: {@code startedAt} + {@code reportAfter} (ISO-8601 UTC), for the timer "Report due". */
    public String dueAt(String startedAt, String reportAfter) {
        return format(instant("startedAt", startedAt).plus(duration("reportAfter", reportAfter)));
    }

    /**
     * When a refused report is made again: {@code nextReportAt} as the report announced it (its time plus retryAfter),
     * else {@code now} + {@code retryAfter}; for the timer "Wait before reporting again".
     */
    public String retryAt(Object nextReportAt, String retryAfter, Date now) {
        if (nextReportAt != null && !nextReportAt.toString().isBlank()) {
            return format(instant("platinumNextReportAt", nextReportAt.toString()));
        }
        return format(now.toInstant().plus(duration("retryAfter", retryAfter)));
    }

    /**
     * Until when MySQL is kept before its archive is offered: {@code startedAt} + {@code keepSource} (ISO-8601 UTC), for
     * the timer "MySQL kept long enough" (already past: it fires at once).
     */
    public String keepUntil(String startedAt, String keepSource) {
        return format(instant("startedAt", startedAt).plus(duration("keepSource", keepSource)));
    }

    /** An instant of the engine's clock as the variables hold it (ISO-8601 UTC, milliseconds). */
    public String iso(Date at) {
        return format(at.toInstant());
    }

    private String positive(String name, Object given, Duration configured) {
        if (given == null || given.toString().isBlank()) {
            return configured.toString();
        }
        Duration d = given instanceof Duration g ? g : duration(name, given.toString());
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " is " + d + "; give a positive duration such as 24h");
        }
        return d.toString();
    }

    private static int number(String name, Object given) {
        if (given instanceof Number n) {
            return n.intValue();
        }
        try {
            return Integer.parseInt(given.toString().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is '" + given + "', which is not a whole number; give e.g. 3");
        }
    }

    static Duration duration(String name, String text) {
        return RunTimes.duration(name, text, "24h or PT24H");
    }

    static Instant instant(String name, String text) {
        return RunTimes.instant(name, text);
    }

    static String format(Instant instant) {
        return RunTimes.format(instant);
    }
}
