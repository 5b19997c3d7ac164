package io.bascule.rollback;

/**
 * MySQL refused a carried-back row for a duplicate unique value: either a row of a later transaction not applied yet
 * holds it (the next batches resolve it), or MySQL has a unique key PostgreSQL does not (a case-insensitive collation,
 * a prefix index): then it stays, and the message names the table, the key and the value.
 */
public class ReplayConflictException extends ReverseChannelException {

    public ReplayConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
