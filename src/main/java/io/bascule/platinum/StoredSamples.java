package io.bascule.platinum;

import io.bascule.surveillance.Sample;
import io.bascule.surveillance.SampleStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The PLATINUM report's charts read from the samples the surveillance kept ({@link SampleStore}, daily JSONL files in
 * {@code <work-dir>/surveillance/}): the mean statement time ({@link Sample#avgQueryMs()}, pg_stat_statements'
 * calls-weighted mean since the cutover's reset) and the connections to the database (the sessions of every state in
 * {@link Sample#connectionsByState()}, the server's total when the states are unknown). Samples without the figure
 * (PostgreSQL unreachable, pg_stat_statements absent) are left out.
 *
 * <p>A day of samples every 5 s is some 17,000 points: a series of more than {@link #MAX_POINTS} is cut into that many
 * buckets of equal time over the window asked, each point the mean value of its bucket's samples at their mean time (a
 * bucket without samples gives no point, so a gap stays a gap); a shorter one is kept as it is. The samples of a window are read once for both series: the
 * report asks for both over the same window.
 */
public final class StoredSamples implements PlatinumSamples {

    /** At most this many points per series (a chart 640 px wide needs no more). */
    public static final int MAX_POINTS = 300;

    private final SampleStore store;
    private final int maxPoints;
    private Window last;

    private record Window(Instant from, Instant to, List<Point> meanQueryMs, List<Point> connections) {
    }

    public StoredSamples(SampleStore store) {
        this(store, MAX_POINTS);
    }

    StoredSamples(SampleStore store, int maxPoints) {
        if (maxPoints < 1) {
            throw new IllegalArgumentException("maxPoints is " + maxPoints + "; give 1 or more");
        }
        this.store = store;
        this.maxPoints = maxPoints;
    }

    @Override
    public List<Point> meanQueryMs(Instant from, Instant to) {
        return window(from, to).meanQueryMs();
    }

    @Override
    public List<Point> connections(Instant from, Instant to) {
        return window(from, to).connections();
    }

    private synchronized Window window(Instant from, Instant to) {
        Window w = last;
        if (w != null && w.from().equals(from) && w.to().equals(to)) {
            return w;
        }
        List<Point> query = new ArrayList<>();
        List<Point> connections = new ArrayList<>();
        // [from, to]: the store's upper bound is exclusive, the interface's inclusive
        try (Stream<Sample> samples = store.read(from, to.plusNanos(1))) {
            samples.forEach(s -> {
                if (s.avgQueryMs() != null) {
                    query.add(new Point(s.at(), s.avgQueryMs()));
                }
                Integer n = connections(s);
                if (n != null) {
                    connections.add(new Point(s.at(), n));
                }
            });
        }
        w = new Window(from, to, downsample(query, from, to, maxPoints), downsample(connections, from, to, maxPoints));
        last = w;
        return w;
    }

    /**
     * The points as they are when there are at most {@code maxPoints}, else one point per bucket of equal time over
     * [from, to]: the mean value of the bucket's points at their mean time; an empty bucket gives none.
     */
    static List<Point> downsample(List<Point> points, Instant from, Instant to, int maxPoints) {
        if (points.size() <= maxPoints) {
            return List.copyOf(points);
        }
        Bucketed b = new Bucketed(from, to, maxPoints);
        points.forEach(p -> b.add(p.at(), p.value()));
        return b.points();
    }

    /** The sessions of this database, every state; the server's total when no state was read; null when not measured. */
    static Integer connections(Sample s) {
        if (!s.reachable()) {
            return null;
        }
        if (!s.connectionsByState().isEmpty()) {
            return s.connectionsByState().values().stream().mapToInt(v -> v == null ? 0 : v).sum();
        }
        return s.connections();
    }

    /** Values summed per bucket of equal time over [from, to]. */
    private static final class Bucketed {
        private final long from;
        private final long span;
        private final int buckets;
        private final double[] sum;
        private final double[] atSum;
        private final long[] count;

        Bucketed(Instant from, Instant to, int maxPoints) {
            this.from = from.toEpochMilli();
            this.span = Math.max(1, to.toEpochMilli() - this.from + 1);
            this.buckets = maxPoints;
            this.sum = new double[maxPoints];
            this.atSum = new double[maxPoints];
            this.count = new long[maxPoints];
        }

        void add(Instant at, double value) {
            long offset = at.toEpochMilli() - from;
            if (offset < 0 || offset >= span) {
                return;
            }
            int b = (int) Math.min(buckets - 1, offset * buckets / span);
            sum[b] += value;
            atSum[b] += offset;
            count[b]++;
        }

        List<Point> points() {
            List<Point> points = new ArrayList<>();
            for (int b = 0; b < buckets; b++) {
                if (count[b] > 0) {
                    points.add(new Point(Instant.ofEpochMilli(from + Math.round(atSum[b] / count[b])), sum[b] / count[b]));
                }
            }
            return points;
        }
    }
}
