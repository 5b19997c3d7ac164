package io.bascule.cutover;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.MySqlDialect;
import io.bascule.database.PostgresDialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Phase 1 of the cutover: the MySQL baseline and a clean slate for PostgreSQL's statistics. The baseline holds, per
 * base table of the source database, its exact row count ({@code COUNT(*)}, every table in one consistent snapshot)
 * and what SHOW TABLE STATUS shows (engine, the statistics' row estimate, data and index length, AUTO_INCREMENT,
 * update time), saved as {@code <work-dir>/cutover/baseline-<time>.json} and {@code .md}. On PostgreSQL the statistics
 * of the target database are reset ({@code pg_stat_reset()}) and so are pg_stat_statements' counters where the
 * extension is installed, so that the monitoring after the switch counts the application's work on PostgreSQL only.
 *
 * <p>Everything that could stop the phase is checked first (both servers, the privileges on the reset functions, the
 * directory): a failed check writes and resets nothing. The dry run runs those checks only.
 */
public final class Baseline {

    private static final Logger log = LoggerFactory.getLogger(Baseline.class);

    private final DatabaseEndpoint source;
    private final DatabaseEndpoint target;
    private final Path workDir;

    /**
     * @param source  the MySQL/MariaDB database (a login that reads its tables)
     * @param target  the PostgreSQL database (a login that may run pg_stat_reset(): superuser or granted EXECUTE)
     * @param workDir the work directory; the files go into its {@code cutover} folder
     */
    public Baseline(DatabaseEndpoint source, DatabaseEndpoint target, Path workDir) {
        this.source = source;
        this.target = target;
        this.workDir = workDir;
    }

    /** One table of the baseline: the exact count and SHOW TABLE STATUS's fields (null where the server shows none). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record TableBaseline(String table, String engine, long rows, Long rowsEstimate, Long dataLength,
                                Long indexLength, BigInteger autoIncrement, String updateTime) {
    }

    /** The file's content. */
    public record Snapshot(Instant takenAt, String server, String serverVersion, String database,
                           List<TableBaseline> tables, long totalRows, String postgresStatistics,
                           String pgStatStatements) {
    }

    /**
     * What the phase did (or, in a dry run, would do): the files (null in a dry run or when a check failed), the
     * snapshot (null then too) and the lines in the console view's order.
     */
    public record Result(boolean dryRun, Path jsonFile, Path markdownFile, Snapshot snapshot, List<CheckLine> lines,
                         double seconds) {
        public boolean ok() {
            return lines.stream().noneMatch(CheckLine::failed);
        }

        public List<String> problems() {
            return lines.stream().filter(CheckLine::failed).map(CheckLine::text).toList();
        }

        public String summary() {
            if (!ok()) {
                return "baseline not taken, nothing changed: " + String.join("; ", problems());
            }
            return dryRun ? "dry run: the baseline can be taken and the statistics reset (" + lines.size() + " checks passed)"
                    : String.format("MySQL baseline of %d tables (%,d rows) saved to %s; PostgreSQL statistics %s;"
                    + " pg_stat_statements %s", snapshot.tables().size(), snapshot.totalRows(), jsonFile,
                    snapshot.postgresStatistics(), snapshot.pgStatStatements());
        }

        public Result requireOk() {
            if (!ok()) {
                throw new CutoverPhaseException(summary(), lines);
            }
            return this;
        }
    }

    /** What the checks found out about PostgreSQL. */
    private record PgState(PostgresDialect.StatStatements statements, boolean statementsLoaded) {
    }

    /**
     * Takes the baseline and resets the statistics; with {@code dryRun}, only checks that it can (servers, privileges,
     * directory): nothing is written, nothing reset. A failed check is a line of the result ({@link Result#requireOk()}).
     *
     * @throws UncheckedIOException the files could not be written (the statistics are then not reset)
     * @throws io.bascule.database.DatabaseException a query failed after the checks passed
     */
    public Result take(boolean dryRun) {
        long t0 = System.nanoTime();
        List<CheckLine> lines = new ArrayList<>();
        Path dir = CutoverFiles.cutoverDir(workDir);
        MySqlDialect mysql = new MySqlDialect(source);
        PostgresDialect pg = new PostgresDialect(target);
        String dirProblem = CutoverFiles.writabilityProblem(dir);
        lines.add(dirProblem == null ? CheckLine.ok("baseline files can be written in " + dir) : CheckLine.failed(dirProblem));
        List<MySqlDialect.TableStatus> status = null;
        try (Connection c = source.open()) {
            status = mysql.tableStatus(c, source.databaseName());
            lines.add(CheckLine.ok("MySQL: SHOW TABLE STATUS of " + source.databaseName() + " readable (" + status.size() + " tables)"));
        } catch (SQLException | RuntimeException e) {
            lines.add(CheckLine.failed("MySQL: " + e.getMessage()));
        }
        PgState state = checkPostgres(pg, lines);
        if (dryRun || lines.stream().anyMatch(CheckLine::failed)) {
            return done(dryRun, null, null, null, lines, t0);
        }
        Instant at = Instant.now();
        Snapshot snapshot;
        String version;
        try (Connection c = source.open()) {
            version = mysql.version(c);
            mysql.startConsistentSnapshot(c);
            status = mysql.tableStatus(c, source.databaseName());
            List<TableBaseline> tables = new ArrayList<>();
            for (MySqlDialect.TableStatus s : status) {
                long rows = mysql.countRows(c, s.name());
                tables.add(new TableBaseline(s.name(), s.engine(), rows, s.rowsEstimate(), s.dataLength(), s.indexLength(),
                        s.autoIncrement(), s.updateTime()));
            }
            c.commit();
            snapshot = new Snapshot(at, source.redactedUrl(), version, source.databaseName(), List.copyOf(tables),
                    tables.stream().mapToLong(TableBaseline::rows).sum(), "reset", statementsWord(state));
        } catch (SQLException e) {
            throw source.failure("taking the baseline", e);
        }
        Path[] files = write(dir, at, snapshot);
        lines.add(CheckLine.ok(String.format("MySQL baseline: %d tables, %,d rows (exact counts, one snapshot) saved to %s and %s",
                snapshot.tables().size(), snapshot.totalRows(), files[0], files[1].getFileName())));
        try (Connection c = target.open()) {
            pg.resetStatistics(c);
            lines.add(CheckLine.ok("PostgreSQL statistics of database " + target.databaseName() + " reset (pg_stat_reset())"));
            if (state.statements() != null && state.statementsLoaded()) {
                try {
                    pg.resetStatements(c, state.statements().schema());
                    lines.add(CheckLine.ok("pg_stat_statements reset"));
                } catch (SQLException e) {
                    if (!"55000".equals(e.getSQLState())) {
                        throw target.failure("resetting pg_stat_statements", e);
                    }
                    lines.add(CheckLine.warning(notLoaded(state.statements())));
                }
            }
        } catch (SQLException e) {
            throw target.failure("resetting the statistics", e);
        }
        return done(false, files[0], files[1], snapshot, lines, t0);
    }

    private static String statementsWord(PgState state) {
        return state.statements() == null ? "not installed" : state.statementsLoaded() ? "reset" : "installed, not loaded";
    }

    /** The privileges of the resets and pg_stat_statements' state, as lines; null state when PostgreSQL did not answer. */
    private PgState checkPostgres(PostgresDialect pg, List<CheckLine> lines) {
        try (Connection c = target.open()) {
            PostgresDialect.RolePrivileges login = pg.sessionLogin(c);
            if (pg.mayResetStatistics(c)) {
                lines.add(CheckLine.ok("PostgreSQL: login '" + login.sessionUser() + "' may reset the statistics"
                        + (login.superuser() ? " (superuser)" : " (EXECUTE on pg_stat_reset())")));
            } else {
                lines.add(CheckLine.failed("PostgreSQL: login '" + login.sessionUser() + "' may not run pg_stat_reset()"
                        + " (it needs superuser or EXECUTE on the function; pg_read_all_stats only reads): as a superuser,"
                        + " GRANT EXECUTE ON FUNCTION pg_catalog.pg_stat_reset() TO " + PostgresDialect.quote(login.sessionUser())));
            }
            PostgresDialect.StatStatements statements = pg.statStatements(c);
            boolean loaded = false;
            if (statements == null) {
                lines.add(CheckLine.warning("pg_stat_statements is not installed in database " + login.database()
                        + ": nothing to reset; the monitoring after the switch wants it (shared_preload_libraries ="
                        + " 'pg_stat_statements', then CREATE EXTENSION pg_stat_statements)"));
            } else {
                loaded = pg.statementsLoaded(c, statements.schema());
                if (!loaded) {
                    lines.add(CheckLine.warning(notLoaded(statements)));
                } else if (statements.mayReset()) {
                    lines.add(CheckLine.ok("pg_stat_statements " + statements.version() + " installed; login '"
                            + login.sessionUser() + "' may reset it"));
                } else {
                    lines.add(CheckLine.failed("pg_stat_statements is installed but login '" + login.sessionUser()
                            + "' may not reset it: as a superuser, GRANT EXECUTE ON FUNCTION "
                            + PostgresDialect.quote(statements.schema()) + ".pg_stat_statements_reset TO "
                            + PostgresDialect.quote(login.sessionUser()) + " (give the argument types of your version)"));
                }
            }
            return new PgState(statements, loaded);
        } catch (SQLException | RuntimeException e) {
            lines.add(CheckLine.failed("PostgreSQL: " + e.getMessage()));
            return new PgState(null, false);
        }
    }

    private static String notLoaded(PostgresDialect.StatStatements statements) {
        return "pg_stat_statements is installed (schema " + statements.schema() + ") but its library is not loaded, so it"
                + " counts nothing and there is nothing to reset: add it to shared_preload_libraries and restart PostgreSQL"
                + " before the monitoring needs it";
    }

    /** Writes the JSON and the Markdown file (new files: a name taken already gets a suffix). */
    private Path[] write(Path dir, Instant at, Snapshot snapshot) {
        try {
            CutoverFiles.createOwnerOnlyDirectory(dir);
            String base = "baseline-" + CutoverFiles.stamp(at);
            byte[] json = CutoverFiles.JSON.writeValueAsBytes(snapshot);
            byte[] md = markdown(snapshot).getBytes(StandardCharsets.UTF_8);
            for (int i = 1; ; i++) {
                String name = i == 1 ? base : base + "-" + i;
                Path jsonFile = dir.resolve(name + ".json");
                Path mdFile = dir.resolve(name + ".md");
                if (Files.exists(jsonFile) || Files.exists(mdFile)) {
                    continue;
                }
                try {
                    CutoverFiles.createOwnerOnlyFile(jsonFile);
                } catch (FileAlreadyExistsException e) {
                    continue;
                }
                Files.write(jsonFile, json, StandardOpenOption.TRUNCATE_EXISTING);
                CutoverFiles.createOwnerOnlyFile(mdFile);
                Files.write(mdFile, md, StandardOpenOption.TRUNCATE_EXISTING);
                log.info("MySQL baseline written: {} and {}", jsonFile, mdFile.getFileName());
                return new Path[]{jsonFile, mdFile};
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the baseline into " + dir + ": " + e
                    + " (free space there, or choose another --work-dir); the statistics were not reset", e);
        }
    }

    static String markdown(Snapshot s) {
        StringBuilder sb = new StringBuilder();
        sb.append("# MySQL baseline before the cutover\n\n")
                .append("- Taken at: ").append(s.takenAt()).append('\n')
                .append("- Server: ").append(s.server()).append(" (").append(s.serverVersion()).append(")\n")
                .append("- Database: ").append(s.database()).append('\n')
                .append(String.format("- Tables: %d, rows: %,d (exact counts, read in one snapshot)%n", s.tables().size(), s.totalRows()))
                .append("- PostgreSQL statistics: ").append(s.postgresStatistics()).append("; pg_stat_statements: ")
                .append(s.pgStatStatements()).append("\n\n")
                .append("| Table | Engine | Rows (COUNT) | Rows (estimate) | Data bytes | Index bytes | AUTO_INCREMENT | Updated |\n")
                .append("|---|---|--:|--:|--:|--:|--:|---|\n");
        for (TableBaseline t : s.tables()) {
            sb.append("| ").append(t.table().replace("|", "\\|")).append(" | ").append(dash(t.engine())).append(" | ")
                    .append(String.format("%,d", t.rows())).append(" | ").append(number(t.rowsEstimate())).append(" | ")
                    .append(number(t.dataLength())).append(" | ").append(number(t.indexLength())).append(" | ")
                    .append(t.autoIncrement() == null ? "–" : t.autoIncrement().toString()).append(" | ")
                    .append(dash(t.updateTime())).append(" |\n");
        }
        return sb.toString();
    }

    private static String dash(String s) {
        return s == null ? "–" : s;
    }

    private static String number(Long n) {
        return n == null ? "–" : String.format("%,d", n);
    }

    private Result done(boolean dryRun, Path json, Path md, Snapshot snapshot, List<CheckLine> lines, long t0) {
        lines.forEach(l -> log.info("baseline: {}", l.render()));
        return new Result(dryRun, json, md, snapshot, List.copyOf(lines), CutoverFiles.seconds(t0));
    }
}
