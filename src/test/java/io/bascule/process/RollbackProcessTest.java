package io.bascule.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.complete;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.task;

/**
 * Paths of the rollback model, its delegates mocked: rolled back, dry run, a hand-edited app config kept or restored
 * anyway, a check that fails, a later step that becomes an incident and resumes where it stopped, the defaults of a
 * start without variables, and a call from another process. Each path ends with the outcome variables its end event
 * sets (the contract the CLI reads).
 */
@Deployment(resources = {"bpmn/rollback.bpmn", "forms/rollbackStart.form", "forms/rollbackAppConfigDecision.form"})
class RollbackProcessTest {

    @RegisterExtension
    static ProcessEngineExtension engine = ProcessEngineExtension.builder()
            .configurationResource("camunda-unit.cfg.xml").build();

    ProcessEngine processEngine;

    /** The steps in the order the model runs them, by their delegate (the ids the model names). */
    static final String[] DELEGATES = {"checkRollbackDelegate", "stopTargetWritesDelegate", "drainChannelDelegate",
            "verifyTouchedRowsDelegate", "advanceAutoIncrementDelegate", "restoreAppConfigDelegate", "liftReadOnlyDelegate",
            "probeSourceWritesDelegate", "forensicBackupDelegate", "disarmChannelDelegate", "writeIncidentReportDelegate"};
    /** The same steps by their activity id. */
    static final String[] STEPS = {"Task_CheckWayBack", "Task_StopTargetWrites", "Task_DrainChannel", "Task_VerifyTouchedRows",
            "Task_AdvanceAutoIncrement", "Task_RestoreAppConfig", "Task_LiftReadOnly", "Task_ProbeSourceWrites",
            "Task_ForensicBackup", "Task_DisarmChannel", "Task_WriteIncidentReport"};

    /** Steps that finished, in order. */
    final List<String> calls = new ArrayList<>();
    /** The dryRun each finished step read. */
    final List<Object> dryRunSeen = new ArrayList<>();
    /** Attempts that failed with a technical fault. */
    final List<String> faults = new ArrayList<>();
    /** Steps that throw a technical fault until removed from here ("the cause is fixed"). */
    final Set<String> broken = new HashSet<>();

    @BeforeEach
    void registerDelegates() {
        // the real end listener: it only correlates a message to running surveillances
        Mocks.register("endSurveillanceListener", new io.bascule.rollback.delegate.EndSurveillanceListener(
                processEngine.getRuntimeService()));
        for (String name : DELEGATES) {
            Mocks.register(name, (JavaDelegate) execution -> {
                if (broken.contains(name)) {
                    faults.add(name);
                    throw new IllegalStateException("simulated: MySQL refused the connection");
                }
                if (name.equals(execution.getVariable("failAt"))) {
                    throw new BpmnError(ProcessVariables.ERROR_ROLLBACK_FAILED, "nothing to roll back");
                }
                boolean dryRun = Boolean.TRUE.equals(execution.getVariable(ProcessVariables.DRY_RUN));
                switch (name) {
                    case "checkRollbackDelegate" -> {
                        boolean edited = Boolean.TRUE.equals(execution.getVariable("simulateHandEdit"));
                        execution.setVariable(ProcessVariables.ROLLBACK_CHECKS, "MySQL reachable; reverse channel armed, 3 changes behind");
                        execution.setVariable(ProcessVariables.APP_CONFIG_CHANGED, edited);
                        execution.setVariable(ProcessVariables.APP_CONFIG_DIFF, edited ? "-DB_URL=jdbc:postgresql://pg/app\n+DB_URL=jdbc:postgresql://pg2/app" : "");
                        execution.setVariable(ProcessVariables.REVERSE_LAG_CHANGES, 3L);
                    }
                    case "disarmChannelDelegate" -> execution.setVariable(ProcessVariables.ROLLBACK_SUMMARY,
                            dryRun ? "dry run: every step can run; 3 changes would be carried back" : "3 changes carried back");
                    case "writeIncidentReportDelegate" -> {
                        execution.setVariable(ProcessVariables.INCIDENT_REPORT_FILE, "reports/incident-x.md");
                        execution.setVariable(ProcessVariables.ROLLBACK_SUMMARY,
                                "application on MySQL after 42 s; 3 changes carried back; report reports/incident-x.md");
                    }
                    default -> {
                    }
                }
                calls.add(name);
                dryRunSeen.add(execution.getVariable(ProcessVariables.DRY_RUN));
            });
        }
    }

    /** The surveillance stand-in's deployment, removed after its test. */
    String standIn;

    @AfterEach
    void reset() {
        Mocks.reset();
        if (standIn != null) {
            processEngine.getRepositoryService().deleteDeployment(standIn, true);
        }
    }

    private ProcessInstance start(Map<String, Object> vars) {
        return processEngine.getRuntimeService().startProcessInstanceByKey(ProcessKeys.ROLLBACK, vars);
    }

    private ProcessInstance startAs(String user, Map<String, Object> vars) {
        processEngine.getIdentityService().setAuthenticatedUserId(user);
        try {
            return start(vars);
        } finally {
            processEngine.getIdentityService().clearAuthentication();
        }
    }

    /** Runs the due jobs of every instance (the rollback's, also when another process called it) until none is left. */
    private void runJobs() {
        var management = processEngine.getManagementService();
        while (management.createJobQuery().executable().count() > 0) {
            execute(management.createJobQuery().executable().list().get(0));
        }
    }

    private Object variable(String instanceId, String name) {
        var v = processEngine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(instanceId)
                .variableName(name).singleResult();
        return v == null ? null : v.getValue();
    }

    private void assertOutcome(ProcessInstance pi, String code, boolean success, String message) {
        assertThat(variable(pi.getId(), ProcessVariables.OUTCOME)).isEqualTo(code);
        assertThat(variable(pi.getId(), ProcessVariables.OUTCOME_SUCCESS)).isEqualTo(success);
        assertThat(variable(pi.getId(), ProcessVariables.OUTCOME_MESSAGE)).isEqualTo(message);
    }

    @Test
    void happyPathPassesEveryStepInOrderAndEndsRolledBack() {
        ProcessInstance pi = startAs("alice", Map.of(ProcessVariables.REASON, "orders lost on PostgreSQL"));
        assertThat(pi).isWaitingAt("Task_CheckWayBack");   // async: the CLI's transaction ends at once, the job runs the step
        runJobs();
        List<String> passed = new ArrayList<>(Arrays.asList(STEPS));
        passed.add("EndEvent_RolledBack");
        passed.add("EndEvent_RunEnded");
        assertThat(pi).hasPassedInOrder(passed.toArray(String[]::new))
                .hasNotPassed("Task_DecideAppConfig", "EndEvent_DryRunPassed", "EndEvent_ConfigKept", "EndEvent_Failed").isEnded();
        assertThat(calls).containsExactly(DELEGATES);
        assertThat(dryRunSeen).containsOnly(false);
        assertOutcome(pi, "ROLLED_BACK", true, "application on MySQL after 42 s; 3 changes carried back; report reports/incident-x.md");
        assertThat(variable(pi.getId(), ProcessVariables.REASON)).isEqualTo("orders lost on PostgreSQL");
    }

    /** A stand-in of a running surveillance (key surveillance): waits for the message a finished rollback sends. */
    private String startSurveillanceStandIn() {
        var model = org.camunda.bpm.model.bpmn.Bpmn.createExecutableProcess(ProcessKeys.SURVEILLANCE).camundaHistoryTimeToLive(1)
                .startEvent().intermediateCatchEvent("Event_RolledBackElsewhere")
                .message(Playbooks.MESSAGE_ROLLED_BACK_ELSEWHERE).endEvent().done();
        standIn = processEngine.getRepositoryService().createDeployment().addModelInstance("surveillance.bpmn", model).deploy().getId();
        return processEngine.getRuntimeService().startProcessInstanceByKey(ProcessKeys.SURVEILLANCE).getId();
    }

    @Test
    void aRollbackThatRolledBackEndsTheSurveillanceStillWatchingPostgres() {
        String watching = startSurveillanceStandIn();
        ProcessInstance dry = start(Map.of(ProcessVariables.DRY_RUN, true));
        runJobs();
        assertThat(dry).isEnded();
        assertThat(processEngine.getRuntimeService().createProcessInstanceQuery().processInstanceId(watching).count())
                .as("a dry run changes nothing: the surveillance goes on").isEqualTo(1);

        ProcessInstance pi = startAs("alice", Map.of(ProcessVariables.REASON, "started from Tasklist"));
        runJobs();
        assertOutcome(pi, "ROLLED_BACK", true, "application on MySQL after 42 s; 3 changes carried back; report reports/incident-x.md");
        assertThat(processEngine.getRuntimeService().createProcessInstanceQuery().processInstanceId(watching).count())
                .as("the surveillance ended: the application is back on MySQL").isZero();
        assertThat(variable(watching, ProcessVariables.REASON)).isEqualTo("started from Tasklist");
        assertThat(variable(watching, "rollbackId")).isEqualTo(pi.getId());
    }

    @Test
    void aDryRunPassesEveryStepAndEndsWithoutTheIncidentReport() {
        ProcessInstance pi = start(Map.of(ProcessVariables.DRY_RUN, true));
        runJobs();
        assertThat(pi).hasPassedInOrder(Arrays.copyOf(STEPS, STEPS.length - 1))
                .hasPassedInOrder("Task_DisarmChannel", "Gateway_DryRun", "EndEvent_DryRunPassed", "EndEvent_RunEnded")
                .hasNotPassed("Task_WriteIncidentReport", "EndEvent_RolledBack").isEnded();
        assertThat(calls).containsExactly(Arrays.copyOf(DELEGATES, DELEGATES.length - 1));
        assertThat(dryRunSeen).as("every step is told it is a dry run").hasSize(DELEGATES.length - 1).containsOnly(true);
        assertOutcome(pi, "DRY_RUN_PASSED", true, "dry run: every step can run; 3 changes would be carried back");
    }

    @Test
    void aHandEditedAppConfigWaitsForTheDbaAndRestoreAnywayGoesOn() throws Exception {
        ProcessInstance pi = start(Map.of("simulateHandEdit", true, ProcessVariables.REASON, "E2E failed"));
        runJobs();
        assertThat(pi).isWaitingAt("Task_DecideAppConfig");
        assertThat(task(pi)).hasCandidateGroup(ProcessKeys.DBA_GROUP);
        assertThat(calls).containsExactly("checkRollbackDelegate");
        var formRef = processEngine.getTaskService().createTaskQuery().processInstanceId(pi.getId()).initializeFormKeys()
                .singleResult().getCamundaFormRef();
        assertThat(formRef.getKey()).isEqualTo("rollbackAppConfigDecision");
        assertThat(formRef.getBinding()).isEqualTo("deployment");
        // the form the task shows: the diff and the reason, read-only, filled from the variables
        try (InputStream in = processEngine.getFormService().getDeployedTaskForm(task(pi).getId())) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("\"key\": \"appConfigDiff\"");
        }
        Map<String, Object> shown = processEngine.getTaskService().getVariables(task(pi).getId());
        assertThat(shown).containsEntry(ProcessVariables.APP_CONFIG_DIFF, "-DB_URL=jdbc:postgresql://pg/app\n+DB_URL=jdbc:postgresql://pg2/app")
                .containsEntry(ProcessVariables.REASON, "E2E failed");

        complete(task(pi), Map.of(ProcessVariables.RESTORE_ANYWAY, true, "note", "the hand edit was a test; restore"));
        runJobs();
        assertThat(pi).hasPassedInOrder("Task_CheckWayBack", "Task_DecideAppConfig", "Gateway_RestoreAnyway", "Task_StopTargetWrites",
                "Task_RestoreAppConfig", "Task_WriteIncidentReport", "EndEvent_RolledBack").hasNotPassed("EndEvent_ConfigKept").isEnded();
        assertThat(calls).containsExactly(DELEGATES);
        assertOutcome(pi, "ROLLED_BACK", true, "application on MySQL after 42 s; 3 changes carried back; report reports/incident-x.md");
    }

    @Test
    void aHandEditedAppConfigKeptStopsTheRollbackBeforeAnyChange() {
        ProcessInstance pi = start(Map.of("simulateHandEdit", true));
        runJobs();
        complete(task(pi), Map.of(ProcessVariables.RESTORE_ANYWAY, false, "note", "the new host is right; fix forward"));
        runJobs();
        assertThat(pi).hasPassedInOrder("Task_CheckWayBack", "Task_DecideAppConfig", "Gateway_RestoreAnyway", "EndEvent_ConfigKept",
                "EndEvent_RunEnded").hasNotPassed("Task_StopTargetWrites", "EndEvent_Failed").isEnded();
        assertThat(calls).containsExactly("checkRollbackDelegate");
        assertOutcome(pi, "APP_CONFIG_KEPT", false,
                "the application config file was changed by hand and is left as edited; the rollback stopped before changing anything");
    }

    @Test
    void aDecisionWithoutTheCheckboxKeepsTheConfig() {
        // a form submitted without the field (REST, another client): no decision to restore is no restore
        ProcessInstance pi = start(Map.of("simulateHandEdit", true));
        runJobs();
        complete(task(pi), Map.of("note", "not sure"));
        runJobs();
        assertThat(pi).hasPassed("EndEvent_ConfigKept").hasNotPassed("Task_StopTargetWrites").isEnded();
    }

    @Test
    void aFailedCheckEndsFailedWithTheReason() {
        ProcessInstance pi = start(Map.of("failAt", "checkRollbackDelegate"));
        runJobs();
        assertThat(pi).hasPassedInOrder("Boundary_Failed", "EndEvent_Failed")
                .hasNotPassed("Task_StopTargetWrites", "EndEvent_RunEnded").isEnded();
        assertThat(calls).isEmpty();
        assertThat(variable(pi.getId(), ProcessVariables.FAILURE_REASON)).isEqualTo("nothing to roll back");
        assertOutcome(pi, "FAILED", false, "nothing to roll back");
    }

    @Test
    void aDryRunStepThatCannotRunEndsFailed() {
        // in a dry run nothing has been changed: any step may end the run through the one error boundary
        ProcessInstance pi = start(Map.of(ProcessVariables.DRY_RUN, true, "failAt", "probeSourceWritesDelegate"));
        runJobs();
        assertThat(pi).hasPassedInOrder("Task_LiftReadOnly", "Boundary_Failed", "EndEvent_Failed")
                .hasNotPassed("Task_ForensicBackup", "EndEvent_DryRunPassed").isEnded();
        assertOutcome(pi, "FAILED", false, "nothing to roll back");
    }

    @Test
    void aTechnicalFaultAfterTheFreezeBecomesAnIncidentAndResumesWhereItStopped() {
        broken.add("liftReadOnlyDelegate");
        ProcessInstance pi = start(Map.of());
        // the steps before it, then its first attempt, which fails
        assertThatThrownBy(this::runJobs).hasMessageContaining("MySQL refused the connection");
        var management = processEngine.getManagementService();
        Job failing = management.createJobQuery().processInstanceId(pi.getId()).singleResult();
        assertThat(failing.getRetries()).as("R2/PT1S: one more attempt, a second later").isEqualTo(1);
        assertThat(failing.getDuedate()).isNotNull();
        assertThatThrownBy(() -> management.executeJob(failing.getId())).hasMessageContaining("MySQL refused the connection");
        assertThat(faults).containsExactly("liftReadOnlyDelegate", "liftReadOnlyDelegate");

        // retries used up: an incident at that step, the run still active and without an outcome
        List<Incident> incidents = processEngine.getRuntimeService().createIncidentQuery().processInstanceId(pi.getId()).list();
        assertThat(incidents).hasSize(1);
        assertThat(incidents.get(0).getActivityId()).isEqualTo("Task_LiftReadOnly");
        assertThat(incidents.get(0).getIncidentMessage()).contains("MySQL refused the connection");
        assertThat(pi).isNotEnded().isWaitingAt("Task_LiftReadOnly");
        assertThat(variable(pi.getId(), ProcessVariables.OUTCOME)).isNull();
        assertThat(calls).containsExactly(Arrays.copyOf(DELEGATES, 6));

        // the cause fixed, the job retried (as Cockpit does): the run resumes at that step, the earlier ones do not run again
        broken.clear();
        management.setJobRetries(failing.getId(), 1);
        execute(management.createJobQuery().processInstanceId(pi.getId()).singleResult());
        runJobs();
        assertThat(processEngine.getRuntimeService().createIncidentQuery().processInstanceId(pi.getId()).count()).isZero();
        assertThat(pi).hasPassed("EndEvent_RolledBack").hasNotPassed("EndEvent_Failed").isEnded();
        assertThat(calls).containsExactly(DELEGATES);
        assertOutcome(pi, "ROLLED_BACK", true, "application on MySQL after 42 s; 3 changes carried back; report reports/incident-x.md");
    }

    @Test
    void startedWithoutVariablesItIsARealRollbackDecidedByItsInitiator() {
        ProcessInstance pi = startAs("alice", Map.of());
        assertThat(pi).variables().containsEntry(ProcessVariables.DRY_RUN, false)
                .containsEntry(ProcessVariables.REASON, "no reason given")
                .containsEntry(ProcessVariables.INITIATOR, "alice")
                .containsEntry(ProcessVariables.DECIDED_BY, "alice");
    }

    @Test
    void givenValuesAreKept() {
        ProcessInstance pi = startAs("alice", Map.of(ProcessVariables.DRY_RUN, true, ProcessVariables.REASON, "E2E failed",
                ProcessVariables.DECIDED_BY, "bob"));
        assertThat(pi).variables().containsEntry(ProcessVariables.DRY_RUN, true)
                .containsEntry(ProcessVariables.REASON, "E2E failed")
                .containsEntry(ProcessVariables.DECIDED_BY, "bob");
    }

    @Test
    void theStartFormOfTasklistStartsItAndAnEmptyReasonGetsTheDefault() throws Exception {
        String definitionId = processEngine.getRepositoryService().createProcessDefinitionQuery()
                .processDefinitionKey(ProcessKeys.ROLLBACK).singleResult().getId();
        try (InputStream in = processEngine.getFormService().getDeployedStartForm(definitionId)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("\"id\": \"rollbackStart\"");
        }
        // what Tasklist submits for the form left as it is: an empty text field and an unticked box
        processEngine.getIdentityService().setAuthenticatedUserId("dora");
        ProcessInstance pi;
        try {
            pi = processEngine.getFormService().submitStartForm(definitionId,
                    Map.of(ProcessVariables.REASON, "", ProcessVariables.DRY_RUN, false));
        } finally {
            processEngine.getIdentityService().clearAuthentication();
        }
        assertThat(pi).isWaitingAt("Task_CheckWayBack").variables().containsEntry(ProcessVariables.DRY_RUN, false)
                .containsEntry(ProcessVariables.REASON, "no reason given")
                .containsEntry(ProcessVariables.DECIDED_BY, "dora");
    }

    /**
     * The forms are ones the command line can answer (README, "Runbook models and the command line"): the decision is
     * a checkbox and a note, never a word to type (which --yes would not answer); what the DBA must read is read-only.
     */
    @Test
    void theDecisionFormHoldsOnlyInputsTheCommandLineAnswers() throws Exception {
        JsonNode form = new ObjectMapper().readTree(Files.readString(Path.of("forms", "rollbackAppConfigDecision.form")));
        Map<String, String> inputs = new HashMap<>();
        Map<String, String> readOnly = new HashMap<>();
        for (JsonNode c : form.path("components")) {
            if (c.hasNonNull("key")) {
                (c.path("readonly").asBoolean(false) ? readOnly : inputs).put(c.get("key").asText(), c.get("type").asText());
            }
        }
        assertThat(inputs).containsExactlyInAnyOrderEntriesOf(Map.of(ProcessVariables.RESTORE_ANYWAY, "checkbox", "note", "textarea"));
        assertThat(readOnly).containsEntry(ProcessVariables.APP_CONFIG_DIFF, "textarea").containsEntry(ProcessVariables.REASON, "textfield");
        JsonNode start = new ObjectMapper().readTree(Files.readString(Path.of("forms", "rollbackStart.form")));
        assertThat(start.path("components").findValuesAsText("key")).containsExactly(ProcessVariables.REASON, ProcessVariables.DRY_RUN);
    }

    @Test
    @Deployment(resources = {"bpmn/rollback.bpmn", "forms/rollbackStart.form", "forms/rollbackAppConfigDecision.form",
            "bpmn-test/callsRollback.bpmn"})
    void anotherProcessCallsItPassingReasonDryRunAndDecidedByAndGoesOnAfterIt() {
        ProcessInstance caller = startCaller(Map.of(ProcessVariables.REASON, "cutover: E2E checks failed",
                ProcessVariables.DRY_RUN, true, ProcessVariables.DECIDED_BY, "carol"));
        assertThat(caller).isWaitingAt("CallActivity_Rollback");
        ProcessInstance called = calledBy(caller);
        assertThat(called).variables().containsEntry(ProcessVariables.REASON, "cutover: E2E checks failed")
                .containsEntry(ProcessVariables.DRY_RUN, true).containsEntry(ProcessVariables.DECIDED_BY, "carol");
        runJobs();
        assertThat(called).hasPassed("EndEvent_DryRunPassed").hasNotPassed("Task_WriteIncidentReport").isEnded();
        assertThat(caller).hasPassed("CallActivity_Rollback").isWaitingAt("Task_AfterRollback")
                .variables().containsEntry("rollbackOutcome", "DRY_RUN_PASSED").containsEntry("rollbackSucceeded", true);
    }

    @Test
    @Deployment(resources = {"bpmn/rollback.bpmn", "forms/rollbackStart.form", "forms/rollbackAppConfigDecision.form",
            "bpmn-test/callsRollback.bpmn"})
    void calledWithoutValuesItTakesTheDefaults() {
        // the caller's mappings of variables it does not have pass null: the defaults apply as for an empty start
        ProcessInstance caller = startCaller(Map.of());
        ProcessInstance called = calledBy(caller);
        assertThat(called).variables().containsEntry(ProcessVariables.REASON, "no reason given")
                .containsEntry(ProcessVariables.DRY_RUN, false).containsEntry(ProcessVariables.DECIDED_BY, "erin");
        runJobs();
        assertThat(called).hasPassed("EndEvent_RolledBack").isEnded();
        assertThat(caller).isWaitingAt("Task_AfterRollback").variables().containsEntry("rollbackOutcome", "ROLLED_BACK");
    }

    private ProcessInstance startCaller(Map<String, Object> vars) {
        processEngine.getIdentityService().setAuthenticatedUserId("erin");
        try {
            return processEngine.getRuntimeService().startProcessInstanceByKey("callsRollback", vars);
        } finally {
            processEngine.getIdentityService().clearAuthentication();
        }
    }

    private ProcessInstance calledBy(ProcessInstance caller) {
        ProcessInstance called = processEngine.getRuntimeService().createProcessInstanceQuery()
                .superProcessInstanceId(caller.getId()).singleResult();
        assertThat(called).isNotNull();
        assertThat(called.getProcessDefinitionId()).startsWith(ProcessKeys.ROLLBACK + ":");
        return called;
    }
}
