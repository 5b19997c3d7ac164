package io.bascule.rollback;

/**
 * The reverse channel cannot do what was asked (arm, apply, drain): the message names what is wrong (the table, the
 * key, the column, the blocking session) and how to fix it.
 */
public class ReverseChannelException extends RuntimeException {

    public ReverseChannelException(String message) {
        super(message);
    }

    public ReverseChannelException(String message, Throwable cause) {
        super(message, cause);
    }
}
