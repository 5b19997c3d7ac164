package io.bascule.surveillance;

import io.bascule.config.BasculeProperties;
import io.bascule.process.Playbooks;
import io.bascule.process.ProcessKeys;
import io.bascule.process.SurveillanceVariables;
import org.camunda.bpm.engine.MismatchingMessageCorrelationException;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The automatic playbook triggers: a listener of the {@link SurveillanceLoop} ({@code serve} and {@code demo}
 * {@link #register} it) that, for every active {@code surveillance} run watched (see below), feeds each sample to that
 * run's {@link PlaybookConditions} and correlates the playbook messages it raises to the run, with the variable
 * {@link Playbooks#TRIGGER} (one line: the measured value and the threshold). One INFO line per raise. A run that ended
 * meanwhile ({@link MismatchingMessageCorrelationException}) is passed over quietly; any other failure to correlate is
 * logged and the raise is tried again with the next sample where its condition holds.
 * <p>A run is watched from when "Open surveillance" has taken its first sample ({@code surveillanceOpenedAt}: no raise
 * races the opening step) until a rollback is decided ({@code rollbackReason} set), it is closed
 * ({@code surveillanceClosedAt}) or it calls another process (the rollback): nothing is raised outside that time.
 */
@Component
public class PlaybookTriggers implements Consumer<Sample> {

    private static final Logger log = LoggerFactory.getLogger(PlaybookTriggers.class);

    private final RuntimeService runtime;
    private final BasculeProperties.Surveillance thresholds;
    private final SurveillanceLoop loop;
    private final Map<String, PlaybookConditions> runs = new ConcurrentHashMap<>();
    private final AtomicBoolean registered = new AtomicBoolean();

    @Autowired
    public PlaybookTriggers(RuntimeService runtime, SurveillanceLoop loop) {
        this(runtime, loop.settings(), loop);
    }

    /** @param loop the loop {@link #register} listens to, or null (a test feeds {@link #accept} itself) */
    public PlaybookTriggers(RuntimeService runtime, BasculeProperties.Surveillance thresholds, SurveillanceLoop loop) {
        this.runtime = runtime;
        this.thresholds = thresholds;
        this.loop = loop;
    }

    /** Listens to the surveillance loop's samples from now on (idempotent). */
    public void register() {
        if (loop != null && registered.compareAndSet(false, true)) {
            loop.addListener(this);
        }
    }

    /** Evaluates one sample for every active surveillance run; raises what starts. */
    @Override
    public void accept(Sample sample) {
        List<ProcessInstance> active = runtime.createProcessInstanceQuery().processDefinitionKey(ProcessKeys.SURVEILLANCE)
                .active().list();
        // a rollback of its own running (started from Tasklist or REST) fences PostgreSQL and moves the application,
        // which must not raise "backend down"; once rolled back it ends the surveillance (rollback's end listener)
        boolean rollingBack = !active.isEmpty() && runtime.createProcessInstanceQuery().processDefinitionKey(ProcessKeys.ROLLBACK)
                .active().variableValueEquals(io.bascule.process.ProcessVariables.DRY_RUN, false).count() > 0;
        Set<String> seen = new HashSet<>();
        for (ProcessInstance pi : active) {
            seen.add(pi.getId());
            if (rollingBack || notWatched(pi.getId())) {
                runs.remove(pi.getId());
                continue;
            }
            PlaybookConditions conditions = runs.computeIfAbsent(pi.getId(), id -> new PlaybookConditions(thresholds));
            for (PlaybookConditions.Raise raise : conditions.next(sample)) {
                raise(pi.getId(), raise, conditions);
            }
        }
        runs.keySet().retainAll(seen);
    }

    /** Not watched (yet, or any more): not opened, a rollback decided, closed, or calling the rollback. */
    private boolean notWatched(String instanceId) {
        Map<String, Object> v = runtime.getVariables(instanceId, List.of(SurveillanceVariables.SURVEILLANCE_OPENED_AT,
                SurveillanceVariables.ROLLBACK_REASON, SurveillanceVariables.SURVEILLANCE_CLOSED_AT));
        return v.get(SurveillanceVariables.SURVEILLANCE_OPENED_AT) == null || v.get(SurveillanceVariables.ROLLBACK_REASON) != null
                || v.get(SurveillanceVariables.SURVEILLANCE_CLOSED_AT) != null
                || runtime.createProcessInstanceQuery().superProcessInstanceId(instanceId).count() > 0;
    }

    private void raise(String instanceId, PlaybookConditions.Raise raise, PlaybookConditions conditions) {
        try {
            runtime.createMessageCorrelation(raise.message()).processInstanceId(instanceId)
                    .setVariable(Playbooks.TRIGGER, raise.trigger()).correlateWithResult();
            log.info("surveillance {}: playbook {} raised: {}", instanceId, raise.message(), raise.trigger());
        } catch (MismatchingMessageCorrelationException e) {
            log.debug("surveillance {}: {} not correlated (the run ended or is closing): {}", instanceId, raise.message(),
                    e.getMessage());
        } catch (RuntimeException e) {
            conditions.forget(raise);
            log.warn("surveillance {}: raising playbook {} failed (tried again with the next sample): {}", instanceId,
                    raise.message(), e.toString());
        }
    }
}
