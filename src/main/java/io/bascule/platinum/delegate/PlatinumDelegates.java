package io.bascule.platinum.delegate;

import io.bascule.appswitch.AppSwitch;
import io.bascule.config.BasculeProperties;
import io.bascule.config.ConfigException;
import io.bascule.config.Secrets;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.migration.MigrationService;
import io.bascule.migration.MigrationServices;
import io.bascule.notify.MailDelivery;
import io.bascule.notify.Notifications;
import io.bascule.platinum.CutoverHistory;
import io.bascule.platinum.CutoverStanding;
import io.bascule.platinum.PlatinumAssessment;
import io.bascule.platinum.PlatinumHistory;
import io.bascule.platinum.PlatinumMail;
import io.bascule.platinum.PlatinumReport;
import io.bascule.platinum.PlatinumServices;
import io.bascule.platinum.RunHistory;
import io.bascule.platinum.SourceArchive;
import io.bascule.platinum.StoredSamples;
import io.bascule.process.PlatinumVariables;
import io.bascule.process.ProcessVariables;
import io.bascule.process.RunbookStep;
import io.bascule.report.ReportDocuments;
import io.bascule.surveillance.SampleStore;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The delegates of the model {@code platinumReport}, one per service task, each thin glue around one service of
 * {@code io.bascule.platinum} ({@link RunbookStep}: a technical fault is retried, then an incident in Cockpit).
 */
final class PlatinumDelegates {

    private PlatinumDelegates() {
    }

    static String text(Object v) {
        String s = v == null ? null : String.valueOf(v).strip();
        return s == null || s.isEmpty() ? null : s;
    }

    static Instant startedAt(DelegateExecution execution) {
        String s = text(execution.getVariable(ProcessVariables.STARTED_AT));
        try {
            return s == null ? Instant.now() : Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw RunbookStep.failed("startedAt is '" + s + "', which is not an ISO-8601 instant; give e.g. 2025-06-01T10:00:00Z");
        }
    }

    static CutoverStanding standing(HistoryService history, BasculeProperties properties) {
        BasculeProperties.App app = properties.app();
        AppSwitch file = app == null || app.envFile() == null ? null
                : new AppSwitch(app.envFile(), app.envKey(), properties.workDir());
        return new CutoverStanding(history, file);
    }

    /**
     * "Check the cutover still stands": sets {@code cutoverStands} (false when the cutover was rolled back since, or
     * the application's file points to MySQL again) and {@code cutoverCheck} (what was found, one line).
     */
    @Component("checkCutoverStandsDelegate")
    static class CheckCutoverStandsDelegate extends RunbookStep {
        private final HistoryService history;
        private final BasculeProperties properties;

        CheckCutoverStandsDelegate(HistoryService history, BasculeProperties properties, RuntimeService r) {
            super(r);
            this.history = history;
            this.properties = properties;
        }

        @Override
        protected void runStep(DelegateExecution execution) {
            CutoverStanding.Standing s = standing(history, properties)
                    .check(text(execution.getVariable(ProcessVariables.CUTOVER_ID)), startedAt(execution));
            execution.setVariable(PlatinumVariables.CUTOVER_STANDS, s.stands());
            execution.setVariable(PlatinumVariables.CUTOVER_CHECK, s.line());
        }
    }

    /**
     * "Compute the PLATINUM report": the six criteria measured ({@link io.bascule.platinum.PlatinumCriteria}) for the
     * cutover of {@code cutoverId} (else the last successful cutover in the history, else one that started at
     * {@code startedAt}) and the incidents of its runs; the report written with the surveillance's samples
     * ({@link StoredSamples}); the variables {@code platinumScore}, {@code platinumVerdict}, {@code platinumPassed},
     * {@code platinumFailed}, {@code platinumReportFile}, {@code platinumNextReportAt}, {@code platinumSummary} set; the
     * e-mail {@code platinum-report} sent with the report attached ({@code platinumMail} says what became of it). A
     * refusal when {@code retries} has reached {@code maxRetries} announces no next report.
     */
    @Component("computePlatinumReportDelegate")
    static class ComputePlatinumReportDelegate extends RunbookStep {
        private final PlatinumServices services;
        private final Notifications notifications;
        private final BasculeProperties properties;
        private final io.bascule.report.Reports reports;
        private final MigrationServices migrations;

        ComputePlatinumReportDelegate(PlatinumServices services, Notifications notifications, BasculeProperties properties,
                                      io.bascule.report.Reports reports, MigrationServices migrations, RuntimeService r) {
            super(r);
            this.services = services;
            this.notifications = notifications;
            this.properties = properties;
            this.reports = reports;
            this.migrations = migrations;
        }

        @Override
        protected void runStep(DelegateExecution execution) {
            PlatinumHistory history = services.history();
            String cutoverId = text(execution.getVariable(ProcessVariables.CUTOVER_ID));
            Instant startedAt = startedAt(execution);
            List<String> notes = new ArrayList<>();
            CutoverHistory cutover;
            Optional<CutoverHistory> found = cutoverId == null ? history.lastSuccessfulCutover() : history.cutover(cutoverId);
            if (found.isPresent()) {
                cutover = found.get();
                if (cutoverId == null) {
                    notes.add("Started by hand: the cutover judged is the last successful one in the engine's history ("
                            + cutover.processInstanceId() + ").");
                }
            } else {
                cutover = new CutoverHistory(null, startedAt, startedAt, null);
                notes.add(cutoverId == null
                        ? "Started by hand and the engine's history holds no successful cutover: the cutover is taken to"
                        + " have switched the application at startedAt, " + ReportDocuments.time(startedAt) + "."
                        : "The cutover " + cutoverId + " is not in the engine's history: it is taken to have switched the"
                        + " application at startedAt, " + ReportDocuments.time(startedAt) + ".");
            }
            RunHistory runs = history.runsSince(cutover);
            PlatinumAssessment a = services.criteria().assess(cutover, runs);
            for (String n : notes) {
                a = a.withNote(n);
            }
            int retries = number(execution.getVariable(PlatinumVariables.RETRIES));
            int maxRetries = number(execution.getVariable(PlatinumVariables.MAX_RETRIES));
            a = a.withNote("Report " + (retries + 1) + " of at most " + (maxRetries + 1) + " of this run (a refused report"
                    + " is made again " + maxRetries + " time(s), bascule.platinum.max-retries).");
            String lastNote = null;
            if (!a.granted() && retries >= maxRetries) {
                lastNote = "this was the last report of the run (" + (maxRetries + 1) + " made, bascule.platinum.max-retries "
                        + maxRetries + "): fix the failed criteria, then run `bascule report` or start a new PLATINUM"
                        + " report from Tasklist";
                a = new PlatinumAssessment(a.at(), a.target(), a.schema(), a.cutover(), a.criteria(), a.score(),
                        a.verdict(), null, a.notes()).withNote("No further report: " + lastNote + ".");
            } else if (!a.granted() && text(execution.getVariable(PlatinumVariables.RETRY_AFTER)) != null) {
                // the next report falls due the run's retryAfter after this one (the criteria use the configured one)
                Duration retryAfter = Duration.parse(text(execution.getVariable(PlatinumVariables.RETRY_AFTER)));
                a = new PlatinumAssessment(a.at(), a.target(), a.schema(), a.cutover(), a.criteria(), a.score(),
                        a.verdict(), a.at().plus(retryAfter), a.notes());
            }
            SampleStore store = new SampleStore(properties.workDir().toAbsolutePath().normalize(),
                    properties.surveillance().samplesKept());
            PlatinumReport report = services.report(new StoredSamples(store));
            List<Path> files = report.write(a);
            execution.setVariable(PlatinumVariables.SCORE, a.score());
            execution.setVariable(PlatinumVariables.VERDICT, a.verdict().name());
            execution.setVariable(PlatinumVariables.PASSED, a.passedCount() + "/6");
            execution.setVariable(PlatinumVariables.FAILED, String.join(", ",
                    a.failed().stream().map(io.bascule.platinum.Criterion::name).toList()));
            execution.setVariable(PlatinumVariables.REPORT_FILE, files.get(0).toString());
            execution.setVariable(PlatinumVariables.NEXT_REPORT_AT, a.nextReportAt() == null ? null : a.nextReportAt().toString());
            execution.setVariable(PlatinumVariables.SUMMARY, PlatinumReport.summary(a) + "; report " + files.get(0));
            BasculeProperties.Cutover c = properties.cutover();
            MailDelivery mail = notifications.mailer().send(PlatinumMail.TEMPLATE, PlatinumMail.values(a, files, lastNote,
                    c == null ? null : c.team(), c == null ? null : c.warRoomLink(), execution.getProcessInstanceId()), files);
            execution.setVariable(PlatinumVariables.MAIL, mail.summary());
            // the cutover's own report: its PLATINUM items ticked now
            if (cutoverId != null) {
                reports.refreshCutoverReport(cutoverId, certificate(), execution.getVariables());
            }
        }

        private io.bascule.migration.GoldCertificate certificate() {
            try {
                return migrations.create(false).certificateIfAny();
            } catch (RuntimeException e) {
                return null;
            }
        }

        private static int number(Object v) {
            if (v instanceof Number n) {
                return n.intValue();
            }
            String s = text(v);
            return s == null ? 0 : Integer.parseInt(s);
        }
    }

    /**
     * "Archive MySQL": the cutover checked again (a rollback since: nothing archived), then {@link SourceArchive}
     * (read-only checked, channel disarmed, final dump with checksums verified, MySQL left read-only or stopped); sets
     * {@code archiveDirectory}, {@code archiveSha256} and {@code archiveSummary}. Its refusals before anything was done
     * (the cutover rolled back, MySQL writable, no source configured, the tables unknown) end "MySQL not archived";
     * everything else is an incident.
     */
    @Component("archiveSourceDelegate")
    static class ArchiveSourceDelegate extends RunbookStep {
        /** How long a server stopped by SHUTDOWN may take to go away. */
        static final Duration STOP_WAIT = Duration.ofSeconds(120);

        private final HistoryService history;
        private final BasculeProperties properties;
        private final Secrets secrets;
        private final MigrationServices migrations;
        private final io.bascule.report.Reports reports;

        ArchiveSourceDelegate(HistoryService history, BasculeProperties properties, Secrets secrets,
                              MigrationServices migrations, io.bascule.report.Reports reports, RuntimeService r) {
            super(r);
            this.history = history;
            this.properties = properties;
            this.secrets = secrets;
            this.migrations = migrations;
            this.reports = reports;
        }

        @Override
        protected void runStep(DelegateExecution execution) {
            boolean dryRun = Boolean.TRUE.equals(execution.getVariable(ProcessVariables.DRY_RUN));
            SourceArchive archive;
            try {
                DatabaseEndpoint source = DatabaseEndpoint.of(DatabaseEndpoint.Side.SOURCE, properties.source(), secrets);
                DatabaseEndpoint target = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, properties.target(), secrets);
                MigrationService migration = migrations.create(false);
                archive = new SourceArchive(source, target, properties.workDir(), migration::planIfAny,
                        migration::certificateIfAny, properties.rollback().drainTimeout(), properties.platinum().stopSource(),
                        STOP_WAIT, Clock.systemUTC());
            } catch (ConfigException e) {
                throw failed("MySQL cannot be archived with this configuration: " + e.getMessage() + "; nothing was done");
            }
            Path dir = archive.directoryOf(execution.getProcessInstanceId());
            if (!java.nio.file.Files.exists(dir)) {
                // not yet begun: the cutover must still stand (an attempt that began found it so)
                CutoverStanding.Standing s = standing(history, properties)
                        .check(text(execution.getVariable(ProcessVariables.CUTOVER_ID)), startedAt(execution));
                execution.setVariable(PlatinumVariables.CUTOVER_STANDS, s.stands());
                execution.setVariable(PlatinumVariables.CUTOVER_CHECK, s.line());
                if (!s.stands()) {
                    throw failed("MySQL is not archived: " + s.line());
                }
            }
            Map<String, Object> about = new LinkedHashMap<>();
            for (String name : List.of(ProcessVariables.CUTOVER_ID, ProcessVariables.STARTED_AT, PlatinumVariables.VERDICT,
                    PlatinumVariables.SCORE, PlatinumVariables.REPORT_FILE, PlatinumVariables.ARCHIVE_DECIDED_BY,
                    PlatinumVariables.ARCHIVE_DECIDED_AT)) {
                about.put(name, execution.getVariable(name));
            }
            var progress = progress(execution);
            SourceArchive.Result r = archive.archive(execution.getProcessInstanceId(), about, dryRun,
                    line -> progress.accept(line, -1));
            execution.setVariable(PlatinumVariables.ARCHIVE_DIRECTORY, r.directory().toString());
            execution.setVariable(PlatinumVariables.ARCHIVE_SHA256, r.sha256());
            execution.setVariable(PlatinumVariables.ARCHIVE_SUMMARY, r.summary());
            if (!dryRun) {
                // the cutover's own report: its post-cutover items (the decision on MySQL) ticked now
                reports.refreshCutoverReport(text(execution.getVariable(ProcessVariables.CUTOVER_ID)),
                        migrations.create(false).certificateIfAny(), execution.getVariables());
            }
        }

        @Override
        protected String businessFailure(RuntimeException e) {
            return e instanceof SourceArchive.Refused ? e.getMessage() : null;
        }
    }
}
