package io.bascule.process;

import io.bascule.config.SettingsResolver;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.StandaloneInMemProcessEngineConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Models bind their forms to their deployment (formRefBinding="deployment"): a model edited and redeployed alone must
 * still find its forms, while unchanged models keep their version.
 */
class ProcessDeployerTest {

    ProcessEngine engine;

    @BeforeEach
    void start() {
        StandaloneInMemProcessEngineConfiguration cfg = new StandaloneInMemProcessEngineConfiguration();
        cfg.setJdbcUrl("jdbc:h2:mem:deployer-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        cfg.setHistory("full");
        engine = cfg.buildProcessEngine();
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    private void deploy(Path bpmnDir) {
        new ProcessDeployer(engine.getRepositoryService(), engine.getManagementService(),
                SettingsResolver.bind(Map.of("bascule.bpmn-dir", bpmnDir.toString()), null)).deploy();
    }

    /** The start form of the latest version of the process, as Tasklist gets it. */
    private String startForm(String key) throws Exception {
        var definition = engine.getRepositoryService().createProcessDefinitionQuery().processDefinitionKey(key)
                .latestVersion().singleResult();
        try (InputStream in = engine.getFormService().getDeployedStartForm(definition.getId())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aModelEditedAloneKeepsItsFormsAndTheOthersTheirVersion(@TempDir Path dir) throws Exception {
        for (String key : ProcessKeys.ALL) {
            Files.copy(Path.of("bpmn", key + ".bpmn"), dir.resolve(key + ".bpmn"));
        }
        deploy(dir);
        deploy(dir);   // nothing changed: nothing new
        var definitions = engine.getRepositoryService().createProcessDefinitionQuery();
        assertThat(definitions.processDefinitionKey(ProcessKeys.PLATINUM_REPORT).latestVersion().singleResult().getVersion()).isEqualTo(1);
        assertThat(startForm(ProcessKeys.PLATINUM_REPORT)).contains("\"id\": \"platinumStart\"");
        // the PLATINUM report comes with its start form and the archive decision's form
        var platinumDefinition = engine.getRepositoryService().createProcessDefinitionQuery()
                .processDefinitionKey(ProcessKeys.PLATINUM_REPORT).latestVersion().singleResult();
        assertThat(engine.getRepositoryService().getDeploymentResourceNames(platinumDefinition.getDeploymentId()))
                .containsExactlyInAnyOrder("platinumReport.bpmn", "platinumStart.form", "platinumArchive.form");
        // the surveillance comes with its start form, the forms of its checklists, its report task and its playbooks
        var surveillance = engine.getRepositoryService().createProcessDefinitionQuery().processDefinitionKey(ProcessKeys.SURVEILLANCE)
                .latestVersion().singleResult();
        assertThat(engine.getRepositoryService().getDeploymentResourceNames(surveillance.getDeploymentId()))
                .containsExactlyInAnyOrder("surveillance.bpmn", "surveillanceStart.form", "surveillanceChecklist.form",
                        "surveillanceProblem.form", "surveillanceReport.form", "surveillanceBackendDown.form",
                        "surveillanceSlowQueries.form", "surveillanceConnections.form", "surveillanceUserErrors.form",
                        "surveillanceUserErrorsRollback.form", "surveillanceUserErrorsDecision.form");
        // the cutover comes with its start form and the forms of its tasks (it calls the rollback, deployed on its own)
        var cutover = engine.getRepositoryService().createProcessDefinitionQuery().processDefinitionKey(ProcessKeys.CUTOVER)
                .latestVersion().singleResult();
        assertThat(engine.getRepositoryService().getDeploymentResourceNames(cutover.getDeploymentId()))
                .containsExactlyInAnyOrder("cutover.bpmn", "cutoverStart.form", "cutoverWarRoom.form", "cutoverGo.form");
        // a start event's form comes along as a task's does (the rollback's start form for Tasklist)
        var rollback = engine.getRepositoryService().createProcessDefinitionQuery().processDefinitionKey(ProcessKeys.ROLLBACK)
                .latestVersion().singleResult();
        assertThat(engine.getRepositoryService().getDeploymentResourceNames(rollback.getDeploymentId()))
                .containsExactlyInAnyOrder("rollback.bpmn", "rollbackStart.form", "rollbackAppConfigDecision.form");
        try (InputStream in = engine.getFormService().getDeployedStartForm(rollback.getId())) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("\"id\": \"rollbackStart\"");
        }

        Path platinum = dir.resolve("platinumReport.bpmn");
        String model = Files.readString(platinum);
        assertThat(model).contains("name=\"Archive MySQL?\"");
        Files.writeString(platinum, model.replace("name=\"Archive MySQL?\"", "name=\"Archive MySQL? (edited)\""));
        deploy(dir);
        var repository = engine.getRepositoryService();
        assertThat(repository.createProcessDefinitionQuery().processDefinitionKey(ProcessKeys.PLATINUM_REPORT).latestVersion()
                .singleResult().getVersion()).isEqualTo(2);
        assertThat(repository.createProcessDefinitionQuery().processDefinitionKey(ProcessKeys.SURVEILLANCE).latestVersion()
                .singleResult().getVersion()).as("unchanged models are not redeployed").isEqualTo(1);
        assertThat(repository.createProcessDefinitionQuery().processDefinitionKey(ProcessKeys.CUTOVER).latestVersion()
                .singleResult().getVersion()).as("unchanged models are not redeployed").isEqualTo(1);
        assertThat(startForm(ProcessKeys.PLATINUM_REPORT)).as("the edited model finds its form in its own deployment")
                .contains("\"id\": \"platinumStart\"");

        // a deployment deleted (in Cockpit) is deployed again at the next start, although the files did not change
        for (var definition : repository.createProcessDefinitionQuery().processDefinitionKey(ProcessKeys.PLATINUM_REPORT).list()) {
            repository.deleteDeployment(definition.getDeploymentId(), true);
        }
        assertThat(repository.createProcessDefinitionQuery().processDefinitionKey(ProcessKeys.PLATINUM_REPORT).count()).isZero();
        deploy(dir);
        assertThat(startForm(ProcessKeys.PLATINUM_REPORT)).contains("platinumStart");
    }

    @Test
    void aModelUsingAFormThatNoFileDefinesIsRefusedNamingBoth(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("cutover.bpmn"), Files.readString(Path.of("bpmn", "cutover.bpmn"))
                .replace("camunda:formRef=\"cutoverGo\"", "camunda:formRef=\"noSuchForm\""));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> deploy(dir))
                .hasMessageContaining("the model cutover.bpmn uses the form 'noSuchForm', which no *.form file built in defines");
    }
}
