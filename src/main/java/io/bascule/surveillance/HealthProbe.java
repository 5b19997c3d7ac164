package io.bascule.surveillance;

/**
 * One request to the application's health URL.
 *
 * @param probe      1-based number
 * @param httpStatus the HTTP status, or null when no answer came
 * @param millis     the time to the answer (or to the failure)
 * @param error      the connection error, or null
 */
public record HealthProbe(int probe, Integer httpStatus, long millis, String error) {

    public boolean healthy() {
        return httpStatus != null && httpStatus >= 200 && httpStatus < 300;
    }
}
