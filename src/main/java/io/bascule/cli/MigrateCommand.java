package io.bascule.cli;

import io.bascule.config.ConfigException;
import io.bascule.process.ProcessKeys;
import io.bascule.process.ProcessVariables;
import io.bascule.process.RunOwnership;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code migrate}: runs the goldMigration process on the embedded engine, headless, with {@link ProcessRunner}. The
 * review task is answered with {@code --yes}, at a terminal prompt or in Tasklist ({@code --wait}), recorded as
 * answered from the CLI; the exit code is 0 only when the model says the run succeeded (GOLD certified, or with
 * {@code --no-verify} copied).
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "GOLD migration: convert the schema, copy and verify every row, write the certificate")
final class MigrateCommand extends RunbookCommand {

    @Option(names = "--yes", description = "approve the schema conversion review without a prompt")
    boolean yes;

    @Option(names = "--wait", description = "leave the review to a DBA in Tasklist (bascule serve) and wait for it")
    boolean waitForTasklist;

    @Option(names = "--drop-existing", description = "replace target tables that already hold rows")
    boolean dropExisting;

    @Option(names = "--no-verify", description = "copy and build the keys only: no checksums, no row verification, no GOLD"
            + " certificate (for rehearsals and timings; `verify` compares every row later)")
    boolean noVerify;

    @Option(names = "--cancel-stale", description = "cancel goldMigration instances left active by a run that died, when"
            + " migrate cannot take them over (owner on another host, or settings differ)")
    boolean cancelStale;

    MigrateCommand(BasculeCli.Context context) {
        super(context, "migrate");
    }


    @Override
    int run(ConfigurableApplicationContext app) throws InterruptedException {
        RuntimeService runtime = app.getBean(RuntimeService.class);
        ProcessRunner runner = new ProcessRunner(app.getBean(ProcessEngine.class), context.out(), context.err(),
                ProcessRunner.Terminal.system())
                .beforeAnswer((task, variables) -> printPlan(variables.get(ProcessVariables.PLAN_FILE)))
                .incidentHint(", or rerun migrate --cancel-stale (the copy resumes from its checkpoints)");
        ProcessRunner.Answers answers = ProcessRunner.Answers.of(yes, null, waitForTasklist);
        List<ProcessInstance> active = runtime.createProcessInstanceQuery().processDefinitionKey(ProcessKeys.GOLD_MIGRATION)
                .active().list();
        ProcessRunner.Result result;
        if (!active.isEmpty() && !cancelStale && active.size() == 1) {
            // its owner gone (same host, same settings): take it over and follow it; otherwise one line why not
            context.out().println(app.getBean(RunOwnership.class).takeOver(active.get(0).getId(), ProcessRunner.CLI_USER));
            result = runner.resume(active.get(0).getId(), answers);
        } else {
            if (!active.isEmpty() && !cancelStale) {
                throw new ConfigException("a goldMigration instance is already active (" + active.get(0).getId()
                        + "); wait for it, or if the run that started it died, rerun with --cancel-stale: the copy resumes"
                        + " from its last committed chunk");
            }
            for (ProcessInstance pi : active) {
                runtime.deleteProcessInstance(pi.getId(), "cancelled from the CLI (--cancel-stale)");
                context.out().println("Cancelled stale goldMigration instance " + pi.getId());
            }
            result = runner.run(ProcessKeys.GOLD_MIGRATION, Map.of(ProcessVariables.DROP_EXISTING, dropExisting,
                    ProcessVariables.VERIFY_ROWS, !noVerify), answers);
        }
        if (result.success()) {
            Object certificate = ProcessRuns.variable(app.getBean(org.camunda.bpm.engine.HistoryService.class),
                    result.instanceId(), ProcessVariables.CERTIFICATE_FILE);
            if (certificate != null) {
                context.out().println("Certificate: " + certificate);
            } else {
                context.out().println("No GOLD certificate: compare every row with `bascule verify`; the cutover needs the"
                        + " certificate of a verified migrate.");
            }
        }
        return result.exitCode();
    }

    /** The whole conversion plan, before its review. */
    private void printPlan(Object planFile) {
        if (planFile == null || !Files.exists(Path.of(planFile.toString()))) {
            return;
        }
        try {
            context.out().print(Files.readString(Path.of(planFile.toString())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the conversion plan " + planFile, e);
        }
    }
}
