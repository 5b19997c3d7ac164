package io.bascule.surveillance;

import io.bascule.config.BasculeProperties;
import io.bascule.config.SettingsResolver;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.process.ProcessKeys;
import io.bascule.process.ProcessVariables;
import io.bascule.process.SurveillanceVariables;
import io.bascule.testing.SpringEngine;
import org.camunda.bpm.engine.ProcessEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The live page's documents on a real engine (the application's Spring engine with the real surveillance model) and a
 * {@link SurveillanceLoop} fed with samples: the status of each situation (no target, PostgreSQL unreachable since the
 * first failed sample, alerts, all well), the active run with its open tasks told apart (checklist, playbook, the
 * standing report) and its checklists, the charts' samples from memory and, older, from the sample files.
 */
class LiveStateTest {

    @TempDir
    Path work;

    private static BasculeProperties properties(String targetUrl) {
        return SettingsResolver.bind(targetUrl == null ? Map.of() : Map.of("bascule.target.url", targetUrl), null);
    }

    private static SpringEngine engine(SurveillanceSettings schedule) throws Exception {
        SpringEngine spring = SpringEngine.start("live-state", false, Map.of("surveillanceSettings", schedule));
        var deployment = spring.engine().getRepositoryService().createDeployment();
        List<String> files = new ArrayList<>(List.of("bpmn/surveillance.bpmn", "src/test/resources/bpmn-test/rollbackStub.bpmn"));
        try (var forms = Files.list(Path.of("forms"))) {
            forms.filter(f -> f.getFileName().toString().startsWith("surveillance")).forEach(f -> files.add(f.toString()));
        }
        for (String f : files) {
            deployment.addString(Path.of(f).getFileName().toString(), Files.readString(Path.of(f)));
        }
        deployment.deploy();
        return spring;
    }

    private static LiveState live(SurveillanceLoop loop, BasculeProperties properties, ProcessEngine engine) {
        return new LiveState(loop, new SurveillanceSettings(properties), properties, engine.getRuntimeService(),
                engine.getTaskService(), engine.getRepositoryService());
    }

    @SuppressWarnings("unchecked")
    private static <T> T at(Map<String, Object> doc, String... path) {
        Object o = doc;
        for (String key : path) {
            o = ((Map<String, Object>) o).get(key);
        }
        return (T) o;
    }

    @Test
    void withoutTargetTheSamplingIsOffAndTheChartsReadTheSampleFiles() throws Exception {
        BasculeProperties properties = properties(null);
        SampleStore store = new SampleStore(work, Duration.ofDays(30));
        Instant now = Instant.now();
        store.append(SampleStoreTest.sample(now.minus(Duration.ofMinutes(90)), 1));
        store.append(SampleStoreTest.sample(now.minus(Duration.ofMinutes(30)), 2));
        SurveillanceLoop loop = new SurveillanceLoop(() -> null, store, SamplerIT.defaults(), null);
        try (SpringEngine spring = engine(new SurveillanceSettings(properties))) {
            LiveState live = live(loop, properties, spring.engine());
            Map<String, Object> state = live.state();
            assertThat(state).containsKeys("now", "sampling", "status", "thresholds", "latest", "latestAgeSeconds",
                    "failedChecks", "runs", "run");
            assertThat(at(state, "status", "level").toString()).isEqualTo("off");
            assertThat(at(state, "status", "message").toString()).contains("no target database configured", "bascule.target.url");
            assertThat(at(state, "sampling", "running").toString()).isEqualTo("false");
            assertThat(at(state, "sampling", "targetConfigured").toString()).isEqualTo("false");
            assertThat(state.get("latest")).isNull();
            assertThat(state.get("run")).isNull();
            assertThat((List<?>) state.get("runs")).isEmpty();
            assertThat(at(state, "thresholds", "maxAvgQueryMs").toString()).isEqualTo("100.0");
            assertThat(at(state, "thresholds", "slowQueryMs").toString()).isEqualTo("1000");

            // the charts: nothing in memory, so the sample files
            Map<String, Object> hour = live.samples(60);
            List<Map<String, Object>> points = at(hour, "points");
            assertThat(points).hasSize(1);
            assertThat(points.get(0).keySet()).isEqualTo(LiveState.pointKeys());
            assertThat(points.get(0).get("connectionsByState")).isEqualTo(Map.of("active", 1, "idle", 2, "idle in transaction", 0));
            assertThat(live.samples(120).get("samples")).isEqualTo(2);
            assertThatThrownBy(() -> live.samples(0)).hasMessageContaining("minutes must be between 1 and 1440");
            assertThatThrownBy(() -> live.samples(1441)).hasMessageContaining("got 1441");
        }
    }

    @Test
    void theStatusSaysSinceWhenPostgresIsUnreachableThenAlertsAndThenAllWell() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + closed + "/shop?password=hidden";
        BasculeProperties properties = properties(url);
        BasculeProperties.Surveillance slow = new BasculeProperties.Surveillance(Duration.ofHours(1), 80, 100,
                Duration.ofSeconds(1), 5, 3, Duration.ofMinutes(5), Duration.ofMinutes(1), List.of(Duration.ofMinutes(15)),
                Duration.ofMinutes(15), 50, Duration.ofDays(30));
        DatabaseEndpoint target = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, url, "postgres", null);
        SurveillanceLoop loop = new SurveillanceLoop(() -> new Sampler(target, slow, null),
                new SampleStore(work, Duration.ofDays(30)), slow, null);
        try (SpringEngine spring = engine(new SurveillanceSettings(properties))) {
            LiveState live = live(loop, properties, spring.engine());
            assertThat(loop.start()).isTrue();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (loop.latest() == null) {
                assertThat(System.nanoTime()).as("the first sample within 30 s").isLessThan(deadline);
                Thread.sleep(20);
            }
            Sample first = loop.latest();
            assertThat(first.reachable()).isFalse();

            Map<String, Object> state = live.state();
            assertThat(at(state, "status", "level").toString()).isEqualTo("unreachable");
            assertThat(at(state, "status", "since").toString()).isEqualTo(first.at().toString());
            assertThat(at(state, "status", "message").toString()).startsWith("PostgreSQL unreachable since " + first.at() + ": ");
            assertThat(at(state, "status", "reason").toString()).isEqualTo(first.error());
            assertThat(at(state, "sampling", "target").toString()).doesNotContain("hidden").contains("127.0.0.1:" + closed);
            assertThat((List<?>) state.get("failedChecks")).isNotEmpty();

            // still unreachable a sample later: since the first one
            Sample second = Sample.failed(first.at().plusSeconds(5), 3, 0, "shop", false, "Connection refused", null);
            loop.record(second.withAlerts(SampleChecks.evaluate(second, slow)));
            assertThat(at(live.state(), "status", "since").toString()).isEqualTo(first.at().toString());

            // reachable with a failed check: an alert since that sample
            Sample busy = SampleStoreTest.sample(first.at().plusSeconds(10), 90);
            assertThat(busy.failedChecks()).extracting(Sample.Check::key).containsExactly(SampleChecks.CONNECTIONS);
            loop.record(busy);
            state = live.state();
            assertThat(at(state, "status", "level").toString()).isEqualTo("alert");
            assertThat(at(state, "status", "since").toString()).isEqualTo(busy.at().toString());
            assertThat(at(state, "status", "message").toString()).isEqualTo("1 check fails: Connections");
            assertThat((List<Sample.Check>) at(state, "failedChecks")).extracting(Sample.Check::key).containsExactly("connections");
            assertThat(((Sample) state.get("latest")).at()).isEqualTo(busy.at());

            loop.record(SampleStoreTest.sample(first.at().plusSeconds(15), 3));
            state = live.state();
            assertThat(at(state, "status", "level").toString()).isEqualTo("ok");
            assertThat(at(state, "status", "message").toString()).isEqualTo("Every check passes");

            // the charts: the four samples from memory, unreachable ones without figures
            List<Map<String, Object>> points = at(live.samples(60), "points");
            assertThat(points).extracting(p -> p.get("reachable")).containsExactly(false, false, true, true);
            assertThat(points.get(2).get("connections")).isEqualTo(91);
            assertThat(points.get(0).get("connectionsByState")).isEqualTo(Map.of());
        } finally {
            loop.stop();
        }
    }

    @Test
    void theActiveRunShowsItsOpenTasksByKindItsChecklistsAndItsOpenPlaybooks() throws Exception {
        BasculeProperties properties = properties(null);
        SurveillanceSettings schedule = new SurveillanceSettings(properties);
        SurveillanceLoop loop = new SurveillanceLoop(() -> null, new SampleStore(work, Duration.ofDays(30)), SamplerIT.defaults(), null);
        try (SpringEngine spring = engine(schedule)) {
            ProcessEngine engine = spring.engine();
            // a run 31 minutes in: T+15 confirmed, T+30 open, the report task standing, the slow-queries playbook asking
            // for a decision (started at those steps, listeners skipped: the delegates are not needed)
            Instant startedAt = Instant.now().minus(Duration.ofMinutes(31)).truncatedTo(ChronoUnit.MILLIS);
            String dueT30 = schedule.checklistDueAt(startedAt.toString(), "PT30M");
            String id = engine.getRuntimeService().createProcessInstanceByKey(ProcessKeys.SURVEILLANCE)
                    .businessKey("cutover-42")
                    .setVariable(ProcessVariables.STARTED_AT, startedAt.toString())
                    .setVariable(ProcessVariables.DRY_RUN, false)
                    .setVariable(SurveillanceVariables.CUTOVER_ID, "cutover-42")
                    .setVariable(SurveillanceVariables.CHECKLIST_OFFSETS, "PT15M,PT30M,PT45M,PT1H")
                    .setVariable(SurveillanceVariables.UPDATE_INTERVAL, "PT15M")
                    .setVariable("surveillanceT15Passed", true)
                    .setVariable(SurveillanceVariables.SLOW_QUERIES_OPEN, true)
                    .setVariable(SurveillanceVariables.SLOW_QUERIES_TRIGGER, "a statement slower than 1 s")
                    .startBeforeActivity("Task_CompleteChecklist")
                    .setVariableLocal(SurveillanceVariables.CHECKLIST_OFFSET, "PT30M")
                    .setVariableLocal(SurveillanceVariables.CHECKLIST_LABEL, "T+30")
                    .setVariableLocal(SurveillanceVariables.CHECKLIST_DUE_AT, dueT30)
                    .startBeforeActivity("Task_ReportIncident")
                    .startBeforeActivity("Task_ApproveSlowQueryFix")
                    .execute(true, false).getId();

            LiveState live = live(loop, properties, engine);
            Map<String, Object> state = live.state();
            List<Map<String, Object>> runs = at(state, "runs");
            assertThat(runs).hasSize(1);
            Map<String, Object> run = at(state, "run");
            assertThat(run).containsEntry("id", id).containsEntry("businessKey", "cutover-42").containsEntry("cutoverId", "cutover-42")
                    .containsEntry("dryRun", false).containsEntry("startedAt", startedAt);
            assertThat((Long) run.get("elapsedSeconds")).isBetween(31 * 60L, 33 * 60L);

            List<Map<String, Object>> tasks = at(run, "tasks");
            assertThat(tasks).extracting(t -> t.get("name") + " | " + t.get("kind") + " | " + t.get("checklist") + " | " + t.get("playbook"))
                    .containsExactlyInAnyOrder("Complete checklist T+30 | checklist | T+30 | null",
                            "Report an incident | task | null | null",
                            "Approve a fix for slow queries | playbook | null | Slow queries");
            Map<String, Object> checklistTask = tasks.stream().filter(t -> "checklist".equals(t.get("kind"))).findFirst().orElseThrow();
            assertThat(checklistTask.get("due")).isEqualTo(Instant.parse(dueT30));
            assertThat(checklistTask.get("url")).isEqualTo("/camunda/app/tasklist/default/#/?task=" + checklistTask.get("id"));
            assertThat(checklistTask.get("created")).isNotNull();

            List<Map<String, Object>> checklists = at(run, "checklists");
            assertThat(checklists).extracting(c -> c.get("label") + " " + c.get("state"))
                    .containsExactly("T+15 confirmed", "T+30 open", "T+45 scheduled", "T+60 scheduled");
            assertThat(checklists.get(2).get("dueAt")).isEqualTo(startedAt.plus(Duration.ofMinutes(45)));
            Map<String, Object> next = at(run, "nextChecklist");
            assertThat(next).containsEntry("label", "T+45").containsEntry("dueAt", startedAt.plus(Duration.ofMinutes(45)));
            assertThat((List<Map<String, Object>>) at(run, "openPlaybooks")).containsExactly(
                    Map.of("kind", "slowQueries", "name", "Slow queries", "trigger", "a statement slower than 1 s"));
            assertThat((List<?>) at(run, "incidents")).isEmpty();

            // the JSON of the state: instants as ISO text, the run's keys
            String json = SampleJson.mapper().writeValueAsString(state);
            assertThat(json).contains("\"startedAt\":\"" + startedAt + "\"", "\"kind\":\"playbook\"", "\"nextChecklist\":{\"label\":\"T+45\"");

            // an ended run is no longer shown
            engine.getRuntimeService().deleteProcessInstance(id, "test", true);
            assertThat(live.state().get("run")).isNull();
        }
    }
}
