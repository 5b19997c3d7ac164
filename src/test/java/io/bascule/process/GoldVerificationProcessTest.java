package io.bascule.process;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;

/** Paths of the goldVerification model, its delegate mocked: identical, rows differ, failed. */
@Deployment(resources = "bpmn/goldVerification.bpmn")
class GoldVerificationProcessTest {

    @RegisterExtension
    static ProcessEngineExtension engine = ProcessEngineExtension.builder()
            .configurationResource("camunda-unit.cfg.xml").build();

    ProcessEngine processEngine;

    @AfterEach
    void reset() {
        Mocks.reset();
    }

    private ProcessInstance run(JavaDelegate delegate) {
        Mocks.register("verifyAgainDelegate", delegate);
        ProcessInstance pi = processEngine.getRuntimeService().startProcessInstanceByKey(ProcessKeys.GOLD_VERIFICATION);
        assertThat(pi).isWaitingAt("Task_VerifyAgain").variables()
                .containsEntry(ProcessVariables.PROGRESS, "verification requested").containsEntry(ProcessVariables.PROGRESS_PERCENT, 0L);
        execute(job(pi));
        if (processEngine.getManagementService().createJobQuery().processInstanceId(pi.getId()).count() > 0) {
            execute(job(pi));   // the continuation after the step (async after)
        }
        return pi;
    }

    @Test
    void identicalRowsEndIdentical() {
        ProcessInstance pi = run(e -> e.setVariable(ProcessVariables.ROWS_IDENTICAL, true));
        assertThat(pi).hasPassedInOrder("Task_VerifyAgain", "Gateway_Identical", "EndEvent_Identical").isEnded();
    }

    @Test
    void differingRowsEndRowsDiffer() {
        ProcessInstance pi = run(e -> e.setVariable(ProcessVariables.ROWS_IDENTICAL, false));
        assertThat(pi).hasPassed("EndEvent_RowsDiffer").hasNotPassed("EndEvent_Identical").isEnded();
    }

    @Test
    void progressReportsDuringTheStepDoNotConflictWithTheEnd() {
        // what the delegate's report thread does: update the progress variables in their own transactions
        ProcessInstance pi = run(e -> {
            e.getVariable(ProcessVariables.PROGRESS);   // the job has read them (as the real step does)
            Thread reporter = new Thread(() -> {
                for (int i = 1; i <= 3; i++) {
                    processEngine.getRuntimeService().setVariables(e.getProcessInstanceId(),
                            Map.of(ProcessVariables.PROGRESS, "verify: step " + i, ProcessVariables.PROGRESS_PERCENT, i * 30));
                }
            });
            reporter.start();
            try {
                reporter.join();
            } catch (InterruptedException ex) {
                throw new IllegalStateException(ex);
            }
            e.setVariable(ProcessVariables.ROWS_IDENTICAL, true);
        });
        assertThat(pi).hasPassed("EndEvent_Identical").isEnded();
    }

    @Test
    void aFailureEndsVerificationFailedWithItsReason() {
        ProcessInstance pi = run(e -> {
            throw new BpmnError(ProcessVariables.ERROR_MIGRATION_FAILED, "simulated: cannot reach the target");
        });
        assertThat(pi).hasPassed("EndEvent_VerificationFailed").isEnded();
        Object reason = processEngine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(pi.getId())
                .variableName(ProcessVariables.FAILURE_REASON).singleResult().getValue();
        org.assertj.core.api.Assertions.assertThat(reason).isEqualTo("simulated: cannot reach the target");
    }
}
