package io.bascule.surveillance;

import io.bascule.config.SettingsResolver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The schedule the surveillance model reads from bean surveillanceSettings: offsets, labels, due times, the update cycle. */
class SurveillanceSettingsTest {

    static SurveillanceSettings settings(Map<String, String> config) {
        return new SurveillanceSettings(SettingsResolver.bind(config, null));
    }

    @Test
    void thePlaybooksScheduleByDefault() {
        SurveillanceSettings s = settings(Map.of());
        assertThat(s.checklistOffsets()).isEqualTo("PT15M,PT30M,PT45M,PT1H");
        assertThat(s.checklistLabels()).containsExactly("T+15", "T+30", "T+45", "T+60");
        assertThat(s.offsets(s.checklistOffsets())).containsExactly("PT15M", "PT30M", "PT45M", "PT1H");
        assertThat(s.passedVariable("PT15M")).isEqualTo("surveillanceT15Passed");
        assertThat(s.passedVariable("PT1H")).isEqualTo("surveillanceT60Passed");
        assertThat(s.updateInterval()).isEqualTo("PT15M");
        assertThat(s.rollbackFirstImpactPct()).isEqualTo(50.0);
    }

    @Test
    void configuredOffsetsAreSortedAndDeduplicated() {
        SurveillanceSettings s = settings(Map.of("bascule.surveillance.checklist-offsets", "90s,20m,10m,20m"));
        assertThat(s.checklistOffsets()).isEqualTo("PT1M30S,PT10M,PT20M");
        assertThat(s.checklistLabels()).containsExactly("T+90s", "T+10", "T+20");
        assertThat(s.passedVariable("PT1M30S")).isEqualTo("surveillanceT90sPassed");
    }

    @Test
    void aRunMayGiveItsOwnOffsetsAndInterval() {
        SurveillanceSettings s = settings(Map.of());
        assertThat(s.checklistOffsets(null)).isEqualTo("PT15M,PT30M,PT45M,PT1H");
        assertThat(s.checklistOffsets(" ")).isEqualTo("PT15M,PT30M,PT45M,PT1H");
        assertThat(s.checklistOffsets("60m, 30m")).isEqualTo("PT30M,PT1H");
        assertThat(s.checklistOffsets(List.of("PT5M", Duration.ofMinutes(1)))).isEqualTo("PT1M,PT5M");
        assertThat(s.updateInterval("10m")).isEqualTo("PT10M");
        assertThat(s.updateInterval(null)).isEqualTo("PT15M");
        assertThatThrownBy(() -> s.checklistOffsets("15m,soon"))
                .hasMessage("checklistOffsets holds 'soon', which is not a duration; give e.g. 15m or PT15M");
        assertThatThrownBy(() -> s.checklistOffsets("0m")).hasMessageContaining("give positive durations");
        assertThatThrownBy(() -> s.updateInterval("-5m")).hasMessageContaining("updateInterval is PT-5M");
    }

    @Test
    void dueTimesAreAbsoluteFromTheStart() {
        SurveillanceSettings s = settings(Map.of());
        Date now = Date.from(Instant.parse("2025-06-02T10:00:00.123456Z"));
        assertThat(s.startedAt(null, now)).isEqualTo("2025-06-02T10:00:00.123Z");
        assertThat(s.startedAt("", now)).isEqualTo("2025-06-02T10:00:00.123Z");
        assertThat(s.startedAt("2025-06-02T09:50:00Z", now)).isEqualTo("2025-06-02T09:50:00Z");
        assertThat(s.startedAt(Date.from(Instant.parse("2025-06-02T09:55:00Z")), now)).isEqualTo("2025-06-02T09:55:00Z");
        assertThatThrownBy(() -> s.startedAt("10:00", now))
                .hasMessage("startedAt is '10:00', which is not an ISO-8601 instant; give e.g. 2025-06-01T10:00:00Z");
        assertThat(s.checklistDueAt("2025-06-02T09:50:00Z", "PT15M")).isEqualTo("2025-06-02T10:05:00Z");
        assertThat(s.checklistDue("2025-06-02T09:50:00Z", "PT1H")).isEqualTo(Date.from(Instant.parse("2025-06-02T10:50:00Z")));
        assertThat(s.updateCycle("2025-06-02T09:50:00Z", "PT15M")).isEqualTo("R/2025-06-02T10:05:00Z/PT15M");
    }
}
