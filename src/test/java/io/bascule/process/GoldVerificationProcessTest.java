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

    private Object variable(ProcessInstance pi, String name) {
        return processEngine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(pi.getId())
                .variableName(name).singleResult().getValue();
    }

    private void assertOutcome(ProcessInstance pi, String code, boolean success, String message) {
        org.assertj.core.api.Assertions.assertThat(variable(pi, ProcessVariables.OUTCOME)).isEqualTo(code);
        org.assertj.core.api.Assertions.assertThat(variable(pi, ProcessVariables.OUTCOME_SUCCESS)).isEqualTo(success);
        org.assertj.core.api.Assertions.assertThat(variable(pi, ProcessVariables.OUTCOME_MESSAGE)).isEqualTo(message);
    }

    @Test
    void identicalRowsEndIdentical() {
        ProcessInstance pi = run(e -> {
            e.setVariable(ProcessVariables.ROWS_IDENTICAL, true);
            e.setVariable(ProcessVariables.VERIFICATION_SUMMARY, "9 rows in 2 tables identical");
        });
        assertThat(pi).hasPassedInOrder("Task_VerifyAgain", "Gateway_Identical", "EndEvent_Identical").isEnded();
        assertOutcome(pi, "IDENTICAL", true, "9 rows in 2 tables identical");
    }

    @Test
    void differingRowsEndRowsDiffer() {
        ProcessInstance pi = run(e -> {
            e.setVariable(ProcessVariables.ROWS_IDENTICAL, false);
            e.setVariable(ProcessVariables.VERIFICATION_SUMMARY, "1 table(s) differ between source and target");
        });
        assertThat(pi).hasPassed("EndEvent_RowsDiffer").hasNotPassed("EndEvent_Identical", "EndEvent_VerificationFailed").isEnded();
        assertOutcome(pi, "ROWS_DIFFER", false, "1 table(s) differ between source and target");
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
            throw new BpmnError(ProcessVariables.ERROR_VERIFICATION_FAILED, "simulated: cannot reach the target");
        });
        assertThat(pi).hasPassed("EndEvent_VerificationFailed").isEnded();
        assertOutcome(pi, "FAILED", false, "simulated: cannot reach the target");
        Object reason = processEngine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(pi.getId())
                .variableName(ProcessVariables.FAILURE_REASON).singleResult().getValue();
        org.assertj.core.api.Assertions.assertThat(reason).isEqualTo("simulated: cannot reach the target");
    }

    /** A step on the shared base: its business failure is the BPMN error of its own process (VERIFICATION_FAILED). */
    @Test
    void aRunbookStepFailsWithTheErrorCodeOfItsProcess() {
        ProcessInstance pi = run(new RunbookStep(processEngine.getRuntimeService()) {
            @Override
            protected void runStep(org.camunda.bpm.engine.delegate.DelegateExecution execution) {
                throw failed("the target refused the login");
            }
        });
        assertThat(pi).hasPassed("Boundary_VerificationFailed", "EndEvent_VerificationFailed").isEnded();
        assertOutcome(pi, "FAILED", false, "the target refused the login");
    }

    /** A technical fault of a step is rethrown: the job fails and is retried (then an incident), the run does not end. */
    @Test
    void aTechnicalFaultOfARunbookStepIsRetriedNotEnded() {
        Mocks.register("verifyAgainDelegate", new RunbookStep(processEngine.getRuntimeService()) {
            @Override
            protected void runStep(org.camunda.bpm.engine.delegate.DelegateExecution execution) {
                throw new IllegalStateException("connection reset");
            }
        });
        ProcessInstance pi = processEngine.getRuntimeService().startProcessInstanceByKey(ProcessKeys.GOLD_VERIFICATION);
        var managed = processEngine.getManagementService();
        var job = managed.createJobQuery().processInstanceId(pi.getId()).singleResult();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> managed.executeJob(job.getId())).hasMessageContaining("connection reset");
        var after = managed.createJobQuery().processInstanceId(pi.getId()).singleResult();
        org.assertj.core.api.Assertions.assertThat(after.getRetries()).isEqualTo(1);   // R2/PT10S: one more attempt, 10 s later
        org.assertj.core.api.Assertions.assertThat(after.getExceptionMessage()).contains("connection reset");
        assertThat(pi).isNotEnded();
    }
}
