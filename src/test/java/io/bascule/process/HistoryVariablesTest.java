package io.bascule.process;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A run's variable from the history: the process scope's value, whatever tasks held of the same name. */
class HistoryVariablesTest {

    @RegisterExtension
    static ProcessEngineExtension engine = ProcessEngineExtension.builder().configurationResource("camunda-unit.cfg.xml").build();

    ProcessEngine processEngine;

    @Test
    void theProcessScopesValueWinsOverTaskLocalOnesOfTheSameName() {
        String deployment = processEngine.getRepositoryService().createDeployment().addModelInstance("twoTasks.bpmn",
                Bpmn.createExecutableProcess("twoTasks").camundaHistoryTimeToLive(1).startEvent()
                        .userTask("A").userTask("B").endEvent().done()).deploy().getId();
        try {
            String id = processEngine.getRuntimeService().startProcessInstanceByKey("twoTasks", Map.of("note", "the run's")).getId();
            for (int i = 0; i < 2; i++) {
                Task t = processEngine.getTaskService().createTaskQuery().processInstanceId(id).singleResult();
                processEngine.getTaskService().setVariableLocal(t.getId(), "note", "task " + i);
                processEngine.getTaskService().complete(t.getId());
            }
            assertThat(HistoryVariables.value(processEngine.getHistoryService(), id, "note")).isEqualTo("the run's");
            assertThat(HistoryVariables.value(processEngine.getHistoryService(), id, "absent")).isNull();

            String onlyLocal = processEngine.getRuntimeService().startProcessInstanceByKey("twoTasks").getId();
            Task t = processEngine.getTaskService().createTaskQuery().processInstanceId(onlyLocal).singleResult();
            processEngine.getTaskService().setVariableLocal(t.getId(), "note", "only a task's");
            assertThat(HistoryVariables.value(processEngine.getHistoryService(), onlyLocal, "note")).isEqualTo("only a task's");
        } finally {
            processEngine.getRepositoryService().deleteDeployment(deployment, true);
        }
    }
}
