package io.bascule.cli;

import io.bascule.config.ConfigException;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The work directory: created when missing, and proved writable before anything starts. */
final class WorkDirectory {

    private WorkDirectory() {
    }

    static Path prepare(String configured) {
        Path dir = Path.of(configured == null ? "./bascule-work" : configured).toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-check", ".tmp");
            Files.delete(probe);
            return dir;
        } catch (FileSystemException e) {
            String reason = e.getReason() == null ? e.getClass().getSimpleName() : e.getReason();
            throw new ConfigException("work directory " + dir + " is not writable (" + reason + " at " + e.getFile()
                    + "); choose another with --work-dir DIR or fix its permissions", e);
        } catch (IOException e) {
            throw new ConfigException("work directory " + dir + " is not writable (" + e.getMessage()
                    + "); choose another with --work-dir DIR or fix its permissions", e);
        }
    }
}
