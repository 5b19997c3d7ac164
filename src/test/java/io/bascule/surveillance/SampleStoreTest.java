package io.bascule.surveillance;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The samples of the work directory: one JSON line per sample in a file per UTC day, read back by range, pruned by age. */
class SampleStoreTest {

    @TempDir
    Path work;

    static Sample sample(Instant at, int idle) {
        Sample s = new Sample(at, 7, 5, "shop", "17.6", true, null,
                Map.of("active", 1, "idle", idle, "idle in transaction", 0), idle + 1, 100, 97, 100.0 * (idle + 1) / 97, 0,
                true, null, 1234L, 2.5, 120.0,
                List.of(new Sample.QueryStat(42L, "SELECT * FROM orders WHERE id = $1", 1000, 0.5, 3.0, 500.0)),
                0, List.of(), 1.25, List.of(new Sample.TableStat("public", "orders", 1000, 12, 1.19, null,
                at.minusSeconds(60), null, at.minusSeconds(30), 3, 997L)), 1,
                List.of(new Sample.IndexStat("public", "orders", "orders_note", 8192)), 1, 0L, 0L, at.minusSeconds(3600),
                99.5, List.of(), 0, List.of(), 0, List.of(), 0,
                new Sample.AppHealth("http://app/health", true, 200, null, 3), List.of(), List.of());
        return s.withAlerts(SampleChecks.evaluate(s, SamplerIT.defaults()));
    }

    @Test
    void samplesRoundTripAndAreReadByRangeAcrossDays() {
        SampleStore store = new SampleStore(work, Duration.ofDays(30));
        Instant day1 = Instant.parse("2026-12-01T23:59:55Z");
        List<Sample> written = List.of(sample(day1, 1), sample(day1.plusSeconds(5), 2), sample(day1.plusSeconds(10), 3),
                sample(day1.plusSeconds(15), 4));
        written.forEach(store::append);

        assertThat(store.days()).containsExactly(LocalDate.parse("2026-12-01"), LocalDate.parse("2026-12-02"));
        assertThat(Files.exists(work.resolve("surveillance/samples-2026-12-01.jsonl"))).isTrue();
        assertThat(store.list(null, null)).isEqualTo(written);
        assertThat(store.list(day1.plusSeconds(5), day1.plusSeconds(15))).extracting(s -> s.connectionsByState().get("idle"))
                .containsExactly(2, 3);
        assertThat(store.list(day1.plusSeconds(20), null)).isEmpty();
        try (Stream<Sample> s = store.read(day1, day1.plusSeconds(1))) {
            assertThat(s.findFirst().orElseThrow()).isEqualTo(written.get(0));
        }
    }

    @Test
    void aLineIsOneCompactJsonObjectStartingWithItsInstant() throws Exception {
        SampleStore store = new SampleStore(work, Duration.ofDays(30));
        Instant at = Instant.parse("2026-12-01T10:00:00Z");
        store.append(sample(at, 1));
        List<String> lines = Files.readAllLines(store.fileOf(LocalDate.parse("2026-12-01")));
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("{\"at\":\"2026-12-01T10:00:00Z\",").endsWith("}");
        assertThat(lines.get(0).length()).as("a typical sample's line").isLessThan(4000);
    }

    @Test
    void aLineCutShortByACrashIsSkippedAndTheNextSampleStartsOnItsOwnLine() throws Exception {
        SampleStore store = new SampleStore(work, Duration.ofDays(30));
        Instant at = Instant.parse("2026-12-01T10:00:00Z");
        store.append(sample(at, 1));
        Path file = store.fileOf(LocalDate.parse("2026-12-01"));
        String whole = SampleJson.toJson(sample(at.plusSeconds(5), 2));
        Files.writeString(file, whole.substring(0, whole.length() / 2), StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        assertThat(store.list(null, null)).as("the cut line is skipped, not a crash").hasSize(1);

        SampleStore restarted = new SampleStore(work, Duration.ofDays(30));
        restarted.append(sample(at.plusSeconds(10), 3));
        assertThat(restarted.list(null, null)).extracting(s -> s.connectionsByState().get("idle")).containsExactly(1, 3);
        assertThat(Files.readAllLines(file)).hasSize(3);
    }

    @Test
    void daysOlderThanSamplesKeptArePruned() {
        SampleStore store = new SampleStore(work, Duration.ofDays(2));
        for (int d = 1; d <= 5; d++) {
            store.append(sample(Instant.parse("2026-12-0" + d + "T12:00:00Z"), d));
        }
        assertThat(store.prune(Instant.parse("2026-12-05T13:00:00Z"))).isEqualTo(2);
        assertThat(store.days()).extracting(LocalDate::toString).containsExactly("2026-12-03", "2026-12-04", "2026-12-05");
        assertThat(store.prune(Instant.parse("2026-12-05T13:00:00Z"))).isZero();
    }

    @Test
    void anEmptyOrMissingStoreReadsNothing() throws Exception {
        SampleStore store = new SampleStore(work.resolve("nothing-here"), Duration.ofDays(2));
        assertThat(store.list(null, null)).isEmpty();
        assertThat(store.prune(Instant.now())).isZero();
        Files.createDirectories(work.resolve("surveillance"));
        Files.writeString(work.resolve("surveillance/notes.txt"), "not a sample file");
        assertThat(new SampleStore(work, Duration.ofDays(2)).days()).isEmpty();
    }
}
