package io.bascule.process;

import io.bascule.config.SettingsResolver;
import io.bascule.surveillance.SurveillanceSettings;
import org.camunda.bpm.engine.MismatchingMessageCorrelationException;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.MessageCorrelationBuilder;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.IdentityLink;
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

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;

/**
 * Paths of the surveillance model, its delegates mocked and the called rollback a stub that waits at a task: the
 * checklists on their absolute schedule (4 and 2 offsets, one completed late), a flagged checklist handed to a
 * playbook, to none and to a rollback, the stakeholder updates while the run lasts, each playbook raised by its
 * message and from the standing "Report an incident" task (which re-opens), a playbook raised twice while open, the
 * rollback decided in a playbook or by message (everything stops, the rollback is called), a rollback that stops, and a
 * surveillance that cannot run. Timers run on the engine's clock, from {@link #T0}.
 */
@Deployment(resources = {"bpmn/surveillance.bpmn", "bpmn-test/rollbackStub.bpmn", "forms/surveillanceStart.form",
        "forms/surveillanceChecklist.form", "forms/surveillanceProblem.form", "forms/surveillanceReport.form",
        "forms/surveillanceBackendDown.form", "forms/surveillanceSlowQueries.form", "forms/surveillanceConnections.form",
        "forms/surveillanceUserErrors.form", "forms/surveillanceUserErrorsRollback.form", "forms/surveillanceUserErrorsDecision.form"})
class SurveillanceProcessTest {

    @RegisterExtension
    static ProcessEngineExtension engine = ProcessEngineExtension.builder()
            .configurationResource("camunda-unit.cfg.xml").build();

    ProcessEngine processEngine;

    static final Instant T0 = Instant.parse("2025-06-02T10:00:00Z");
    static final String[] DELEGATES = {"openSurveillanceDelegate", "sendH1ValidationDelegate", "sendStakeholderUpdateDelegate",
            "closeSurveillanceDelegate", "diagnoseBackendDelegate", "diagnoseSlowQueriesDelegate", "applySlowQueryFixDelegate",
            "listIdleSessionsDelegate", "endIdleSessionsDelegate", "adviseOnUserErrorsDelegate"};
    static final String SUMMARY = "4 checklists confirmed, 0 flagged, no rollback";

    /** The delegates that ran, in order (stakeholder updates with the minute they ran at). */
    final List<String> calls = new ArrayList<>();
    /** What the action delegates read: "applySlowQueryFixDelegate" -> "createIndex 2 false". */
    final Map<String, String> seen = new HashMap<>();
    /** A delegate that throws SURVEILLANCE_FAILED. */
    String failAt;

    @BeforeEach
    void registerDelegates() {
        ClockUtil.setCurrentTime(Date.from(T0));
        for (String name : DELEGATES) {
            Mocks.register(name, (JavaDelegate) execution -> {
                if (name.equals(failAt)) {
                    throw new BpmnError(ProcessVariables.ERROR_SURVEILLANCE_FAILED, "simulated: PostgreSQL cannot be reached");
                }
                switch (name) {
                    case "openSurveillanceDelegate" -> execution.setVariable(SurveillanceVariables.SURVEILLANCE_BASELINE, "12 connections");
                    case "sendH1ValidationDelegate" -> execution.setVariable(SurveillanceVariables.SURVEILLANCE_SUMMARY, SUMMARY);
                    case "diagnoseBackendDelegate" -> execution.setVariable(SurveillanceVariables.BACKEND_DIAGNOSIS,
                            "health URL: 503 three times; PostgreSQL answers directly");
                    case "diagnoseSlowQueriesDelegate" -> {
                        execution.setVariable(SurveillanceVariables.SLOW_QUERY_DIAGNOSIS, "Seq Scan on orders (1.8 s)");
                        execution.setVariable(SurveillanceVariables.SLOW_QUERY_PROPOSALS,
                                "1. VACUUM ANALYZE orders\n2. CREATE INDEX CONCURRENTLY ON orders (customer_id)");
                    }
                    case "applySlowQueryFixDelegate" -> {
                        seen.put(name, execution.getVariable(SurveillanceVariables.SLOW_QUERY_ACTION) + " "
                                + execution.getVariable(SurveillanceVariables.SLOW_QUERY_PROPOSAL) + " "
                                + execution.getVariable(ProcessVariables.DRY_RUN));
                        execution.setVariable(SurveillanceVariables.SLOW_QUERY_FIX_RESULT, "index created in 0.4 s");
                    }
                    case "listIdleSessionsDelegate" -> execution.setVariable(SurveillanceVariables.IDLE_SESSIONS,
                            "101 app idle 7 min\n102 app idle in transaction 9 min");
                    case "endIdleSessionsDelegate" -> {
                        seen.put(name, execution.getVariable(SurveillanceVariables.END_SESSIONS) + " "
                                + execution.getVariable(SurveillanceVariables.APPROVED_PIDS));
                        execution.setVariable(SurveillanceVariables.ENDED_SESSIONS, "101, 102");
                    }
                    case "adviseOnUserErrorsDelegate" -> {
                        double impact = ((Number) execution.getVariable(SurveillanceVariables.IMPACT_PCT)).doubleValue();
                        execution.setVariable(SurveillanceVariables.USER_ERRORS_ADVICE,
                                impact > settings().rollbackFirstImpactPct() ? Playbooks.ADVICE_ROLLBACK_FIRST : Playbooks.ADVICE_ANALYSE);
                    }
                    default -> {
                    }
                }
                calls.add(name.equals("sendStakeholderUpdateDelegate") ? name + "@" + minute() : name);
            });
        }
        Mocks.register("prefillChecklistListener", (TaskListener) task -> {
            task.setVariableLocal(SurveillanceVariables.CHECK_CONNECTIONS, "✅ 12 % (threshold 80 %)");
            task.setVariableLocal(SurveillanceVariables.CHECK_MEAN_QUERY, "✅ 4.2 ms (threshold 100 ms)");
            task.setVariableLocal(SurveillanceVariables.CHECKLIST_ALL_PASSED, true);
        });
        useSettings("15m,30m,45m,60m");
    }

    @AfterEach
    void reset() {
        Mocks.reset();
        ClockUtil.reset();
        processEngine.getIdentityService().clearAuthentication();
    }

    // ------------------------------------------------------------------ helpers

    private void useSettings(String offsets) {
        Mocks.register("surveillanceSettings", new SurveillanceSettings(SettingsResolver.bind(
                Map.of("bascule.surveillance.checklist-offsets", offsets), null)));
    }

    private SurveillanceSettings settings() {
        return (SurveillanceSettings) Mocks.get("surveillanceSettings");
    }

    private long minute() {
        return Duration.between(T0, ClockUtil.getCurrentTime().toInstant()).toMinutes();
    }

    private ProcessInstance start(Map<String, Object> vars) {
        processEngine.getIdentityService().setAuthenticatedUserId("alice");
        ProcessInstance pi;
        try {
            pi = processEngine.getRuntimeService().startProcessInstanceByKey(ProcessKeys.SURVEILLANCE, vars);
        } finally {
            processEngine.getIdentityService().clearAuthentication();
        }
        runJobs();
        return pi;
    }

    private ProcessInstance start() {
        return start(Map.of());
    }

    /** Runs the due jobs one by one (earliest first) until none is due. */
    private void runJobs() {
        var management = processEngine.getManagementService();
        while (management.createJobQuery().executable().count() > 0) {
            execute(management.createJobQuery().executable().orderByJobDuedate().asc().list().get(0));
        }
    }

    /** Moves the engine's clock to T0 + minutes and runs what fell due. */
    private void at(long minutes) {
        ClockUtil.setCurrentTime(Date.from(T0.plus(Duration.ofMinutes(minutes))));
        runJobs();
    }

    private List<Task> tasks(ProcessInstance pi, String key) {
        return processEngine.getTaskService().createTaskQuery().processInstanceId(pi.getId()).taskDefinitionKey(key).list();
    }

    private Task task(ProcessInstance pi, String key) {
        List<Task> open = tasks(pi, key);
        assertThat(open).as("open " + key).hasSize(1);
        return open.get(0);
    }

    private void completeAs(String user, Task task, Map<String, Object> vars) {
        processEngine.getIdentityService().setAuthenticatedUserId(user);
        try {
            processEngine.getTaskService().complete(task.getId(), vars);
        } finally {
            processEngine.getIdentityService().clearAuthentication();
        }
        runJobs();
    }

    private void complete(ProcessInstance pi, String key, Map<String, Object> vars) {
        completeAs("bob", task(pi, key), vars);
    }

    private void completeChecklist(ProcessInstance pi, boolean allGood) {
        complete(pi, "Task_CompleteChecklist", Map.of(SurveillanceVariables.CHECKLIST_CONFIRMED, allGood,
                SurveillanceVariables.CHECKLIST_NOTE, allGood ? "all normal" : "mean query time doubled"));
    }

    private void raise(ProcessInstance pi, String message, Map<String, Object> vars) {
        MessageCorrelationBuilder c = processEngine.getRuntimeService().createMessageCorrelation(message).processInstanceId(pi.getId());
        vars.forEach(c::setVariable);
        c.correlate();
        runJobs();
    }

    private void report(ProcessInstance pi, String kind, Map<String, Object> more) {
        Map<String, Object> vars = new HashMap<>(more);
        vars.put(SurveillanceVariables.INCIDENT_KIND, kind);
        complete(pi, "Task_ReportIncident", vars);
    }

    private Object variable(ProcessInstance pi, String name) {
        List<HistoricVariableInstance> all = processEngine.getHistoryService().createHistoricVariableInstanceQuery()
                .processInstanceId(pi.getId()).variableName(name).list();
        // a process variable (on the instance itself) when there is one, else the only local one
        return all.stream().filter(v -> v.getActivityInstanceId() != null && v.getActivityInstanceId().equals(pi.getId()))
                .findFirst().or(() -> all.stream().findFirst()).map(HistoricVariableInstance::getValue).orElse(null);
    }

    private void assertOutcome(ProcessInstance pi, String outcome, boolean success, String messagePart) {
        assertThat(pi).isEnded();
        assertThat(variable(pi, ProcessVariables.OUTCOME)).isEqualTo(outcome);
        assertThat(variable(pi, ProcessVariables.OUTCOME_SUCCESS)).isEqualTo(success);
        assertThat((String) variable(pi, ProcessVariables.OUTCOME_MESSAGE)).contains(messagePart);
    }

    private long timers(ProcessInstance pi) {
        return processEngine.getManagementService().createJobQuery().processInstanceId(pi.getId()).timers().count();
    }

    private ProcessInstance calledRollback(ProcessInstance pi) {
        return processEngine.getRuntimeService().createProcessInstanceQuery().superProcessInstanceId(pi.getId()).singleResult();
    }

    /** The surveillance is waiting in the called rollback, and nothing else of it is left: no task, timer or subscription. */
    private ProcessInstance assertOnlyTheRollbackRuns(ProcessInstance pi, String reasonPart, String decidedBy) {
        assertThat(pi).isWaitingAt("CallActivity_RollBack");
        assertThat(processEngine.getTaskService().createTaskQuery().processInstanceId(pi.getId()).count()).as("tasks").isZero();
        assertThat(processEngine.getManagementService().createJobQuery().processInstanceId(pi.getId()).count()).as("jobs").isZero();
        assertThat(processEngine.getRuntimeService().createEventSubscriptionQuery().processInstanceId(pi.getId()).count())
                .as("event subscriptions").isZero();
        assertThatThrownBy(() -> raise(pi, Playbooks.MESSAGE_BACKEND_DOWN, Map.of()))
                .as("no playbook is raised while the rollback runs").isInstanceOf(MismatchingMessageCorrelationException.class);
        assertThat(calls).contains("closeSurveillanceDelegate");
        ProcessInstance rollback = calledRollback(pi);
        var vars = processEngine.getRuntimeService().getVariables(rollback.getId());
        assertThat((String) vars.get(ProcessVariables.REASON)).contains(reasonPart);
        assertThat(vars.get(ProcessVariables.DECIDED_BY)).isEqualTo(decidedBy);
        assertThat(vars.get(ProcessVariables.DRY_RUN)).isEqualTo(false);
        return rollback;
    }

    private void finishRollback(ProcessInstance rollback, String outcome) {
        Task stub = processEngine.getTaskService().createTaskQuery().processInstanceId(rollback.getId()).singleResult();
        processEngine.getTaskService().complete(stub.getId(), outcome == null ? Map.of() : Map.of("stubOutcome", outcome));
        runJobs();
    }

    // ------------------------------------------------------------------ checklists

    @Test
    void theHappyPathRunsEveryChecklistAtItsOffsetAndEndsH1Validated() {
        ProcessInstance pi = start();
        assertThat(variable(pi, ProcessVariables.STARTED_AT)).isEqualTo("2025-06-02T10:00:00Z");
        assertThat(variable(pi, SurveillanceVariables.CHECKLIST_OFFSETS)).isEqualTo("PT15M,PT30M,PT45M,PT1H");
        assertThat(calls).containsExactly("openSurveillanceDelegate");
        assertThat(tasks(pi, "Task_ReportIncident")).as("the report task is open from the start").hasSize(1);
        for (int offset : new int[]{15, 30, 45, 60}) {
            at(offset - 1);
            assertThat(tasks(pi, "Task_CompleteChecklist")).as("no checklist before T+" + offset).isEmpty();
            at(offset);
            Task checklist = task(pi, "Task_CompleteChecklist");
            assertThat(checklist.getName()).isEqualTo("Complete checklist T+" + offset);
            assertThat(checklist.getDueDate()).isEqualTo(Date.from(T0.plus(Duration.ofMinutes(offset))));
            assertThat(processEngine.getTaskService().getIdentityLinksForTask(checklist.getId()))
                    .extracting(IdentityLink::getGroupId).containsExactly(ProcessKeys.DBA_GROUP);
            assertThat(processEngine.getTaskService().getVariablesLocal(checklist.getId()))
                    .containsEntry(SurveillanceVariables.CHECK_CONNECTIONS, "✅ 12 % (threshold 80 %)")
                    .containsEntry(SurveillanceVariables.CHECKLIST_ALL_PASSED, true);
            assertThat(processEngine.getTaskService().getVariable(checklist.getId(), SurveillanceVariables.CHECKLIST_LABEL))
                    .isEqualTo("T+" + offset);
            completeChecklist(pi, true);
        }
        assertThat(calls).containsExactly("openSurveillanceDelegate", "sendStakeholderUpdateDelegate@15",
                "sendStakeholderUpdateDelegate@30", "sendStakeholderUpdateDelegate@45", "sendStakeholderUpdateDelegate@60",
                "sendH1ValidationDelegate", "closeSurveillanceDelegate");
        assertOutcome(pi, "H1_VALIDATED", true, SUMMARY);
        assertThat(pi).hasPassed("Task_OpenSurveillance", "EndEvent_FirstHourWatched", "Task_SendH1Validation",
                "Task_CloseSurveillance", "EndEvent_H1Validated");
        for (String t : new String[]{"surveillanceT15Passed", "surveillanceT30Passed", "surveillanceT45Passed", "surveillanceT60Passed"}) {
            assertThat(variable(pi, t)).as(t).isEqualTo(true);
        }
        // the four answers stay in the audit trail, one per checklist
        assertThat(processEngine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(pi.getId())
                .variableName(SurveillanceVariables.CHECKLIST_CONFIRMED).list()).hasSize(4)
                .allSatisfy(v -> assertThat(v.getValue()).isEqualTo(true));
        // the stakeholder updates stop with the run
        at(120);
        assertThat(calls).filteredOn(c -> c.startsWith("sendStakeholderUpdateDelegate")).hasSize(4);
        assertThat(processEngine.getManagementService().createJobQuery().count()).isZero();
    }

    @Test
    void aChecklistCompletedLateDoesNotMoveTheNextOne() {
        ProcessInstance pi = start();
        at(15);
        task(pi, "Task_CompleteChecklist");
        at(25);
        completeChecklist(pi, true);    // ten minutes late
        at(29);
        assertThat(tasks(pi, "Task_CompleteChecklist")).as("T+30 not before T+30").isEmpty();
        at(30);
        assertThat(task(pi, "Task_CompleteChecklist").getName()).isEqualTo("Complete checklist T+30");
        at(50);
        completeChecklist(pi, true);    // past T+45: T+45 opens at once
        Task t45 = task(pi, "Task_CompleteChecklist");
        assertThat(t45.getName()).isEqualTo("Complete checklist T+45");
        assertThat(t45.getDueDate()).isEqualTo(Date.from(T0.plus(Duration.ofMinutes(45))));
    }

    @Test
    void anotherNumberOfConfiguredOffsetsGivesAsManyChecklists() {
        useSettings("60m,30m");   // unsorted in the configuration
        ProcessInstance pi = start();
        assertThat(variable(pi, SurveillanceVariables.CHECKLIST_OFFSETS)).isEqualTo("PT30M,PT1H");
        at(15);
        assertThat(tasks(pi, "Task_CompleteChecklist")).isEmpty();
        at(30);
        assertThat(task(pi, "Task_CompleteChecklist").getName()).isEqualTo("Complete checklist T+30");
        completeChecklist(pi, true);
        at(60);
        assertThat(task(pi, "Task_CompleteChecklist").getName()).isEqualTo("Complete checklist T+60");
        completeChecklist(pi, true);
        assertOutcome(pi, "H1_VALIDATED", true, SUMMARY);
        assertThat(variable(pi, "surveillanceT30Passed")).isEqualTo(true);
        assertThat(variable(pi, "surveillanceT15Passed")).isNull();
        assertThat(calls).containsOnlyOnce("sendH1ValidationDelegate");
    }

    @Test
    void aStartFromTheCutoverKeepsItsStartTimeAndCutover() {
        ProcessInstance pi = start(Map.of(ProcessVariables.STARTED_AT, "2025-06-02T09:50:00Z",
                SurveillanceVariables.CUTOVER_ID, "cutover-42", ProcessVariables.DRY_RUN, false));
        at(4);
        assertThat(tasks(pi, "Task_CompleteChecklist")).isEmpty();
        at(5);   // T+15 after the switch at 09:50
        assertThat(task(pi, "Task_CompleteChecklist").getDueDate()).isEqualTo(Date.from(Instant.parse("2025-06-02T10:05:00Z")));
        assertThat(variable(pi, SurveillanceVariables.CUTOVER_ID)).isEqualTo("cutover-42");
        assertThat(calls).contains("sendStakeholderUpdateDelegate@5");
    }

    @Test
    void aStartTimeThatIsNoInstantIsRefusedByName() {
        assertThatThrownBy(() -> start(Map.of(ProcessVariables.STARTED_AT, "yesterday")))
                .hasMessageContaining("startedAt is 'yesterday', which is not an ISO-8601 instant");
    }

    @Test
    void aFlaggedChecklistRaisesThePlaybookTheDbaChooses() {
        ProcessInstance pi = start();
        at(15);
        completeChecklist(pi, false);
        Task choose = task(pi, "Task_ChooseProblemPlaybook");
        assertThat(processEngine.getTaskService().getVariable(choose.getId(), SurveillanceVariables.CHECKLIST_NOTE))
                .isEqualTo("mean query time doubled");
        completeAs("bob", choose, Map.of(SurveillanceVariables.INCIDENT_KIND, Playbooks.KIND_SLOW_QUERIES,
                SurveillanceVariables.DESCRIPTION, "orders page slow"));
        assertThat(tasks(pi, "Task_ApproveSlowQueryFix")).hasSize(1);
        assertThat(variable(pi, SurveillanceVariables.SLOW_QUERIES_TRIGGER)).isEqualTo("checklist T+15 flagged by bob: orders page slow");
        assertThat(variable(pi, "surveillanceT15Passed")).isEqualTo(false);
        // the checklists go on
        at(30);
        assertThat(task(pi, "Task_CompleteChecklist").getName()).isEqualTo("Complete checklist T+30");
    }

    @Test
    void aFlaggedChecklistWithNoPlaybookIsNotedAndTheSurveillanceGoesOn() {
        ProcessInstance pi = start();
        at(15);
        completeChecklist(pi, false);
        complete(pi, "Task_ChooseProblemPlaybook", Map.of(SurveillanceVariables.INCIDENT_KIND, Playbooks.KIND_NONE));
        assertThat(pi).hasPassed("EndEvent_ProblemHandedOver");
        assertThat(processEngine.getRuntimeService().createProcessInstanceQuery().processInstanceId(pi.getId())
                .activityIdIn("SubProcess_BackendDown", "SubProcess_SlowQueries", "SubProcess_ConnectionsExhausted",
                        "SubProcess_UserErrors").count()).isZero();
        at(30);
        assertThat(task(pi, "Task_CompleteChecklist").getName()).isEqualTo("Complete checklist T+30");
    }

    @Test
    void aFlaggedChecklistCanRollBack() {
        ProcessInstance pi = start();
        at(15);
        completeChecklist(pi, false);
        complete(pi, "Task_ChooseProblemPlaybook", Map.of(SurveillanceVariables.INCIDENT_KIND, Playbooks.KIND_ROLLBACK,
                ProcessVariables.REASON, "errors on every order"));
        ProcessInstance rollback = assertOnlyTheRollbackRuns(pi, "errors on every order (checklist T+15 flagged by bob)", "bob");
        finishRollback(rollback, null);
        assertOutcome(pi, "ROLLED_BACK", false, "rolled back to MySQL: errors on every order (checklist T+15 flagged by bob) (decided by bob)");
    }

    // ------------------------------------------------------------------ stakeholder updates

    @Test
    void stakeholderUpdatesGoOutEveryIntervalAndStopWithARollback() {
        ProcessInstance pi = start();
        at(14);
        assertThat(calls).noneMatch(c -> c.startsWith("sendStakeholderUpdateDelegate"));
        at(15);
        at(20);
        at(31);   // sent a minute late: the next one stays at T+45
        assertThat(calls).filteredOn(c -> c.startsWith("sendStakeholderUpdateDelegate"))
                .containsExactly("sendStakeholderUpdateDelegate@15", "sendStakeholderUpdateDelegate@31");
        Date next = processEngine.getManagementService().createJobQuery().processInstanceId(pi.getId()).timers()
                .activityId("StartEvent_UpdateDue").singleResult().getDuedate();
        assertThat(next).isEqualTo(Date.from(T0.plus(Duration.ofMinutes(45))));
        raise(pi, Playbooks.MESSAGE_ROLLBACK_REQUESTED, Map.of(ProcessVariables.REASON, "stop", ProcessVariables.DECIDED_BY, "carol"));
        assertThat(timers(pi)).isZero();
        at(90);
        assertThat(calls).filteredOn(c -> c.startsWith("sendStakeholderUpdateDelegate")).hasSize(2);
    }

    // ------------------------------------------------------------------ backend down

    @Test
    void backendDownDecidedYesRollsBackAndEndsTheSurveillance() {
        ProcessInstance pi = start();
        at(16);
        raise(pi, Playbooks.MESSAGE_BACKEND_DOWN, Map.of(Playbooks.TRIGGER, "3 failed health probes in a row"));
        assertThat(calls).contains("diagnoseBackendDelegate");
        Task decide = task(pi, "Task_DecideBackendRollback");
        assertThat(processEngine.getTaskService().getVariables(decide.getId()))
                .containsEntry(SurveillanceVariables.BACKEND_DOWN_TRIGGER, "3 failed health probes in a row")
                .containsEntry(SurveillanceVariables.BACKEND_DIAGNOSIS, "health URL: 503 three times; PostgreSQL answers directly");
        assertThat(variable(pi, Playbooks.TRIGGER)).as("the message's trigger is consumed").isNull();
        completeAs("bob", decide, Map.of(SurveillanceVariables.ROLLBACK_DECISION, Playbooks.DECISION_YES));
        ProcessInstance rollback = assertOnlyTheRollbackRuns(pi, "the backend is down (3 failed health probes in a row)", "bob");
        finishRollback(rollback, null);
        assertOutcome(pi, "ROLLED_BACK", false, "rolled back to MySQL: the backend is down (3 failed health probes in a row)");
        assertThat((String) variable(pi, ProcessVariables.OUTCOME_MESSAGE)).contains("(decided by bob); stub: ROLLED_BACK");
        assertThat(calls).doesNotContain("sendH1ValidationDelegate");
        assertThat(processEngine.getManagementService().createJobQuery().count()).isZero();
        assertThat(processEngine.getTaskService().createTaskQuery().count()).isZero();
    }

    @Test
    void backendDownDecidedNoEndsThePlaybookAndTheSurveillanceGoesOn() {
        ProcessInstance pi = start();
        raise(pi, Playbooks.MESSAGE_BACKEND_DOWN, Map.of());
        assertThat(variable(pi, SurveillanceVariables.BACKEND_DOWN_TRIGGER)).isEqualTo("signalled by the surveillance monitor");
        assertThat(variable(pi, SurveillanceVariables.BACKEND_DOWN_OPEN)).isEqualTo(true);
        complete(pi, "Task_DecideBackendRollback", Map.of(SurveillanceVariables.ROLLBACK_DECISION, Playbooks.DECISION_NO,
                "note", "a deploy restarted the app"));
        assertThat(pi).hasPassed("EndEvent_BackendKept").isActive();
        assertThat(variable(pi, SurveillanceVariables.BACKEND_DOWN_OPEN)).isEqualTo(false);
        assertThat(calledRollback(pi)).isNull();
        assertThat(tasks(pi, "Task_ReportIncident")).hasSize(1);
        at(15);
        assertThat(task(pi, "Task_CompleteChecklist").getName()).isEqualTo("Complete checklist T+15");
        // raised again later: a new occurrence, its decision empty again
        raise(pi, Playbooks.MESSAGE_BACKEND_DOWN, Map.of());
        Task again = task(pi, "Task_DecideBackendRollback");
        assertThat(processEngine.getTaskService().getVariable(again.getId(), SurveillanceVariables.ROLLBACK_DECISION)).isNull();
    }

    @Test
    void aPlaybookRaisedAgainWhileOpenIsNotOpenedTwice() {
        ProcessInstance pi = start();
        raise(pi, Playbooks.MESSAGE_BACKEND_DOWN, Map.of(Playbooks.TRIGGER, "3 failed health probes"));
        raise(pi, Playbooks.MESSAGE_BACKEND_DOWN, Map.of(Playbooks.TRIGGER, "6 failed health probes"));
        report(pi, Playbooks.KIND_BACKEND_DOWN, Map.of(SurveillanceVariables.DESCRIPTION, "users see 502"));
        assertThat(tasks(pi, "Task_DecideBackendRollback")).as("one decision open").hasSize(1);
        assertThat(calls).containsOnlyOnce("diagnoseBackendDelegate");
        assertThat(processEngine.getHistoryService().createHistoricActivityInstanceQuery().processInstanceId(pi.getId())
                .activityId("EndEvent_BackendDownInHand").count()).isEqualTo(2);
        assertThat(processEngine.getRuntimeService().getVariable(pi.getId(), SurveillanceVariables.BACKEND_DOWN_TRIGGER))
                .as("the latest trigger is shown").isEqualTo("reported by bob: users see 502");
        assertThat(tasks(pi, "Task_ReportIncident")).as("the report task re-opened").hasSize(1);
    }

    // ------------------------------------------------------------------ slow queries

    @Test
    void slowQueriesApprovedIndexIsApplied() {
        ProcessInstance pi = start();
        raise(pi, Playbooks.MESSAGE_SLOW_QUERIES, Map.of(Playbooks.TRIGGER, "SELECT ... FROM orders: 1.8 s mean"));
        Task approve = task(pi, "Task_ApproveSlowQueryFix");
        assertThat(processEngine.getTaskService().getVariables(approve.getId()))
                .containsEntry(SurveillanceVariables.SLOW_QUERY_DIAGNOSIS, "Seq Scan on orders (1.8 s)")
                .containsKey(SurveillanceVariables.SLOW_QUERY_PROPOSALS);
        completeAs("bob", approve, Map.of(SurveillanceVariables.SLOW_QUERY_ACTION, Playbooks.SLOW_QUERY_CREATE_INDEX,
                SurveillanceVariables.SLOW_QUERY_PROPOSAL, 2L));
        assertThat(seen.get("applySlowQueryFixDelegate")).isEqualTo("createIndex 2 false");
        assertThat(pi).hasPassed("EndEvent_SlowQueryFixed").isActive();
        assertThat(variable(pi, SurveillanceVariables.SLOW_QUERY_FIX_RESULT)).isEqualTo("index created in 0.4 s");
        assertThat(variable(pi, SurveillanceVariables.SLOW_QUERIES_OPEN)).isEqualTo(false);
    }

    @Test
    void slowQueriesWithNoFixApplyNothing() {
        ProcessInstance pi = start(Map.of(ProcessVariables.DRY_RUN, true));
        raise(pi, Playbooks.MESSAGE_SLOW_QUERIES, Map.of());
        complete(pi, "Task_ApproveSlowQueryFix", Map.of(SurveillanceVariables.SLOW_QUERY_ACTION, Playbooks.SLOW_QUERY_NONE));
        assertThat(calls).doesNotContain("applySlowQueryFixDelegate");
        assertThat(pi).hasPassed("EndEvent_NoSlowQueryFix").isActive();
        raise(pi, Playbooks.MESSAGE_SLOW_QUERIES, Map.of());
        complete(pi, "Task_ApproveSlowQueryFix", Map.of(SurveillanceVariables.SLOW_QUERY_ACTION, Playbooks.SLOW_QUERY_VACUUM_ANALYZE));
        assertThat(seen.get("applySlowQueryFixDelegate")).as("the dry run is handed to the action").isEqualTo("vacuumAnalyze null true");
    }

    // ------------------------------------------------------------------ connections exhausted

    @Test
    void connectionsExhaustedApprovedEndsTheSessionsAndRecordsThem() {
        ProcessInstance pi = start();
        raise(pi, Playbooks.MESSAGE_CONNECTIONS_EXHAUSTED, Map.of(Playbooks.TRIGGER, "92 % of max_connections"));
        Task approve = task(pi, "Task_ApproveEndingSessions");
        assertThat(processEngine.getTaskService().getVariable(approve.getId(), SurveillanceVariables.IDLE_SESSIONS))
                .asString().contains("101 app idle 7 min");
        completeAs("bob", approve, Map.of(SurveillanceVariables.END_SESSIONS, true, SurveillanceVariables.APPROVED_PIDS, "101,102"));
        assertThat(seen.get("endIdleSessionsDelegate")).isEqualTo("true 101,102");
        assertThat(variable(pi, SurveillanceVariables.ENDED_SESSIONS)).isEqualTo("101, 102");
        assertThat(pi).hasPassed("EndEvent_SessionsEnded").isActive();
    }

    @Test
    void connectionsExhaustedNotApprovedEndsNothing() {
        ProcessInstance pi = start();
        raise(pi, Playbooks.MESSAGE_CONNECTIONS_EXHAUSTED, Map.of());
        complete(pi, "Task_ApproveEndingSessions", Map.of(SurveillanceVariables.END_SESSIONS, false));
        assertThat(calls).doesNotContain("endIdleSessionsDelegate");
        assertThat(pi).hasPassed("EndEvent_SessionsKept").isActive();
    }

    // ------------------------------------------------------------------ users report errors

    @Test
    void userErrorsOverTheThresholdProposeARollbackFirst() {
        ProcessInstance pi = start();
        raise(pi, Playbooks.MESSAGE_USER_ERRORS, Map.of());
        complete(pi, "Task_DescribeUserErrors", Map.of(SurveillanceVariables.USER_ERRORS_SCOPE, "checkout",
                SurveillanceVariables.IMPACT_PCT, 70L, SurveillanceVariables.USER_ERRORS_DESCRIPTION, "500 on pay"));
        assertThat(variable(pi, SurveillanceVariables.USER_ERRORS_ADVICE)).isEqualTo(Playbooks.ADVICE_ROLLBACK_FIRST);
        complete(pi, "Task_DecideUserErrorsRollback", Map.of(SurveillanceVariables.ROLLBACK_DECISION, Playbooks.DECISION_YES));
        ProcessInstance rollback = assertOnlyTheRollbackRuns(pi, "users report errors (impact 70 %, checkout)", "bob");
        finishRollback(rollback, null);
        assertOutcome(pi, "ROLLED_BACK", false, "users report errors (impact 70 %, checkout)");
    }

    @Test
    void userErrorsOverTheThresholdKeptOnPostgresqlAreNoted() {
        ProcessInstance pi = start();
        raise(pi, Playbooks.MESSAGE_USER_ERRORS, Map.of());
        complete(pi, "Task_DescribeUserErrors", Map.of(SurveillanceVariables.IMPACT_PCT, 80L));
        complete(pi, "Task_DecideUserErrorsRollback", Map.of(SurveillanceVariables.ROLLBACK_DECISION, Playbooks.DECISION_NO));
        assertThat(pi).hasPassed("EndEvent_UserErrorsKept").isActive();
        assertThat(calledRollback(pi)).isNull();
    }

    @Test
    void userErrorsUnderTheThresholdAreAnalysedOrRolledBack() {
        ProcessInstance pi = start();
        raise(pi, Playbooks.MESSAGE_USER_ERRORS, Map.of());
        complete(pi, "Task_DescribeUserErrors", Map.of(SurveillanceVariables.IMPACT_PCT, 20L));
        assertThat(variable(pi, SurveillanceVariables.USER_ERRORS_ADVICE)).isEqualTo(Playbooks.ADVICE_ANALYSE);
        complete(pi, "Task_AnalyseOrRollBack", Map.of(SurveillanceVariables.USER_ERRORS_DECISION, Playbooks.USER_ERRORS_ANALYSE));
        assertThat(pi).hasPassed("EndEvent_UserErrorsKept").isActive();
        assertThat(variable(pi, SurveillanceVariables.USER_ERRORS_OPEN)).isEqualTo(false);

        raise(pi, Playbooks.MESSAGE_USER_ERRORS, Map.of());
        complete(pi, "Task_DescribeUserErrors", Map.of(SurveillanceVariables.IMPACT_PCT, 10L));
        complete(pi, "Task_AnalyseOrRollBack", Map.of(SurveillanceVariables.USER_ERRORS_DECISION, Playbooks.USER_ERRORS_ROLLBACK));
        ProcessInstance rollback = assertOnlyTheRollbackRuns(pi, "users report errors (impact 10 %)", "bob");
        finishRollback(rollback, null);
        assertOutcome(pi, "ROLLED_BACK", false, "impact 10 %");
    }

    // ------------------------------------------------------------------ rollback requested

    @Test
    void aRollbackRequestedByMessageRollsBackWithItsReasonAndDecider() {
        ProcessInstance pi = start();
        at(20);
        raise(pi, Playbooks.MESSAGE_ROLLBACK_REQUESTED, Map.of(ProcessVariables.REASON, "orders lost on PostgreSQL",
                ProcessVariables.DECIDED_BY, "carol", ProcessVariables.ROLLBACK_STARTED_AT, "2026-12-01T20:00:00Z"));
        ProcessInstance rollback = assertOnlyTheRollbackRuns(pi, "orders lost on PostgreSQL", "carol");
        assertThat(processEngine.getRuntimeService().getVariable(rollback.getId(), ProcessVariables.ROLLBACK_STARTED_AT))
                .as("the command's keystroke, handed to the rollback").isEqualTo("2026-12-01T20:00:00Z");
        finishRollback(rollback, null);
        assertOutcome(pi, "ROLLED_BACK", false, "rolled back to MySQL: orders lost on PostgreSQL (decided by carol)");
        assertThat(pi).hasPassed("Boundary_RollbackRequested", "Task_CloseBeforeRollback", "CallActivity_RollBack", "EndEvent_RolledBack");
    }

    @Test
    void aRollbackThatRanOnItsOwnEndsTheSurveillanceWithNothingLeftOpen() {
        ProcessInstance pi = start();
        at(20);
        raise(pi, Playbooks.MESSAGE_BACKEND_DOWN, Map.of(Playbooks.TRIGGER, "3 failed health probes"));
        assertThat(processEngine.getTaskService().createTaskQuery().processInstanceId(pi.getId()).count())
                .as("the report task and the backend-down decision are open").isGreaterThanOrEqualTo(2);
        raise(pi, Playbooks.MESSAGE_ROLLED_BACK_ELSEWHERE, Map.of(ProcessVariables.REASON, "started from Tasklist",
                "rollbackId", "rb-42"));
        runJobs();
        assertOutcome(pi, "ROLLED_BACK", false, "rolled back to MySQL by rollback run rb-42: started from Tasklist");
        assertThat(pi).hasPassed("Boundary_RolledBackElsewhere", "Task_CloseAfterRollbackElsewhere", "EndEvent_RolledBackElsewhere")
                .hasNotPassed("CallActivity_RollBack");
        assertThat(calls).contains("closeSurveillanceDelegate");
        assertThat(processEngine.getTaskService().createTaskQuery().processInstanceId(pi.getId()).count()).isZero();
        assertThat(timers(pi)).isZero();
    }

    @Test
    void aRollbackRequestedWithoutReasonNamesTheSignedInUser() {
        ProcessInstance pi = start();
        processEngine.getIdentityService().setAuthenticatedUserId("dave");
        try {
            processEngine.getRuntimeService().createMessageCorrelation(Playbooks.MESSAGE_ROLLBACK_REQUESTED)
                    .processInstanceId(pi.getId()).correlate();
        } finally {
            processEngine.getIdentityService().clearAuthentication();
        }
        runJobs();
        assertOnlyTheRollbackRuns(pi, "rollback requested by dave", "dave");
    }

    @Test
    void aRollbackThatStopsEndsNotRolledBack() {
        ProcessInstance pi = start();
        raise(pi, Playbooks.MESSAGE_ROLLBACK_REQUESTED, Map.of(ProcessVariables.REASON, "test", ProcessVariables.DECIDED_BY, "carol"));
        finishRollback(calledRollback(pi), "APP_CONFIG_KEPT");
        assertOutcome(pi, "NOT_ROLLED_BACK", false, "stopped without rolling back (APP_CONFIG_KEPT)");
        assertThat((String) variable(pi, ProcessVariables.OUTCOME_MESSAGE)).contains("no longer watched");
    }

    @Test
    void aDryRunHandsTheDryRunToTheRollback() {
        ProcessInstance pi = start(Map.of(ProcessVariables.DRY_RUN, true));
        raise(pi, Playbooks.MESSAGE_ROLLBACK_REQUESTED, Map.of(ProcessVariables.REASON, "rehearsal", ProcessVariables.DECIDED_BY, "carol"));
        ProcessInstance rollback = calledRollback(pi);
        assertThat(processEngine.getRuntimeService().getVariable(rollback.getId(), ProcessVariables.DRY_RUN)).isEqualTo(true);
        finishRollback(rollback, "DRY_RUN_PASSED");
        assertOutcome(pi, "ROLLED_BACK", false, "dry run: the rollback was rehearsed, nothing changed: rehearsal");
    }

    // ------------------------------------------------------------------ the standing report task

    @ParameterizedTest
    @ValueSource(strings = {Playbooks.KIND_BACKEND_DOWN, Playbooks.KIND_SLOW_QUERIES, Playbooks.KIND_CONNECTIONS_EXHAUSTED, Playbooks.KIND_USER_ERRORS})
    void aReportRaisesItsPlaybookAndTheReportTaskReopens(String kind) {
        ProcessInstance pi = start();
        Task first = task(pi, "Task_ReportIncident");
        assertThat(processEngine.getTaskService().getIdentityLinksForTask(first.getId()))
                .extracting(IdentityLink::getGroupId).containsExactly(ProcessKeys.DBA_GROUP);
        Map<String, Object> vars = new HashMap<>(Map.of(SurveillanceVariables.DESCRIPTION, "seen by support"));
        if (kind.equals(Playbooks.KIND_USER_ERRORS)) {
            vars.put(SurveillanceVariables.SCOPE, "checkout");
            vars.put(SurveillanceVariables.IMPACT_PCT, 30L);
        }
        report(pi, kind, vars);
        String firstTask = switch (kind) {
            case Playbooks.KIND_BACKEND_DOWN -> "Task_DecideBackendRollback";
            case Playbooks.KIND_SLOW_QUERIES -> "Task_ApproveSlowQueryFix";
            case Playbooks.KIND_CONNECTIONS_EXHAUSTED -> "Task_ApproveEndingSessions";
            default -> "Task_DescribeUserErrors";
        };
        Task playbookTask = task(pi, firstTask);
        String trigger = switch (kind) {
            case Playbooks.KIND_BACKEND_DOWN -> SurveillanceVariables.BACKEND_DOWN_TRIGGER;
            case Playbooks.KIND_SLOW_QUERIES -> SurveillanceVariables.SLOW_QUERIES_TRIGGER;
            case Playbooks.KIND_CONNECTIONS_EXHAUSTED -> SurveillanceVariables.CONNECTIONS_EXHAUSTED_TRIGGER;
            default -> SurveillanceVariables.USER_ERRORS_TRIGGER;
        };
        assertThat(variable(pi, trigger)).isEqualTo("reported by bob: seen by support");
        if (kind.equals(Playbooks.KIND_USER_ERRORS)) {
            // the playbook's form is prefilled with what the report said
            assertThat(processEngine.getTaskService().getVariables(playbookTask.getId()))
                    .containsEntry(SurveillanceVariables.USER_ERRORS_SCOPE, "checkout")
                    .containsEntry(SurveillanceVariables.IMPACT_PCT, 30L)
                    .containsEntry(SurveillanceVariables.USER_ERRORS_DESCRIPTION, "seen by support");
        }
        Task again = task(pi, "Task_ReportIncident");
        assertThat(again.getId()).as("a new report task").isNotEqualTo(first.getId());
        assertThat(processEngine.getTaskService().getVariable(again.getId(), SurveillanceVariables.INCIDENT_KIND))
                .as("the new report starts empty").isNull();
    }

    @Test
    void aReportedRollbackRollsBack() {
        ProcessInstance pi = start();
        report(pi, Playbooks.KIND_ROLLBACK, Map.of(ProcessVariables.REASON, "data missing in invoices"));
        ProcessInstance rollback = assertOnlyTheRollbackRuns(pi, "data missing in invoices (reported by bob)", "bob");
        finishRollback(rollback, null);
        assertOutcome(pi, "ROLLED_BACK", false, "data missing in invoices (reported by bob)");
    }

    @Test
    void theReportTaskClosesWithTheLastChecklistAndAnOpenPlaybookIsWaitedFor() {
        useSettings("15m");
        ProcessInstance pi = start();
        raise(pi, Playbooks.MESSAGE_SLOW_QUERIES, Map.of());
        at(15);
        completeChecklist(pi, true);
        assertThat(tasks(pi, "Task_ReportIncident")).as("closed after the last checklist").isEmpty();
        assertThat(calls).contains("sendH1ValidationDelegate").doesNotContain("closeSurveillanceDelegate");
        assertThat(pi).isActive();
        complete(pi, "Task_ApproveSlowQueryFix", Map.of(SurveillanceVariables.SLOW_QUERY_ACTION, Playbooks.SLOW_QUERY_NONE));
        assertOutcome(pi, "H1_VALIDATED", true, SUMMARY);
        assertThat(calls).endsWith("closeSurveillanceDelegate");
    }

    // ------------------------------------------------------------------ failure

    @Test
    void aSurveillanceThatCannotRunEndsFailed() {
        failAt = "openSurveillanceDelegate";
        ProcessInstance pi = start();
        assertOutcome(pi, "FAILED", false, "simulated: PostgreSQL cannot be reached");
        assertThat(calls).containsExactly("closeSurveillanceDelegate");
        assertThat(processEngine.getManagementService().createJobQuery().count()).isZero();
    }
}
