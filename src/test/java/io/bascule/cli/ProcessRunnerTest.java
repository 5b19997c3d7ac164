package io.bascule.cli;

import io.bascule.process.ProcessVariables;
import io.bascule.testing.SpringEngine;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.task.Comment;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ProcessRunner} on an in-memory engine as the application runs it (Spring Boot starter, job executor), the real goldMigration and the stand-in platinumReport (bpmn-test/platinumReportStub.bpmn: one DBA task) models and
 * form, the migration delegates replaced by beans: steps printed by name, tasks answered from their forms, the
 * outcome read from the variables the model sets.
 */
class ProcessRunnerTest {

    static SpringEngine spring;
    static ProcessEngine engine;
    static final Map<String, Boolean> FAIL = new HashMap<>();

    @BeforeAll
    static void startEngine() throws Exception {
        Map<String, Object> beans = new HashMap<>();
        for (String name : List.of("runPreflightDelegate", "readSchemaDelegate", "createTablesDelegate", "copyDataDelegate",
                "buildConstraintsDelegate", "verifyRowsDelegate", "writeCertificateDelegate")) {
            beans.put(name, (JavaDelegate) execution -> step(name, execution));
        }
        spring = SpringEngine.start("runner", true, beans); // with ProcessWatch, which wakes the runner
        engine = spring.engine();
        var deployment = engine.getRepositoryService().createDeployment();
        for (String f : List.of("bpmn/goldMigration.bpmn", "src/test/resources/bpmn-test/platinumReportStub.bpmn",
                "forms/reviewConversion.form", "src/test/resources/forms-test/placeholderAcknowledge.form")) {
            deployment.addString(Path.of(f).getFileName().toString(), Files.readString(Path.of(f)));
        }
        deployment.addString("passThrough.bpmn", PASS_THROUGH);
        deployment.addModelInstance("noOutcome.bpmn", Bpmn.createExecutableProcess("noOutcome").name("No outcome")
                .camundaHistoryTimeToLive(1).startEvent().name("Asked").endEvent().name("Done").done());
        deployment.addModelInstance("typeGo.bpmn", Bpmn.createExecutableProcess("typeGo").name("Type GO")
                .camundaHistoryTimeToLive(1).startEvent().name("Asked")
                .userTask().name("Give the GO").camundaCandidateGroups("dba").camundaFormRef("goForm").camundaFormRefBinding("deployment")
                .endEvent().name("Switched")
                .camundaExecutionListenerExpression("end", "${execution.setVariable('outcome', 'SWITCHED')}")
                .camundaExecutionListenerExpression("end", "${execution.setVariable('outcomeSuccess', true)}")
                .camundaExecutionListenerExpression("end", "${execution.setVariable('outcomeMessage', 'switched')}")
                .done());
        deployment.addModelInstance("assigned.bpmn", Bpmn.createExecutableProcess("assigned").name("Assigned")
                .camundaHistoryTimeToLive(1).startEvent().userTask().name("Give the GO").camundaAssignee("alice")
                .camundaFormRef("goForm").camundaFormRefBinding("deployment").endEvent().done());
        deployment.addString("goForm.form", """
                {"id": "goForm", "type": "default", "schemaVersion": 16, "components": [
                  {"id": "Text_1", "type": "text", "text": "Type GO to switch"},
                  {"id": "Field_Go", "key": "go", "type": "textfield", "label": "Type GO", "validate": {"required": true, "pattern": "^GO$"}},
                  {"id": "Field_Sure", "key": "sure", "type": "checkbox", "label": "I am sure"},
                  {"id": "Field_Note", "key": "goNote", "type": "textarea", "label": "Note"}]}
                """);
        deployment.deploy();
    }

    /** A sub-process that leads on to a step ("Prepared" passes through) or escalates ("Stop asked" passes through). */
    static final String PASS_THROUGH = """
            <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" targetNamespace="https://bascule.io/test">
              <escalation id="Escalation_Stop" escalationCode="STOP" />
              <process id="passThrough" name="Pass through" isExecutable="true" camunda:historyTimeToLive="1">
                <startEvent id="Start" name="Asked" />
                <sequenceFlow id="F1" sourceRef="Start" targetRef="Sub" />
                <subProcess id="Sub" name="Prepare">
                  <startEvent id="SubStart" />
                  <sequenceFlow id="F2" sourceRef="SubStart" targetRef="Stop" />
                  <exclusiveGateway id="Stop" name="Stop?" default="F4" />
                  <sequenceFlow id="F3" sourceRef="Stop" targetRef="Escalate">
                    <conditionExpression xsi:type="tFormalExpression">${execution.getVariable('stop') == true}</conditionExpression>
                  </sequenceFlow>
                  <sequenceFlow id="F4" sourceRef="Stop" targetRef="Prepared" />
                  <endEvent id="Escalate" name="Stop asked"><escalationEventDefinition escalationRef="Escalation_Stop" /></endEvent>
                  <endEvent id="Prepared" name="Prepared" />
                </subProcess>
                <boundaryEvent id="Stopping" attachedToRef="Sub"><escalationEventDefinition escalationRef="Escalation_Stop" /></boundaryEvent>
                <sequenceFlow id="F5" sourceRef="Stopping" targetRef="Stopped" />
                <endEvent id="Stopped" name="Stopped">
                  <extensionElements>
                    <camunda:executionListener event="end" expression="${execution.setVariable('outcome', 'STOPPED')}" />
                    <camunda:executionListener event="end" expression="${execution.setVariable('outcomeSuccess', false)}" />
                    <camunda:executionListener event="end" expression="${execution.setVariable('outcomeMessage', 'stopped as asked')}" />
                  </extensionElements>
                </endEvent>
                <sequenceFlow id="F6" sourceRef="Sub" targetRef="Report" />
                <task id="Report" name="Write the report" />
                <sequenceFlow id="F7" sourceRef="Report" targetRef="Done" />
                <endEvent id="Done" name="Done">
                  <extensionElements>
                    <camunda:executionListener event="end" expression="${execution.setVariable('outcome', 'DONE')}" />
                    <camunda:executionListener event="end" expression="${execution.setVariable('outcomeSuccess', true)}" />
                    <camunda:executionListener event="end" expression="${execution.setVariable('outcomeMessage', 'all prepared')}" />
                  </extensionElements>
                </endEvent>
              </process>
            </definitions>
            """;

    @AfterAll
    static void stopEngine() {
        spring.close();
    }

    static void step(String name, DelegateExecution execution) {
        if (name.equals("copyDataDelegate") && FAIL.containsKey("copy")) {
            throw new org.camunda.bpm.engine.delegate.BpmnError(ProcessVariables.ERROR_MIGRATION_FAILED,
                    "simulated: the target disk is full");
        }
        switch (name) {
            case "readSchemaDelegate" -> {
                execution.setVariable(ProcessVariables.PLAN_SUMMARY, "2 tables (~7 rows), 1 warnings, 0 objects not converted");
                execution.setVariable(ProcessVariables.WARNINGS, "- t.c: TINYINT(1) kept as smallint");
            }
            case "copyDataDelegate" -> execution.setVariable(ProcessVariables.COPY_SUMMARY, "7 rows copied in 2 tables");
            case "verifyRowsDelegate" -> {
                execution.setVariable(ProcessVariables.ROWS_IDENTICAL, true);
                execution.setVariable(ProcessVariables.VERIFICATION_SUMMARY, "7 rows in 2 tables identical");
            }
            case "writeCertificateDelegate" -> execution.setVariable(ProcessVariables.CERTIFICATE_SUMMARY,
                    "GOLD: 7 rows in 2 tables verified identical");
            default -> {
            }
        }
    }

    /** A terminal that answers from a script, or none. */
    static ProcessRunner.Terminal terminal(boolean interactive, String... answers) {
        Deque<String> queue = new ArrayDeque<>(List.of(answers));
        return new ProcessRunner.Terminal() {
            @Override
            public boolean interactive() {
                return interactive;
            }

            @Override
            public String readLine(PrintStream out, String prompt) {
                out.print(prompt);
                return queue.poll();
            }
        };
    }

    record Run(ProcessRunner.Result result, String out, String err) {
    }

    static Run run(String key, Map<String, Object> vars, ProcessRunner.Answers answers, ProcessRunner.Terminal terminal)
            throws Exception {
        return run(key, vars, answers, terminal, new ByteArrayOutputStream());
    }

    /** {@code out} is where the runner prints, for a test that watches it while the run goes on. */
    static Run run(String key, Map<String, Object> vars, ProcessRunner.Answers answers, ProcessRunner.Terminal terminal,
                   ByteArrayOutputStream out) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ProcessRunner runner = new ProcessRunner(engine, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), terminal);
        ProcessRunner.Result r = runner.run(key, vars, answers);
        return new Run(r, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void yesRunsToTheSuccessTheModelSaysAndPrintsEveryStepByName() throws Exception {
        Run run = run("goldMigration", Map.of(), ProcessRunner.Answers.yes(), terminal(false));
        assertThat(run.result().exitCode()).as(run.err()).isZero();
        assertThat(run.result().outcome()).isEqualTo("CERTIFIED");
        assertThat(run.out()).containsSubsequence("GOLD migration started (process instance ",
                "] Run pre-flight checks ✅", "] Read schema and plan conversion ✅",
                "Review schema conversion waits for a decision:",
                "  Plan: 2 tables (~7 rows), 1 warnings, 0 objects not converted",
                "  Warnings (each one; the full plan file has them all): - t.c: TINYINT(1) kept as smallint",
                "Approved from the CLI (--yes)",
                "] Review schema conversion ✅ (cli)", "] Create target tables ✅", "] Copy table data ✅",
                "] Create indexes, constraints and sequences ✅", "] Verify every row ✅", "] Write GOLD certificate ✅",
                "] GOLD certified ✅", "] Migration run ended ✅",
                "GOLD certified: GOLD: 7 rows in 2 tables verified identical");
        assertThat(run.out()).matches("(?s).*\\[\\d\\d:\\d\\d] Run pre-flight checks ✅.*");
        assertThat(run.err()).isEmpty();
        // the audit trail: started and answered by the CLI user, with the decision and a comment
        var history = engine.getHistoryService();
        assertThat(history.createHistoricProcessInstanceQuery().processInstanceId(run.result().instanceId()).singleResult()
                .getStartUserId()).isEqualTo("cli");
        var task = history.createHistoricTaskInstanceQuery().processInstanceId(run.result().instanceId()).singleResult();
        assertThat(task.getAssignee()).isEqualTo("cli");
        assertThat(engine.getTaskService().getTaskComments(task.getId())).extracting(Comment::getFullMessage)
                .containsExactly("approved from the CLI (--yes)");
        assertThat(ProcessRuns.variable(history, run.result().instanceId(), ProcessVariables.REVIEW_COMMENT))
                .isEqualTo("approved from the CLI (--yes)");
        assertThat(ProcessRuns.variable(history, run.result().instanceId(), ProcessVariables.APPROVED)).isEqualTo(true);
    }

    @Test
    void withoutATerminalTheRunStopsNamingTheTaskAndHowToAnswerIt() throws Exception {
        Run run = run("goldMigration", Map.of(), ProcessRunner.Answers.prompt(), terminal(false));
        assertThat(run.result().exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("error: GOLD migration waits for review of task 'Review schema conversion'")
                .contains("--yes").contains("--wait").contains("Tasklist");
        assertThat(engine.getTaskService().createTaskQuery().processInstanceId(run.result().instanceId()).count()).isOne();
        engine.getRuntimeService().deleteProcessInstance(run.result().instanceId(), "test");
    }

    @Test
    void aRejectionAtThePromptEndsAtTheRejectedEndAndFails() throws Exception {
        Run run = run("goldMigration", Map.of(), ProcessRunner.Answers.prompt(), terminal(true, "no"));
        assertThat(run.result().exitCode()).isEqualTo(1);
        assertThat(run.result().outcome()).isEqualTo("REJECTED");
        assertThat(run.out()).contains("I approve this conversion? Type yes to approve: ")
                .contains("] Conversion rejected ❌").doesNotContain("Create target tables");
        assertThat(run.err()).isEqualTo("error: GOLD migration ended 'Conversion rejected': the schema conversion was not"
                + " approved in the review; nothing was written\n");
    }

    @Test
    void aBusinessFailureIsPrintedAsAFailedStepAndEndsFailed() throws Exception {
        FAIL.put("copy", true);
        try {
            Run run = run("goldMigration", Map.of(), ProcessRunner.Answers.yes(), terminal(false));
            assertThat(run.result().exitCode()).isEqualTo(1);
            assertThat(run.result().outcome()).isEqualTo("FAILED");
            assertThat(run.out()).containsSubsequence("] Create target tables ✅", "] Copy table data ❌", "] Migration failed ❌");
            assertThat(run.err()).isEqualTo("error: GOLD migration ended 'Migration failed': simulated: the target disk is full\n");
        } finally {
            FAIL.clear();
        }
    }

    @Test
    void waitLeavesTheTaskToTasklistAndFollowsTheRunToItsEnd() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread dba = new Thread(() -> {
            var tasks = engine.getTaskService();
            for (int i = 0; i < 200; i++) {
                var open = tasks.createTaskQuery().processDefinitionKey("platinumReport").list();
                // the DBA acts once the runner said it waits (acting earlier, the run may end before it looks)
                if (!open.isEmpty() && out.toString(StandardCharsets.UTF_8).contains("waits for a DBA in Tasklist")) {
                    engine.getIdentityService().setAuthenticatedUserId("alice");
                    tasks.claim(open.get(0).getId(), "alice");
                    tasks.complete(open.get(0).getId(), Map.of("acknowledged", true, "note", "checked in Tasklist"));
                    return;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        dba.start();
        Run run = run("platinumReport", Map.of(), ProcessRunner.Answers.waitForTasklist(), terminal(false), out);
        dba.join();
        assertThat(run.result().exitCode()).as(run.err()).isZero();
        assertThat(run.out()).containsSubsequence("Review PLATINUM report waits for a DBA in Tasklist",
                "] Review PLATINUM report ✅ (alice)", "] Step acknowledged ✅");
    }

    @Test
    void confirmAcknowledgesAChecklistAndWritesTheNote() throws Exception {
        Run run = run("platinumReport", Map.of(), ProcessRunner.Answers.confirm("GO"), terminal(false));
        assertThat(run.result().exitCode()).as(run.err()).isZero();
        assertThat(ProcessRuns.variable(engine.getHistoryService(), run.result().instanceId(), "note"))
                .isEqualTo("confirmed from the CLI (--confirm)");
        assertThat(run.out()).contains("Step acknowledged: the placeholder step was acknowledged");
    }

    @Test
    void endsTheRunPassesThroughAreNeitherPrintedNorNamed() throws Exception {
        // the end of a sub-process that leads on, and an escalation end event, as in the cutover model
        Run done = run("passThrough", Map.of(), ProcessRunner.Answers.yes(), terminal(false));
        assertThat(done.result().exitCode()).as(done.err()).isZero();
        assertThat(done.result().endName()).isEqualTo("Done");
        assertThat(done.out()).containsSubsequence("] Write the report ✅", "] Done ✅", "Done: all prepared")
                .doesNotContain("Prepared", "Stop asked");

        Run stopped = run("passThrough", Map.of("stop", true), ProcessRunner.Answers.yes(), terminal(false));
        assertThat(stopped.result().exitCode()).isEqualTo(1);
        assertThat(stopped.out()).contains("] Stopped ❌").doesNotContain("Stop asked", "Prepared", "Done");
        assertThat(stopped.err()).isEqualTo("error: Pass through ended 'Stopped': stopped as asked\n");
    }

    @Test
    void aModelThatSetsNoOutcomeFailsSayingWhatIsMissing() throws Exception {
        Run run = run("noOutcome", Map.of(), ProcessRunner.Answers.yes(), terminal(false));
        assertThat(run.result().exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("No outcome ended 'Done' but its model set no outcome").contains("outcomeSuccess");
    }

    @Test
    void aWordIsTypedOnlyWithConfirmAndMustMatchTheFormsPattern() throws Exception {
        Run yes = run("typeGo", Map.of(), ProcessRunner.Answers.yes(), terminal(false));
        assertThat(yes.result().exitCode()).isEqualTo(1);
        assertThat(yes.err()).contains("task 'Give the GO' asks to type 'Type GO', which --yes never answers").contains("--confirm WORD");
        engine.getRuntimeService().deleteProcessInstance(yes.result().instanceId(), "test");

        Run wrong = run("typeGo", Map.of(), ProcessRunner.Answers.confirm("go"), terminal(false));
        assertThat(wrong.result().exitCode()).isEqualTo(1);
        assertThat(wrong.err()).contains("'go' is not what task 'Give the GO' expects for 'Type GO'; the task stays open");
        engine.getRuntimeService().deleteProcessInstance(wrong.result().instanceId(), "test");

        Run go = run("typeGo", Map.of(), ProcessRunner.Answers.confirm("GO"), terminal(false));
        assertThat(go.result().exitCode()).as(go.err()).isZero();
        var history = engine.getHistoryService();
        assertThat(ProcessRuns.variable(history, go.result().instanceId(), "go")).isEqualTo("GO");
        assertThat(ProcessRuns.variable(history, go.result().instanceId(), "sure")).isEqualTo(true);
        assertThat(ProcessRuns.variable(history, go.result().instanceId(), "goNote")).isEqualTo("confirmed from the CLI (--confirm)");
        assertThat(go.out()).containsSubsequence("] Give the GO ✅ (cli)", "] Switched ✅", "Switched: switched");
    }

    @Test
    void aTaskAssignedToSomeoneElseIsLeftToThem() throws Exception {
        Run run = run("assigned", Map.of(), ProcessRunner.Answers.confirm("GO"), terminal(false));
        assertThat(run.result().exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("task 'Give the GO' is claimed by alice in Tasklist").contains("--wait");
        assertThat(engine.getTaskService().createTaskQuery().processInstanceId(run.result().instanceId()).singleResult().getAssignee())
                .isEqualTo("alice");
        engine.getRuntimeService().deleteProcessInstance(run.result().instanceId(), "test");
    }
}
