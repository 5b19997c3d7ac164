package io.bascule.rollback;

import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.DatabaseException;
import io.bascule.database.MySqlDialect;
import io.bascule.database.MySqlReadOnly;
import io.bascule.database.MySqlReadOnly.BinlogPosition;
import io.bascule.database.MySqlReadOnly.Bypass;
import io.bascule.database.MySqlReadOnly.LongWriter;
import io.bascule.database.MySqlReadOnly.ProbeOutcome;
import io.bascule.database.MySqlReadOnly.ProbeResult;
import io.bascule.database.MySqlReadOnly.ReadOnlyState;
import io.bascule.database.MySqlReadOnly.ServerVersion;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Freezes and unfreezes the source MySQL/MariaDB for the application, in the order of the design's runbook
 * patterns (Vitess #9481, #16572): a short lock_wait_timeout for the session, the write transactions older than a
 * bound listed and ended with KILL, read_only on, a write probe under the application's own login that must be
 * refused, then the binary log position. Works through a privileged login ({@code admin}); the application's login
 * is only used for its probe and its own grants. Nothing here is BPMN: the runbook steps call it.
 */
public final class SourceFreeze {

    /**
     * @param lockWaitTimeoutSeconds   the session's lock_wait_timeout while read_only is switched on
     * @param longWriterSeconds        write transactions open at least this long are ended before the switch
     * @param attempts                 tries of the switch, writers ended again between them
     * @param allowPrivilegedWrites    MySQL: keep super_read_only OFF so that a privileged applier still writes
     */
    public record Options(int lockWaitTimeoutSeconds, long longWriterSeconds, int attempts, boolean allowPrivilegedWrites) {
        public static Options defaults() {
            return new Options(5, 5, 3, false);
        }

        public Options withAllowPrivilegedWrites(boolean allow) {
            return new Options(lockWaitTimeoutSeconds, longWriterSeconds, attempts, allow);
        }

        public Options withLongWriterSeconds(long seconds) {
            return new Options(lockWaitTimeoutSeconds, seconds, attempts, allowPrivilegedWrites);
        }
    }

    /** One timed step of a freeze or unfreeze. */
    public record Step(String name, long millis, String detail) {
    }

    /**
     * What a freeze or unfreeze did. {@code proven}: the application's probe came out as it must (refused after a
     * freeze, accepted after an unfreeze); {@code problem} says why not otherwise.
     */
    public record Record(String action, Instant startedAt, long totalMillis, ServerVersion version, List<Step> steps,
                         List<LongWriter> ended, List<LongWriter> goneBeforeKill, ReadOnlyState stateAfter,
                         ProbeResult appProbe, Bypass appLogin, BinlogPosition binlogPosition, boolean proven,
                         String problem) {
    }

    /**
     * The dry run's checks a rollback needs (the start of their names): switching read_only and the application's
     * probe; ending writers, reading the binary log position and an application login that writes through read_only
     * are the freeze's business only (a rollback lifts read_only).
     */
    public static final List<String> ROLLBACK_CHECKS = List.of("switch read_only", "create the probe table",
            "application's write probe");

    /** One privilege check of the dry run. */
    public record Check(String name, boolean ok, String detail) {
    }

    /** The dry run: every check, the state as it is, and the transactions a freeze would end now. Nothing changed. */
    public record DryRun(ServerVersion version, String adminAccount, ReadOnlyState state, List<Check> checks,
                         List<LongWriter> wouldEnd, Bypass appLogin) {
        public boolean ok() {
            return checks.stream().allMatch(Check::ok);
        }

        public List<String> problems() {
            return checks.stream().filter(c -> !c.ok()).map(c -> c.name() + ": " + c.detail()).toList();
        }
    }

    private final DatabaseEndpoint admin;
    private final MySqlDialect dialect;
    private final Options options;

    public SourceFreeze(DatabaseEndpoint admin, Options options) {
        this.admin = admin;
        this.dialect = new MySqlDialect(admin);
        this.options = options;
    }

    /** The database the probe writes into: the application's (its endpoint's URL). */
    private static String probeDatabase(DatabaseEndpoint app) {
        return app.databaseName();
    }

    /**
     * Freezes the source for the application: long writers ended, read_only on, the application's probe refused,
     * the binary log position read. Read-only stays on whatever the probe says (the safe side); a record that is not
     * {@code proven} names why (typically a login that writes through read_only).
     */
    public Record freeze(DatabaseEndpoint appLogin) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        List<Step> steps = new ArrayList<>();
        List<LongWriter> ended = new ArrayList<>();
        List<LongWriter> gone = new ArrayList<>();
        String database = probeDatabase(appLogin);
        try (Connection c = admin.open()) {
            long t = System.nanoTime();
            ServerVersion v = dialect.serverVersion(c);
            dialect.createProbeTable(c, database);
            steps.add(step("probe table " + database + "." + MySqlReadOnly.PROBE_TABLE + " ready", t, v.engine() + " " + v.text()));

            t = System.nanoTime();
            Bypass bypass;
            try (Connection app = appLogin.open()) {
                bypass = new MySqlDialect(appLogin).bypassPrivileges(app);
            }
            steps.add(step("application login's grants read", t, bypass.describe()));

            t = System.nanoTime();
            dialect.setLockWaitTimeout(c, options.lockWaitTimeoutSeconds());
            steps.add(step("lock_wait_timeout " + options.lockWaitTimeoutSeconds() + " s", t, "this session only"));

            for (int attempt = 1; ; attempt++) {
                t = System.nanoTime();
                endLongWriters(c, ended, gone);
                steps.add(step("long write transactions ended (attempt " + attempt + ")", t,
                        ended.size() + " ended, " + gone.size() + " gone on their own"));
                t = System.nanoTime();
                try {
                    dialect.setReadOnly(c, options.allowPrivilegedWrites());
                    steps.add(step("read_only on", t, String.join("; ", MySqlReadOnly.freezeStatements(v, options.allowPrivilegedWrites()))));
                    break;
                } catch (DatabaseException e) {
                    if (e.vendorCode() != 1205 || attempt >= options.attempts()) {
                        if (e.vendorCode() == 1205) {
                            throw new DatabaseException(e.code(), "read_only could not be switched on within "
                                    + options.lockWaitTimeoutSeconds() + " s in " + attempt + " attempts: a session still"
                                    + " holds a lock (a running statement or LOCK TABLES); nothing was frozen; find it in"
                                    + " SHOW PROCESSLIST and retry: " + e.getMessage(), e.redactedUrl(),
                                    (SQLException) e.getCause());
                        }
                        throw e;
                    }
                    steps.add(step("read_only on: lock wait timeout, retrying", t, e.getMessage()));
                }
            }

            t = System.nanoTime();
            ProbeResult probe = probe(appLogin, database);
            steps.add(step("write probe under " + probe.account(), t, probe.outcome() + ": " + probe.message()));

            t = System.nanoTime();
            BinlogPosition pos = dialect.binlogPosition(c);
            steps.add(step("binary log position", t, pos.file() == null ? "binary log off" : pos.file() + ":" + pos.position()));

            ReadOnlyState after = dialect.readOnlyState(c);
            boolean proven = probe.outcome() == ProbeOutcome.REFUSED_READ_ONLY;
            String problem = proven ? null : probe.outcome() == ProbeOutcome.ACCEPTED
                    ? "the application's login " + probe.account() + " still writes with read_only on: " + bypass.describe()
                    : "the write probe under " + probe.account() + " proved nothing: " + probe.outcome() + " (" + probe.message()
                    + "); grant it INSERT, DELETE on " + database + "." + MySqlReadOnly.PROBE_TABLE;
            return new Record("freeze", started, ms(t0), v, List.copyOf(steps), List.copyOf(ended), List.copyOf(gone),
                    after, probe, bypass, pos, proven, problem);
        } catch (SQLException e) {
            throw admin.failure("closing the connection", e);
        }
    }

    /**
     * Lifts read-only only (no probe): the rollback validates the application's login in a step of its own. The
     * record is {@code proven} when read_only (and super_read_only) read back off.
     */
    public Record lift() {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        try (Connection c = admin.open()) {
            ServerVersion v = dialect.serverVersion(c);
            long t = System.nanoTime();
            dialect.liftReadOnly(c);
            List<Step> steps = List.of(step("read_only off", t, String.join("; ", MySqlReadOnly.liftStatements(v))));
            ReadOnlyState after = dialect.readOnlyState(c);
            boolean off = !after.readOnly() && !Boolean.TRUE.equals(after.superReadOnly());
            return new Record("lift", started, ms(t0), v, steps, List.of(), List.of(), after, null, null, null, off,
                    off ? null : "read_only still reads back on after it was lifted: " + after);
        } catch (SQLException e) {
            throw admin.failure("closing the connection", e);
        }
    }

    /** The read-only state of the source now. */
    public ReadOnlyState state() {
        try (Connection c = admin.open()) {
            return dialect.readOnlyState(c);
        } catch (SQLException e) {
            throw admin.failure("closing the connection", e);
        }
    }

    /** The write probe under the application's login (the probe table created first by the privileged login). */
    public ProbeResult probeApplication(DatabaseEndpoint appLogin) {
        String database = probeDatabase(appLogin);
        try (Connection c = admin.open()) {
            dialect.createProbeTable(c, database);
        } catch (SQLException e) {
            throw admin.failure("closing the connection", e);
        }
        return probe(appLogin, database);
    }

    /** Lifts read-only and proves the application's login writes again. */
    public Record unfreeze(DatabaseEndpoint appLogin) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        List<Step> steps = new ArrayList<>();
        String database = probeDatabase(appLogin);
        try (Connection c = admin.open()) {
            ServerVersion v = dialect.serverVersion(c);
            long t = System.nanoTime();
            dialect.liftReadOnly(c);
            steps.add(step("read_only off", t, String.join("; ", MySqlReadOnly.liftStatements(v))));
            t = System.nanoTime();
            dialect.createProbeTable(c, database);
            ProbeResult probe = probe(appLogin, database);
            steps.add(step("write probe under " + probe.account(), t, probe.outcome() + ": " + probe.message()));
            boolean proven = probe.outcome() == ProbeOutcome.ACCEPTED;
            return new Record("unfreeze", started, ms(t0), v, List.copyOf(steps), List.of(), List.of(),
                    dialect.readOnlyState(c), probe, null, null, proven, proven ? null
                    : "the application's login " + probe.account() + " cannot write after read_only was lifted: "
                    + probe.outcome() + " (" + probe.message() + ")");
        } catch (SQLException e) {
            throw admin.failure("closing the connection", e);
        }
    }

    /**
     * Checks, without changing anything, that the privileged login may do all of a freeze (switch read_only, see and
     * end other sessions' transactions, read the binary log position, create the probe table), and, given the
     * application's login, that it connects and whether it writes through read_only.
     */
    public DryRun dryRun(DatabaseEndpoint appLogin) {
        try (Connection c = admin.open()) {
            ServerVersion v = dialect.serverVersion(c);
            Bypass self = dialect.bypassPrivileges(c);
            List<MySqlReadOnly.Grant> grants = self.grants().stream().map(MySqlReadOnly::parseGrant).toList();
            List<Check> checks = new ArrayList<>();
            checks.add(privilege("switch read_only", grants, MySqlReadOnly.switchPrivileges(v)));
            checks.add(privilege("end other sessions (KILL)", grants, MySqlReadOnly.killPrivileges(v)));
            checks.add(privilege("see every transaction (innodb_trx, processlist)", grants, List.of("PROCESS")));
            checks.add(privilege("read the binary log position", grants, MySqlReadOnly.binlogPrivileges(v)));
            if (!self.roles().isEmpty()) {
                checks.add(new Check("roles", false, self.account() + " has roles " + self.roles()
                        + " whose privileges are not expanded here: grant the privileges directly or check them by hand"));
            }
            List<LongWriter> wouldEnd = dialect.longWriters(c, options.longWriterSeconds());
            Bypass app = null;
            if (appLogin != null) {
                String database = probeDatabase(appLogin);
                String table = database + "." + MySqlReadOnly.PROBE_TABLE;
                checks.add(MySqlReadOnly.holdsOnTable(grants, database, MySqlReadOnly.PROBE_TABLE, List.of("CREATE"))
                        ? new Check("create the probe table " + table, true, "by the grants of " + self.account())
                        : new Check("create the probe table " + table, false, "no CREATE on " + database + " in the grants of "
                        + self.account() + ": GRANT CREATE ON " + MySqlDialect.quote(database) + ".* TO it (or create "
                        + MySqlReadOnly.PROBE_TABLE + " beforehand)"));
                try (Connection a = appLogin.open()) {
                    app = new MySqlDialect(appLogin).bypassPrivileges(a);
                }
                checks.add(new Check("application login", !app.bypasses(), app.describe()));
                List<MySqlReadOnly.Grant> appGrants = app.grants().stream().map(MySqlReadOnly::parseGrant).toList();
                checks.add(MySqlReadOnly.holdsOnTable(appGrants, database, MySqlReadOnly.PROBE_TABLE, List.of("INSERT", "DELETE"))
                        ? new Check("application's write probe on " + table, true, "INSERT, DELETE by the grants of " + app.account())
                        : new Check("application's write probe on " + table, false, app.account() + " has no INSERT and DELETE"
                        + " on " + table + " in its grants: its probe would prove nothing; GRANT INSERT, DELETE ON "
                        + MySqlDialect.quote(database) + "." + MySqlDialect.quote(MySqlReadOnly.PROBE_TABLE) + " TO it"));
            }
            return new DryRun(v, self.account(), dialect.readOnlyState(c), List.copyOf(checks), wouldEnd, app);
        } catch (SQLException e) {
            throw admin.failure("closing the connection", e);
        }
    }

    private static Check privilege(String what, List<MySqlReadOnly.Grant> grants, List<String> anyOf) {
        List<String> held = MySqlReadOnly.held(grants, anyOf);
        return held.isEmpty()
                ? new Check(what, false, "needs " + String.join(" or ", anyOf) + " ON *.*: GRANT " + anyOf.get(0)
                + " ON *.* TO the privileged login")
                : new Check(what, true, "by " + String.join(", ", held));
    }

    private void endLongWriters(Connection c, List<LongWriter> ended, List<LongWriter> gone) {
        for (LongWriter w : dialect.longWriters(c, options.longWriterSeconds())) {
            if (dialect.killConnection(c, w.connectionId())) {
                ended.add(w);
            } else {
                gone.add(w);
            }
        }
    }

    private static ProbeResult probe(DatabaseEndpoint appLogin, String database) {
        try (Connection app = appLogin.open()) {
            return new MySqlDialect(appLogin).writeProbe(app, database);
        } catch (SQLException e) {
            throw appLogin.failure("closing the probe's connection", e);
        }
    }

    /** Drops the probe table (when the runbook no longer needs it; the server must be writable for this login). */
    public void dropProbeTable(String database) {
        try (Connection c = admin.open()) {
            dialect.dropProbeTable(c, database);
        } catch (SQLException e) {
            throw admin.failure("closing the connection", e);
        }
    }

    private static Step step(String name, long startNanos, String detail) {
        return new Step(name, (System.nanoTime() - startNanos) / 1_000_000, detail);
    }

    private static long ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
