package io.bascule.process;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@link GoWordListener} on a real engine, on a one-task model (the cutover model's own paths are in
 * {@link CutoverProcessTest}): only exactly GO completes the task, anything else leaves it open with nothing stored;
 * four-eyes refuses the initiator and an anonymous completion; goBy and goAt are recorded.
 */
class GoWordListenerTest {

    @RegisterExtension
    static ProcessEngineExtension engine = ProcessEngineExtension.builder()
            .configurationResource("camunda-unit.cfg.xml").build();

    ProcessEngine processEngine;
    String deploymentId;

    @BeforeEach
    void deploy() {
        Mocks.register("goWordListener", new GoWordListener());
        deploymentId = processEngine.getRepositoryService().createDeployment()
                .addModelInstance("go.bpmn", Bpmn.createExecutableProcess("go").camundaHistoryTimeToLive(1)
                        .startEvent().camundaInitiator(ProcessVariables.INITIATOR)
                        .userTask("Task_Go").name("Set MySQL read-only")
                        .camundaTaskListenerDelegateExpression("complete", "${goWordListener}")
                        .endEvent().done())
                .deploy().getId();
    }

    @AfterEach
    void undeploy() {
        processEngine.getRepositoryService().deleteDeployment(deploymentId, true);
        Mocks.reset();
        processEngine.getIdentityService().clearAuthentication();
    }

    private ProcessInstance startAs(String user, boolean fourEyes) {
        processEngine.getIdentityService().setAuthenticatedUserId(user);
        try {
            return processEngine.getRuntimeService().startProcessInstanceByKey("go", Map.of(ProcessVariables.FOUR_EYES, fourEyes));
        } finally {
            processEngine.getIdentityService().clearAuthentication();
        }
    }

    private Task task(ProcessInstance pi) {
        return processEngine.getTaskService().createTaskQuery().processInstanceId(pi.getId()).singleResult();
    }

    private void completeAs(String user, Task task, Object word) {
        Map<String, Object> vars = new HashMap<>();
        vars.put(ProcessVariables.GO_WORD, word);
        processEngine.getIdentityService().setAuthenticatedUserId(user);
        try {
            processEngine.getTaskService().complete(task.getId(), vars);
        } finally {
            processEngine.getIdentityService().clearAuthentication();
        }
    }

    private boolean ended(ProcessInstance pi) {
        return processEngine.getRuntimeService().createProcessInstanceQuery().processInstanceId(pi.getId()).count() == 0;
    }

    @Test
    void anythingButExactlyGoIsRefusedAndTheTaskStaysOpenWithNothingStored() {
        ProcessInstance pi = startAs("alice", false);
        Task go = task(pi);
        for (Object wrong : new Object[]{"go", " GO", "GO ", "Go", "gO", "G O", "GO\n", "OK", "", null, true, 1}) {
            Throwable thrown = catchThrowable(() -> completeAs("bob", go, wrong));
            assertThat(thrown).as(String.valueOf(wrong)).hasRootCauseInstanceOf(GoWordListener.GoRefusedException.class);
            assertThat(GoWordListener.refusal(thrown))
                    .contains("the GO word was not given: type GO exactly to set MySQL read-only; nothing was changed");
            assertThat(task(pi)).as("the task stays open").isNotNull();
            assertThat(processEngine.getRuntimeService().getVariables(pi.getId())).as("nothing stored")
                    .doesNotContainKeys(ProcessVariables.GO_WORD, ProcessVariables.GO_BY, ProcessVariables.GO_AT);
        }
        Instant before = Instant.now();
        completeAs("bob", go, "GO");
        assertThat(ended(pi)).isTrue();
        var history = processEngine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(pi.getId());
        assertThat(history.variableName(ProcessVariables.GO_BY).singleResult().getValue()).isEqualTo("bob");
        Instant at = Instant.parse((String) processEngine.getHistoryService().createHistoricVariableInstanceQuery()
                .processInstanceId(pi.getId()).variableName(ProcessVariables.GO_AT).singleResult().getValue());
        assertThat(Duration.between(before, at).toMillis()).isBetween(-1000L, 60_000L);
    }

    @Test
    void withoutASignedInUserTheGoIsRecordedAsTheCli() {
        ProcessInstance pi = startAs("alice", false);
        processEngine.getTaskService().complete(task(pi).getId(), Map.of(ProcessVariables.GO_WORD, "GO"));
        assertThat(processEngine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(pi.getId())
                .variableName(ProcessVariables.GO_BY).singleResult().getValue()).isEqualTo("cli");
    }

    @Test
    void fourEyesRefusesTheInitiatorAndNobodyAndAcceptsAnotherDba() {
        ProcessInstance pi = startAs("alice", true);
        Task go = task(pi);
        assertThat(GoWordListener.refusal(catchThrowable(() -> completeAs("alice", go, "GO"))))
                .contains("four-eyes: alice started this cutover, another DBA must give the GO");
        assertThat(task(pi)).isNotNull();
        assertThat(GoWordListener.refusal(catchThrowable(() -> processEngine.getTaskService().complete(go.getId(),
                Map.of(ProcessVariables.GO_WORD, "GO"))))).hasValueSatisfying(m -> assertThat(m)
                .startsWith("four-eyes: the GO was given by no signed-in user; another DBA than alice must sign in"));
        // the word is checked first: a wrong word by another DBA is refused for the word
        assertThatThrownBy(() -> completeAs("bob", go, "go")).hasMessageContaining("the GO word was not given");
        assertThat(processEngine.getRuntimeService().getVariables(pi.getId())).doesNotContainKey(ProcessVariables.GO_BY);

        completeAs("bob", go, "GO");
        assertThat(ended(pi)).isTrue();
        assertThat(processEngine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(pi.getId())
                .variableName(ProcessVariables.GO_BY).singleResult().getValue()).isEqualTo("bob");
    }

    @Test
    void anotherFailureIsNoRefusal() {
        assertThat(GoWordListener.refusal(new IllegalStateException("x", new RuntimeException("y")))).isEmpty();
        assertThat(GoWordListener.refusal(null)).isEmpty();
    }

    @Test
    void withoutFourEyesTheInitiatorMayGiveTheGo() {
        ProcessInstance pi = startAs("alice", false);
        completeAs("alice", task(pi), "GO");
        assertThat(ended(pi)).isTrue();
    }
}
