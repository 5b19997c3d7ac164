package io.bascule.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A business check binds from its config keys; expect-rows is optional, so that configs without it stay valid. */
class BusinessCheckBindingTest {

    @Test
    void expectRowsBindsAndIsOptional() {
        BasculeProperties p = SettingsResolver.bind(Map.of(
                "bascule.business-checks[0].name", "late-payments",
                "bascule.business-checks[0].sql", "SELECT id FROM payments WHERE late",
                "bascule.business-checks[0].expect-rows", "12",
                "bascule.business-checks[0].max-duration", "250ms",
                "bascule.business-checks[1].name", "totals",
                "bascule.business-checks[1].sql", "SELECT sum(amount) AS total FROM payments",
                "bascule.business-checks[1].expect.total", "10.00"), null);
        assertThat(p.businessChecks().get(0).expectRows()).isEqualTo(12L);
        assertThat(p.businessChecks().get(0).maxDuration()).isEqualTo(Duration.ofMillis(250));
        assertThat(p.businessChecks().get(0).expect()).isEmpty();
        assertThat(p.businessChecks().get(1).expectRows()).isNull();
        assertThat(p.businessChecks().get(1).expect()).containsExactly(Map.entry("total", "10.00"));
    }

    @Test
    void aNegativeRowCountIsNamed() {
        assertThatThrownBy(() -> SettingsResolver.bind(Map.of(
                "bascule.business-checks[0].name", "x",
                "bascule.business-checks[0].sql", "SELECT 1",
                "bascule.business-checks[0].expect-rows", "-3"), null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("expect-rows is -3");
    }
}
