package io.bascule.platinum;

import java.util.List;

/**
 * The incidents of the runbook runs the PLATINUM report looks at: the cutover and the surveillance runs since it
 * (filled from the engine's history by {@link PlatinumHistory}, or given by a caller).
 *
 * @param runs         the runs looked at, one line each ("cutover 1234 (completed)")
 * @param incidents    the incidents in them, open or resolved
 * @param open         how many of them are still open
 * @param descriptions one line per incident: run, step, type, message, when, open or resolved
 */
public record RunHistory(List<String> runs, long incidents, long open, List<String> descriptions) {

    public RunHistory {
        runs = runs == null ? List.of() : List.copyOf(runs);
        descriptions = descriptions == null ? List.of() : List.copyOf(descriptions);
        if (incidents < 0 || open < 0 || open > incidents) {
            throw new IllegalArgumentException("incidents " + incidents + ", open " + open + ": give 0 <= open <= incidents");
        }
    }

    /** Runs without any incident. */
    public static RunHistory clean(List<String> runs) {
        return new RunHistory(runs, 0, 0, List.of());
    }
}
