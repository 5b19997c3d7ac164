package io.bascule.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bascule.process.ModelContract;
import io.bascule.process.ProcessVariables;
import io.bascule.process.ProcessWatch;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.EndEvent;
import org.camunda.bpm.model.bpmn.instance.FlowElement;
import org.camunda.bpm.model.xml.instance.ModelElementInstance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * Runs one runbook process headless for a CLI command, on the engine of the command: starts it as the CLI user
 * (recorded as its initiator), answers its human tasks, prints its steps as they pass, reports an incident, and reads
 * how it ended from the variables its model sets. It knows no BPMN element id: a DBA may rename or re-id any
 * activity or event in Camunda Modeler.
 *
 * <h2>Model contract</h2>
 * <ul>
 *   <li><b>Outcome.</b> Every end event a run can finish at sets, in execution listeners (event {@code end}), the
 *   process variables {@code outcome} (a code, e.g. {@code CERTIFIED}, {@code COPIED_UNVERIFIED}, {@code REJECTED},
 *   {@code ROWS_DIFFER}, {@code IDENTICAL}, {@code FAILED}), {@code outcomeSuccess} (true only for an end that counts as
 *   success) and {@code outcomeMessage} (one line for the DBA):
 *   <pre>{@code <camunda:executionListener event="end" expression="${execution.setVariable('outcome', 'CERTIFIED')}" />
 * <camunda:executionListener event="end" expression="${execution.setVariable('outcomeSuccess', true)}" />
 * <camunda:executionListener event="end" expression="${execution.setVariable('outcomeMessage', execution.getVariable('certificateSummary'))}" />}</pre>
 *   The command exits 0 only when {@code outcomeSuccess} is true; a run that ends without an outcome is a failure
 *   (the model is incomplete). The first end event reached names the end in the messages, leaving out those the run
 *   passes through ({@link ModelContract#passesThrough}: the end of a sub-process that leads on to a step, an error or
 *   escalation end event), which set no outcome and are not printed.</li>
 *   <li><b>Human tasks</b> are recognised by their Camunda Form ({@code camunda:formRef}, bound with
 *   {@code formRefBinding="deployment"}), never by their id: the runner shows the form's read-only fields (label and
 *   value) and fills its inputs by type: a <i>checkbox</i> is a yes/no decision ({@code --yes} or
 *   {@code --confirm} tick it; at a terminal the DBA types yes); a <i>textfield</i> is a word to type
 *   ({@code --confirm WORD} or the terminal; its {@code validate.pattern}, if any, is checked; {@code --yes} never
 *   answers it); a <i>textarea</i> is the note for the audit trail (says how the CLI answered). The task is claimed
 *   and completed as the CLI user, with a comment. A task without a form, or with another kind of input, is left for
 *   Tasklist.</li>
 *   <li><b>Steps</b> are printed as {@code [mm:ss] name ✅/❌} from the history: tasks and call activities (❌ when
 *   interrupted), end events (✅/❌ from {@code outcomeSuccess}) and error boundary events (❌), by their names.</li>
 *   <li><b>Failures</b>: a business failure ends the run through the model's error boundary at an end event whose
 *   outcome says so; a technical fault is retried by the engine and then an incident, at which the runner stops.</li>
 * </ul>
 */
public final class ProcessRunner {

    /** Who the audit trail names for what the command line starts and completes. */
    public static final String CLI_USER = ProcessRuns.CLI_USER;
    /** The longest wait between two looks at the instance when no change is signalled. */
    static final long WAIT_MILLIS = 500;

    /** How the human tasks of a run are answered. */
    public enum AnswerMode {
        /** at the terminal prompt; without a terminal, stop with a message naming the task */
        PROMPT,
        /** {@code --yes}: tick every checkbox without asking (never types a word) */
        YES,
        /** {@code --confirm WORD}: type WORD into the word field, tick every checkbox */
        CONFIRM,
        /** leave every task to Tasklist and wait until it is completed there */
        WAIT
    }

    /** The answer policy of a run. */
    public record Answers(AnswerMode mode, String word) {
        public static Answers prompt() {
            return new Answers(AnswerMode.PROMPT, null);
        }

        public static Answers yes() {
            return new Answers(AnswerMode.YES, null);
        }

        public static Answers confirm(String word) {
            return new Answers(AnswerMode.CONFIRM, word);
        }

        public static Answers waitForTasklist() {
            return new Answers(AnswerMode.WAIT, null);
        }

        /** What the command-line flags ask: {@code --confirm} wins over {@code --yes}, which wins over {@code --wait}. */
        public static Answers of(boolean yes, String confirm, boolean wait) {
            return confirm != null ? confirm(confirm) : yes ? yes() : wait ? waitForTasklist() : prompt();
        }
    }

    /** Where a prompt is answered: the process's terminal, or a test's script. */
    public interface Terminal {
        boolean interactive();

        /** Prints the prompt and reads one line (null at end of input). */
        String readLine(PrintStream out, String prompt) throws IOException;

        static Terminal system() {
            return new Terminal() {
                private BufferedReader in;

                @Override
                public boolean interactive() {
                    return System.console() != null;
                }

                @Override
                public String readLine(PrintStream out, String prompt) throws IOException {
                    out.print(prompt);
                    out.flush();
                    if (in == null) {
                        in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                    }
                    return in.readLine();
                }
            };
        }
    }

    /** How a run ended, as its model says. */
    public record Result(String instanceId, String processName, boolean ended, String outcome, boolean success,
                         String endName, String message) {
        public int exitCode() {
            return success ? BasculeCli.OK : BasculeCli.FAILED;
        }
    }

    private final ProcessEngine engine;
    private final PrintStream out;
    private final PrintStream err;
    private final Terminal terminal;
    private BiConsumer<Task, Map<String, Object>> beforeAnswer = (task, variables) -> { };
    private String incidentHint = "";

    public ProcessRunner(ProcessEngine engine, PrintStream out, PrintStream err, Terminal terminal) {
        this.engine = engine;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    /** Shows more before a task is answered (e.g. a file a variable names); gets the task and its variables. */
    public ProcessRunner beforeAnswer(BiConsumer<Task, Map<String, Object>> show) {
        this.beforeAnswer = show;
        return this;
    }

    /** Added to the message of an incident: how this command's run resumes (e.g. "or rerun migrate --cancel-stale"). */
    public ProcessRunner incidentHint(String hint) {
        this.incidentHint = hint;
        return this;
    }

    /**
     * Starts the latest version of {@code processKey} as {@link #CLI_USER} with {@code startVariables}, runs it to its
     * end (or to a stop: incident, unanswerable task), and prints the result line: on {@code out} for a success, a
     * one-line {@code error:} on {@code err} otherwise.
     */
    public Result run(String processKey, Map<String, Object> startVariables, Answers answers) throws InterruptedException {
        Map<String, Object> vars = new HashMap<>(startVariables);
        vars.put(ProcessVariables.INITIATOR, CLI_USER);   // also set by camunda:initiator on the start event
        IdentityService identity = engine.getIdentityService();
        ProcessInstance pi;
        identity.setAuthenticatedUserId(CLI_USER);
        try {
            pi = engine.getRuntimeService().startProcessInstanceByKey(processKey, vars);
        } finally {
            identity.clearAuthentication();
        }
        String name = processName(pi.getProcessDefinitionId(), processKey);
        out.println(name + " started (process instance " + pi.getId() + ")");
        return follow(new Watch(pi.getId(), pi.getProcessDefinitionId(), name, answers));
    }

    /**
     * Follows a run that is already active (one this command took over from a dead owner) to its end, as
     * {@link #run} does for a run it starts: answers its tasks, prints its steps and the result line.
     */
    public Result resume(String instanceId, Answers answers) throws InterruptedException {
        return attach(instanceId, "resumed", answers);
    }

    /**
     * Follows an active run to its end as {@link #run} does (answers its tasks, prints its steps and the result line),
     * announced as "{@code <name> <how> (process instance <id>)}": a run this command took over ("resumed"), or one
     * another run started for it (a rollback a surveillance called).
     */
    public Result attach(String instanceId, String how, Answers answers) throws InterruptedException {
        ProcessInstance pi = engine.getRuntimeService().createProcessInstanceQuery().processInstanceId(instanceId).singleResult();
        if (pi == null) {
            throw new io.bascule.config.ConfigException("process instance " + instanceId + " is not active any more;"
                    + " see its audit trail with `bascule audit " + instanceId + "`");
        }
        String name = processName(pi.getProcessDefinitionId(), instanceId);
        out.println(name + " " + how + " (process instance " + instanceId + ")");
        return follow(new Watch(instanceId, pi.getProcessDefinitionId(), name, answers));
    }

    private Result follow(Watch watch) throws InterruptedException {
        Result result = watch.await();
        if (result.success()) {
            out.println(result.endName() + (result.message() == null ? "" : ": " + result.message()));
        } else {
            err.println("error: " + result.message());
        }
        return result;
    }

    private String processName(String definitionId, String fallback) {
        String name = engine.getRepositoryService().getProcessDefinition(definitionId).getName();
        return name == null || name.isBlank() ? fallback : name;
    }

    /** One run being watched. */
    private final class Watch {
        private final String instanceId;
        private final String definitionId;
        private final String processName;
        private final Answers answers;
        private final Set<String> printed = new HashSet<>();
        private final Set<String> announced = new HashSet<>();
        private final RuntimeService runtime = engine.getRuntimeService();
        private final HistoryService history = engine.getHistoryService();
        private final TaskService tasks = engine.getTaskService();
        private Date started;
        private BpmnModelInstance model;

        Watch(String instanceId, String definitionId, String processName, Answers answers) {
            this.instanceId = instanceId;
            this.definitionId = definitionId;
            this.processName = processName;
            this.answers = answers;
        }

        Result await() throws InterruptedException {
            while (true) {
                long seen = ProcessWatch.changes();
                boolean running = runtime.createProcessInstanceQuery().processInstanceId(instanceId).count() > 0;
                printSteps();
                if (!running) {
                    return outcome();
                }
                List<Incident> incidents = runtime.createIncidentQuery().processInstanceId(instanceId).list();
                if (!incidents.isEmpty()) {
                    Incident i = incidents.get(0);
                    String step = activityName(i.getActivityId());
                    if (i.getRootCauseIncidentId() != null && !i.getRootCauseIncidentId().equals(i.getId())) {
                        // an incident of a process this one called (a rollback): its cause is told, where it stands
                        Incident cause = runtime.createIncidentQuery().incidentId(i.getRootCauseIncidentId()).singleResult();
                        if (cause != null) {
                            i = cause;
                            step = step + " > " + activityName(cause.getProcessDefinitionId(), cause.getActivityId());
                        }
                    }
                    out.println(stamp(new Date()) + " " + step + " ❌ incident");
                    return stopped("step '" + step + "' failed and became an incident: " + ProcessRuns.oneLine(i.getIncidentMessage())
                            + "; fix the cause, then retry it in Cockpit (process instance " + instanceId + ")" + incidentHint);
                }
                for (Task task : tasks.createTaskQuery().processInstanceIdIn(withCalled(instanceId).toArray(String[]::new))
                        .initializeFormKeys().list()) {
                    String stop = answer(task);
                    if (stop != null) {
                        return stopped(stop);
                    }
                }
                ProcessWatch.awaitChange(seen, WAIT_MILLIS);   // woken when a step ends or a task appears; an incident: timeout
            }
        }

        /** The instance and the instances it called that are still running (a rollback's decision task is asked too). */
        private List<String> withCalled(String root) {
            List<String> ids = new ArrayList<>(List.of(root));
            for (int i = 0; i < ids.size(); i++) {
                for (ProcessInstance called : runtime.createProcessInstanceQuery().superProcessInstanceId(ids.get(i)).list()) {
                    ids.add(called.getId());
                }
            }
            return ids;
        }

        private Result stopped(String reason) {
            return new Result(instanceId, processName, false, null, false, null, reason);
        }

        private Result outcome() {
            String code = string(variable(ProcessVariables.OUTCOME));
            Object success = variable(ProcessVariables.OUTCOME_SUCCESS);
            String message = string(variable(ProcessVariables.OUTCOME_MESSAGE));
            List<HistoricActivityInstance> ends = history.createHistoricActivityInstanceQuery().processInstanceId(instanceId)
                    .finished().orderPartiallyByOccurrence().asc().list().stream()
                    .filter(a -> a.getActivityType().endsWith("EndEvent") && !passesThrough(a)).toList();
            String end = ends.isEmpty() ? "an end without a name" : label(ends.get(0));
            if (code == null || !(success instanceof Boolean)) {
                return new Result(instanceId, processName, true, code, false, end, processName + " ended '" + end
                        + "' but its model set no outcome: every end event must set the variables outcome, outcomeSuccess"
                        + " and outcomeMessage (README: Runbook models and the command line)");
            }
            boolean ok = (Boolean) success;
            return new Result(instanceId, processName, true, code, ok, end,
                    ok ? message : processName + " ended '" + end + "'" + (message == null ? "" : ": " + message));
        }

        /** Prints the steps that ended since the last look, in the order they occurred. */
        private void printSteps() {
            List<HistoricActivityInstance> done = history.createHistoricActivityInstanceQuery().processInstanceId(instanceId)
                    .finished().orderPartiallyByOccurrence().asc().list();
            Boolean success = null;
            for (HistoricActivityInstance a : done) {
                if (printed.contains(a.getId()) || !shown(a.getActivityType()) || passesThrough(a)) {
                    continue;
                }
                printed.add(a.getId());
                boolean ok;
                String type = a.getActivityType();
                if (type.endsWith("EndEvent")) {
                    if (success == null) {
                        success = Boolean.TRUE.equals(variable(ProcessVariables.OUTCOME_SUCCESS));
                    }
                    ok = success;
                } else {
                    ok = !type.equals("boundaryError") && !a.isCanceled();
                }
                String who = type.equals("userTask") && a.getAssignee() != null ? " (" + a.getAssignee() + ")" : "";
                out.println(stamp(a.getEndTime()) + " " + label(a) + " " + (ok ? "✅" : "❌") + who);
            }
        }

        private boolean shown(String type) {
            return type.endsWith("Task") || type.equals("task") || type.equals("callActivity") || type.endsWith("EndEvent")
                    || type.equals("boundaryError");
        }

        /** An end event the run goes on after (ModelContract): neither printed nor named as the run's end. */
        private boolean passesThrough(HistoricActivityInstance a) {
            if (!a.getActivityType().endsWith("EndEvent")) {
                return false;
            }
            if (model == null) {
                model = engine.getRepositoryService().getBpmnModelInstance(definitionId);
            }
            return model.getModelElementById(a.getActivityId()) instanceof EndEvent end && ModelContract.passesThrough(end);
        }

        private String label(HistoricActivityInstance a) {
            String name = a.getActivityName();
            return name == null || name.isBlank() ? "(unnamed " + a.getActivityType() + ")" : ProcessRuns.oneLine(name);
        }

        private String stamp(Date at) {
            if (started == null) {
                HistoricProcessInstance hpi = history.createHistoricProcessInstanceQuery().processInstanceId(instanceId).singleResult();
                started = hpi == null ? at : hpi.getStartTime();
            }
            long seconds = Math.max(0, (at.getTime() - started.getTime()) / 1000);
            return String.format("[%02d:%02d]", seconds / 60, seconds % 60);
        }

        private String activityName(String activityId) {
            return activityName(definitionId, activityId);
        }

        private String activityName(String processDefinitionId, String activityId) {
            ModelElementInstance element = engine.getRepositoryService().getBpmnModelInstance(processDefinitionId).getModelElementById(activityId);
            String name = element instanceof FlowElement f ? f.getName() : null;
            return name == null || name.isBlank() ? activityId : ProcessRuns.oneLine(name);
        }

        private Object variable(String name) {
            return ProcessRuns.variable(history, instanceId, name);
        }

        /** Answers a task, leaves it to Tasklist ({@code --wait}), or returns why the run must stop here. */
        private String answer(Task task) {
            printSteps();   // the steps before the task, ended in the transaction that created it
            String taskName = task.getName() == null ? "(unnamed task)" : ProcessRuns.oneLine(task.getName());
            String howElse = "; answer it with --yes (or --confirm WORD) or at a terminal, or complete it in Tasklist"
                    + " (bascule serve) while this command waits (--wait)";
            if (answers.mode() == AnswerMode.WAIT) {
                if (announced.add(task.getId())) {
                    out.println(stamp(new Date()) + " " + taskName + " waits for a DBA in Tasklist (process instance "
                            + instanceId + ")");
                }
                return null;
            }
            if (task.getAssignee() != null && !CLI_USER.equals(task.getAssignee())) {
                return "task '" + taskName + "' is claimed by " + task.getAssignee() + " in Tasklist (process instance "
                        + instanceId + "); let them complete it while this command waits (--wait), or unclaim it there";
            }
            JsonNode form = form(task);
            if (form == null) {
                return processName + " waits for task '" + taskName + "' (process instance " + instanceId
                        + "), which has no Camunda form the command line can answer; complete it in Tasklist (bascule serve)"
                        + " while this command waits (--wait)";
            }
            Map<String, Object> variables = tasks.getVariables(task.getId());
            out.println(stamp(new Date()) + " " + taskName + " waits for a decision:");
            beforeAnswer.accept(task, variables);
            List<JsonNode> fields = new ArrayList<>();
            collect(form, fields);
            for (JsonNode f : fields) {
                if (f.path("readonly").asBoolean(false) && f.hasNonNull("key")) {
                    Object value = variables.get(f.get("key").asText());
                    if (value != null) {
                        out.println("  " + f.path("label").asText(f.get("key").asText()) + ": "
                                + value.toString().replace("\n", "\n    "));
                    }
                }
            }
            boolean canAsk = answers.mode() == AnswerMode.PROMPT && terminal.interactive();
            if (answers.mode() == AnswerMode.PROMPT && !canAsk) {
                return processName + " waits for review of task '" + taskName + "' (process instance " + instanceId + ")" + howElse;
            }
            Map<String, Object> values = new LinkedHashMap<>();
            List<String> notes = new ArrayList<>();
            boolean allTicked = true;
            try {
                for (JsonNode f : fields) {
                    if (f.path("readonly").asBoolean(false) || !f.hasNonNull("key")) {
                        continue;
                    }
                    String key = f.get("key").asText();
                    String label = f.path("label").asText(key);
                    boolean required = f.path("validate").path("required").asBoolean(false);
                    switch (f.path("type").asText()) {
                        case "checkbox" -> {
                            boolean yes = !canAsk || "yes".equalsIgnoreCase(strip(terminal.readLine(out, label + "? Type yes to approve: ")));
                            if (!yes && required) {
                                return "'" + label + "' was not confirmed, so task '" + taskName + "' stays open (process instance "
                                        + instanceId + ")" + howElse;
                            }
                            allTicked &= yes;
                            values.put(key, yes);
                        }
                        case "textfield" -> {
                            String word = answers.mode() == AnswerMode.CONFIRM ? answers.word()
                                    : canAsk ? strip(terminal.readLine(out, label + ": ")) : null;
                            if (word == null) {
                                return "task '" + taskName + "' asks to type '" + label + "', which --yes never answers; rerun with"
                                        + " --confirm WORD, or answer it at a terminal or in Tasklist (process instance " + instanceId + ")";
                            }
                            String pattern = f.path("validate").path("pattern").asText("");
                            if (!pattern.isEmpty() && !Pattern.compile(pattern).matcher(word).matches()) {
                                return "'" + word + "' is not what task '" + taskName + "' expects for '" + label
                                        + "'; the task stays open (process instance " + instanceId + ")";
                            }
                            values.put(key, word);
                        }
                        case "textarea" -> notes.add(key);
                        default -> {
                            if (required) {
                                return "task '" + taskName + "' has a field '" + label + "' (" + f.path("type").asText()
                                        + ") the command line cannot fill; complete it in Tasklist (process instance " + instanceId + ")";
                            }
                        }
                    }
                }
            } catch (IOException e) {
                return "cannot read the answer for task '" + taskName + "' from the terminal: " + e.getMessage();
            }
            String how = switch (answers.mode()) {
                case YES -> (allTicked ? "approved" : "answered") + " from the CLI (--yes)";
                case CONFIRM -> "confirmed from the CLI (--confirm)";
                default -> (allTicked ? "approved" : "rejected") + " at the CLI prompt";
            };
            for (String note : notes) {
                values.put(note, how);
            }
            IdentityService identity = engine.getIdentityService();
            identity.setAuthenticatedUserId(CLI_USER);
            try {
                tasks.claim(task.getId(), CLI_USER);
                tasks.createComment(task.getId(), instanceId, how);
                tasks.complete(task.getId(), values);
            } finally {
                identity.clearAuthentication();
            }
            out.println("  " + how.substring(0, 1).toUpperCase() + how.substring(1));
            return null;
        }

        /** The Camunda form of the task, from the deployment its instance runs (null: none). */
        private JsonNode form(Task task) {
            if (task.getCamundaFormRef() == null) {
                return null;
            }
            try (InputStream in = engine.getFormService().getDeployedTaskForm(task.getId())) {
                return new ObjectMapper().readTree(in);
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }

    private static void collect(JsonNode node, List<JsonNode> into) {
        for (JsonNode c : node.path("components")) {
            into.add(c);
            collect(c, into);
        }
    }

    private static String strip(String s) {
        return s == null ? null : s.strip();
    }

    private static String string(Object o) {
        return o == null ? null : ProcessRuns.oneLine(o.toString());
    }
}
