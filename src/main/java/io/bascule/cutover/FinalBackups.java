package io.bascule.cutover;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.migration.GoldCertificate;
import io.bascule.migration.MigrationOptions;
import io.bascule.migration.MigrationService;
import io.bascule.rollback.ForensicBackup;
import io.bascule.schema.TablePlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Phase 4 of the cutover: logical backups of both databases' certified tables, side by side, into
 * {@code <work-dir>/cutover/backup-<time>/}: {@code mysql/} by {@link MySqlDump} (Java, one consistent snapshot,
 * LOAD DATA format with the CREATE TABLE statements) and {@code postgresql/} by the rollback's {@link ForensicBackup}
 * (COPY text format, one snapshot), each with its manifest of rows, sizes and SHA-256, and a {@code manifest.json}
 * over both. Both sides are written at the same time (two servers, two threads); the seconds measured are what the
 * phase adds to the write freeze when it runs inside it. The dry run estimates the size, checks the free space, the
 * directory and the logins' read access, and writes nothing.
 */
public final class FinalBackups {

    private static final Logger log = LoggerFactory.getLogger(FinalBackups.class);
    static final String MANIFEST = "manifest.json";
    static final String MYSQL_DIR = "mysql";
    static final String POSTGRES_DIR = "postgresql";

    private final DatabaseEndpoint source;
    private final DatabaseEndpoint target;
    private final MigrationOptions options;
    private final Path workDir;
    private final MigrationService migration;

    /**
     * @param source  the MySQL/MariaDB database (a login with SELECT on the tables)
     * @param target  the PostgreSQL database (a login with SELECT on the migrated tables)
     * @param options the migration's options (target schema)
     * @param workDir the work directory: the certificate names the tables, the backup goes into its cutover folder
     */
    public FinalBackups(DatabaseEndpoint source, DatabaseEndpoint target, MigrationOptions options, Path workDir) {
        this.source = source;
        this.target = target;
        this.options = options;
        this.workDir = workDir;
        this.migration = new MigrationService(source, target, options, workDir);
    }

    /** One side's backup: its directory, tables, rows, bytes written (compressed), its manifest's SHA-256, seconds. */
    public record Part(String engine, Path directory, int tables, long rows, long bytes, String manifestSha256,
                       double seconds) {
        String line() {
            return String.format("%s backup: %d tables, %,d rows, %,d bytes in %s (manifest SHA-256 %s) in %.2f s", engine,
                    tables, rows, bytes, directory, manifestSha256, seconds);
        }
    }

    /**
     * What the phase did: the backup's directory, both parts (null in a dry run), the dry run's estimate and the free
     * space (bytes; -1 unknown), the lines, and the seconds the whole phase took (both sides at once).
     */
    public record Result(boolean dryRun, Path directory, Part mysql, Part postgres, long estimatedBytes, long freeBytes,
                         List<CheckLine> lines, double seconds) {
        public boolean ok() {
            return lines.stream().noneMatch(CheckLine::failed);
        }

        public List<String> problems() {
            return lines.stream().filter(CheckLine::failed).map(CheckLine::text).toList();
        }

        public long bytes() {
            return (mysql == null ? 0 : mysql.bytes()) + (postgres == null ? 0 : postgres.bytes());
        }

        public String summary() {
            if (!ok()) {
                return "the final backups cannot be written: " + String.join("; ", problems());
            }
            return dryRun ? String.format("dry run: the final backups would take about %,d bytes (%,d free) in %s",
                    estimatedBytes, freeBytes, directory)
                    : String.format("final backups written to %s in %.2f s: MySQL %,d rows / %,d bytes, PostgreSQL %,d rows"
                    + " / %,d bytes", directory, seconds, mysql.rows(), mysql.bytes(), postgres.rows(), postgres.bytes());
        }

        public Result requireOk() {
            if (!ok()) {
                throw new CutoverPhaseException(summary(), lines);
            }
            return this;
        }
    }

    /**
     * Writes both backups, or with {@code dryRun} only checks that they can be written.
     *
     * @param progress one line per table written (from both sides' threads, one at a time)
     * @throws io.bascule.config.ConfigException the backup directory exists and is not empty
     * @throws io.bascule.database.DatabaseException a table could not be read (what was written is removed)
     * @throws UncheckedIOException the files could not be written (what was written is removed)
     * @throws GoldCertificate.InvalidCertificateException the work directory holds no valid GOLD certificate
     * @throws CutoverPhaseException the conversion plan is not the certified one
     */
    public Result run(boolean dryRun, Consumer<String> progress) {
        long t0 = System.nanoTime();
        GoldCertificate certificate = migration.readCertificate();
        List<TablePlan> tables = CutoverFiles.certifiedTables(migration.loadPlan(), certificate);
        Instant at = Instant.now();
        Path dir = backupDir(at);
        MySqlDump dump = new MySqlDump(source, tables, dir.resolve(MYSQL_DIR));
        ForensicBackup pgBackup = new ForensicBackup(target, options.targetSchema(),
                tables.stream().map(TablePlan::targetName).toList(), dir.resolve(POSTGRES_DIR));
        return dryRun ? dryRun(dir, tables.size(), dump, pgBackup, t0) : write(dir, at, dump, pgBackup, progress, t0);
    }

    /** {@code <work-dir>/cutover/backup-<time>}, with a suffix when that name is taken. */
    private Path backupDir(Instant at) {
        Path base = CutoverFiles.cutoverDir(workDir).resolve("backup-" + CutoverFiles.stamp(at));
        Path dir = base;
        for (int i = 2; Files.exists(dir); i++) {
            dir = base.resolveSibling(base.getFileName() + "-" + i);
        }
        return dir;
    }

    private Result dryRun(Path dir, int tableCount, MySqlDump dump, ForensicBackup pgBackup, long t0) {
        List<CheckLine> lines = new ArrayList<>();
        MySqlDump.DryRun my = dump.dryRun();
        ForensicBackup.DryRun pgd = pgBackup.dryRun();
        my.problems().forEach(p -> lines.add(CheckLine.failed("MySQL backup: " + p)));
        // ForensicBackup compares its own estimate with the free space; both sides together are compared below
        pgd.problems().stream().filter(p -> !p.contains("bytes free")).forEach(p -> lines.add(CheckLine.failed("PostgreSQL backup: " + p)));
        long estimate = my.estimatedBytes() + pgd.estimatedBytes();
        long free = CutoverFiles.freeBytes(dir);
        if (my.ok()) {
            lines.add(CheckLine.ok(String.format("MySQL backup: %d tables readable, ~%,d rows, ~%,d bytes of data",
                    tableCount, my.estimatedRows(), my.estimatedBytes())));
        }
        if (pgd.problems().stream().allMatch(p -> p.contains("bytes free"))) {
            lines.add(CheckLine.ok(String.format("PostgreSQL backup: %d tables readable, ~%,d rows, ~%,d bytes on disk",
                    pgd.tables().size(), pgd.estimatedRows(), pgd.estimatedBytes())));
        }
        if (free >= 0 && free < estimate) {
            lines.add(CheckLine.failed(String.format("the backups may take ~%,d bytes and %s has %,d bytes free: free"
                    + " space there or choose another --work-dir", estimate, CutoverFiles.nearestExisting(dir), free)));
        } else {
            lines.add(CheckLine.ok(String.format("disk space: ~%,d bytes needed (the tables' size; gzip writes less),"
                    + " %s free in %s", estimate, free < 0 ? "unknown" : String.format("%,d bytes", free),
                    CutoverFiles.nearestExisting(dir))));
        }
        lines.forEach(l -> log.info("final backups (dry run): {}", l.render()));
        return new Result(true, dir, null, null, estimate, free, List.copyOf(lines), CutoverFiles.seconds(t0));
    }

    private Result write(Path dir, Instant at, MySqlDump dump, ForensicBackup pgBackup, Consumer<String> progress, long t0) {
        Consumer<String> safe = line -> {
            synchronized (progress) {
                progress.accept(line);
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread th = new Thread(r, "bascule-final-backup");
            th.setDaemon(true);
            return th;
        });
        boolean created = !Files.exists(dir);
        try {
            CutoverFiles.createOwnerOnlyDirectory(dir);
            Future<MySqlDump.Result> my = pool.submit(() -> dump.write(safe));
            Future<ForensicBackup.Result> pgr = pool.submit(() -> pgBackup.write(line -> safe.accept("PostgreSQL " + line)));
            MySqlDump.Result myResult = null;
            ForensicBackup.Result pgResult = null;
            RuntimeException failure = null;
            try {
                myResult = my.get();
            } catch (ExecutionException e) {
                failure = unwrap(e);
            }
            try {
                pgResult = pgr.get();
            } catch (ExecutionException e) {
                RuntimeException again = unwrap(e);
                if (failure == null) {
                    failure = again;
                } else {
                    failure.addSuppressed(again);
                }
            }
            if (failure != null) {
                removeAll(dir, created);
                throw failure;
            }
            Part mysql = new Part("MySQL", myResult.directory(), myResult.tables().size(), myResult.totalRows(),
                    myResult.totalBytes(), myResult.manifestSha256(), myResult.seconds());
            Part postgres = new Part("PostgreSQL", pgResult.directory(), pgResult.tables().size(), pgResult.totalRows(),
                    pgResult.totalBytes(), pgResult.manifestSha256(), pgResult.seconds());
            double seconds = CutoverFiles.seconds(t0);
            writeManifest(dir, at, mysql, postgres, seconds);
            List<CheckLine> lines = List.of(CheckLine.ok(mysql.line()), CheckLine.ok(postgres.line()),
                    CheckLine.ok(String.format("final backups in %s: %,d bytes, %.2f s (both sides at once): the time this"
                            + " phase adds to the write freeze when it runs inside it", dir, mysql.bytes() + postgres.bytes(), seconds)));
            lines.forEach(l -> log.info("final backups: {}", l.render()));
            return new Result(false, dir, mysql, postgres, 0, CutoverFiles.freeBytes(dir), lines, seconds);
        } catch (IOException e) {
            removeAll(dir, created);
            throw new UncheckedIOException("cannot write the final backups into " + dir + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the final backups were interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static RuntimeException unwrap(ExecutionException e) {
        return e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }

    private void writeManifest(Path dir, Instant at, Part mysql, Part postgres, double seconds) throws IOException {
        ObjectNode root = CutoverFiles.JSON.createObjectNode();
        root.put("created", Instant.now().toString());
        root.put("started", at.toString());
        root.put("seconds", seconds);
        for (Part p : List.of(mysql, postgres)) {
            ObjectNode n = root.putObject(p == mysql ? MYSQL_DIR : POSTGRES_DIR);
            n.put("directory", dir.relativize(p.directory()).toString());
            n.put("tables", p.tables());
            n.put("rows", p.rows());
            n.put("bytes", p.bytes());
            n.put("manifestSha256", p.manifestSha256());
            n.put("seconds", p.seconds());
        }
        Path file = dir.resolve(MANIFEST);
        CutoverFiles.createOwnerOnlyFile(file);
        Files.write(file, CutoverFiles.JSON.writeValueAsBytes(root), StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** Removes a failed backup's directory (each side removed its own files already). */
    private static void removeAll(Path dir, boolean created) {
        if (!created || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    log.warn("cannot remove {} of the failed backup: {}", p, e.toString());
                }
            });
        } catch (IOException e) {
            log.warn("cannot remove the failed backup {}: {}", dir, e.toString());
        }
    }
}
