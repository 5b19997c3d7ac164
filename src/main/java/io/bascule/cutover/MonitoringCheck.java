package io.bascule.cutover;

import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.DatabaseException;
import io.bascule.database.PostgresDialect;
import io.bascule.database.PostgresDialect.ExtensionAccess;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code pg_stat_statements} on the target: Phase 8 of the cutover ({@link #run}: present and collecting) and the
 * statistics reset of Phase 1 ({@link #reset}).
 * <ul>
 * <li><b>Loaded</b>: the library must be in {@code shared_preload_libraries} (read from pg_settings; a login that may
 * not read it is judged by the library's own setting {@code pg_stat_statements.track} being defined). If it is not,
 * the check fails naming the fix, {@code shared_preload_libraries = 'pg_stat_statements'} and a restart of
 * PostgreSQL, which belongs before the cutover window.</li>
 * <li><b>Installed</b> in the target database: when missing while loaded, {@link #run} and {@link #reset} create it
 * ({@code CREATE EXTENSION IF NOT EXISTS pg_stat_statements}: a superuser's, or a trusted extension's with CREATE on
 * the database); a login that may not fails naming who must.</li>
 * <li><b>Collecting</b>: {@code pg_stat_statements.track} is not {@code none}, the view answers, and the calls it
 * counts for a probe query grow when the probe runs again. The probe is found by its query id, which it reads of
 * itself ({@link PostgresDialect#MONITORING_PROBE}): pg_stat_statements files statements by query id, and a probe
 * found by its text could be filed under another statement of the same shape.</li>
 * </ul>
 * The dry runs change nothing: no extension created, no reset; they say what would be done and whether the login
 * may. A target that cannot be reached throws {@link DatabaseException}; every other problem is a failure in the
 * result.
 */
public final class MonitoringCheck {

    private final DatabaseEndpoint target;

    public MonitoringCheck(DatabaseEndpoint target) {
        this.target = target;
    }

    /**
     * What a check or reset found.
     *
     * @param preloaded   whether the library is loaded (shared_preload_libraries), null when it could not be told
     * @param version     the installed extension's version, or null
     * @param created     whether this call created the extension
     * @param callsBefore the probe query's calls before the probe, or null when not measured
     * @param callsAfter  the probe query's calls after it, or null
     * @param lines       the console view, one ✅/❌/➖ line per step
     * @param failures    what failed, one line each
     */
    public record Result(String where, Boolean preloaded, String version, boolean created, Long callsBefore,
                         Long callsAfter, List<String> lines, List<String> failures) {

        public Result {
            lines = List.copyOf(lines);
            failures = List.copyOf(failures);
        }

        public boolean passed() {
            return failures.isEmpty();
        }

        public String failureSummary() {
            return failures.isEmpty() ? "pg_stat_statements is present and collecting on " + where
                    : "monitoring on " + where + ": " + String.join("; ", failures);
        }
    }

    /** Phase 8: the extension loaded, installed (created when missing and loaded) and collecting. */
    public Result run() {
        return check(false);
    }

    /** Phase 8 as a dry run: the same questions; no extension created (says whether it would be and may be). */
    public Result dryRun() {
        return check(true);
    }

    /** Phase 1: pg_stat_statements emptied (every database of the server) and the target database's statistics reset. */
    public Result reset() {
        return resetting(false);
    }

    /** Phase 1 as a dry run: whether the login may reset both; nothing is reset. */
    public Result resetDryRun() {
        return resetting(true);
    }

    // ------------------------------------------------------------------

    private final class Run {
        final PostgresDialect pg = new PostgresDialect(target);
        final Connection c;
        final List<String> lines = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        Boolean preloaded;
        String[] installed;
        boolean created;
        Long before;
        Long after;

        Run(Connection c, String title) {
            this.c = c;
            lines.add(title + " on " + target.redactedUrl());
        }

        void ok(String line) {
            lines.add("✅ " + line);
        }

        void skip(String line) {
            lines.add("➖ " + line);
        }

        void fail(String problem) {
            failures.add(problem);
            lines.add("❌ " + problem);
        }

        /** Loaded? False stops with the fix. */
        boolean loaded() {
            String libraries = pg.preloadLibraries(c);
            String track = pg.pgssTrack(c);
            if (libraries != null) {
                preloaded = Arrays.stream(libraries.split(",")).map(s -> s.strip().replace("\"", ""))
                        .anyMatch(PostgresDialect.PG_STAT_STATEMENTS::equals);
            } else {
                preloaded = track != null;
            }
            if (!preloaded) {
                fail("pg_stat_statements is not loaded on " + target.redactedUrl() + " (shared_preload_libraries = '"
                        + (libraries == null ? "not readable by this login" : libraries) + "'): set"
                        + " shared_preload_libraries = 'pg_stat_statements' (keeping the libraries already listed) in"
                        + " postgresql.conf or with ALTER SYSTEM, and restart PostgreSQL, before the cutover window");
                return false;
            }
            ok("pg_stat_statements loaded (shared_preload_libraries" + (libraries == null
                    ? " not readable by this login; its settings are defined)" : " = '" + libraries + "')"));
            if ("none".equals(track)) {
                fail("pg_stat_statements.track is 'none': nothing is counted; ALTER SYSTEM SET pg_stat_statements.track"
                        + " = 'top' and SELECT pg_reload_conf()");
                return false;
            }
            return true;
        }

        /** Installed (created when allowed and not dry)? */
        boolean installed(boolean dry) {
            installed = pg.pgssInstalled(c);
            if (installed != null) {
                ok("extension pg_stat_statements " + installed[0] + " installed in schema " + installed[1]);
                return true;
            }
            String database = target.databaseName();
            ExtensionAccess access = pg.pgssCreatable(c);
            if (!access.available()) {
                fail("the server offers no pg_stat_statements extension to install: install PostgreSQL's contrib"
                        + " modules on " + target.redactedUrl());
                return false;
            }
            if (!access.mayCreate()) {
                fail("extension pg_stat_statements is not installed in database " + database + " and login "
                        + target.user() + " may not create it: have a superuser run CREATE EXTENSION pg_stat_statements"
                        + " in database " + database + " before the cutover window");
                return false;
            }
            if (dry) {
                skip("extension pg_stat_statements not installed in database " + database
                        + ": the cutover creates it (CREATE EXTENSION IF NOT EXISTS pg_stat_statements)");
                return false;
            }
            pg.createPgss(c);
            created = true;
            installed = pg.pgssInstalled(c);
            ok("extension pg_stat_statements " + installed[0] + " created in schema " + installed[1]);
            return true;
        }

        void collecting() {
            try {
                Long queryId = pg.monitoringProbe(c);
                if (queryId == null) {
                    fail("PostgreSQL computes no query ids (compute_query_id = off), so pg_stat_statements counts nothing:"
                            + " ALTER SYSTEM SET compute_query_id = 'auto' and SELECT pg_reload_conf()");
                    return;
                }
                before = pg.pgssCalls(c, installed[1], queryId);
                pg.monitoringProbe(c);
                after = pg.pgssCalls(c, installed[1], queryId);
            } catch (DatabaseException e) {
                fail("pg_stat_statements does not answer: " + e.getMessage());
                return;
            }
            if (after > before) {
                ok("collecting: the calls of a probe query went from " + before + " to " + after);
            } else {
                fail("pg_stat_statements answers but did not count a probe query (calls " + before + " → " + after
                        + "): check pg_stat_statements.track and pg_stat_statements.max");
            }
        }

        Result result() {
            return new Result(target.redactedUrl(), preloaded, installed == null ? null : installed[0], created, before,
                    after, lines, failures);
        }
    }

    private Result check(boolean dry) {
        try (Connection c = target.open()) {
            Run r = new Run(c, dry ? "Monitoring (dry run)" : "Monitoring");
            if (r.loaded() && r.installed(dry)) {
                r.collecting();
            }
            return r.result();
        } catch (SQLException e) {
            throw target.failure("the monitoring check", e);
        }
    }

    private Result resetting(boolean dry) {
        try (Connection c = target.open()) {
            Run r = new Run(c, dry ? "Statistics reset (dry run)" : "Statistics reset");
            if (r.loaded() && r.installed(dry)) {
                String schema = r.installed[1];
                if (dry) {
                    if (r.pg.mayPgssReset(c, schema)) {
                        r.skip("would empty pg_stat_statements (pg_stat_statements_reset(), every database of the server)");
                    } else {
                        r.fail(mayNot("pg_stat_statements_reset()", schema + ".pg_stat_statements_reset"));
                    }
                } else {
                    try {
                        r.pg.pgssReset(c, schema);
                        r.ok("pg_stat_statements emptied (pg_stat_statements_reset(), every database of the server)");
                    } catch (DatabaseException e) {
                        r.fail(resetFailure(e, "pg_stat_statements_reset()", schema + ".pg_stat_statements_reset"));
                    }
                }
            }
            String database = target.databaseName();
            if (dry) {
                if (r.pg.mayStatReset(c)) {
                    r.skip("would reset the statistics of database " + database + " (pg_stat_reset())");
                } else {
                    r.fail(mayNot("pg_stat_reset()", "pg_catalog.pg_stat_reset"));
                }
            } else {
                try {
                    r.pg.statReset(c);
                    r.ok("statistics of database " + database + " reset (pg_stat_reset())");
                } catch (DatabaseException e) {
                    r.fail(resetFailure(e, "pg_stat_reset()", "pg_catalog.pg_stat_reset"));
                }
            }
            return r.result();
        } catch (SQLException e) {
            throw target.failure("the statistics reset", e);
        }
    }

    private String mayNot(String function, String qualified) {
        return "login " + target.user() + " may not run " + function + " on " + target.redactedUrl() + ": GRANT EXECUTE ON"
                + " FUNCTION " + qualified + " TO " + target.user() + " (as a superuser), or run Bascule as a superuser";
    }

    private String resetFailure(DatabaseException e, String function, String qualified) {
        return e.code() == DatabaseException.Code.MISSING_PRIVILEGE ? mayNot(function, qualified) : e.getMessage();
    }
}
