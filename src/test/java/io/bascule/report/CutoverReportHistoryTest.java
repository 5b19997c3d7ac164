package io.bascule.report;

import io.bascule.config.BasculeProperties;
import io.bascule.process.GoWordListener;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cutover report on the in-memory engine: a small cutover-like run (started by alice with its prerequisites, a
 * war room task completed by carol, the GO given by bob through the real GO listener, a freeze step, a variable set by
 * dora through the API) whose report takes its timeline from the audit trail and ticks the checklist from the
 * history: who completed the task that gave a value, who started the run, who set a variable, when, in which step.
 */
class CutoverReportHistoryTest {

    @RegisterExtension
    static ProcessEngineExtension engine = ProcessEngineExtension.builder().configurationResource("camunda-unit.cfg.xml").build();

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T17:00:00Z"), ZoneOffset.UTC);
    static final Instant T0 = Instant.parse("2026-12-01T15:30:00Z");

    ProcessEngine processEngine;
    String deploymentId;

    @TempDir
    Path dir;

    /** The cutover's shape in small: start, war room, GO, freeze (sets the freeze variables), a task to wait at. */
    static BpmnModelInstance model() {
        return Bpmn.createExecutableProcess("cutoverSample").name("Cutover sample").camundaHistoryTimeToLive(1)
                .startEvent("Start").name("Cutover requested").camundaInitiator("initiator")
                .userTask("Task_WarRoom").name("Confirm the war room").camundaCandidateGroups("dba")
                .userTask("Task_Go").name("Phase 2: Set MySQL read-only").camundaCandidateGroups("dba")
                .camundaTaskListenerClass("complete", GoWordListener.class)
                .serviceTask("Task_Freeze").name("Phase 2: Freeze MySQL")
                .camundaExpression("${execution.setVariable('binlogPosition', 'binlog.000042:1337')}")
                .userTask("Task_Wait").name("Watch the application")
                .endEvent("End").name("Sample done")
                .done();
    }

    @BeforeEach
    void deploy() {
        deploymentId = processEngine.getRepositoryService().createDeployment().addModelInstance("cutoverSample.bpmn", model())
                .deploy().getId();
    }

    @AfterEach
    void undeploy() {
        ClockUtil.reset();
        processEngine.getIdentityService().clearAuthentication();
        processEngine.getRepositoryService().deleteDeployment(deploymentId, true);
    }

    private void at(int seconds) {
        ClockUtil.setCurrentTime(Date.from(T0.plusSeconds(seconds)));
    }

    private void as(String user, Runnable r) {
        processEngine.getIdentityService().setAuthenticatedUserId(user);
        try {
            r.run();
        } finally {
            processEngine.getIdentityService().clearAuthentication();
        }
    }

    private Task task(String id) {
        return processEngine.getTaskService().createTaskQuery().processInstanceId(id).singleResult();
    }

    @Test
    void theChecklistIsTickedFromTheRunsHistory() throws Exception {
        at(0);
        ProcessInstance[] pi = new ProcessInstance[1];
        as("alice", () -> pi[0] = processEngine.getRuntimeService().startProcessInstanceByKey("cutoverSample",
                Map.of("prerequisitesReport", "GOLD certificate valid")));
        String id = pi[0].getId();
        at(60);
        as("carol", () -> {
            processEngine.getTaskService().claim(task(id).getId(), "carol");
            processEngine.getTaskService().complete(task(id).getId(), Map.of("dbaPresent", true, "devopsPresent", true,
                    "appOwnerPresent", false, "stakeholdersInformed", true));
        });
        at(120);
        as("bob", () -> {
            processEngine.getTaskService().claim(task(id).getId(), "bob");
            processEngine.getTaskService().complete(task(id).getId(), Map.of("goWord", "GO"));
        });
        at(125);
        as("dora", () -> processEngine.getRuntimeService().setVariable(id, "monitoringChecked", true));

        AuditTrail trail = new AuditTrail(processEngine.getHistoryService(), processEngine.getRepositoryService(),
                processEngine.getTaskService());
        Map<String, AuditTrail.VariableSet> set = trail.variablesSet(id);
        assertThat(set.get("dbaPresent")).isEqualTo(new AuditTrail.VariableSet("dbaPresent", true, "2026-12-01T15:31:00.000Z",
                "Confirm the war room", "carol"));
        assertThat(set.get("prerequisitesReport").user()).as("a value the run started with: who started it").isEqualTo("alice");
        assertThat(set.get("binlogPosition")).isEqualTo(new AuditTrail.VariableSet("binlogPosition", "binlog.000042:1337",
                "2026-12-01T15:32:00.000Z", "Phase 2: Freeze MySQL", null));
        assertThat(set.get("monitoringChecked").user()).as("set through the API by a signed-in user").isEqualTo("dora");
        assertThat(set.get("goBy").user()).isEqualTo("bob");
        assertThat(trail.variablesSet("no-such-instance")).isEmpty();

        List<BasculeProperties.Contact> team = List.of(new BasculeProperties.Contact("Alice Martin", "DBA", "alice@example.org", null));
        CutoverReport report = new CutoverReport(trail, dir.resolve("reports"), team, CutoverChecklist.builtIn(), CLOCK);
        // what the report step passes on top of the history: the freeze's ends and the final delta, uncut
        ReportFacts facts = report.facts(id, "CUTOVER_SUCCESSFUL", Map.of("freezeStartedAt", "2026-12-01T15:32:00Z",
                "appHealthyAt", "2026-12-01T15:32:03.5Z", "finalDeltaSummary", "{\"invoices\": [2, 1, 0]}"),
                CutoverReportTest.certificate(), List.of(), List.of());
        List<Path> files = report.write(facts);

        assertThat(files.get(0)).isEqualTo(dir.resolve("reports/cutover-" + id + ".md"));
        String md = Files.readString(files.get(0));
        String goAt = ReportDocuments.time(Instant.parse(set.get("goAt").value().toString()));
        assertThat(md).startsWith("# CUTOVER SUCCESSFUL\n")
                .contains("| decided by | bob at " + goAt + " |")
                .contains("| write-freeze window | 3.500 s, from MySQL read-only at 2026-12-01 15:32:00.000 UTC")
                .contains("| invoices | 2 | 1 | 0 | 3 |")
                .contains("| invoices | invoices | 10,000 | a1b2c3d4 | 2 / 1 / 0 | 10,002 |")
                .contains("| Alice Martin | DBA | alice@example.org |  |");
        List<String> steps = md.lines().filter(l -> l.matches("\\| \\d+ \\| \\+.*")).toList();
        assertThat(steps).hasSize(5);
        assertThat(steps.get(0)).contains("| Cutover requested |").contains("| alice |");
        assertThat(steps.get(1)).contains("| Confirm the war room | 1m00s | carol | completed |");
        assertThat(steps.get(2)).contains("| Phase 2: Set MySQL read-only | 1m00s | bob | completed |");
        assertThat(steps.get(4)).contains("| Watch the application |").contains("| (running) |");

        assertThat(md).contains("- [x] Prerequisites met: GOLD certificate for these databases, both servers reachable, the"
                        + " application's config file holds its key, the application's MySQL login cannot bypass read-only — by"
                        + " alice at 2026-12-01 15:30:00.000 UTC\n")
                .contains("- [x] DBA present in the war room — by carol at 2026-12-01 15:31:00.000 UTC (Confirm the war room)\n")
                .contains("- [ ] Application owner present in the war room — still missing: the war room's confirmation that"
                        + " the application owner is present (appOwnerPresent is false)\n")
                .contains("- [x] GO typed by a DBA and checked on the server (four-eyes when configured) — by bob at " + goAt
                        + " (Phase 2: Set MySQL read-only)\n")
                .contains("- [x] Phase 2: binary log position read after the freeze — at 2026-12-01 15:32:00.000 UTC (Phase 2: Freeze MySQL)\n")
                .contains("- [x] Phase 2: MySQL read-only, long write transactions ended, the application's write refused — at"
                        + " 2026-12-01 15:32:00.000 UTC\n")
                .contains("- [x] Phase 8: monitoring collecting (pg_stat_statements) — by dora at 2026-12-01 15:32:05.000 UTC\n")
                .contains("- [ ] Phase 7: end-to-end checks passed (every table read, a write probe leaving no trace, the"
                        + " business checks) — still missing: the end-to-end checks (phase 7)\n")
                .contains("- [ ] T+60: no rollback trigger hit during the first hour, slow statements reviewed — still missing:"
                        + " the surveillance run (T+60 checklist)\n");

        // without a code the outcome comes from the history (still running here: in progress); an unknown instance is said
        assertThat(report.facts(id, null, null, null, List.of(), List.of()).title()).isEqualTo("CUTOVER IN PROGRESS");
        ReportFacts unknown = report.facts("no-such-instance", "NO_GO", Map.of("goBy", "bob"), null, List.of(), List.of());
        assertThat(unknown.notes()).singleElement().asString().contains("holds no process instance no-such-instance");
        assertThat(unknown.timeline()).isEmpty();
    }

    /** A surveillance-like run started for the cutover (its business key): its checklist tasks. */
    static BpmnModelInstance followUp() {
        return Bpmn.createExecutableProcess("followUpSample").name("Surveillance sample").camundaHistoryTimeToLive(1)
                .startEvent("Start").name("Surveillance requested")
                .userTask("Task_T15").name("Complete checklist T+15").camundaCandidateGroups("dba")
                .userTask("Task_T60").name("Complete checklist T+60").camundaCandidateGroups("dba")
                .endEvent("End").name("H+1 validation complete")
                .done();
    }

    @Test
    void theRunsTheCutoverStartedTickTheLaterItemsOfItsChecklist() throws Exception {
        String followUpDeployment = processEngine.getRepositoryService().createDeployment()
                .addModelInstance("followUpSample.bpmn", followUp()).deploy().getId();
        try {
            at(0);
            String id = processEngine.getRuntimeService().startProcessInstanceByKey("cutoverSample",
                    Map.of("prerequisitesReport", "GOLD certificate valid")).getId();
            at(900);
            String watch = processEngine.getRuntimeService().startProcessInstanceByKey("followUpSample", id,
                    Map.of("cutoverId", id)).getId();
            // another cutover's surveillance must not tick this one's boxes
            String other = processEngine.getRuntimeService().startProcessInstanceByKey("followUpSample", "another-cutover").getId();
            at(1800);
            as("erin", () -> {
                processEngine.getTaskService().claim(task(watch).getId(), "erin");
                processEngine.getTaskService().complete(task(watch).getId(), Map.of("surveillanceT15Passed", true));
            });
            as("frank", () -> processEngine.getTaskService().complete(task(other).getId(), Map.of("surveillanceT15Passed", false)));

            AuditTrail trail = new AuditTrail(processEngine.getHistoryService(), processEngine.getRepositoryService(),
                    processEngine.getTaskService());
            assertThat(trail.followUps(id)).containsExactly(watch);
            CutoverReport report = new CutoverReport(trail, dir.resolve("reports"), List.of(), CutoverChecklist.builtIn(), CLOCK);
            ReportFacts facts = report.facts(id, null, Map.of(), null, List.of(), List.of());
            String md = ReportDocuments.markdown(facts);
            assertThat(md).contains("- [x] T+15: error rate, latency and connections normal on PostgreSQL — by erin at"
                            + " 2026-12-01 16:00:00.000 UTC (Complete checklist T+15)\n")
                    .contains("- [ ] T+60: no rollback trigger hit during the first hour, slow statements reviewed — still"
                            + " missing: the surveillance run (T+60 checklist)\n");

            // the report file of a cutover is written again, from the history as it stands, once it has ended
            io.bascule.config.BasculeProperties props = io.bascule.config.SettingsResolver.bind(Map.of(
                    "bascule.work-dir", dir.toString()), null);
            Reports reports = new Reports(props, processEngine.getHistoryService(), processEngine.getRepositoryService(),
                    processEngine.getTaskService());
            assertThat(reports.refreshCutoverReport(id, null)).as("still running: nothing written").isEmpty();
            processEngine.getRuntimeService().deleteProcessInstance(id, "test: the cutover ended");
            List<Path> again = reports.refreshCutoverReport(id, null);
            assertThat(again).hasSize(2);
            assertThat(again.get(0).getFileName().toString()).isEqualTo("cutover-" + id + ".md");
            assertThat(Files.readString(again.get(0))).contains("- [x] T+15: error rate, latency and connections normal on"
                    + " PostgreSQL — by erin").contains("Written again at");
            assertThat(reports.refreshCutoverReport("no-such-instance", null)).isEmpty();
        } finally {
            processEngine.getRepositoryService().deleteDeployment(followUpDeployment, true);
        }
    }
}
