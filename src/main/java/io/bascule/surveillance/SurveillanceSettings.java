package io.bascule.surveillance;

import io.bascule.config.BasculeProperties;
import io.bascule.process.RunTimes;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.TreeSet;

/**
 * The configured surveillance schedule as the model {@code surveillance} reads it (bean {@code surveillanceSettings}):
 * its start listeners fix {@code startedAt}, {@code checklistOffsets} and {@code updateInterval} for the run (so a
 * configuration changed while the run is going does not move its schedule), the checklists' multi-instance iterates
 * over {@link #offsets(String)}, each checklist's timer waits for {@link #checklistDueAt} (absolute: {@code startedAt}
 * plus the offset, so a checklist completed late does not push the next one back), and the stakeholder updates
 * repeat on {@link #updateCycle}. Offsets and durations travel as ISO-8601 text (a run's variables hold no Java
 * objects); instants as ISO-8601 UTC text truncated to milliseconds.
 */
@Component("surveillanceSettings")
public class SurveillanceSettings {

    private final BasculeProperties properties;

    public SurveillanceSettings(BasculeProperties properties) {
        this.properties = properties;
    }

    /** The configured {@code bascule.surveillance.checklist-offsets}, sorted, as ISO-8601 durations joined by commas ("PT15M,PT30M,PT45M,PT1H"). */
    public String checklistOffsets() {
        return join(properties.surveillance().checklistOffsets());
    }

    /**
     * The run's checklist offsets: the configured ones when {@code given} is empty, else {@code given} (text such as
     * "15m,30m" or "PT15M,PT30M", or a collection of such texts or durations), checked, sorted and written as
     * ISO-8601 durations joined by commas.
     */
    public String checklistOffsets(Object given) {
        if (given == null || given instanceof String s && s.isBlank()
                || given instanceof Collection<?> c && c.isEmpty()) {
            return checklistOffsets();
        }
        List<Duration> offsets = new ArrayList<>();
        Collection<?> items = given instanceof Collection<?> c ? c : List.of(given.toString().split(","));
        for (Object item : items) {
            offsets.add(item instanceof Duration d ? d : duration("checklistOffsets", item.toString()));
        }
        for (Duration d : offsets) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("checklistOffsets holds " + d + "; give positive durations after the"
                        + " surveillance starts, such as 15m,30m,45m,60m");
            }
        }
        return join(offsets);
    }

    /** The offsets of a run ({@code checklistOffsets}) as a list, one ISO-8601 duration per checklist, in order. */
    public List<String> offsets(String checklistOffsets) {
        if (checklistOffsets == null || checklistOffsets.isBlank()) {
            return List.of();
        }
        List<String> offsets = new ArrayList<>();
        for (String s : checklistOffsets.split(",")) {
            offsets.add(duration("checklistOffsets", s).toString());
        }
        return offsets;
    }

    /** The labels of the configured checklists, in order: "T+15", "T+30", "T+45", "T+60". */
    public List<String> checklistLabels() {
        return offsets(checklistOffsets()).stream().map(this::checklistLabel).toList();
    }

    /** The label of a checklist: "T+" and its offset in minutes ("T+15"), or in seconds when not whole minutes ("T+90s"). */
    public String checklistLabel(String offset) {
        Duration d = duration("checklistOffset", offset);
        return d.toSeconds() % 60 == 0 && d.toNanosPart() == 0 ? "T+" + d.toMinutes() : "T+" + d.toSeconds() + "s";
    }

    /**
     * The process variable a completed checklist sets to whether the DBA confirmed it ("surveillanceT15Passed"): the
     * cutover report's execution checklist ticks its H+1 items from {@code surveillanceT15Passed} and
     * {@code surveillanceT60Passed}.
     */
    public String passedVariable(String offset) {
        return "surveillance" + checklistLabel(offset).replace("+", "") + "Passed";
    }

    /** When a checklist falls due: {@code startedAt} plus its offset (ISO-8601 UTC), for its timer and the task's due date. */
    public String checklistDueAt(String startedAt, String offset) {
        return format(instant("startedAt", startedAt).plus(duration("checklistOffset", offset)));
    }

    /** {@link #checklistDueAt} as a date. */
    public Date checklistDue(String startedAt, String offset) {
        return Date.from(instant("startedAt", checklistDueAt(startedAt, offset)));
    }

    /**
     * When the surveillance started (ISO-8601 UTC): {@code given} when set (an ISO-8601 instant, e.g. the cutover's
     * switch, or a date), else {@code now} (the engine's clock: the model passes {@code now()}).
     */
    public String startedAt(Object given, Date now) {
        return RunTimes.startedAt(given, now);
    }

    /** The configured {@code bascule.surveillance.update-interval} as an ISO-8601 duration ("PT15M"). */
    public String updateInterval() {
        return properties.surveillance().updateInterval().toString();
    }

    /** The run's update interval: the configured one when {@code given} is empty, else {@code given} checked ("10m", "PT10M"). */
    public String updateInterval(Object given) {
        if (given == null || given.toString().isBlank()) {
            return updateInterval();
        }
        Duration d = given instanceof Duration g ? g : duration("updateInterval", given.toString());
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("updateInterval is " + d + "; give a positive duration such as 15m");
        }
        return d.toString();
    }

    /**
     * The time cycle of the stakeholder updates: every {@code interval} from {@code startedAt} on
     * ("R/2025-06-01T10:15:00Z/PT15M": the first at startedAt + interval), on the absolute schedule (an update sent
     * late does not push the next one back; updates missed while the engine was down are not sent in a burst). They
     * stop when the surveillance ends.
     */
    public String updateCycle(String startedAt, String interval) {
        Duration d = duration("updateInterval", interval);
        return "R/" + format(instant("startedAt", startedAt).plus(d)) + "/" + d;
    }

    /** Users' reported impact, in %, above which the "users report errors" playbook proposes a rollback first. */
    public double rollbackFirstImpactPct() {
        return properties.surveillance().rollbackFirstImpactPct();
    }

    private static String join(Collection<Duration> offsets) {
        return String.join(",", new TreeSet<>(offsets).stream().map(Duration::toString).toList());
    }

    static Duration duration(String name, String text) {
        return RunTimes.duration(name, text, "15m or PT15M");
    }

    static Instant instant(String name, String text) {
        return RunTimes.instant(name, text);
    }

    static String format(Instant instant) {
        return RunTimes.format(instant);
    }
}
