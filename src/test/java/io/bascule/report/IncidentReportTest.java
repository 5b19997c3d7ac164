package io.bascule.report;

import io.bascule.config.BasculeProperties;
import io.bascule.notify.MailDelivery;
import io.bascule.notify.MailTemplates;
import io.bascule.notify.Mailer;
import org.camunda.bpm.engine.ProcessEngine;
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

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rollback's incident report: its timeline taken from the audit trail of a finished run on the Camunda test
 * engine (steps, who decided, gateways left out), or passed directly; the changes per table with totals, the figures,
 * the files with size and SHA-256; and no credentials of a URL in the Markdown, the HTML or the e-mail carrying them.
 */
class IncidentReportTest {

    @RegisterExtension
    static ProcessEngineExtension engine = ProcessEngineExtension.builder().configurationResource("camunda-unit.cfg.xml").build();

    static final String SECRET = "hunter2-s3cr3t";
    static final String URL_WITH_SECRET = "jdbc:postgresql://app:" + SECRET + "@db.example:5432/shop?password=" + SECRET;
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T16:00:00Z"), ZoneOffset.UTC);

    ProcessEngine processEngine;
    String deploymentId;

    @TempDir
    Path dir;

    /** A small rollback-like run: two steps, a decision by a DBA, a gateway, an end. */
    static BpmnModelInstance model() {
        return Bpmn.createExecutableProcess("rollbackSample").name("Rollback sample").camundaHistoryTimeToLive(1)
                .startEvent("Start").name("Rollback requested")
                .serviceTask("Task_Stop").name("Stop application writes").camundaExpression("${true}")
                .userTask("Task_Decide").name("Decide to switch back").camundaCandidateGroups("dba")
                .exclusiveGateway("Gateway_Go").name("Switch back?")
                .serviceTask("Task_Switch").name("Switch application to source").camundaExpression("${true}")
                .endEvent("End_Done").name("Application on source")
                .done();
    }

    @BeforeEach
    void deploy() {
        deploymentId = processEngine.getRepositoryService().createDeployment().addModelInstance("rollbackSample.bpmn", model())
                .deploy().getId();
    }

    @AfterEach
    void undeploy() {
        processEngine.getRepositoryService().deleteDeployment(deploymentId, true);
    }

    private String finishedRun() {
        processEngine.getIdentityService().setAuthenticatedUserId("bob");
        ProcessInstance pi;
        try {
            pi = processEngine.getRuntimeService().startProcessInstanceByKey("rollbackSample");
        } finally {
            processEngine.getIdentityService().clearAuthentication();
        }
        Task task = processEngine.getTaskService().createTaskQuery().processInstanceId(pi.getId()).singleResult();
        processEngine.getIdentityService().setAuthenticatedUserId("alice");
        try {
            processEngine.getTaskService().claim(task.getId(), "alice");
            processEngine.getTaskService().complete(task.getId());
        } finally {
            processEngine.getIdentityService().clearAuthentication();
        }
        assertThat(processEngine.getHistoryService().createHistoricProcessInstanceQuery().processInstanceId(pi.getId())
                .singleResult().getState()).isEqualTo("COMPLETED");
        return pi.getId();
    }

    private ReportFacts facts(String instanceId, List<ReportFacts.Step> timeline) throws Exception {
        Path backup = Files.writeString(dir.resolve("forensic.dump"), "hello\n");
        Path env = Files.writeString(dir.resolve(".env"), "DATABASE_URL=mysql://app@db/shop\n");
        return IncidentReport.facts(instanceId, "Invoices missing after the switch; target was " + URL_WITH_SECRET,
                "alice", Instant.parse("2026-12-01T15:58:00Z"), "Application on source, source writable", timeline,
                List.of(new ReportFacts.TableChanges("invoices", 1200, 30, 4), new ReportFacts.TableChanges("tenants", 3, 0, 1)),
                List.of(new ReportFacts.Figure("time to application on source", "3.2 s"),
                        new ReportFacts.Figure("lag at start", "0.4 s, 17 changes"),
                        new ReportFacts.Figure("rows verified", "1,238")),
                List.of(ReportFacts.FileFact.of("forensic backup", backup), ReportFacts.FileFact.of("env file restored", env),
                        ReportFacts.FileFact.of("missing file", dir.resolve("gone.dump"))),
                List.of("Slot dropped; see " + URL_WITH_SECRET + " for the target."));
    }

    @Test
    void theTimelineComesFromTheAuditTrailOfTheRun() throws Exception {
        String id = finishedRun();
        AuditTrail trail = new AuditTrail(processEngine.getHistoryService(), processEngine.getRepositoryService(),
                processEngine.getTaskService());
        IncidentReport report = new IncidentReport(trail, dir.resolve("reports"), CLOCK);

        List<Path> files = report.write(facts(id, List.of(new ReportFacts.Step("ignored: the audit trail wins", null, null, null, null))));

        assertThat(files).containsExactly(dir.resolve("reports/incident-" + id + ".md"), dir.resolve("reports/incident-" + id + ".html"));
        String md = Files.readString(files.get(0));
        String html = Files.readString(files.get(1));
        assertThat(md).startsWith("# Rollback incident report\n")
                .contains("| decided by | alice at 2026-12-01 15:58:00.000 UTC |")
                .contains("| process instance | " + id + " |")
                .contains("| audit trail | bascule audit " + id + " (web: /audit/instance.html?id=" + id + ") |")
                .doesNotContain("ignored: the audit trail wins").doesNotContain("Switch back?");
        List<String> stepLines = md.lines().filter(l -> l.matches("\\| \\d+ \\| \\+.*")).toList();
        assertThat(stepLines).hasSize(5);
        assertThat(stepLines.get(0)).contains("| +00:00.0 |").contains("| Rollback requested |").contains("| bob |").contains("| completed |");
        assertThat(stepLines.get(1)).contains("| Stop application writes |");
        assertThat(stepLines.get(2)).contains("| Decide to switch back |").contains("| alice |").contains("| completed |");
        assertThat(stepLines.get(3)).contains("| Switch application to source |");
        assertThat(stepLines.get(4)).contains("| Application on source |");
        assertThat(html).contains("<td>Decide to switch back</td>").contains("<td>alice</td>").doesNotContain("Switch back?");
        checkCountsFiguresFiles(md, html);
    }

    @Test
    void aTimelinePassedDirectlyWithoutAnAuditTrail() throws Exception {
        Instant t0 = Instant.parse("2026-12-01T15:58:10Z");
        List<ReportFacts.Step> timeline = List.of(
                new ReportFacts.Step("Stop application writes", t0, t0.plusMillis(800), "cli", "completed"),
                new ReportFacts.Step("Drain the reverse channel", t0.plusMillis(800), t0.plusMillis(2100), null, "completed"),
                new ReportFacts.Step("Write incident report", t0.plusSeconds(75), null, null, "active"));
        IncidentReport report = new IncidentReport(null, dir.resolve("reports"), CLOCK);

        List<Path> files = report.write(facts("pi-7", timeline));

        String md = Files.readString(files.get(0));
        String html = Files.readString(files.get(1));
        assertThat(md).contains("| 1 | +00:00.0 | 2026-12-01 15:58:10.000 UTC | Stop application writes | 800 ms | cli | completed |")
                .contains("| 2 | +00:00.8 | 2026-12-01 15:58:10.800 UTC | Drain the reverse channel | 1.3 s |  | completed |")
                .contains("| 3 | +01:15.0 | 2026-12-01 15:59:25.000 UTC | Write incident report | (running) |  | active |");
        assertThat(html).contains("<td>Drain the reverse channel</td><td class=\"n\">1.3 s</td>");
        checkCountsFiguresFiles(md, html);

        // an instance the history does not hold: the timeline passed, and a note saying so
        AuditTrail trail = new AuditTrail(processEngine.getHistoryService(), processEngine.getRepositoryService(),
                processEngine.getTaskService());
        ReportFacts completed = new IncidentReport(trail, dir, CLOCK).complete(facts("no-such-instance", timeline));
        assertThat(completed.timeline()).isEqualTo(timeline);
        assertThat(completed.notes()).last().asString().contains("holds no process instance no-such-instance");
        // no instance at all: the file is named by the time
        assertThat(ReportDocuments.baseName(facts(null, timeline), CLOCK.instant())).isEqualTo("incident-20261201T160000Z");
    }

    @Test
    void theReportAndItsEmailCarryNoCredentials() throws Exception {
        List<Path> files = new IncidentReport(null, dir.resolve("reports"), CLOCK).write(facts("pi-9", List.of()));
        BasculeProperties.Notify notify = new BasculeProperties.Notify(List.of("ops@example.org"), List.of(), "bascule@example.org",
                "[Bascule]", null, null, null);
        Mailer mailer = new Mailer(notify, null, null, new MailTemplates(null), dir.resolve("mail"), CLOCK);
        Map<String, Object> values = IncidentReport.mailValues(facts("pi-9", List.of()), files, "MySQL", "PostgreSQL",
                "Dana (DBA), dana@example.org");
        assertThat(values).containsEntry("timeToSource", "3.2 s")
                .containsEntry("changesCarriedBack", "1,203 inserts, 30 updates, 5 deletes in 2 table(s)")
                .containsEntry("decidedAt", "2026-12-01 15:58:00.000 UTC");
        MailDelivery d = mailer.send("rollback-incident", values, files);

        assertThat(d.outcome()).isEqualTo(MailDelivery.Outcome.WRITTEN);
        assertThat(d.problem()).as("every placeholder of the template has a value").isNull();
        String eml = Files.readString(d.file(), StandardCharsets.ISO_8859_1);
        assertThat(eml).contains("incident-pi-9.md").contains("incident-pi-9.html");
        for (Path f : List.of(files.get(0), files.get(1), d.file())) {
            assertThat(Files.readString(f, StandardCharsets.ISO_8859_1)).as(f.toString()).doesNotContain(SECRET);
        }
        assertThat(Files.readString(files.get(0))).contains("jdbc:postgresql://***@db.example:5432/shop?password=***");
        assertThat(Files.readString(files.get(0))).contains("No steps recorded.");
    }

    private static void checkCountsFiguresFiles(String md, String html) {
        assertThat(md).contains("| invoices | 1,200 | 30 | 4 | 1,234 |")
                .contains("| tenants | 3 | 0 | 1 | 4 |")
                .contains("| all 2 table(s) | 1,203 | 30 | 5 | 1,238 |")
                .contains("| time to application on source | 3.2 s |")
                .contains("| lag at start | 0.4 s, 17 changes |")
                .contains("| rows verified | 1,238 |")
                .contains("| forensic backup | `" + "/") // the path, then size and hash
                .contains("forensic.dump` | 6 B | `5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03` |")
                .contains("| env file restored | `")
                .contains(".env` | 33 B | `")
                .contains("gone.dump` | not found | - |")
                .contains("- Slot dropped; see jdbc:postgresql://***@db.example:5432/shop?password=*** for the target.")
                .contains("| reason | Invoices missing after the switch; target was jdbc:postgresql://***@db.example:5432/shop?password=*** |")
                .doesNotContain(SECRET);
        assertThat(html).contains("<td>invoices</td><td class=\"n\">1,200</td><td class=\"n\">30</td><td class=\"n\">4</td><td class=\"n\">1,234</td>")
                .contains("<th>time to application on source</th><td>3.2 s</td>")
                .contains("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03")
                .doesNotContain(SECRET);
    }
}
