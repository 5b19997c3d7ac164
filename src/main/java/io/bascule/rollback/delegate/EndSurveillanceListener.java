package io.bascule.rollback.delegate;

import io.bascule.process.Playbooks;
import io.bascule.process.ProcessKeys;
import io.bascule.process.ProcessVariables;
import org.camunda.bpm.engine.MismatchingMessageCorrelationException;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An end listener of the process {@code rollback} (bean {@code endSurveillanceListener}): a real rollback that ended
 * ROLLED_BACK tells every surveillance still running, other than the one that called it, that the application is back
 * on MySQL (message {@value Playbooks#MESSAGE_ROLLED_BACK_ELSEWHERE}): it ends, rather than watching a database the
 * application left and raising "backend down" on it. A rollback started from Tasklist or REST needs this; one decided in
 * the surveillance ends it by itself, and one the cutover called has no surveillance to end. A surveillance that cannot
 * take the message (it is closing) is left as it is; this listener never fails the rollback.
 */
@Component("endSurveillanceListener")
public class EndSurveillanceListener implements ExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(EndSurveillanceListener.class);

    private final RuntimeService runtime;

    public EndSurveillanceListener(RuntimeService runtime) {
        this.runtime = runtime;
    }

    @Override
    public void notify(DelegateExecution execution) {
        if (!"ROLLED_BACK".equals(execution.getVariable(ProcessVariables.OUTCOME))
                || Boolean.TRUE.equals(execution.getVariable(ProcessVariables.DRY_RUN))) {
            return;
        }
        String rollbackId = execution.getProcessInstanceId();
        ProcessInstance caller = runtime.createProcessInstanceQuery().subProcessInstanceId(rollbackId).singleResult();
        for (ProcessInstance surveillance : runtime.createProcessInstanceQuery()
                .processDefinitionKey(ProcessKeys.SURVEILLANCE).active().list()) {
            if (caller != null && caller.getId().equals(surveillance.getId())) {
                continue;
            }
            Map<String, Object> v = new LinkedHashMap<>();
            Object reason = execution.getVariable(ProcessVariables.REASON);
            v.put(ProcessVariables.REASON, reason == null ? "no reason given" : reason.toString());
            v.put("rollbackId", rollbackId);
            try {
                runtime.createMessageCorrelation(Playbooks.MESSAGE_ROLLED_BACK_ELSEWHERE).processInstanceId(surveillance.getId())
                        .setVariables(v).correlateWithResult();
                log.info("rollback {}: surveillance {} ended: the application is back on MySQL", rollbackId, surveillance.getId());
            } catch (MismatchingMessageCorrelationException e) {
                log.info("rollback {}: surveillance {} did not take the end message (it is closing or calling a rollback"
                        + " of its own): {}", rollbackId, surveillance.getId(), e.getMessage());
            }
        }
    }
}
