package io.bascule.cutover;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What counts as the same value printed by MySQL and by PostgreSQL when a check's first rows are compared. */
class ValueTextTest {

    @Test
    void sameValuesPrintedDifferently() {
        assertThat(ValueText.same("165589.05", "165589.05")).isTrue();
        assertThat(ValueText.same("165589.05", "165589.050")).isTrue();
        assertThat(ValueText.same("211", "211")).isTrue();
        assertThat(ValueText.same("2026-11-27 10:11:12.12", "2026-11-27 10:11:12.120")).isTrue();
        assertThat(ValueText.same("2026-11-27 10:11:12", "2026-11-27 10:11:12.000")).isTrue();
        assertThat(ValueText.same("2026-11-27 10:11:12+00", "2026-11-27 10:11:12")).isTrue();
        assertThat(ValueText.same("10:11:12.5", "10:11:12.500000")).isTrue();
        assertThat(ValueText.same("t", "1")).isTrue();
        assertThat(ValueText.same("f", "0")).isTrue();
        assertThat(ValueText.same(null, null)).isTrue();
    }

    @Test
    void differentValues() {
        assertThat(ValueText.same("165589.05", "165589.06")).isFalse();
        assertThat(ValueText.same("2026-11-27 10:11:12.12", "2026-11-27 10:11:12.121")).isFalse();
        assertThat(ValueText.same("2026-11-27 10:11:12+02", "2026-11-27 10:11:12")).isFalse();
        assertThat(ValueText.same("2026-08-03", "2026-08-04")).isFalse();
        assertThat(ValueText.same("abc", "ABC")).isFalse();
        assertThat(ValueText.same("t", "0")).isFalse();
        assertThat(ValueText.same(null, "")).isFalse();
        assertThat(ValueText.same("", null)).isFalse();
    }

    @Test
    void valuesAreShownShortAndNullAsNull() {
        assertThat(ValueText.shown(null)).isEqualTo("NULL");
        assertThat(ValueText.shown("x".repeat(100))).hasSize(81).endsWith("…");
    }
}
