package io.bascule.process;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.StandaloneInMemProcessEngineConfiguration;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessWatchTest {

    @Test
    void aCreatedTaskAndAnEndedInstanceAreSignalledAfterTheirCommit() throws Exception {
        StandaloneInMemProcessEngineConfiguration cfg = new StandaloneInMemProcessEngineConfiguration();
        cfg.setJdbcUrl("jdbc:h2:mem:watch-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        cfg.setHistory("full");
        cfg.getProcessEnginePlugins().add(new ProcessWatch());
        ProcessEngine engine = cfg.buildProcessEngine();
        try {
            engine.getRepositoryService().createDeployment().addModelInstance("w.bpmn",
                    Bpmn.createExecutableProcess("w").startEvent().userTask("t").endEvent().done()).deploy();
            long before = ProcessWatch.changes();
            ProcessInstance pi = engine.getRuntimeService().startProcessInstanceByKey("w");
            long afterStart = ProcessWatch.changes();
            assertThat(afterStart).as("the task was created").isGreaterThan(before);
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
        } finally {
            engine.close();
        }
    }
}
