package io.bascule.migration;

/** A source value that PostgreSQL cannot hold exactly under the planned mapping: reported, never changed. */
public class UncarriableValueException extends RuntimeException {
    public UncarriableValueException(String message) {
        super(message);
    }
}
