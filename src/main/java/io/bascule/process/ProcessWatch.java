package io.bascule.process;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cfg.ProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.TransactionState;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.history.event.HistoryEvent;
import org.camunda.bpm.engine.impl.history.handler.HistoryEventHandler;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;

/**
 * Tells a waiting CLI command when a runbook moved on: a step ended, a task or an incident was created, an instance
 * ended (signalled once the engine's transaction committed, so that a query then sees it). The CLI waits here
 * instead of querying the engine every few milliseconds, which on a busy 2-core machine cost the migration a
 * third of a CPU-second; a timeout keeps it safe should a change ever pass unsignalled (history level none).
 */
@Component
public class ProcessWatch implements ProcessEnginePlugin {

    private static final Object LOCK = new Object();
    private static long changes;

    /** The number of changes so far: read it before looking at the engine, then wait for it to move. */
    public static long changes() {
        synchronized (LOCK) {
            return changes;
        }
    }

    /** Waits until there were more than {@code seen} changes, or {@code timeoutMillis} passed. */
    public static void awaitChange(long seen, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        synchronized (LOCK) {
            long left;
            while (changes == seen && (left = deadline - System.nanoTime()) > 0) {
                LOCK.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    static void changed() {
        synchronized (LOCK) {
            changes++;
            LOCK.notifyAll();
        }
    }

    /** Signals the events a waiting command acts on, after the transaction that produced them committed. */
    static final class Signal implements HistoryEventHandler {
        @Override
        public void handleEvent(HistoryEvent event) {
            String type = event.getEventType();
            if (!"end".equals(type) && !"create".equals(type)) {
                return; // starts and variable updates (progress reports) change nothing a waiting command acts on
            }
            CommandContext command = Context.getCommandContext();
            if (command == null || command.getTransactionContext() == null) {
                changed();
                return;
            }
            command.getTransactionContext().addTransactionListener(TransactionState.COMMITTED, c -> changed());
        }

        @Override
        public void handleEvents(List<HistoryEvent> events) {
            events.forEach(this::handleEvent);
        }
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl cfg) {
        List<HistoryEventHandler> handlers = cfg.getCustomHistoryEventHandlers() == null
                ? new ArrayList<>() : new ArrayList<>(cfg.getCustomHistoryEventHandlers());
        handlers.add(new Signal());
        cfg.setCustomHistoryEventHandlers(handlers);
    }

    @Override
    public void postInit(ProcessEngineConfigurationImpl cfg) {
    }

    @Override
    public void postProcessEngineBuild(ProcessEngine engine) {
    }
}
