package io.bascule.process;

import io.bascule.testing.SpringEngine;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ProcessWatch} on the engine as the application runs it: the starter's eventing bridge, Spring transactions. */
class ProcessWatchTest {

    static SpringEngine spring;
    static ProcessEngine engine;

    @BeforeAll
    static void startEngine() {
        spring = SpringEngine.start("watch", false, Map.of());
        engine = spring.engine();
        engine.getRepositoryService().createDeployment()
                .addModelInstance("w.bpmn", Bpmn.createExecutableProcess("w").camundaHistoryTimeToLive(1)
                        .startEvent().userTask("t").endEvent().done())
                .addModelInstance("slow.bpmn", Bpmn.createExecutableProcess("slow").camundaHistoryTimeToLive(1)
                        .startEvent().manualTask("quick").serviceTask("sleep").camundaClass(Slow.class.getName())
                        .userTask("decide").endEvent().done())
                .deploy();
    }

    @AfterAll
    static void stopEngine() {
        spring.close();
    }

    /** Ends a step, then keeps its transaction open for a second. */
    public static class Slow implements JavaDelegate {
        @Override
        public void execute(DelegateExecution execution) throws Exception {
            Thread.sleep(1_000);
        }
    }

    @Test
    void aCreatedTaskAndAnEndedInstanceAreSignalled() throws Exception {
        long before = ProcessWatch.changes();
        ProcessInstance pi = engine.getRuntimeService().startProcessInstanceByKey("w");
        long afterStart = ProcessWatch.changes();
        assertThat(afterStart).as("the start event ended and the task was created").isGreaterThan(before);
        // a variable update is no change a waiting command acts on
        engine.getRuntimeService().setVariable(pi.getId(), "progress", "half way");
        assertThat(ProcessWatch.changes()).isEqualTo(afterStart);
        // a change already counted returns at once; none pending waits for the timeout
        long t0 = System.nanoTime();
        ProcessWatch.awaitChange(before, 5_000);
        assertThat(System.nanoTime() - t0).isLessThan(1_000_000_000L);
        t0 = System.nanoTime();
        ProcessWatch.awaitChange(ProcessWatch.changes(), 100);
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(90_000_000L);
        // a waiter is woken by the end of the instance, committed by another thread
        Thread completer = new Thread(() -> engine.getTaskService().complete(
                engine.getTaskService().createTaskQuery().processInstanceId(pi.getId()).singleResult().getId()));
        long seen = ProcessWatch.changes();
        completer.start();
        ProcessWatch.awaitChange(seen, 10_000);
        completer.join();
        assertThat(ProcessWatch.changes()).isGreaterThan(seen);
        assertThat(engine.getRuntimeService().createProcessInstanceQuery().processInstanceId(pi.getId()).count()).isZero();
    }

    @Test
    void aStepEndIsSignalledOnlyOnceItsTransactionCommitted() throws Exception {
        // "quick" ends a second before the transaction that also creates task "decide" commits: a waiter woken by
        // that end must see the task, which it could not before the commit
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread starter = new Thread(() -> {
            try {
                engine.getRuntimeService().startProcessInstanceByKey("slow");
            } catch (Throwable t) {
                failed.set(t);
            }
        });
        long seen = ProcessWatch.changes();
        long t0 = System.nanoTime();
        starter.start();
        ProcessWatch.awaitChange(seen, 10_000);
        long woken = System.nanoTime() - t0;
        long tasks = engine.getTaskService().createTaskQuery().processDefinitionKey("slow").taskDefinitionKey("decide").count();
        starter.join();
        assertThat(failed.get()).isNull();
        assertThat(ProcessWatch.changes()).as("signalled").isGreaterThan(seen);
        assertThat(woken).as("woken after the step's commit, not by the timeout").isBetween(900_000_000L, 9_000_000_000L);
        assertThat(tasks).as("the committed task is visible to the woken waiter").isOne();
    }
}
