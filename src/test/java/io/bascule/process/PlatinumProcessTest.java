package io.bascule.process;

import io.bascule.config.SettingsResolver;
import io.bascule.platinum.PlatinumSettings;
import io.bascule.platinum.delegate.ArchiveDecisionListener;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.camunda.bpm.engine.impl.util.ClockUtil;
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

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;

/**
 * Paths of the PLATINUM report model, its delegates mocked (each call recorded with the engine clock's time), the
 * settings bean and the archive decision's listener real: the report due at startedAt + after and not before; granted,
 * the archive offered at startedAt + keep-source, then archived, kept, or refused by the archive step; refused, the
 * report made again after retry-after until granted, or maxRetries + 1 times and then REFUSED naming the failing
 * criteria; a cutover rolled back before the report or before the archive; a run started by hand from its start form;
 * a decision other than yes or no refused on the server. Timers run on the engine's clock, from {@link #T0}.
 */
@Deployment(resources = {"bpmn/platinumReport.bpmn", "forms/platinumStart.form", "forms/platinumArchive.form"})
class PlatinumProcessTest {

    @RegisterExtension
    static ProcessEngineExtension engine = ProcessEngineExtension.builder()
            .configurationResource("camunda-unit.cfg.xml").build();

    ProcessEngine processEngine;

    static final Instant T0 = Instant.parse("2025-06-02T10:00:00Z");
    static final String CHECK = "checkCutoverStandsDelegate";
    static final String COMPUTE = "computePlatinumReportDelegate";
    static final String ARCHIVE = "archiveSourceDelegate";
    static final String[] DELEGATES = {CHECK, COMPUTE, ARCHIVE};

    /** The delegates that ran, with the hours since T0 they ran at ("computePlatinumReportDelegate@24"). */
    final List<String> calls = new ArrayList<>();
    /** The verdicts the compute step gives, one per call (GRANTED when empty). */
    final Deque<String> verdicts = new ArrayDeque<>();
    /** What the check step answers, one per call (true when empty). */
    final Deque<Boolean> stands = new ArrayDeque<>();
    /** true: the archive step refuses (PLATINUM_REPORT_FAILED). */
    boolean archiveRefuses;

    @BeforeEach
    void registerDelegates() {
        ClockUtil.setCurrentTime(Date.from(T0));
        Mocks.register(CHECK, (JavaDelegate) execution -> {
            boolean s = stands.isEmpty() || stands.poll();
            execution.setVariable(PlatinumVariables.CUTOVER_STANDS, s);
            execution.setVariable(PlatinumVariables.CUTOVER_CHECK, s ? "the cutover still stands"
                    : "PLATINUM NOT APPLICABLE: rollback 42 ended ROLLED_BACK");
            calls.add(CHECK + "@" + hours());
        });
        Mocks.register(COMPUTE, (JavaDelegate) execution -> {
            String verdict = verdicts.isEmpty() ? "GRANTED" : verdicts.poll();
            boolean granted = verdict.equals("GRANTED");
            int retries = ((Number) execution.getVariable(PlatinumVariables.RETRIES)).intValue();
            int maxRetries = ((Number) execution.getVariable(PlatinumVariables.MAX_RETRIES)).intValue();
            Duration retryAfter = Duration.parse((String) execution.getVariable(PlatinumVariables.RETRY_AFTER));
            execution.setVariable(PlatinumVariables.VERDICT, verdict);
            execution.setVariable(PlatinumVariables.SCORE, granted ? 100 : 67);
            execution.setVariable(PlatinumVariables.PASSED, granted ? "6/6" : "4/6");
            execution.setVariable(PlatinumVariables.FAILED, granted ? "" : "deadTuples, indexesUsed");
            execution.setVariable(PlatinumVariables.REPORT_FILE, "/work/reports/platinum-" + calls.size() + ".md");
            execution.setVariable(PlatinumVariables.NEXT_REPORT_AT, granted || retries >= maxRetries ? null
                    : now().plus(retryAfter).toString());
            execution.setVariable(PlatinumVariables.SUMMARY, "PLATINUM " + verdict + ": score " + (granted ? 100 : 67)
                    + "/100" + (granted ? "" : "; failed: deadTuples, indexesUsed"));
            calls.add(COMPUTE + "@" + hours());
        });
        Mocks.register(ARCHIVE, (JavaDelegate) execution -> {
            calls.add(ARCHIVE + "@" + hours());
            if (archiveRefuses) {
                throw new BpmnError(ProcessVariables.ERROR_PLATINUM_REPORT_FAILED,
                        "MySQL jdbc:mysql://db/shop is writable (read_only is OFF): nothing was archived");
            }
            execution.setVariable(PlatinumVariables.ARCHIVE_SUMMARY, "MySQL archived: 2 table(s), 450 rows; MySQL left read-only");
            execution.setVariable(PlatinumVariables.ARCHIVE_SHA256, "ab12");
        });
        Mocks.register("platinumSettings", new PlatinumSettings(SettingsResolver.bind(Map.of(), null)));
        Mocks.register("archiveDecisionListener", new ArchiveDecisionListener());
    }

    @AfterEach
    void reset() {
        Mocks.reset();
        ClockUtil.reset();
        processEngine.getIdentityService().clearAuthentication();
    }

    // ------------------------------------------------------------------ helpers

    private static Instant now() {
        return ClockUtil.getCurrentTime().toInstant();
    }

    private long hours() {
        return Duration.between(T0, now()).toHours();
    }

    private ProcessInstance start(Map<String, Object> vars) {
        processEngine.getIdentityService().setAuthenticatedUserId("alice");
        ProcessInstance pi;
        try {
            pi = processEngine.getRuntimeService().startProcessInstanceByKey(ProcessKeys.PLATINUM_REPORT, "cutover-1", vars);
        } finally {
            processEngine.getIdentityService().clearAuthentication();
        }
        runJobs();
        return pi;
    }

    /** As a successful cutover starts it: its id and when the application was healthy on PostgreSQL (T0). */
    private ProcessInstance startedByCutover() {
        return start(Map.of(ProcessVariables.CUTOVER_ID, "cutover-1", ProcessVariables.STARTED_AT, T0.toString(),
                ProcessVariables.DRY_RUN, false));
    }

    /** Runs the due jobs one by one (earliest first) until none is due. */
    private void runJobs() {
        var management = processEngine.getManagementService();
        while (management.createJobQuery().executable().count() > 0) {
            execute(management.createJobQuery().executable().orderByJobDuedate().asc().list().get(0));
        }
    }

    /** Moves the engine's clock to T0 + the duration and runs what fell due. */
    private void at(Duration sinceT0) {
        ClockUtil.setCurrentTime(Date.from(T0.plus(sinceT0)));
        runJobs();
    }

    private List<Task> tasks(ProcessInstance pi) {
        return processEngine.getTaskService().createTaskQuery().processInstanceId(pi.getId()).list();
    }

    private void decide(ProcessInstance pi, String user, String decision) {
        Task task = tasks(pi).get(0);
        processEngine.getIdentityService().setAuthenticatedUserId(user);
        try {
            processEngine.getTaskService().claim(task.getId(), user);
            processEngine.getTaskService().complete(task.getId(), Map.of(PlatinumVariables.ARCHIVE_DECISION, decision,
                    "note", "decided in the test"));
        } finally {
            processEngine.getIdentityService().clearAuthentication();
        }
        runJobs();
    }

    private Object variable(ProcessInstance pi, String name) {
        return processEngine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(pi.getId())
                .variableName(name).list().stream().findFirst().map(HistoricVariableInstance::getValue).orElse(null);
    }

    private void assertOutcome(ProcessInstance pi, String outcome, boolean success, String... messageParts) {
        assertThat(pi).isEnded();
        assertThat(variable(pi, ProcessVariables.OUTCOME)).isEqualTo(outcome);
        assertThat(variable(pi, ProcessVariables.OUTCOME_SUCCESS)).isEqualTo(success);
        assertThat((String) variable(pi, ProcessVariables.OUTCOME_MESSAGE)).contains(messageParts);
        assertThat(processEngine.getManagementService().createJobQuery().processInstanceId(pi.getId()).count()).isZero();
    }

    // ------------------------------------------------------------------ the report's time

    @Test
    void theReportFallsDueAtStartedAtPlusAfterAndNotBefore() {
        // started two hours after the application was healthy on PostgreSQL: the report still falls due at T0 + 24 h
        ClockUtil.setCurrentTime(Date.from(T0.plus(Duration.ofHours(2))));
        ProcessInstance pi = startedByCutover();
        var vars = processEngine.getRuntimeService().getVariables(pi.getId());
        assertThat(vars).containsEntry(ProcessVariables.STARTED_AT, "2025-06-02T10:00:00Z")
                .containsEntry(PlatinumVariables.REPORT_AFTER, "PT24H").containsEntry(PlatinumVariables.RETRY_AFTER, "PT24H")
                .containsEntry(PlatinumVariables.MAX_RETRIES, 3).containsEntry(PlatinumVariables.KEEP_SOURCE, "PT168H")
                .containsEntry(PlatinumVariables.RETRIES, 0).containsEntry(ProcessVariables.DRY_RUN, false);
        assertThat(pi).isWaitingAt("Event_ReportDue");
        assertThat(processEngine.getManagementService().createJobQuery().processInstanceId(pi.getId()).timers().singleResult()
                .getDuedate()).isEqualTo(Date.from(T0.plus(Duration.ofHours(24))));

        at(Duration.ofHours(24).minusMinutes(1));
        assertThat(calls).as("nothing before T0 + 24 h").isEmpty();
        at(Duration.ofHours(24));
        assertThat(calls).containsExactly(CHECK + "@24", COMPUTE + "@24");
        assertThat(pi).isWaitingAt("Event_KeepSource");
    }

    @Test
    void aReportAlreadyDueWhenStartedIsMadeAtOnce() {
        ClockUtil.setCurrentTime(Date.from(T0.plus(Duration.ofHours(30))));
        ProcessInstance pi = startedByCutover();
        assertThat(calls).containsExactly(CHECK + "@30", COMPUTE + "@30");
        assertThat(pi).isWaitingAt("Event_KeepSource");
    }

    // ------------------------------------------------------------------ granted

    @Test
    void grantedWaitsForKeepSourceThenTheDbaArchivesMySql() {
        ProcessInstance pi = startedByCutover();
        at(Duration.ofHours(24));
        assertThat(pi).isWaitingAt("Event_KeepSource");
        assertThat(processEngine.getManagementService().createJobQuery().processInstanceId(pi.getId()).timers().singleResult()
                .getDuedate()).as("MySQL kept 7 days after the cutover").isEqualTo(Date.from(T0.plus(Duration.ofDays(7))));

        at(Duration.ofDays(7).minusMinutes(1));
        assertThat(tasks(pi)).as("no archive offered before T0 + 7 days").isEmpty();
        at(Duration.ofDays(7));
        assertThat(calls).containsExactly(CHECK + "@24", COMPUTE + "@24", CHECK + "@168");
        Task task = tasks(pi).get(0);
        assertThat(task.getName()).isEqualTo("Archive MySQL?");
        assertThat(processEngine.getTaskService().getIdentityLinksForTask(task.getId())).extracting(IdentityLink::getGroupId)
                .containsExactly(ProcessKeys.DBA_GROUP);
        try (InputStream form = processEngine.getFormService().getDeployedTaskForm(task.getId())) {
            assertThat(new String(form.readAllBytes(), StandardCharsets.UTF_8)).contains("\"id\": \"platinumArchive\"",
                    "\"key\": \"archiveDecision\"", "\"key\": \"platinumVerdict\"", "\"key\": \"platinumReportFile\"");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }

        decide(pi, "bob", "yes");
        assertThat(calls).containsExactly(CHECK + "@24", COMPUTE + "@24", CHECK + "@168", ARCHIVE + "@168");
        assertOutcome(pi, "GRANTED_ARCHIVED", true, "PLATINUM GRANTED; MySQL archived: 2 table(s)");
        assertThat(pi).hasPassedInOrder("Event_ReportDue", "Task_CheckCutoverStands", "Task_ComputeReport", "Event_KeepSource",
                "Task_RecheckCutoverStands", "Task_DecideArchive", "Task_ArchiveSource", "EndEvent_GrantedArchived");
        assertThat(variable(pi, PlatinumVariables.ARCHIVE_DECIDED_BY)).isEqualTo("bob");
        assertThat(variable(pi, PlatinumVariables.APPROVED_BY)).isEqualTo("bob");
        assertThat(variable(pi, PlatinumVariables.DECOMMISSION_DECIDED)).isEqualTo(true);
        assertThat(variable(pi, PlatinumVariables.ARCHIVE_DECIDED_AT)).isNotNull();
    }

    @Test
    void grantedAndTheDbaKeepsMySql() {
        ProcessInstance pi = startedByCutover();
        at(Duration.ofDays(7));
        decide(pi, "carol", "no");
        assertThat(calls).doesNotContain(ARCHIVE + "@168");
        assertOutcome(pi, "GRANTED", true, "PLATINUM GRANTED; MySQL kept as it is, as decided by carol",
                "PLATINUM GRANTED: score 100/100");
        assertThat(pi).hasPassed("EndEvent_GrantedKept").hasNotPassed("Task_ArchiveSource");
        assertThat(variable(pi, PlatinumVariables.ARCHIVE_DECIDED_BY)).isEqualTo("carol");
    }

    @Test
    void aDecisionOtherThanYesOrNoIsRefusedOnTheServerAndTheTaskStaysOpen() {
        ProcessInstance pi = startedByCutover();
        at(Duration.ofDays(7));
        Task task = tasks(pi).get(0);
        assertThatThrownBy(() -> processEngine.getTaskService().complete(task.getId(),
                Map.of(PlatinumVariables.ARCHIVE_DECISION, "maybe")))
                .isInstanceOf(ProcessEngineException.class).hasMessageContaining("archiveDecision is 'maybe'")
                .hasMessageContaining("answer yes");
        assertThatThrownBy(() -> processEngine.getTaskService().complete(task.getId()))
                .hasMessageContaining("archiveDecision is not given");
        assertThat(tasks(pi)).hasSize(1);
        assertThat(variable(pi, PlatinumVariables.ARCHIVE_DECIDED_BY)).isNull();
        // completed without a signed-in user: the assignee decided
        processEngine.getTaskService().setAssignee(task.getId(), "dave");
        processEngine.getTaskService().complete(task.getId(), Map.of(PlatinumVariables.ARCHIVE_DECISION, "no"));
        runJobs();
        assertOutcome(pi, "GRANTED", true, "as decided by dave");
    }

    @Test
    void anArchiveRefusedByItsStepEndsMySqlNotArchived() {
        archiveRefuses = true;
        ProcessInstance pi = startedByCutover();
        at(Duration.ofDays(7));
        decide(pi, "bob", "yes");
        assertOutcome(pi, "ARCHIVE_FAILED", false, "PLATINUM GRANTED but MySQL not archived: MySQL jdbc:mysql://db/shop is writable");
        assertThat(pi).hasPassed("Boundary_ArchiveFailed", "EndEvent_NotArchived").hasNotPassed("EndEvent_GrantedArchived");
    }

    // ------------------------------------------------------------------ refused

    @Test
    void refusedIsReportedAgainAfterRetryAfterAndThenGranted() {
        verdicts.add("REFUSED");
        ProcessInstance pi = startedByCutover();
        at(Duration.ofHours(24));
        assertThat(pi).isWaitingAt("Event_RetryWait");
        assertThat(variable(pi, PlatinumVariables.RETRIES)).isEqualTo(1);
        assertThat(processEngine.getManagementService().createJobQuery().processInstanceId(pi.getId()).timers().singleResult()
                .getDuedate()).as("the next report as the refused one announced it").isEqualTo(Date.from(T0.plus(Duration.ofHours(48))));

        at(Duration.ofHours(48).minusMinutes(1));
        assertThat(calls).containsExactly(CHECK + "@24", COMPUTE + "@24");
        at(Duration.ofHours(48));
        assertThat(calls).containsExactly(CHECK + "@24", COMPUTE + "@24", CHECK + "@48", COMPUTE + "@48");
        assertThat(pi).isWaitingAt("Event_KeepSource");
        // MySQL is kept 7 days from the cutover, not from the granted report
        at(Duration.ofDays(7));
        assertThat(tasks(pi)).extracting(Task::getName).containsExactly("Archive MySQL?");
        decide(pi, "bob", "no");
        assertOutcome(pi, "GRANTED", true, "PLATINUM GRANTED");
    }

    @Test
    void refusedMaxRetriesPlusOneTimesEndsRefusedNamingTheFailingCriteria() {
        for (int i = 0; i < 4; i++) {
            verdicts.add("REFUSED");
        }
        ProcessInstance pi = startedByCutover();
        for (int h = 24; h <= 96; h += 24) {
            at(Duration.ofHours(h));
        }
        assertThat(calls).containsExactly(CHECK + "@24", COMPUTE + "@24", CHECK + "@48", COMPUTE + "@48", CHECK + "@72",
                COMPUTE + "@72", CHECK + "@96", COMPUTE + "@96");
        assertOutcome(pi, "REFUSED", false, "PLATINUM REFUSED", "failed: deadTuples, indexesUsed");
        assertThat(variable(pi, PlatinumVariables.RETRIES)).isEqualTo(3);
        assertThat(pi).hasPassed("EndEvent_Refused").hasNotPassed("Event_KeepSource");
    }

    @Test
    void theRunsSettingsGivenAtTheStartHoldOverTheConfiguredOnes() {
        verdicts.add("REFUSED");
        ProcessInstance pi = start(Map.of(ProcessVariables.STARTED_AT, T0.toString(), PlatinumVariables.REPORT_AFTER, "1h",
                PlatinumVariables.MAX_RETRIES, "0", PlatinumVariables.RETRY_AFTER, "PT2H", PlatinumVariables.KEEP_SOURCE, "0s"));
        assertThat(processEngine.getRuntimeService().getVariables(pi.getId())).containsEntry(PlatinumVariables.REPORT_AFTER, "PT1H")
                .containsEntry(PlatinumVariables.MAX_RETRIES, 0).containsEntry(PlatinumVariables.KEEP_SOURCE, "PT0S");
        at(Duration.ofHours(1));
        assertThat(calls).containsExactly(CHECK + "@1", COMPUTE + "@1");
        assertOutcome(pi, "REFUSED", false, "failed: deadTuples");
    }

    // ------------------------------------------------------------------ not applicable

    @Test
    void aCutoverRolledBackBeforeTheReportEndsNotApplicable() {
        stands.add(false);
        ProcessInstance pi = startedByCutover();
        at(Duration.ofHours(24));
        assertThat(calls).containsExactly(CHECK + "@24");
        assertOutcome(pi, "NOT_APPLICABLE", false, "PLATINUM NOT APPLICABLE - ROLLED BACK", "rollback 42 ended ROLLED_BACK");
        assertThat(pi).hasPassed("EndEvent_NotApplicable").hasNotPassed("Task_ComputeReport");
    }

    @Test
    void aCutoverRolledBackBeforeARetriedReportEndsNotApplicable() {
        verdicts.add("REFUSED");
        stands.add(true);
        stands.add(false);
        ProcessInstance pi = startedByCutover();
        at(Duration.ofHours(24));
        at(Duration.ofHours(48));
        assertThat(calls).containsExactly(CHECK + "@24", COMPUTE + "@24", CHECK + "@48");
        assertOutcome(pi, "NOT_APPLICABLE", false, "ROLLED BACK");
    }

    @Test
    void aCutoverRolledBackWhileMySqlIsKeptGetsNoArchiveOffer() {
        stands.add(true);
        stands.add(false);
        ProcessInstance pi = startedByCutover();
        at(Duration.ofDays(7));
        assertThat(tasks(pi)).isEmpty();
        assertOutcome(pi, "NOT_APPLICABLE", false, "ROLLED BACK after the PLATINUM report");
        assertThat(pi).hasPassed("EndEvent_NotApplicableLater").hasNotPassed("Task_DecideArchive");
    }

    // ------------------------------------------------------------------ by hand

    @Test
    void startedByHandFromItsStartFormWithoutStartedAtCountsFromNow() throws Exception {
        ClockUtil.setCurrentTime(Date.from(T0.plus(Duration.ofMinutes(5))));
        var definition = processEngine.getRepositoryService().createProcessDefinitionQuery()
                .processDefinitionKey(ProcessKeys.PLATINUM_REPORT).singleResult();
        try (InputStream form = processEngine.getFormService().getDeployedStartForm(definition.getId())) {
            assertThat(new String(form.readAllBytes(), StandardCharsets.UTF_8)).contains("\"id\": \"platinumStart\"",
                    "\"key\": \"startedAt\"");
        }
        processEngine.getIdentityService().setAuthenticatedUserId("alice");
        ProcessInstance pi;
        try {
            // Tasklist submits the form's empty field as an empty text
            pi = processEngine.getFormService().submitStartForm(definition.getId(),
                    Map.of(ProcessVariables.STARTED_AT, "", "note", "cutover done by hand last night"));
        } finally {
            processEngine.getIdentityService().clearAuthentication();
        }
        runJobs();
        var vars = processEngine.getRuntimeService().getVariables(pi.getId());
        assertThat(vars).containsEntry(ProcessVariables.STARTED_AT, "2025-06-02T10:05:00Z")
                .containsEntry(ProcessVariables.INITIATOR, "alice").containsEntry(ProcessVariables.DRY_RUN, false)
                .doesNotContainKey(ProcessVariables.CUTOVER_ID);
        at(Duration.ofMinutes(5).plusHours(24).minusSeconds(1));
        assertThat(calls).isEmpty();
        at(Duration.ofMinutes(5).plusHours(24));
        assertThat(calls).containsExactly(CHECK + "@24", COMPUTE + "@24");
    }

    @Test
    void aStartedAtThatIsNoInstantIsRefusedAtTheStart() {
        assertThatThrownBy(() -> start(Map.of(ProcessVariables.STARTED_AT, "yesterday evening")))
                .hasMessageContaining("startedAt is 'yesterday evening', which is not an ISO-8601 instant");
        assertThat(processEngine.getRuntimeService().createProcessInstanceQuery().count()).isZero();
    }

    @Test
    void theSettingsBeanComputesTheTimersFromTheRunsValues() {
        PlatinumSettings s = new PlatinumSettings(SettingsResolver.bind(Map.of("bascule.platinum.after", "12h",
                "bascule.platinum.keep-source", "3d", "bascule.platinum.max-retries", "1"), null));
        assertThat(s.reportAfter(null)).isEqualTo("PT12H");
        assertThat(s.reportAfter("90m")).isEqualTo("PT1H30M");
        assertThat(s.keepSource("")).isEqualTo("PT72H");
        assertThat(s.maxRetries(null)).isEqualTo(1);
        assertThat(s.dueAt("2025-06-02T10:00:00Z", "PT12H")).isEqualTo("2025-06-02T22:00:00Z");
        assertThat(s.keepUntil("2025-06-02T10:00:00Z", "PT72H")).isEqualTo("2025-06-05T10:00:00Z");
        assertThat(s.retryAt("2025-06-03T10:00:00.123Z", "PT24H", Date.from(T0))).isEqualTo("2025-06-03T10:00:00.123Z");
        assertThat(s.retryAt(null, "PT24H", Date.from(T0))).isEqualTo("2025-06-03T10:00:00Z");
        assertThat(s.incremented(2)).isEqualTo(3);
        assertThat(s.startedAt(Date.from(T0), Date.from(T0.plusSeconds(60)))).isEqualTo("2025-06-02T10:00:00Z");
        assertThatThrownBy(() -> s.reportAfter("0s")).hasMessageContaining("reportAfter is PT0S; give a positive duration");
        assertThatThrownBy(() -> s.maxRetries("-1")).hasMessageContaining("maxRetries is -1; give 0 or more");
        assertThatThrownBy(() -> s.keepSource("soon")).hasMessageContaining("keepSource holds 'soon', which is not a duration");
    }
}
