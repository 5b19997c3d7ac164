package io.bascule.platinum;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.bascule.backup.BackupFiles;
import io.bascule.cutover.MySqlDump;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.DatabaseException;
import io.bascule.database.MySqlDialect;
import io.bascule.database.MySqlReadOnly;
import io.bascule.migration.GoldCertificate;
import io.bascule.rollback.ReverseApplier;
import io.bascule.rollback.ReverseChannel;
import io.bascule.schema.ConversionPlan;
import io.bascule.schema.TablePlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * MySQL archived once PLATINUM is granted and a DBA decided so: the last step of the runbook {@code platinumReport}.
 * In this order, each part safe to run again (a retried step resumes, it does not archive twice):
 * <ol>
 * <li><b>MySQL still read-only?</b> A writable MySQL (someone lifted the freeze: the application may be writing to it
 * again) is a refusal ({@link Refused}): nothing is disarmed, written or stopped.</li>
 * <li><b>The reverse channel disarmed</b> as the rollback's disarm step does: the changes not yet carried back are
 * applied into MySQL first (drain), then the capture triggers, the change table and the position are removed. From
 * here on nothing changes MySQL any more, so the dump that follows is its final state (dumped before the disarm, the
 * changes the drain applies would be missing from it). There is no way back to MySQL after this step.</li>
 * <li><b>The final dump</b> of the migrated tables (those of the GOLD certificate, else every table of the conversion
 * plan) by {@link MySqlDump} into {@code <work-dir>/archive/mysql-<run>/mysql/}: one consistent snapshot, one gzip
 * file per table in LOAD DATA's format with its CREATE TABLE, a {@code manifest.json} and {@code SHA256SUMS}.</li>
 * <li><b>The checksums verified</b>: every file listed in {@code SHA256SUMS} read back and hashed again. The archive's
 * checksum is the SHA-256 of {@code SHA256SUMS} itself (which names every file's). {@code archive.json} next to the
 * dump records the run, the decision, the checksums and, at the end, what became of MySQL; it is written once the
 * dump is verified, so its presence tells a retried step that the dump is done (it is verified again, not redone). A
 * dump interrupted before (no {@code archive.json}) is removed and written again.</li>
 * <li><b>MySQL left read-only</b> (checked again: writable by then is a fault, an incident a DBA retries once it is
 * read-only again) or, with {@code bascule.platinum.stop-source}, <b>stopped</b> by the {@code SHUTDOWN} statement,
 * which needs the login's {@code SHUTDOWN} privilege: refused, the step fails naming the GRANT (an incident: grant it,
 * or stop the server by hand, then retry; the dump is not redone). A server already gone when the step is retried
 * after the dump counts as stopped.</li>
 * </ol>
 * A dry run checks the first point and that the tables are known, says what it would do and changes nothing.
 */
public final class SourceArchive {

    private static final Logger log = LoggerFactory.getLogger(SourceArchive.class);
    /** The archives' folder in the work directory. */
    public static final String DIRECTORY = "archive";
    static final String RECORD = "archive.json";
    static final String DUMP = "mysql";
    static final String SHA256SUMS = "SHA256SUMS";
    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /** A refusal before anything was done (MySQL writable, the tables unknown): the model ends "MySQL not archived". */
    public static final class Refused extends RuntimeException {
        public Refused(String reason) {
            super(reason);
        }
    }

    /**
     * What the archive did.
     *
     * @param directory     {@code <work-dir>/archive/mysql-<run>}
     * @param sha256        SHA-256 of the dump's {@code SHA256SUMS}: the archive's checksum (null in a dry run)
     * @param filesVerified files whose SHA-256 was computed again and matched
     * @param channel       what the disarm did
     * @param source        what became of MySQL: "left read-only" or "stopped"
     * @param resumed       the dump was found done by an earlier attempt of the step (verified, not redone)
     */
    public record Result(boolean dryRun, Path directory, String sha256, int tables, long rows, long bytes,
                         int filesVerified, String channel, String source, boolean resumed) {

        /** One line for the log, the variables and the end event's message. */
        public String summary() {
            if (dryRun) {
                return "dry run: would disarm the reverse channel (" + channel + "), dump " + tables + " table(s) of MySQL into "
                        + directory + " with their SHA-256, and " + source + "; nothing was changed";
            }
            return String.format(java.util.Locale.ROOT, "MySQL archived%s: %d table(s), %,d rows, %,d bytes in %s"
                            + " (SHA-256 of SHA256SUMS %s, %d file(s) verified); reverse channel: %s; MySQL %s",
                    resumed ? " (dump of an earlier attempt, verified again)" : "", tables, rows, bytes, directory, sha256,
                    filesVerified, channel, source);
        }
    }

    private final DatabaseEndpoint source;
    private final DatabaseEndpoint target;
    private final Path workDir;
    private final Supplier<ConversionPlan> plan;
    private final Supplier<GoldCertificate> certificate;
    private final Duration drainTimeout;
    private final boolean stopSource;
    private final Duration stopWait;
    private final Clock clock;
    private final MySqlDialect mysql;

    /**
     * @param source       Bascule's MySQL/MariaDB login (reads every table; applies the channel's last changes; with
     *                     {@code stopSource} it needs the SHUTDOWN privilege)
     * @param target       the PostgreSQL database (the reverse channel's capture)
     * @param plan         the conversion plan in the work directory (null when none)
     * @param certificate  the GOLD certificate (null when none)
     * @param drainTimeout how long the channel's last drain may take ({@code bascule.rollback.drain-timeout})
     * @param stopSource   stop MySQL after the archive ({@code bascule.platinum.stop-source}), else leave it read-only
     * @param stopWait     how long to wait for a stopped server to go away
     */
    public SourceArchive(DatabaseEndpoint source, DatabaseEndpoint target, Path workDir, Supplier<ConversionPlan> plan,
                         Supplier<GoldCertificate> certificate, Duration drainTimeout, boolean stopSource,
                         Duration stopWait, Clock clock) {
        this.source = source;
        this.target = target;
        this.workDir = workDir.toAbsolutePath().normalize();
        this.plan = plan;
        this.certificate = certificate;
        this.drainTimeout = drainTimeout;
        this.stopSource = stopSource;
        this.stopWait = stopWait;
        this.clock = clock;
        this.mysql = new MySqlDialect(source);
    }

    /** The archive of a run: {@code <work-dir>/archive/mysql-<run>}. */
    public Path directoryOf(String runId) {
        return workDir.resolve(DIRECTORY).resolve("mysql-" + runId.replaceAll("[^A-Za-z0-9._-]", "_"));
    }

    /**
     * Archives MySQL (see the class comment).
     *
     * @param runId    the run's process instance id (the archive's folder)
     * @param about    what the record keeps of the run (cutover, verdict, score, report, who decided), shown as given
     * @param progress one line per table dumped
     * @throws Refused              MySQL writable or the tables unknown: nothing done
     * @throws DatabaseException    a server unreachable, a statement refused (SHUTDOWN without the privilege...)
     * @throws UncheckedIOException the archive could not be written or read back
     */
    public Result archive(String runId, Map<String, ?> about, boolean dryRun, Consumer<String> progress) {
        Path dir = directoryOf(runId);
        Path record = dir.resolve(RECORD);
        if (dryRun) {
            requireReadOnly();
            List<TablePlan> tables = tables();
            return new Result(true, dir, null, tables.size(), 0, 0, 0, armed() ? "armed: would be drained and disarmed"
                    : "not armed", stopSource ? "would be stopped (SHUTDOWN)" : "would be left read-only", false);
        }
        boolean resumed = Files.exists(record);
        Map<String, Object> kept;
        String channel;
        if (!resumed) {
            requireReadOnly();
            List<TablePlan> tables = tables();
            channel = disarm();
            removeIncomplete(dir);
            MySqlDump.Result dump;
            try {
                BackupFiles.createOwnerOnlyDirectory(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the archive folder " + dir + ": " + e.getMessage(), e);
            }
            dump = new MySqlDump(source, tables, dir.resolve(DUMP)).write(progress);
            int verified = verify(dir.resolve(DUMP));
            kept = new LinkedHashMap<>();
            kept.put("kind", "final archive of the MySQL/MariaDB database after PLATINUM was granted");
            kept.put("run", runId);
            about.forEach(kept::put);
            kept.put("database", source.databaseName());
            kept.put("url", source.redactedUrl());
            kept.put("dumpedAt", clock.instant().toString());
            kept.put("tables", dump.tables().size());
            kept.put("rows", dump.totalRows());
            kept.put("bytes", dump.totalBytes());
            kept.put("dump", DUMP + "/");
            kept.put("manifestSha256", dump.manifestSha256());
            kept.put("sha256sumsSha256", sha256(dir.resolve(DUMP).resolve(SHA256SUMS)));
            kept.put("filesVerified", verified);
            kept.put("reverseChannel", channel);
            kept.put("check", "cd " + DUMP + " && sha256sum -c " + SHA256SUMS + "; sha256sum " + SHA256SUMS
                    + " gives sha256sumsSha256");
            writeRecord(record, kept);
        } else {
            kept = readRecord(record);
            int verified = verify(dir.resolve(DUMP));
            String sums = sha256(dir.resolve(DUMP).resolve(SHA256SUMS));
            if (!sums.equals(kept.get("sha256sumsSha256"))) {
                throw new IllegalStateException("the archive " + dir + " no longer matches its record: SHA256SUMS has SHA-256 "
                        + sums + ", " + RECORD + " says " + kept.get("sha256sumsSha256") + "; look at the folder before"
                        + " anything else is done");
            }
            kept.put("filesVerified", verified);
            channel = String.valueOf(kept.get("reverseChannel"));
            log.info("the archive {} was written by an earlier attempt: verified again ({} files)", dir, verified);
        }
        String after = stopSource ? stop(resumed) : confirmReadOnly(dir);
        kept.put("sourceAfter", after);
        kept.put("finishedAt", clock.instant().toString());
        writeRecord(record, kept);
        Result r = new Result(false, dir, String.valueOf(kept.get("sha256sumsSha256")), (int) number(kept.get("tables")),
                number(kept.get("rows")), number(kept.get("bytes")), (int) number(kept.get("filesVerified")), channel, after, resumed);
        log.info(r.summary());
        return r;
    }

    // ------------------------------------------------------------------------------------------------ steps

    private void requireReadOnly() {
        MySqlReadOnly.ReadOnlyState state = readOnlyState();
        if (!state.readOnly()) {
            throw new Refused("MySQL " + source.redactedUrl() + " is writable (read_only is OFF): it should have stayed"
                    + " read-only since the cutover, and the application may be writing to it again. Nothing was"
                    + " archived, disarmed or stopped. Find out who lifted read-only and why (a rollback by hand?); set"
                    + " it read-only again (SET GLOBAL read_only = ON) and start a new PLATINUM report, or archive by hand");
        }
    }

    private MySqlReadOnly.ReadOnlyState readOnlyState() {
        try (Connection c = source.open()) {
            return mysql.readOnlyState(c);
        } catch (SQLException e) {
            throw source.failure("reading read_only", e);
        }
    }

    /** The tables of the certificate in the plan, else every table of the plan. */
    List<TablePlan> tables() {
        ConversionPlan p = plan == null ? null : plan.get();
        if (p == null) {
            throw new Refused("the work directory " + workDir + " holds no conversion plan: the tables to archive are"
                    + " unknown. Run the PLATINUM report with the work directory of the migration (--work-dir); nothing"
                    + " was archived");
        }
        GoldCertificate cert = certificate == null ? null : certificate.get();
        if (cert == null) {
            return p.tables();
        }
        List<String> certified = cert.tables().stream().map(GoldCertificate.TableEntry::table).toList();
        List<TablePlan> tables = p.tables().stream().filter(t -> certified.contains(t.source().name())).toList();
        return tables.isEmpty() ? p.tables() : tables;
    }

    private boolean armed() {
        return ReverseChannel.isArmedOn(target);
    }

    /** The rollback's disarm: the last changes applied into MySQL, then the channel removed; idempotent. */
    String disarm() {
        if (!armed()) {
            return "not armed (nothing to disarm)";
        }
        ConversionPlan p = plan.get();
        GoldCertificate cert = certificate == null ? null : certificate.get();
        if (cert == null) {
            throw new IllegalStateException("the reverse channel is armed on PostgreSQL but the work directory " + workDir
                    + " holds no GOLD certificate to read it with: run with the work directory of the migration");
        }
        ReverseChannel channel = ReverseChannel.of(source, target, p, cert);
        long late;
        try (ReverseApplier applier = channel.applier()) {
            late = applier.drain(drainTimeout).changes();
        }
        channel.disarm();
        String done = "drained (" + late + " change(s) applied into MySQL first) and disarmed: no trigger, change table"
                + " or position left";
        log.info("reverse channel {}", done);
        return done;
    }

    private static void removeIncomplete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        log.warn("an archive interrupted before its record ({}) is removed and written again", dir);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the incomplete archive " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Every file of {@code SHA256SUMS} hashed again; returns how many matched.
     *
     * @throws IllegalStateException a file missing or not matching (named)
     */
    static int verify(Path dumpDir) {
        Path sums = dumpDir.resolve(SHA256SUMS);
        List<String> lines;
        try {
            lines = Files.readAllLines(sums, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + sums + ": " + e.getMessage(), e);
        }
        List<String> problems = new ArrayList<>();
        int ok = 0;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            int sep = line.indexOf("  ");
            if (sep < 0) {
                problems.add("unreadable line '" + line + "'");
                continue;
            }
            String expected = line.substring(0, sep);
            Path file = dumpDir.resolve(line.substring(sep + 2));
            if (!Files.exists(file)) {
                problems.add(file.getFileName() + " is missing");
            } else if (!expected.equalsIgnoreCase(sha256(file))) {
                problems.add(file.getFileName() + " does not match its SHA-256");
            } else {
                ok++;
            }
        }
        if (ok == 0 && problems.isEmpty()) {
            problems.add("it lists no file");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the archive " + dumpDir + " fails its checksums (" + SHA256SUMS + "): "
                    + String.join("; ", problems) + "; check the disk, then retry the step (an archive without its record"
                    + " is written again)");
        }
        return ok;
    }

    /** MySQL still read-only after its archive: a writable one is a fault (an incident), retried once it is read-only. */
    private String confirmReadOnly(Path dir) {
        MySqlReadOnly.ReadOnlyState state = readOnlyState();
        if (!state.readOnly()) {
            throw new IllegalStateException("MySQL " + source.redactedUrl() + " became writable while it was archived"
                    + " (read_only is OFF); the archive " + dir + " is written and verified. Set it read-only again"
                    + " (SET GLOBAL read_only = ON) and retry the step");
        }
        return "left read-only" + (Boolean.TRUE.equals(state.superReadOnly()) ? " (super_read_only on)" : "");
    }

    /** Stops MySQL by SHUTDOWN and waits until it is gone; one already gone on a retried step counts as stopped. */
    String stop(boolean resumed) {
        Connection c;
        try {
            c = source.open();
        } catch (DatabaseException e) {
            if (resumed && e.code() == DatabaseException.Code.UNREACHABLE) {
                return "stopped (already gone when the step was retried)";
            }
            throw e;
        }
        try (c) {
            mysql.shutdown(c);
        } catch (SQLException e) {
            log.debug("closing the connection to a stopping server: {}", e.toString());
        }
        Instant deadline = clock.instant().plus(stopWait);
        while (true) {
            try (Connection probe = source.open()) {
                log.debug("MySQL {} still answers after SHUTDOWN", source.redactedUrl());
            } catch (DatabaseException e) {
                if (e.code() == DatabaseException.Code.UNREACHABLE) {
                    log.info("MySQL {} stopped (SHUTDOWN)", source.redactedUrl());
                    return "stopped (SHUTDOWN)";
                }
            } catch (SQLException e) {
                log.debug("closing a probe connection: {}", e.toString());
            }
            if (clock.instant().isAfter(deadline)) {
                throw new IllegalStateException("MySQL " + source.redactedUrl() + " still answers " + stopWait.toSeconds()
                        + " s after SHUTDOWN was accepted; look at the server (its error log), stop it by hand if need be,"
                        + " then retry the step (the archive is not redone)");
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for MySQL to stop", e);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ files

    private static void writeRecord(Path record, Map<String, Object> kept) {
        try {
            Path tmp = record.resolveSibling(RECORD + ".tmp");
            Files.deleteIfExists(tmp);
            BackupFiles.writeOwnerOnly(tmp, JSON.writeValueAsBytes(kept));
            Files.move(tmp, record, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the archive's record " + record + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readRecord(Path record) {
        try {
            return new LinkedHashMap<>(JSON.readValue(record.toFile(), Map.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the archive's record " + record + " (" + e.getMessage()
                    + "): look at the folder; remove it to archive again", e);
        }
    }

    static String sha256(Path file) {
        MessageDigest digest = BackupFiles.sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                digest.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static long number(Object v) {
        return v instanceof Number n ? n.longValue() : 0;
    }
}
