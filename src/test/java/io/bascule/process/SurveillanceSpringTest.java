package io.bascule.process;

import io.bascule.config.SettingsResolver;
import io.bascule.surveillance.SurveillanceSettings;
import io.bascule.testing.SpringEngine;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The surveillance model on the engine as the application runs it (Camunda's Spring Boot starter, its Spring
 * expression manager): the start listeners read the bean surveillanceSettings and the engine's clock ({@code now()}),
 * the report task names the signed-in user ({@code currentUser()}), and a rollback decided there is handed to the
 * called rollback. Delegates are beans doing nothing; the rollback a stub.
 */
class SurveillanceSpringTest {

    @Test
    void theModelRunsOnTheApplicationsEngine() throws Exception {
        Map<String, Object> beans = new HashMap<>();
        List<String> calls = new ArrayList<>();
        for (String name : SurveillanceProcessTest.DELEGATES) {
            beans.put(name, (JavaDelegate) execution -> calls.add(name));
        }
        beans.put("prefillChecklistListener", (TaskListener) task -> { });
        beans.put("surveillanceSettings", new SurveillanceSettings(SettingsResolver.bind(Map.of(), null)));
        try (SpringEngine spring = SpringEngine.start("surveillance", false, beans)) {
            ProcessEngine engine = spring.engine();
            var deployment = engine.getRepositoryService().createDeployment();
            List<String> files = new ArrayList<>(List.of("bpmn/surveillance.bpmn", "src/test/resources/bpmn-test/rollbackStub.bpmn"));
            try (var forms = Files.list(Path.of("forms"))) {
                forms.filter(f -> f.getFileName().toString().startsWith("surveillance")).forEach(f -> files.add(f.toString()));
            }
            for (String f : files) {
                deployment.addString(Path.of(f).getFileName().toString(), Files.readString(Path.of(f)));
            }
            deployment.deploy();

            engine.getIdentityService().setAuthenticatedUserId("alice");
            ProcessInstance pi;
            try {
                pi = engine.getRuntimeService().startProcessInstanceByKey(ProcessKeys.SURVEILLANCE);
            } finally {
                engine.getIdentityService().clearAuthentication();
            }
            runJobs(engine);
            var vars = engine.getRuntimeService().getVariables(pi.getId());
            Instant startedAt = Instant.parse((String) vars.get(ProcessVariables.STARTED_AT));
            assertThat(Duration.between(startedAt, Instant.now()).abs()).isLessThan(Duration.ofMinutes(1));
            assertThat(vars).containsEntry(SurveillanceVariables.CHECKLIST_OFFSETS, "PT15M,PT30M,PT45M,PT1H")
                    .containsEntry(SurveillanceVariables.UPDATE_INTERVAL, "PT15M").containsEntry(ProcessVariables.DRY_RUN, false);
            assertThat(calls).containsExactly("openSurveillanceDelegate");
            // the first checklist and the first update wait for T+15
            assertThat(engine.getManagementService().createJobQuery().processInstanceId(pi.getId()).timers().list())
                    .extracting(j -> j.getDuedate().toInstant()).containsOnly(startedAt.plus(Duration.ofMinutes(15)));

            Task report = engine.getTaskService().createTaskQuery().processInstanceId(pi.getId()).singleResult();
            assertThat(report.getName()).isEqualTo("Report an incident");
            engine.getIdentityService().setAuthenticatedUserId("alice");
            try {
                engine.getTaskService().complete(report.getId(), Map.of(SurveillanceVariables.INCIDENT_KIND, Playbooks.KIND_ROLLBACK,
                        ProcessVariables.REASON, "invoices missing"));
            } finally {
                engine.getIdentityService().clearAuthentication();
            }
            runJobs(engine);
            ProcessInstance rollback = engine.getRuntimeService().createProcessInstanceQuery().superProcessInstanceId(pi.getId()).singleResult();
            assertThat(engine.getRuntimeService().getVariables(rollback.getId()))
                    .containsEntry(ProcessVariables.REASON, "invoices missing (reported by alice)")
                    .containsEntry(ProcessVariables.DECIDED_BY, "alice");
            assertThat(calls).containsExactly("openSurveillanceDelegate", "closeSurveillanceDelegate");
        }
    }

    private static void runJobs(ProcessEngine engine) {
        var management = engine.getManagementService();
        while (management.createJobQuery().executable().count() > 0) {
            management.executeJob(management.createJobQuery().executable().list().get(0).getId());
        }
    }
}
