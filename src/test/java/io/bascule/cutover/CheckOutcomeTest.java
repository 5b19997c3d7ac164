package io.bascule.cutover;

import io.bascule.config.BasculeProperties.BusinessCheck;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The console lines of the cutover's checks, and the bounds a business check's query runs within. */
class CheckOutcomeTest {

    @Test
    void linesAsTheConsoleShowsThem() {
        CheckOutcome ok = new CheckOutcome("dashboard-7-days", true, 12, 8L, Map.of(), Map.of(), Map.of(), List.of(), List.of());
        assertThat(ok.line()).isEqualTo("✅ dashboard-7-days 12 ms");
        CheckOutcome noted = new CheckOutcome("locataire-lookup", true, 3, 50L, Map.of(), Map.of(), Map.of(), List.of(),
                List.of("plan uses idx_audit_logs_locataire"));
        assertThat(noted.line()).isEqualTo("✅ locataire-lookup 3 ms (plan uses idx_audit_logs_locataire)");
        CheckOutcome failed = new CheckOutcome("disbursements-report", false, 4, 1L, Map.of(), Map.of(), Map.of(),
                List.of("expected total=165589.05, got 165589.06", "expected 2 row(s), got 1"), List.of());
        assertThat(failed.line()).isEqualTo("❌ disbursements-report: expected total=165589.05, got 165589.06; expected 2 row(s), got 1");
        assertThatThrownBy(() -> new CheckOutcome("x", true, 0, null, null, null, null, List.of("a failure"), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aQueryIsCancelledAtTenTimesItsBudgetWithinBounds() {
        assertThat(EndToEndChecks.queryTimeout(check(null))).isEqualTo(EndToEndChecks.DEFAULT_QUERY_TIMEOUT);
        assertThat(EndToEndChecks.queryTimeout(check(Duration.ofMillis(100)))).isEqualTo(Duration.ofSeconds(5));
        assertThat(EndToEndChecks.queryTimeout(check(Duration.ofSeconds(2)))).isEqualTo(Duration.ofSeconds(20));
        assertThat(EndToEndChecks.queryTimeout(check(Duration.ofMinutes(5)))).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void aNegativeRowCountOrDurationIsRefused() {
        assertThatThrownBy(() -> new BusinessCheck("n", null, "SELECT 1", null, null, null, Map.of(), -1L))
                .hasMessageContaining("expect-rows is -1");
        assertThatThrownBy(() -> new BusinessCheck("n", null, "SELECT 1", null, Duration.ZERO, null, Map.of(), null))
                .hasMessageContaining("max-duration");
    }

    private static BusinessCheck check(Duration max) {
        return new BusinessCheck("c", null, "SELECT 1", null, max, null, Map.of(), null);
    }
}
