package io.bascule.migration;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.bascule.config.ConfigException;
import io.bascule.database.ConnectionPool;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.DatabaseException;
import io.bascule.database.MySqlDialect;
import io.bascule.database.PostgresDialect;
import io.bascule.schema.ConversionPlan;
import io.bascule.schema.SourceSchema;
import io.bascule.schema.TablePlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The steps of the GOLD migration as plain calls (the process delegates and the tests use the same):
 * pre-flight, read the schema, plan, create tables, copy, build indexes and constraints, verify, certify.
 */
public final class MigrationService {

    private static final Logger log = LoggerFactory.getLogger(MigrationService.class);
    public static final String PLAN_FILE = "conversion-plan.json";
    public static final String PLAN_TEXT = "conversion-plan.txt";
    public static final String CERTIFICATE_FILE = "gold-certificate.json";
    public static final String VERIFICATION_FILE = "verification-report.json";
    public static final String NULLABLE_FILE = "date-columns-left-nullable.json";

    static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT)
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private final DatabaseEndpoint source;
    private final DatabaseEndpoint target;
    private final MigrationOptions options;
    private final Path workDir;

    public MigrationService(DatabaseEndpoint source, DatabaseEndpoint target, MigrationOptions options, Path workDir) {
        this.source = source;
        this.target = target;
        this.options = options;
        this.workDir = workDir;
    }

    public MigrationOptions options() {
        return options;
    }

    public PreflightReport preflight() {
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String sourceVersion;
        String targetVersion;
        String database = source.databaseName();
        try (Connection src = source.open()) {
            MySqlDialect dialect = new MySqlDialect(source);
            sourceVersion = dialect.version(src);
            if (!dialect.schemaExists(src, database)) {
                throw new ConfigException("the source server has no database '" + database + "'; check the name in --source-url");
            }
            SourceSchema schema = dialect.readSchema(src, database);
            for (SourceSchema.Table t : schema.tables()) {
                String refusal = dialect.readRefusal(src, t.name());
                if (refusal != null) {
                    problems.add("cannot read table " + t.name() + " as user '" + source.user() + "' (" + refusal
                            + "); GRANT SELECT ON " + MySqlDialect.quote(database) + ".* TO that user");
                }
                if (!t.hasPrimaryKey()) {
                    notes.add("table " + t.name() + " has no primary key: copied in one transaction, verified as a multiset");
                }
            }
            grantCheck(dialect, src, database, notes, problems);
            if (schema.tables().isEmpty()) {
                problems.add("the source database '" + database + "' has no table; check --source-url");
            }
            List<String> charsets = dialect.charsets(src, database);
            notes.add("source character sets: " + charsets + " (all carried as UTF-8 text)");
            String[] binlog = dialect.binlogSettings(src);
            boolean binlogOn = "1".equals(binlog[0]) || "ON".equalsIgnoreCase(binlog[0]);
            if (!binlogOn || !"ROW".equalsIgnoreCase(binlog[1])) {
                notes.add("binary log: log_bin=" + binlog[0] + ", binlog_format=" + binlog[1]
                        + "; the cutover's change capture needs log_bin=ON and binlog_format=ROW");
            } else {
                notes.add("binary log: on, ROW format (ready for change capture)");
            }
            long bytes = schema.tables().stream().mapToLong(SourceSchema.Table::dataBytes).sum();
            notes.add(String.format("source data: ~%,d MB in %d tables; plan about as much free space on the target",
                    bytes / 1_000_000, schema.tables().size()));
        } catch (SQLException e) {
            throw source.failure("pre-flight", e);
        }
        try (Connection tgt = target.open()) {
            PostgresDialect pg = new PostgresDialect(target);
            targetVersion = pg.version(tgt);
            String encoding = pg.encoding(tgt);
            if (!"UTF8".equalsIgnoreCase(encoding)) {
                problems.add("the target database uses encoding " + encoding + "; create it WITH ENCODING 'UTF8'");
            }
            String nameProblem = PostgresDialect.schemaNameProblem(options.targetSchema());
            if (nameProblem != null) {
                problems.add(nameProblem);
            } else if (!pg.schemaExists(tgt, options.targetSchema())) {
                // created with the tables, once the plan (which says so) is approved
                if (options.targetSchema().startsWith("pg_")) {
                    problems.add("the target database has no schema '" + options.targetSchema() + "', and PostgreSQL reserves"
                            + " names beginning with pg_ for system schemas: choose another with --target-schema");
                } else if (!pg.mayCreateSchemas(tgt)) {
                    problems.add("the target database has no schema '" + options.targetSchema() + "' and user '" + target.user()
                            + "' may not create it; GRANT CREATE ON DATABASE to that user, create it (CREATE SCHEMA "
                            + PostgresDialect.quote(options.targetSchema()) + " AUTHORIZATION " + PostgresDialect.quote(target.user())
                            + "), or choose another with --target-schema");
                } else {
                    notes.add("target schema " + PostgresDialect.quote(options.targetSchema()) + " does not exist: the"
                            + " conversion plan creates it after approval");
                }
            } else if (!pg.mayCreateIn(tgt, options.targetSchema())) {
                problems.add("user '" + target.user() + "' may not create tables in schema " + options.targetSchema()
                        + "; GRANT CREATE ON SCHEMA " + PostgresDialect.quote(options.targetSchema()) + " TO that user");
            }
            if (!pg.mayCreateSchemas(tgt) && !pg.schemaExists(tgt, MigrationOptions.STATE_SCHEMA)) {
                problems.add("user '" + target.user() + "' may not create the schema " + MigrationOptions.STATE_SCHEMA
                        + " that holds the copy checkpoints; GRANT CREATE ON DATABASE to that user");
            }
        } catch (SQLException e) {
            throw target.failure("pre-flight", e);
        }
        PreflightReport report = new PreflightReport(sourceVersion, targetVersion, problems, notes);
        log.info(report.render());
        return report;
    }

    /**
     * Tables a user may not read are invisible in information_schema, so a user with SELECT on some tables only
     * would silently migrate only those: the grants must cover the whole database.
     */
    private void grantCheck(MySqlDialect dialect, Connection src, String database, List<String> notes, List<String> problems) {
        List<String> grants;
        try {
            grants = dialect.grants(src);
        } catch (DatabaseException e) {
            notes.add("grants not checked (" + e.getMessage() + ")");
            return;
        }
        boolean whole = grants.stream().anyMatch(g -> coversDatabase(g, database));
        if (!whole) {
            problems.add("user '" + source.user() + "' has no SELECT on the whole database " + MySqlDialect.quote(database)
                    + ": tables it may not read are invisible and would not be migrated; GRANT SELECT ON "
                    + MySqlDialect.quote(database) + ".* TO that user");
        }
    }

    static boolean coversDatabase(String grant, String database) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)^GRANT (.+?) ON (\\*|`([^`]+)`|(\\S+?))\\.\\* TO ").matcher(grant);
        if (!m.find()) {
            return false;
        }
        String privileges = m.group(1).toUpperCase();
        if (!privileges.contains("ALL PRIVILEGES") && !privileges.matches(".*\\bSELECT\\b.*")) {
            return false;
        }
        if ("*".equals(m.group(2))) {
            return true;
        }
        String pattern = m.group(3) != null ? m.group(3) : m.group(4);
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char ch = pattern.charAt(i);
            if (ch == '\\' && i + 1 < pattern.length()) {
                regex.append(java.util.regex.Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else if (ch == '%') {
                regex.append(".*");
            } else if (ch == '_') {
                regex.append('.');
            } else {
                regex.append(java.util.regex.Pattern.quote(String.valueOf(ch)));
            }
        }
        return database.matches(regex.toString());
    }

    public SourceSchema readSchema() {
        try (Connection src = source.open()) {
            return new MySqlDialect(source).readSchema(src, source.databaseName());
        } catch (SQLException e) {
            throw source.failure("reading the schema", e);
        }
    }

    public ConversionPlan plan(SourceSchema schema) {
        try (Connection src = source.open()) {
            ConversionPlan plan = new ConversionPlanner(source, options).plan(schema, src);
            if (!targetSchemaExists()) {
                plan = plan.creatingSchema();
            }
            savePlan(plan);
            return plan;
        } catch (SQLException e) {
            throw source.failure("planning the conversion", e);
        }
    }

    private boolean targetSchemaExists() {
        try (Connection tgt = target.open()) {
            return new PostgresDialect(target).schemaExists(tgt, options.targetSchema());
        } catch (SQLException e) {
            throw target.failure("looking up the target schema", e);
        }
    }

    public Path goldDir() {
        return workDir.resolve("gold");
    }

    private void savePlan(ConversionPlan plan) {
        try {
            Files.createDirectories(goldDir());
            writeAtomically(goldDir().resolve(PLAN_FILE), JSON.writeValueAsString(plan));
            writeAtomically(goldDir().resolve(PLAN_TEXT), plan.render());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the conversion plan in " + goldDir(), e);
        }
    }

    public ConversionPlan loadPlan() {
        Path file = goldDir().resolve(PLAN_FILE);
        try {
            return JSON.readValue(file.toFile(), ConversionPlan.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the conversion plan " + file, e);
        }
    }

    static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Creates the target tables. When an earlier run stopped before the end of its copy, its tables are kept (the
     * copy resumes); otherwise an existing non-empty table is refused unless dropExisting, and an existing empty one
     * is replaced. Everything is
     * checked before the first table is created.
     */
    public void createTables(ConversionPlan plan) {
        if (plan.hasErrors()) {
            throw new ConfigException("the conversion plan has errors; nothing was written: " + String.join("; ", plan.errors()));
        }
        String schema = options.targetSchema();
        PostgresDialect pg = new PostgresDialect(target);
        try (Connection tgt = target.open()) {
            if (!plan.createsSchema() && !pg.schemaExists(tgt, schema)) {
                throw new ConfigException("the target schema " + PostgresDialect.quote(schema) + " no longer exists (the"
                        + " reviewed plan expected it); nothing was written. Rerun migrate: its plan will create it");
            }
            pg.ensureStateTable(tgt);
            List<String> refused = new ArrayList<>();
            Map<TablePlan, String> action = new LinkedHashMap<>();
            // a run that stopped before its end (some range not done) is resumed: its tables are kept, finished or not
            boolean interrupted = false;
            for (TablePlan t : plan.tables()) {
                interrupted |= pg.hasUnfinishedCopy(tgt, schema, t.targetName());
            }
            for (TablePlan t : plan.tables()) {
                boolean exists = pg.tableExists(tgt, schema, t.targetName());
                boolean resumable = interrupted && !pg.checkpoints(tgt, schema, t.targetName()).isEmpty();
                if (!exists) {
                    action.put(t, "create");
                } else if (options.dropExisting()) {
                    action.put(t, "replace");
                } else if (resumable) {
                    action.put(t, "resume");
                } else if (pg.hasRows(tgt, schema, t.targetName())) {
                    refused.add(t.targetName());
                } else {
                    action.put(t, "replace");
                }
            }
            if (!refused.isEmpty()) {
                throw new ConfigException("target table(s) " + refused + " in schema " + schema + " already hold rows;"
                        + " nothing was written. Drop them, choose another --target-schema, or rerun with --drop-existing");
            }
            tgt.setAutoCommit(false);
            try {
                if (plan.createsSchema()) {
                    pg.createSchema(tgt, schema);
                    log.info("Schema {} created (the approved plan said so)", PostgresDialect.quote(schema));
                }
                for (Map.Entry<TablePlan, String> e : action.entrySet()) {
                    TablePlan t = e.getKey();
                    if (e.getValue().equals("resume")) {
                        log.info("Table {} kept: its copy resumes from the last committed chunk", t.targetName());
                        continue;
                    }
                    if (e.getValue().equals("replace")) {
                        pg.dropTable(tgt, schema, t.targetName());
                    }
                    pg.clearCheckpoints(tgt, schema, t.targetName());
                    pg.createTable(tgt, schema, t);
                }
                tgt.commit();
            } catch (SQLException | RuntimeException e) {
                tgt.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw target.failure("creating the tables", e);
        }
        retireCertificate();
    }

    /**
     * Moves the certificate of an earlier migration aside once this one has written to the target: it no longer
     * describes the target (the cutover must not read it), and this run writes a new one only if it verifies.
     */
    private void retireCertificate() {
        Path file = workDir.resolve(CERTIFICATE_FILE);
        if (!Files.exists(file)) {
            return;
        }
        Path aside = goldDir().resolve("superseded-" + Instant.now().toString().replace(':', '-') + "-" + CERTIFICATE_FILE);
        try {
            Files.createDirectories(goldDir());
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move the earlier GOLD certificate " + file + " aside (it no longer"
                    + " describes the target); move or delete it, then retry", e);
        }
        log.info("The earlier GOLD certificate no longer describes the target: moved to {}", aside);
    }


    public CopyEngine.Result copy(ConversionPlan plan, Consumer<Progress.Snapshot> listener) {
        return copy(plan, listener, true);
    }

    /** Copies the data; {@code checksums}: take the source rows' checksums for the verification on the way. */
    public CopyEngine.Result copy(ConversionPlan plan, Consumer<Progress.Snapshot> listener, boolean checksums) {
        try (Progress progress = new Progress("copy", expected(plan), listener, options.progressInterval())) {
            CopyEngine.Result r = new CopyEngine(source, target, options).copy(plan, progress, checksums);
            log.info("Copy finished: {} rows in {} s ({} zero dates written as NULL)",
                    r.rowsCopied().values().stream().mapToLong(Long::longValue).sum(), String.format("%.1f", r.seconds()), r.zeroDates());
            return r;
        }
    }

    private static Map<String, Long> expected(ConversionPlan plan) {
        Map<String, Long> m = new LinkedHashMap<>();
        plan.tables().forEach(t -> m.put(t.source().name(), t.source().estimatedRows()));
        return m;
    }

    /**
     * Runs the post-load DDL: primary keys and indexes of all tables in parallel, then constraints, identities and
     * triggers.
     * Statements whose object already exists (a rerun) are skipped.
     */
    public double buildConstraints(ConversionPlan plan) {
        long start = System.nanoTime();
        List<String> indexes = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        int primaryKeys = 0;
        // largest tables first, so that the last statements to start are short ones and the lanes end together
        List<TablePlan> bySize = new ArrayList<>(plan.tables());
        bySize.sort(java.util.Comparator.comparingLong((TablePlan t) -> t.source().estimatedRows()).reversed());
        for (TablePlan t : bySize) {
            for (String ddl : t.postLoadDdl()) {
                boolean index = ddl.startsWith("CREATE INDEX") || ddl.startsWith("CREATE UNIQUE INDEX");
                if (index) {
                    indexes.add(ddl);
                } else if (ddl.contains(" PRIMARY KEY USING INDEX ")) {
                    rest.add(primaryKeys++, ddl);   // before the foreign keys that reference them
                } else {
                    rest.add(ddl);
                }
            }
        }
        Map<String, Long> leftNullable = new java.util.concurrent.ConcurrentSkipListMap<>();
        ConnectionPool connections = new ConnectionPool(target, options.parallelism());
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, options.parallelism()));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (String ddl : indexes) {
                futures.add(pool.submit(() -> runDdl(connections, ddl)));
            }
            for (TablePlan t : bySize) {
                if (!t.notNullAfterLoad().isEmpty()) {
                    futures.add(pool.submit(() -> restoreNotNull(connections, t, leftNullable)));
                }
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
            rest.forEach(ddl -> runDdl(connections, ddl));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            pool.shutdownNow();
            connections.close();
        }
        try {
            Files.createDirectories(goldDir());
            writeAtomically(goldDir().resolve(NULLABLE_FILE), JSON.writeValueAsString(leftNullable));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + NULLABLE_FILE + " in " + goldDir(), e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        log.info("Indexes, constraints, sequences and triggers built: {} statements in {} s", indexes.size() + rest.size(),
                String.format("%.1f", seconds));
        return seconds;
    }

    /**
     * Sets NOT NULL on the date columns that were NOT NULL in the source, except where zero dates became NULL (one
     * scan of the table counts them); those stay nullable and are recorded for the certificate.
     */
    private void restoreNotNull(ConnectionPool connections, TablePlan t, Map<String, Long> leftNullable) {
        PostgresDialect pg = new PostgresDialect(target);
        String schema = options.targetSchema();
        List<String> columns = t.notNullAfterLoad();
        try {
            connections.with(tgt -> {
                // usually no zero date became NULL: then one ALTER (which scans the table itself) does it all
                if (pg.setNotNull(tgt, schema, t.targetName(), columns)) {
                    return null;
                }
                long[] nulls = pg.countNulls(tgt, schema, t.targetName(), columns);
                List<String> notNull = new ArrayList<>();
                for (int i = 0; i < columns.size(); i++) {
                    String col = columns.get(i);
                    if (nulls[i] == 0) {
                        notNull.add(col);
                    } else {
                        leftNullable.put(t.targetName() + "." + col, nulls[i]);
                        log.warn("{}.{}: {} zero dates became NULL; the column stays nullable", t.targetName(), col, nulls[i]);
                    }
                }
                if (!notNull.isEmpty() && !pg.setNotNull(tgt, schema, t.targetName(), notNull)) {
                    throw new IllegalStateException("NOT NULL on " + t.targetName() + " " + notNull + " refused after its NULLs were counted");
                }
                return null;
            });
        } catch (SQLException e) {
            throw target.failure("setting NOT NULL on " + t.targetName(), e);
        }
    }

    private void runDdl(ConnectionPool connections, String ddl) {
        PostgresDialect pg = new PostgresDialect(target);
        try {
            connections.with(tgt -> pg.runPostLoadDdl(tgt, ddl));
        } catch (SQLException e) {
            throw target.failure("building " + ddl, e);   // the work throws none: the dialect wraps its own
        }
    }

    /**
     * Compares every row of source and target. With {@code againstCopy}, the target is read back and compared
     * with the checksums of the source rows taken during the copy (a range that differs is then compared row by
     * row with the source); without, both engines are read again, as the {@code verify} command does.
     */
    public Verifier.Result verify(ConversionPlan plan, Consumer<Progress.Snapshot> listener, boolean againstCopy) {
        try (Progress progress = new Progress("verify", expected(plan), listener, options.progressInterval())) {
            Verifier.Result r;
            try {
                r = new Verifier(source, target, options).verify(plan, progress, againstCopy);
            } catch (RuntimeException e) {
                try {
                    restoreAutovacuum(plan);
                } catch (RuntimeException again) {
                    e.addSuppressed(again);
                }
                throw e;
            }
            restoreAutovacuum(plan);
            r.tables().forEach(t -> log.info(t.summary()));
            try {
                Files.createDirectories(goldDir());
                writeAtomically(goldDir().resolve(VERIFICATION_FILE), JSON.writeValueAsString(r));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the verification report in " + goldDir(), e);
            }
            return r;
        }
    }

    /**
     * Turns autovacuum back on for the plan's tables that Bascule created with it off (for the load and the
     * verification; see PostgresDialect.createTable). Tables whose setting someone changed since are left alone.
     */
    public void restoreAutovacuum(ConversionPlan plan) {
        PostgresDialect pg = new PostgresDialect(target);
        List<String> off;
        try (Connection tgt = target.open()) {
            off = pg.autovacuumOff(tgt, options.targetSchema(), plan.tables().stream().map(TablePlan::targetName).toList());
            for (String t : off) {
                pg.resetAutovacuum(tgt, options.targetSchema(), t);
            }
        } catch (SQLException e) {
            throw target.failure("turning autovacuum back on", e);
        }
        if (!off.isEmpty()) {
            log.info("Autovacuum on again for {} table(s) (off while they loaded)", off.size());
        }
    }

    public Verifier.Result verify(ConversionPlan plan, Consumer<Progress.Snapshot> listener) {
        return verify(plan, listener, false);
    }

    public Verifier.Result loadVerification() {
        Path file = goldDir().resolve(VERIFICATION_FILE);
        try {
            return JSON.readValue(file.toFile(), Verifier.Result.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the verification report " + file, e);
        }
    }

    /**
     * The GOLD certificate: written only for a verification where every row matched. {@code phaseSeconds}: the
     * seconds of the phases that ran, by their names in the certificate (copySeconds, constraintsSeconds,
     * verifySeconds).
     */
    public Path writeCertificate(ConversionPlan plan, String sourceVersion, String targetVersion,
                                 Verifier.Result verification, long zeroDates, Map<String, Double> phaseSeconds,
                                 Instant startedAt) {
        if (!verification.matches()) {
            throw new IllegalStateException("no GOLD certificate for a verification with differences");
        }
        for (String phase : phaseSeconds.keySet()) {
            if (!GoldCertificate.Timings.PHASES.contains(phase)) {
                throw new IllegalArgumentException("no phase " + phase + " in a GOLD certificate; known: " + GoldCertificate.Timings.PHASES);
            }
        }
        Instant now = Instant.now();
        List<GoldCertificate.TableEntry> tables = new ArrayList<>();
        for (Verifier.TableResult t : verification.tables()) {
            tables.add(new GoldCertificate.TableEntry(t.table(), plan.table(t.table()).targetName(), t.sourceRows(),
                    t.sourceChecksum(), t.chunks()));
        }
        GoldCertificate cert = new GoldCertificate(GoldCertificate.KIND, "bascule", toolVersion(), now,
                new GoldCertificate.Source(source.redactedUrl(), String.valueOf(sourceVersion), source.databaseName()),
                new GoldCertificate.Target(target.redactedUrl(), String.valueOf(targetVersion), options.targetSchema()),
                new GoldCertificate.Timings(startedAt, now, phaseSeconds.get("copySeconds"),
                        phaseSeconds.get("constraintsSeconds"), phaseSeconds.get("verifySeconds"),
                        round(Duration.between(startedAt, now).toMillis() / 1000.0)),
                List.copyOf(tables), verification.rows(), zeroDates, leftNullable(), plan.allWarnings(),
                plan.notConverted().stream().map(o -> o.kind() + " " + o.name()).toList());
        Path file = workDir.resolve(CERTIFICATE_FILE);
        cert.write(file);
        log.info("GOLD certificate written: {} ({} tables, {} rows)", file, tables.size(), verification.rows());
        return file;
    }

    /** The GOLD certificate of this work directory (what the cutover reads); see {@link GoldCertificate#read}. */
    /** The GOLD certificate of this work directory, or null when no verified migration wrote one (a damaged one is an error). */
    public GoldCertificate certificateIfAny() {
        return Files.exists(workDir.resolve(CERTIFICATE_FILE)) ? readCertificate() : null;
    }

    /** The conversion plan of this work directory, or null when no migration planned here. */
    public ConversionPlan planIfAny() {
        return Files.exists(goldDir().resolve(PLAN_FILE)) ? loadPlan() : null;
    }

    public GoldCertificate readCertificate() {
        return GoldCertificate.read(workDir.resolve(CERTIFICATE_FILE));
    }

    /** The NOT NULL date columns left nullable because zero dates became NULL, with their counts. */
    private Map<String, Long> leftNullable() {
        Path file = goldDir().resolve(NULLABLE_FILE);
        try {
            return Files.exists(file) ? JSON.readValue(file.toFile(), new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Long>>() { })
                    : Map.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    static String toolVersion() {
        String v = MigrationService.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }
}
