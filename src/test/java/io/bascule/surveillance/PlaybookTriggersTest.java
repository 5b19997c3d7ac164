package io.bascule.surveillance;

import io.bascule.config.BasculeProperties;
import io.bascule.config.SettingsResolver;
import io.bascule.process.Playbooks;
import io.bascule.process.ProcessKeys;
import io.bascule.process.SurveillanceVariables;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The automatic playbook triggers: the decision (a playbook raised when its condition starts, not again until it has
 * cleared for a sample; unmeasured samples neither raise nor clear) fed with made-up samples, then the correlation to
 * the surveillance model on an engine (its delegates doing nothing): the message raises the playbook with its trigger
 * line, a raise already in hand is not repeated, and a run not opened yet or rolling back is left alone.
 */
@Deployment(resources = {"bpmn/surveillance.bpmn", "bpmn-test/rollbackStub.bpmn", "forms/surveillanceStart.form",
        "forms/surveillanceChecklist.form", "forms/surveillanceProblem.form", "forms/surveillanceReport.form",
        "forms/surveillanceBackendDown.form", "forms/surveillanceSlowQueries.form", "forms/surveillanceConnections.form",
        "forms/surveillanceUserErrors.form", "forms/surveillanceUserErrorsRollback.form", "forms/surveillanceUserErrorsDecision.form"})
class PlaybookTriggersTest {

    @RegisterExtension
    static ProcessEngineExtension engine = ProcessEngineExtension.builder().configurationResource("camunda-unit.cfg.xml").build();

    ProcessEngine processEngine;

    static final BasculeProperties.Surveillance THRESHOLDS = SettingsResolver.bind(Map.of(
            "bascule.surveillance.max-connection-usage-pct", "50", "bascule.surveillance.health-failures", "3",
            "bascule.surveillance.slow-query", "200ms"), null).surveillance();

    // ------------------------------------------------------------------ samples

    static Sample sample(Double usagePct, List<Sample.QueryStat> slow, Sample.AppHealth health) {
        int usable = 197;
        Integer connections = usagePct == null ? null : (int) Math.round(usagePct * usable / 100);
        return new Sample(Instant.now(), 3, 5, "shop", "17.2", true, null, Map.of("active", 1, "idle", 4), connections,
                200, usable, usagePct, 0, true, null, 120L, 2.5, 900.0, List.of(), slow.size(), slow, 0.0, List.of(), 3,
                List.of(), 0, 0L, 0L, null, 99.5, List.of(), 0, List.of(), 0, List.of(), 0, health, List.of(), List.of());
    }

    static Sample usage(double pct) {
        return sample(pct, List.of(), null);
    }

    static Sample unreachable(Sample.AppHealth health) {
        return Sample.failed(Instant.now(), 10, 0, "shop", false, "connection refused", health);
    }

    static Sample.QueryStat slow(long id, double meanMs) {
        return new Sample.QueryStat(id, "SELECT * FROM orders WHERE customer_id = $1 /* " + id + " */", 4, meanMs, meanMs * 2, meanMs * 4);
    }

    static Sample slowQueries(Sample.QueryStat... statements) {
        return sample(10.0, List.of(statements), null);
    }

    static Sample.AppHealth health(boolean ok) {
        return new Sample.AppHealth("http://app.example/health", ok, ok ? 200 : 503, null, 12);
    }

    static List<String> messages(List<PlaybookConditions.Raise> raises) {
        return raises.stream().map(PlaybookConditions.Raise::message).toList();
    }

    // ------------------------------------------------------------------ the decision

    @Test
    void connectionsExhaustedIsRaisedWhenTheUsageGoesOverAndAgainOnlyAfterItCameBack() {
        PlaybookConditions c = new PlaybookConditions(THRESHOLDS);
        assertThat(c.next(usage(40))).isEmpty();
        List<PlaybookConditions.Raise> first = c.next(usage(60));
        assertThat(messages(first)).containsExactly(Playbooks.MESSAGE_CONNECTIONS_EXHAUSTED);
        assertThat(first.get(0).trigger()).contains("60.0 %").contains("118 of 197").contains("over the threshold 50 %")
                .contains("max-connection-usage-pct").doesNotContain("\n");
        assertThat(c.next(usage(70))).as("still over: raised already").isEmpty();
        assertThat(c.next(unreachable(null))).as("not measured: neither raised nor cleared").isEmpty();
        assertThat(c.next(usage(65))).as("not cleared by an unmeasured sample").isEmpty();
        assertThat(c.next(usage(50))).as("at the threshold: cleared, not raised").isEmpty();
        assertThat(messages(c.next(usage(55)))).as("over again after it cleared").containsExactly(Playbooks.MESSAGE_CONNECTIONS_EXHAUSTED);
    }

    @Test
    void backendDownNeedsTheConfiguredNumberOfFailedProbesInARow() {
        PlaybookConditions c = new PlaybookConditions(THRESHOLDS);
        assertThat(c.next(sample(10.0, List.of(), health(false)))).isEmpty();
        assertThat(c.next(sample(10.0, List.of(), health(false)))).isEmpty();
        assertThat(c.next(sample(10.0, List.of(), health(true)))).as("a healthy probe starts the count again").isEmpty();
        assertThat(c.next(sample(10.0, List.of(), health(false)))).isEmpty();
        assertThat(c.next(unreachable(health(false)))).as("PostgreSQL down too: the probe still counts").isEmpty();
        List<PlaybookConditions.Raise> raised = c.next(sample(10.0, List.of(), health(false)));
        assertThat(messages(raised)).containsExactly(Playbooks.MESSAGE_BACKEND_DOWN);
        assertThat(raised.get(0).trigger()).contains("http://app.example/health").contains("failed 3 times in a row")
                .contains("HTTP 503").contains("health-failures");
        assertThat(c.next(sample(10.0, List.of(), health(false)))).as("still failing: raised already").isEmpty();
        assertThat(c.next(sample(10.0, List.of(), health(true)))).isEmpty();
        for (int i = 0; i < 2; i++) {
            assertThat(c.next(sample(10.0, List.of(), health(false)))).isEmpty();
        }
        assertThat(messages(c.next(sample(10.0, List.of(), health(false))))).containsExactly(Playbooks.MESSAGE_BACKEND_DOWN);

        PlaybookConditions noUrl = new PlaybookConditions(THRESHOLDS);
        for (int i = 0; i < 5; i++) {
            assertThat(noUrl.next(unreachable(null))).as("no health URL configured: never raised").isEmpty();
        }
    }

    @Test
    void slowQueriesAreRaisedForStatementsNotRaisedBeforeUntilNoneIsSlow() {
        PlaybookConditions c = new PlaybookConditions(THRESHOLDS);
        assertThat(c.next(slowQueries())).isEmpty();
        List<PlaybookConditions.Raise> first = c.next(slowQueries(slow(1, 450)));
        assertThat(messages(first)).containsExactly(Playbooks.MESSAGE_SLOW_QUERIES);
        assertThat(first.get(0).trigger()).startsWith("1 statement with a mean time over 200 ms").contains("450.0 ms mean")
                .contains("SELECT * FROM orders WHERE customer_id = $1");
        assertThat(c.next(slowQueries(slow(1, 430)))).as("the same statement stays slow on paper").isEmpty();
        List<PlaybookConditions.Raise> second = c.next(slowQueries(slow(2, 900), slow(1, 430)));
        assertThat(messages(second)).as("a new slow statement").containsExactly(Playbooks.MESSAGE_SLOW_QUERIES);
        assertThat(second.get(0).trigger()).startsWith("2 statements").contains("900.0 ms");
        Sample unavailable = new Sample(Instant.now(), 3, 4, "shop", "17.2", true, null, Map.of(), 5, 200, 197, 2.5, 0,
                false, "pg_stat_statements is not installed", null, null, null, List.of(), null, List.of(), 0.0, List.of(),
                0, List.of(), 0, 0L, 0L, null, null, List.of(), 0, List.of(), 0, List.of(), 0, null, List.of(), List.of());
        assertThat(c.next(unavailable)).as("not measured").isEmpty();
        assertThat(c.next(slowQueries(slow(2, 900)))).as("not cleared by an unmeasured sample").isEmpty();
        assertThat(c.next(slowQueries())).as("none slow: cleared").isEmpty();
        assertThat(messages(c.next(slowQueries(slow(1, 430))))).containsExactly(Playbooks.MESSAGE_SLOW_QUERIES);
    }

    @Test
    void aRaiseThatCouldNotBeDeliveredIsRaisedAgainWithTheNextSample() {
        PlaybookConditions c = new PlaybookConditions(THRESHOLDS);
        List<PlaybookConditions.Raise> raised = c.next(sample(90.0, List.of(slow(7, 300)), null));
        assertThat(messages(raised)).containsExactly(Playbooks.MESSAGE_SLOW_QUERIES, Playbooks.MESSAGE_CONNECTIONS_EXHAUSTED);
        raised.forEach(c::forget);
        assertThat(messages(c.next(sample(90.0, List.of(slow(7, 300)), null))))
                .containsExactly(Playbooks.MESSAGE_SLOW_QUERIES, Playbooks.MESSAGE_CONNECTIONS_EXHAUSTED);
        assertThat(c.next(sample(90.0, List.of(slow(7, 300)), null))).isEmpty();
    }

    // ------------------------------------------------------------------ the correlation, on the model

    final List<String> calls = new ArrayList<>();

    @BeforeEach
    void registerDelegates() {
        for (String name : List.of("openSurveillanceDelegate", "sendH1ValidationDelegate", "sendStakeholderUpdateDelegate",
                "closeSurveillanceDelegate", "diagnoseBackendDelegate", "diagnoseSlowQueriesDelegate", "applySlowQueryFixDelegate",
                "listIdleSessionsDelegate", "endIdleSessionsDelegate", "adviseOnUserErrorsDelegate")) {
            Mocks.register(name, (JavaDelegate) execution -> {
                calls.add(name);
                if (name.equals("openSurveillanceDelegate")) {
                    execution.setVariable(SurveillanceVariables.SURVEILLANCE_OPENED_AT, Instant.now().toString());
                }
            });
        }
        Mocks.register("prefillChecklistListener", (TaskListener) task -> { });
        Mocks.register("surveillanceSettings", new SurveillanceSettings(SettingsResolver.bind(Map.of(), null)));
    }

    @AfterEach
    void reset() {
        Mocks.reset();
    }

    private void runJobs(ProcessInstance... instances) {
        var management = processEngine.getManagementService();
        for (ProcessInstance pi : instances) {
            while (management.createJobQuery().processInstanceId(pi.getId()).executable().count() > 0) {
                management.executeJob(management.createJobQuery().processInstanceId(pi.getId()).executable().list().get(0).getId());
            }
        }
    }

    private Object variable(ProcessInstance pi, String name) {
        return processEngine.getRuntimeService().getVariable(pi.getId(), name);
    }

    @Test
    void aSampleOverTheThresholdRaisesThePlaybookOfEachRunningSurveillanceOnce() {
        var runtime = processEngine.getRuntimeService();
        ProcessInstance watched = runtime.startProcessInstanceByKey(ProcessKeys.SURVEILLANCE);
        ProcessInstance rollingBack = runtime.startProcessInstanceByKey(ProcessKeys.SURVEILLANCE);
        runJobs(watched, rollingBack);
        runtime.createMessageCorrelation(Playbooks.MESSAGE_ROLLBACK_REQUESTED).processInstanceId(rollingBack.getId())
                .setVariable("reason", "test").correlate();
        ProcessInstance opening = runtime.startProcessInstanceByKey(ProcessKeys.SURVEILLANCE);   // its open step not run yet
        PlaybookTriggers triggers = new PlaybookTriggers(runtime, THRESHOLDS, null);

        triggers.accept(usage(20));
        assertThat(variable(watched, SurveillanceVariables.CONNECTIONS_EXHAUSTED_TRIGGER)).isNull();

        triggers.accept(usage(75));
        assertThat((String) variable(watched, SurveillanceVariables.CONNECTIONS_EXHAUSTED_TRIGGER))
                .startsWith("connections at 75.0 % of the usable connections");
        assertThat(variable(watched, SurveillanceVariables.CONNECTIONS_EXHAUSTED_OPEN)).isEqualTo(true);
        assertThat(variable(watched, Playbooks.TRIGGER)).as("the message's variable is consumed").isNull();
        assertThat(variable(rollingBack, SurveillanceVariables.CONNECTIONS_EXHAUSTED_TRIGGER))
                .as("a run whose rollback was requested is left alone").isNull();
        assertThat(variable(opening, SurveillanceVariables.CONNECTIONS_EXHAUSTED_TRIGGER))
                .as("a run not opened yet is left alone (no raise races its first step)").isNull();
        runJobs(watched);
        assertThat(calls).containsOnlyOnce("listIdleSessionsDelegate");

        triggers.accept(usage(80));
        runJobs(watched);
        assertThat(processEngine.getHistoryService().createHistoricActivityInstanceQuery().processInstanceId(watched.getId())
                .activityType("messageStartEvent").count()).as("raised once while the usage stays over").isEqualTo(1);

        triggers.accept(usage(30));
        triggers.accept(usage(85));
        assertThat(processEngine.getHistoryService().createHistoricActivityInstanceQuery().processInstanceId(watched.getId())
                .activityType("messageStartEvent").count()).as("raised again after it came back under").isEqualTo(2);
        assertThat(calls).as("the playbook is open: the second raise is already in hand").containsOnlyOnce("listIdleSessionsDelegate");

        runtime.deleteProcessInstance(watched.getId(), "test over");
        runtime.deleteProcessInstance(rollingBack.getId(), "test over");
        runtime.deleteProcessInstance(opening.getId(), "test over");
        triggers.accept(usage(95));   // no run left: nothing to raise, nothing fails
    }

    @Test
    void theTriggerLineFitsOneLineWithTheValueAndTheThreshold() {
        Duration d = THRESHOLDS.slowQuery();
        assertThat(d).isEqualTo(Duration.ofMillis(200));
        PlaybookConditions c = new PlaybookConditions(THRESHOLDS);
        Sample.QueryStat multiLine = new Sample.QueryStat(9L, "SELECT *\n  FROM orders\n WHERE id = $1", 2, 300, 320, 600);
        String trigger = c.next(slowQueries(multiLine)).get(0).trigger();
        assertThat(trigger).doesNotContain("\n").contains("SELECT * FROM orders WHERE id = $1");
    }
}
