package io.bascule.process;

import org.camunda.bpm.model.bpmn.instance.EndEvent;
import org.camunda.bpm.model.bpmn.instance.ErrorEventDefinition;
import org.camunda.bpm.model.bpmn.instance.EscalationEventDefinition;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;
import org.camunda.bpm.model.bpmn.instance.StartEvent;
import org.camunda.bpm.model.bpmn.instance.SubProcess;
import org.camunda.bpm.model.xml.instance.ModelElementInstance;

/**
 * What the model contract of the runbooks (README, "Runbook models and the command line") says about end events,
 * read from a model's structure, never from its ids: the command line and the model tests share it.
 * <p>An end event <b>passes through</b> when the run goes on after it: it throws an error or an escalation (caught by
 * a boundary event, which leads to the end that sets the outcome), or it ends a sub-process whose outgoing flow
 * leads on to a step (e.g. the cutover's "Prepare the cutover" before the GO) or to an end that passes through
 * itself, or it ends a non-interrupting event sub-process (e.g. a surveillance playbook: the run it was raised in goes
 * on). Such an end sets no outcome and is not where the run ended. Every other end event ends the run (or a
 * sub-process that leads only to an end event) and sets {@code outcome}, {@code outcomeSuccess} and
 * {@code outcomeMessage}.
 */
public final class ModelContract {

    private ModelContract() {
    }

    /** true when the run goes on after {@code end}: it sets no outcome and does not name how the run ended. */
    public static boolean passesThrough(EndEvent end) {
        boolean throwsOn = end.getEventDefinitions().stream()
                .anyMatch(d -> d instanceof ErrorEventDefinition || d instanceof EscalationEventDefinition);
        return throwsOn || goesOnAfter(end.getParentElement());
    }

    /** true when the completion of {@code scope} (a sub-process) leads on to a step that is not an end event. */
    private static boolean goesOnAfter(ModelElementInstance scope) {
        if (!(scope instanceof SubProcess sub)) {
            return false;   // the process: its end is the run's end
        }
        if (sub.triggeredByEvent()) {
            // a non-interrupting event sub-process runs beside the scope it belongs to, which goes on after it;
            // an interrupting one replaces that scope: its end ends the scope
            boolean nonInterrupting = sub.getChildElementsByType(StartEvent.class).stream().anyMatch(s -> !s.isInterrupting());
            return nonInterrupting || goesOnAfter(sub.getParentElement());
        }
        // by the flows' sourceRef: a model may leave out the (redundant) <outgoing> elements of its nodes
        return sub.getModelInstance().getModelElementsByType(SequenceFlow.class).stream()
                .anyMatch(f -> f.getSource() == sub && (!(f.getTarget() instanceof EndEvent end) || passesThrough(end)));
    }
}
