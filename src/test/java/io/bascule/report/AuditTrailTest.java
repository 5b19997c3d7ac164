package io.bascule.report;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit of runs on an in-memory engine: failed attempts and incidents of a step (resolved by a retry, or still
 * open before the step could begin), who claimed and completed a task with what values and comment, the outcome
 * from the model's variables or from the end event, a running instance, and no secret in what is shown.
 */
class AuditTrailTest {

    @RegisterExtension
    static ProcessEngineExtension engine = ProcessEngineExtension.builder().configurationResource("camunda-unit.cfg.xml").build();

    ProcessEngine processEngine;
    AuditTrail trail;
    String deploymentId;

    /** A step that needs a variable (its job fails without it), then a task for a DBA. */
    static BpmnModelInstance model() {
        return Bpmn.createExecutableProcess("auditSample").name("Audit sample").camundaHistoryTimeToLive(1)
                .startEvent("Start").name("Sample requested")
                .serviceTask("Step_Check").name("Check the value").camundaAsyncBefore()
                .camundaExpression("${execution.getVariable('mustExist').length()}")
                .userTask("Task_Decide").name("Decide").camundaCandidateGroups("dba")
                .endEvent("End_Done").name("Sample done")
                .done();
    }

    @BeforeEach
    void deploy() {
        deploymentId = processEngine.getRepositoryService().createDeployment().addModelInstance("auditSample.bpmn", model())
                .deploy().getId();
        trail = new AuditTrail(processEngine.getHistoryService(), processEngine.getRepositoryService(), processEngine.getTaskService());
    }

    @AfterEach
    void undeploy() {
        processEngine.getRepositoryService().deleteDeployment(deploymentId, true);
    }

    private void failUntilIncident(String instanceId) {
        Job job = processEngine.getManagementService().createJobQuery().processInstanceId(instanceId).singleResult();
        for (int i = 0; i < 3; i++) {
            try {
                processEngine.getManagementService().executeJob(job.getId());
            } catch (RuntimeException expected) {
                // the step's expression fails without the variable
            }
        }
    }

    @Test
    void aRetriedStepAHumanDecisionAndTheModelsOutcome() {
        Map<String, Object> vars = new HashMap<>();
        vars.put("sourceUrl", "jdbc:mysql://app:hunter2@db.example:3306/shop?password=hunter3&useSSL=true");
        vars.put("dbPassword", "hunter4");
        vars.put("apiToken", "tok-123");
        vars.put("planText", "x".repeat(3500));
        processEngine.getIdentityService().setAuthenticatedUserId("cli");
        ProcessInstance pi = processEngine.getRuntimeService().startProcessInstanceByKey("auditSample", vars);
        processEngine.getIdentityService().clearAuthentication();
        failUntilIncident(pi.getId());
        processEngine.getRuntimeService().setVariable(pi.getId(), "mustExist", "now it does");
        Job job = processEngine.getManagementService().createJobQuery().processInstanceId(pi.getId()).singleResult();
        processEngine.getManagementService().setJobRetries(job.getId(), 1);
        processEngine.getManagementService().executeJob(job.getId());

        Task task = processEngine.getTaskService().createTaskQuery().processInstanceId(pi.getId()).singleResult();
        processEngine.getIdentityService().setAuthenticatedUserId("dora");
        try {
            processEngine.getTaskService().claim(task.getId(), "dora");
            processEngine.getTaskService().createComment(task.getId(), pi.getId(), "looked fine to me");
            processEngine.getTaskService().complete(task.getId(), Map.of("approved", true, "adminPassword", "hunter5",
                    "outcome", "Approved", "outcomeSuccess", true, "outcomeMessage", "dora approved"));
        } finally {
            processEngine.getIdentityService().clearAuthentication();
        }

        AuditReport r = trail.of(pi.getId()).orElseThrow();
        assertThat(r.processKey()).isEqualTo("auditSample");
        assertThat(r.processName()).isEqualTo("Audit sample");
        assertThat(r.state()).isEqualTo("COMPLETED");
        assertThat(r.startedBy()).isEqualTo("cli");
        assertThat(r.outcome()).isEqualTo(new AuditReport.Outcome("Sample done", "Approved", true, "dora approved", "variables"));
        assertThat(r.steps()).extracting(AuditReport.Step::name)
                .containsExactly("Sample requested", "Check the value", "Decide", "Sample done");
        AuditReport.Step check = r.steps().get(1);
        assertThat(check.outcome()).isEqualTo("completed");
        assertThat(check.failedAttempts()).isEqualTo(3);
        assertThat(check.failures()).allSatisfy(f -> assertThat(f.message()).isNotBlank());
        assertThat(check.incidents()).singleElement().satisfies(i -> {
            assertThat(i.state()).isEqualTo("resolved");
            assertThat(i.ended()).isNotNull();
        });
        assertThat(r.steps().get(0).user()).as("who started the run").isEqualTo("cli");
        assertThat(r.steps().get(1).user()).isNull();
        assertThat(r.steps().get(2).user()).isEqualTo("dora");
        assertThat(r.steps().get(2).type()).isEqualTo("userTask");

        AuditReport.HumanTask decide = r.tasks().get(0);
        assertThat(decide.claimedBy()).isEqualTo("dora");
        assertThat(decide.completedBy()).isEqualTo("dora");
        assertThat(decide.claimedAt()).isNotNull();
        assertThat(decide.completedAt()).isNotNull();
        assertThat(decide.candidateGroups()).containsExactly("dba");
        assertThat(decide.values()).containsEntry("approved", true).containsEntry("adminPassword", AuditTrail.HIDDEN);
        assertThat(decide.comments()).singleElement().satisfies(c -> {
            assertThat(c.user()).isEqualTo("dora");
            assertThat(c.text()).isEqualTo("looked fine to me");
        });

        assertThat(r.variables()).containsEntry("dbPassword", AuditTrail.HIDDEN).containsEntry("apiToken", AuditTrail.HIDDEN)
                .containsEntry("sourceUrl", "jdbc:mysql://***@db.example:3306/shop?password=***&useSSL=true");
        assertThat((String) r.variables().get("planText")).hasSizeLessThan(2100).endsWith("(3500 characters, cut)");
        assertThat(r.path().activities()).containsExactly("Start", "Step_Check", "Task_Decide", "End_Done");
        assertThat(r.path().flows()).hasSize(3);

        String everything = AuditDocuments.json(r) + AuditDocuments.markdown(r) + AuditDocuments.html(r);
        assertThat(everything).doesNotContain("hunter").doesNotContain("tok-123");
    }

    @Test
    void aStepInAnOpenIncidentAndARunningInstance() {
        ProcessInstance failing = processEngine.getRuntimeService().startProcessInstanceByKey("auditSample");
        failUntilIncident(failing.getId());
        AuditReport r = trail.of(failing.getId()).orElseThrow();
        assertThat(r.state()).isEqualTo("ACTIVE");
        assertThat(r.outcome()).isNull();
        assertThat(r.end()).isNull();
        // the step never began (its job failed before): its incident stands for it, named from the model
        AuditReport.Step check = r.steps().get(r.steps().size() - 1);
        assertThat(check.name()).isEqualTo("Check the value");
        assertThat(check.type()).isEqualTo("serviceTask");
        assertThat(check.outcome()).isEqualTo("failed");
        assertThat(check.failedAttempts()).isEqualTo(3);
        assertThat(check.failures()).extracting(AuditReport.JobFailure::retriesLeft).containsExactly(2, 1, 0);
        assertThat(r.incidents()).singleElement().satisfies(i -> assertThat(i.state()).isEqualTo("open"));

        ProcessInstance waiting = processEngine.getRuntimeService().startProcessInstanceByKey("auditSample",
                Map.of("mustExist", "yes"));
        processEngine.getManagementService().executeJob(processEngine.getManagementService().createJobQuery()
                .processInstanceId(waiting.getId()).singleResult().getId());
        AuditReport w = trail.of(waiting.getId()).orElseThrow();
        assertThat(w.steps().get(w.steps().size() - 1).outcome()).isEqualTo("active");
        assertThat(w.tasks().get(0).completedBy()).isNull();

        processEngine.getRuntimeService().deleteProcessInstance(waiting.getId(), "cancelled from the CLI (--cancel-stale)");
        AuditReport cancelled = trail.of(waiting.getId()).orElseThrow();
        assertThat(cancelled.state()).as("the engine's word for a deleted instance").endsWith("_TERMINATED");
        assertThat(cancelled.outcome().source()).isEqualTo("termination");
        assertThat(cancelled.outcome().message()).isEqualTo("cancelled from the CLI (--cancel-stale)");
        assertThat(cancelled.steps().get(cancelled.steps().size() - 1).outcome()).isEqualTo("canceled");
        assertThat(cancelled.tasks().get(0).deleteReason()).isNotNull();

        assertThat(trail.runs(10)).extracting(AuditReport.RunSummary::instanceId).startsWith(waiting.getId(), failing.getId());
        assertThat(trail.latest("auditSample")).contains(waiting.getId());
        assertThat(trail.of("no-such-id")).isEmpty();
    }

    /** Throws the business failure a model routes with an error boundary event. */
    public static class FailingStep implements JavaDelegate {
        @Override
        public void execute(DelegateExecution execution) {
            throw new BpmnError("SAMPLE_FAILED", "the sample broke");
        }
    }

    @Test
    void aBpmnErrorCaughtByABoundaryEventMarksTheStepsItEnded() {
        BpmnModelInstance failing = Bpmn.createExecutableProcess("auditError").camundaHistoryTimeToLive(1)
                .startEvent("Start").name("Requested")
                .subProcess("Sub").name("Do the work").embeddedSubProcess().startEvent("SubStart")
                .serviceTask("Step_Fail").name("Fail for a business reason").camundaClass(FailingStep.class.getName())
                .endEvent("SubEnd").subProcessDone()
                .endEvent("End_Ok").name("Done")
                .moveToActivity("Sub").boundaryEvent("Boundary_Failed").name("Work failed").error("SAMPLE_FAILED")
                .endEvent("End_Failed").name("Work failed")
                .done();
        String deployment = processEngine.getRepositoryService().createDeployment().addModelInstance("auditError.bpmn", failing)
                .deploy().getId();
        try {
            ProcessInstance pi = processEngine.getRuntimeService().startProcessInstanceByKey("auditError");
            AuditReport r = trail.of(pi.getId()).orElseThrow();
            Map<String, String> outcomes = new HashMap<>();
            r.steps().forEach(st -> outcomes.put(st.activityId(), st.outcome()));
            assertThat(outcomes).containsEntry("Step_Fail", "error").containsEntry("Sub", "error")
                    .containsEntry("Boundary_Failed", "completed").containsEntry("End_Failed", "completed")
                    .containsEntry("SubStart", "completed");
            assertThat(r.outcome().name()).isEqualTo("Work failed");
            assertThat(r.path().flows()).as("into the sub-process, to the failing step, from the boundary event").hasSize(3);
            assertThat(r.path().activities()).doesNotContain("End_Ok", "SubEnd");
        } finally {
            processEngine.getRepositoryService().deleteDeployment(deployment, true);
        }
    }

    @Test
    void withoutOutcomeVariablesTheEndEventNamesTheOutcome() {
        ProcessInstance pi = processEngine.getRuntimeService().startProcessInstanceByKey("auditSample", Map.of("mustExist", "yes"));
        processEngine.getManagementService().executeJob(processEngine.getManagementService().createJobQuery()
                .processInstanceId(pi.getId()).singleResult().getId());
        Task task = processEngine.getTaskService().createTaskQuery().processInstanceId(pi.getId()).singleResult();
        processEngine.getTaskService().complete(task.getId());
        AuditReport r = trail.of(pi.getId()).orElseThrow();
        assertThat(r.outcome()).isEqualTo(new AuditReport.Outcome("Sample done", null, null, null, "end event"));
        assertThat(r.durationMs()).isNotNull();
        assertThat(List.of(AuditDocuments.summary(r))).singleElement().asString().contains("COMPLETED, Sample done");
    }
}
