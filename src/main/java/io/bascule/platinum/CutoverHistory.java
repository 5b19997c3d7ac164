package io.bascule.platinum;

import java.time.Instant;

/**
 * The cutover the PLATINUM report judges, as the engine's history tells it ({@link PlatinumHistory}) or as a caller
 * gives it (tests, a process that knows its cutover).
 *
 * @param processInstanceId the cutover run (null when given by hand)
 * @param startedAt         when the cutover run started: PostgreSQL must not have restarted since
 * @param switchedAt        when the application was switched to PostgreSQL (null when unknown)
 * @param outcome           the run's outcome code ({@code CUTOVER_SUCCESSFUL}), or null
 */
public record CutoverHistory(String processInstanceId, Instant startedAt, Instant switchedAt, String outcome) {

    public CutoverHistory {
        if (startedAt == null) {
            throw new IllegalArgumentException("a cutover history needs the cutover's start time");
        }
    }

    /** A cutover known only by its start (tests, a caller without the engine's history). */
    public static CutoverHistory startedAt(Instant startedAt) {
        return new CutoverHistory(null, startedAt, null, null);
    }

    /** Since when the application runs on PostgreSQL: the switch, else the cutover's start. */
    public Instant since() {
        return switchedAt != null ? switchedAt : startedAt;
    }
}
