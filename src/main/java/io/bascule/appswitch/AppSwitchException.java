package io.bascule.appswitch;

/**
 * Switching the application's connection setting cannot go on: the message names the file, what is wrong and how to
 * fix it; it never holds a password (URL values are redacted). When thrown, the application's file is unchanged.
 */
public class AppSwitchException extends RuntimeException {

    public AppSwitchException(String message) {
        super(message);
    }

    public AppSwitchException(String message, Throwable cause) {
        super(message, cause);
    }
}
