package io.bascule.process;

import org.springframework.boot.convert.DurationStyle;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Date;

/**
 * The times and durations a runbook's settings bean hands its model (surveillanceSettings, platinumSettings): a run's
 * start as given or now, ISO-8601 instants and durations read with an error naming the variable, instants written to
 * the millisecond.
 */
public final class RunTimes {

    private RunTimes() {
    }

    /**
     * The run's start (ISO-8601 UTC): {@code given} when set (an ISO-8601 instant, e.g. the cutover's "application
     * healthy on PostgreSQL", or a date), else {@code now} (the engine's clock: the model passes {@code now()}).
     */
    public static String startedAt(Object given, Date now) {
        if (given instanceof Date d) {
            return format(d.toInstant());
        }
        if (given == null || given.toString().isBlank()) {
            return format(now.toInstant());
        }
        return format(instant("startedAt", given.toString()));
    }

    /** {@code text} as a duration ("15m", "PT15M"); otherwise an error naming the variable, with {@code example}. */
    public static Duration duration(String name, String text, String example) {
        String s = text == null ? "" : text.strip();
        try {
            return DurationStyle.detectAndParse(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " holds '" + s + "', which is not a duration; give e.g. " + example);
        }
    }

    /** {@code text} as an ISO-8601 instant; otherwise an error naming the variable. */
    public static Instant instant(String name, String text) {
        try {
            return Instant.parse(text == null ? "" : text.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " is '" + text + "', which is not an ISO-8601 instant;"
                    + " give e.g. 2025-06-01T10:00:00Z");
        }
    }

    /** The instant to the millisecond, ISO-8601. */
    public static String format(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
