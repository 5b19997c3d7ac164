package io.bascule.embedded;

/** An embedded database server could not be started, stopped or prepared. */
public class EmbeddedServerException extends RuntimeException {
    public EmbeddedServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
