package io.bascule.process;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.complete;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.task;

/** Paths of the goldMigration model, with its delegates mocked: certified, copied without verification, rejected,
 * failed, rows differ. */
@Deployment(resources = {"bpmn/goldMigration.bpmn", "forms/reviewConversion.form"})
class GoldMigrationProcessTest {

    @RegisterExtension
    static ProcessEngineExtension engine = ProcessEngineExtension.builder()
            .configurationResource("camunda-unit.cfg.xml").build();

    ProcessEngine processEngine;
    final List<String> calls = new ArrayList<>();

    static final String[] DELEGATES = {"runPreflightDelegate", "readSchemaDelegate", "createTablesDelegate",
            "copyDataDelegate", "buildConstraintsDelegate", "verifyRowsDelegate", "writeCertificateDelegate"};

    @BeforeEach
    void registerDelegates() {
        for (String name : DELEGATES) {
            Mocks.register(name, (JavaDelegate) execution -> {
                calls.add(name);
                if (name.equals("verifyRowsDelegate")) {
                    execution.setVariable(ProcessVariables.ROWS_IDENTICAL, !Boolean.TRUE.equals(execution.getVariable("simulateMismatch")));
                }
                if (name.equals(execution.getVariable("failAt"))) {
                    throw new BpmnError(ProcessVariables.ERROR_MIGRATION_FAILED, "simulated: cannot reach the source");
                }
            });
        }
    }

    @AfterEach
    void reset() {
        Mocks.reset();
    }

    private ProcessInstance start(Map<String, Object> vars) {
        return processEngine.getRuntimeService().startProcessInstanceByKey(ProcessKeys.GOLD_MIGRATION, vars);
    }

    private void runJobsUntilWaitOrEnd(ProcessInstance pi) {
        while (processEngine.getManagementService().createJobQuery().processInstanceId(pi.getId()).executable().count() > 0) {
            execute(job(pi));
        }
    }

    @Test
    void happyPathEndsGoldCertified() {
        ProcessInstance pi = start(Map.of());
        runJobsUntilWaitOrEnd(pi);
        assertThat(pi).isWaitingAt("Task_ReviewConversion");
        assertThat(task(pi)).hasCandidateGroup(ProcessKeys.DBA_GROUP);
        complete(task(pi), Map.of(ProcessVariables.APPROVED, true, ProcessVariables.REVIEW_COMMENT, "looks right"));
        runJobsUntilWaitOrEnd(pi);
        assertThat(pi).hasPassedInOrder("Task_Preflight", "Task_ReadSchema", "Task_ReviewConversion", "Task_CreateTables",
                "Task_CopyData", "Task_BuildConstraints", "Task_VerifyRows", "Task_WriteCertificate", "EndEvent_GoldCertified").isEnded();
        assertThat(calls).containsExactly(DELEGATES);
    }

    @Test
    void withoutVerificationEndsCopiedWithoutComparingOrCertifying() {
        ProcessInstance pi = start(Map.of(ProcessVariables.VERIFY_ROWS, false));
        runJobsUntilWaitOrEnd(pi);
        complete(task(pi), Map.of(ProcessVariables.APPROVED, true));
        runJobsUntilWaitOrEnd(pi);
        assertThat(pi).hasPassedInOrder("Task_CopyData", "Task_BuildConstraints", "SubEnd_CopiedUnverified", "EndEvent_CopiedUnverified")
                .hasNotPassed("Task_VerifyRows", "Task_WriteCertificate", "EndEvent_GoldCertified").isEnded();
        assertThat(calls).containsExactly("runPreflightDelegate", "readSchemaDelegate", "createTablesDelegate",
                "copyDataDelegate", "buildConstraintsDelegate");
    }

    @Test
    void rejectedReviewEndsWithoutWritingAnything() {
        ProcessInstance pi = start(Map.of());
        runJobsUntilWaitOrEnd(pi);
        complete(task(pi), Map.of(ProcessVariables.APPROVED, false));
        runJobsUntilWaitOrEnd(pi);
        assertThat(pi).hasPassed("EndEvent_Rejected").isEnded();
        assertThat(calls).containsExactly("runPreflightDelegate", "readSchemaDelegate");
    }

    @Test
    void aFailedStepEndsMigrationFailedWithTheReason() {
        ProcessInstance pi = start(Map.of("failAt", "copyDataDelegate"));
        runJobsUntilWaitOrEnd(pi);
        complete(task(pi), Map.of(ProcessVariables.APPROVED, true));
        runJobsUntilWaitOrEnd(pi);
        assertThat(pi).hasPassed("EndEvent_Failed").hasNotPassed("Task_VerifyRows").isEnded();
        assertThat(processEngine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(pi.getId())
                .variableName(ProcessVariables.FAILURE_REASON).singleResult().getValue())
                .isEqualTo("simulated: cannot reach the source");
    }

    @Test
    void differingRowsEndVerificationFailedWithoutCertificate() {
        ProcessInstance pi = start(Map.of("simulateMismatch", true));
        runJobsUntilWaitOrEnd(pi);
        complete(task(pi), Map.of(ProcessVariables.APPROVED, true));
        runJobsUntilWaitOrEnd(pi);
        assertThat(pi).hasPassed("Task_VerifyRows", "EndEvent_VerificationFailed").hasNotPassed("Task_WriteCertificate").isEnded();
    }
}
