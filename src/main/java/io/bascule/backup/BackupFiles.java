package io.bascule.backup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The files of Bascule's backups (the rollback's forensic backup, the cutover's final backups): owner-only
 * directories and files (they hold the data), written and synced, a file name per table that no two tables share,
 * SHA-256 of everything, and the clean-up of a backup that failed half-way.
 */
public final class BackupFiles {

    public static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    private BackupFiles() {
    }

    /** The nearest folder of {@code p} (itself included) that exists, or null. */
    public static Path nearestExisting(Path p) {
        Path q = p;
        while (q != null && !Files.exists(q)) {
            q = q.getParent();
        }
        return q;
    }

    public static boolean posix(Path p) {
        return p != null && p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Creates the directory (and its parents), readable by its owner only where the file system has permissions. */
    public static void createOwnerOnlyDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (posix(nearestExisting(dir))) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
        } else {
            Files.createDirectories(dir);
        }
    }

    /** A new file, readable by its owner only where the file system has permissions; an existing file is refused. */
    public static void createOwnerOnlyFile(Path file) throws IOException {
        if (posix(file.getParent())) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_FILE));
        } else {
            Files.createFile(file);
        }
    }

    /** A new owner-only file with these bytes, synced to the disk. */
    public static void writeOwnerOnly(Path file, byte[] bytes) throws IOException {
        createOwnerOnlyFile(file);
        Files.write(file, bytes, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        sync(file);
    }

    public static void sync(Path file) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /**
     * Removes what a failed backup wrote (and the directory, when it created it); says what was removed or what is left
     * to remove by hand.
     */
    public static String removeWritten(List<Path> written, Path createdDirectory) {
        List<String> left = new ArrayList<>();
        for (Path p : written) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                left.add(p.toString());
            }
        }
        if (createdDirectory != null) {
            try {
                Files.deleteIfExists(createdDirectory);
            } catch (IOException e) {
                left.add(createdDirectory.toString());
            }
        }
        return left.isEmpty() ? "what was written was removed" : "could not remove " + left + ": remove them by hand";
    }

    /**
     * File names (without suffix) of the tables: the name itself when it is plain ({@code [a-z0-9_-]}, so that no two
     * differ in case only), otherwise a plain form with a short hash of the name.
     */
    public static Map<String, String> fileNames(List<String> tables) {
        Set<String> used = new HashSet<>();
        Map<String, String> names = new LinkedHashMap<>();
        for (String t : tables) {
            String base = t.matches("[a-z0-9_][a-z0-9_-]*") ? t
                    : plain(t) + "-" + sha256(t.getBytes(StandardCharsets.UTF_8)).substring(0, 8);
            String name = base;
            for (int i = 2; !used.add(name.toLowerCase(Locale.ROOT)); i++) {
                name = base + "-" + i;
            }
            names.put(t, name);
        }
        return names;
    }

    private static String plain(String t) {
        String p = t.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "_");
        return p.length() > 60 ? p.substring(0, 60) : p;
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    /**
     * Why {@code directory} cannot take a backup, or null: it must be new or empty (so that no old file passes for part
     * of it) and writable, or creatable under the nearest existing folder. Creates nothing.
     */
    public static String directoryProblem(Path directory) {
        if (Files.exists(directory)) {
            if (!Files.isDirectory(directory)) {
                return directory + " exists and is not a directory: choose a new directory";
            }
            try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
                if (entries.iterator().hasNext()) {
                    return directory + " is not empty: a backup goes into a new or empty directory, so that no old file"
                            + " passes for part of it; choose another directory or empty it";
                }
            } catch (IOException e) {
                return "cannot read the directory " + directory + ": " + e;
            }
            return Files.isWritable(directory) ? null : "the directory " + directory + " is not writable for this user";
        }
        Path existing = nearestExisting(directory);
        if (existing == null || !Files.isDirectory(existing)) {
            return "cannot create " + directory + ": " + (existing == null ? "no folder above it exists" : existing
                    + " is not a directory");
        }
        return Files.isWritable(existing) ? null : "cannot create " + directory + ": " + existing
                + " is not writable for this user";
    }
}
