package io.bascule.cutover;

import io.bascule.appswitch.AppDatabaseUrl;
import io.bascule.appswitch.AppRestart;
import io.bascule.appswitch.AppSwitch;
import io.bascule.appswitch.AppSwitchResult;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.JdbcUrls;
import io.bascule.database.MySqlDialect;
import io.bascule.database.MySqlReadOnly;
import io.bascule.migration.GoldCertificate;
import io.bascule.rollback.PostgresFence;
import io.bascule.rollback.ReverseChannel;
import io.bascule.rollback.SourceFreeze;
import io.bascule.schema.ConversionPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The phases of the cutover runbook that freeze the source and switch the application, each a plain method the
 * model's delegates call: the prerequisites, the freeze (after GO), the switch (the way back armed and proven first,
 * then the application's key rewritten and its restart), keeping MySQL read-only, and lifting the freeze of an
 * aborted cutover. Like the rollback, each reads the state from the databases and the work directory, so a retried
 * step finds its own effects. Every method takes {@code dryRun}: then it checks and says what it would do.
 */
public final class CutoverService {

    private static final Logger log = LoggerFactory.getLogger(CutoverService.class);

    /**
     * @param sourceAdmin            Bascule's MySQL/MariaDB login (freeze, reverse applier)
     * @param target                 Bascule's PostgreSQL login
     * @param appSwitch              the application's config file
     * @param appTargetUrl           what the application's key becomes ({@code bascule.app.target-url}), without password
     * @param appTargetPassword      the application's PostgreSQL password to put into that URL (from the environment), or null
     * @param allowBypassingAppLogin arm although the application's MySQL login writes through read-only
     */
    public record Setup(DatabaseEndpoint sourceAdmin, DatabaseEndpoint target, String targetSchema, AppSwitch appSwitch,
                        String appTargetUrl, String appTargetPassword, AppRestart restart, java.time.Duration healthTimeout,
                        Supplier<ConversionPlan> plan, Supplier<GoldCertificate> certificate,
                        List<io.bascule.config.BasculeProperties.BusinessCheck> businessChecks,
                        boolean allowBypassingAppLogin, SourceFreeze.Options freeze,
                        io.bascule.migration.MigrationOptions migrationOptions, java.nio.file.Path workDir,
                        boolean backupInsideFreeze) {
    }

    /** What a phase did (or would do): a line for the log and the CLI, lines per check, variables for the model. */
    public record PhaseOutcome(String summary, List<String> lines, Map<String, Object> variables) {
        public PhaseOutcome {
            lines = lines == null ? List.of() : List.copyOf(lines);
            variables = variables == null ? Map.of() : Map.copyOf(variables);
        }
    }

    /** A phase that cannot pass: before GO a NO-GO with nothing changed, after GO the way to the rollback. */
    public static final class PhaseFailed extends RuntimeException {
        public PhaseFailed(String reason) {
            super(reason);
        }
    }

    private final Setup setup;

    public CutoverService(Setup setup) {
        this.setup = setup;
    }

    /** The application's own MySQL login, from the URL its file holds (before the switch: now). */
    DatabaseEndpoint applicationSourceLogin() {
        return AppDatabaseUrl.mysqlLogin(setup.appSwitch().sourceValue()).orElse(null);
    }

    /**
     * Prerequisites: a GOLD certificate for these databases, both servers reachable (versions), the application's file
     * holding its key, the application's MySQL login unable to write through read-only, no cutover already done.
     */
    public PhaseOutcome prerequisites() {
        List<String> lines = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        GoldCertificate certificate = setup.certificate().get();
        if (certificate == null) {
            problems.add("no GOLD certificate in the work directory: run `bascule migrate` (a verified migration) first");
        } else {
            lines.add("GOLD certificate of " + certificate.createdAt() + ": " + certificate.tables().size() + " tables, "
                    + certificate.tables().stream().mapToLong(GoldCertificate.TableEntry::rows).sum() + " rows");
            String db = setup.sourceAdmin().databaseName();
            if (certificate.source() != null && certificate.source().database() != null && !certificate.source().database().equals(db)) {
                problems.add("the GOLD certificate is for MySQL database " + certificate.source().database() + ", not " + db
                        + ": run the cutover with the settings of that migration, or migrate this database first");
            }
        }
        try (Connection c = setup.sourceAdmin().open()) {
            MySqlReadOnly.ServerVersion v = new MySqlDialect(setup.sourceAdmin()).serverVersion(c);
            lines.add("MySQL: " + v.engine() + " " + v.text() + " at " + setup.sourceAdmin().redactedUrl());
        } catch (SQLException | RuntimeException e) {
            problems.add("MySQL cannot be reached: " + e.getMessage());
        }
        try (Connection c = setup.target().open()) {
            lines.add("PostgreSQL: " + c.getMetaData().getDatabaseProductVersion() + " at " + setup.target().redactedUrl());
        } catch (SQLException | RuntimeException e) {
            problems.add("PostgreSQL cannot be reached: " + e.getMessage());
        }
        DatabaseEndpoint app = null;
        try {
            String value = setup.appSwitch().currentValue();
            lines.add("application config: " + setup.appSwitch().file() + " holds " + setup.appSwitch().key() + " = "
                    + JdbcUrls.redact(value));
            if (setup.appSwitch().isSwitched()) {
                problems.add(setup.appSwitch().file() + " is switched to PostgreSQL already (a cutover was done): roll it"
                        + " back first, or this cutover is over");
            }
            app = applicationSourceLogin();
            if (app == null) {
                problems.add(setup.appSwitch().key() + " in " + setup.appSwitch().file() + " names no MySQL login Bascule can"
                        + " open (mysql://user:password@host:port/database): the freeze's write probe needs it");
            }
        } catch (RuntimeException e) {
            problems.add(e.getMessage());
        }
        if (app != null) {
            try (Connection c = app.open()) {
                MySqlReadOnly.Bypass bypass = new MySqlDialect(app).bypassPrivileges(c);
                lines.add("application's MySQL login: " + bypass.describe());
                if (bypass.bypasses() && !setup.allowBypassingAppLogin()) {
                    problems.add("the application's MySQL login " + bypass.describe() + "; read-only would not stop it:"
                            + " give it a login without those privileges, or set bascule.rollback.allow-bypassing-app-login");
                }
            } catch (SQLException | RuntimeException e) {
                problems.add("the application's MySQL login cannot connect: " + e.getMessage());
            }
        }
        if (setup.appTargetUrl() == null || setup.appTargetUrl().isBlank()) {
            problems.add("no URL for the application on PostgreSQL: set --app-target-url (bascule.app.target-url)");
        }
        if (ReverseChannel.isArmedOn(setup.target())) {
            problems.add("a reverse channel is armed on PostgreSQL already (a cutover was done, or one stopped half-way):"
                    + " roll it back first (bascule rollback)");
        }
        if (!problems.isEmpty()) {
            throw new PhaseFailed("NO-GO: " + problems.size() + " prerequisite(s) not met, nothing was changed: "
                    + String.join("; ", problems));
        }
        String summary = "prerequisites met: " + String.join("; ", lines);
        log.info(summary);
        return new PhaseOutcome(summary, lines, Map.of());
    }

    /** Phase 2 after GO: the freeze in the proven order; a freeze that is not proven is a failure (to the rollback). */
    public PhaseOutcome freeze(boolean dryRun) {
        DatabaseEndpoint app = applicationSourceLogin();
        SourceFreeze freeze = new SourceFreeze(setup.sourceAdmin(), setup.freeze());
        if (dryRun) {
            SourceFreeze.DryRun d = freeze.dryRun(app);
            if (!d.ok()) {
                throw new PhaseFailed("the freeze would fail: " + String.join("; ", d.problems()));
            }
            return new PhaseOutcome("dry run: the freeze would end " + d.wouldEnd().size() + " long write transaction(s)"
                    + " and set read_only", d.checks().stream().map(c -> c.name() + ": " + c.detail()).toList(), Map.of());
        }
        SourceFreeze.Record r = freeze.freeze(app);
        List<String> lines = r.steps().stream().map(s -> s.name() + " (" + s.millis() + " ms): " + s.detail()).toList();
        if (!r.proven()) {
            throw new PhaseFailed("MySQL is not proven read-only for the application: " + r.problem());
        }
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("freezeStartedAt", r.startedAt().toString());
        vars.put("binlogPosition", r.binlogPosition() == null || r.binlogPosition().file() == null ? "binary log off"
                : r.binlogPosition().file() + ":" + r.binlogPosition().position());
        vars.put("writersEnded", r.ended().size());
        String summary = "MySQL read-only for the application in " + r.totalMillis() + " ms, " + r.ended().size()
                + " long write transaction(s) ended, probe refused under " + r.appProbe().account();
        log.info(summary);
        return new PhaseOutcome(summary, lines, vars);
    }

    /** The URL written into the application's file: the configured one with the password from the environment. */
    String applicationTargetValue() {
        String url = setup.appTargetUrl();
        String password = setup.appTargetPassword();
        if (password == null || password.isEmpty() || url == null) {
            return url;
        }
        int scheme = url.indexOf("://");
        int at = url.indexOf('@', scheme + 3);
        if (scheme < 0 || at < 0 || url.substring(scheme + 3, at).contains(":")) {
            return url;   // no user in it, or a password given already
        }
        return url.substring(0, at) + ":" + URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20") + url.substring(at);
    }

    /**
     * Phase 5: the way back armed and self-tested under the application's login check, then the application's key
     * rewritten (the original kept for the rollback) and its restart; a fence left from an earlier rollback is lifted.
     */
    public PhaseOutcome switchApplication(boolean dryRun) {
        ConversionPlan plan = setup.plan().get();
        GoldCertificate certificate = setup.certificate().get();
        ReverseChannel channel = ReverseChannel.of(setup.sourceAdmin(), setup.target(), plan, certificate);
        String appUser = AppDatabaseUrl.parse(setup.appTargetUrl()).map(AppDatabaseUrl::user).orElse(null);
        if (dryRun) {
            AppSwitchResult would = setup.appSwitch().dryRun(applicationTargetValue());
            return new PhaseOutcome("dry run: would arm the reverse channel on " + certificate.tables().size()
                    + " tables (self-test), then " + would.message(), List.of(would.message()), Map.of());
        }
        requireStillFrozen("the reverse channel was not armed and the application's file not switched");
        ReverseChannel.Armed armed = channel.arm(applicationSourceLogin(), setup.allowBypassingAppLogin());
        List<String> lines = new ArrayList<>();
        lines.add("reverse channel armed on " + armed.tables().size() + " tables, self-test passed in " + armed.selfTestSeconds() + " s");
        if (appUser != null && !appUser.equals(setup.target().user())) {
            new PostgresFence(setup.target(), appUser).lift();   // a rollback before left the application read-only there
        }
        try {
            requireStillFrozen("the reverse channel was disarmed again and the application's file not switched");
        } catch (PhaseFailed e) {
            channel.disarm();
            throw e;
        }
        AppSwitchResult switched = setup.appSwitch().switchTo(applicationTargetValue());
        lines.add(switched.message());
        if (switched.changes()) {
            AppRestart.RestartResult restart = setup.restart().restart();
            lines.add(restart.message());
            if (!restart.ok()) {
                throw new PhaseFailed("the application's restart failed after the switch: " + restart.message());
            }
        }
        String summary = String.join("; ", lines);
        log.info(summary);
        return new PhaseOutcome(summary, lines, Map.of("applicationSwitched", true));
    }

    /**
     * An abort (or a DBA) may lift the freeze while the switch runs: the application is never pointed at PostgreSQL
     * while MySQL takes writes.
     */
    private void requireStillFrozen(String consequence) {
        if (!new SourceFreeze(setup.sourceAdmin(), setup.freeze()).state().readOnly()) {
            throw new PhaseFailed("MySQL is no longer read-only (an abort or a DBA lifted it during the cutover): "
                    + consequence);
        }
    }

    /** Phase 9: MySQL stays read-only (decommission comes with the PLATINUM report); checked, not changed. */
    public PhaseOutcome keepSourceReadOnly(boolean dryRun) {
        MySqlReadOnly.ReadOnlyState state = new SourceFreeze(setup.sourceAdmin(), setup.freeze()).state();
        if (!dryRun && !state.readOnly()) {
            throw new PhaseFailed("MySQL is no longer read-only: someone lifted it during the cutover; the application's"
                    + " writes on PostgreSQL would meet writes on MySQL");
        }
        return new PhaseOutcome((dryRun ? "dry run: " : "") + "MySQL kept read-only (" + state + ")", List.of(),
                dryRun ? Map.of() : Map.of("sourceKeptReadOnly", true));
    }

    /** An aborted cutover before the switch: read-only lifted again and the application's writes proven. */
    public PhaseOutcome unfreeze() {
        if (setup.appSwitch().isSwitched()) {
            // the abort raced the switch (its job rewrote the file before it was cancelled): only a rollback is safe now
            throw new IllegalStateException(setup.appSwitch().file() + " is switched to PostgreSQL: lifting read-only now"
                    + " would leave writes on both sides; run `bascule rollback` (it carries PostgreSQL's writes back first)");
        }
        DatabaseEndpoint app = applicationSourceLogin();
        SourceFreeze.Record r = new SourceFreeze(setup.sourceAdmin(), setup.freeze()).unfreeze(app);
        if (!r.proven()) {
            throw new IllegalStateException("MySQL read-only lifted, but the application's login does not write: " + r.problem());
        }
        return new PhaseOutcome("MySQL writable again for the application (" + r.totalMillis() + " ms)", List.of(), Map.of());
    }

    private GoldCertificate requireCertificate() {
        GoldCertificate certificate = setup.certificate().get();
        if (certificate == null) {
            throw new PhaseFailed("no GOLD certificate in the work directory: run `bascule migrate` first");
        }
        return certificate;
    }

    /**
     * Phase 1 (statistics part): the planner's statistics of the migrated tables brought up to date (a bulk load leaves
     * none: the business checks' plans depend on them), then PostgreSQL's cumulative statistics and pg_stat_statements
     * reset, so that surveillance measures from the cutover on. The dry run only checks it may.
     */
    public PhaseOutcome resetStatistics(boolean dryRun) {
        MonitoringCheck monitoring = new MonitoringCheck(setup.target());
        if (dryRun) {
            MonitoringCheck.Result r = monitoring.resetDryRun();
            if (!r.passed()) {
                throw new PhaseFailed(r.failureSummary());
            }
            return new PhaseOutcome("dry run: would ANALYZE the migrated tables and reset the statistics", r.lines(), Map.of());
        }
        List<String> tables = EndToEndChecks.migratedTables(requireCertificate());
        long t0 = System.nanoTime();
        try (Connection c = setup.target().open(); java.sql.Statement st = c.createStatement()) {
            for (String t : tables) {
                st.execute(io.bascule.database.PostgresDialect.analyzeSql(setup.targetSchema(), t));
            }
        } catch (SQLException e) {
            throw setup.target().failure("analyzing the migrated tables", e);
        }
        long analyzeMs = (System.nanoTime() - t0) / 1_000_000;
        MonitoringCheck.Result r = monitoring.reset();
        if (!r.passed()) {
            throw new PhaseFailed(r.failureSummary());
        }
        List<String> lines = new ArrayList<>();
        lines.add(tables.size() + " migrated table(s) analyzed in " + analyzeMs + " ms");
        lines.addAll(r.lines());
        return new PhaseOutcome("statistics: " + String.join("; ", lines), lines, Map.of());
    }

    /** Phase 6: a direct connection with the application's URL as its file holds it, and its health URL. */
    public PhaseOutcome checkAppConnection(boolean dryRun) {
        AppConnectionCheck check = new AppConnectionCheck(setup.restart(), setup.healthTimeout());
        AppConnectionCheck.Result r = dryRun ? check.dryRun(applicationTargetValue()) : check.run(setup.appSwitch());
        if (!r.passed()) {
            throw new PhaseFailed(r.failureSummary());
        }
        return new PhaseOutcome((dryRun ? "dry run: " : "") + String.join("; ", r.lines()), r.lines(),
                dryRun ? Map.of() : Map.of("appHealthyAt", java.time.Instant.now().toString()));
    }

    /** Phase 7: every migrated table read, a write probe that leaves no trace, the configured business checks. */
    public PhaseOutcome runEndToEndChecks(boolean dryRun) {
        GoldCertificate certificate = requireCertificate();
        EndToEndChecks checks = new EndToEndChecks(setup.target(), setup.targetSchema(), EndToEndChecks.migratedTables(certificate),
                setup.businessChecks()).withSource(setup.sourceAdmin());
        String appUrl = dryRun ? applicationTargetValue() : setup.appSwitch().currentValue();
        AppConnectionCheck.postgresLogin(appUrl).ifPresent(checks::withAppLogin);
        if (dryRun) {
            EndToEndChecks.DryRun d = checks.dryRun();
            if (!d.passed()) {
                throw new PhaseFailed(d.failureSummary());
            }
            return new PhaseOutcome("dry run: end-to-end checks would run: " + d.lines().size() + " check(s) explained",
                    d.lines(), Map.of());
        }
        EndToEndChecks.Result r = checks.run();
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("endToEndResults", capped(String.join("\n", r.lines())));
        if (!r.passed()) {
            throw new PhaseFailed(r.failureSummary());
        }
        vars.put("endToEndPassed", true);
        return new PhaseOutcome("end-to-end checks passed: " + r.lines().size() + " check(s)", r.lines(), vars);
    }

    /** Phase 8: pg_stat_statements present and collecting (created when preloaded but missing). */
    public PhaseOutcome checkMonitoring(boolean dryRun) {
        MonitoringCheck monitoring = new MonitoringCheck(setup.target());
        MonitoringCheck.Result r = dryRun ? monitoring.dryRun() : monitoring.run();
        if (!r.passed()) {
            throw new PhaseFailed(r.failureSummary());
        }
        return new PhaseOutcome((dryRun ? "dry run: " : "") + r.failureSummary(), r.lines(),
                dryRun ? Map.of() : Map.of("monitoringChecked", true));
    }

    private static List<String> rendered(List<CheckLine> lines) {
        return lines.stream().map(CheckLine::render).toList();
    }

    /** Phase 0: both servers reachable, the GOLD certificate names these databases and still holds on PostgreSQL. */
    public PhaseOutcome checkGold() {
        GoldCheck.Result r = new GoldCheck(setup.sourceAdmin(), setup.target(), setup.migrationOptions(), setup.workDir()).check();
        if (!r.ok()) {
            throw new PhaseFailed(r.summary());
        }
        return new PhaseOutcome(r.summary(), rendered(r.lines()), Map.of("goldChecksumsCheckedAt", java.time.Instant.now().toString()));
    }

    /**
     * Phase 1: the MySQL baseline saved, the planner's statistics of the migrated tables brought up to date, the
     * statistics reset; the final backups taken here when they are configured outside the freeze.
     */
    public PhaseOutcome captureBaseline(boolean dryRun, java.util.function.Consumer<String> progress) {
        Baseline.Result b = new Baseline(setup.sourceAdmin(), setup.target(), setup.workDir()).take(dryRun);
        if (!b.ok()) {
            throw new PhaseFailed(b.summary());
        }
        List<String> lines = new ArrayList<>(rendered(b.lines()));
        PhaseOutcome stats = resetStatistics(dryRun);
        lines.addAll(stats.lines());
        Map<String, Object> vars = new LinkedHashMap<>();
        if (!setup.backupInsideFreeze()) {
            PhaseOutcome backups = takeBackups(dryRun, progress);
            lines.addAll(backups.lines());
            vars.putAll(backups.variables());
        }
        if (b.jsonFile() != null && !dryRun) {
            vars.put("baselineFile", b.jsonFile().toString());
        }
        return new PhaseOutcome(b.summary(), lines, vars);
    }

    /** Phase 3: the rows changed on MySQL since GOLD copied, every table verified again. */
    public PhaseOutcome copyFinalDelta(boolean dryRun, java.util.function.Consumer<io.bascule.migration.Progress.Snapshot> progress) {
        FinalDelta.Result r = new FinalDelta(setup.sourceAdmin(), setup.target(), setup.migrationOptions(), setup.workDir())
                .run(dryRun, progress);
        Map<String, List<Long>> perTable = new java.util.TreeMap<>();
        r.tables().forEach(t -> perTable.put(t.table(), List.of(t.inserted(), t.updated(), t.deleted())));
        Map<String, Object> vars = new LinkedHashMap<>();
        if (!dryRun) {
            try {
                vars.put("finalDeltaSummary", new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(perTable));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return new PhaseOutcome(r.summary(), rendered(r.lines()), vars);
    }

    /** Phase 4: logical backups of both databases (inside the freeze, or noted as taken before the GO). */
    public PhaseOutcome finalBackups(boolean dryRun, java.util.function.Consumer<String> progress) {
        if (!setup.backupInsideFreeze()) {
            return new PhaseOutcome((dryRun ? "dry run: " : "") + "the final backups are taken before the GO (Phase 1,"
                    + " bascule.cutover.backup-inside-freeze: false): nothing added to the freeze", List.of(), Map.of());
        }
        return takeBackups(dryRun, progress);
    }

    private PhaseOutcome takeBackups(boolean dryRun, java.util.function.Consumer<String> progress) {
        FinalBackups.Result r = new FinalBackups(setup.sourceAdmin(), setup.target(), setup.migrationOptions(), setup.workDir())
                .run(dryRun, progress);
        if (!r.ok()) {
            throw new PhaseFailed(String.join("; ", r.problems()));
        }
        return new PhaseOutcome(r.summary(), List.of(r.summary()),
                dryRun || r.directory() == null ? Map.of() : Map.of("backupFiles", r.directory().toString()));
    }

    /**
     * The whole cutover rehearsed: every phase's checks and simulation, nothing changed (no read-only, no statistics
     * reset, no copy, no file change, no extension created). A phase that would fail is a NO-GO naming it.
     */
    public PhaseOutcome rehearse() {
        List<String> lines = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        record Rehearsal(String phase, Supplier<PhaseOutcome> run) {
        }
        List<Rehearsal> phases = List.of(
                new Rehearsal("Phase 0", this::checkGold),
                new Rehearsal("Phase 1", () -> captureBaseline(true, p -> { })),
                new Rehearsal("Phase 2", () -> freeze(true)),
                new Rehearsal("Phase 3", () -> copyFinalDelta(true, p -> { })),
                new Rehearsal("Phase 4", () -> finalBackups(true, p -> { })),
                new Rehearsal("Phase 5", () -> switchApplication(true)),
                new Rehearsal("Phase 6", () -> checkAppConnection(true)),
                new Rehearsal("Phase 7", () -> runEndToEndChecks(true)),
                new Rehearsal("Phase 8", () -> checkMonitoring(true)),
                new Rehearsal("Phase 9", () -> keepSourceReadOnly(true)));
        for (Rehearsal r : phases) {
            try {
                lines.add("✅ " + r.phase() + ": " + r.run().get().summary());
            } catch (RuntimeException e) {
                lines.add("❌ " + r.phase() + ": " + e.getMessage());
                problems.add(r.phase() + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new PhaseFailed("NO-GO: the cutover rehearsal found " + problems.size() + " problem(s), nothing was"
                    + " changed: " + String.join("; ", problems));
        }
        String summary = "cutover rehearsal passed: every phase checked, nothing changed";
        return new PhaseOutcome(summary, lines, Map.of(io.bascule.process.ProcessVariables.CUTOVER_SUMMARY, summary,
                "rehearsal", capped(String.join("\n", lines)), "cutoverRehearsedAt", java.time.Instant.now().toString()));
    }

    /** A text as a string variable holds it (the history keeps 4,000 characters): shortened, and said so. */
    static String capped(String text) {
        return text.length() <= 3_800 ? text : text.substring(0, 3_700) + "\n... (" + (text.length() - 3_700) + " more characters: see the log)";
    }
}
