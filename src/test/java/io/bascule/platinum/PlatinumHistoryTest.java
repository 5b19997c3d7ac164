package io.bascule.platinum;

import io.bascule.process.ProcessKeys;
import io.bascule.process.ProcessVariables;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.Date;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PLATINUM report's history lookup on the in-memory engine, with small stand-ins of the cutover and surveillance
 * runbooks (same process keys): the last successful cutover (dry runs and failures passed over), its start and switch
 * times, and the incidents of the cutover and of the surveillance runs since, open or resolved.
 */
class PlatinumHistoryTest {

    @RegisterExtension
    static ProcessEngineExtension engine = ProcessEngineExtension.builder().configurationResource("camunda-unit.cfg.xml").build();

    static final Instant T0 = Instant.parse("2026-12-01T02:00:00Z");

    ProcessEngine processEngine;
    String deploymentId;

    /** A runbook in small: a task to wait at, then the end. */
    static BpmnModelInstance model(String key) {
        return Bpmn.createExecutableProcess(key).camundaHistoryTimeToLive(1).startEvent("Start")
                .userTask("Task_Wait").name("Wait").endEvent("End").done();
    }

    @BeforeEach
    void deploy() {
        deploymentId = processEngine.getRepositoryService().createDeployment()
                .addModelInstance("cutover.bpmn", model(ProcessKeys.CUTOVER))
                .addModelInstance("surveillance.bpmn", model(ProcessKeys.SURVEILLANCE)).deploy().getId();
    }

    @AfterEach
    void undeploy() {
        ClockUtil.reset();
        processEngine.getRepositoryService().deleteDeployment(deploymentId, true);
    }

    private void at(int minutes) {
        ClockUtil.setCurrentTime(Date.from(T0.plusSeconds(60L * minutes)));
    }

    private RuntimeService runtime() {
        return processEngine.getRuntimeService();
    }

    /** Runs a cutover stand-in to its end with an outcome; switched (at minute {@code switchAt}) when not null. */
    private String cutover(int startAt, Integer switchAt, String outcome) {
        at(startAt);
        ProcessInstance pi = runtime().startProcessInstanceByKey(ProcessKeys.CUTOVER, Map.of(ProcessVariables.DRY_RUN, false));
        if (switchAt != null) {
            at(switchAt);
            runtime().setVariable(pi.getId(), ProcessVariables.APPLICATION_SWITCHED, true);
        }
        runtime().setVariable(pi.getId(), ProcessVariables.OUTCOME, outcome);
        processEngine.getTaskService().complete(processEngine.getTaskService().createTaskQuery().processInstanceId(pi.getId())
                .singleResult().getId());
        return pi.getId();
    }

    @Test
    void withoutACutoverNothingIsFoundAndTheNoteSaysWhy() {
        PlatinumHistory.Found found = new PlatinumHistory(processEngine.getHistoryService()).find();
        assertThat(found.cutover()).isNull();
        assertThat(found.runs()).isNull();
        assertThat(found.note()).isEqualTo("the engine's history holds no cutover run");

        cutover(0, null, "DRY_RUN_PASSED");
        found = new PlatinumHistory(processEngine.getHistoryService()).find();
        assertThat(found.cutover()).isNull();
        assertThat(found.note()).startsWith("the engine's history holds 1 cutover run(s), none ended CUTOVER SUCCESSFUL");
    }

    @Test
    void theLastSuccessfulCutoverAndTheIncidentsOfItsRunsAreFound() {
        String early = cutover(0, 10, "CUTOVER_SUCCESSFUL");
        at(20);
        ProcessInstance before = runtime().startProcessInstanceByKey(ProcessKeys.SURVEILLANCE);
        runtime().createIncident("bascule-test", before.getId(), "x", "a surveillance incident before the cutover");
        String cutover = cutover(60, 75, "CUTOVER_SUCCESSFUL");
        cutover(200, null, "DRY_RUN_PASSED");
        at(80);
        ProcessInstance watch = runtime().startProcessInstanceByKey(ProcessKeys.SURVEILLANCE);
        at(90);
        Incident open = runtime().createIncident("bascule-test", watch.getId(), "x", "connections\nexhausted");
        at(95);
        Incident resolved = runtime().createIncident("bascule-test", watch.getId(), "y", "slow query");
        at(96);
        runtime().resolveIncident(resolved.getId());

        PlatinumHistory.Found found = new PlatinumHistory(processEngine.getHistoryService()).find();

        assertThat(found.cutover()).isEqualTo(new CutoverHistory(cutover, T0.plusSeconds(3600), T0.plusSeconds(75 * 60),
                "CUTOVER_SUCCESSFUL"));
        assertThat(found.cutover().processInstanceId()).isNotEqualTo(early);
        RunHistory runs = found.runs();
        assertThat(runs.runs()).containsExactly("cutover " + cutover + " (completed)", "surveillance " + watch.getId() + " (running)");
        assertThat(runs.incidents()).isEqualTo(2);
        assertThat(runs.open()).isEqualTo(1);
        assertThat(runs.descriptions()).containsExactly(
                "surveillance " + watch.getId() + ", step Task_Wait: bascule-test \"connections exhausted\" at 2026-12-01 03:30:00.000 UTC, OPEN",
                "surveillance " + watch.getId() + ", step Task_Wait: bascule-test \"slow query\" at 2026-12-01 03:35:00.000 UTC,"
                        + " resolved at 2026-12-01 03:36:00.000 UTC");
        assertThat(open.getIncidentMessage()).contains("exhausted");
        assertThat(new PlatinumHistory(processEngine.getHistoryService()).cutover(early)).get()
                .extracting(CutoverHistory::switchedAt).isEqualTo(T0.plusSeconds(600));
    }
}
