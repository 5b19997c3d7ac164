package io.bascule.report;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * The audit of one run of a runbook, as the engine's history tells it: what ran, who started it, every step with
 * its timing and outcome, every human decision with who took it and what was given, the incidents, and the
 * variables that matter (no secrets). Times are ISO-8601 instants (UTC); durations in milliseconds.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditReport(
        String processKey,
        String processName,
        Integer version,
        String versionTag,
        String processDefinitionId,
        String instanceId,
        String businessKey,
        /** COMPLETED, ACTIVE, SUSPENDED, INTERNALLY_TERMINATED, EXTERNALLY_TERMINATED (the engine's words). */
        String state,
        String startedBy,
        String start,
        String end,
        Long durationMs,
        Outcome outcome,
        List<Step> steps,
        List<HumanTask> tasks,
        List<IncidentRecord> incidents,
        Map<String, Object> variables,
        /** The path taken, for drawing: ids of the activities passed and of the sequence flows taken. */
        Path path) {

    /**
     * How the run ended: {@code name} is the name of the end event reached (or the state of a terminated run);
     * {@code code}, {@code success} and {@code message} come from the variables the model sets ({@code outcome},
     * {@code outcomeSuccess}, {@code outcomeMessage}) when present ({@code source} "variables"), otherwise from the
     * end event alone ("end event") or the reason the instance was terminated ("termination"); null while it runs.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Outcome(String name, String code, Boolean success, String message, String source) {
    }

    /** One activity instance (or, for a step whose job failed before it could start, its incident). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Step(String activityId, String name, String type, String start, String end, Long durationMs,
                       /** who acted, for a human task: who completed it (or holds it while it is open) */
                       String user,
                       /** completed; error (ended by a BPMN error the model routes: a business failure); failed (an
                        *  incident not resolved); canceled; active */
                       String outcome,
                       /** failed attempts of the step's job (each retried or turned into an incident) */
                       int failedAttempts,
                       List<JobFailure> failures,
                       List<IncidentRecord> incidents) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record JobFailure(String time, String message, Integer retriesLeft) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record IncidentRecord(String activityId, String type, String message, String created, String ended,
                                 /** open, resolved, deleted */
                                 String state) {
    }

    /** A human task: who claimed and completed it, when, and the values and comments given. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HumanTask(String taskId, String activityId, String name, String created, String end, Long durationMs,
                            List<String> candidateGroups, String claimedBy, String claimedAt, String completedBy,
                            String completedAt, String assignee, String deleteReason,
                            Map<String, Object> values, List<Comment> comments, List<Operation> operations) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Comment(String user, String time, String text) {
    }

    /** One entry of the engine's user operation log for a task (Claim, Assign, Complete...). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Operation(String type, String user, String time, String property, String newValue) {
    }

    public record Path(List<String> activities, List<String> flows) {
    }

    /** One line of the list of runs. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RunSummary(String instanceId, String processKey, String processName, Integer version, String state,
                             String startedBy, String start, String end, Long durationMs) {
    }
}
