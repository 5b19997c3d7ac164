package io.bascule.process;

import org.camunda.bpm.spring.boot.starter.event.ExecutionEvent;
import org.camunda.bpm.spring.boot.starter.event.TaskEvent;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Tells a waiting CLI command when a runbook moved on: a step or an instance ended, a task was created, assigned or
 * completed. The engine publishes these on the Camunda Spring Boot starter's eventing bridge
 * ({@code camunda.bpm.eventing.execution} and {@code .task}, on by default); they are signalled once the engine's
 * transaction committed (the starter runs every engine command in a Spring-managed transaction), so that a query then
 * sees them. The CLI waits here instead of querying the engine every few milliseconds, which on a busy 2-core machine
 * cost the migration a third of a CPU-second; its timeout covers what has no event (an incident) or passes
 * unsignalled (an engine without the bridge).
 * <p>
 * Not lazy, although the CLI context is ({@code spring.main.lazy-initialization}) and nothing asks for this bean:
 * Spring would still call the listener methods of a lazy bean, creating it at the first event, on an engine thread
 * inside a transaction's completion; created with the context instead, it is there before the first run starts.
 */
@Component
@Lazy(false)
public class ProcessWatch {

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

    /** A step or an instance ended; starts and taken flows change nothing a waiting command acts on. */
    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    public void executionEnded(ExecutionEvent event) {
        if ("end".equals(event.getEventName())) {
            changed();
        }
    }

    /** A task was created (a decision is asked), assigned (claimed in Tasklist) or completed. */
    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    public void taskChanged(TaskEvent event) {
        String name = event.getEventName();
        if ("create".equals(name) || "assignment".equals(name) || "complete".equals(name)) {
            changed();
        }
    }
}
