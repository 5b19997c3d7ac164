package io.bascule.rollback;

import io.bascule.config.ConfigException;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.DatabaseException;
import io.bascule.database.PostgresDialect;
import io.bascule.database.PostgresDialect.ActivitySession;
import io.bascule.database.PostgresDialect.PgRole;
import io.bascule.database.PostgresDialect.RolePrivileges;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Stops the application's writes on PostgreSQL, the first step of a rollback: its login is made read-only on the
 * target database ({@code ALTER ROLE app IN DATABASE db SET default_transaction_read_only = on}, which every new
 * session of that login takes), then every open session of that login on the database is ended (its transaction
 * rolls back), so that none started before the setting remains. Works through Bascule's privileged login; the
 * application's password is never needed: the proof reads the setting back from {@code pg_db_role_setting} and
 * counts the sessions opened before the fence (none may remain).
 *
 * <p>What it does not stop: {@code default_transaction_read_only} is a default, so a session that sets it off, begins
 * {@code READ WRITE} or connects with {@code options=-c default_transaction_read_only=off} still writes; the fence
 * stops an application's ordinary writes, not a deliberate one. Sessions of the login on other databases are not
 * touched.
 *
 * <p>When the application's login is unknown or is Bascule's own, no ALTER ROLE is made (it would make Bascule's own
 * sessions read-only): the other sessions of that login on the database are ended, except Bascule's own (its
 * connection, and those named {@value PostgresDialect#BASCULE_APPLICATION_NAME}, such as the reverse applier's), and
 * the result says that new sessions of the login are not refused. Every call may be repeated.
 */
public final class PostgresFence {

    private static final Logger log = LoggerFactory.getLogger(PostgresFence.class);

    /** How long ended sessions may take to go away before the fence says they did not. */
    static final long TERMINATION_WAIT_MILLIS = 5_000;

    /** One session of the login on the database, ended (or to be ended by a dry run's fence). */
    public record EndedSession(int pid, String applicationName, String clientAddr, String state, Instant backendStart) {

        static EndedSession of(ActivitySession s) {
            return new EndedSession(s.pid(), s.applicationName(), s.clientAddr(), s.state(), s.backendStart());
        }
    }

    /**
     * What a fence did.
     *
     * @param appUser       the application's login as given (null: unknown)
     * @param login         the login whose sessions were ended (the application's, or Bascule's own when the application's is
     *                      unknown or the same)
     * @param database      the target database
     * @param roleReadOnly  the login's new sessions on the database start read-only (false when it is Bascule's own login)
     * @param alreadyFenced the setting was there before this call (an earlier fence); it was not set again
     * @param ended         the sessions ended by this call
     * @param warnings      what the fence did not do, and what to do about it
     * @param proven        the setting was read back and no session opened before the fence remains; false whenever new
     *                      sessions of the login are not refused
     * @param proof         what was checked, or why it is not proven
     * @param millis        the fence's duration
     */
    public record Fence(String appUser, String login, String database, boolean roleReadOnly, boolean alreadyFenced,
                        List<EndedSession> ended, List<String> warnings, boolean proven, String proof, long millis) {
    }

    /**
     * The dry run of a fence: what would stop it ({@code problems}), the sessions it would end now, what it would not
     * do ({@code warnings}). Nothing is changed.
     */
    public record DryRun(String appUser, String login, String database, boolean alreadyFenced, List<String> problems,
                         List<EndedSession> wouldEnd, List<String> warnings) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private final DatabaseEndpoint target;
    private final String appUser;
    private final PostgresDialect pg;

    /**
     * @param target  Bascule's privileged PostgreSQL login on the target database
     * @param appUser the application's PostgreSQL login ({@link #userOf} of its database URL); null when unknown
     */
    public PostgresFence(DatabaseEndpoint target, String appUser) {
        this.target = target;
        this.appUser = appUser == null || appUser.isBlank() ? null : appUser;
        this.pg = new PostgresDialect(target);
    }

    /** The plan of a fence, decided on a connection: whose sessions, whether the role is altered, what stops it. */
    private record Plan(RolePrivileges self, String login, boolean alterRole, PgRole role, List<String> problems,
                        List<String> warnings, boolean alreadyFenced) {

        /** The sessions a same-login fence leaves open: Bascule's own. */
        String spare() {
            return alterRole ? null : PostgresDialect.BASCULE_APPLICATION_NAME;
        }
    }

    private Plan plan(Connection c) {
        RolePrivileges self = pg.sessionLogin(c);
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        if (appUser == null || appUser.equals(self.sessionUser())) {
            String login = self.sessionUser();
            warnings.add(appUser == null
                    ? "the application's PostgreSQL login is unknown (the URL in bascule.app.target-url names no user):"
                    + " only the other sessions of Bascule's own login '" + login + "' on database " + self.database()
                    + " are ended, sessions of any other login are not touched, and new sessions of '" + login
                    + "' are not refused; give the application a login of its own and name it in bascule.app.target-url,"
                    + " so that the fence can make it read-only"
                    : "the application logs in as '" + login + "', Bascule's own login: making it read-only would make"
                    + " Bascule's own sessions read-only, so its other sessions on database " + self.database()
                    + " are ended but new sessions of '" + login + "' are not refused (a reconnecting application writes"
                    + " again); give the application a login of its own (CREATE ROLE ... LOGIN, with its grants) and put it"
                    + " in bascule.app.target-url");
            return new Plan(self, login, false, null, problems, warnings, false);
        }
        PgRole role = pg.role(c, appUser);
        if (role == null) {
            problems.add(unknownRole(self.database()));
            return new Plan(self, appUser, true, null, problems, warnings, false);
        }
        RolePrivileges on = pg.privilegesOn(c, appUser);
        String me = "Bascule's login '" + on.sessionUser() + "'";
        if (!on.superuser()) {
            if (role.superuser()) {
                problems.add("the application's login '" + appUser + "' is a superuser: only a superuser may make it"
                        + " read-only and end its sessions; give the application a login that is not a superuser, or run"
                        + " the rollback with a superuser login (--target-user)");
            } else {
                boolean pg16 = on.serverVersionNum() >= 160000;
                if (!on.createRole() || (pg16 && !on.adminOfRole())) {
                    problems.add(me + " may not ALTER ROLE " + PostgresDialect.quote(appUser) + ": it needs SUPERUSER or"
                            + " CREATEROLE" + (pg16 ? " with ADMIN OPTION on that role (PostgreSQL 16 and later)" : "")
                            + "; as a superuser: ALTER ROLE " + PostgresDialect.quote(on.sessionUser()) + " CREATEROLE"
                            + (pg16 ? "; GRANT " + PostgresDialect.quote(appUser) + " TO "
                            + PostgresDialect.quote(on.sessionUser()) + " WITH ADMIN OPTION" : ""));
                }
                if (!on.privilegesOfRole() && !on.signalBackend()) {
                    problems.add(me + " may not end the sessions of '" + appUser + "': it needs SUPERUSER or the"
                            + " privileges of pg_signal_backend; as a superuser: GRANT pg_signal_backend TO "
                            + PostgresDialect.quote(on.sessionUser()));
                }
            }
            if (!on.privilegesOfRole() && !on.readAllStats()) {
                warnings.add(me + " does not see the state, address and start of the sessions of '" + appUser
                        + "' (pg_stat_activity hides them): the fence cannot tell the sessions opened before it from those"
                        + " opened since, and proves nothing while the application reconnects; GRANT pg_read_all_stats TO "
                        + PostgresDialect.quote(on.sessionUser()));
            }
        }
        if (!role.canLogin()) {
            warnings.add("role '" + appUser + "' cannot log in (NOLOGIN): is it really the application's login? check the"
                    + " user of bascule.app.target-url");
        }
        boolean already = isReadOnlySetting(pg.roleDatabaseSettings(c, appUser));
        return new Plan(on, appUser, true, role, problems, warnings, already);
    }

    private String unknownRole(String database) {
        return "PostgreSQL has no role '" + appUser + "' (the application's login, the user of bascule.app.target-url):"
                + " check the user in bascule.app.target-url (--app-target-url) against the roles of the target (\\du in"
                + " psql on database " + database + ")";
    }

    static boolean isReadOnlySetting(List<String> settings) {
        for (String s : settings) {
            int eq = s.indexOf('=');
            if (eq > 0 && s.substring(0, eq).trim().equalsIgnoreCase(PostgresDialect.READ_ONLY_SETTING)) {
                String v = s.substring(eq + 1).trim().toLowerCase(Locale.ROOT);
                return v.equals("on") || v.equals("true") || v.equals("yes") || v.equals("1") || v.equals("t");
            }
        }
        return false;
    }

    /**
     * Fences the application's writes: makes its login read-only on the database (unless it is already), ends its
     * sessions there, waits until they are gone and proves it. The login being unknown or Bascule's own ends the other
     * sessions only, and says so ({@link Fence#warnings}, {@link Fence#proven} false).
     *
     * @throws ConfigException   the application's login names no role
     * @throws DatabaseException Bascule's login lacks a privilege (code MISSING_PRIVILEGE; nothing was changed), or a
     *                           statement failed
     */
    public Fence fence() {
        long t0 = System.nanoTime();
        try (Connection c = target.open()) {
            Plan plan = plan(c);
            if (!plan.problems().isEmpty()) {
                if (plan.alterRole() && plan.role() == null) {
                    throw new ConfigException("cannot fence the application's writes: " + plan.problems().get(0)
                            + "; nothing was changed");
                }
                throw new DatabaseException(DatabaseException.Code.MISSING_PRIVILEGE, "cannot fence the application's"
                        + " writes on the target database " + target.redactedUrl() + ": " + String.join("; ", plan.problems())
                        + "; nothing was changed", target.redactedUrl(), null);
            }
            String database = plan.self().database();
            List<String> warnings = new ArrayList<>(plan.warnings());
            Timestamp fencedAt = null;
            if (plan.alterRole()) {
                if (plan.alreadyFenced()) {
                    warnings.add(PostgresDialect.READ_ONLY_SETTING + " was already on for '" + plan.login() + "' on database "
                            + database + " (an earlier fence): not set again");
                } else {
                    pg.executeStatement(c, PostgresDialect.setRoleReadOnly(plan.login(), database),
                            "making the application's login " + plan.login() + " read-only");
                }
                fencedAt = pg.clock(c);
            }
            List<ActivitySession> sessions = pg.loginSessions(c, plan.login(), plan.spare());
            List<EndedSession> ended = new ArrayList<>();
            for (ActivitySession s : sessions) {
                if (pg.terminate(c, s.pid())) {
                    ended.add(EndedSession.of(s));
                }
            }
            List<Integer> left = waitUntilGone(c, ended.stream().map(EndedSession::pid).toList());
            if (!left.isEmpty()) {
                warnings.add("session(s) " + left + " of '" + plan.login() + "' were told to end but are still there after "
                        + TERMINATION_WAIT_MILLIS / 1000 + " s (a statement that does not check for interrupts): end them"
                        + " with SELECT pg_terminate_backend(pid) and fence again");
            }
            if (!plan.alterRole()) {
                List<ActivitySession> spared = pg.loginSessions(c, plan.login(), null).stream()
                        .filter(s -> PostgresDialect.BASCULE_APPLICATION_NAME.equals(s.applicationName())).toList();
                if (!spared.isEmpty()) {
                    warnings.add(spared.size() + " other session(s) of Bascule itself (application_name '"
                            + PostgresDialect.BASCULE_APPLICATION_NAME + "', such as the reverse applier's) were left open: pids "
                            + spared.stream().map(ActivitySession::pid).toList());
                }
            }
            boolean proven;
            String proof;
            if (plan.alterRole()) {
                boolean setting = isReadOnlySetting(pg.roleDatabaseSettings(c, plan.login()));
                long before = pg.loginSessionsBefore(c, plan.login(), null, fencedAt);
                long now = pg.loginSessions(c, plan.login(), null).size();
                proven = setting && before == 0;
                proof = (setting ? "pg_db_role_setting holds " : "pg_db_role_setting does NOT hold ")
                        + PostgresDialect.READ_ONLY_SETTING + "=on for '" + plan.login() + "' on database " + database + "; "
                        + (before == 0 ? "no session of '" + plan.login() + "' opened before the fence remains"
                        : before + " session(s) of '" + plan.login() + "' opened before the fence (or of unknown start) remain")
                        + (now > before ? " (" + (now - before) + " opened since, read-only by default)" : "")
                        + "; a session may still turn the default off (SET " + PostgresDialect.READ_ONLY_SETTING
                        + " = off, BEGIN READ WRITE): the fence stops ordinary writes, not deliberate ones";
            } else {
                proven = false;
                proof = "new sessions of '" + plan.login() + "' are not refused: only the sessions open at the fence were"
                        + " ended (" + ended.size() + ")";
            }
            Fence fence = new Fence(appUser, plan.login(), database, plan.alterRole(), plan.alreadyFenced(),
                    List.copyOf(ended), List.copyOf(warnings), proven, proof, (System.nanoTime() - t0) / 1_000_000);
            log.info("PostgreSQL fence of '{}' on {}: {} session(s) ended, read-only role: {}, proven: {}", plan.login(),
                    database, ended.size(), plan.alterRole(), proven);
            return fence;
        } catch (SQLException e) {
            throw target.failure("closing the connection", e);
        }
    }

    private List<Integer> waitUntilGone(Connection c, List<Integer> pids) {
        if (pids.isEmpty()) {
            return List.of();
        }
        long deadline = System.nanoTime() + TERMINATION_WAIT_MILLIS * 1_000_000;
        List<Integer> left = pg.alive(c, pids);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return left;
            }
            left = pg.alive(c, pids);
        }
        return left;
    }

    /**
     * Checks, changing nothing, that a fence can be made: the role exists, Bascule's login may ALTER ROLE it and end its
     * sessions; lists the sessions a fence would end now.
     */
    public DryRun dryRun() {
        try (Connection c = target.open()) {
            Plan plan = plan(c);
            List<EndedSession> wouldEnd = plan.alterRole() && plan.role() == null ? List.of()
                    : pg.loginSessions(c, plan.login(), plan.spare()).stream().map(EndedSession::of).toList();
            return new DryRun(appUser, plan.login(), plan.self().database(), plan.alreadyFenced(),
                    List.copyOf(plan.problems()), wouldEnd, List.copyOf(plan.warnings()));
        } catch (SQLException e) {
            throw target.failure("closing the connection", e);
        }
    }

    /**
     * Lifts the fence for a later cutover: {@code ALTER ROLE app IN DATABASE db RESET default_transaction_read_only}.
     * Idempotent. Sessions opened while fenced keep their read-only default until they reconnect. Does nothing when
     * the application's login is unknown or Bascule's own (no role was altered).
     *
     * @throws ConfigException the application's login names no role
     */
    public void lift() {
        try (Connection c = target.open()) {
            RolePrivileges self = pg.sessionLogin(c);
            if (appUser == null || appUser.equals(self.sessionUser())) {
                log.info("PostgreSQL fence: nothing to lift, no role was made read-only");
                return;
            }
            if (pg.role(c, appUser) == null) {
                throw new ConfigException("cannot lift the fence: " + unknownRole(self.database()));
            }
            pg.executeStatement(c, PostgresDialect.resetRoleReadOnly(appUser, self.database()),
                    "lifting the read-only default of " + appUser);
            log.info("PostgreSQL fence of '{}' on {} lifted", appUser, self.database());
        } catch (SQLException e) {
            throw target.failure("closing the connection", e);
        }
    }

}
