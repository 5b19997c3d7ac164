package io.bascule.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The surveillance and PLATINUM settings bind with the playbook's defaults and refuse nonsense by name. */
class SurveillanceBindingTest {

    @Test
    void defaultsAreThePlaybooks() {
        BasculeProperties p = SettingsResolver.bind(Map.of(), null);
        assertThat(p.surveillance().sampleInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(p.surveillance().checklistOffsets()).containsExactly(Duration.ofMinutes(15), Duration.ofMinutes(30),
                Duration.ofMinutes(45), Duration.ofMinutes(60));
        assertThat(p.surveillance().maxConnectionUsagePct()).isEqualTo(80.0);
        assertThat(p.surveillance().maxAvgQueryMs()).isEqualTo(100.0);
        assertThat(p.surveillance().slowQuery()).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.platinum().after()).isEqualTo(Duration.ofHours(24));
        assertThat(p.platinum().minUptime()).isEqualTo(Duration.ofHours(23));
        assertThat(p.platinum().slowQuery()).isEqualTo(Duration.ofMillis(500));
        assertThat(p.platinum().keepSource()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void offsetsAndThresholdsBind() {
        BasculeProperties p = SettingsResolver.bind(Map.of(
                "bascule.surveillance.checklist-offsets", "1m,2m",
                "bascule.surveillance.health-failures", "5",
                "bascule.platinum.min-uptime", "10s"), null);
        assertThat(p.surveillance().checklistOffsets()).isEqualTo(List.of(Duration.ofMinutes(1), Duration.ofMinutes(2)));
        assertThat(p.surveillance().healthFailures()).isEqualTo(5);
        assertThat(p.platinum().minUptime()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aZeroIntervalIsNamed() {
        assertThatThrownBy(() -> SettingsResolver.bind(Map.of("bascule.surveillance.sample-interval", "0s"), null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bascule.surveillance.sample-interval");
        assertThatThrownBy(() -> SettingsResolver.bind(Map.of("bascule.platinum.retry-after", "-1h"), null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bascule.platinum.retry-after");
    }
}
