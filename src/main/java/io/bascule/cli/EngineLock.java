package io.bascule.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bascule.config.ConfigException;
import io.bascule.process.RunOwner;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One job-executing node per work directory: {@code serve}, {@code demo} and the commands that run a runbook
 * ({@code migrate}, {@code verify}) take an operating-system lock on {@code <work-dir>/owner.lock} before they
 * start the engine, and the launcher starts the job executor only for a node that holds it. A second one refuses
 * with one line naming the holder and what to do. The operating system releases the lock when its holder ends, even
 * on {@code kill -9}; the file keeps a small JSON of the holder (host, pid, command, port, since) for the message.
 * A command that only reads the engine (an audit) does not take it, and its job executor stays off.
 * <p>
 * The lock covers the work directory's engine database, the default H2 file. An engine database shared by several
 * machines (PostgreSQL) is not covered by it: there the settings fingerprint each run records keeps its steps on
 * its own node ({@link io.bascule.process.RunOwnership}).
 */
final class EngineLock implements AutoCloseable {

    static final String FILE = "owner.lock";
    /** The byte range locked: beyond the JSON, so that a reader that does not hold the lock can still read it. */
    private static final long LOCKED_POSITION = 1L << 30;

    private static final Map<Path, EngineLock> HELD = new ConcurrentHashMap<>();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path workDir;
    private final String command;
    private final FileChannel channel;
    private final FileLock lock;
    private final Map<String, Object> holder = new LinkedHashMap<>();

    private EngineLock(Path workDir, String command, FileChannel channel, FileLock lock) {
        this.workDir = workDir;
        this.command = command;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the work directory of {@code settings} (prepared and made absolute in them) for {@code command}.
     *
     * @throws ConfigException when another process (or another command of this JVM) holds it, naming it
     */
    static EngineLock acquire(Map<String, String> settings, String command) {
        Path workDir = WorkDirectory.prepare(settings.get("bascule.work-dir"));
        settings.put("bascule.work-dir", workDir.toString());
        Path file = workDir.resolve(FILE); // not in engine/: an engine database elsewhere leaves no engine/ directory
        FileChannel channel = null;
        try {
            Files.createDirectories(file.getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock(LOCKED_POSITION, 1, false);
            } catch (OverlappingFileLockException sameJvm) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new ConfigException(refusal(workDir, command, readHolder(file)));
            }
            EngineLock held = new EngineLock(workDir, command, channel, lock);
            held.holder.put("host", RunOwner.hostName());
            held.holder.put("pid", ProcessHandle.current().pid());
            held.holder.put("command", command);
            held.holder.put("since", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            held.write();
            HELD.put(workDir, held);
            return held;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new ConfigException("cannot lock the work directory " + workDir + " (" + file + ": " + e.getMessage()
                    + "); check its permissions", e);
        }
    }

    /** The lock this JVM holds on {@code workDir}, or null. */
    static EngineLock heldFor(Path workDir) {
        return workDir == null ? null : HELD.get(workDir.toAbsolutePath().normalize());
    }

    String command() {
        return command;
    }

    /** Records the web port once the server listens (serve, demo), for the message a CLI command gets. */
    void recordPort(int port) {
        holder.put("port", port);
        try {
            write();
        } catch (IOException e) {
            // the message then names no port; the lock itself holds
        }
    }

    private synchronized void write() throws IOException {
        byte[] bytes = (JSON.writeValueAsString(holder) + "\n").getBytes(StandardCharsets.UTF_8);
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(bytes), 0);
        channel.force(false);
    }

    @Override
    public void close() {
        if (HELD.remove(workDir, this)) {
            try {
                lock.release();
            } catch (IOException ignored) {
                // closing the channel releases it too
            }
            closeQuietly(channel);
        }
    }

    static Map<String, Object> readHolder(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (text.isEmpty()) {
                return Map.of();
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = JSON.readValue(text, Map.class);
            return m;
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
    }

    /** The one line a second node gets: who holds the work directory, and what to do. */
    static String refusal(Path workDir, String command, Map<String, Object> holder) {
        Object held = holder.get("command");
        String who = held == null ? "another Bascule process"
                : held + " (pid " + holder.get("pid") + " on host " + holder.get("host") + ", since " + holder.get("since") + ")";
        String base = "work directory " + workDir + " is in use by " + who + ", which runs the runbooks' steps there: ";
        boolean holderServes = "serve".equals(held) || "demo".equals(held);
        boolean iServe = "serve".equals(command) || "demo".equals(command);
        if (holderServes && !iServe) {
            Object port = holder.get("port");
            String tasklist = port == null ? "its Tasklist" : "its Tasklist at http://localhost:" + port + "/camunda/app/tasklist/";
            return base + "start the run in " + tasklist + ", or stop " + held + " and run " + command + " again";
        }
        if (holderServes) {
            return base + "use that one, or stop it and start " + command + " again";
        }
        return base + "wait for it to end, or stop it" + (holder.get("pid") == null ? "" : " (kill " + holder.get("pid") + ")")
                + ", then start " + command + " again (a run it left active is taken over)";
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
