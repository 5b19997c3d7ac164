package io.bascule.surveillance;

import io.bascule.config.BasculeProperties;
import io.bascule.database.JdbcUrls;
import io.bascule.process.Playbooks;
import io.bascule.process.ProcessKeys;
import io.bascule.process.ProcessVariables;
import io.bascule.process.SurveillanceVariables;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.SubProcess;
import org.camunda.bpm.model.xml.instance.ModelElementInstance;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the live page ({@code /surveillance/}) shows, as JSON documents (maps): the sampling's state and the latest
 * {@link Sample} with its checks and the thresholds ({@link #state()}), the active {@code surveillance} runs with
 * their open tasks, checklists and playbooks, and the samples of the last minutes for the charts
 * ({@link #samples(int)}). Read with the engine's public services as the signed-in user (Camunda authorization
 * decides which runs and tasks are seen); nothing is written.
 *
 * <p>A run's open task is a <i>checklist</i> task when its scope holds {@code checklistLabel} (local to each
 * checklist), a <i>playbook</i> task when the model places it inside an event sub-process (the playbook is that
 * sub-process, by its name), else a plain <i>task</i> (the standing "Report an incident"). No element id is named.
 */
public class LiveState {

    /** How many chart points {@link #samples(int)} returns at most: more samples are thinned to every n-th. */
    public static final int MAX_POINTS = 1500;
    /** The longest window {@link #samples(int)} serves. */
    public static final int MAX_MINUTES = 24 * 60;
    /** Where Tasklist opens a task. */
    public static final String TASKLIST_TASK = "/camunda/app/tasklist/default/#/?task=";

    /** The sample keys a chart point keeps (a subset of {@link Sample}'s JSON, same names). */
    private static final List<String> POINT_KEYS = List.of("at", "reachable", "error", "connectionsByState", "connections",
            "usableConnections", "connectionUsagePct", "avgQueryMs", "maxQueryMs", "slowQueryCount");

    /** The four playbooks: the kind, the variables telling whether it is open and what raised it, and its name. */
    private record Playbook(String kind, String openVariable, String triggerVariable, String name) {
    }

    private static final List<Playbook> PLAYBOOKS = List.of(
            new Playbook(Playbooks.KIND_BACKEND_DOWN, SurveillanceVariables.BACKEND_DOWN_OPEN,
                    SurveillanceVariables.BACKEND_DOWN_TRIGGER, "Backend down"),
            new Playbook(Playbooks.KIND_SLOW_QUERIES, SurveillanceVariables.SLOW_QUERIES_OPEN,
                    SurveillanceVariables.SLOW_QUERIES_TRIGGER, "Slow queries"),
            new Playbook(Playbooks.KIND_CONNECTIONS_EXHAUSTED, SurveillanceVariables.CONNECTIONS_EXHAUSTED_OPEN,
                    SurveillanceVariables.CONNECTIONS_EXHAUSTED_TRIGGER, "Connections exhausted"),
            new Playbook(Playbooks.KIND_USER_ERRORS, SurveillanceVariables.USER_ERRORS_OPEN,
                    SurveillanceVariables.USER_ERRORS_TRIGGER, "Users report errors"));

    private final SurveillanceLoop loop;
    private final SurveillanceSettings schedule;
    private final BasculeProperties properties;
    private final RuntimeService runtime;
    private final TaskService tasks;
    private final RepositoryService repository;
    private final Map<String, BpmnModelInstance> models = new ConcurrentHashMap<>();

    public LiveState(SurveillanceLoop loop, SurveillanceSettings schedule, BasculeProperties properties,
                     RuntimeService runtime, TaskService tasks, RepositoryService repository) {
        this.loop = loop;
        this.schedule = schedule;
        this.properties = properties;
        this.runtime = runtime;
        this.tasks = tasks;
        this.repository = repository;
    }

    /**
     * The page's state now: {@code now}; {@code sampling} (running, whether a target is configured, its URL without
     * credentials, the interval); {@code status} (level {@code off|waiting|unreachable|failing|alert|ok}, since when,
     * the reason, one line); {@code thresholds}; {@code latest} (the last sample, or null) with {@code latestAgeSeconds};
     * {@code failedChecks}; {@code runs}: the active surveillance runs, newest first (each with its open tasks,
     * checklists, next checklist, open playbooks and incidents); {@code run}: the newest one, or null.
     */
    public Map<String, Object> state() {
        Instant now = Instant.now();
        Sample latest = loop.latest();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("now", now);
        doc.put("sampling", sampling());
        doc.put("status", status(now, latest));
        doc.put("thresholds", thresholds());
        doc.put("latest", latest);
        doc.put("latestAgeSeconds", latest == null ? null : Math.max(0, Duration.between(latest.at(), now).toSeconds()));
        doc.put("failedChecks", latest == null ? List.of() : latest.failedChecks());
        List<Map<String, Object>> runs = runs(now);
        doc.put("runs", runs);
        doc.put("run", runs.isEmpty() ? null : runs.get(0));
        return doc;
    }

    /**
     * The samples of the last {@code minutes} (1 to {@value #MAX_MINUTES}) for the charts, oldest first: those in
     * memory (the last hour), the older ones read from the {@link SampleStore}. Each point keeps the sample's keys
     * {@code at, reachable, error, connectionsByState, connections, usableConnections, connectionUsagePct, avgQueryMs,
     * maxQueryMs, slowQueryCount}; over {@value #MAX_POINTS} samples, every n-th is kept ({@code thinnedEvery}), the
     * newest always.
     */
    public Map<String, Object> samples(int minutes) {
        if (minutes < 1 || minutes > MAX_MINUTES) {
            throw new IllegalArgumentException("minutes must be between 1 and " + MAX_MINUTES + " (24 h); got " + minutes);
        }
        Instant now = Instant.now();
        Instant from = now.minus(Duration.ofMinutes(minutes));
        List<Sample> inMemory = loop.recent(Duration.ofMinutes(minutes));
        Instant firstInMemory = inMemory.isEmpty() ? null : inMemory.get(0).at();
        List<Sample> all = new ArrayList<>();
        if (firstInMemory == null || firstInMemory.isAfter(from)) {
            all.addAll(loop.store().list(from, firstInMemory));
        }
        all.addAll(inMemory);
        int every = all.size() <= MAX_POINTS ? 1 : (all.size() + MAX_POINTS - 1) / MAX_POINTS;
        List<Map<String, Object>> points = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if ((all.size() - 1 - i) % every == 0) {
                points.add(point(all.get(i)));
            }
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("from", from);
        doc.put("to", now);
        doc.put("minutes", minutes);
        doc.put("samples", all.size());
        doc.put("thinnedEvery", every);
        doc.put("thresholds", thresholds());
        doc.put("points", points);
        return doc;
    }

    /** A chart point of a sample: the keys of {@link #samples(int)}'s points. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> point(Sample sample) {
        Map<String, Object> all = SampleJson.mapper().convertValue(sample, LinkedHashMap.class);
        Map<String, Object> point = new LinkedHashMap<>();
        for (String key : POINT_KEYS) {
            point.put(key, all.get(key));
        }
        return point;
    }

    private Map<String, Object> sampling() {
        BasculeProperties.Connection target = properties.target();
        boolean configured = target != null && target.url() != null && !target.url().isBlank();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("running", loop.isRunning());
        m.put("targetConfigured", configured);
        m.put("target", configured ? JdbcUrls.redact(target.url()) : null);
        m.put("sampleIntervalMs", loop.settings().sampleInterval().toMillis());
        m.put("keptInMemoryMinutes", SurveillanceLoop.KEPT_IN_MEMORY.toMinutes());
        return m;
    }

    private Map<String, Object> thresholds() {
        BasculeProperties.Surveillance t = loop.settings();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("maxConnectionUsagePct", t.maxConnectionUsagePct());
        m.put("maxAvgQueryMs", t.maxAvgQueryMs());
        m.put("slowQueryMs", t.slowQuery().toMillis());
        m.put("maxDeadTuplePct", t.maxDeadTuplePct());
        m.put("longRunningSeconds", t.longRunning().toSeconds());
        m.put("idleSessionAgeSeconds", t.idleSessionAge().toSeconds());
        m.put("healthFailures", t.healthFailures());
        return m;
    }

    private Map<String, Object> status(Instant now, Sample latest) {
        Map<String, Object> m = new LinkedHashMap<>();
        String level;
        Instant since = null;
        String reason = null;
        String message;
        boolean configured = Boolean.TRUE.equals(sampling().get("targetConfigured"));
        if (!loop.isRunning()) {
            level = "off";
            message = !configured ? "Surveillance sampling is off: no target database configured (set bascule.target.url,"
                    + " or --target-url, and restart serve)"
                    : latest == null ? "Surveillance sampling is not running (its settings were refused at start: see the log of serve)"
                    : "Surveillance sampling has stopped; the last sample is from " + latest.at();
        } else if (latest == null) {
            level = "waiting";
            message = "Waiting for the first sample";
        } else if (latest.error() != null) {
            level = latest.reachable() ? "failing" : "unreachable";
            since = failingSince(latest);
            reason = latest.error();
            message = (latest.reachable() ? "Sampling PostgreSQL fails since " : "PostgreSQL unreachable since ")
                    + since + ": " + reason;
        } else if (!latest.failedChecks().isEmpty()) {
            level = "alert";
            since = alertSince(latest);
            List<String> names = latest.failedChecks().stream().map(Sample.Check::name).toList();
            message = names.size() + (names.size() == 1 ? " check fails: " : " checks fail: ") + String.join(", ", names);
        } else {
            level = "ok";
            message = "Every check passes";
        }
        m.put("level", level);
        m.put("since", since);
        m.put("reason", reason);
        m.put("message", message);
        return m;
    }

    /** The first sample of the run of failed samples the latest one ends (as far back as memory goes). */
    private Instant failingSince(Sample latest) {
        Instant since = latest.at();
        List<Sample> recent = loop.recent(SurveillanceLoop.KEPT_IN_MEMORY);
        for (int i = recent.size() - 1; i >= 0; i--) {
            Sample s = recent.get(i);
            if (s.at().isAfter(latest.at())) {
                continue;
            }
            if (s.error() == null || s.reachable() != latest.reachable()) {
                break;
            }
            since = s.at();
        }
        return since;
    }

    /** The first sample of the run of samples with a failed check the latest one ends. */
    private Instant alertSince(Sample latest) {
        Instant since = latest.at();
        List<Sample> recent = loop.recent(SurveillanceLoop.KEPT_IN_MEMORY);
        for (int i = recent.size() - 1; i >= 0; i--) {
            Sample s = recent.get(i);
            if (s.at().isAfter(latest.at())) {
                continue;
            }
            if (s.error() != null || s.failedChecks().isEmpty()) {
                break;
            }
            since = s.at();
        }
        return since;
    }

    // ------------------------------------------------------------------ the runs

    private List<Map<String, Object>> runs(Instant now) {
        List<Map<String, Object>> runs = new ArrayList<>();
        for (ProcessInstance pi : runtime.createProcessInstanceQuery().processDefinitionKey(ProcessKeys.SURVEILLANCE).list()) {
            if (!pi.isEnded()) {
                runs.add(run(pi, now));
            }
        }
        runs.sort(Comparator.comparing((Map<String, Object> r) -> String.valueOf(r.get("startedAt"))).reversed());
        return runs;
    }

    private Map<String, Object> run(ProcessInstance pi, Instant now) {
        List<String> names = new ArrayList<>(List.of(ProcessVariables.STARTED_AT, ProcessVariables.DRY_RUN,
                SurveillanceVariables.CUTOVER_ID, SurveillanceVariables.CHECKLIST_OFFSETS));
        PLAYBOOKS.forEach(p -> {
            names.add(p.openVariable());
            names.add(p.triggerVariable());
        });
        List<String> offsets = offsets(runtime.getVariables(pi.getId(), List.of(SurveillanceVariables.CHECKLIST_OFFSETS)));
        offsets.forEach(o -> names.add(schedule.passedVariable(o)));
        Map<String, Object> vars = runtime.getVariables(pi.getId(), names);

        Map<String, Object> run = new LinkedHashMap<>();
        run.put("id", pi.getId());
        run.put("businessKey", pi.getBusinessKey());
        run.put("cutoverId", vars.get(SurveillanceVariables.CUTOVER_ID));
        run.put("suspended", pi.isSuspended());
        run.put("dryRun", Boolean.TRUE.equals(vars.get(ProcessVariables.DRY_RUN)));
        Instant startedAt = instant(vars.get(ProcessVariables.STARTED_AT));
        run.put("startedAt", startedAt);
        run.put("elapsedSeconds", startedAt == null ? null : Duration.between(startedAt, now).toSeconds());

        List<Map<String, Object>> openTasks = openTasks(pi);
        run.put("tasks", openTasks);

        List<Map<String, Object>> checklists = new ArrayList<>();
        Map<String, Object> next = null;
        for (String offset : offsets) {
            String label = schedule.checklistLabel(offset);
            Instant due = startedAt == null ? null : instant(schedule.checklistDueAt(startedAt.toString(), offset));
            Object passed = vars.get(schedule.passedVariable(offset));
            boolean open = openTasks.stream().anyMatch(t -> "checklist".equals(t.get("kind")) && label.equals(t.get("checklist")));
            String state = passed instanceof Boolean b ? (b ? "confirmed" : "flagged")
                    : open ? "open" : due != null && !due.isAfter(now) ? "due" : "scheduled";
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("label", label);
            c.put("offset", offset);
            c.put("dueAt", due);
            c.put("state", state);
            checklists.add(c);
            if (next == null && (state.equals("scheduled") || state.equals("due"))) {
                next = c;
            }
        }
        run.put("checklists", checklists);
        run.put("nextChecklist", next);

        List<Map<String, Object>> playbooks = new ArrayList<>();
        for (Playbook p : PLAYBOOKS) {
            if (Boolean.TRUE.equals(vars.get(p.openVariable()))) {
                Map<String, Object> open = new LinkedHashMap<>();
                open.put("kind", p.kind());
                open.put("name", p.name());
                open.put("trigger", vars.get(p.triggerVariable()));
                playbooks.add(open);
            }
        }
        run.put("openPlaybooks", playbooks);

        List<Map<String, Object>> incidents = new ArrayList<>();
        for (Incident i : runtime.createIncidentQuery().processInstanceId(pi.getId()).list()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("created", i.getIncidentTimestamp() == null ? null : i.getIncidentTimestamp().toInstant());
            m.put("message", SampleChecks.shorten(JdbcUrls.redactUrlsIn(String.valueOf(i.getIncidentMessage())), 300));
            incidents.add(m);
        }
        run.put("incidents", incidents);
        return run;
    }

    private List<String> offsets(Map<String, Object> vars) {
        Object value = vars.get(SurveillanceVariables.CHECKLIST_OFFSETS);
        try {
            return value == null ? List.of() : schedule.offsets(value.toString());
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    private List<Map<String, Object>> openTasks(ProcessInstance pi) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Task t : tasks.createTaskQuery().processInstanceId(pi.getId()).orderByTaskCreateTime().asc().list()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", t.getId());
            m.put("name", t.getName());
            String playbook = playbookOf(t);
            Object label = playbook == null ? tasks.getVariable(t.getId(), SurveillanceVariables.CHECKLIST_LABEL) : null;
            m.put("kind", playbook != null ? "playbook" : label != null ? "checklist" : "task");
            m.put("playbook", playbook);
            m.put("checklist", label == null ? null : label.toString());
            m.put("created", t.getCreateTime() == null ? null : t.getCreateTime().toInstant());
            m.put("due", t.getDueDate() == null ? null : t.getDueDate().toInstant());
            m.put("assignee", t.getAssignee());
            m.put("suspended", t.isSuspended());
            m.put("url", TASKLIST_TASK + t.getId());
            list.add(m);
        }
        return list;
    }

    /** The name of the event sub-process (a playbook) the task's model places it in, or null. */
    private String playbookOf(Task task) {
        if (task.getTaskDefinitionKey() == null || task.getProcessDefinitionId() == null) {
            return null;
        }
        BpmnModelInstance model = models.computeIfAbsent(task.getProcessDefinitionId(), repository::getBpmnModelInstance);
        ModelElementInstance element = model.getModelElementById(task.getTaskDefinitionKey());
        for (ModelElementInstance e = element == null ? null : element.getParentElement(); e != null; e = e.getParentElement()) {
            if (e instanceof SubProcess sub && sub.triggeredByEvent()) {
                return sub.getName() == null ? sub.getId() : sub.getName();
            }
        }
        return null;
    }

    private static Instant instant(Object value) {
        if (value instanceof java.util.Date d) {
            return d.toInstant();
        }
        if (value == null || value.toString().isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.toString().strip());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The keys of a chart point (for tests and documentation). */
    static Set<String> pointKeys() {
        return Set.copyOf(POINT_KEYS);
    }
}
