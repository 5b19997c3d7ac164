package io.bascule.surveillance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * The record of the emergency actions: one JSON object per line in {@code <work-dir>/surveillance/actions.jsonl} (who
 * decided, when, what, on which database, with what result), appended in one write. The audit trail gets the same
 * through the process variables the delegates set; this file also holds the actions run from the command line.
 */
final class ActionLog {

    static final String FILE = "actions.jsonl";

    private final Path file;

    ActionLog(Path workDir) {
        this.file = workDir.toAbsolutePath().normalize().resolve("surveillance").resolve(FILE);
    }

    Path file() {
        return file;
    }

    /** Appends one entry; returns null when written, else why not (the action happened: the caller reports it). */
    String append(Map<String, Object> entry) {
        byte[] line = (VariableText.json(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            Files.createDirectories(file.getParent());
            synchronized (ActionLog.class) {
                Files.write(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            }
            return null;
        } catch (IOException e) {
            return "could not record the action in " + file + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
        }
    }
}
