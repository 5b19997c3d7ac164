package io.bascule.platinum;

import io.bascule.surveillance.Sample;
import io.bascule.surveillance.SampleStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The PLATINUM report's charts from the surveillance's sample store in a temporary work directory: the mean query time
 * and the connections of the database over the window asked (both ends in), samples without the figure left out, a long
 * series cut into time buckets of their mean, a short one kept as it is; the report's charts drawn from them.
 */
class StoredSamplesTest {

    static final Instant T0 = Instant.parse("2026-12-01T22:00:00Z");

    @TempDir
    Path work;

    /** A sample of this database: {@code active} and {@code idle} sessions, a mean statement time (null: not measured). */
    static Sample sample(Instant at, int active, int idle, Double avgQueryMs) {
        Map<String, Integer> states = new LinkedHashMap<>();
        states.put("active", active);
        states.put("idle", idle);
        states.put("idle in transaction", 0);
        return new Sample(at, 5, 5, "shop", "17.6", true, null, states, active + idle + 7, 100, 97, 10.0, 0,
                avgQueryMs != null, avgQueryMs == null ? "pg_stat_statements is not installed" : null,
                avgQueryMs == null ? null : 1000L, avgQueryMs, avgQueryMs == null ? null : avgQueryMs * 3, List.of(), 0,
                List.of(), 0.0, List.of(), 2, List.of(), 0, 0L, 0L, T0.minusSeconds(3600), 99.0, List.of(), 0, List.of(), 0,
                List.of(), 0, null, List.of(), List.of());
    }

    @Test
    void theSeriesAreReadFromTheStoreOverTheWindowBothEndsIn() {
        SampleStore store = new SampleStore(work, Duration.ofDays(30));
        store.append(sample(T0.minusSeconds(5), 9, 9, 99.0));      // before the window
        store.append(sample(T0, 1, 2, 4.0));
        store.append(Sample.failed(T0.plusSeconds(5), 10, 0, "shop", false, "connection refused", null));
        store.append(sample(T0.plusSeconds(10), 2, 3, null));     // no pg_stat_statements: connections only
        store.append(sample(T0.plusSeconds(7200), 3, 4, 6.5));    // the next UTC day's file
        store.append(sample(T0.plusSeconds(7205), 9, 9, 99.0));   // after the window

        StoredSamples samples = new StoredSamples(store);
        Instant to = T0.plusSeconds(7200);
        assertThat(samples.meanQueryMs(T0, to)).containsExactly(new PlatinumSamples.Point(T0, 4.0),
                new PlatinumSamples.Point(to, 6.5));
        assertThat(samples.connections(T0, to)).containsExactly(new PlatinumSamples.Point(T0, 3.0),
                new PlatinumSamples.Point(T0.plusSeconds(10), 5.0), new PlatinumSamples.Point(to, 7.0));
        assertThat(new StoredSamples(new SampleStore(work.resolve("empty"), Duration.ofDays(1))).connections(T0, to)).isEmpty();
    }

    @Test
    void aDayOfSamplesIsCutIntoAtMostThreeHundredPointsOfTheirBucketsMean() {
        SampleStore store = new SampleStore(work, Duration.ofDays(30));
        Instant from = T0;
        Instant to = T0.plus(Duration.ofHours(24));
        // a sample every 60 s for 24 h: 1,441 samples; the query time climbs 0, 1, 2 ... ms, the connections alternate
        int n = 0;
        for (Instant at = from; !at.isAfter(to); at = at.plusSeconds(60), n++) {
            store.append(sample(at, n % 2, 10, (double) n));
        }
        assertThat(n).isEqualTo(1441);

        List<PlatinumSamples.Point> query = new StoredSamples(store).meanQueryMs(from, to);
        List<PlatinumSamples.Point> connections = new StoredSamples(store).connections(from, to);
        assertThat(query).hasSizeLessThanOrEqualTo(StoredSamples.MAX_POINTS).hasSizeGreaterThan(250);
        assertThat(connections).hasSameSizeAs(query);
        // in time order, within the window, each the mean of its bucket: the climbing series stays a straight line
        for (int i = 1; i < query.size(); i++) {
            assertThat(query.get(i).at()).isAfter(query.get(i - 1).at());
        }
        assertThat(query.get(0).at()).isAfterOrEqualTo(from);
        assertThat(query.get(query.size() - 1).at()).isBeforeOrEqualTo(to);
        for (PlatinumSamples.Point p : query) {
            double minutes = Duration.between(from, p.at()).toMillis() / 60_000.0;
            assertThat(p.value()).as("mean of its bucket at its mean time").isCloseTo(minutes, within(0.01));
        }
        assertThat(connections).allSatisfy(p -> assertThat(p.value()).isBetween(10.0, 11.0));
        assertThat(query.stream().mapToDouble(PlatinumSamples.Point::value).average().orElseThrow()).isCloseTo(720.0, within(1.0));
    }

    @Test
    void aShortSeriesIsKeptAsItIsAndAGapStaysAGap() {
        List<PlatinumSamples.Point> few = List.of(new PlatinumSamples.Point(T0, 1), new PlatinumSamples.Point(T0.plusSeconds(5), 2));
        assertThat(StoredSamples.downsample(few, T0, T0.plusSeconds(86400), 300)).isEqualTo(few);
        // ten points at the start and ten at the end of the window in 4 buckets: the middle two are empty
        List<PlatinumSamples.Point> apart = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            apart.add(new PlatinumSamples.Point(T0.plusSeconds(i), 1));
            apart.add(new PlatinumSamples.Point(T0.plusSeconds(399 - i), 3));
        }
        apart.sort(java.util.Comparator.comparing(PlatinumSamples.Point::at));
        List<PlatinumSamples.Point> cut = StoredSamples.downsample(apart, T0, T0.plusSeconds(399), 4);
        assertThat(cut).extracting(PlatinumSamples.Point::value).containsExactly(1.0, 3.0);
        assertThat(cut.get(0).at()).isEqualTo(T0.plusMillis(4500));
    }

    @Test
    void theReportDrawsItsChartsFromTheKeptSamples() throws Exception {
        SampleStore store = new SampleStore(work, Duration.ofDays(30));
        Instant at = PlatinumReportTest.AT;
        for (int i = 0; i < 50; i++) {
            store.append(sample(at.minus(Duration.ofHours(23)).plusSeconds(60L * i), 2, 8, 3.0 + i % 5));
        }
        PlatinumReport report = new PlatinumReport(work.resolve("reports"), List.of(), new StoredSamples(store));
        List<Path> files = report.write(PlatinumReportTest.assessment(0));
        String md = java.nio.file.Files.readString(files.get(0));
        String html = java.nio.file.Files.readString(files.get(1));
        assertThat(md).contains("- Mean query time: `").contains("50 samples from").contains("min 3, mean 5, max 7 ms")
                .contains("- Connections: `").doesNotContain("no samples kept");
        assertThat(html).contains("<polyline").contains("50 samples; min 3, mean 5, max 7 ms").contains("50 samples; min 10, mean 10, max 10");
    }
}
