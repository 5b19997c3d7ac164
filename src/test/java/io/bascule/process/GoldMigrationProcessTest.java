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

/**
 * Paths of the goldMigration model, with its delegates mocked: certified, copied without verification, rejected,
 * failed, rows differ. Each path ends with the outcome variables its end event sets (the contract the CLI reads).
 */
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
                if (name.equals("copyDataDelegate")) {
                    execution.setVariable(ProcessVariables.COPY_SUMMARY, "7 rows copied in 1 tables");
                }
                if (name.equals("verifyRowsDelegate")) {
                    boolean identical = !Boolean.TRUE.equals(execution.getVariable("simulateMismatch"));
                    execution.setVariable(ProcessVariables.ROWS_IDENTICAL, identical);
                    execution.setVariable(ProcessVariables.VERIFICATION_SUMMARY, identical ? "7 rows identical" : "t: 1 missing [id=5]");
                }
                if (name.equals("writeCertificateDelegate")) {
                    execution.setVariable(ProcessVariables.CERTIFICATE_SUMMARY, "GOLD: 7 rows in 1 tables verified identical");
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

    private void assertOutcome(ProcessInstance pi, String code, boolean success, String message) {
        var history = processEngine.getHistoryService();
        java.util.function.Function<String, Object> v = name -> history.createHistoricVariableInstanceQuery()
                .processInstanceId(pi.getId()).variableName(name).singleResult().getValue();
        assertThat(v.apply(ProcessVariables.OUTCOME)).isEqualTo(code);
        assertThat(v.apply(ProcessVariables.OUTCOME_SUCCESS)).isEqualTo(success);
        assertThat(v.apply(ProcessVariables.OUTCOME_MESSAGE)).isEqualTo(message);
    }

    private void runJobsUntilWaitOrEnd(ProcessInstance pi) {
        while (processEngine.getManagementService().createJobQuery().processInstanceId(pi.getId()).executable().count() > 0) {
            execute(job(pi));
        }
    }

    @Test
    void happyPathEndsGoldCertified() {
        processEngine.getIdentityService().setAuthenticatedUserId("alice");
        ProcessInstance pi;
        try {
            pi = start(Map.of());
        } finally {
            processEngine.getIdentityService().clearAuthentication();
        }
        assertThat(pi).variables().containsEntry(ProcessVariables.INITIATOR, "alice");
        runJobsUntilWaitOrEnd(pi);
        assertThat(pi).isWaitingAt("Task_ReviewConversion");
        assertThat(task(pi)).hasCandidateGroup(ProcessKeys.DBA_GROUP);
        // the form of the deployment the instance started with
        var formRef = processEngine.getTaskService().createTaskQuery().processInstanceId(pi.getId()).initializeFormKeys()
                .singleResult().getCamundaFormRef();
        assertThat(formRef.getKey()).isEqualTo("reviewConversion");
        assertThat(formRef.getBinding()).isEqualTo("deployment");
        complete(task(pi), Map.of(ProcessVariables.APPROVED, true, ProcessVariables.REVIEW_COMMENT, "looks right"));
        runJobsUntilWaitOrEnd(pi);
        assertThat(pi).hasPassedInOrder("Task_Preflight", "Task_ReadSchema", "Task_ReviewConversion", "Task_CreateTables",
                "Task_CopyData", "Task_BuildConstraints", "Task_VerifyRows", "Task_WriteCertificate", "EndEvent_GoldCertified",
                "EndEvent_RunEnded").isEnded();
        assertThat(calls).containsExactly(DELEGATES);
        assertOutcome(pi, "CERTIFIED", true, "GOLD: 7 rows in 1 tables verified identical");
    }

    @Test
    void withoutVerificationEndsCopiedWithoutComparingOrCertifying() {
        ProcessInstance pi = start(Map.of(ProcessVariables.VERIFY_ROWS, false));
        runJobsUntilWaitOrEnd(pi);
        complete(task(pi), Map.of(ProcessVariables.APPROVED, true));
        runJobsUntilWaitOrEnd(pi);
        assertThat(pi).hasPassedInOrder("Task_CopyData", "Task_BuildConstraints", "EndEvent_CopiedUnverified", "EndEvent_RunEnded")
                .hasNotPassed("Task_VerifyRows", "Task_WriteCertificate", "EndEvent_GoldCertified").isEnded();
        assertThat(calls).containsExactly("runPreflightDelegate", "readSchemaDelegate", "createTablesDelegate",
                "copyDataDelegate", "buildConstraintsDelegate");
        assertOutcome(pi, "COPIED_UNVERIFIED", true, "7 rows copied in 1 tables");
    }

    @Test
    void rejectedReviewEndsWithoutWritingAnything() {
        ProcessInstance pi = start(Map.of());
        runJobsUntilWaitOrEnd(pi);
        complete(task(pi), Map.of(ProcessVariables.APPROVED, false));
        runJobsUntilWaitOrEnd(pi);
        // a business outcome, routed by the gateway to an end of its own (no BPMN error)
        assertThat(pi).hasPassedInOrder("Task_ReviewConversion", "Gateway_Approved", "EndEvent_ConversionRejected", "EndEvent_RunEnded")
                .hasNotPassed("Task_CreateTables", "EndEvent_Failed").isEnded();
        assertThat(calls).containsExactly("runPreflightDelegate", "readSchemaDelegate");
        assertOutcome(pi, "REJECTED", false, "the schema conversion was not approved in the review; nothing was written");
    }

    @Test
    void aFailedStepEndsMigrationFailedWithTheReason() {
        ProcessInstance pi = start(Map.of("failAt", "copyDataDelegate"));
        runJobsUntilWaitOrEnd(pi);
        complete(task(pi), Map.of(ProcessVariables.APPROVED, true));
        runJobsUntilWaitOrEnd(pi);
        assertThat(pi).hasPassedInOrder("Boundary_Failed", "EndEvent_Failed").hasNotPassed("Task_VerifyRows", "EndEvent_RunEnded").isEnded();
        assertThat(processEngine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(pi.getId())
                .variableName(ProcessVariables.FAILURE_REASON).singleResult().getValue())
                .isEqualTo("simulated: cannot reach the source");
        assertOutcome(pi, "FAILED", false, "simulated: cannot reach the source");
    }

    @Test
    void differingRowsEndVerificationFailedWithoutCertificate() {
        ProcessInstance pi = start(Map.of("simulateMismatch", true));
        runJobsUntilWaitOrEnd(pi);
        complete(task(pi), Map.of(ProcessVariables.APPROVED, true));
        runJobsUntilWaitOrEnd(pi);
        assertThat(pi).hasPassedInOrder("Task_VerifyRows", "Gateway_RowsIdentical", "EndEvent_RowsDiffer", "EndEvent_RunEnded")
                .hasNotPassed("Task_WriteCertificate", "EndEvent_Failed").isEnded();
        assertOutcome(pi, "ROWS_DIFFER", false, "t: 1 missing [id=5]");
    }
}
