package io.bascule.platinum;

import java.time.Instant;
import java.util.List;

/**
 * The samples the surveillance kept, as the PLATINUM report reads them for its charts: mean statement time and
 * connections over the last 24 hours. {@link #NONE} keeps none (the report then says "no samples kept"); the
 * surveillance's sample store provides the real one.
 */
public interface PlatinumSamples {

    /** One sample of a series: when, and the value. */
    record Point(Instant at, double value) {
    }

    /** Mean statement time in milliseconds (pg_stat_statements), oldest first, within [from, to]. */
    List<Point> meanQueryMs(Instant from, Instant to);

    /** Connections to the database (every state), oldest first, within [from, to]. */
    List<Point> connections(Instant from, Instant to);

    /** No samples kept. */
    PlatinumSamples NONE = new PlatinumSamples() {
        @Override
        public List<Point> meanQueryMs(Instant from, Instant to) {
            return List.of();
        }

        @Override
        public List<Point> connections(Instant from, Instant to) {
            return List.of();
        }
    };
}
