package io.bascule.surveillance;

import java.time.Instant;

/**
 * A client session of the target database idle (or idle in a transaction) for longer than the bound.
 *
 * @param since      when it became idle (pg_stat_activity.state_change)
 * @param ageSeconds how long it has been idle, when listed
 * @param lastQuery  its last statement, one line, shortened (literals hidden when it names a password or secret)
 */
public record IdleSession(int pid, String user, String applicationName, String clientAddr, String state, Instant since,
                          long ageSeconds, String lastQuery) {

    /** Idle inside an open transaction: it holds its locks and keeps old row versions from being vacuumed. */
    public boolean inTransaction() {
        return state != null && state.startsWith("idle in transaction");
    }
}
