package io.bascule.rollback;

import io.bascule.process.ProcessKeys;
import io.bascule.process.ProcessVariables;
import jakarta.annotation.PreDestroy;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps MySQL trailing PostgreSQL by seconds while the reverse channel is armed: on the node that runs the
 * runbooks ({@code serve}, {@code demo}), a {@link ReverseApplyLoop} applies the captured changes continuously, so a
 * rollback only drains the tail. Every 15 s it looks whether a channel is armed (the cutover arms it) and no loop
 * runs, and starts one; the lag (changes, seconds) is logged by the loop and written every 5 s as the process
 * variables {@code reverseLagChanges} and {@code reverseLagSeconds} of the active cutover, surveillance and PLATINUM
 * runs, where Cockpit shows it.
 */
@Component
public class ReverseApplyService {

    private static final Logger log = LoggerFactory.getLogger(ReverseApplyService.class);
    static final Duration CHECK_EVERY = Duration.ofSeconds(15);
    static final Duration VARIABLES_EVERY = Duration.ofSeconds(5);
    static final List<String> SHOWN_ON = List.of(ProcessKeys.CUTOVER, ProcessKeys.SURVEILLANCE, ProcessKeys.PLATINUM_REPORT);

    private final java.util.function.Supplier<ReverseChannel> channels;
    private final RuntimeService runtime;
    private ScheduledExecutorService scheduler;
    private volatile ReverseApplyLoop loop;
    private volatile long lastVariables;

    @org.springframework.beans.factory.annotation.Autowired
    public ReverseApplyService(RollbackServices services, RuntimeService runtime) {
        this(() -> services.create().channel(), runtime);
    }

    /** @param channels the channel of the configuration (null when no migration is here), asked at every check */
    ReverseApplyService(java.util.function.Supplier<ReverseChannel> channels, RuntimeService runtime) {
        this.channels = channels;
        this.runtime = runtime;
    }

    /** Starts watching for an armed channel (idempotent). */
    public synchronized void watch() {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bascule-reverse-apply-watch");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::check, 0, CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The loop running now, or null. */
    public ReverseApplyLoop loop() {
        return loop;
    }

    void check() {
        try {
            ReverseApplyLoop current = loop;
            boolean rollingBack = runtime.createProcessInstanceQuery().processDefinitionKey(ProcessKeys.ROLLBACK).active().count() > 0;
            if (current != null && current.isRunning()) {
                if (rollingBack || !current.channel().isArmed()) {
                    // the rollback's drain is the only applier now, or the channel is gone: this loop has nothing to do
                    current.stop(Duration.ofSeconds(30));
                }
                return;
            }
            if (rollingBack) {
                return;   // a rollback drains and disarms the channel itself
            }
            ReverseChannel channel = channels.get();
            if (channel == null || !channel.isArmed()) {
                return;
            }
            if (current != null && current.lastError() != null) {
                log.error("reverse channel {}: continuous apply stopped on {}; starting it again (a rollback drains and"
                        + " reports the same problem as an incident)", channel.name(), current.lastError().getMessage());
            }
            loop = new ReverseApplyLoop(channel, Duration.ofMillis(200), Duration.ofSeconds(60), this::lag).start();
        } catch (io.bascule.config.ConfigException e) {
            log.debug("no reverse channel to apply: {}", e.getMessage());   // serve without databases configured
        } catch (IllegalStateException e) {
            log.debug("reverse apply loop not started here: {}", e.getMessage());
        } catch (RuntimeException e) {
            log.warn("looking for an armed reverse channel failed: {}", e.getMessage());
        }
    }

    private void lag(ReverseApplier.Lag lag) {
        long now = System.nanoTime();
        if (now - lastVariables < VARIABLES_EVERY.toNanos()) {
            return;
        }
        lastVariables = now;
        Map<String, Object> v = Map.of(ProcessVariables.REVERSE_LAG_CHANGES, lag.changes(),
                ProcessVariables.REVERSE_LAG_SECONDS, Math.round(lag.oldestSeconds() * 100) / 100.0);
        for (String key : SHOWN_ON) {
            for (ProcessInstance pi : runtime.createProcessInstanceQuery().processDefinitionKey(key).active().list()) {
                try {
                    runtime.setVariables(pi.getId(), v);
                } catch (RuntimeException e) {
                    log.debug("lag variables not written on {}: {}", pi.getId(), e.toString());
                }
            }
        }
    }

    @PreDestroy
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        ReverseApplyLoop l = loop;
        if (l != null) {
            l.stop(Duration.ofSeconds(10));
        }
    }
}
