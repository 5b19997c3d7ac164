package io.bascule.process;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether a command may take over a run that is still active: only when its recorded owner is on this host and gone
 * (no such process, or the process id now belongs to a process started at another time), and the run's settings are
 * this command's. Anything else is refused with the reason and what to do; a run that records no owner cannot be
 * decided ({@code --cancel-stale} ends it).
 */
public final class StaleRuns {

    /**
     * Process start times are read from the system with a small jitter (Linux derives them from the boot time,
     * which a clock adjustment moves by a second or so): starts closer than this are the same process.
     */
    static final Duration SAME_START = Duration.ofSeconds(3);

    /** What the operating system says about a process of this host. */
    public interface Processes {
        /** Empty when no process with this id is alive; otherwise its start (empty inside when not known). */
        Optional<Optional<Instant>> find(long pid);

        /** This host's processes, through {@link ProcessHandle}. */
        static Processes ofThisHost() {
            return pid -> ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(p -> p.info().startInstant());
        }
    }

    /** The outcome: take the run over, or refuse with a one-line reason that says what to do. */
    public record Decision(boolean takeOver, String reason) {
        static Decision takeOver(String why) {
            return new Decision(true, why);
        }

        static Decision refuse(String why) {
            return new Decision(false, why);
        }
    }

    private StaleRuns() {
    }

    /**
     * @param run        the owner the active run recorded (null: none)
     * @param self       this command's node
     * @param processes  the processes of this host
     */
    public static Decision decide(String instanceId, RunOwner run, RunOwner self, Processes processes) {
        String what = "process instance " + instanceId;
        if (run == null) {
            return Decision.refuse(what + " is active and records no owner (it was started by an older version): if no"
                    + " process runs it any more, rerun with --cancel-stale to end it (a copy resumes from its checkpoints)");
        }
        if (!run.host().equals(self.host())) {
            return Decision.refuse(what + " is owned by " + run.describe() + ", another host: resume it there (a plain"
                    + " run there takes it over once that process is gone), or if that host is gone for good, rerun here"
                    + " with --cancel-stale to end it");
        }
        String gone;
        if (run.pid() == self.pid() && run.started() != null && self.started() != null
                && Duration.between(run.started(), self.started()).abs().compareTo(SAME_START) <= 0) {
            // this very process ran it in an earlier command (as tests run commands in one JVM): no one runs it now
            gone = "this process ran it in an earlier command";
        } else {
            Optional<Optional<Instant>> found = processes.find(run.pid());
            if (found.isEmpty()) {
                gone = "no process " + run.pid() + " is running";
            } else {
                Optional<Instant> start = found.get();
                boolean otherProcess = start.isPresent() && run.started() != null
                        && Duration.between(start.get(), run.started()).abs().compareTo(SAME_START) > 0;
                if (!otherProcess) {
                    return Decision.refuse(what + " is run by " + run.describe() + ", which is still running: wait for it"
                            + " to end, or stop it (kill " + run.pid() + ") and run again to take the run over");
                }
                gone = "process id " + run.pid() + " now belongs to a process started at " + start.get();
            }
        }
        if (!run.fingerprint().equals(self.fingerprint())) {
            return Decision.refuse(what + " was run by " + run.describe() + ", which is gone (" + gone + "), with other"
                    + " settings than this command's: " + String.join("; ", self.differencesFrom(run))
                    + ". Rerun with the run's settings to resume it, or with --cancel-stale to end it");
        }
        return Decision.takeOver("its owner " + run.describe() + " is gone (" + gone + ")");
    }
}
