package io.bascule.cli;

import io.bascule.config.BasculeProperties;
import io.bascule.config.Secrets;
import io.bascule.config.SettingsResolver;
import io.bascule.platinum.PlatinumAssessment;
import io.bascule.platinum.PlatinumCriteria;
import io.bascule.platinum.PlatinumHistory;
import io.bascule.platinum.PlatinumReport;
import io.bascule.platinum.PlatinumServices;
import io.bascule.platinum.StoredSamples;
import io.bascule.surveillance.SampleStore;
import org.camunda.bpm.engine.HistoryService;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code report}: the PLATINUM report computed now (the six criteria on the live PostgreSQL, and the source MySQL
 * when its connection is given), written as Markdown and HTML into {@code <work-dir>/reports}, summarised on the
 * console, or printed as one JSON object with {@code --json} (the files are written too; their paths are in the
 * object's {@code files}).
 *
 * <p>It needs only the target's connection options. The cutover it judges and the incidents of the runbook runs come
 * from the engine's history when the work directory has an engine (or {@code --engine-db-url} names one), read as
 * {@code audit} reads it (no lock, job executor off); without one, the criteria that need it say "no cutover history"
 * and do not pass.
 *
 * <p>Exit codes: {@value BasculeCli#OK} when PLATINUM is granted, {@value #REFUSED} when the report was computed and
 * PLATINUM is refused (the contract's "0 = success": a refusal is no success, but no failure of the command either),
 * {@value BasculeCli#FAILED} when it could not be computed (the target unreachable or refusing the login: one line on
 * stderr).
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Compute the PLATINUM report now: six criteria on the live PostgreSQL, score and verdict",
        footer = {"", "Exit codes: 0 PLATINUM granted, 4 refused (report written), 1 the report could not be computed."})
final class ReportCommand implements Callable<Integer> {

    /** The report was computed and PLATINUM is refused. */
    static final int REFUSED = 4;
    /** The engine's H2 file in the work directory (config/application.yml's default engine database). */
    static final String ENGINE_FILE = "engine/bascule-engine.mv.db";

    private final BasculeCli.Context context;

    @Mixin
    RunbookOptions options;

    @Option(names = "--json", description = "print the report as one JSON object (score, verdict, criteria) on stdout")
    boolean json;

    ReportCommand(BasculeCli.Context context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Map<String, String> settings = options.resolve(context, null);
        // the connections checked first (a missing --target-url is named before anything is created)
        PlatinumServices.criteria(SettingsResolver.bind(settings, options.config), new Secrets(context.env()));
        Path workDir = WorkDirectory.prepare(settings.get("bascule.work-dir"));
        settings.put("bascule.work-dir", workDir.toString());
        BasculeProperties properties = SettingsResolver.bind(settings, options.config);
        PlatinumCriteria criteria = PlatinumServices.criteria(properties, new Secrets(context.env()));
        PrintStream systemOut = System.out;
        if (json) {
            // the console log goes to System.out (logback's console target looks it up on every write): while the report
            // is computed it goes to stderr, so that stdout carries the JSON object alone
            System.setOut(System.err);
        }
        PlatinumAssessment assessment;
        List<Path> files;
        String historyNote;
        try {
            PlatinumHistory.Found found = history(settings, workDir);
            historyNote = found.note();
            assessment = criteria.assess(found.cutover(), found.runs());
            if (historyNote != null) {
                assessment = assessment.withNote("Why there is no cutover history: " + historyNote + ".");
            }
            // the charts from the samples the surveillance kept in this work directory ("no samples kept" without)
            files = PlatinumServices.report(properties, new StoredSamples(new SampleStore(workDir,
                    properties.surveillance().samplesKept()))).write(assessment);
        } finally {
            if (json) {
                System.setOut(systemOut);
            }
        }
        if (json) {
            context.out().println(PlatinumReport.json(assessment, files));
        } else {
            context.out().print(PlatinumReport.console(assessment));
            if (historyNote != null) {
                context.out().println("No cutover history: " + historyNote + ".");
            }
            context.out().println("Report written:");
            files.forEach(f -> context.out().println("  " + f));
        }
        return assessment.granted() ? BasculeCli.OK : REFUSED;
    }

    /**
     * The last successful cutover and the incidents since, from the engine's history when this work directory has an
     * engine (or one is configured); otherwise none, with a note saying why.
     */
    private PlatinumHistory.Found history(Map<String, String> settings, Path workDir) {
        String engineUrl = settings.get("bascule.engine.db-url");
        boolean engine = (engineUrl != null && !engineUrl.isBlank()) || Files.exists(workDir.resolve(ENGINE_FILE));
        if (!engine) {
            return new PlatinumHistory.Found(null, null, "the work directory " + workDir + " has no engine (no "
                    + ENGINE_FILE + "); give the work directory of the cutover with --work-dir");
        }
        // a reader takes no EngineLock, so SpringLauncher leaves its job executor off (as `audit`)
        try (ConfigurableApplicationContext app = SpringLauncher.startHeadless(settings, context)) {
            return new PlatinumHistory(app.getBean(HistoryService.class)).find();
        }
    }
}
