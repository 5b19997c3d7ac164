package io.bascule.process;

import io.bascule.config.SettingsResolver;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.StandaloneInMemProcessEngineConfiguration;
import org.camunda.bpm.engine.runtime.ProcessInstance;
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

    private String formOfTheTask(String key) throws Exception {
        ProcessInstance pi = engine.getRuntimeService().startProcessInstanceByKey(key);
        var task = engine.getTaskService().createTaskQuery().processInstanceId(pi.getId()).singleResult();
        try (InputStream in = engine.getFormService().getDeployedTaskForm(task.getId())) {
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
        assertThat(definitions.processDefinitionKey(ProcessKeys.CUTOVER).latestVersion().singleResult().getVersion()).isEqualTo(1);
        assertThat(formOfTheTask(ProcessKeys.CUTOVER)).contains("\"id\": \"placeholderAcknowledge\"");
        // a start event's form comes along as a task's does (the rollback's start form for Tasklist)
        var rollback = engine.getRepositoryService().createProcessDefinitionQuery().processDefinitionKey(ProcessKeys.ROLLBACK)
                .latestVersion().singleResult();
        assertThat(engine.getRepositoryService().getDeploymentResourceNames(rollback.getDeploymentId()))
                .containsExactlyInAnyOrder("rollback.bpmn", "rollbackStart.form", "rollbackAppConfigDecision.form");
        try (InputStream in = engine.getFormService().getDeployedStartForm(rollback.getId())) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("\"id\": \"rollbackStart\"");
        }

        Path cutover = dir.resolve("cutover.bpmn");
        Files.writeString(cutover, Files.readString(cutover).replace("Confirm cutover readiness", "Confirm cutover readiness (edited)"));
        deploy(dir);
        var repository = engine.getRepositoryService();
        assertThat(repository.createProcessDefinitionQuery().processDefinitionKey(ProcessKeys.CUTOVER).latestVersion()
                .singleResult().getVersion()).isEqualTo(2);
        assertThat(repository.createProcessDefinitionQuery().processDefinitionKey(ProcessKeys.SURVEILLANCE).latestVersion()
                .singleResult().getVersion()).as("unchanged models are not redeployed").isEqualTo(1);
        assertThat(formOfTheTask(ProcessKeys.CUTOVER)).as("the edited model finds its form in its own deployment")
                .contains("\"id\": \"placeholderAcknowledge\"");
        assertThat(formOfTheTask(ProcessKeys.SURVEILLANCE)).contains("placeholderAcknowledge");

        // a deployment deleted (in Cockpit) is deployed again at the next start, although the files did not change
        String surveillanceDeployment = repository.createProcessDefinitionQuery().processDefinitionKey(ProcessKeys.SURVEILLANCE)
                .latestVersion().singleResult().getDeploymentId();
        repository.deleteDeployment(surveillanceDeployment, true);
        assertThat(repository.createProcessDefinitionQuery().processDefinitionKey(ProcessKeys.SURVEILLANCE).count()).isZero();
        deploy(dir);
        assertThat(formOfTheTask(ProcessKeys.SURVEILLANCE)).contains("placeholderAcknowledge");
    }

    @Test
    void aModelUsingAFormThatNoFileDefinesIsRefusedNamingBoth(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("cutover.bpmn"), Files.readString(Path.of("bpmn", "cutover.bpmn"))
                .replace("camunda:formRef=\"placeholderAcknowledge\"", "camunda:formRef=\"noSuchForm\""));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> deploy(dir))
                .hasMessageContaining("the model cutover.bpmn uses the form 'noSuchForm', which no *.form file built in defines");
    }
}
