package io.bascule.process;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.IdentityLink;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.complete;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.task;

/**
 * The test stand-in of a placeholder runbook ({@code bpmn-test/platinumReportStub.bpmn}, the model platinumReport was
 * before its runbook was built): it deploys, its human task goes to the dba group and completes to the end event. The
 * tests of access control, the audit page and the process runner rely on it (io.bascule.testing.TestModels); every
 * runbook of Bascule is built and has its own process test.
 */
class PlaceholderProcessTest {

    @RegisterExtension
    static ProcessEngineExtension engine = ProcessEngineExtension.builder()
            .configurationResource("camunda-unit.cfg.xml").build();

    ProcessEngine processEngine;

    /** The stand-ins modelled as one DBA task. */
    static final List<String> PLACEHOLDERS = List.of(ProcessKeys.PLATINUM_REPORT);

    @Test
    @Deployment(resources = {"bpmn-test/platinumReportStub.bpmn", "forms-test/placeholderAcknowledge.form"})
    void everyRunbookKeyRunsToItsEndThroughADbaTask() {
        assertThat(processEngine.getRepositoryService().createProcessDefinitionQuery().list())
                .extracting(d -> d.getKey())
                .containsExactlyInAnyOrderElementsOf(PLACEHOLDERS);
        for (String key : PLACEHOLDERS) {
            processEngine.getIdentityService().setAuthenticatedUserId("bob");
            ProcessInstance pi;
            try {
                pi = processEngine.getRuntimeService().startProcessInstanceByKey(key);
            } finally {
                processEngine.getIdentityService().clearAuthentication();
            }
            assertThat(pi).isWaitingAt("Task_Acknowledge").variables().containsEntry(ProcessVariables.INITIATOR, "bob");
            Task t = task(pi);
            List<IdentityLink> links = processEngine.getTaskService().getIdentityLinksForTask(t.getId());
            assertThat(links).extracting(IdentityLink::getGroupId).containsExactly(ProcessKeys.DBA_GROUP);
            complete(t, Map.of("acknowledged", true, "note", "checked by test"));
            assertThat(pi).hasPassedInOrder("StartEvent_Requested", "Task_Acknowledge", "EndEvent_Acknowledged")
                    .isEnded();
            var outcome = processEngine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(pi.getId())
                    .variableName(ProcessVariables.OUTCOME_SUCCESS).singleResult();
            assertThat(outcome.getValue()).as(key).isEqualTo(true);
        }
    }
}
