package io.bascule.surveillance;

import io.bascule.config.BasculeProperties;
import io.bascule.config.ConfigException;
import io.bascule.database.DatabaseEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The sampling side of a surveillance run, for the steps of the model {@code surveillance}: opening (a first sample,
 * and the sampling made sure of), the figures a checklist or an update shows (the latest sample, or a fresh one),
 * closing, and the emergency actions on the target.
 * <p>Where the sampling runs: on the node that serves the web app ({@code serve}, {@code demo}), whose
 * {@link SurveillanceLoop} samples all the time a target is configured, and where the checklists' and updates' timers
 * fire. A node that may start the loop ({@code mayStartLoop}: serve, demo, a test's engine) starts it when a run opens
 * and it does not run yet, and stops it again when the last run that needed it closes. A one-shot command (a
 * {@code cutover} whose job executor opens the surveillance it started) takes single samples instead, stored like the
 * loop's, and starts nothing that would outlive it.
 */
public final class SurveillanceService {

    private static final Logger log = LoggerFactory.getLogger(SurveillanceService.class);

    /** Why the surveillance cannot run at all (no target, PostgreSQL unreachable): the model's SURVEILLANCE_FAILED. */
    public static final class Unavailable extends RuntimeException {
        public Unavailable(String message) {
            super(message);
        }
    }

    /**
     * What opening found.
     *
     * @param baseline the first figures and where the sampling runs, as the variable {@code surveillanceBaseline}
     */
    public record Opening(Sample sample, String baseline, boolean samplingHere) {
    }

    private final BasculeProperties properties;
    private final Supplier<DatabaseEndpoint> target;
    private final SurveillanceLoop loop;
    private final boolean mayStartLoop;
    private final String node;
    private boolean loopStartedHere;

    /**
     * @param target       the target PostgreSQL of the configuration (throws {@link ConfigException} when none is set)
     * @param mayStartLoop whether this node may start the loop (serve, demo; not a one-shot command)
     * @param node         this node as shown in the baseline ("serve", "cutover")
     */
    public SurveillanceService(BasculeProperties properties, Supplier<DatabaseEndpoint> target, SurveillanceLoop loop,
                               boolean mayStartLoop, String node) {
        this.properties = properties;
        this.target = target;
        this.loop = loop;
        this.mayStartLoop = mayStartLoop;
        this.node = node == null ? "this node" : node;
    }

    public BasculeProperties.Surveillance settings() {
        return properties.surveillance();
    }

    /**
     * Opens the surveillance of a run: makes sure the sampling runs (starts the loop when this node may and it does
     * not run yet) and takes a first sample, stored like every other.
     *
     * @throws Unavailable when no target is configured, or PostgreSQL cannot be reached or sampled
     */
    public synchronized Opening open() {
        BasculeProperties.Connection t = properties.target();
        if (t == null || t.url() == null || t.url().isBlank()) {
            throw new Unavailable("no target database configured (bascule.target.url): the surveillance watches the target"
                    + " PostgreSQL; set it (--target-url) and start a new surveillance");
        }
        boolean here = loop.isRunning();
        if (!here && mayStartLoop) {
            here = loop.start();
            loopStartedHere = here;
        }
        Sample s = here ? loop.sampleNow() : null;
        if (s == null) {
            s = oneOff();
        }
        if (!s.reachable() || s.error() != null) {
            throw new Unavailable((s.reachable() ? "sampling PostgreSQL failed: " : "PostgreSQL cannot be reached: ") + s.error()
                    + "; start a new surveillance once it answers (bascule monitor --once shows what it sees)");
        }
        List<String> lines = new ArrayList<>();
        lines.add("First sample at " + ChecklistValues.time(s.at()) + " of PostgreSQL " + s.serverVersion() + ", database "
                + s.database() + ":");
        lines.addAll(ChecklistValues.lines(s));
        Duration every = properties.surveillance().sampleInterval();
        lines.add(here ? "Sampling: every " + SampleChecks.millis(every) + " on this node (" + node + "), kept in "
                + loop.store().directory()
                : "Sampling: runs where the web app runs (bascule serve or demo, every " + SampleChecks.millis(every)
                + "); this node (" + node + ") took the first sample only");
        return new Opening(s, String.join("\n", lines), here);
    }

    /**
     * The figures now: the loop's latest sample when it is at most two sample intervals old, else a fresh one (the
     * loop's when it runs here, else a single sample).
     */
    public Sample current() {
        Duration maxAge = properties.surveillance().sampleInterval().multipliedBy(2);
        Sample latest = loop.latest();
        if (latest != null && !latest.at().isBefore(Instant.now().minus(maxAge))) {
            return latest;
        }
        if (loop.isRunning()) {
            Sample fresh = loop.sampleNow();
            if (fresh != null && fresh != latest) {
                return fresh;
            }
        }
        return oneOff();
    }

    /** The samples kept since {@code from} (every node's, from the work directory), oldest first. */
    public List<Sample> samplesSince(Instant from) {
        try {
            return loop.store().list(from, Instant.now());
        } catch (UncheckedIOException e) {
            log.warn("surveillance: the samples kept could not be read: {}", e.getMessage());
            return List.of();
        }
    }

    /**
     * Closes a run's surveillance: the loop stops only when this node started it for a surveillance and no other run
     * needs it ({@code othersActive}); a loop serve or demo started goes on (the live page and the metrics read it).
     *
     * @return what became of the sampling, one line
     */
    public synchronized String close(boolean othersActive) {
        if (loopStartedHere && !othersActive) {
            loop.stop();
            loopStartedHere = false;
            return "sampling stopped on this node (" + node + "): it was started for the surveillance and no other"
                    + " surveillance runs";
        }
        if (loop.isRunning()) {
            return "sampling goes on on this node (" + node + ")" + (othersActive ? ": another surveillance runs"
                    : ": the web app samples PostgreSQL for its live page and metrics");
        }
        return "no sampling ran on this node (" + node + ")";
    }

    /** The emergency actions on the target; {@code cutoverAt}: when the run started (statistics older are stale). */
    public EmergencyActions actions(Instant cutoverAt) {
        return EmergencyActions.from(properties, target.get(), cutoverAt);
    }

    private Sampler sampler(DatabaseEndpoint endpoint, String healthUrl) {
        try {
            return new Sampler(endpoint, properties.surveillance(), healthUrl);
        } catch (ConfigException e) {
            return new Sampler(endpoint, properties.surveillance(), null);   // a wrong health URL: the loop logs it
        }
    }

    /** A text as a process variable holds it (the engine keeps 4,000 characters): shortened, and said so. */
    public static String capped(String text) {
        return VariableText.capped(text);
    }

    /** A single sample with a sampler of its own, stored like the loop's. */
    private Sample oneOff() {
        DatabaseEndpoint endpoint;
        try {
            endpoint = target.get();
        } catch (ConfigException e) {
            throw new Unavailable(e.getMessage());
        }
        String healthUrl = properties.app() == null ? null : properties.app().healthUrl();
        Sample s;
        try (Sampler sampler = sampler(endpoint, healthUrl)) {
            s = sampler.sample();
        }
        try {
            loop.store().append(s);
        } catch (UncheckedIOException e) {
            log.warn("surveillance: a sample could not be kept: {}", e.getMessage());
        }
        return s;
    }
}
