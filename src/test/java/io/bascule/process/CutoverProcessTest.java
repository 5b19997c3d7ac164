package io.bascule.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.task;

/**
 * Paths of the cutover model, its delegates and the called rollback's delegates mocked (the GO listener is the real
 * one): the happy path through every phase, the dry run, each NO-GO (war room, rollback rehearsal, a failing step
 * before the GO), the GO refused and given (with four-eyes), the GO not given in time, a failure in phases 5 to 7
 * and a freeze exceeding its bound rolled back (and a rollback that stops), an abort before and after the switch.
 * Timers run on the engine's clock. Each path ends with the outcome variables its end event sets (the CLI's contract).
 */
@Deployment(resources = {"bpmn/cutover.bpmn", "bpmn/rollback.bpmn", "forms/cutoverStart.form", "forms/cutoverWarRoom.form",
        "forms/cutoverGo.form", "forms/rollbackStart.form", "forms/rollbackAppConfigDecision.form"})
class CutoverProcessTest {

    @RegisterExtension
    static ProcessEngineExtension engine = ProcessEngineExtension.builder()
            .configurationResource("camunda-unit.cfg.xml").build();

    ProcessEngine processEngine;

    /** The steps before the GO that change nothing, by their delegate, in the model's order. */
    static final String[] PREPARE = {"checkCutoverPrerequisitesDelegate", "sendCutoverStartMailDelegate",
            "rehearseCutoverDelegate", "preparePhaseDelegate", "captureBaselineDelegate"};
    /** The phases of the write freeze (2 to 9), by their delegate, in order. */
    static final String[] FREEZE = {"freezeSourceDelegate", "copyFinalDeltaDelegate", "takeFinalBackupsDelegate",
            "switchApplicationDelegate", "checkAppConnectionDelegate", "runEndToEndChecksDelegate", "enableMonitoringDelegate",
            "keepSourceReadOnlyDelegate"};
    static final String[] PHASE_TASKS = {"Task_FreezeSource", "Task_CopyFinalDelta", "Task_TakeFinalBackups",
            "Task_SwitchApplication", "Task_CheckAppConnection", "Task_RunEndToEndChecks", "Task_CheckMonitoring",
            "Task_KeepSourceReadOnly"};
    static final String REPORT = "writeCutoverReportDelegate";
    static final String FOLLOW_UP = "startFollowUpRunsDelegate";
    static final String UNFREEZE = "unfreezeSourceDelegate";
    static final String SUMMARY = "cutover successful: write freeze 4.2 s, 12 rows carried in the final delta";
    static final String DRY_SUMMARY = "dry run: every phase can run, nothing changed";

    /** The cutover's steps that finished, in order. */
    final List<String> calls = new ArrayList<>();
    /** The called rollbacks' steps that finished, each with the dryRun it read ("name dry" / "name real"). */
    final List<String> rollbackCalls = new ArrayList<>();
    /** The outcomes the process-level end listener (the report of every run) saw, one per ended run. */
    final List<String> endReports = new ArrayList<>();
    /** A cutover step that throws CUTOVER_FAILED. */
    String failAt;
    /** Cutover steps that fail with a technical fault. */
    final Set<String> broken = new HashSet<>();
    /** Rollback steps that throw ROLLBACK_FAILED, as "dry:name" or "real:name". */
    final Set<String> rollbackFailsAt = new HashSet<>();

    @BeforeEach
    void registerDelegates() {
        List<String> cutover = new ArrayList<>(Arrays.asList(PREPARE));
        cutover.addAll(Arrays.asList(FREEZE));
        cutover.add(REPORT);
        cutover.add(FOLLOW_UP);
        cutover.add(UNFREEZE);
        for (String name : cutover) {
            Mocks.register(name, (JavaDelegate) execution -> {
                if (broken.contains(name)) {
                    throw new IllegalStateException("simulated: connection to MySQL lost");
                }
                if (name.equals(failAt)) {
                    throw new BpmnError(ProcessVariables.ERROR_CUTOVER_FAILED, "simulated: " + name + " failed");
                }
                switch (name) {
                    case "checkCutoverPrerequisitesDelegate" -> execution.setVariable(ProcessVariables.PREREQUISITES_REPORT,
                            "GOLD certificate valid\nMySQL 8.4 and PostgreSQL 17 reachable");
                    case "rehearseCutoverDelegate" -> execution.setVariable(ProcessVariables.CUTOVER_SUMMARY, DRY_SUMMARY);
                    case "switchApplicationDelegate" -> execution.setVariable(ProcessVariables.APPLICATION_SWITCHED, true);
                    case REPORT -> execution.setVariable(ProcessVariables.CUTOVER_SUMMARY, SUMMARY);
                    default -> {
                    }
                }
                calls.add(name);
            });
        }
        for (String name : RollbackProcessTest.DELEGATES) {
            Mocks.register(name, (JavaDelegate) execution -> {
                boolean dryRun = Boolean.TRUE.equals(execution.getVariable(ProcessVariables.DRY_RUN));
                if (rollbackFailsAt.contains((dryRun ? "dry:" : "real:") + name)) {
                    throw new BpmnError(ProcessVariables.ERROR_ROLLBACK_FAILED, "simulated: the reverse channel is not armed");
                }
                switch (name) {
                    case "checkRollbackDelegate" -> execution.setVariable(ProcessVariables.APP_CONFIG_CHANGED, false);
                    case "disarmChannelDelegate" -> execution.setVariable(ProcessVariables.ROLLBACK_SUMMARY,
                            dryRun ? "dry run: every step can run" : "3 changes carried back");
                    case "writeIncidentReportDelegate" -> execution.setVariable(ProcessVariables.ROLLBACK_SUMMARY,
                            "application on MySQL after 2 s; 3 changes carried back");
                    default -> {
                    }
                }
                rollbackCalls.add(name + (dryRun ? " dry" : " real"));
            });
        }
        Mocks.register("goWordListener", new GoWordListener());
        Mocks.register("endSurveillanceListener", new io.bascule.rollback.delegate.EndSurveillanceListener(
                processEngine.getRuntimeService()));
        Mocks.register("writeCutoverEndReportListener", (org.camunda.bpm.engine.delegate.ExecutionListener) execution ->
                endReports.add(String.valueOf(execution.getVariable(ProcessVariables.OUTCOME))));
        Mocks.register("cutoverSettings", io.bascule.testing.CutoverSettingsStub.defaults());
    }

    @AfterEach
    void reset() {
        Mocks.reset();
        ClockUtil.reset();
        processEngine.getIdentityService().clearAuthentication();
    }

    // ------------------------------------------------------------------ helpers

    private ProcessInstance startAs(String user, Map<String, Object> vars) {
        processEngine.getIdentityService().setAuthenticatedUserId(user);
        try {
            return processEngine.getRuntimeService().startProcessInstanceByKey(ProcessKeys.CUTOVER, vars);
        } finally {
            processEngine.getIdentityService().clearAuthentication();
        }
    }

    private ProcessInstance start(Map<String, Object> vars) {
        return startAs("alice", vars);
    }

    /** Runs the due jobs of every instance (the cutover's and the rollbacks it calls) until none is left. */
    private void runJobs() {
        runJobsUntil(() -> false);
    }

    /** Runs due jobs one by one until {@code stop} holds or none is left. */
    private void runJobsUntil(BooleanSupplier stop) {
        var management = processEngine.getManagementService();
        while (!stop.getAsBoolean() && management.createJobQuery().executable().count() > 0) {
            execute(management.createJobQuery().executable().orderByJobDuedate().asc().list().get(0));
        }
    }

    private Task openTask(ProcessInstance pi) {
        return processEngine.getTaskService().createTaskQuery().processInstanceId(pi.getId()).singleResult();
    }

    private void completeAs(String user, Task task, Map<String, Object> vars) {
        processEngine.getIdentityService().setAuthenticatedUserId(user);
        try {
            processEngine.getTaskService().complete(task.getId(), vars);
        } finally {
            processEngine.getIdentityService().clearAuthentication();
        }
    }

    private static Map<String, Object> fullWarRoom() {
        return Map.of(ProcessVariables.WAR_ROOM_DBA_PRESENT, true, ProcessVariables.WAR_ROOM_DEVOPS_PRESENT, true,
                ProcessVariables.WAR_ROOM_APP_OWNER_PRESENT, true, ProcessVariables.WAR_ROOM_STAKEHOLDERS_INFORMED, true,
                "note", "all here on the bridge");
    }

    /** Starts a real cutover as alice and brings it to the GO task (war room complete, both rehearsals passed). */
    private ProcessInstance atTheGo(Map<String, Object> vars) {
        ProcessInstance pi = start(vars);
        runJobs();
        assertThat(pi).isWaitingAt("Task_ConfirmWarRoom");
        completeAs("alice", openTask(pi), fullWarRoom());
        runJobs();
        assertThat(pi).isWaitingAt("Task_GiveGo");
        return pi;
    }

    private void giveGo(ProcessInstance pi, String user) {
        completeAs(user, openTask(pi), Map.of(ProcessVariables.GO_WORD, "GO", "note", "go from the war room"));
    }

    private Object variable(String instanceId, String name) {
        var v = processEngine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(instanceId)
                .variableName(name).singleResult();
        return v == null ? null : v.getValue();
    }

    private void assertOutcome(ProcessInstance pi, String code, boolean success, String message) {
        assertThat(pi).isEnded();
        assertThat(variable(pi.getId(), ProcessVariables.OUTCOME)).isEqualTo(code);
        assertThat(variable(pi.getId(), ProcessVariables.OUTCOME_SUCCESS)).isEqualTo(success);
        assertThat(variable(pi.getId(), ProcessVariables.OUTCOME_MESSAGE)).isEqualTo(message);
        assertThat(endReports).as("the process's end listener (the report of every run) ran once, after the outcome was set")
                .containsExactly(code);
    }

    /** The rollback instances the cutover called, oldest first. */
    private List<String> calledRollbacks(ProcessInstance pi) {
        return processEngine.getHistoryService().createHistoricProcessInstanceQuery().superProcessInstanceId(pi.getId())
                .orderByProcessInstanceStartTime().asc().list().stream().peek(h -> assertThat(h.getProcessDefinitionKey())
                        .isEqualTo(ProcessKeys.ROLLBACK)).map(h -> h.getId()).toList();
    }

    private static String[] rollbackSteps(boolean dryRun) {
        return Arrays.stream(RollbackProcessTest.DELEGATES)
                .filter(d -> !dryRun || !d.equals("writeIncidentReportDelegate"))
                .map(d -> d + (dryRun ? " dry" : " real")).toArray(String[]::new);
    }

    private static String[] concat(String[]... parts) {
        return Arrays.stream(parts).flatMap(Arrays::stream).toArray(String[]::new);
    }

    // ------------------------------------------------------------------ happy path, dry run, defaults

    @Test
    void happyPathPassesEveryPhaseInOrderAndEndsCutoverSuccessful() {
        ProcessInstance pi = start(Map.of());
        assertThat(pi).isWaitingAt("Task_CheckPrerequisites");   // async: a save point before the first step
        runJobs();
        assertThat(pi).isWaitingAt("Task_ConfirmWarRoom");
        assertThat(task(pi)).hasCandidateGroup(ProcessKeys.DBA_GROUP);
        assertThat(processEngine.getTaskService().getVariables(openTask(pi).getId()))
                .containsEntry(ProcessVariables.PREREQUISITES_REPORT, "GOLD certificate valid\nMySQL 8.4 and PostgreSQL 17 reachable");
        completeAs("alice", openTask(pi), fullWarRoom());
        runJobs();
        assertThat(pi).isWaitingAt("Task_GiveGo");
        assertThat(task(pi)).hasCandidateGroup(ProcessKeys.DBA_GROUP);
        assertThat(calls).as("nothing of the freeze before the GO").containsExactly(PREPARE);
        assertThat(rollbackCalls).as("the rollback rehearsed as a dry run").containsExactly(rollbackSteps(true));

        giveGo(pi, "bob");
        runJobs();
        assertThat(pi).hasPassedInOrder("StartEvent_Requested", "Task_CheckPrerequisites", "Task_ConfirmWarRoom",
                        "Gateway_WarRoomComplete", "Task_SendStartMail", "CallActivity_RehearseRollback",
                        "Gateway_RollbackRehearsalPassed", "Task_RehearseCutover", "Gateway_DryRunOnly", "Task_CheckConnectivity",
                        "Task_CaptureBaseline", "EndEvent_Prepared", "Task_GiveGo")
                .hasPassedInOrder(concat(new String[]{"Task_GiveGo"}, PHASE_TASKS,
                        new String[]{"EndEvent_Switched", "Task_WriteReport", "Task_StartFollowUp", "EndEvent_CutoverSuccessful"}))
                .hasNotPassed("EndEvent_NoGo", "EndEvent_NoGoWarRoom", "EndEvent_NoGoRollbackRehearsal", "EndEvent_DryRunPassed",
                        "EndEvent_Abandoned", "CallActivity_RollBack", "SubProcess_Abort");
        assertThat(calls).containsExactly(concat(PREPARE, FREEZE, new String[]{REPORT, FOLLOW_UP}));
        assertThat(calledRollbacks(pi)).as("only the rehearsal").hasSize(1);
        assertOutcome(pi, "CUTOVER_SUCCESSFUL", true, SUMMARY);
        assertThat(variable(pi.getId(), ProcessVariables.GO_BY)).isEqualTo("bob");
        assertThat(Instant.parse((String) variable(pi.getId(), ProcessVariables.GO_AT))).isBeforeOrEqualTo(Instant.now());
        assertThat(variable(pi.getId(), ProcessVariables.ROLLBACK_DRY_RUN_OUTCOME)).isEqualTo("DRY_RUN_PASSED");
    }

    @Test
    void theRollbackRehearsalIsADryRunDecidedByTheInitiator() {
        ProcessInstance pi = start(Map.of());
        runJobs();
        completeAs("alice", openTask(pi), fullWarRoom());
        runJobsUntil(() -> !calledRollbacks(pi).isEmpty());
        String rehearsal = calledRollbacks(pi).get(0);
        assertThat(variable(rehearsal, ProcessVariables.DRY_RUN)).isEqualTo(true);
        assertThat(variable(rehearsal, ProcessVariables.REASON)).isEqualTo("cutover prerequisite: rollback dry run");
        assertThat(variable(rehearsal, ProcessVariables.DECIDED_BY)).isEqualTo("alice");
    }

    @Test
    void aDryRunEndsAfterTheRehearsalsAndTouchesNoPhase() {
        ProcessInstance pi = start(Map.of(ProcessVariables.DRY_RUN, true));
        runJobs();
        completeAs("alice", openTask(pi), fullWarRoom());
        runJobs();
        assertThat(pi).hasPassedInOrder("Task_RehearseCutover", "Gateway_DryRunOnly", "EndEvent_DryRunDone",
                        "Boundary_DryRunDone", "EndEvent_DryRunPassed")
                .hasNotPassed("Task_CheckConnectivity", "Task_CaptureBaseline", "Task_GiveGo", "SubProcess_FreezeAndSwitch",
                        "Task_WriteReport", "EndEvent_NoGo");
        assertThat(calls).containsExactly("checkCutoverPrerequisitesDelegate", "sendCutoverStartMailDelegate", "rehearseCutoverDelegate");
        assertThat(rollbackCalls).containsExactly(rollbackSteps(true));
        assertOutcome(pi, "DRY_RUN_PASSED", true, DRY_SUMMARY);
    }

    @Test
    void theStartFormOfTasklistStartsADryRun() throws Exception {
        String definitionId = processEngine.getRepositoryService().createProcessDefinitionQuery()
                .processDefinitionKey(ProcessKeys.CUTOVER).singleResult().getId();
        try (InputStream in = processEngine.getFormService().getDeployedStartForm(definitionId)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("\"id\": \"cutoverStart\"");
        }
        processEngine.getIdentityService().setAuthenticatedUserId("dora");
        ProcessInstance pi = processEngine.getFormService().submitStartForm(definitionId, Map.of(ProcessVariables.DRY_RUN, true));
        processEngine.getIdentityService().clearAuthentication();
        assertThat(pi).variables().containsEntry(ProcessVariables.DRY_RUN, true).containsEntry(ProcessVariables.INITIATOR, "dora");
        runJobs();
        completeAs("dora", openTask(pi), fullWarRoom());
        runJobs();
        assertOutcome(pi, "DRY_RUN_PASSED", true, DRY_SUMMARY);
    }

    @Test
    void startedWithoutVariablesItIsARealCutoverWithTheDefaultBounds() {
        ProcessInstance pi = start(Map.of());
        assertThat(pi).variables().containsEntry(ProcessVariables.DRY_RUN, false)
                .containsEntry(ProcessVariables.GO_TIMEOUT, "PT30M")
                .containsEntry(ProcessVariables.FREEZE_TIMEOUT, "PT15M")
                .containsEntry(ProcessVariables.FOUR_EYES, false)
                .containsEntry(ProcessVariables.INITIATOR, "alice");
    }

    @Test
    void givenValuesAreKept() {
        ProcessInstance pi = start(Map.of(ProcessVariables.DRY_RUN, true, ProcessVariables.GO_TIMEOUT, "PT5M",
                ProcessVariables.FREEZE_TIMEOUT, "PT2M", ProcessVariables.FOUR_EYES, true));
        assertThat(pi).variables().containsEntry(ProcessVariables.DRY_RUN, true)
                .containsEntry(ProcessVariables.GO_TIMEOUT, "PT5M")
                .containsEntry(ProcessVariables.FREEZE_TIMEOUT, "PT2M")
                .containsEntry(ProcessVariables.FOUR_EYES, true);
    }

    // ------------------------------------------------------------------ NO-GO before the GO

    @Test
    void anIncompleteWarRoomIsNoGoNamingWhatIsMissing() {
        ProcessInstance pi = start(Map.of());
        runJobs();
        completeAs("alice", openTask(pi), Map.of(ProcessVariables.WAR_ROOM_DBA_PRESENT, true,
                ProcessVariables.WAR_ROOM_DEVOPS_PRESENT, false, ProcessVariables.WAR_ROOM_APP_OWNER_PRESENT, true,
                "note", "DevOps stuck in traffic"));
        runJobs();
        assertThat(pi).hasPassedInOrder("Task_ConfirmWarRoom", "Gateway_WarRoomComplete", "EndEvent_WarRoomIncomplete",
                        "Boundary_WarRoomIncomplete", "EndEvent_NoGoWarRoom")
                .hasNotPassed("Task_SendStartMail", "CallActivity_RehearseRollback", "Task_GiveGo", "EndEvent_NoGo");
        assertThat(calls).containsExactly("checkCutoverPrerequisitesDelegate");
        assertThat(rollbackCalls).isEmpty();
        assertOutcome(pi, "NO_GO", false,
                "the war room is incomplete: no DevOps present; stakeholders not informed; nothing was changed");
    }

    @Test
    void aRollbackRehearsalThatDoesNotPassIsNoGo() {
        rollbackFailsAt.add("dry:probeSourceWritesDelegate");
        ProcessInstance pi = start(Map.of());
        runJobs();
        completeAs("alice", openTask(pi), fullWarRoom());
        runJobs();
        assertThat(pi).hasPassedInOrder("CallActivity_RehearseRollback", "Gateway_RollbackRehearsalPassed",
                        "EndEvent_RollbackRehearsalFailed", "Boundary_RollbackRehearsalFailed", "EndEvent_NoGoRollbackRehearsal")
                .hasNotPassed("Task_RehearseCutover", "Task_GiveGo", "EndEvent_NoGo");
        assertThat(calls).containsExactly("checkCutoverPrerequisitesDelegate", "sendCutoverStartMailDelegate");
        assertOutcome(pi, "NO_GO", false,
                "the rollback dry run did not pass (FAILED): simulated: the reverse channel is not armed; nothing was changed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"checkCutoverPrerequisitesDelegate", "rehearseCutoverDelegate", "preparePhaseDelegate",
            "captureBaselineDelegate"})
    void aStepFailingBeforeTheGoIsNoGoWithItsReason(String step) {
        failAt = step;
        ProcessInstance pi = start(Map.of());
        runJobs();
        if (!step.equals("checkCutoverPrerequisitesDelegate")) {
            completeAs("alice", openTask(pi), fullWarRoom());
            runJobs();
        }
        assertThat(pi).hasPassedInOrder("Boundary_PrepareFailed", "EndEvent_NoGo")
                .hasNotPassed("Task_GiveGo", "SubProcess_FreezeAndSwitch", "EndEvent_DryRunPassed");
        assertThat(calls).doesNotContain(step).doesNotContainAnyElementsOf(Arrays.asList(FREEZE));
        assertThat(variable(pi.getId(), ProcessVariables.FAILURE_REASON)).isEqualTo("simulated: " + step + " failed");
        assertOutcome(pi, "NO_GO", false, "simulated: " + step + " failed");
    }

    @Test
    void aDryRunWhoseRehearsalFailsIsNoGo() {
        failAt = "rehearseCutoverDelegate";
        ProcessInstance pi = start(Map.of(ProcessVariables.DRY_RUN, true));
        runJobs();
        completeAs("alice", openTask(pi), fullWarRoom());
        runJobs();
        assertThat(pi).hasPassed("EndEvent_NoGo").hasNotPassed("EndEvent_DryRunPassed");
        assertOutcome(pi, "NO_GO", false, "simulated: rehearseCutoverDelegate failed");
    }

    // ------------------------------------------------------------------ the GO

    @Test
    void theGoFormAsksForTheWordAndTheTaskGoesToTheDbas() throws Exception {
        ProcessInstance pi = atTheGo(Map.of());
        var formRef = processEngine.getTaskService().createTaskQuery().processInstanceId(pi.getId()).initializeFormKeys()
                .singleResult().getCamundaFormRef();
        assertThat(formRef.getKey()).isEqualTo("cutoverGo");
        assertThat(formRef.getBinding()).isEqualTo("deployment");
        try (InputStream in = processEngine.getFormService().getDeployedTaskForm(openTask(pi).getId())) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("\"key\": \"goWord\"", "^GO$");
        }
        assertThat(task(pi)).hasCandidateGroup(ProcessKeys.DBA_GROUP).hasName("Phase 2: Set MySQL read-only");
    }

    @Test
    void aWrongGoWordIsRefusedTheTaskStaysAndNothingIsStoredThenGoIsAccepted() {
        ProcessInstance pi = atTheGo(Map.of());
        Task go = openTask(pi);
        for (String wrong : new String[]{"go", " GO", "GO ", "Go", "NO", "", "GO!"}) {
            assertThatThrownBy(() -> completeAs("bob", go, Map.of(ProcessVariables.GO_WORD, wrong, "note", "typo")))
                    .as("'" + wrong + "'")
                    .hasMessageContaining("the GO word was not given: type GO exactly to set MySQL read-only; nothing was changed");
            assertThat(openTask(pi)).as("the task stays open").isNotNull();
            assertThat(openTask(pi).getId()).isEqualTo(go.getId());
            assertThat(processEngine.getRuntimeService().getVariable(pi.getId(), ProcessVariables.GO_WORD)).as("not stored").isNull();
            assertThat(processEngine.getRuntimeService().getVariable(pi.getId(), "note")).isEqualTo("all here on the bridge");
        }
        assertThatThrownBy(() -> completeAs("bob", go, Map.of("note", "no word at all"))).hasMessageContaining("the GO word was not given");
        assertThatThrownBy(() -> completeAs("bob", go, Map.of(ProcessVariables.GO_WORD, true))).hasMessageContaining("the GO word was not given");
        assertThat(pi).isWaitingAt("Task_GiveGo");
        assertThat(processEngine.getRuntimeService().getVariable(pi.getId(), ProcessVariables.GO_BY)).isNull();
        assertThat(calls).doesNotContainAnyElementsOf(Arrays.asList(FREEZE));

        giveGo(pi, "bob");
        assertThat(pi).hasPassed("Task_GiveGo").isWaitingAt("Task_FreezeSource");
        assertThat(processEngine.getRuntimeService().getVariable(pi.getId(), ProcessVariables.GO_BY)).isEqualTo("bob");
        assertThat(processEngine.getRuntimeService().getVariable(pi.getId(), ProcessVariables.GO_WORD)).isEqualTo("GO");
    }

    @Test
    void withFourEyesTheInitiatorMayNotGiveTheGoAnotherDbaMay() {
        ProcessInstance pi = atTheGo(Map.of(ProcessVariables.FOUR_EYES, true));
        Task go = openTask(pi);
        assertThatThrownBy(() -> giveGo(pi, "alice"))
                .hasMessageContaining("four-eyes: alice started this cutover, another DBA must give the GO");
        assertThat(openTask(pi).getId()).isEqualTo(go.getId());
        assertThat(processEngine.getRuntimeService().getVariable(pi.getId(), ProcessVariables.GO_BY)).isNull();
        // no signed-in user cannot prove a second pair of eyes
        assertThatThrownBy(() -> processEngine.getTaskService().complete(go.getId(), Map.of(ProcessVariables.GO_WORD, "GO")))
                .hasMessageContaining("four-eyes: the GO was given by no signed-in user");
        assertThat(pi).isWaitingAt("Task_GiveGo");

        giveGo(pi, "bob");
        assertThat(pi).isWaitingAt("Task_FreezeSource");
        assertThat(processEngine.getRuntimeService().getVariable(pi.getId(), ProcessVariables.GO_BY)).isEqualTo("bob");
        runJobs();
        assertOutcome(pi, "CUTOVER_SUCCESSFUL", true, SUMMARY);
    }

    @Test
    void withoutFourEyesTheInitiatorGivesTheGo() {
        ProcessInstance pi = atTheGo(Map.of());
        giveGo(pi, "alice");
        assertThat(processEngine.getRuntimeService().getVariable(pi.getId(), ProcessVariables.GO_BY)).isEqualTo("alice");
    }

    @Test
    void noGoWithinTheTimeoutAbandonsTheCutoverAndNoFreezeRuns() {
        Date start = new Date();
        ClockUtil.setCurrentTime(start);
        ProcessInstance pi = atTheGo(Map.of());
        Job timer = processEngine.getManagementService().createJobQuery().processInstanceId(pi.getId()).timers().singleResult();
        assertThat(timer.getDuedate()).isEqualTo(new Date(start.getTime() + 30 * 60_000L));
        ClockUtil.setCurrentTime(new Date(start.getTime() + 29 * 60_000L));
        runJobs();
        assertThat(pi).as("not yet").isWaitingAt("Task_GiveGo");

        ClockUtil.setCurrentTime(new Date(start.getTime() + 31 * 60_000L));
        runJobs();
        assertThat(pi).hasPassedInOrder("Task_CaptureBaseline", "Boundary_GoTimeout", "EndEvent_Abandoned")
                .hasNotPassed("SubProcess_FreezeAndSwitch", "Task_FreezeSource", "CallActivity_RollBack");
        assertThat(calls).containsExactly(PREPARE);
        assertThat(processEngine.getTaskService().createTaskQuery().processInstanceId(pi.getId()).count()).isZero();
        assertOutcome(pi, "ABANDONED", false, "no GO was given within PT30M: the cutover is abandoned and nothing was"
                + " changed (MySQL stays writable, the application on MySQL)");
    }

    @Test
    void theGoTimeoutComesFromTheVariable() {
        Date start = new Date();
        ClockUtil.setCurrentTime(start);
        ProcessInstance pi = atTheGo(Map.of(ProcessVariables.GO_TIMEOUT, "PT5M"));
        Job timer = processEngine.getManagementService().createJobQuery().processInstanceId(pi.getId()).timers().singleResult();
        assertThat(timer.getDuedate()).isEqualTo(new Date(start.getTime() + 5 * 60_000L));
    }

    // ------------------------------------------------------------------ failures after the GO: rollback

    @ParameterizedTest
    @ValueSource(strings = {"switchApplicationDelegate", "checkAppConnectionDelegate", "runEndToEndChecksDelegate"})
    void aFailureInPhases5To7CallsTheRollbackWithTheReasonAndEndsRolledBack(String step) {
        failAt = step;
        ProcessInstance pi = atTheGo(Map.of());
        giveGo(pi, "bob");
        runJobs();
        int at = Arrays.asList(FREEZE).indexOf(step);
        assertThat(pi).hasPassedInOrder(PHASE_TASKS[at], "Boundary_FreezeFailed", "CallActivity_RollBack", "Gateway_RolledBack",
                        "EndEvent_RolledBack")
                .hasNotPassed("Task_WriteReport", "EndEvent_CutoverSuccessful", "EndEvent_NotRolledBack", "EndEvent_NoGo");
        assertThat(calls).containsExactly(concat(PREPARE, Arrays.copyOf(FREEZE, at)));
        List<String> rollbacks = calledRollbacks(pi);
        assertThat(rollbacks).hasSize(2);   // the rehearsal, then the rollback
        String rollback = rollbacks.get(1);
        assertThat(variable(rollback, ProcessVariables.REASON)).isEqualTo("simulated: " + step + " failed");
        assertThat(variable(rollback, ProcessVariables.DRY_RUN)).isEqualTo(false);
        assertThat(variable(rollback, ProcessVariables.DECIDED_BY)).isEqualTo("cutover");
        assertThat(variable(rollback, ProcessVariables.OUTCOME)).isEqualTo("ROLLED_BACK");
        assertThat(rollbackCalls).containsExactly(concat(rollbackSteps(true), rollbackSteps(false)));
        assertOutcome(pi, "ROLLED_BACK", false, "simulated: " + step + " failed");
        assertThat(variable(pi.getId(), ProcessVariables.ROLLBACK_OUTCOME)).isEqualTo("ROLLED_BACK");
    }

    @Test
    void aFreezeLongerThanItsBoundRollsBackEvenFromAStepStuckInAnIncident() {
        Date start = new Date();
        ClockUtil.setCurrentTime(start);
        broken.add("copyFinalDeltaDelegate");
        ProcessInstance pi = atTheGo(Map.of(ProcessVariables.FREEZE_TIMEOUT, "PT10M"));
        giveGo(pi, "bob");
        // Phase 2 runs; Phase 3 fails for a technical reason: R1/PT1S makes it an incident at once
        assertThatThrownBy(this::runJobs).hasMessageContaining("simulated: connection to MySQL lost");
        assertThat(processEngine.getRuntimeService().createIncidentQuery().processInstanceId(pi.getId()).singleResult()
                .getActivityId()).isEqualTo("Task_CopyFinalDelta");
        ClockUtil.setCurrentTime(new Date(start.getTime() + 9 * 60_000L));
        runJobs();
        assertThat(pi).as("within the bound the incident waits").isWaitingAt("Task_CopyFinalDelta");

        ClockUtil.setCurrentTime(new Date(start.getTime() + 11 * 60_000L));
        runJobs();
        assertThat(pi).hasPassedInOrder("Task_FreezeSource", "Boundary_FreezeTimeout", "CallActivity_RollBack", "EndEvent_RolledBack")
                .hasNotPassed("Task_TakeFinalBackups", "Boundary_FreezeFailed");
        assertThat(processEngine.getRuntimeService().createIncidentQuery().processInstanceId(pi.getId()).count()).isZero();
        assertThat(calls).containsExactly(concat(PREPARE, new String[]{"freezeSourceDelegate"}));
        String reason = "the write freeze exceeded its bound of PT10M (freezeTimeout)";
        assertThat(variable(calledRollbacks(pi).get(1), ProcessVariables.REASON)).isEqualTo(reason);
        assertOutcome(pi, "ROLLED_BACK", false, reason);
    }

    @Test
    void aRollbackThatStopsEndsTheCutoverNotRolledBack() {
        failAt = "runEndToEndChecksDelegate";
        rollbackFailsAt.add("real:checkRollbackDelegate");
        ProcessInstance pi = atTheGo(Map.of());
        giveGo(pi, "bob");
        runJobs();
        assertThat(pi).hasPassedInOrder("Boundary_FreezeFailed", "CallActivity_RollBack", "Gateway_RolledBack", "EndEvent_NotRolledBack")
                .hasNotPassed("EndEvent_RolledBack");
        assertOutcome(pi, "NOT_ROLLED_BACK", false, "the cutover failed (simulated: runEndToEndChecksDelegate failed) and"
                + " the rollback stopped without rolling back (FAILED): simulated: the reverse channel is not armed; see its"
                + " audit trail (bascule audit --last rollback)");
    }

    // ------------------------------------------------------------------ abort

    private void abort(ProcessInstance pi, String user, Map<String, Object> vars) {
        processEngine.getIdentityService().setAuthenticatedUserId(user);
        try {
            processEngine.getRuntimeService().createMessageCorrelation(ProcessVariables.MESSAGE_ABORT_CUTOVER)
                    .processInstanceId(pi.getId()).setVariables(vars).correlateWithResult();
        } finally {
            processEngine.getIdentityService().clearAuthentication();
        }
    }

    @Test
    void anAbortBeforeTheSwitchLiftsReadOnlyAndEndsAborted() {
        ProcessInstance pi = atTheGo(Map.of());
        giveGo(pi, "bob");
        runJobsUntil(() -> calls.contains("copyFinalDeltaDelegate"));
        abort(pi, "carol", Map.of());
        assertThat(pi).isWaitingAt("Task_LiftReadOnly");
        runJobs();
        assertThat(pi).hasPassedInOrder("Task_CopyFinalDelta", "StartEvent_AbortRequested", "Gateway_ApplicationSwitched",
                        "Task_LiftReadOnly", "EndEvent_Aborted")
                .hasNotPassed("Task_TakeFinalBackups", "Task_SwitchApplication", "CallActivity_AbortRollBack", "CallActivity_RollBack");
        assertThat(calls).containsExactly(concat(PREPARE, new String[]{"freezeSourceDelegate", "copyFinalDeltaDelegate", UNFREEZE}));
        assertThat(calledRollbacks(pi)).as("only the rehearsal").hasSize(1);
        assertThat(processEngine.getManagementService().createJobQuery().processInstanceId(pi.getId()).count())
                .as("the freeze's timer and steps are gone").isZero();
        assertOutcome(pi, "ABORTED", false,
                "the cutover was aborted before the switch (aborted by carol): MySQL is writable, the application stays on MySQL");
        assertThat(variable(pi.getId(), ProcessVariables.ABORTED_BY)).isEqualTo("carol");
    }

    @Test
    void anAbortWhileWaitingForTheGoEndsAbortedWithTheGivenReason() {
        ProcessInstance pi = atTheGo(Map.of());
        abort(pi, "cli", Map.of(ProcessVariables.ABORT_REASON, "the application owner left the war room"));
        runJobs();
        assertThat(pi).hasPassedInOrder("Task_GiveGo", "Task_LiftReadOnly", "EndEvent_Aborted").hasNotPassed("SubProcess_FreezeAndSwitch");
        assertThat(processEngine.getTaskService().createTaskQuery().processInstanceId(pi.getId()).count()).isZero();
        assertOutcome(pi, "ABORTED", false, "the cutover was aborted before the switch (the application owner left the"
                + " war room): MySQL is writable, the application stays on MySQL");
    }

    @Test
    void anAbortAfterTheSwitchRollsBackAndEndsAbortedRolledBack() {
        ProcessInstance pi = atTheGo(Map.of());
        giveGo(pi, "bob");
        runJobsUntil(() -> calls.contains("switchApplicationDelegate"));
        abort(pi, "carol", Map.of());
        runJobs();
        assertThat(pi).hasPassedInOrder("Task_SwitchApplication", "StartEvent_AbortRequested", "Gateway_ApplicationSwitched",
                        "CallActivity_AbortRollBack", "Gateway_AbortRolledBack", "EndEvent_AbortedRolledBack")
                .hasNotPassed("Task_CheckAppConnection", "Task_LiftReadOnly", "CallActivity_RollBack", "Task_WriteReport");
        assertThat(calls).containsExactly(concat(PREPARE, Arrays.copyOf(FREEZE, 4)));
        String rollback = calledRollbacks(pi).get(1);
        assertThat(variable(rollback, ProcessVariables.REASON)).isEqualTo("aborted by carol");
        assertThat(variable(rollback, ProcessVariables.DECIDED_BY)).isEqualTo("carol");
        assertThat(variable(rollback, ProcessVariables.DRY_RUN)).isEqualTo(false);
        assertThat(rollbackCalls).containsExactly(concat(rollbackSteps(true), rollbackSteps(false)));
        assertOutcome(pi, "ABORTED_ROLLED_BACK", false, "the cutover was aborted after the switch (aborted by carol) and"
                + " rolled back: application on MySQL after 2 s; 3 changes carried back");
    }

    @Test
    void anAbortAfterTheSwitchWhoseRollbackStopsEndsNotRolledBack() {
        rollbackFailsAt.add("real:checkRollbackDelegate");
        ProcessInstance pi = atTheGo(Map.of());
        giveGo(pi, "bob");
        runJobsUntil(() -> calls.contains("switchApplicationDelegate"));
        abort(pi, "carol", Map.of(ProcessVariables.ABORT_REASON, "orders fail on PostgreSQL"));
        runJobs();
        assertThat(pi).hasPassedInOrder("CallActivity_AbortRollBack", "Gateway_AbortRolledBack", "EndEvent_AbortNotRolledBack");
        assertOutcome(pi, "NOT_ROLLED_BACK", false, "the cutover was aborted after the switch (orders fail on PostgreSQL) and"
                + " the rollback stopped without rolling back (FAILED): simulated: the reverse channel is not armed; see its"
                + " audit trail (bascule audit --last rollback)");
    }

    // ------------------------------------------------------------------ forms

    /**
     * The forms are ones the command line can answer (README, "Runbook models and the command line"): the war room is
     * checkboxes and a note, the GO one word to type (its pattern ^GO$) and a note; what the DBA must read is read-only.
     */
    @Test
    void theFormsHoldOnlyInputsTheCommandLineAnswers() throws Exception {
        Map<String, String> inputs = new HashMap<>();
        Map<String, String> readOnly = new HashMap<>();
        JsonNode warRoom = read("cutoverWarRoom", inputs, readOnly);
        assertThat(warRoom.path("id").asText()).isEqualTo("cutoverWarRoom");
        assertThat(inputs).containsExactlyInAnyOrderEntriesOf(Map.of(ProcessVariables.WAR_ROOM_DBA_PRESENT, "checkbox",
                ProcessVariables.WAR_ROOM_DEVOPS_PRESENT, "checkbox", ProcessVariables.WAR_ROOM_APP_OWNER_PRESENT, "checkbox",
                ProcessVariables.WAR_ROOM_STAKEHOLDERS_INFORMED, "checkbox", "note", "textarea"));
        assertThat(readOnly).containsExactlyInAnyOrderEntriesOf(Map.of(ProcessVariables.PREREQUISITES_REPORT, "textarea"));

        inputs.clear();
        readOnly.clear();
        JsonNode go = read("cutoverGo", inputs, readOnly);
        assertThat(inputs).containsExactlyInAnyOrderEntriesOf(Map.of(ProcessVariables.GO_WORD, "textfield", "note", "textarea"));
        assertThat(readOnly).isEmpty();
        JsonNode word = null;
        for (JsonNode c : go.path("components")) {
            if (ProcessVariables.GO_WORD.equals(c.path("key").asText())) {
                word = c;
            }
        }
        assertThat(word).isNotNull();
        assertThat(word.path("label").asText()).isEqualTo("Type GO to set MySQL read-only");
        assertThat(word.path("validate").path("pattern").asText()).isEqualTo("^GO$");

        inputs.clear();
        readOnly.clear();
        read("cutoverStart", inputs, readOnly);
        assertThat(inputs).containsExactlyInAnyOrderEntriesOf(Map.of(ProcessVariables.DRY_RUN, "checkbox"));
    }

    private static JsonNode read(String form, Map<String, String> inputs, Map<String, String> readOnly) throws Exception {
        JsonNode json = new ObjectMapper().readTree(Files.readString(Path.of("forms", form + ".form")));
        for (JsonNode c : json.path("components")) {
            if (c.hasNonNull("key")) {
                (c.path("readonly").asBoolean(false) ? readOnly : inputs).put(c.get("key").asText(), c.get("type").asText());
            }
        }
        return json;
    }
}
