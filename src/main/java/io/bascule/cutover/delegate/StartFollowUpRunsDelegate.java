package io.bascule.cutover.delegate;

import io.bascule.process.ProcessKeys;
import io.bascule.process.ProcessVariables;
import io.bascule.process.RunbookStep;
import io.bascule.report.CutoverReport;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * After a successful cutover: starts the processes {@code surveillance} and {@code platinumReport} for it. Each gets
 * the cutover's instance id as business key and as {@code cutoverId}, and {@code startedAt}: when the application was
 * found healthy on PostgreSQL ({@code appHealthyAt}), else now. A process already started for this cutover (the step
 * retried after a fault) is not started again. Sets {@code followUpRuns} ("surveillance 123, platinumReport 456").
 */
@Component("startFollowUpRunsDelegate")
class StartFollowUpRunsDelegate extends RunbookStep {

    /** The processes a successful cutover starts, in order. */
    static final List<String> FOLLOW_UPS = List.of(ProcessKeys.SURVEILLANCE, ProcessKeys.PLATINUM_REPORT);

    private final RuntimeService runtime;
    private final HistoryService history;

    StartFollowUpRunsDelegate(RuntimeService runtime, HistoryService history) {
        super(runtime);
        this.runtime = runtime;
        this.history = history;
    }

    @Override
    protected void runStep(DelegateExecution execution) {
        String cutoverId = execution.getProcessInstanceId();
        Object healthy = execution.getVariable(CutoverReport.APP_HEALTHY_AT);
        String startedAt = healthy == null || healthy.toString().isBlank() ? Instant.now().toString() : healthy.toString();
        List<String> started = new ArrayList<>();
        for (String key : FOLLOW_UPS) {
            var existing = history.createHistoricProcessInstanceQuery().processDefinitionKey(key)
                    .processInstanceBusinessKey(cutoverId).list();
            if (!existing.isEmpty()) {
                started.add(key + " " + existing.get(0).getId() + " (already started)");
                continue;
            }
            Map<String, Object> v = new LinkedHashMap<>();
            v.put(ProcessVariables.CUTOVER_ID, cutoverId);
            v.put(ProcessVariables.STARTED_AT, startedAt);
            v.put(ProcessVariables.DRY_RUN, false);
            ProcessInstance pi = runtime.startProcessInstanceByKey(key, cutoverId, v);
            started.add(key + " " + pi.getId());
        }
        execution.setVariable(ProcessVariables.FOLLOW_UP_RUNS, String.join(", ", started));
    }
}
