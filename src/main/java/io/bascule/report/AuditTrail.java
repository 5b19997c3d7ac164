package io.bascule.report;

import io.bascule.database.JdbcUrls;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.engine.history.HistoricDetail;
import org.camunda.bpm.engine.history.HistoricIdentityLinkLog;
import org.camunda.bpm.engine.history.HistoricIncident;
import org.camunda.bpm.engine.history.HistoricJobLog;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricTaskInstance;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.camunda.bpm.engine.history.HistoricVariableUpdate;
import org.camunda.bpm.engine.history.UserOperationLogEntry;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.engine.task.Comment;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.BoundaryEvent;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;
import org.camunda.bpm.model.xml.instance.ModelElementInstance;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the {@link AuditReport} of one run from the engine's history (public API only), for finished and running
 * instances alike. It names no BPMN element: the outcome comes from the variables the model sets, or from the end
 * event the run reached; names and types come from the history and the deployed model.
 */
public final class AuditTrail {

    /** Variables the models set in their end-event listeners. */
    static final String OUTCOME = io.bascule.process.ProcessVariables.OUTCOME;
    static final String OUTCOME_SUCCESS = io.bascule.process.ProcessVariables.OUTCOME_SUCCESS;
    static final String OUTCOME_MESSAGE = io.bascule.process.ProcessVariables.OUTCOME_MESSAGE;
    /** Set by the CLI and by {@code camunda:initiator} on the start events. */
    static final String INITIATOR = io.bascule.process.ProcessVariables.INITIATOR;

    /** Values longer than this are cut (the full text stays in the engine's history). */
    static final int MAX_VALUE_CHARS = 2000;
    /** Names of variables whose value is never shown. */
    static final Pattern SECRET_NAME = Pattern.compile("(?i).*(passw|pwd|secret|token|credential|api[-_]?key).*");
    /** A URL inside a text: its user information and password parameters are removed before it is shown. */
    static final String HIDDEN = "*** (hidden: secret)";
    /** A boundary event catches an error in the transaction that threw it: well within this of the scope's end. */
    private static final long ERROR_CATCH_MILLIS = 5000;

    private final HistoryService history;
    private final RepositoryService repository;
    private final TaskService tasks;

    public AuditTrail(HistoryService history, RepositoryService repository, TaskService tasks) {
        this.history = history;
        this.repository = repository;
        this.tasks = tasks;
    }

    /** The runs in the history, newest first (root instances: a called runbook shows inside its caller's audit). */
    public List<AuditReport.RunSummary> runs(int max) {
        List<HistoricProcessInstance> list = history.createHistoricProcessInstanceQuery().rootProcessInstances()
                .orderByProcessInstanceStartTime().desc().listPage(0, max);
        List<AuditReport.RunSummary> runs = new ArrayList<>();
        for (HistoricProcessInstance pi : list) {
            ProcessDefinition def = definition(pi.getProcessDefinitionId());
            runs.add(new AuditReport.RunSummary(pi.getId(), pi.getProcessDefinitionKey(),
                    def == null ? pi.getProcessDefinitionName() : def.getName(), pi.getProcessDefinitionVersion(),
                    pi.getState(), startedBy(pi), time(pi.getStartTime()), time(pi.getEndTime()), pi.getDurationInMillis()));
        }
        return runs;
    }

    /** The id of the most recent run, of {@code processKey} (or of any runbook when null). */
    public Optional<String> latest(String processKey) {
        var query = history.createHistoricProcessInstanceQuery();
        if (processKey != null) {
            query.processDefinitionKey(processKey);
        } else {
            query.rootProcessInstances();
        }
        return query.orderByProcessInstanceStartTime().desc().listPage(0, 1).stream().findFirst().map(HistoricProcessInstance::getId);
    }

    /**
     * The runs a cutover started after it succeeded (surveillance, platinumReport: their business key is the cutover's
     * instance id), oldest first.
     */
    public List<String> followUps(String cutoverInstanceId) {
        if (cutoverInstanceId == null) {
            return List.of();
        }
        return history.createHistoricProcessInstanceQuery().processInstanceBusinessKey(cutoverInstanceId)
                .orderByProcessInstanceStartTime().asc().list().stream()
                .filter(pi -> !cutoverInstanceId.equals(pi.getId())).map(HistoricProcessInstance::getId).toList();
    }

    /** Whether the history holds a process instance of that id. */
    public boolean exists(String instanceId) {
        return history.createHistoricProcessInstanceQuery().processInstanceId(instanceId).count() > 0;
    }

    /** Whether a process of that key was ever deployed. */
    public boolean isDeployed(String processKey) {
        return repository.createProcessDefinitionQuery().processDefinitionKey(processKey).count() > 0;
    }

    /** The keys of the deployed processes, for error messages. */
    public List<String> deployedKeys() {
        return repository.createProcessDefinitionQuery().latestVersion().list().stream().map(ProcessDefinition::getKey)
                .sorted().toList();
    }

    /** The audit of one run, or empty when the history holds no process instance of that id. */
    public Optional<AuditReport> of(String instanceId) {
        HistoricProcessInstance pi = history.createHistoricProcessInstanceQuery().processInstanceId(instanceId).singleResult();
        if (pi == null) {
            return Optional.empty();
        }
        ProcessDefinition def = definition(pi.getProcessDefinitionId());
        BpmnModelInstance model = model(pi.getProcessDefinitionId());

        List<HistoricActivityInstance> activities = history.createHistoricActivityInstanceQuery().processInstanceId(instanceId)
                .orderByHistoricActivityInstanceStartTime().asc().orderPartiallyByOccurrence().asc().list();
        List<HistoricIncident> incidents = history.createHistoricIncidentQuery().processInstanceId(instanceId)
                .orderByCreateTime().asc().list();
        List<HistoricJobLog> failures = history.createHistoricJobLogQuery().processInstanceId(instanceId).failureLog()
                .orderByTimestamp().asc().list();
        List<HistoricTaskInstance> taskInstances = history.createHistoricTaskInstanceQuery().processInstanceId(instanceId)
                .orderByHistoricActivityInstanceStartTime().asc().list();
        Map<String, HumanTaskParts> humanTasks = new LinkedHashMap<>();
        for (HistoricTaskInstance t : taskInstances) {
            humanTasks.put(t.getId(), humanTask(t));
        }
        Map<String, Object> vars = variables(instanceId);

        String startedBy = startedBy(pi);
        List<AuditReport.Step> steps = steps(pi.getId(), startedBy, activities, incidents, failures, humanTasks, model);
        List<AuditReport.IncidentRecord> incidentRecords = incidents.stream().map(AuditTrail::incident).toList();
        return Optional.of(new AuditReport(pi.getProcessDefinitionKey(),
                def == null ? pi.getProcessDefinitionName() : def.getName(), pi.getProcessDefinitionVersion(),
                def == null ? null : def.getVersionTag(), pi.getProcessDefinitionId(), pi.getId(), pi.getBusinessKey(),
                pi.getState(), startedBy, time(pi.getStartTime()), time(pi.getEndTime()), pi.getDurationInMillis(),
                outcome(pi, activities, vars), steps, humanTasks.values().stream().map(HumanTaskParts::task).toList(),
                incidentRecords, vars, path(activities, model)));
    }

    private String startedBy(HistoricProcessInstance pi) {
        if (pi.getStartUserId() != null) {
            return pi.getStartUserId();
        }
        HistoricVariableInstance v = history.createHistoricVariableInstanceQuery().processInstanceId(pi.getId())
                .variableName(INITIATOR).singleResult();
        return v == null || v.getValue() == null ? null : v.getValue().toString();
    }

    private ProcessDefinition definition(String id) {
        return repository.createProcessDefinitionQuery().processDefinitionId(id).singleResult();
    }

    private BpmnModelInstance model(String definitionId) {
        try {
            return repository.getBpmnModelInstance(definitionId);
        } catch (RuntimeException e) {
            return null; // a deleted deployment: the history still tells the steps
        }
    }

    // ------------------------------------------------------------------------------------------------ outcome

    private AuditReport.Outcome outcome(HistoricProcessInstance pi, List<HistoricActivityInstance> activities,
                                        Map<String, Object> vars) {
        // the last end event of the process itself (not one ending a sub-process inside it)
        HistoricActivityInstance end = null;
        for (HistoricActivityInstance a : activities) {
            if (a.getActivityType() != null && a.getActivityType().endsWith("EndEvent")
                    && pi.getId().equals(a.getParentActivityInstanceId())) {
                end = a;
            }
        }
        boolean endedAtEndEvent = pi.getEndTime() != null && end != null
                && (pi.getDeleteReason() == null || "COMPLETED".equals(pi.getState()));
        String endName = !endedAtEndEvent ? null : end.getActivityName() == null ? end.getActivityId() : end.getActivityName();
        Object code = vars.get(OUTCOME);
        if (code != null) {
            // the end event that set the outcome is the first one reached (inside a sub-process, the outer end only
            // closes the run), as the command line reports it
            for (HistoricActivityInstance a : activities) {
                if (pi.getEndTime() != null && a.getEndTime() != null && a.getActivityType() != null
                        && a.getActivityType().endsWith("EndEvent")) {
                    endName = a.getActivityName() == null ? a.getActivityId() : a.getActivityName();
                    break;
                }
            }
            Object success = vars.get(OUTCOME_SUCCESS);
            Object message = vars.get(OUTCOME_MESSAGE);
            return new AuditReport.Outcome(endName != null ? endName : code.toString(), code.toString(),
                    success instanceof Boolean b ? b : null, message == null ? null : message.toString(), "variables");
        }
        if (pi.getEndTime() == null) {
            return null;
        }
        if (endedAtEndEvent) {
            return new AuditReport.Outcome(endName, null, null, null, "end event");
        }
        return new AuditReport.Outcome(pi.getState(), null, false,
                pi.getDeleteReason() == null ? null : text(pi.getDeleteReason()), "termination");
    }

    // ------------------------------------------------------------------------------------------------ steps

    private List<AuditReport.Step> steps(String instanceId, String startedBy, List<HistoricActivityInstance> activities,
                                         List<HistoricIncident> incidents,
                                         List<HistoricJobLog> failures, Map<String, HumanTaskParts> humanTasks,
                                         BpmnModelInstance model) {
        Map<String, HumanTaskParts> tasksByActivityInstance = new LinkedHashMap<>();
        for (HumanTaskParts t : humanTasks.values()) {
            if (t.activityInstanceId() != null) {
                tasksByActivityInstance.put(t.activityInstanceId(), t);
            }
        }
        Set<String> endedByError = endedByError(activities, model);
        List<AuditReport.Step> steps = new ArrayList<>();
        Set<HistoricIncident> placed = new LinkedHashSet<>();
        Set<HistoricJobLog> placedFailures = new LinkedHashSet<>();
        Map<String, Date> previousEnd = new TreeMap<>();
        for (HistoricActivityInstance a : activities) {
            Date from = previousEnd.get(a.getActivityId());
            Date to = a.getEndTime();
            List<HistoricJobLog> own = new ArrayList<>();
            for (HistoricJobLog f : failures) {
                if (!placedFailures.contains(f) && a.getActivityId().equals(f.getActivityId()) && within(f.getTimestamp(), from, to)) {
                    own.add(f);
                }
            }
            placedFailures.addAll(own);
            List<HistoricIncident> ownIncidents = new ArrayList<>();
            for (HistoricIncident i : incidents) {
                if (!placed.contains(i) && a.getActivityId().equals(activityOf(i)) && within(i.getCreateTime(), from, to)) {
                    ownIncidents.add(i);
                }
            }
            placed.addAll(ownIncidents);
            previousEnd.put(a.getActivityId(), a.getEndTime() == null ? new Date(Long.MAX_VALUE) : a.getEndTime());
            HumanTaskParts task = tasksByActivityInstance.get(a.getId());
            String user = task == null ? null : task.task().completedBy() != null ? task.task().completedBy() : task.task().assignee();
            if (user == null && "startEvent".equals(a.getActivityType()) && instanceId.equals(a.getParentActivityInstanceId())) {
                user = startedBy; // the person who started the run
            }
            steps.add(new AuditReport.Step(a.getActivityId(), a.getActivityName(), a.getActivityType(), time(a.getStartTime()),
                    time(a.getEndTime()), a.getDurationInMillis(), user,
                    endedByError.contains(a.getId()) ? "error" : stepOutcome(a.getEndTime() != null, a.isCanceled(), ownIncidents),
                    own.size(), own.isEmpty() ? null : own.stream().map(AuditTrail::failure).toList(),
                    ownIncidents.isEmpty() ? null : ownIncidents.stream().map(AuditTrail::incident).toList()));
        }
        // a step whose job failed before the activity began (asyncBefore) has no activity instance: its incident stands for it
        Map<String, List<HistoricIncident>> unplaced = new LinkedHashMap<>();
        for (HistoricIncident i : incidents) {
            if (!placed.contains(i) && activityOf(i) != null) {
                unplaced.computeIfAbsent(activityOf(i), k -> new ArrayList<>()).add(i);
            }
        }
        for (Map.Entry<String, List<HistoricIncident>> e : unplaced.entrySet()) {
            String activityId = e.getKey();
            List<HistoricJobLog> own = failures.stream().filter(f -> !placedFailures.contains(f) && activityId.equals(f.getActivityId())).toList();
            placedFailures.addAll(own);
            HistoricIncident first = e.getValue().get(0);
            HistoricIncident last = e.getValue().get(e.getValue().size() - 1);
            Date start = own.isEmpty() ? first.getCreateTime() : own.get(0).getTimestamp();
            Date end = last.isOpen() ? null : last.getEndTime();
            steps.add(new AuditReport.Step(activityId, elementName(model, activityId), elementType(model, activityId), time(start),
                    time(end), end == null ? null : end.getTime() - start.getTime(), null,
                    last.isResolved() ? "completed" : "failed", own.size(),
                    own.isEmpty() ? null : own.stream().map(AuditTrail::failure).toList(),
                    e.getValue().stream().map(AuditTrail::incident).toList()));
        }
        steps.sort(Comparator.comparing(s -> s.start() == null ? "" : s.start()));
        return steps;
    }

    /**
     * The activity instances a BPMN error ended: canceled, inside (or being) the activity an error boundary event is
     * attached to, which caught it as they ended. The history marks them canceled only; the model says which
     * boundary event is attached where.
     */
    private static Set<String> endedByError(List<HistoricActivityInstance> activities, BpmnModelInstance model) {
        Set<String> ended = new LinkedHashSet<>();
        if (model == null) {
            return ended;
        }
        Map<String, HistoricActivityInstance> byId = new LinkedHashMap<>();
        activities.forEach(a -> byId.put(a.getId(), a));
        for (HistoricActivityInstance b : activities) {
            if (!"boundaryError".equals(b.getActivityType())
                    || !(model.getModelElementById(b.getActivityId()) instanceof BoundaryEvent boundary)
                    || boundary.getAttachedTo() == null) {
                continue;
            }
            String attachedTo = boundary.getAttachedTo().getId();
            for (HistoricActivityInstance a : activities) {
                if (!a.isCanceled() || a.getEndTime() == null || b.getStartTime().before(a.getEndTime())
                        || b.getStartTime().getTime() - a.getEndTime().getTime() > ERROR_CATCH_MILLIS) {
                    continue;
                }
                for (HistoricActivityInstance c = a; c != null; c = byId.get(c.getParentActivityInstanceId())) {
                    if (attachedTo.equals(c.getActivityId())) {
                        ended.add(a.getId());
                        break;
                    }
                }
            }
        }
        return ended;
    }

    private static String activityOf(HistoricIncident i) {
        return i.getFailedActivityId() != null ? i.getFailedActivityId() : i.getActivityId();
    }

    private static boolean within(Date t, Date after, Date notAfter) {
        if (t == null) {
            return false;
        }
        return (after == null || t.after(after)) && (notAfter == null || !t.after(notAfter));
    }

    static String stepOutcome(boolean ended, boolean canceled, List<HistoricIncident> incidents) {
        boolean unresolved = incidents.stream().anyMatch(i -> !i.isResolved());
        if (unresolved) {
            return "failed";
        }
        if (!ended) {
            return "active";
        }
        return canceled ? "canceled" : "completed";
    }

    private static String elementName(BpmnModelInstance model, String id) {
        ModelElementInstance e = model == null ? null : model.getModelElementById(id);
        String name = e == null ? null : e.getAttributeValue("name");
        return name == null ? id : name;
    }

    private static String elementType(BpmnModelInstance model, String id) {
        ModelElementInstance e = model == null ? null : model.getModelElementById(id);
        return e == null ? null : e.getElementType().getTypeName();
    }

    private static AuditReport.JobFailure failure(HistoricJobLog f) {
        // the log holds the retries the job had when it ran; this failure took one of them
        return new AuditReport.JobFailure(time(f.getTimestamp()), text(f.getJobExceptionMessage()), Math.max(0, f.getJobRetries() - 1));
    }

    private static AuditReport.IncidentRecord incident(HistoricIncident i) {
        String state = i.isOpen() ? "open" : i.isResolved() ? "resolved" : "deleted";
        return new AuditReport.IncidentRecord(activityOf(i), i.getIncidentType(), text(i.getIncidentMessage()),
                time(i.getCreateTime()), time(i.getEndTime()), state);
    }

    // ------------------------------------------------------------------------------------------------ path

    private static AuditReport.Path path(List<HistoricActivityInstance> activities, BpmnModelInstance model) {
        Set<String> passed = new LinkedHashSet<>();
        for (HistoricActivityInstance a : activities) {
            passed.add(a.getActivityId());
        }
        List<String> flows = new ArrayList<>();
        if (model != null) {
            // the history does not record sequence flows: a flow was taken when its source ended before its target began
            Collection<SequenceFlow> all = model.getModelElementsByType(SequenceFlow.class);
            for (SequenceFlow f : all) {
                FlowNode source = f.getSource();
                FlowNode target = f.getTarget();
                if (source == null || target == null) {
                    continue;
                }
                boolean taken = activities.stream().filter(s -> s.getActivityId().equals(source.getId()) && s.getEndTime() != null)
                        .anyMatch(s -> activities.stream().anyMatch(t -> t.getActivityId().equals(target.getId())
                                && !t.getStartTime().before(s.getEndTime())));
                if (taken) {
                    flows.add(f.getId());
                }
            }
        }
        return new AuditReport.Path(List.copyOf(passed), flows);
    }

    // ------------------------------------------------------------------------------------------------ human tasks

    private record HumanTaskParts(String activityInstanceId, AuditReport.HumanTask task) {
    }

    private HumanTaskParts humanTask(HistoricTaskInstance t) {
        List<UserOperationLogEntry> ops = history.createUserOperationLogQuery().taskId(t.getId())
                .orderByTimestamp().asc().list();
        List<HistoricIdentityLinkLog> links = history.createHistoricIdentityLinkLogQuery().taskId(t.getId())
                .orderByTime().asc().list();
        List<String> groups = links.stream().filter(l -> "candidate".equals(l.getType()) && l.getGroupId() != null
                && "add".equals(l.getOperationType())).map(HistoricIdentityLinkLog::getGroupId).distinct().toList();
        String claimedBy = null;
        String claimedAt = null;
        String completedBy = null;
        String completedAt = null;
        List<AuditReport.Operation> operations = new ArrayList<>();
        Set<String> seenOperations = new LinkedHashSet<>();
        for (UserOperationLogEntry op : ops) {
            // one operation writes one entry per changed property: keep the ones that say who did what
            String type = op.getOperationType();
            if (UserOperationLogEntry.OPERATION_TYPE_CLAIM.equals(type) && claimedBy == null) {
                claimedBy = op.getUserId();
                claimedAt = time(op.getTimestamp());
            }
            if (UserOperationLogEntry.OPERATION_TYPE_COMPLETE.equals(type)) {
                completedBy = op.getUserId();
                completedAt = time(op.getTimestamp());
            }
            if (seenOperations.add(op.getOperationId() + "/" + op.getProperty())) {
                operations.add(new AuditReport.Operation(type, op.getUserId(), time(op.getTimestamp()), op.getProperty(),
                        op.getNewValue() == null ? null : shown(op.getProperty(), op.getNewValue())));
            }
        }
        if (claimedBy == null) {
            // an assignment from the identity link log (a claim without an operation log entry, e.g. no authenticated user)
            for (HistoricIdentityLinkLog l : links) {
                if ("assignee".equals(l.getType()) && "add".equals(l.getOperationType()) && l.getUserId() != null) {
                    claimedBy = l.getUserId();
                    claimedAt = time(l.getTime());
                    break;
                }
            }
        }
        if (completedBy == null && t.getEndTime() != null && "completed".equals(t.getDeleteReason())) {
            completedBy = t.getAssignee();
            completedAt = time(t.getEndTime());
        }
        return new HumanTaskParts(t.getActivityInstanceId(), new AuditReport.HumanTask(t.getId(), t.getTaskDefinitionKey(),
                t.getName(), time(t.getStartTime()), time(t.getEndTime()), t.getDurationInMillis(),
                groups.isEmpty() ? null : groups, claimedBy, claimedAt, completedBy, completedAt, t.getAssignee(),
                t.getDeleteReason() == null || "completed".equals(t.getDeleteReason()) ? null : text(t.getDeleteReason()),
                values(t), comments(t.getId()), operations.isEmpty() ? null : operations));
    }

    /** The variables set while the task was open: what the person gave in its form or on completion. */
    private Map<String, Object> values(HistoricTaskInstance t) {
        Map<String, Object> values = new TreeMap<>();
        List<HistoricDetail> details = new ArrayList<>();
        if (t.getActivityInstanceId() != null) {
            details.addAll(history.createHistoricDetailQuery().activityInstanceId(t.getActivityInstanceId()).variableUpdates()
                    .disableCustomObjectDeserialization().orderByTime().asc().list());
        }
        details.addAll(history.createHistoricDetailQuery().taskId(t.getId()).variableUpdates()
                .disableCustomObjectDeserialization().orderByTime().asc().list());
        details.sort(Comparator.comparing(HistoricDetail::getTime));
        for (HistoricDetail d : details) {
            if (d instanceof HistoricVariableUpdate u) {
                values.put(u.getVariableName(), value(u.getVariableName(), safeValue(u)));
            }
        }
        return values.isEmpty() ? null : values;
    }

    private List<AuditReport.Comment> comments(String taskId) {
        try {
            List<Comment> list = tasks.getTaskComments(taskId);
            if (list.isEmpty()) {
                return null;
            }
            return list.stream().sorted(Comparator.comparing(Comment::getTime))
                    .map(c -> new AuditReport.Comment(c.getUserId(), time(c.getTime()), text(c.getFullMessage()))).toList();
        } catch (AuthorizationException e) {
            return null; // a reader without permission on tasks still sees the values they gave
        }
    }

    // ------------------------------------------------------------------------------------------------ variables

    /** The variables of a run as they stand (every scope), secrets hidden as the audit shows them. */
    public Map<String, Object> variables(String instanceId) {
        Map<String, Object> vars = new TreeMap<>();
        for (HistoricVariableInstance v : history.createHistoricVariableInstanceQuery().processInstanceId(instanceId)
                .disableCustomObjectDeserialization().list()) {
            Object value;
            try {
                value = v.getValue();
            } catch (RuntimeException e) {
                value = "(" + v.getTypeName() + ": not readable here)";
            }
            if (v.getErrorMessage() != null && value == null) {
                value = "(" + v.getTypeName() + ": " + text(v.getErrorMessage()) + ")";
            }
            // a task-local variable of the same name does not hide the process's own
            if (!vars.containsKey(v.getName()) || instanceId.equals(v.getActivityInstanceId())) {
                vars.put(v.getName(), value(v.getName(), value));
            }
        }
        return vars;
    }

    private static Object safeValue(HistoricVariableUpdate u) {
        try {
            return u.getValue();
        } catch (RuntimeException e) {
            return "(" + u.getTypeName() + ": not readable here)";
        }
    }

    /** A variable's value as it may be shown: secrets hidden, URLs without credentials, long texts cut. */
    static Object value(String name, Object value) {
        if (name != null && SECRET_NAME.matcher(name).matches()) {
            return value == null ? null : HIDDEN;
        }
        if (value == null || value instanceof Boolean || value instanceof Number) {
            return value;
        }
        if (value instanceof Date d) {
            return time(d);
        }
        return text(value instanceof byte[] b ? "(" + b.length + " bytes)" : value.toString());
    }

    private static String shown(String name, String value) {
        Object v = value(name, value);
        return v == null ? null : v.toString();
    }

    /** A text as it may be shown: URLs without credentials, at most {@link #MAX_VALUE_CHARS} characters. */
    static String text(String s) {
        if (s == null) {
            return null;
        }
        String redacted = JdbcUrls.redactUrlsIn(s);
        if (redacted.length() > MAX_VALUE_CHARS) {
            return redacted.substring(0, MAX_VALUE_CHARS) + "... (" + redacted.length() + " characters, cut)";
        }
        return redacted;
    }

    // ------------------------------------------------------------------------------------------------ variables set

    /**
     * When and by whom a variable of a run got its current value: the time, the step (its name) that set it, and
     * the person: who completed the human task it was given in (or holds it), who changed it through the API, or
     * who started the run for a value it started with; null for a value a service step set.
     *
     * @param value the value as it may be shown (secrets hidden, URLs without credentials, long texts cut)
     */
    public record VariableSet(String name, Object value, String time, String step, String user) {
    }

    /**
     * Per variable of the run (process and sub-process scopes, not a called process's), when and by whom it was
     * last set, from the history's variable updates (history level full). Empty when the history holds no such
     * instance or no updates (a lower history level).
     */
    public Map<String, VariableSet> variablesSet(String instanceId) {
        HistoricProcessInstance pi = history.createHistoricProcessInstanceQuery().processInstanceId(instanceId).singleResult();
        if (pi == null) {
            return Map.of();
        }
        Map<String, HistoricActivityInstance> activities = new LinkedHashMap<>();
        for (HistoricActivityInstance a : history.createHistoricActivityInstanceQuery().processInstanceId(instanceId).list()) {
            activities.put(a.getId(), a);
        }
        Map<String, HistoricTaskInstance> tasksById = new LinkedHashMap<>();
        Map<String, HistoricTaskInstance> tasksByActivityInstance = new LinkedHashMap<>();
        for (HistoricTaskInstance t : history.createHistoricTaskInstanceQuery().processInstanceId(instanceId).list()) {
            tasksById.put(t.getId(), t);
            if (t.getActivityInstanceId() != null) {
                tasksByActivityInstance.put(t.getActivityInstanceId(), t);
            }
        }
        Map<String, String> taskUsers = new LinkedHashMap<>();
        Map<String, List<UserOperationLogEntry>> operations = new LinkedHashMap<>();
        String startedBy = startedBy(pi);
        Map<String, VariableSet> set = new TreeMap<>();
        for (HistoricDetail d : history.createHistoricDetailQuery().processInstanceId(instanceId).variableUpdates()
                .disableCustomObjectDeserialization().orderByTime().asc().orderPartiallyByOccurrence().asc().list()) {
            if (!(d instanceof HistoricVariableUpdate u)) {
                continue;
            }
            // a value set through the API by a signed-in user (not by completing a task): that user, no step (the
            // activity instance the history names is only where the run stood)
            List<UserOperationLogEntry> op = d.getUserOperationId() == null ? List.of()
                    : operations.computeIfAbsent(d.getUserOperationId(), id -> history.createUserOperationLogQuery().operationId(id).list());
            boolean fromApi = op.stream().anyMatch(e -> org.camunda.bpm.engine.EntityTypes.VARIABLE.equals(e.getEntityType()));
            String opUser = op.stream().map(UserOperationLogEntry::getUserId).filter(java.util.Objects::nonNull).findFirst().orElse(null);
            HistoricTaskInstance task = fromApi ? null : d.getTaskId() != null ? tasksById.get(d.getTaskId())
                    : d.getActivityInstanceId() == null ? null : tasksByActivityInstance.get(d.getActivityInstanceId());
            String user = null;
            if (fromApi) {
                user = opUser;
            } else if (task != null) {
                user = taskUsers.computeIfAbsent(task.getId(), id -> {
                    AuditReport.HumanTask h = humanTask(task).task();
                    return h.completedBy() != null ? h.completedBy() : h.assignee() != null ? h.assignee() : "";
                });
            } else if (opUser != null) {
                user = opUser;
            } else if (Boolean.TRUE.equals(u.isInitial())) {
                user = startedBy;
            }
            HistoricActivityInstance a = fromApi || d.getActivityInstanceId() == null ? null : activities.get(d.getActivityInstanceId());
            String step = task != null ? task.getName()
                    : a == null ? null : a.getActivityName() != null ? a.getActivityName() : a.getActivityId();
            set.put(u.getVariableName(), new VariableSet(u.getVariableName(), value(u.getVariableName(), safeValue(u)),
                    time(d.getTime()), step, user == null || user.isEmpty() ? null : user));
        }
        return set;
    }

    /** Always with milliseconds, so that the texts sort as the times do. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    static String time(Date d) {
        return d == null ? null : TIME.format(Instant.ofEpochMilli(d.getTime()));
    }
}
