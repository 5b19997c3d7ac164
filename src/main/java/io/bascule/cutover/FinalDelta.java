package io.bascule.cutover;

import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.DatabaseException;
import io.bascule.database.MySqlDialect;
import io.bascule.database.MySqlReadOnly;
import io.bascule.database.PostgresDialect;
import io.bascule.migration.GoldCertificate;
import io.bascule.migration.MigrationOptions;
import io.bascule.migration.MigrationService;
import io.bascule.migration.Progress;
import io.bascule.migration.RowCopy;
import io.bascule.migration.Verifier;
import io.bascule.schema.ColumnMapping;
import io.bascule.schema.ConversionPlan;
import io.bascule.schema.KeyRange;
import io.bascule.schema.SourceSchema;
import io.bascule.schema.TablePlan;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Phase 3 of the cutover: the rows changed on MySQL since the GOLD copy, carried into PostgreSQL while MySQL is frozen,
 * then every table verified again.
 *
 * <p><b>Finding the changes</b> is the verification's own work ({@link Verifier}, reused as it is): per key range the
 * checksum of the MySQL rows against the checksum PostgreSQL computes over its rows; only a range whose checksums
 * differ is read from both sides and merged by key, which names every missing, extra and changed key
 * ({@link Verifier.Differences}). Tables without a primary key are compared as multisets.
 *
 * <p><b>Carrying them</b>, in one PostgreSQL transaction for all tables (the delta is small; all of it or none of it
 * is applied): the MySQL rows of the missing and changed keys are read by key ({@code MySqlDialect.rowsByKeys}) and
 * copied with the GOLD copy's conversion ({@link RowCopy}: the same binary COPY, the same value checks) into a
 * temporary staging table, from which one UPDATE per table sets the changed rows (an update, not a delete and insert,
 * so that foreign keys referencing them neither cascade nor refuse) and one INSERT adds the missing ones; the extra
 * keys go into a temporary key table from which one DELETE per table removes them. Updates and inserts run parents
 * before children (foreign keys), deletes children before parents; a statement refused by a constraint (a unique
 * value moved from a deleted row to an inserted one, say) is rolled back to its savepoint and retried after the others,
 * until all pass or none can. User triggers of the tables (the ON UPDATE CURRENT_TIMESTAMP trigger Bascule created,
 * triggers recreated by hand) are off while the rows are written, as they were during the GOLD copy: MySQL's triggers
 * already did their work in the rows carried. A table without a primary key that differs is copied again whole.
 * Identity sequences are moved past the largest id and MySQL's AUTO_INCREMENT in the same transaction.
 *
 * <p>Why not delete each differing range on PostgreSQL and copy it again with the copy engine: ranges hold up to
 * 250,000 rows (tables below that are one range), so a few scattered changes would copy whole tables again inside the
 * freeze. Carrying the differing rows keeps the freeze proportional to the delta.
 *
 * <p><b>Then</b> every table is verified again with the same verifier; a delete that cascaded to rows MySQL still holds
 * shows there and is carried by a further pass (at most {@link Options#maxPasses()}). The end is zero difference, or a
 * {@link CutoverPhaseException} naming the tables and keys that still differ. A retried run finds nothing more to do.
 * The dry run finds the differences and says what it would carry; it changes nothing.
 */
public final class FinalDelta {

    private static final Logger log = LoggerFactory.getLogger(FinalDelta.class);
    /** Keys staged per INSERT into a key table. */
    private static final int KEYS_PER_STATEMENT = 10_000;

    /**
     * @param requireReadOnly refuse to carry the delta while MySQL is writable (the cutover runs it inside the freeze;
     *                        rows written meanwhile would be missed)
     * @param maxPasses       carry-and-verify passes at most before the difference is a failure
     * @param keysPerQuery    keys per MySQL query when the rows of the missing and changed keys are read
     */
    public record Options(boolean requireReadOnly, int maxPasses, int keysPerQuery) {
        public Options {
            if (maxPasses < 1 || keysPerQuery < 1) {
                throw new IllegalArgumentException("maxPasses and keysPerQuery are at least 1");
            }
        }

        public static Options defaults() {
            return new Options(true, 3, 500);
        }

        public Options withRequireReadOnly(boolean require) {
            return new Options(require, maxPasses, keysPerQuery);
        }
    }

    /**
     * One table's delta: rows inserted, updated and deleted on PostgreSQL (in a dry run: that would be), the seconds it
     * took to carry them, and samples of the keys (canonical values) of each kind.
     */
    public record TableDelta(String table, long inserted, long updated, long deleted, double seconds, boolean copiedWhole,
                             List<String> sampleKeys) {
        public long rows() {
            return inserted + updated + deleted;
        }

        public String line(boolean dryRun) {
            String counts = dryRun ? String.format("would insert %,d, update %,d, delete %,d", inserted, updated, deleted)
                    : String.format("%,d inserted, %,d updated, %,d deleted", inserted, updated, deleted);
            return table + ": " + counts + (copiedWhole ? " (no primary key: " + (dryRun ? "would be " : "")
                    + "copied again whole)" : "") + (sampleKeys.isEmpty() ? "" : " " + sampleKeys)
                    + (dryRun ? "" : String.format(" in %.2f s", seconds));
        }
    }

    /**
     * What the phase did: per table (only those with a difference), the passes, the final verification (null in a dry
     * run, where {@code found} is the comparison that found the differences), the identities moved, the lines.
     */
    public record Result(boolean dryRun, List<TableDelta> tables, int passes, Verifier.Result verification,
                         Verifier.Result found, List<String> identities, List<CheckLine> lines, double seconds) {
        public long inserted() {
            return tables.stream().mapToLong(TableDelta::inserted).sum();
        }

        public long updated() {
            return tables.stream().mapToLong(TableDelta::updated).sum();
        }

        public long deleted() {
            return tables.stream().mapToLong(TableDelta::deleted).sum();
        }

        public String summary() {
            String counts = String.format("%,d inserted, %,d updated, %,d deleted in %d table(s)", inserted(), updated(),
                    deleted(), tables.size());
            if (dryRun) {
                return "dry run: the final delta would carry " + counts.replace(" inserted", " to insert")
                        .replace(" updated", " to update").replace(" deleted", " to delete") + "; nothing was changed";
            }
            return String.format("final delta: %s in %.2f s; verification: every one of %d tables identical (%,d rows)",
                    counts, seconds, verification.tables().size(), verification.rows());
        }
    }

    private final DatabaseEndpoint source;
    private final DatabaseEndpoint target;
    private final MigrationOptions options;
    private final MigrationService migration;
    private final Options deltaOptions;
    private final MySqlDialect mysql;
    private final PostgresDialect pg;

    /**
     * @param source  the MySQL/MariaDB database (a login that reads its tables; frozen by the cutover)
     * @param target  the PostgreSQL database (the owner of the migrated tables: it turns their triggers off while it writes)
     * @param options the migration's options (target schema, parallelism, progress interval)
     * @param workDir the work directory of the GOLD migration (certificate and conversion plan)
     */
    public FinalDelta(DatabaseEndpoint source, DatabaseEndpoint target, MigrationOptions options, Path workDir) {
        this(source, target, options, new MigrationService(source, target, options, workDir), Options.defaults());
    }

    private FinalDelta(DatabaseEndpoint source, DatabaseEndpoint target, MigrationOptions options, MigrationService migration,
                       Options deltaOptions) {
        this.source = source;
        this.target = target;
        this.options = options;
        this.migration = migration;
        this.deltaOptions = deltaOptions;
        this.mysql = new MySqlDialect(source);
        this.pg = new PostgresDialect(target);
    }

    /** The same phase with other options. */
    public FinalDelta withOptions(Options o) {
        return new FinalDelta(source, target, options, migration, o);
    }

    /** Every differing key of one comparison, per table (thread-safe: the verifier's threads report into it). */
    private static final class Found implements Verifier.Differences {
        final Map<String, List<String[]>> missing = new ConcurrentHashMap<>();
        final Map<String, List<String[]>> extra = new ConcurrentHashMap<>();
        final Map<String, List<String[]>> changed = new ConcurrentHashMap<>();

        private static void add(Map<String, List<String[]>> m, TablePlan t, String[] key) {
            m.computeIfAbsent(t.source().name(), k -> Collections.synchronizedList(new ArrayList<>())).add(key);
        }

        @Override
        public void missing(TablePlan table, String[] key) {
            add(missing, table, key);
        }

        @Override
        public void extra(TablePlan table, String[] key) {
            add(extra, table, key);
        }

        @Override
        public void changed(TablePlan table, String[] key) {
            add(changed, table, key);
        }

        List<String[]> of(Map<String, List<String[]>> m, TablePlan t) {
            return m.getOrDefault(t.source().name(), List.of());
        }
    }

    /**
     * Runs the phase. {@code listener}: the progress of the comparisons and of the copy, as the migration reports it.
     *
     * @throws CutoverPhaseException the conversion plan is not the certified one; MySQL is writable though {@link Options#requireReadOnly()}; rows still differ after
     *                               the last pass (naming tables and keys); a statement refused by a constraint in every
     *                               order (naming the table and the constraint's message); nothing of that pass was applied
     * @throws io.bascule.migration.UncarriableValueException a changed row holds a value PostgreSQL cannot hold (the
     *                               GOLD copy would have refused it too); nothing of that pass was applied
     * @throws DatabaseException     a query failed (naming the server); nothing of that pass was applied
     * @throws GoldCertificate.InvalidCertificateException the work directory holds no valid GOLD certificate
     */
    public Result run(boolean dryRun, Consumer<Progress.Snapshot> listener) {
        long t0 = System.nanoTime();
        GoldCertificate certificate = migration.readCertificate();
        ConversionPlan fullPlan = migration.loadPlan();
        List<TablePlan> tables = CutoverFiles.certifiedTables(fullPlan, certificate);
        ConversionPlan plan = CutoverFiles.planOf(fullPlan, tables);
        List<CheckLine> lines = new ArrayList<>();
        MySqlReadOnly.ReadOnlyState state = readOnlyState();
        if (state.readOnly()) {
            lines.add(CheckLine.ok("MySQL is read-only (" + describe(state) + "): no row can change while the delta is carried"));
        } else if (deltaOptions.requireReadOnly() && !dryRun) {
            throw new CutoverPhaseException("MySQL is writable (" + describe(state) + "): the final delta runs inside the write"
                    + " freeze, else rows written while it runs would be missed; freeze MySQL first (Phase 2)");
        } else {
            lines.add(CheckLine.warning("MySQL is writable (" + describe(state) + "): rows written while the delta runs may be missed"));
        }
        if (dryRun) {
            lines.addAll(privilegeChecks(tables));
        }
        Map<String, long[]> counts = new LinkedHashMap<>();   // table -> inserted, updated, deleted
        Map<String, Double> seconds = new LinkedHashMap<>();
        Map<String, Set<String>> samples = new LinkedHashMap<>();
        Set<String> copiedWhole = new HashSet<>();
        List<String> identities = List.of();
        for (int pass = 1; ; pass++) {
            Found found = new Found();
            Verifier.Result compared;
            try (Progress progress = new Progress(pass == 1 ? "final delta: compare" : "final delta: verify",
                    expected(tables), listener, options.progressInterval())) {
                compared = new Verifier(source, target, options).verify(plan, progress, found);
            }
            List<TablePlan> differing = tables.stream().filter(t -> !result(compared, t).matches()).toList();
            if (differing.isEmpty()) {
                if (!dryRun) {
                    identities = advanceIdentities(tables);
                }
                return finish(dryRun, counts, seconds, samples, copiedWhole, pass, dryRun ? null : compared,
                        compared, identities, lines, t0);
            }
            if (dryRun) {
                for (TablePlan t : differing) {
                    Verifier.TableResult r = result(compared, t);
                    counts.put(t.source().name(), new long[]{r.missing(), r.changed(), r.extra()});
                    samples.put(t.source().name(), sampleOf(r));
                    if (!t.source().hasPrimaryKey()) {
                        copiedWhole.add(t.source().name());
                    }
                }
                return finish(true, counts, seconds, samples, copiedWhole, 1, null, compared, List.of(), lines, t0);
            }
            if (pass > deltaOptions.maxPasses()) {
                List<String> still = differing.stream().map(t -> result(compared, t).summary()).toList();
                lines.add(CheckLine.failed("rows still differ after " + deltaOptions.maxPasses() + " pass(es) of the final delta: "
                        + String.join("; ", still)));
                throw new CutoverPhaseException("the final delta did not make PostgreSQL identical to MySQL: "
                        + String.join("; ", still) + " (MySQL not frozen? a trigger or a cascade on PostgreSQL?); the"
                        + " cutover must not switch", lines);
            }
            log.info("final delta, pass {}: {} table(s) differ: {}", pass, differing.size(),
                    differing.stream().map(t -> result(compared, t).summary()).toList());
            identities = apply(plan, tables, differing, compared, found, counts, seconds, samples, copiedWhole, listener);
        }
    }

    private static String describe(MySqlReadOnly.ReadOnlyState state) {
        return "read_only " + (state.readOnly() ? "ON" : "OFF")
                + (state.superReadOnly() == null ? "" : ", super_read_only " + (state.superReadOnly() ? "ON" : "OFF"));
    }

    private MySqlReadOnly.ReadOnlyState readOnlyState() {
        try (Connection c = source.open()) {
            return mysql.readOnlyState(c);
        } catch (SQLException e) {
            throw source.failure("reading read_only", e);
        }
    }

    /** The dry run's checks of what carrying the delta needs on PostgreSQL. */
    private List<CheckLine> privilegeChecks(List<TablePlan> tables) {
        List<CheckLine> lines = new ArrayList<>();
        try (Connection c = target.open()) {
            String user = pg.sessionLogin(c).sessionUser();
            lines.add(pg.mayCreateTemporaryTables(c)
                    ? CheckLine.ok("PostgreSQL: login '" + user + "' may create the temporary staging tables")
                    : CheckLine.failed("PostgreSQL: login '" + user + "' may not create temporary tables, which the final"
                    + " delta stages its rows in: GRANT TEMPORARY ON DATABASE " + PostgresDialect.quote(target.databaseName())
                    + " TO " + PostgresDialect.quote(user)));
            List<String> notOwned = new ArrayList<>();
            for (TablePlan t : tables) {
                if (!pg.firingUserTriggers(c, options.targetSchema(), t.targetName()).isEmpty()
                        && !pg.ownsTable(c, options.targetSchema(), t.targetName())) {
                    notOwned.add(t.targetName());
                }
            }
            if (!notOwned.isEmpty()) {
                lines.add(CheckLine.failed("PostgreSQL: login '" + user + "' does not own " + notOwned + ", whose triggers"
                        + " the final delta turns off while it writes: run it as the tables' owner (the login of the migration)"));
            }
        } catch (SQLException e) {
            throw target.failure("checking the privileges of the final delta", e);
        }
        return lines;
    }

    private static Verifier.TableResult result(Verifier.Result r, TablePlan t) {
        return r.tables().stream().filter(x -> x.table().equals(t.source().name())).findFirst()
                .orElseThrow(() -> new IllegalStateException("the verification has no result for " + t.source().name()));
    }

    private static Set<String> sampleOf(Verifier.TableResult r) {
        Set<String> s = new LinkedHashSet<>();
        r.missingKeys().forEach(k -> s.add("+" + k));
        r.changedKeys().forEach(k -> s.add("~" + k));
        r.extraKeys().forEach(k -> s.add("-" + k));
        return s;
    }

    private static Map<String, Long> expected(List<TablePlan> tables) {
        Map<String, Long> m = new LinkedHashMap<>();
        tables.forEach(t -> m.put(t.source().name(), t.source().estimatedRows()));
        return m;
    }

    private Result finish(boolean dryRun, Map<String, long[]> counts, Map<String, Double> seconds,
                          Map<String, Set<String>> samples, Set<String> copiedWhole, int passes,
                          Verifier.Result verification, Verifier.Result found, List<String> identities,
                          List<CheckLine> lines, long t0) {
        List<TableDelta> tables = new ArrayList<>();
        counts.forEach((t, c) -> tables.add(new TableDelta(t, c[0], c[1], c[2], seconds.getOrDefault(t, 0.0),
                copiedWhole.contains(t), List.copyOf(samples.getOrDefault(t, Set.of())).subList(0,
                Math.min(10, samples.getOrDefault(t, Set.of()).size())))));
        if (tables.isEmpty()) {
            lines.add(CheckLine.ok((dryRun ? "dry run: " : "") + "no row changed on MySQL since the GOLD copy: nothing "
                    + (dryRun ? "would be" : "was") + " carried"));
        }
        tables.forEach(t -> lines.add(CheckLine.ok(t.line(dryRun))));
        identities.forEach(i -> lines.add(CheckLine.ok(i)));
        if (verification != null) {
            lines.add(CheckLine.ok(String.format("verification: %d tables identical on both sides (%,d rows, every row"
                    + " compared by checksum)", verification.tables().size(), verification.rows())));
        }
        Result r = new Result(dryRun, List.copyOf(tables), passes, verification, found, List.copyOf(identities),
                List.copyOf(lines), CutoverFiles.seconds(t0));
        lines.forEach(l -> log.info("final delta: {}", l.render()));
        log.info(r.summary());
        return r;
    }

    /** A statement of a pass, run under a savepoint; refused by a constraint, it waits for the others. */
    private record Step(TablePlan table, String what, Work work) {
    }

    private interface Work {
        long run(Connection c) throws SQLException;
    }

    /**
     * One pass: stages the rows and keys, runs the statements in one transaction, moves the identities; returns the
     * identity lines.
     */
    private List<String> apply(ConversionPlan plan, List<TablePlan> all, List<TablePlan> differing, Verifier.Result compared,
                               Found found, Map<String, long[]> counts, Map<String, Double> seconds,
                               Map<String, Set<String>> samples, Set<String> copiedWhole,
                               Consumer<Progress.Snapshot> listener) {
        String schema = options.targetSchema();
        List<TablePlan> parentsFirst = parentsFirst(differing);
        Map<String, Long> expectedRows = new LinkedHashMap<>();
        for (TablePlan t : parentsFirst) {
            Verifier.TableResult r = result(compared, t);
            expectedRows.put(t.source().name(), t.source().hasPrimaryKey() ? r.missing() + r.changed() + r.extra() : r.sourceRows());
        }
        Map<String, Long> nanos = new LinkedHashMap<>();
        try (Progress progress = new Progress("final delta: copy", expectedRows, listener, options.progressInterval());
             Connection my = source.open(); Connection c = target.open()) {
            c.setAutoCommit(false);
            try {
                List<Step> upserts = new ArrayList<>();
                List<Step> deletes = new ArrayList<>();
                Map<TablePlan, List<PostgresDialect.FiringTrigger>> triggers = new LinkedHashMap<>();
                int n = 0;
                for (TablePlan t : parentsFirst) {
                    long start = System.nanoTime();
                    n++;
                    String name = t.source().name();
                    samples.computeIfAbsent(name, k -> new LinkedHashSet<>()).addAll(sampleOf(result(compared, t)));
                    triggers.put(t, pg.firingUserTriggers(c, schema, t.targetName()));
                    if (!t.source().hasPrimaryKey()) {
                        Verifier.TableResult r = result(compared, t);
                        copiedWhole.add(name);
                        upserts.add(new Step(t, "copy again whole", conn -> {
                            long deleted = PostgresDialect.update(conn, PostgresDialect.deleteAllSql(schema, t.targetName()));
                            long copied = copyWhole(my, conn, t);
                            progress.addRows(name, copied, 0);
                            add(counts, name, r.missing(), 0, r.extra());
                            log.info("{} (no primary key) copied again whole: {} rows out, {} in", name, deleted, copied);
                            return copied;
                        }));
                    } else {
                        List<String[]> missing = found.of(found.missing, t);
                        List<String[]> changed = found.of(found.changed, t);
                        List<String[]> extra = found.of(found.extra, t);
                        if (!missing.isEmpty() || !changed.isEmpty()) {
                            String staging = "bascule_delta_" + n;
                            List<String[]> keys = new ArrayList<>(changed);
                            keys.addAll(missing);
                            long staged = stage(my, c, t, staging, keys);
                            progress.addRows(name, staged, 0);
                            String update = PostgresDialect.updateFromStagingSql(schema, t, staging);
                            if (update != null && !changed.isEmpty()) {
                                upserts.add(new Step(t, "update", conn -> {
                                    long u = PostgresDialect.update(conn, update);
                                    add(counts, name, 0, u, 0);
                                    return u;
                                }));
                            }
                            String insert = PostgresDialect.insertFromStagingSql(schema, t, staging);
                            upserts.add(new Step(t, "insert", conn -> {
                                long i = PostgresDialect.update(conn, insert);
                                add(counts, name, i, 0, 0);
                                return i;
                            }));
                        }
                        if (!extra.isEmpty()) {
                            String keyTable = "bascule_gone_" + n;
                            int width = t.keyColumns().size();
                            pg.executeStatement(c, PostgresDialect.createKeyTableSql(keyTable, width), "staging the keys of " + name);
                            for (int from = 0; from < extra.size(); from += KEYS_PER_STATEMENT) {
                                pg.insertKeys(c, keyTable, extra.subList(from, Math.min(extra.size(), from + KEYS_PER_STATEMENT)), width);
                            }
                            progress.addRows(name, extra.size(), 0);
                            String delete = PostgresDialect.deleteByCanonicalKeysSql(schema, t, keyTable);
                            deletes.add(0, new Step(t, "delete", conn -> {   // children first: the reverse order
                                long d = PostgresDialect.update(conn, delete);
                                add(counts, name, 0, 0, d);
                                return d;
                            }));
                        }
                    }
                    nanos.merge(name, System.nanoTime() - start, Long::sum);
                }
                triggers.forEach((t, list) -> list.forEach(tr -> pg.executeStatement(c,
                        PostgresDialect.disableTriggerSql(schema, t.targetName(), tr.name()),
                        "turning trigger " + tr.name() + " of " + t.targetName() + " off for the final delta (needs the table's owner)")));
                List<Step> steps = new ArrayList<>(upserts);
                steps.addAll(deletes);
                runSteps(c, steps, nanos);
                triggers.forEach((t, list) -> list.forEach(tr -> pg.executeStatement(c,
                        PostgresDialect.enableTriggerSql(schema, t.targetName(), tr),
                        "turning trigger " + tr.name() + " of " + t.targetName() + " on again")));
                List<String> identities = advanceIdentities(c, my, all);
                c.commit();
                nanos.forEach((t, ns) -> seconds.merge(t, Math.round(ns / 1e7) / 100.0, Double::sum));
                return identities;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException again) {
                    e.addSuppressed(again);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw target.failure("carrying the final delta", e);
        }
    }

    private static void add(Map<String, long[]> counts, String table, long inserted, long updated, long deleted) {
        long[] c = counts.computeIfAbsent(table, k -> new long[3]);
        c[0] += inserted;
        c[1] += updated;
        c[2] += deleted;
    }

    /**
     * Runs the steps in order, each under a savepoint; a step refused by a constraint (SQLSTATE class 23) is rolled back
     * to its savepoint and tried again after the others, round after round while some step passes.
     */
    private void runSteps(Connection c, List<Step> steps, Map<String, Long> nanos) throws SQLException {
        List<Step> pending = new ArrayList<>(steps);
        Map<Step, SQLException> refused = new LinkedHashMap<>();
        while (!pending.isEmpty()) {
            List<Step> next = new ArrayList<>();
            refused.clear();
            for (Step s : pending) {
                long start = System.nanoTime();
                Savepoint sp = c.setSavepoint();
                try {
                    s.work().run(c);
                    c.releaseSavepoint(sp);
                } catch (SQLException e) {
                    c.rollback(sp);
                    if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
                        throw new DatabaseException(DatabaseException.classify(e), "the final delta's " + s.what() + " of "
                                + s.table().source().name() + " failed on the target database " + target.redactedUrl() + ": "
                                + firstLine(e) + "; nothing of this pass was applied", target.redactedUrl(), e);
                    }
                    refused.put(s, e);
                    next.add(s);
                    log.info("final delta: the {} of {} waits for the other statements ({})", s.what(),
                            s.table().source().name(), firstLine(e));
                } finally {
                    nanos.merge(s.table().source().name(), System.nanoTime() - start, Long::sum);
                }
            }
            if (next.size() == pending.size()) {
                List<String> why = new ArrayList<>();
                refused.forEach((s, e) -> why.add(s.what() + " of " + s.table().source().name() + ": " + firstLine(e)));
                throw new CutoverPhaseException("the final delta cannot write its rows into PostgreSQL in any order, a"
                        + " constraint refuses them: " + String.join("; ", why) + "; nothing of this pass was applied"
                        + " (compare the constraint with MySQL's)");
            }
            pending = next;
        }
    }

    private static String firstLine(SQLException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m).strip();
    }

    /** Copies the MySQL rows of the keys into a new staging table; returns the rows staged. */
    private long stage(Connection my, Connection c, TablePlan t, String staging, List<String[]> keys) throws SQLException {
        String schema = options.targetSchema();
        pg.executeStatement(c, PostgresDialect.createStagingTableSql(schema, t.targetName(), staging),
                "creating the staging table of " + t.targetName());
        CopyIn copy = pg.copyIntoStaging(c, staging, t, RowCopy.binary(t));
        RowCopy rows = new RowCopy(t, copy);
        try {
            for (int from = 0; from < keys.size(); from += deltaOptions.keysPerQuery()) {
                List<String[]> batch = keys.subList(from, Math.min(keys.size(), from + deltaOptions.keysPerQuery()));
                try (MySqlDialect.RowStream stream = mysql.rowsByKeys(my, t, batch)) {
                    rows.add(stream.rows());
                }
            }
            return rows.finish();
        } catch (SQLException | RuntimeException e) {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
            throw e;
        }
    }

    /** Copies every MySQL row of a table without primary key into it (emptied first). */
    private long copyWhole(Connection my, Connection c, TablePlan t) throws SQLException {
        CopyIn copy = pg.copyIn(c, options.targetSchema(), t, RowCopy.binary(t));
        RowCopy rows = new RowCopy(t, copy);
        try (MySqlDialect.RowStream stream = mysql.streamRows(my, t, KeyRange.WHOLE, null, false)) {
            rows.add(stream.rows());
            return rows.finish();
        } catch (SQLException | RuntimeException e) {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
            throw e;
        }
    }

    /** The identities moved past the largest id and MySQL's AUTO_INCREMENT, in its own transaction. */
    private List<String> advanceIdentities(List<TablePlan> tables) {
        if (tables.stream().flatMap(t -> t.columns().stream()).noneMatch(ColumnMapping::identity)) {
            return List.of();
        }
        try (Connection my = source.open(); Connection c = target.open()) {
            c.setAutoCommit(false);
            List<String> lines = advanceIdentities(c, my, tables);
            c.commit();
            return lines;
        } catch (SQLException e) {
            throw target.failure("moving the identities", e);
        }
    }

    private List<String> advanceIdentities(Connection c, Connection my, List<TablePlan> tables) {
        List<String> lines = new ArrayList<>();
        for (TablePlan t : tables) {
            for (ColumnMapping col : t.columns()) {
                if (col.identity()) {
                    BigInteger auto = mysql.autoIncrement(my, t.source().name());
                    BigInteger next = pg.advanceIdentity(c, options.targetSchema(), t.targetName(), col.targetName(), auto);
                    if (next != null) {
                        lines.add("identity " + t.targetName() + "." + col.targetName() + " hands out " + next + " next"
                                + (auto == null ? "" : " (MySQL's AUTO_INCREMENT: " + auto + ")"));
                    }
                }
            }
        }
        return lines;
    }

    /**
     * The tables ordered so that a table comes after the tables its foreign keys reference (among these); a cycle is
     * broken where it closes (the savepoint retries then find the order that passes).
     */
    static List<TablePlan> parentsFirst(List<TablePlan> tables) {
        Map<String, TablePlan> byName = new LinkedHashMap<>();
        tables.forEach(t -> byName.put(t.source().name(), t));
        List<TablePlan> out = new ArrayList<>();
        Set<String> done = new HashSet<>();
        Set<String> visiting = new HashSet<>();
        for (TablePlan t : tables) {
            visit(t, byName, done, visiting, out);
        }
        return out;
    }

    private static void visit(TablePlan t, Map<String, TablePlan> byName, Set<String> done, Set<String> visiting,
                              List<TablePlan> out) {
        String name = t.source().name();
        if (done.contains(name) || !visiting.add(name)) {
            return;
        }
        for (SourceSchema.ForeignKey fk : t.source().foreignKeys()) {
            TablePlan parent = byName.get(fk.referencedTable());
            if (parent != null && parent != t) {
                visit(parent, byName, done, visiting, out);
            }
        }
        visiting.remove(name);
        done.add(name);
        out.add(t);
    }
}
