package io.bascule.platinum;

import io.bascule.process.ProcessKeys;
import io.bascule.process.ProcessVariables;
import io.bascule.report.CutoverReport;
import io.bascule.report.ReportDocuments;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.history.HistoricDetail;
import org.camunda.bpm.engine.history.HistoricIncident;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricVariableUpdate;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * What the PLATINUM report takes from the engine's history (public API only): the cutover it judges and the incidents
 * of the runbook runs since. The one place this lookup lives, for the {@code report} command and the process's
 * delegates alike.
 *
 * <ul>
 * <li>The cutover: the most recent {@code cutover} run whose variable {@code outcome} is {@code CUTOVER_SUCCESSFUL}
 * (dry runs and failed cutovers are passed over); its start is the run's start time, its switch the time the variable
 * {@code applicationSwitched} was set true (history level full), else the variable {@code appHealthyAt}.</li>
 * <li>The runs: that cutover run and the runs it called (the rollback rehearsal...), and every {@code surveillance}
 * run started since the cutover did; their incidents (open or resolved, from {@code HistoricIncident}).</li>
 * </ul>
 */
public final class PlatinumHistory {

    private final HistoryService history;

    public PlatinumHistory(HistoryService history) {
        this.history = history;
    }

    /**
     * The cutover and the runs' incidents; both null when the history holds no successful cutover ({@code note} then
     * says what it holds).
     */
    public record Found(CutoverHistory cutover, RunHistory runs, String note) {
    }

    /** The last successful cutover and the incidents since ({@link Found}). */
    public Found find() {
        Optional<CutoverHistory> cutover = lastSuccessfulCutover();
        if (cutover.isEmpty()) {
            long runs = history.createHistoricProcessInstanceQuery().processDefinitionKey(ProcessKeys.CUTOVER).count();
            return new Found(null, null, runs == 0 ? "the engine's history holds no cutover run"
                    : "the engine's history holds " + runs + " cutover run(s), none ended CUTOVER SUCCESSFUL (dry runs,"
                    + " NO-GO, failed or still running)");
        }
        return new Found(cutover.get(), runsSince(cutover.get()), null);
    }

    /** The most recent cutover run that ended with outcome {@code CUTOVER_SUCCESSFUL}. */
    public Optional<CutoverHistory> lastSuccessfulCutover() {
        List<HistoricProcessInstance> runs = history.createHistoricProcessInstanceQuery()
                .processDefinitionKey(ProcessKeys.CUTOVER).orderByProcessInstanceStartTime().desc().list();
        for (HistoricProcessInstance pi : runs) {
            if (CutoverReport.CUTOVER_SUCCESSFUL.equals(text(variable(pi.getId(), ProcessVariables.OUTCOME)))) {
                return Optional.of(of(pi));
            }
        }
        return Optional.empty();
    }

    /** The cutover run of that id, whatever its outcome; empty when the history holds no such cutover. */
    public Optional<CutoverHistory> cutover(String processInstanceId) {
        HistoricProcessInstance pi = history.createHistoricProcessInstanceQuery().processInstanceId(processInstanceId)
                .singleResult();
        return pi == null || !ProcessKeys.CUTOVER.equals(pi.getProcessDefinitionKey()) ? Optional.empty() : Optional.of(of(pi));
    }

    private CutoverHistory of(HistoricProcessInstance pi) {
        return new CutoverHistory(pi.getId(), pi.getStartTime().toInstant(), switchedAt(pi.getId()),
                text(variable(pi.getId(), ProcessVariables.OUTCOME)));
    }

    /** When {@code applicationSwitched} was set true, else {@code appHealthyAt}, else null. */
    private Instant switchedAt(String instanceId) {
        for (HistoricDetail d : history.createHistoricDetailQuery().processInstanceId(instanceId).variableUpdates()
                .orderByTime().asc().list()) {
            if (d instanceof HistoricVariableUpdate u && ProcessVariables.APPLICATION_SWITCHED.equals(u.getVariableName())
                    && Boolean.TRUE.equals(u.getValue())) {
                return d.getTime().toInstant();
            }
        }
        String healthy = text(variable(instanceId, CutoverReport.APP_HEALTHY_AT));
        if (healthy != null) {
            try {
                return Instant.parse(healthy);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * The incidents of the cutover run (when it has an id) and the runs it called, and of every surveillance run started
     * since the cutover did.
     */
    public RunHistory runsSince(CutoverHistory cutover) {
        List<HistoricProcessInstance> runs = new ArrayList<>();
        if (cutover.processInstanceId() != null) {
            HistoricProcessInstance pi = history.createHistoricProcessInstanceQuery()
                    .processInstanceId(cutover.processInstanceId()).singleResult();
            if (pi != null) {
                runs.add(pi);
                addCalled(pi.getId(), runs, 0);
            }
        }
        for (HistoricProcessInstance pi : history.createHistoricProcessInstanceQuery()
                .processDefinitionKey(ProcessKeys.SURVEILLANCE).startedAfter(Date.from(cutover.startedAt()))
                .orderByProcessInstanceStartTime().asc().list()) {
            runs.add(pi);
            addCalled(pi.getId(), runs, 0);
        }
        List<String> lines = new ArrayList<>();
        List<String> descriptions = new ArrayList<>();
        long incidents = 0;
        long open = 0;
        for (HistoricProcessInstance pi : runs) {
            lines.add(pi.getProcessDefinitionKey() + " " + pi.getId() + " (" + state(pi) + ")");
            for (HistoricIncident i : history.createHistoricIncidentQuery().processInstanceId(pi.getId())
                    .orderByCreateTime().asc().list()) {
                incidents++;
                if (i.isOpen()) {
                    open++;
                }
                descriptions.add(pi.getProcessDefinitionKey() + " " + pi.getId() + ", step " + i.getActivityId() + ": "
                        + i.getIncidentType() + " \"" + oneLine(i.getIncidentMessage()) + "\" at "
                        + ReportDocuments.time(i.getCreateTime().toInstant()) + (i.isOpen() ? ", OPEN"
                        : i.getEndTime() == null ? "" : ", " + (i.isResolved() ? "resolved" : "deleted") + " at "
                        + ReportDocuments.time(i.getEndTime().toInstant())));
            }
        }
        return new RunHistory(lines, incidents, open, descriptions);
    }

    private void addCalled(String instanceId, List<HistoricProcessInstance> runs, int depth) {
        if (depth > 5) {
            return;
        }
        for (HistoricProcessInstance sub : history.createHistoricProcessInstanceQuery().superProcessInstanceId(instanceId).list()) {
            runs.add(sub);
            addCalled(sub.getId(), runs, depth + 1);
        }
    }

    private static String state(HistoricProcessInstance pi) {
        String s = pi.getState() == null ? "unknown" : pi.getState().toLowerCase(java.util.Locale.ROOT);
        return s.equals("active") ? "running" : s;
    }

    private Object variable(String instanceId, String name) {
        return io.bascule.process.HistoryVariables.value(history, instanceId, name);
    }

    private static String text(Object v) {
        return v == null ? null : String.valueOf(v).strip();
    }

    private static String oneLine(String s) {
        String one = s == null ? "" : s.replaceAll("\\s+", " ").strip();
        return one.length() > 300 ? one.substring(0, 300) + "..." : one;
    }
}
