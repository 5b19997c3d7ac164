package io.bascule.cutover;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.bascule.migration.GoldCertificate;
import io.bascule.migration.MigrationService;
import io.bascule.schema.ConversionPlan;
import io.bascule.schema.TablePlan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the cutover's phases share: the folder of their files, time stamps in file names, JSON, the certified tables. */
final class CutoverFiles {

    static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT).build();
    static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    private CutoverFiles() {
    }

    /** {@code <work-dir>/cutover}: the baselines and backups of the cutover. */
    static Path cutoverDir(Path workDir) {
        return workDir.toAbsolutePath().normalize().resolve("cutover");
    }

    /** A time for file names: {@code 2026-01-31T22-05-00Z} (no colon, which some file systems refuse). */
    static String stamp(Instant at) {
        return at.truncatedTo(ChronoUnit.SECONDS).toString().replace(':', '-');
    }

    /** The nearest folder of {@code p} (itself included) that exists, or null. */
    static Path nearestExisting(Path p) {
        return io.bascule.backup.BackupFiles.nearestExisting(p);
    }

    /** Why files cannot be created in {@code dir} (creating it where missing), or null. Creates nothing. */
    static String writabilityProblem(Path dir) {
        Path existing = nearestExisting(dir);
        if (existing == null) {
            return "cannot create " + dir + ": no folder above it exists";
        }
        if (!Files.isDirectory(existing)) {
            return "cannot create " + dir + ": " + existing + " is not a directory";
        }
        if (!Files.isWritable(existing)) {
            return (existing.equals(dir.toAbsolutePath()) ? "the directory " + dir : "cannot create " + dir + ": " + existing)
                    + " is not writable for this user; fix its permissions or choose another --work-dir";
        }
        return null;
    }

    /** Free bytes where {@code dir} is or would be, or -1 when unknown. */
    static long freeBytes(Path dir) {
        Path existing = nearestExisting(dir);
        try {
            return existing == null ? -1 : Files.getFileStore(existing).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    static boolean posix(Path p) {
        return io.bascule.backup.BackupFiles.posix(p);
    }

    /** Creates the directory (and its parents), readable by its owner only where the file system has permissions. */
    static void createOwnerOnlyDirectory(Path dir) throws IOException {
        io.bascule.backup.BackupFiles.createOwnerOnlyDirectory(dir);
    }

    /** A new file, readable by its owner only where the file system has permissions; an existing file is refused. */
    static void createOwnerOnlyFile(Path file) throws IOException {
        io.bascule.backup.BackupFiles.createOwnerOnlyFile(file);
    }

    static MessageDigest sha256() {
        return io.bascule.backup.BackupFiles.sha256();
    }

    static String sha256(byte[] bytes) {
        return io.bascule.backup.BackupFiles.sha256(bytes);
    }

    /**
     * The certified tables' plans, in the plan's order: every table of the certificate must be in the plan under the
     * same target name, else the plan in the work directory is not the certified one.
     */
    static List<TablePlan> certifiedTables(ConversionPlan plan, GoldCertificate certificate) {
        Map<String, TablePlan> byName = new LinkedHashMap<>();
        plan.tables().forEach(t -> byName.put(t.source().name(), t));
        List<String> problems = new ArrayList<>();
        for (GoldCertificate.TableEntry e : certificate.tables()) {
            TablePlan t = byName.get(e.table());
            if (t == null) {
                problems.add("table " + e.table() + " of the GOLD certificate is not in the conversion plan");
            } else if (!t.targetName().equals(e.targetTable())) {
                problems.add("table " + e.table() + " becomes " + t.targetName() + " in the conversion plan but "
                        + e.targetTable() + " in the GOLD certificate");
            }
        }
        if (!problems.isEmpty()) {
            throw new CutoverPhaseException("the conversion plan in " + MigrationService.PLAN_FILE + " is not the one the GOLD"
                    + " certificate was written for (" + String.join("; ", problems) + "): run migrate again");
        }
        List<String> certified = certificate.tables().stream().map(GoldCertificate.TableEntry::table).toList();
        return plan.tables().stream().filter(t -> certified.contains(t.source().name())).toList();
    }

    /** The plan restricted to the given tables (for the verifier, which compares a plan's tables). */
    static ConversionPlan planOf(ConversionPlan plan, List<TablePlan> tables) {
        return new ConversionPlan(plan.source(), plan.targetSchema(), tables, plan.warnings(), plan.notConverted(),
                plan.errors(), plan.createsSchema());
    }

    static double seconds(long startNanos) {
        return Math.round((System.nanoTime() - startNanos) / 1e7) / 100.0;
    }
}
