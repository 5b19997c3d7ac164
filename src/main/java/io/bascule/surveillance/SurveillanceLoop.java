package io.bascule.surveillance;

import io.bascule.config.BasculeProperties;
import io.bascule.config.ConfigException;
import io.bascule.config.Secrets;
import io.bascule.database.DatabaseEndpoint;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Samples the target PostgreSQL every {@code bascule.surveillance.sample-interval} while started, on the node that
 * serves the web app ({@code serve}, {@code demo} start it when {@code bascule.target.url} is set): each sample is
 * appended to the {@link SampleStore} of the work directory, shown by the {@link SurveillanceMetrics} gauges, kept in
 * memory for the last hour ({@link #recent}) and handed to the listeners ({@link #addListener}: the playbooks' triggers).
 *
 * <p>It never stops serve: a target that is not configured leaves it off (one INFO line); PostgreSQL unreachable gives
 * samples marked so ({@link Sample#reachable()}), and the log says so once per change (WARN when sampling fails, INFO
 * when it works again), not at every sample. A full disk or a failing listener is logged likewise and sampling goes on.
 * Samples older than {@code samples-kept} are pruned at start and once a day.
 */
@Component
public class SurveillanceLoop {

    private static final Logger log = LoggerFactory.getLogger(SurveillanceLoop.class);
    /** How long samples stay in memory for {@link #recent}. */
    public static final Duration KEPT_IN_MEMORY = Duration.ofHours(1);

    private final Supplier<Sampler> samplers;
    private final SampleStore store;
    private final BasculeProperties.Surveillance settings;
    private final SurveillanceMetrics metrics;
    private final List<Consumer<Sample>> listeners = new CopyOnWriteArrayList<>();
    private final Deque<Sample> recent = new ConcurrentLinkedDeque<>();
    private ScheduledExecutorService scheduler;
    private Sampler sampler;
    private volatile Sample latest;
    private String lastState;
    private String lastStoreError;
    private final java.util.Map<Consumer<Sample>, String> lastListenerError = new java.util.concurrent.ConcurrentHashMap<>();
    private LocalDate prunedOn;

    @Autowired
    public SurveillanceLoop(BasculeProperties properties, Secrets secrets, ObjectProvider<MeterRegistry> registry) {
        this(() -> sampler(properties, secrets), new SampleStore(properties.workDir().toAbsolutePath(),
                properties.surveillance().samplesKept()), properties.surveillance(), registry.getIfAvailable());
    }

    /**
     * @param samplers the sampler of the configuration, asked at {@link #start()}; null when no target is configured
     * @param registry where the gauges go, or null for none
     */
    public SurveillanceLoop(Supplier<Sampler> samplers, SampleStore store, BasculeProperties.Surveillance settings,
                            MeterRegistry registry) {
        this.samplers = samplers;
        this.store = store;
        this.settings = settings;
        this.metrics = registry == null ? null : new SurveillanceMetrics(registry);
    }

    private static Sampler sampler(BasculeProperties properties, Secrets secrets) {
        BasculeProperties.Connection target = properties.target();
        if (target == null || target.url() == null || target.url().isBlank()) {
            return null;
        }
        DatabaseEndpoint endpoint = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, target, secrets);
        String healthUrl = properties.app() == null ? null : properties.app().healthUrl();
        try {
            return new Sampler(endpoint, properties.surveillance(), healthUrl);
        } catch (ConfigException e) {
            log.warn("{}: the application's health is not probed by the surveillance sampling", e.getMessage());
            return new Sampler(endpoint, properties.surveillance(), null);
        }
    }

    /**
     * Starts sampling (idempotent): the first sample at once, then every sample interval. Returns whether it samples:
     * false when no target is configured (or its settings are wrong: logged).
     */
    public synchronized boolean start() {
        if (scheduler != null) {
            return true;
        }
        Sampler s;
        try {
            s = samplers.get();
        } catch (ConfigException e) {
            log.warn("surveillance sampling off: {}", e.getMessage());
            return false;
        }
        if (s == null) {
            log.info("surveillance sampling off: no target database configured (bascule.target.url)");
            return false;
        }
        sampler = s;
        lastState = null;
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bascule-surveillance");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleAtFixedRate(this::tick, 0, settings.sampleInterval().toMillis(), TimeUnit.MILLISECONDS);
        log.info("surveillance: sampling PostgreSQL {} every {} s into {}", s.target().redactedUrl(),
                settings.sampleInterval().toMillis() / 1000.0, store.directory());
        return true;
    }

    /** Stops sampling and closes the sampling connection (idempotent); {@link #start()} starts it again. */
    public synchronized void stop() {
        if (scheduler == null) {
            return;
        }
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(15, TimeUnit.SECONDS)) {
                log.warn("surveillance: the sampling thread did not stop within 15 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler = null;
        sampler.close();
        sampler = null;
    }

    @PreDestroy
    public void close() {
        stop();
    }

    public synchronized boolean isRunning() {
        return scheduler != null;
    }

    /** The last sample, or null before the first one. */
    public Sample latest() {
        return latest;
    }

    /** The samples of the last {@code window} (at most {@link #KEPT_IN_MEMORY}), oldest first. */
    public List<Sample> recent(Duration window) {
        Instant from = Instant.now().minus(window);
        List<Sample> list = new ArrayList<>();
        for (Sample s : recent) {
            if (!s.at().isBefore(from)) {
                list.add(s);
            }
        }
        return list;
    }

    /**
     * Calls the listener with every sample from now on, on the sampling thread, after it is stored: keep it short (the
     * next sample waits for it). A listener that throws is logged (once per distinct failure) and called again next time.
     */
    public void addListener(Consumer<Sample> listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    public void removeListener(Consumer<Sample> listener) {
        listeners.remove(listener);
        lastListenerError.remove(listener);
    }

    /**
     * A sample taken now on the sampling thread and recorded like every other (for a checklist falling due); null when
     * the loop is not running.
     */
    public Sample sampleNow() {
        ScheduledExecutorService s;
        synchronized (this) {
            s = scheduler;
        }
        if (s == null) {
            return null;
        }
        try {
            return s.submit(this::takeAndRecord).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return latest;
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            log.warn("surveillance: a sample asked for now failed: {}", e.toString());
            return latest;
        }
    }

    /** Where the samples are kept. */
    public SampleStore store() {
        return store;
    }

    /** The thresholds and intervals sampled with. */
    public BasculeProperties.Surveillance settings() {
        return settings;
    }

    private void tick() {
        try {
            takeAndRecord();
        } catch (RuntimeException e) {
            log.error("surveillance: sampling failed unexpectedly (sampling goes on)", e);
        }
    }

    private Sample takeAndRecord() {
        Sampler s;
        synchronized (this) {
            s = sampler;
        }
        if (s == null) {
            return latest;
        }
        Sample sample = s.sample();
        record(sample);
        return sample;
    }

    void record(Sample sample) {
        logStateChange(sample);
        latest = sample;
        recent.addLast(sample);
        Instant oldest = sample.at().minus(KEPT_IN_MEMORY);
        while (!recent.isEmpty() && recent.peekFirst().at().isBefore(oldest)) {
            recent.pollFirst();
        }
        try {
            store.append(sample);
            if (lastStoreError != null) {
                log.info("surveillance: samples are written to {} again", store.directory());
                lastStoreError = null;
            }
        } catch (UncheckedIOException e) {
            if (!Objects.equals(lastStoreError, e.getMessage())) {
                log.warn("surveillance: {} (sampling goes on; logged again when this changes)", e.getMessage());
                lastStoreError = e.getMessage();
            }
        }
        LocalDate today = LocalDate.ofInstant(sample.at(), ZoneOffset.UTC);
        if (!today.equals(prunedOn)) {
            prunedOn = today;
            store.prune(sample.at());
        }
        if (metrics != null) {
            metrics.update(sample);
        }
        for (Consumer<Sample> listener : listeners) {
            try {
                listener.accept(sample);
                lastListenerError.remove(listener);
            } catch (RuntimeException e) {
                String message = String.valueOf(e.getMessage());
                if (!message.equals(lastListenerError.put(listener, message))) {
                    log.warn("surveillance: a sample listener failed: {}", e.toString(), e);
                }
            }
        }
    }

    private void logStateChange(Sample sample) {
        String state = sample.error() == null ? "ok" : (sample.reachable() ? "failed: " : "unreachable: ") + sample.error();
        if (state.equals(lastState)) {
            return;
        }
        String was = lastState;
        lastState = state;
        if (sample.error() == null) {
            if (was != null) {
                log.info("surveillance: PostgreSQL database {} sampled again", sample.database());
            }
        } else if (!sample.reachable()) {
            log.warn("surveillance: PostgreSQL unreachable: {} (sampling goes on every {} s; logged again when this changes)",
                    sample.error(), settings.sampleInterval().toMillis() / 1000.0);
        } else {
            log.warn("surveillance: sampling PostgreSQL failed: {} (sampling goes on; logged again when this changes)",
                    sample.error());
        }
    }
}
