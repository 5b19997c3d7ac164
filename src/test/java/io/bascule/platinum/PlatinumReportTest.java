package io.bascule.platinum;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bascule.config.BasculeProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Score, verdict and the report's files (Markdown, HTML, JSON) from given criteria; no database. */
class PlatinumReportTest {

    static final Instant AT = Instant.parse("2026-12-02T02:00:00Z");

    @TempDir
    Path dir;

    static List<Criterion> criteria(int failed) {
        List<Criterion> list = new ArrayList<>();
        for (int i = 0; i < Criterion.NAMES.size(); i++) {
            String name = Criterion.NAMES.get(i);
            boolean passed = i >= failed;
            list.add(new Criterion(name, passed, "value of " + name, "threshold of " + name, List.of("detail of " + name),
                    passed ? List.of() : List.of("advice for " + name)));
        }
        return list;
    }

    static PlatinumAssessment assessment(int failed) {
        return PlatinumAssessment.of(AT, "jdbc:postgresql://db.example.org:5432/app", "public",
                new CutoverHistory("c-1", AT.minus(Duration.ofHours(25)), AT.minus(Duration.ofHours(24)), "CUTOVER_SUCCESSFUL"),
                criteria(failed), Duration.ofHours(24), List.of("a note"));
    }

    @Test
    void theScoreIsTheShareOfCriteriaPassedRoundedAndOnlySixOfSixIsGranted() {
        int[] expected = {100, 83, 67, 50, 33, 17, 0};
        for (int failed = 0; failed <= 6; failed++) {
            PlatinumAssessment a = assessment(failed);
            assertThat(a.score()).as(failed + " failed").isEqualTo(expected[failed]);
            assertThat(a.verdict()).isEqualTo(failed == 0 ? PlatinumAssessment.Verdict.GRANTED : PlatinumAssessment.Verdict.REFUSED);
            assertThat(a.nextReportAt()).isEqualTo(failed == 0 ? null : AT.plus(Duration.ofHours(24)));
        }
    }

    @Test
    void anAssessmentHoldsTheSixCriteriaInOrder() {
        List<Criterion> swapped = new ArrayList<>(criteria(0));
        java.util.Collections.swap(swapped, 0, 1);
        assertThatThrownBy(() -> PlatinumAssessment.of(AT, "t", "public", null, swapped, Duration.ofHours(1), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("in this order");
    }

    @Test
    void jsonHoldsScoreVerdictAndTheSixCriteriaWithTheirFourKeys() throws Exception {
        PlatinumAssessment a = assessment(2);
        JsonNode json = new ObjectMapper().readTree(PlatinumReport.json(a, List.of(dir.resolve("platinum-x.md"))));
        assertThat(json.get("score").asInt()).isEqualTo(67);
        assertThat(json.get("verdict").asText()).isEqualTo("REFUSED");
        assertThat(json.get("criteria")).hasSize(6);
        for (int i = 0; i < 6; i++) {
            JsonNode c = json.get("criteria").get(i);
            assertThat(c.get("name").asText()).isEqualTo(Criterion.NAMES.get(i));
            assertThat(c.get("passed").asBoolean()).isEqualTo(i >= 2);
            assertThat(c.get("value").asText()).isEqualTo("value of " + Criterion.NAMES.get(i));
            assertThat(c.get("threshold").asText()).isEqualTo("threshold of " + Criterion.NAMES.get(i));
        }
        assertThat(json.get("nextReportAt").asText()).isEqualTo("2026-12-03T02:00:00Z");
        assertThat(json.get("cutover").get("processInstanceId").asText()).isEqualTo("c-1");
        assertThat(json.get("files").get(0).asText()).endsWith("platinum-x.md");
    }

    @Test
    void theFilesShowVerdictCriteriaAdviceNextDateWarRoomAndCharts() throws Exception {
        PlatinumSamples samples = new PlatinumSamples() {
            @Override
            public List<Point> meanQueryMs(Instant from, Instant to) {
                return List.of(new Point(AT.minusSeconds(7200), 12), new Point(AT.minusSeconds(3600), 40), new Point(AT, 18));
            }

            @Override
            public List<Point> connections(Instant from, Instant to) {
                return List.of();
            }
        };
        List<BasculeProperties.Contact> team = List.of(new BasculeProperties.Contact("Alice <DBA>", "DBA", "alice@example.org", "+33 1"));
        List<Criterion> list = new ArrayList<>(criteria(1));
        list.set(0, new Criterion(Criterion.INTEGRITY, false, "1 | unexpected <row>", "none",
                List.of("MySQL jdbc:mysql://app:s3cret@db.example.org/legacy is read-only"), List.of("repair <it>")));
        PlatinumAssessment a = PlatinumAssessment.of(AT, "jdbc:postgresql://db.example.org:5432/app", "public", null, list,
                Duration.ofHours(24), List.of());

        List<Path> files = new PlatinumReport(dir.resolve("reports"), team, samples).write(a);

        assertThat(files).extracting(p -> p.getFileName().toString())
                .containsExactly("platinum-20261202T020000Z.md", "platinum-20261202T020000Z.html");
        String md = Files.readString(files.get(0));
        assertThat(md).startsWith("# PLATINUM REFUSED\n")
                .contains("| score | 83 / 100 (5 of 6 criteria passed, each one sixth) |")
                .contains("| 1 | **integrity** GOLD-certified data intact (amcheck, re-verification against MySQL) | 1 \\| unexpected <row> | none | ❌ |")
                .contains("| 2 | **uptime** PostgreSQL up without restart since the cutover | value of uptime | threshold of uptime | ✅ |")
                .contains("### integrity\n\n- repair <it>\n")
                .contains("Next report: 2026-12-03 02:00:00.000 UTC.")
                .contains("| cutover | no cutover history |")
                .contains("- Mean query time: `▁█▃` 3 samples from 2026-12-02 00:00:00.000 UTC to 2026-12-02 02:00:00.000 UTC;"
                        + " min 12, mean 23.3, max 40 ms")
                .contains("- Connections: no samples kept")
                .contains("| Alice <DBA> | DBA | alice@example.org | +33 1 |")
                .doesNotContain("s3cret");
        String html = Files.readString(files.get(1));
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<h1 class=\"refused\">PLATINUM REFUSED</h1>")
                .contains("1 | unexpected &lt;row&gt;").contains("<li>repair &lt;it&gt;</li>")
                .contains("<svg xmlns=\"http://www.w3.org/2000/svg\"").contains("<polyline")
                .contains("No samples kept.").contains("Alice &lt;DBA&gt;")
                .doesNotContain("s3cret").doesNotContain("<row>").doesNotContain("<script");
    }

    @Test
    void aGrantedReportHasNothingToDoAndNoNextDate() {
        PlatinumAssessment a = assessment(0);
        String md = new PlatinumReport(dir, List.of(), PlatinumSamples.NONE).markdown(a);
        assertThat(md).startsWith("# PLATINUM GRANTED").contains("Nothing: every criterion passed")
                .contains("| next report | none: PLATINUM granted |").contains("No war-room contacts are configured")
                .contains("| cutover audit trail | bascule audit c-1 (web: /audit/instance.html?id=c-1) |");
        assertThat(PlatinumReport.console(a)).startsWith("PLATINUM GRANTED: score 100/100, 6 of 6 criteria passed\n")
                .contains("  ✅ integrity    value of integrity (threshold: threshold of integrity)");
    }
}
