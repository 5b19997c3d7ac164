package io.bascule.cutover;

import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.MySqlDialect;
import io.bascule.database.PostgresDialect;
import io.bascule.migration.GoldCertificate;
import io.bascule.migration.MigrationOptions;
import io.bascule.migration.MigrationService;
import io.bascule.migration.Verifier;
import io.bascule.schema.ConversionPlan;
import io.bascule.schema.TablePlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Phase 0 of the cutover: both servers answer (their versions), and the GOLD certificate of the work directory still
 * holds for these databases: it names them (server and database of each side, the target schema), and PostgreSQL has
 * not changed since: every certified table still has the rows and the checksum the certificate recorded. The
 * certificate's checksum is the verification's ({@link Verifier}: the sum of the rows' hashes over their canonical
 * values, the same on both sides when they matched), so it is recomputed on the target only, by the server where it
 * can ({@link Verifier#targetChecksums}); MySQL is not read (it keeps changing until the freeze, and the final delta
 * carries its changes). Reads only.
 */
public final class GoldCheck {

    private static final Logger log = LoggerFactory.getLogger(GoldCheck.class);

    private final DatabaseEndpoint source;
    private final DatabaseEndpoint target;
    private final MigrationOptions options;
    private final MigrationService migration;

    /**
     * @param source  the MySQL/MariaDB database of the migration
     * @param target  the PostgreSQL database
     * @param options the migration's options (target schema, parallelism)
     * @param workDir the work directory holding the GOLD certificate and the conversion plan
     */
    public GoldCheck(DatabaseEndpoint source, DatabaseEndpoint target, MigrationOptions options, Path workDir) {
        this.source = source;
        this.target = target;
        this.options = options;
        this.migration = new MigrationService(source, target, options, workDir);
    }

    /** One certified table: what the certificate recorded and what the target holds now (-1 rows: not computed). */
    public record TableCheck(String table, String targetTable, long certifiedRows, String certifiedChecksum, long rows,
                             String checksum, String problem) {
        public boolean ok() {
            return problem == null && rows == certifiedRows && certifiedChecksum.equals(checksum);
        }
    }

    /**
     * The check: versions (null when a server did not answer), the certificate's time (null without one), the certified
     * tables and the lines in the console view's order.
     */
    public record Result(String sourceVersion, String targetVersion, Instant certifiedAt, List<TableCheck> tables,
                         List<CheckLine> lines, double seconds) {
        public boolean ok() {
            return lines.stream().noneMatch(CheckLine::failed);
        }

        public List<String> problems() {
            return lines.stream().filter(CheckLine::failed).map(CheckLine::text).toList();
        }

        public String summary() {
            return ok() ? "GOLD certificate of " + certifiedAt + " valid: " + tables.size() + " tables, "
                    + tables.stream().mapToLong(TableCheck::rows).sum() + " rows unchanged on PostgreSQL; MySQL "
                    + sourceVersion + ", PostgreSQL " + targetVersion
                    : "NO-GO: " + String.join("; ", problems());
        }

        /** This result, or a {@link CutoverPhaseException} naming every problem when a check failed. */
        public Result requireOk() {
            if (!ok()) {
                throw new CutoverPhaseException(summary(), lines);
            }
            return this;
        }
    }

    /** Runs every check; a failed check is a line of the result, not an exception ({@link Result#requireOk()}). */
    public Result check() {
        long t0 = System.nanoTime();
        List<CheckLine> lines = new ArrayList<>();
        String sourceVersion = null;
        String targetVersion = null;
        try (Connection c = source.open()) {
            sourceVersion = new MySqlDialect(source).version(c);
            lines.add(CheckLine.ok("MySQL reachable: " + sourceVersion + " at " + source.redactedUrl()));
        } catch (SQLException | RuntimeException e) {
            lines.add(CheckLine.failed("MySQL cannot be reached: " + e.getMessage()));
        }
        try (Connection c = target.open()) {
            targetVersion = new PostgresDialect(target).version(c);
            lines.add(CheckLine.ok("PostgreSQL reachable: " + targetVersion + " at " + target.redactedUrl()));
        } catch (SQLException | RuntimeException e) {
            lines.add(CheckLine.failed("PostgreSQL cannot be reached: " + e.getMessage()));
        }
        GoldCertificate certificate;
        try {
            certificate = migration.readCertificate();
        } catch (RuntimeException e) {
            lines.add(CheckLine.failed("no valid GOLD certificate: " + e.getMessage()));
            return done(sourceVersion, targetVersion, null, List.of(), lines, t0);
        }
        List<String> mismatches = mismatches(certificate);
        if (mismatches.isEmpty()) {
            lines.add(CheckLine.ok("GOLD certificate of " + certificate.createdAt() + " written for these databases ("
                    + certificate.source().database() + " → schema " + certificate.target().schema() + ", "
                    + certificate.tables().size() + " tables, " + certificate.rows() + " rows)"));
        } else {
            mismatches.forEach(m -> lines.add(CheckLine.failed(m)));
            return done(sourceVersion, targetVersion, certificate.createdAt(), List.of(), lines, t0);
        }
        List<TablePlan> tables;
        try {
            tables = CutoverFiles.certifiedTables(migration.loadPlan(), certificate);
        } catch (RuntimeException e) {
            lines.add(CheckLine.failed(e.getMessage()));
            return done(sourceVersion, targetVersion, certificate.createdAt(), List.of(), lines, t0);
        }
        if (targetVersion == null) {
            return done(sourceVersion, null, certificate.createdAt(), List.of(), lines, t0);
        }
        List<TableCheck> checks = checkTables(certificate, tables);
        for (TableCheck t : checks) {
            lines.add(t.ok() ? CheckLine.ok(String.format("%s: %,d rows, checksum %s as certified", t.table(), t.rows(), t.checksum()))
                    : CheckLine.failed(describe(t, certificate)));
        }
        return done(sourceVersion, targetVersion, certificate.createdAt(), checks, lines, t0);
    }

    private Result done(String sourceVersion, String targetVersion, Instant certifiedAt, List<TableCheck> tables,
                        List<CheckLine> lines, long t0) {
        Result r = new Result(sourceVersion, targetVersion, certifiedAt, List.copyOf(tables), List.copyOf(lines),
                CutoverFiles.seconds(t0));
        lines.forEach(l -> log.info("GOLD check: {}", l.render()));
        return r;
    }

    private static String describe(TableCheck t, GoldCertificate certificate) {
        if (t.problem() != null) {
            return t.table() + ": " + t.problem();
        }
        String what = t.rows() != t.certifiedRows()
                ? String.format("%,d rows where the certificate recorded %,d", t.rows(), t.certifiedRows())
                : String.format("%,d rows as certified, but checksum %s where the certificate recorded %s", t.rows(),
                t.checksum(), t.certifiedChecksum());
        return "table " + t.table() + " (" + t.targetTable() + " on PostgreSQL) has changed since the GOLD certificate of "
                + certificate.createdAt() + ": " + what + "; the certificate is stale: find who wrote to PostgreSQL, then"
                + " run migrate again (a new GOLD copy) before the cutover";
    }

    /** What in the certificate does not name these databases. */
    private List<String> mismatches(GoldCertificate certificate) {
        List<String> out = new ArrayList<>();
        String database = source.databaseName();
        if (!database.equals(certificate.source().database())) {
            out.add("the GOLD certificate is for MySQL database " + certificate.source().database() + ", this cutover"
                    + " connects to " + database + ": run the cutover with that migration's settings, or migrate " + database + " first");
        }
        if (!server(certificate.source().url()).equals(server(source.redactedUrl()))) {
            out.add("the GOLD certificate was written for MySQL at " + certificate.source().url() + ", this cutover connects"
                    + " to " + source.redactedUrl() + ": use the URL of the certified server (--source-url), or migrate again");
        }
        if (!serverAndDatabase(certificate.target().url()).equals(serverAndDatabase(target.redactedUrl()))) {
            out.add("the GOLD certificate was written for PostgreSQL at " + certificate.target().url() + ", this cutover"
                    + " connects to " + target.redactedUrl() + ": use the URL of the certified database (--target-url), or migrate again");
        }
        if (!options.targetSchema().equals(certificate.target().schema())) {
            out.add("the GOLD certificate is for target schema " + certificate.target().schema() + ", this cutover uses "
                    + options.targetSchema() + ": set --target-schema " + certificate.target().schema() + ", or migrate again");
        }
        return out;
    }

    /** {@code host:port} of a JDBC URL, host in lower case, without user info, path and parameters. */
    static String server(String url) {
        String s = serverAndDatabase(url);
        int slash = s.indexOf('/');
        return slash < 0 ? s : s.substring(0, slash);
    }

    /** {@code host:port/database} of a JDBC URL, host in lower case; scheme, user info and parameters left out. */
    static String serverAndDatabase(String url) {
        String s = url == null ? "" : url;
        int scheme = s.indexOf("//");
        s = scheme < 0 ? s : s.substring(scheme + 2);
        int q = s.indexOf('?');
        s = q < 0 ? s : s.substring(0, q);
        int at = s.lastIndexOf('@', s.indexOf('/') < 0 ? s.length() - 1 : s.indexOf('/'));
        s = at < 0 ? s : s.substring(at + 1);
        int slash = s.indexOf('/');
        String host = slash < 0 ? s : s.substring(0, slash);
        return host.toLowerCase(Locale.ROOT) + (slash < 0 ? "" : s.substring(slash));
    }

    /** The target's rows and checksum of each certified table, the missing ones named. */
    private List<TableCheck> checkTables(GoldCertificate certificate, List<TablePlan> tables) {
        PostgresDialect pg = new PostgresDialect(target);
        List<TablePlan> present = new ArrayList<>();
        List<TableCheck> checks = new ArrayList<>();
        try (Connection c = target.open()) {
            for (TablePlan t : tables) {
                if (pg.tableExists(c, options.targetSchema(), t.targetName())) {
                    present.add(t);
                }
            }
        } catch (SQLException e) {
            throw target.failure("looking up the certified tables", e);
        }
        Map<String, Verifier.TableChecksum> sums = new Verifier(source, target, options).targetChecksums(present).stream()
                .collect(Collectors.toMap(Verifier.TableChecksum::table, Function.identity()));
        for (TablePlan t : tables) {
            GoldCertificate.TableEntry e = certificate.table(t.source().name());
            Verifier.TableChecksum sum = sums.get(t.source().name());
            checks.add(sum == null
                    ? new TableCheck(e.table(), e.targetTable(), e.rows(), e.checksum(), -1, null, "table "
                    + PostgresDialect.qualified(options.targetSchema(), e.targetTable()) + " no longer exists on PostgreSQL;"
                    + " the GOLD certificate is stale: run migrate again before the cutover")
                    : new TableCheck(e.table(), e.targetTable(), e.rows(), e.checksum(), sum.rows(), sum.checksum(), null));
        }
        return checks;
    }
}
