package io.bascule.process;

import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.BoundaryEvent;
import org.camunda.bpm.model.bpmn.instance.EndEvent;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;
import org.camunda.bpm.model.bpmn.instance.StartEvent;
import org.camunda.bpm.model.bpmn.instance.SubProcess;
import org.camunda.bpm.model.bpmn.instance.UserTask;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnEdge;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnShape;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaExecutionListener;
import org.camunda.bpm.model.bpmn.instance.dc.Bounds;
import org.camunda.bpm.model.xml.instance.ModelElementInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every runbook model keeps a diagram Cockpit can draw, and the model contract of the command line: a shape for
 * every flow node (children inside their subprocess, boundary events on their activity's border), an edge for every
 * flow, the initiator on the process start event, forms bound to the deployment, and the three outcome variables
 * set by every end event that ends the process or a subprocess on an outcome, and by none the run passes through
 * ({@link ModelContract#passesThrough}: a sub-process that leads on, an error or escalation thrown).
 */
class ModelDiagramTest {

    @ParameterizedTest
    @ValueSource(strings = {"goldMigration", "goldVerification", "cutover", "rollback", "surveillance", "platinumReport"})
    void theDiagramDrawsEveryElementAndTheModelKeepsTheContract(String key) {
        BpmnModelInstance model = Bpmn.readModelFromFile(Path.of("bpmn", key + ".bpmn").toFile());
        Map<String, Bounds> shapes = new HashMap<>();
        for (BpmnShape s : model.getModelElementsByType(BpmnShape.class)) {
            shapes.put(s.getBpmnElement().getId(), s.getBounds());
            if (s.getBpmnElement() instanceof SubProcess) {
                // drawn open, its steps inside: collapsed, Cockpit and the audit page show one box and hide the path
                assertThat(s.isExpanded()).as(key + ": " + s.getBpmnElement().getId() + " drawn expanded").isTrue();
            }
        }
        for (FlowNode node : model.getModelElementsByType(FlowNode.class)) {
            assertThat(shapes).as(key + ": shape of " + node.getId()).containsKey(node.getId());
            assertThat(node.getName()).as(key + ": name of " + node.getId()).isNotBlank();
            ModelElementInstance parent = node.getParentElement();
            if (parent instanceof SubProcess sub) {
                assertThat(inside(shapes.get(node.getId()), shapes.get(sub.getId())))
                        .as(key + ": " + node.getId() + " drawn inside " + sub.getId()).isTrue();
            }
            if (node instanceof BoundaryEvent b) {
                Bounds e = shapes.get(b.getId());
                Bounds a = shapes.get(b.getAttachedTo().getId());
                double cx = e.getX() + e.getWidth() / 2;
                double cy = e.getY() + e.getHeight() / 2;
                boolean onBorder = cx >= a.getX() && cx <= a.getX() + a.getWidth()
                        && (Math.abs(cy - a.getY()) < 1 || Math.abs(cy - (a.getY() + a.getHeight())) < 1)
                        || cy >= a.getY() && cy <= a.getY() + a.getHeight()
                        && (Math.abs(cx - a.getX()) < 1 || Math.abs(cx - (a.getX() + a.getWidth())) < 1);
                assertThat(onBorder).as(key + ": " + b.getId() + " on the border of its activity").isTrue();
            }
            if (node instanceof StartEvent start && !(parent instanceof SubProcess)) {
                assertThat(start.getCamundaInitiator()).as(key + ": initiator").isEqualTo(ProcessVariables.INITIATOR);
            }
            if (node instanceof UserTask task) {
                assertThat(task.getCamundaFormRef()).as(key + ": form of " + task.getId()).isNotBlank();
                assertThat(task.getCamundaFormRefBinding()).isEqualTo("deployment");
                assertThat(task.getCamundaCandidateGroups()).isEqualTo(ProcessKeys.DBA_GROUP);
            }
            if (node instanceof EndEvent end) {
                String listeners = end.getExtensionElements() == null ? "" : end.getExtensionElements()
                        .getElementsQuery().filterByType(CamundaExecutionListener.class).list().stream()
                        .map(l -> l.getCamundaEvent() + " " + l.getCamundaExpression()).reduce("", String::concat);
                if (ModelContract.passesThrough(end)) {
                    // the run goes on after it (a sub-process that leads on, an error or escalation thrown): the end
                    // the run reaches later sets the outcome, this one must not (the CLI names the end that does)
                    assertThat(listeners).as(key + ": " + end.getId() + " passes through and sets no outcome")
                            .doesNotContain("setVariable('" + ProcessVariables.OUTCOME + "'");
                } else if (parent instanceof SubProcess || end.getIncoming().stream()
                        .noneMatch(f -> f.getSource() instanceof SubProcess)) {
                    for (String v : new String[]{ProcessVariables.OUTCOME, ProcessVariables.OUTCOME_SUCCESS, ProcessVariables.OUTCOME_MESSAGE}) {
                        assertThat(listeners).as(key + ": " + end.getId() + " sets " + v).contains("end ${execution.setVariable('" + v + "',");
                    }
                }
            }
        }
        Map<String, BpmnEdge> edges = new HashMap<>();
        for (BpmnEdge e : model.getModelElementsByType(BpmnEdge.class)) {
            edges.put(e.getBpmnElement().getId(), e);
        }
        for (SequenceFlow flow : model.getModelElementsByType(SequenceFlow.class)) {
            assertThat(edges).as(key + ": edge of " + flow.getId()).containsKey(flow.getId());
            assertThat(edges.get(flow.getId()).getWaypoints()).as(key + ": waypoints of " + flow.getId()).hasSizeGreaterThanOrEqualTo(2);
        }
    }

    /**
     * The ends the cutover passes through (sub-processes that lead on, escalations), and the surveillance's (all but
     * its four outcomes: its playbooks are non-interrupting event sub-processes, its checklists lead on): no other model
     * has any.
     */
    @org.junit.jupiter.api.Test
    void theCutoverPassesThroughTheEndsOfItsPreparationAndItsFreezeOnly() {
        Map<String, java.util.List<String>> passed = new HashMap<>();
        Map<String, java.util.List<String>> outcomes = new HashMap<>();
        for (String key : ProcessKeys.ALL) {
            BpmnModelInstance model = Bpmn.readModelFromFile(Path.of("bpmn", key + ".bpmn").toFile());
            passed.put(key, model.getModelElementsByType(EndEvent.class).stream().filter(ModelContract::passesThrough)
                    .map(EndEvent::getId).sorted().toList());
            outcomes.put(key, model.getModelElementsByType(EndEvent.class).stream().filter(e -> !ModelContract.passesThrough(e))
                    .map(EndEvent::getId).sorted().toList());
        }
        assertThat(passed.get(ProcessKeys.CUTOVER)).containsExactly("EndEvent_DryRunDone", "EndEvent_Prepared",
                "EndEvent_RollbackRehearsalFailed", "EndEvent_Switched", "EndEvent_WarRoomIncomplete");
        assertThat(outcomes.get(ProcessKeys.SURVEILLANCE)).containsExactly("EndEvent_Failed", "EndEvent_H1Validated",
                "EndEvent_NotRolledBack", "EndEvent_RolledBack", "EndEvent_RolledBackElsewhere");
        assertThat(passed.get(ProcessKeys.SURVEILLANCE)).contains("EndEvent_ChecklistDone", "EndEvent_FirstHourWatched",
                "EndEvent_BackendKept", "EndEvent_BackendRollback", "EndEvent_BackendDownRaised", "EndEvent_UpdateSent");
        passed.remove(ProcessKeys.CUTOVER);
        passed.remove(ProcessKeys.SURVEILLANCE);
        assertThat(passed.values()).allSatisfy(ends -> assertThat(ends).isEmpty());
    }

    private static boolean inside(Bounds child, Bounds parent) {
        return child.getX() >= parent.getX() && child.getY() >= parent.getY()
                && child.getX() + child.getWidth() <= parent.getX() + parent.getWidth()
                && child.getY() + child.getHeight() <= parent.getY() + parent.getHeight();
    }
}
