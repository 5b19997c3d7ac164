package io.bascule.appswitch;

import java.nio.file.Path;

/**
 * What a switch, a restore or their dry run did (or would do). Values and the diff are redacted.
 *
 * @param line         the key's line in the file (0 when not looked up)
 * @param fromValue    the value before, redacted (null for a restore)
 * @param toValue      the value after, redacted (null for a restore)
 * @param sha256Before SHA-256 of the file before
 * @param sha256After  SHA-256 of the file after (what was, or would be, written)
 * @param diff         unified diff from before to after, redacted; empty when nothing changes
 * @param message      one line saying what happened, for logs and process variables
 */
public record AppSwitchResult(Outcome outcome, Path file, String key, int line, String fromValue, String toValue,
                              String sha256Before, String sha256After, String diff, String message) {

    public enum Outcome {
        /** The key now holds the new value. */
        SWITCHED,
        /** The file already held exactly what the switch writes: nothing done. */
        ALREADY_SWITCHED,
        /** Dry run: the switch would write {@code sha256After}. */
        WOULD_SWITCH,
        /** The original is back, byte for byte. */
        RESTORED,
        /** The original is back over a hand-edited file (kept in the work directory). */
        RESTORED_ANYWAY,
        /** The file already was the original: nothing done. */
        ALREADY_RESTORED,
        /** Dry run: the restore would put the original back. */
        WOULD_RESTORE
    }

    /** True when the file was (or would be) changed. */
    public boolean changes() {
        return outcome == Outcome.SWITCHED || outcome == Outcome.WOULD_SWITCH || outcome == Outcome.RESTORED
                || outcome == Outcome.RESTORED_ANYWAY || outcome == Outcome.WOULD_RESTORE;
    }
}
