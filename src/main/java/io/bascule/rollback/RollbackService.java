package io.bascule.rollback;

import io.bascule.appswitch.AppConfigChangedException;
import io.bascule.appswitch.AppDatabaseUrl;
import io.bascule.appswitch.AppRestart;
import io.bascule.appswitch.AppSwitch;
import io.bascule.appswitch.AppSwitchException;
import io.bascule.appswitch.AppSwitchResult;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.MySqlReadOnly.ProbeOutcome;
import io.bascule.database.MySqlReadOnly.ProbeResult;
import io.bascule.database.MySqlReadOnly.ReadOnlyState;
import io.bascule.migration.GoldCertificate;
import io.bascule.migration.KeyedVerification;
import io.bascule.schema.ConversionPlan;
import io.bascule.schema.TablePlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The steps of the rollback runbook, each a plain method the model's delegates call (thin glue): what a cutover left
 * (the application's config switched, the reverse channel armed, MySQL read-only) is found again from the databases
 * and the work directory, never from memory, so that every step can be retried on its own and resumes where the
 * rollback stopped.
 *
 * <p>Every step takes {@code dryRun}: then it checks what it would need and says what it would do, changing nothing
 * (databases, the application's file, the work directory's state). Failures:
 * <ul>
 *   <li>{@link RollbackRefused} (only before anything changed: the check, or a dry run): the model ends "Rollback
 *   failed" with the reason;</li>
 *   <li>{@link RollbackBlocked} and every other exception once writes are stopped: an incident; the application is
 *   never switched back to a MySQL that is unreachable or incomplete, and a retry after the cause is fixed resumes at
 *   the step that stopped.</li>
 * </ul>
 */
public final class RollbackService {

    private static final Logger log = LoggerFactory.getLogger(RollbackService.class);

    /**
     * What the rollback works with.
     *
     * @param sourceAdmin    Bascule's MySQL/MariaDB login: lifts read-only, applies the reverse channel (it must
     *                       write while MySQL is read-only for the application)
     * @param target         Bascule's PostgreSQL login
     * @param targetSchema   the schema of the migrated tables
     * @param appSwitch      the application's config file and its switch record
     * @param appTargetUrl   the URL the application gets on PostgreSQL (its login is fenced), may be null
     * @param restart        the application's restart command and health URL (both optional)
     * @param workDir        Bascule's work directory (forensic backups under {@code forensics/})
     * @param plan           the conversion plan of the migration (null when no migration ran here)
     * @param certificate    the GOLD certificate (null when none)
     * @param drainTimeout   how long the drain may take before it is an incident
     * @param healthTimeout  how long to wait for the health URL
     */
    public record Setup(DatabaseEndpoint sourceAdmin, DatabaseEndpoint target, String targetSchema, AppSwitch appSwitch,
                        String appTargetUrl, AppRestart restart, Path workDir, Supplier<ConversionPlan> plan,
                        Supplier<GoldCertificate> certificate, Duration drainTimeout, Duration healthTimeout) {
    }

    /** What one step did (or, in a dry run, would do): a line for the log and the CLI, variables for the model. */
    public record StepOutcome(String summary, Map<String, Object> variables, List<String> notes) {
        public StepOutcome {
            variables = variables == null ? Map.of() : Map.copyOf(variables);
            notes = notes == null ? List.of() : List.copyOf(notes);
        }

        static StepOutcome of(String summary) {
            return new StepOutcome(summary, Map.of(), List.of());
        }
    }

    /** What a cutover left, read from the databases and the work directory. */
    public record State(boolean switched, boolean armed, ReadOnlyState sourceReadOnly, ReverseApplier.Lag lag,
                        boolean appConfigChanged, String appConfigDiff) {
        /** Nothing to roll back: the application is not switched, no channel armed, MySQL writable. */
        public boolean nothingToRollBack() {
            return !switched && !armed && !sourceReadOnly.readOnly() && !Boolean.TRUE.equals(sourceReadOnly.superReadOnly());
        }
    }

    /** A refusal before anything changed (the check, a dry run): the model ends "Rollback failed" with it. */
    public static final class RollbackRefused extends RuntimeException {
        public RollbackRefused(String reason) {
            super(reason);
        }
    }

    /** A step that cannot finish once writes are stopped: an incident, retried after the cause is fixed. */
    public static final class RollbackBlocked extends RuntimeException {
        public RollbackBlocked(String reason) {
            super(reason);
        }

        public RollbackBlocked(String reason, Throwable cause) {
            super(reason, cause);
        }
    }

    private final Setup setup;
    private final SourceFreeze freeze;

    public RollbackService(Setup setup) {
        this.setup = setup;
        this.freeze = new SourceFreeze(setup.sourceAdmin(), SourceFreeze.Options.defaults());
    }

    // ------------------------------------------------------------------ state

    /** The reverse channel of the migration, or null when no migration plan or certificate is here. */
    public ReverseChannel channel() {
        ConversionPlan plan = setup.plan() == null ? null : setup.plan().get();
        GoldCertificate certificate = setup.certificate() == null ? null : setup.certificate().get();
        if (plan == null || certificate == null) {
            return null;
        }
        return ReverseChannel.of(setup.sourceAdmin(), setup.target(), plan, certificate);
    }

    private ReverseChannel requireChannel() {
        ReverseChannel channel = channel();
        if (channel == null) {
            throw new RollbackBlocked("the reverse channel is armed on PostgreSQL but this work directory ("
                    + setup.workDir() + ") holds no conversion plan or GOLD certificate to read it with: run the rollback"
                    + " with the work directory of the migration (--work-dir)");
        }
        return channel;
    }

    /** Reads what the cutover left. */
    public State state() {
        boolean switched = setup.appSwitch().isSwitched();
        ReverseChannel channel = channel();
        boolean armed;
        ReverseApplier.Lag lag = null;
        if (channel != null) {
            armed = channel.isArmed();
            if (armed) {
                try (ReverseApplier applier = channel.applier()) {
                    lag = applier.lag();
                }
            }
        } else {
            armed = ReverseChannel.isArmedOn(setup.target());
        }
        ReadOnlyState readOnly = freeze.state();
        boolean changed = false;
        String diff = null;
        if (switched) {
            try {
                setup.appSwitch().restoreDryRun();
            } catch (AppConfigChangedException e) {
                changed = true;
                diff = e.diff();
            }
        }
        return new State(switched, armed, readOnly, lag, changed, diff);
    }

    /** The application's own MySQL login, from the URL it used before the switch; null when it names none. */
    DatabaseEndpoint applicationSourceLogin() {
        String value;
        try {
            value = setup.appSwitch().sourceValue();
        } catch (RuntimeException e) {
            return null;
        }
        return AppDatabaseUrl.mysqlLogin(value).orElse(null);
    }

    /** The application's PostgreSQL login name: from its file while switched, else from bascule.app.target-url. */
    String applicationTargetUser() {
        String value = null;
        if (setup.appSwitch().isSwitched()) {
            try {
                value = setup.appSwitch().currentValue();
            } catch (RuntimeException e) {
                value = null;
            }
        }
        String user = AppDatabaseUrl.parse(value).filter(u -> u.engine().equals("postgresql")).map(AppDatabaseUrl::user).orElse(null);
        if (user == null) {
            user = AppDatabaseUrl.parse(setup.appTargetUrl()).map(AppDatabaseUrl::user).orElse(null);
        }
        return user;
    }

    // ------------------------------------------------------------------ steps

    /**
     * Checks the way back: both servers answer, what the cutover left, and (dry run) that every later step could
     * run. A real rollback with nothing to roll back, or whose changes could not be carried back, is refused here,
     * before anything changed.
     */
    public StepOutcome check(boolean dryRun) {
        List<String> lines = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        State state;
        try {
            state = state();
        } catch (AppSwitchException | io.bascule.config.ConfigException e) {
            throw new RollbackRefused(e.getMessage());
        }
        lines.add("application config: " + (state.switched() ? "switched to PostgreSQL" + (state.appConfigChanged()
                ? ", CHANGED BY HAND since the switch" : ", as Bascule wrote it") : "not switched (on MySQL)"));
        lines.add("reverse channel: " + (state.armed() ? "armed" + (state.lag() == null ? "" : ", " + state.lag().changes()
                + " change(s) not yet applied, oldest " + round(state.lag().oldestSeconds()) + " s") : "not armed"));
        lines.add("MySQL: " + (state.sourceReadOnly().readOnly() ? "read-only" : "writable"));
        DatabaseEndpoint appLogin = applicationSourceLogin();
        lines.add("application's MySQL login: " + (appLogin == null ? "not found in " + setup.appSwitch().key()
                + " (the write probe will be skipped)" : appLogin.user()));
        if (state.armed()) {
            ReverseChannel channel = channel();
            List<String> broken = channel == null ? List.of() : channel.brokenCapture();
            if (!broken.isEmpty()) {
                problems.add("the reverse channel is broken: " + String.join(", ", broken) + "; the application's writes"
                        + " to those tables since then were not captured and cannot be carried back; compare them by hand"
                        + " (bascule verify) before switching the application back");
            }
        }
        if (state.switched() && !state.armed()) {
            problems.add("the application was switched to PostgreSQL but no reverse channel is armed: the writes it made"
                    + " there cannot be carried back, so MySQL would miss them; find out why the channel is gone"
                    + " (bascule_state.change_log on PostgreSQL) before switching the application by hand");
        }
        if (dryRun) {
            lines.addAll(dryRunChecks(state, appLogin, problems));
        } else if (state.nothingToRollBack()) {
            throw new RollbackRefused("nothing to roll back: the application is not switched (no switch of "
                    + setup.appSwitch().file() + " recorded in " + setup.appSwitch().stateDirectory()
                    + "), no reverse channel is armed and MySQL is writable");
        }
        if (!problems.isEmpty()) {
            throw new RollbackRefused((dryRun ? "the rollback dry run found " : "the rollback cannot run: ")
                    + problems.size() + " problem(s), nothing was changed: " + String.join("; ", problems));
        }
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put(io.bascule.process.ProcessVariables.ROLLBACK_CHECKS, String.join("\n", lines));
        // a dry run only says a DBA would decide (it runs on through every step); a rollback stops for the decision
        vars.put(io.bascule.process.ProcessVariables.APP_CONFIG_CHANGED, !dryRun && state.appConfigChanged());
        vars.put(io.bascule.process.ProcessVariables.APP_CONFIG_DIFF, state.appConfigDiff() == null ? "" : state.appConfigDiff());
        vars.put(io.bascule.process.ProcessVariables.REVERSE_LAG_CHANGES, state.lag() == null ? 0L : state.lag().changes());
        vars.put(io.bascule.process.ProcessVariables.REVERSE_LAG_SECONDS, state.lag() == null ? 0.0 : round(state.lag().oldestSeconds()));
        String summary = (dryRun ? "dry run: " : "") + String.join("; ", lines);
        log.info("rollback check: {}", summary);
        return new StepOutcome(summary, vars, lines);
    }

    private List<String> dryRunChecks(State state, DatabaseEndpoint appLogin, List<String> problems) {
        List<String> lines = new ArrayList<>();
        SourceFreeze.DryRun source = freeze.dryRun(appLogin);
        for (SourceFreeze.Check c : source.checks()) {
            if (SourceFreeze.ROLLBACK_CHECKS.stream().anyMatch(c.name()::startsWith)) {
                lines.add("MySQL " + c.name() + ": " + (c.ok() ? "ok" : "PROBLEM") + " (" + c.detail() + ")");
                if (!c.ok()) {
                    problems.add("MySQL " + c.name() + ": " + c.detail());
                }
            }
        }
        PostgresFence.DryRun fence = new PostgresFence(setup.target(), applicationTargetUser()).dryRun();
        lines.add("PostgreSQL: would end " + fence.wouldEnd().size() + " session(s) of "
                + (fence.appUser() == null ? "the application" : fence.appUser()) + fence.warnings().stream().map(w -> "; " + w).reduce("", String::concat));
        fence.problems().forEach(p -> problems.add("PostgreSQL: " + p));
        if (state.switched()) {
            try {
                AppSwitchResult r = setup.appSwitch().restoreDryRun();
                lines.add(r.message());
            } catch (AppConfigChangedException e) {
                lines.add("the application's config file was changed by hand since the switch: a DBA decides (diff shown)");
            } catch (AppSwitchException e) {
                problems.add(e.getMessage());
            }
        } else {
            lines.add("application config: nothing to restore (" + setup.appSwitch().file() + " not switched)");
            setup.appSwitch().currentValue();   // the file and its key can be read: a missing file is an error here
        }
        ReverseChannel channel = channel();
        if (channel != null) {
            ForensicBackup.DryRun backup = forensicBackup(channel, setup.workDir().resolve("forensics").resolve("dry-run")).dryRun();
            backup.problems().forEach(p -> problems.add("forensic backup: " + p));
            lines.add("forensic backup: " + (backup.ok() ? "ok" : "PROBLEM"));
        }
        return lines;
    }

    /** Ends the application's sessions on PostgreSQL and makes the database read-only for its login. */
    public StepOutcome stopTargetWrites(boolean dryRun) {
        PostgresFence fence = new PostgresFence(setup.target(), applicationTargetUser());
        if (dryRun) {
            PostgresFence.DryRun d = fence.dryRun();
            if (!d.ok()) {
                throw new RollbackRefused("stopping the application's writes on PostgreSQL would fail: " + String.join("; ", d.problems()));
            }
            return new StepOutcome(d.appUser() == null || d.appUser().equals(d.login())
                    ? "dry run: would end the " + d.wouldEnd().size() + " other session(s) of Bascule's own login " + d.login()
                    + " (the application's login is unknown or the same: its new sessions would not be refused)"
                    : "dry run: would end " + d.wouldEnd().size() + " session(s) of " + d.appUser()
                    + " and make PostgreSQL read-only for it", Map.of(), d.warnings());
        }
        PostgresFence.Fence f = fence.fence();
        if (f.roleReadOnly() && !f.proven()) {
            throw new RollbackBlocked("the application's writes on PostgreSQL are not proven stopped: " + f.proof()
                    + "; end its sessions by hand (pg_terminate_backend) and retry this step");
        }
        String summary = "application writes stopped on PostgreSQL: " + f.ended().size() + " session(s) of "
                + (f.appUser() == null ? "the application" : f.appUser()) + " ended"
                + (f.roleReadOnly() ? ", read-only for its login" : "") + " in " + f.millis() + " ms";
        log.info(summary);
        return new StepOutcome(summary, Map.of(), f.warnings());
    }

    /** Applies every change captured up to now into MySQL (the application's writes are stopped by then). */
    public StepOutcome drain(boolean dryRun, Consumer<String> progress) {
        if (!isArmed()) {
            return StepOutcome.of((dryRun ? "dry run: " : "") + "no reverse channel armed: nothing to drain");
        }
        ReverseChannel channel = requireChannel();
        ReverseApplyLoop.stopRunning(channel, Duration.ofSeconds(30));   // the drain is the only applier now
        try (ReverseApplier applier = channel.applier()) {
            ReverseApplier.Lag lag = applier.lag();
            if (dryRun) {
                return new StepOutcome("dry run: would apply " + lag.changes() + " change(s) into MySQL, oldest "
                        + round(lag.oldestSeconds()) + " s", Map.of(), List.of());
            }
            progress.accept("draining " + lag.changes() + " change(s)");
            ReverseApplier.Drain d;
            try {
                d = applier.drain(setup.drainTimeout());
            } catch (ReplayConflictException e) {
                throw new RollbackBlocked("the changes made on PostgreSQL cannot be applied into MySQL: " + e.getMessage()
                        + "; the application stays where it is; resolve the conflict on MySQL and retry this step", e);
            }
            Map<String, Long> perTable = applier.appliedPerTable();
            String line = perTable.isEmpty() ? "none" : perTable.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                    .reduce((a, b) -> a + ", " + b).orElse("");
            String summary = "reverse channel drained: " + d.changes() + " change(s) applied now in " + round(d.seconds())
                    + " s; carried back since the switch: " + line;
            log.info(summary);
            Map<String, Object> vars = new LinkedHashMap<>();
            vars.put(io.bascule.process.ProcessVariables.CHANGES_CARRIED_BACK, line);
            vars.put(CHANGES_PER_TABLE, changesJson(channel.changeCounts()));
            return new StepOutcome(summary, vars, List.of());
        }
    }

    /** Compares, on both sides, every row whose key was touched on PostgreSQL since the switch. */
    public StepOutcome verifyTouchedRows(boolean dryRun) {
        if (!isArmed()) {
            return StepOutcome.of((dryRun ? "dry run: " : "") + "no reverse channel armed: no row was touched on PostgreSQL");
        }
        ReverseChannel channel = requireChannel();
        ConversionPlan plan = setup.plan().get();
        GoldCertificate certificate = setup.certificate().get();
        long keys = 0;
        long identical = 0;
        List<String> differences = new ArrayList<>();
        KeyedVerification verification = new KeyedVerification(setup.sourceAdmin(), setup.target(), setup.targetSchema());
        for (GoldCertificate.TableEntry t : certificate.tables()) {
            List<String> touched = channel.touchedKeys(t.table());
            if (dryRun) {
                keys += touched.size();
                continue;
            }
            if (touched.isEmpty()) {
                continue;
            }
            KeyedVerification.KeyedResult r = verification.verifyKeys(plan.table(t.table()), touched);
            keys += r.keysChecked();
            identical += r.identical();
            if (!r.matches()) {
                differences.add(r.summary());
            }
        }
        if (dryRun) {
            return new StepOutcome("dry run: would compare the " + keys + " row(s) touched since the switch on both sides",
                    Map.of(), List.of());
        }
        if (!differences.isEmpty()) {
            throw new RollbackBlocked("rows touched since the switch differ between PostgreSQL and MySQL after the drain,"
                    + " so the application is NOT switched back (MySQL would miss them): " + String.join("; ", differences)
                    + "; find why (a write on MySQL behind the channel, a trigger on MySQL), fix MySQL and retry this step");
        }
        String summary = keys + " row(s) touched since the switch identical on PostgreSQL and MySQL";
        log.info(summary);
        return new StepOutcome(summary, Map.of(io.bascule.process.ProcessVariables.ROWS_VERIFIED, identical), List.of());
    }

    /** Moves each AUTO_INCREMENT past the highest id PostgreSQL handed out, so MySQL never reuses one. */
    public StepOutcome advanceAutoIncrement(boolean dryRun) {
        ConversionPlan plan = setup.plan() == null ? null : setup.plan().get();
        GoldCertificate certificate = setup.certificate() == null ? null : setup.certificate().get();
        if (plan == null || certificate == null) {
            return StepOutcome.of((dryRun ? "dry run: " : "") + "no migration plan here: AUTO_INCREMENT left as it is");
        }
        List<TablePlan> tables = certificate.tables().stream().map(t -> plan.table(t.table())).toList();
        AutoIncrementAdvance advance = new AutoIncrementAdvance(setup.sourceAdmin(), setup.target(), setup.targetSchema(), tables);
        List<AutoIncrementAdvance.Advanced> done = dryRun ? advance.dryRun() : advance.advance();
        List<String> lines = done.stream().filter(AutoIncrementAdvance.Advanced::changed)
                .map(a -> a.table() + "." + a.column() + " " + a.before() + " → " + a.after()).toList();
        String summary = (dryRun ? "dry run: would move " : "AUTO_INCREMENT moved on ") + lines.size() + " table(s)"
                + (lines.isEmpty() ? "" : ": " + String.join(", ", lines));
        log.info(summary);
        return new StepOutcome(summary, Map.of(), lines);
    }

    /**
     * Puts the application's config file back byte for byte (or, after a DBA's decision, over a hand-edited file
     * kept aside) and runs the restart command.
     */
    public StepOutcome restoreAppConfig(boolean dryRun, boolean anyway) {
        AppSwitch appSwitch = setup.appSwitch();
        if (appSwitch.record().isEmpty()) {
            return StepOutcome.of((dryRun ? "dry run: " : "") + "no switch of " + appSwitch.file()
                    + " recorded: the application is on MySQL already");
        }
        if (dryRun) {
            try {
                return StepOutcome.of(appSwitch.restoreDryRun().message());
            } catch (AppConfigChangedException e) {
                return StepOutcome.of("dry run: " + appSwitch.file() + " was changed by hand; a DBA decides whether to restore it");
            }
        }
        AppSwitchResult r;
        try {
            r = anyway ? appSwitch.restoreAnyway() : appSwitch.restore();
        } catch (AppConfigChangedException e) {
            throw new RollbackBlocked(appSwitch.file() + " was changed by hand after the decision was taken; nothing was"
                    + " overwritten; look at it and retry this step:\n" + e.diff(), e);
        }
        List<String> notes = new ArrayList<>();
        notes.add(r.message());
        if (r.changes()) {
            AppRestart.RestartResult restart = setup.restart().restart();
            notes.add(restart.message());
            if (!restart.ok()) {
                throw new RollbackBlocked("the application's config is back on MySQL but its restart failed: "
                        + restart.message() + "; restart it by hand, then retry this step (the file is not written again)");
            }
        }
        String summary = String.join("; ", notes);
        log.info(summary);
        return new StepOutcome(summary, Map.of(), notes);
    }

    /** Lifts read-only on MySQL. */
    public StepOutcome liftReadOnly(boolean dryRun) {
        if (dryRun) {
            return StepOutcome.of("dry run: MySQL is " + (freeze.state().readOnly() ? "read-only: would lift it" : "writable already"));
        }
        SourceFreeze.Record r = freeze.lift();
        if (!r.proven()) {
            throw new RollbackBlocked(r.problem());
        }
        String summary = "MySQL read-only lifted in " + r.totalMillis() + " ms (" + r.version().engine() + " " + r.version().text() + ")";
        log.info(summary);
        return StepOutcome.of(summary);
    }

    /** Proves the application's login writes on MySQL, and waits for its health URL. */
    public StepOutcome probeSource(boolean dryRun) {
        DatabaseEndpoint appLogin = applicationSourceLogin();
        List<String> notes = new ArrayList<>();
        if (dryRun) {
            notes.add(appLogin == null ? "no application login in the config file: the write probe would be skipped"
                    : "would write a probe row as " + appLogin.user());
            notes.add(setup.restart().describeHealth());
            return new StepOutcome("dry run: " + String.join("; ", notes), Map.of(), notes);
        }
        if (appLogin == null) {
            notes.add("write probe skipped: " + setup.appSwitch().key() + " names no MySQL login Bascule can open");
        } else {
            ProbeResult probe = freeze.probeApplication(appLogin);
            if (probe.outcome() != ProbeOutcome.ACCEPTED) {
                throw new RollbackBlocked("the application's login " + probe.account() + " cannot write on MySQL: "
                        + probe.outcome() + " (" + probe.message() + "); fix it and retry this step");
            }
            notes.add("write probe accepted under " + probe.account());
        }
        AppRestart.HealthResult health = setup.restart().awaitHealthy(setup.healthTimeout());
        notes.add(health.message());
        if (!health.ok()) {
            throw new RollbackBlocked("the application is on MySQL but does not answer healthy: " + health.message()
                    + "; look at the application, then retry this step");
        }
        String summary = String.join("; ", notes);
        log.info(summary);
        return new StepOutcome(summary, Map.of(), notes);
    }

    /** A logical backup of the migrated PostgreSQL tables, for the investigation. */
    public StepOutcome forensicBackup(boolean dryRun, String runId, Consumer<String> progress) {
        ReverseChannel channel = channel();
        if (channel == null) {
            return StepOutcome.of((dryRun ? "dry run: " : "") + "no migration plan here: no tables to back up");
        }
        Path dir = setup.workDir().toAbsolutePath().resolve("forensics").resolve("rollback-" + runId);
        ForensicBackup backup = forensicBackup(channel, dir);
        if (dryRun) {
            ForensicBackup.DryRun d = backup.dryRun();
            if (!d.ok()) {
                throw new RollbackRefused("the forensic backup would fail: " + String.join("; ", d.problems()));
            }
            return StepOutcome.of("dry run: would back up PostgreSQL into " + dir);
        }
        if (java.nio.file.Files.exists(dir.resolve(ForensicBackup.MANIFEST))) {
            return new StepOutcome("forensic backup already written in " + dir,
                    Map.of(io.bascule.process.ProcessVariables.FORENSIC_BACKUP, dir.toString()), List.of());
        }
        deleteIncomplete(dir);
        ForensicBackup.Result r = backup.write(progress);
        String summary = String.format("forensic backup of PostgreSQL: %,d rows in %d table(s), %,d bytes, %s s, in %s",
                r.totalRows(), r.tables().size(), r.totalBytes(), round(r.seconds()), r.directory());
        log.info(summary);
        return new StepOutcome(summary, Map.of(io.bascule.process.ProcessVariables.FORENSIC_BACKUP, r.directory().toString()), List.of());
    }

    private ForensicBackup forensicBackup(ReverseChannel channel, Path dir) {
        ConversionPlan plan = setup.plan().get();
        List<String> tables = setup.certificate().get().tables().stream().map(t -> plan.table(t.table()).targetName()).toList();
        return new ForensicBackup(setup.target(), setup.targetSchema(), tables, dir);
    }

    /** A backup interrupted before its manifest is incomplete: it is removed and written again. */
    private static void deleteIncomplete(Path dir) {
        if (!java.nio.file.Files.isDirectory(dir)) {
            return;
        }
        try (var files = java.nio.file.Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(p);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot remove the incomplete backup " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Carries back anything written since the drain (none expected), then removes the reverse channel. */
    public StepOutcome disarm(boolean dryRun) {
        if (!isArmed()) {
            return StepOutcome.of((dryRun ? "dry run: " : "") + "no reverse channel armed: nothing to disarm");
        }
        ReverseChannel channel = requireChannel();
        if (dryRun) {
            return StepOutcome.of("dry run: would remove the capture triggers, the change table and the position");
        }
        long late;
        try (ReverseApplier applier = channel.applier()) {
            late = applier.drain(setup.drainTimeout()).changes();
        }
        channel.disarm();
        String summary = "reverse channel disarmed (no trigger, change table or position left)"
                + (late > 0 ? "; " + late + " late change(s) applied first" : "");
        log.info(summary);
        return StepOutcome.of(summary);
    }

    /** The process variable of the per-table changes: JSON {@code {"table": [inserts, updates, deletes]}}. */
    public static final String CHANGES_PER_TABLE = "changesPerTable";

    static String changesJson(Map<String, long[]> counts) {
        Map<String, List<Long>> m = new java.util.TreeMap<>();
        counts.forEach((table, n) -> m.put(table, List.of(n[0], n[1], n[2])));
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private boolean isArmed() {
        return ReverseChannel.isArmedOn(setup.target());
    }

    static double round(double seconds) {
        return Math.round(seconds * 100) / 100.0;
    }
}
