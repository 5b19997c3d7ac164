package io.bascule.appswitch;

import java.time.Instant;

/**
 * What Bascule did to the application's config file, kept as {@code switch.json} next to the byte-for-byte copy of
 * the original in {@code <work-dir>/appswitch/<file>-<hash>/}. Values are redacted: no password is ever in it.
 *
 * @param file           the application's config file (absolute)
 * @param status         {@code SWITCHED} or {@code RESTORED}
 * @param originalSha256 SHA-256 of the file before the switch (the kept original)
 * @param writtenSha256  SHA-256 of what the switch wrote
 * @param line           the key's line
 * @param oldValue       the value before the switch, redacted
 * @param newValue       the value written, redacted
 * @param permissions    the file's POSIX permissions at the switch ({@code rw-r-----}), used if it must be recreated
 * @param restoredHow    how it was restored ({@code restored}, or {@code restored anyway} with where the hand-edited
 *                       file was kept), or null
 */
public record SwitchRecord(String file, String key, String format, String status, String originalSha256,
                           String writtenSha256, int line, String oldValue, String newValue, Instant switchedAt,
                           String permissions, Instant restoredAt, String restoredHow) {

    static final String SWITCHED = "SWITCHED";
    static final String RESTORED = "RESTORED";

    boolean switched() {
        return SWITCHED.equals(status);
    }

    SwitchRecord restored(Instant at, String how) {
        return new SwitchRecord(file, key, format, RESTORED, originalSha256, writtenSha256, line, oldValue, newValue,
                switchedAt, permissions, at, how);
    }
}
