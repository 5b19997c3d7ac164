package io.bascule.cli;

import io.bascule.process.ProcessKeys;
import io.bascule.process.ProcessVariables;
import io.bascule.testing.SpringEngine;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.delegate.JavaDelegate;
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
 * The real rollback model and its forms under {@link ProcessRunner} (as {@code bascule rollback} will run it), its
 * delegates replaced by beans: a dry run prints every step by name, and the decision on a hand-edited app config is
 * answered from its form at the terminal.
 */
class RollbackRunnerTest {

    static SpringEngine spring;
    static ProcessEngine engine;

    static final List<String> DELEGATES = List.of("checkRollbackDelegate", "stopTargetWritesDelegate", "drainChannelDelegate",
            "verifyTouchedRowsDelegate", "advanceAutoIncrementDelegate", "restoreAppConfigDelegate", "liftReadOnlyDelegate",
            "probeSourceWritesDelegate", "forensicBackupDelegate", "disarmChannelDelegate", "writeIncidentReportDelegate");

    @BeforeAll
    static void startEngine() throws Exception {
        Map<String, Object> beans = new HashMap<>();
        for (String name : DELEGATES) {
            beans.put(name, (JavaDelegate) execution -> {
                if (name.equals("checkRollbackDelegate")) {
                    boolean edited = Boolean.TRUE.equals(execution.getVariable("simulateHandEdit"));
                    execution.setVariable(ProcessVariables.ROLLBACK_CHECKS, "MySQL reachable; reverse channel armed");
                    execution.setVariable(ProcessVariables.APP_CONFIG_CHANGED, edited);
                    execution.setVariable(ProcessVariables.APP_CONFIG_DIFF, edited ? "-DB_HOST=pg1\n+DB_HOST=pg2" : "");
                }
                if (name.equals("disarmChannelDelegate")) {
                    execution.setVariable(ProcessVariables.ROLLBACK_SUMMARY, "dry run: every step can run");
                }
            });
        }
        beans.put("endSurveillanceListener", (org.camunda.bpm.engine.delegate.ExecutionListener) execution -> {
        });
        spring = SpringEngine.start("rollback-runner", true, beans);
        engine = spring.engine();
        var deployment = engine.getRepositoryService().createDeployment();
        for (String f : List.of("bpmn/rollback.bpmn", "forms/rollbackStart.form", "forms/rollbackAppConfigDecision.form")) {
            deployment.addString(Path.of(f).getFileName().toString(), Files.readString(Path.of(f)));
        }
        deployment.deploy();
    }

    @AfterAll
    static void stopEngine() {
        spring.close();
    }

    record Run(ProcessRunner.Result result, String out, String err) {
    }

    static Run run(Map<String, Object> vars, ProcessRunner.Answers answers, boolean interactive, String... typed) throws Exception {
        Deque<String> queue = new ArrayDeque<>(List.of(typed));
        ProcessRunner.Terminal terminal = new ProcessRunner.Terminal() {
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
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ProcessRunner.Result r = new ProcessRunner(engine, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), terminal).run(ProcessKeys.ROLLBACK, vars, answers);
        return new Run(r, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aDryRunPrintsEveryStepByNameAndPasses() throws Exception {
        Run run = run(Map.of(ProcessVariables.DRY_RUN, true, ProcessVariables.REASON, "rehearsal"),
                ProcessRunner.Answers.prompt(), false);
        assertThat(run.result().exitCode()).as(run.err()).isZero();
        assertThat(run.result().outcome()).isEqualTo("DRY_RUN_PASSED");
        assertThat(run.out()).containsSubsequence("Rollback started (process instance ",
                "] Check the way back ✅", "] Stop application writes on PostgreSQL ✅", "] Drain the reverse channel ✅",
                "] Verify the rows touched since the switch ✅", "] Move AUTO_INCREMENT past the highest ids ✅",
                "] Switch the application back to MySQL ✅", "] Lift MySQL read-only ✅", "] Validate MySQL with a write probe ✅",
                "] Back up PostgreSQL for forensics ✅", "] Disarm the reverse channel ✅", "] Dry run passed ✅",
                "] Rollback run ended ✅", "Dry run passed: dry run: every step can run")
                .doesNotContain("Write the incident report");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void theHandEditedConfigIsShownAndANoAtThePromptKeepsIt() throws Exception {
        Run run = run(Map.of("simulateHandEdit", true, ProcessVariables.REASON, "E2E failed"),
                ProcessRunner.Answers.prompt(), true, "no");
        assertThat(run.result().exitCode()).isEqualTo(1);
        assertThat(run.result().outcome()).isEqualTo("APP_CONFIG_KEPT");
        assertThat(run.out()).containsSubsequence("] Check the way back ✅",
                "Decide on the hand-edited app config waits for a decision:",
                "  Reason for the rollback: E2E failed",
                "  Config file: as written at the switch vs now: -DB_HOST=pg1\n    +DB_HOST=pg2",
                "Keep the edited file aside and restore the original? Type yes to approve: ",
                "Rejected at the CLI prompt", "] Rollback stopped: config kept ❌")
                .doesNotContain("Stop application writes");
        assertThat(run.err()).isEqualTo("error: Rollback ended 'Rollback stopped: config kept': the application config file"
                + " was changed by hand and is left as edited; the rollback stopped before changing anything\n");
        assertThat(ProcessRuns.variable(engine.getHistoryService(), run.result().instanceId(), ProcessVariables.RESTORE_ANYWAY))
                .isEqualTo(false);
    }
}
