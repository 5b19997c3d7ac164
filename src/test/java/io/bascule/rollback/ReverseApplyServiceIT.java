package io.bascule.rollback;

import io.bascule.process.ProcessKeys;
import io.bascule.process.ProcessVariables;
import io.bascule.rollback.ReverseChannelFixture.Migrated;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static io.bascule.testing.QueryRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The continuous apply on a runbook node: nothing runs while no channel is armed; once the cutover armed it, a loop
 * applies the application's writes into MySQL and the lag reaches the active cutover's variables (a real engine).
 */
@ExtendWith(EmbeddedDatabases.class)
class ReverseApplyServiceIT {

    @RegisterExtension
    static ProcessEngineExtension engine = ProcessEngineExtension.builder().configurationResource("camunda-unit.cfg.xml").build();

    ProcessEngine processEngine;

    @TempDir
    Path work;

    @Test
    @Deployment(resources = {"bpmn/cutover.bpmn", "forms/cutoverStart.form", "forms/cutoverWarRoom.form", "forms/cutoverGo.form"})
    void anArmedChannelIsAppliedContinuouslyAndItsLagShownOnTheCutover(TestDatabases dbs) throws Exception {
        org.camunda.bpm.engine.test.mock.Mocks.register("cutoverSettings", io.bascule.testing.CutoverSettingsStub.defaults());
        Migrated m = ReverseChannelFixture.migrate(dbs, work);
        AtomicReference<ReverseChannel> configured = new AtomicReference<>(m.channel());
        ReverseApplyService service = new ReverseApplyService(configured::get, processEngine.getRuntimeService());
        try {
            service.check();
            assertThat(service.loop()).as("no channel armed: no loop").isNull();

            ProcessInstance cutover = processEngine.getRuntimeService().startProcessInstanceByKey(ProcessKeys.CUTOVER);
            m.channel().arm();
            service.check();
            ReverseApplyLoop loop = service.loop();
            assertThat(loop).isNotNull();
            assertThat(loop.isRunning()).isTrue();
            service.check();
            assertThat(service.loop()).as("a second check keeps the running loop").isSameAs(loop);

            ReverseChannelFixture.pg(dbs, "UPDATE customers SET name = 'applied by the loop' WHERE id = 2");
            long deadline = System.nanoTime() + 20_000_000_000L;
            List<List<String>> name;
            do {
                Thread.sleep(100);
                try (Connection my = dbs.source()) {
                    name = rows(my, "SELECT name FROM customers WHERE id = 2");
                }
            } while (!name.equals(List.of(List.of("applied by the loop"))) && System.nanoTime() < deadline);
            assertThat(name).containsExactly(List.of("applied by the loop"));
            Object lag;
            do {
                Thread.sleep(100);
                lag = processEngine.getRuntimeService().getVariable(cutover.getId(), ProcessVariables.REVERSE_LAG_CHANGES);
            } while (lag == null && System.nanoTime() < deadline);
            assertThat(lag).as("the lag on the active cutover").isNotNull();
            assertThat(processEngine.getRuntimeService().getVariable(cutover.getId(), ProcessVariables.REVERSE_LAG_SECONDS))
                    .isInstanceOf(Double.class);

            // the channel disarmed (by a rollback, after its drain): the next check stops the running loop
            m.channel().disarm();
            assertThat(service.loop().isRunning()).isTrue();
            service.check();
            assertThat(service.loop().isRunning()).isFalse();
            service.check();
            assertThat(service.loop()).as("no loop started for a channel that is gone").isSameAs(loop);
        } finally {
            org.camunda.bpm.engine.test.mock.Mocks.reset();
            service.close();
            ReverseApplyLoop.stopRunning(m.channel(), java.time.Duration.ofSeconds(10));
            m.channel().disarm();
        }
        assertThat(service.loop().isRunning()).isFalse();
    }
}
