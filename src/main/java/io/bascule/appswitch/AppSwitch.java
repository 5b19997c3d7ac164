package io.bascule.appswitch;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.bascule.appswitch.AppSwitchResult.Outcome;
import io.bascule.config.BasculeProperties;
import io.bascule.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * Switches the application's database URL in its config file ({@code .env} or {@code .properties}, see
 * {@link AppConfigFile} for what is read) and puts the original back.
 * <ul>
 * <li>{@link #switchTo} keeps the original byte for byte in {@code <work-dir>/appswitch/<file>-<hash>/original}
 * (owner-only permissions: it holds the old URL), with a copy of what it writes ({@code written}) and a record
 * ({@code switch.json}: path, key, SHA-256 of both, redacted values, time), then replaces the key's value only, by an
 * atomic move of a synced temporary file from the same directory, keeping the file's permissions.</li>
 * <li>{@link #restore} puts the original back the same way, only if the file is still exactly what Bascule wrote;
 * otherwise it throws {@link AppConfigChangedException} with a redacted diff, and {@link #restoreAnyway} (after a
 * human decision) keeps the hand-edited file in the work directory and restores.</li>
 * <li>{@link #dryRun} and {@link #restoreDryRun} check everything and say what would be written, changing nothing.</li>
 * </ul>
 * Every step may be retried: a switch already made and a restore already done are no-ops that say so. No error,
 * record or log line holds a password: URL values are redacted ({@link io.bascule.database.JdbcUrls#redact}).
 */
public final class AppSwitch {

    private static final Logger log = LoggerFactory.getLogger(AppSwitch.class);

    static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    static final String ORIGINAL = "original";
    static final String WRITTEN = "written";
    static final String RECORD = "switch.json";

    private final Path file;
    private final String key;
    private final Path stateDir;
    private final AppConfigFile.Format format;
    private final Clock clock;

    /**
     * @param file    the application's config file
     * @param key     the key holding the database URL ({@code DATABASE_URL})
     * @param workDir Bascule's work directory: the original and the record are kept under {@code appswitch/}
     */
    public AppSwitch(Path file, String key, Path workDir) {
        this(file, key, workDir, Clock.systemUTC());
    }

    AppSwitch(Path file, String key, Path workDir, Clock clock) {
        if (file == null) {
            throw new ConfigException("no application config file is set: give --app-env-file (bascule.app.env-file)");
        }
        if (key == null || key.isBlank()) {
            throw new ConfigException("no key is set for the application's database URL: give --app-env-key"
                    + " (bascule.app.env-key, DATABASE_URL by default)");
        }
        this.file = file.toAbsolutePath().normalize();
        this.key = key;
        this.format = AppConfigFile.formatOf(this.file);
        this.stateDir = workDir.toAbsolutePath().normalize().resolve("appswitch")
                .resolve(safeName(this.file.getFileName().toString()) + "-" + sha256(
                        this.file.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 8));
        this.clock = clock;
    }

    /** The switch configured by {@code bascule.app.*} and {@code bascule.work-dir}. */
    public static AppSwitch from(BasculeProperties properties) {
        return new AppSwitch(properties.app().envFile(), properties.app().envKey(), properties.workDir());
    }

    public Path file() {
        return file;
    }

    public String key() {
        return key;
    }

    /** Where the original, the written copy and the record are kept. */
    public Path stateDirectory() {
        return stateDir;
    }

    /** The record of the last switch, if any. */
    public Optional<SwitchRecord> record() {
        Path recordFile = stateDir.resolve(RECORD);
        if (!Files.exists(recordFile)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(recordFile.toFile(), SwitchRecord.class));
        } catch (IOException e) {
            throw new AppSwitchException("the switch record " + recordFile + " cannot be read (" + e.getClass().getSimpleName()
                    + "); it is Bascule's memory of what it wrote: restore it from a backup, or check the file by hand", e);
        }
    }

    /** True when the last recorded switch put the application on the new database and was not restored since. */
    public boolean isSwitched() {
        return record().map(SwitchRecord::switched).orElse(false);
    }

    /**
     * The key's value the application used before the switch (from the kept original, checked against its
     * SHA-256), or, when nothing is switched, its value in the file now: the source database's URL as the
     * application knows it, with its credentials. For opening the application's own connection (its write probe);
     * never log or store it.
     */
    public String sourceValue() {
        Optional<SwitchRecord> record = record();
        byte[] content = record.isPresent() && record.get().switched() ? checkKeptOriginal(record.get()) : readApplicationFile();
        return AppConfigFile.locate(content, key, format, file).value();
    }

    /** The key's value in the file now (with its credentials: never log or store it). */
    public String currentValue() {
        return AppConfigFile.locate(readApplicationFile(), key, format, file).value();
    }

    /**
     * The key's value in an application's config file as the application reads it ({@code .env} or
     * {@code *.properties}, whichever quoting Bascule keeps when it switches), for a sample application that follows
     * the file; with its credentials: never log or store it. A missing file or key is an {@link AppSwitchException}
     * naming the file.
     */
    public static String valueIn(Path file, String key) {
        Path f = file.toAbsolutePath().normalize();
        byte[] content;
        try {
            content = Files.readAllBytes(f);
        } catch (IOException e) {
            throw new AppSwitchException("cannot read the application's config file " + f + " ("
                    + e.getClass().getSimpleName() + "): check that it exists and can be read", e);
        }
        return AppConfigFile.locate(content, key, AppConfigFile.formatOf(f), f).value();
    }

    // ------------------------------------------------------------------ switch

    /** Checks everything {@link #switchTo} checks and says what it would write; changes nothing. */
    public AppSwitchResult dryRun(String newUrl) {
        Plan plan = plan(newUrl);
        if (plan.already()) {
            return resultOf(plan, Outcome.ALREADY_SWITCHED, "dry run: " + key + " in " + file + " already holds "
                    + Redaction.value(key, newUrl) + " as Bascule wrote it; nothing to do");
        }
        return resultOf(plan, Outcome.WOULD_SWITCH, "dry run: would switch " + key + " in " + file + " (line "
                + plan.entry().line() + ") from " + Redaction.value(key, plan.entry().value()) + " to " + Redaction.value(key, newUrl));
    }

    /** Writes {@code newUrl} as the key's value, keeping the original first (see the class comment). */
    public AppSwitchResult switchTo(String newUrl) {
        Plan plan = plan(newUrl);
        if (plan.already()) {
            AppSwitchResult r = resultOf(plan, Outcome.ALREADY_SWITCHED, key + " in " + file + " already holds "
                    + Redaction.value(key, newUrl) + " as Bascule wrote it; nothing done");
            log.info(r.message());
            return r;
        }
        try {
            Files.createDirectories(stateDir);
            restrictToOwner(stateDir, true);
            SwitchRecord previous = plan.previous();
            boolean keepOriginal = previous != null && previous.switched()
                    && sha256(plan.current()).equals(previous.writtenSha256());
            String originalSha = keepOriginal ? previous.originalSha256() : sha256(plan.current());
            if (!keepOriginal) {
                writeAtomically(stateDir.resolve(ORIGINAL), plan.current(), OWNER_ONLY);
            }
            writeAtomically(stateDir.resolve(WRITTEN), plan.written(), OWNER_ONLY);
            String oldValue = keepOriginal ? previous.oldValue() : Redaction.value(key, plan.entry().value());
            SwitchRecord record = new SwitchRecord(file.toString(), key, format.name().toLowerCase(),
                    SwitchRecord.SWITCHED, originalSha, sha256(plan.written()), plan.entry().line(), oldValue,
                    Redaction.value(key, newUrl), clock.instant(), keepOriginal ? previous.permissions() : permissionsOf(file),
                    null, null);
            writeRecord(record);
            writeAtomically(writeTarget(), plan.written(), null);
        } catch (IOException e) {
            throw ioError("switching " + key + " in " + file, e);
        }
        verify(sha256(plan.written()), "switch");
        AppSwitchResult r = resultOf(plan, Outcome.SWITCHED, "switched " + key + " in " + file + " (line "
                + plan.entry().line() + ") from " + Redaction.value(key, plan.entry().value()) + " to "
                + Redaction.value(key, newUrl) + "; original kept in " + stateDir);
        log.info(r.message());
        return r;
    }

    private Plan plan(String newUrl) {
        if (newUrl == null || newUrl.isBlank()) {
            throw new AppSwitchException("no new database URL for the application: set --app-target-url"
                    + " (bascule.app.target-url); " + file + " is unchanged");
        }
        byte[] current = readApplicationFile();
        AppConfigFile.Entry entry = AppConfigFile.locate(current, key, format, file);
        byte[] written = AppConfigFile.replace(current, entry, newUrl, key, file);
        checkWritable();
        SwitchRecord previous = record().orElse(null);
        String currentSha = sha256(current);
        if (previous != null && previous.switched() && !currentSha.equals(previous.writtenSha256())
                && !currentSha.equals(previous.originalSha256())) {
            throw new AppConfigChangedException(file, diff(readKept(WRITTEN), "as Bascule wrote it at the switch",
                    current, "now"));
        }
        if (previous != null && previous.switched() && currentSha.equals(previous.writtenSha256())) {
            checkKeptOriginal(previous);
        }
        boolean already = previous != null && previous.switched() && currentSha.equals(previous.writtenSha256())
                && sha256(written).equals(currentSha);
        return new Plan(current, entry, written, previous, already, newUrl);
    }

    private record Plan(byte[] current, AppConfigFile.Entry entry, byte[] written, SwitchRecord previous,
                        boolean already, String newUrl) {
    }

    private AppSwitchResult resultOf(Plan plan, Outcome outcome, String message) {
        return new AppSwitchResult(outcome, file, key, plan.entry().line(), Redaction.value(key, plan.entry().value()),
                Redaction.value(key, plan.newUrl()), sha256(plan.current()), sha256(plan.written()),
                plan.already() ? "" : diff(plan.current(), "before", plan.written(), "after"), message);
    }

    // ------------------------------------------------------------------ restore

    /** Checks everything {@link #restore} checks and says what it would do; changes nothing. */
    public AppSwitchResult restoreDryRun() {
        RestorePlan plan = restorePlan();
        if (plan.already()) {
            return resultOf(plan, Outcome.ALREADY_RESTORED, "dry run: " + file + " already is the original; nothing to restore");
        }
        if (plan.changedByHand()) {
            throw new AppConfigChangedException(file, diff(readKept(WRITTEN), "as Bascule wrote it at the switch",
                    plan.current(), "now"));
        }
        return resultOf(plan, Outcome.WOULD_RESTORE, "dry run: would restore " + file + " byte for byte from "
                + stateDir.resolve(ORIGINAL));
    }

    /**
     * Puts the original back byte for byte, if the file is still what Bascule wrote; a file already restored is a
     * no-op that says so.
     *
     * @throws AppConfigChangedException the file was changed by hand since the switch: nothing overwritten
     */
    public AppSwitchResult restore() {
        return restore(false);
    }

    /**
     * Like {@link #restore}, after a human decided to restore over a hand-edited file: that file is kept first as
     * {@code hand-edited-<time>} in the work directory.
     */
    public AppSwitchResult restoreAnyway() {
        return restore(true);
    }

    private AppSwitchResult restore(boolean anyway) {
        RestorePlan plan = restorePlan();
        Outcome outcome = Outcome.RESTORED;
        String how = "restored";
        if (plan.already()) {
            if (plan.record().switched()) {
                writeRecordQuietly(plan.record().restored(clock.instant(), "already the original at restore"));
            }
            AppSwitchResult r = resultOf(plan, Outcome.ALREADY_RESTORED, file + " already is the original; nothing done");
            log.info(r.message());
            return r;
        }
        try {
            if (plan.changedByHand()) {
                if (!anyway) {
                    AppConfigChangedException e = new AppConfigChangedException(file, diff(readKept(WRITTEN),
                            "as Bascule wrote it at the switch", plan.current(), "now"));
                    log.warn("not restoring {}: it was changed by hand since the switch", file);
                    throw e;
                }
                Path kept = stateDir.resolve("hand-edited-" + STAMP.format(clock.instant()));
                writeAtomically(kept, plan.current(), OWNER_ONLY);
                outcome = Outcome.RESTORED_ANYWAY;
                how = "restored anyway over a hand-edited file, kept as " + kept;
            }
            writeAtomically(writeTarget(), plan.original(), Files.exists(file) || plan.record().permissions() == null ? null
                    : PosixFilePermissions.fromString(plan.record().permissions()));
        } catch (IOException e) {
            throw ioError("restoring " + file, e);
        }
        verify(plan.record().originalSha256(), "restore");
        writeRecordQuietly(plan.record().restored(clock.instant(), how));
        AppSwitchResult r = resultOf(plan, outcome, how + ": " + file + " is the original again, byte for byte");
        log.info(r.message());
        return r;
    }

    private RestorePlan restorePlan() {
        SwitchRecord record = record().orElseThrow(() -> new AppSwitchException("no switch of " + file
                + " is recorded in " + stateDir + ": Bascule never switched this file with this work directory, so"
                + " there is nothing to restore (check --app-env-file and --work-dir)"));
        byte[] original = checkKeptOriginal(record);
        byte[] current = Files.exists(file) ? readApplicationFile() : new byte[0];
        String currentSha = Files.exists(file) ? sha256(current) : "";
        boolean already = currentSha.equals(record.originalSha256());
        boolean changed = !already && !currentSha.equals(record.writtenSha256());
        if (!already) {
            checkWritable();
        }
        return new RestorePlan(record, original, current, already, changed);
    }

    private record RestorePlan(SwitchRecord record, byte[] original, byte[] current, boolean already,
                               boolean changedByHand) {
    }

    private AppSwitchResult resultOf(RestorePlan plan, Outcome outcome, String message) {
        return new AppSwitchResult(outcome, file, key, plan.record().line(), null, null, sha256(plan.current()),
                plan.record().originalSha256(),
                plan.already() ? "" : diff(plan.current(), "before", plan.original(), "after (the original)"), message);
    }

    // ------------------------------------------------------------------ checks and files

    private byte[] checkKeptOriginal(SwitchRecord record) {
        byte[] original = readKept(ORIGINAL);
        if (!sha256(original).equals(record.originalSha256())) {
            throw new AppSwitchException("the kept original " + stateDir.resolve(ORIGINAL) + " does not match the"
                    + " SHA-256 in " + stateDir.resolve(RECORD) + ": it was changed or damaged; restore "
                    + file + " by hand from a backup");
        }
        return original;
    }

    private byte[] readKept(String name) {
        Path kept = stateDir.resolve(name);
        try {
            return Files.readAllBytes(kept);
        } catch (NoSuchFileException e) {
            throw new AppSwitchException("the copy " + kept + " kept at the switch is missing: the work directory was"
                    + " changed; restore " + file + " by hand from a backup");
        } catch (IOException e) {
            throw ioError("reading " + kept, e);
        }
    }

    private byte[] readApplicationFile() {
        if (!Files.exists(file)) {
            throw new AppSwitchException("the application's config file " + file + " does not exist: check"
                    + " --app-env-file (bascule.app.env-file)");
        }
        if (!Files.isRegularFile(file)) {
            throw new AppSwitchException("the application's config file " + file + " is not a regular file: give"
                    + " the file itself in --app-env-file");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw ioError("reading " + file, e);
        }
    }

    private void checkWritable() {
        Path dir;
        try {
            dir = writeTarget().getParent();
        } catch (IOException e) {
            throw ioError("resolving the link " + file, e);
        }
        if (Files.exists(file) && !Files.isWritable(file)) {
            throw new AppSwitchException("the application's config file " + file + " is not writable by this user;"
                    + " give it write permission (chmod u+w) or run Bascule as its owner; the file is unchanged");
        }
        if (!Files.isWritable(dir)) {
            throw new AppSwitchException("the directory " + dir + " is not writable by this user: Bascule replaces "
                    + file.getFileName() + " atomically through a temporary file next to it; give the directory write"
                    + " permission; the file is unchanged");
        }
        Path existing = stateDir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
            throw new AppSwitchException("the work directory " + stateDir + " cannot be written (" + existing
                    + " is not a writable directory): the original is kept there before any change; fix --work-dir");
        }
    }

    /** The file itself, or the file a symbolic link points to: the link stays a link. */
    private Path writeTarget() throws IOException {
        return Files.isSymbolicLink(file) && Files.exists(file) ? file.toRealPath() : file;
    }

    private void verify(String expectedSha, String what) {
        String now = sha256(readApplicationFile());
        if (!now.equals(expectedSha)) {
            throw new AppSwitchException("after the " + what + ", " + file + " does not hold what Bascule wrote (SHA-256 "
                    + now + " instead of " + expectedSha + "): another process writes it; check it by hand");
        }
    }

    private void writeRecord(SwitchRecord record) throws IOException {
        writeAtomically(stateDir.resolve(RECORD), JSON.writeValueAsBytes(record), OWNER_ONLY);
    }

    private void writeRecordQuietly(SwitchRecord record) {
        try {
            writeRecord(record);
        } catch (IOException e) {
            throw ioError("writing the switch record in " + stateDir, e);
        }
    }

    /**
     * Writes {@code bytes} to a temporary file in the target's directory, syncs it, gives it the target's permissions
     * (or {@code permissions} when given) and moves it over the target atomically, then syncs the directory.
     */
    static void writeAtomically(Path target, byte[] bytes, Set<PosixFilePermission> permissions) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".bascule-tmp");
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            PosixFileAttributeView posix = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
            if (posix != null) {
                if (permissions != null) {
                    posix.setPermissions(permissions);
                } else if (Files.exists(target)) {
                    posix.setPermissions(Files.getPosixFilePermissions(target));
                    try {
                        posix.setGroup(Files.readAttributes(target, java.nio.file.attribute.PosixFileAttributes.class).group());
                    } catch (IOException | SecurityException e) {
                        // a group this user is not in: the file keeps the user's group, the permissions are kept
                    }
                }
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // not every file system syncs a directory; the move itself is atomic
        }
    }

    private static String permissionsOf(Path file) throws IOException {
        return Files.getFileAttributeView(file, PosixFileAttributeView.class) == null ? null
                : PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    private static void restrictToOwner(Path dir, boolean directory) throws IOException {
        if (Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(directory ? "rwx------" : "rw-------"));
        }
    }

    private String diff(byte[] from, String fromLabel, byte[] to, String toLabel) {
        return UnifiedDiff.of(file + " (" + fromLabel + ")", from, file + " (" + toLabel + ")", to);
    }

    private AppSwitchException ioError(String what, IOException e) {
        String reason = e instanceof AccessDeniedException ? "permission denied on " + e.getMessage()
                : e instanceof NoSuchFileException ? "no such file " + e.getMessage()
                : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return new AppSwitchException(what + " failed (" + reason + "); " + file + " is either unchanged or fully"
                + " written (the move is atomic): run the step again once the cause is fixed", e);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String safeName(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.startsWith(".") ? s.substring(1) : s;
    }
}
