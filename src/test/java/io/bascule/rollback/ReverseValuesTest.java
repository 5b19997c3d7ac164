package io.bascule.rollback;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReverseValuesTest {

    @Test
    void timeIsMySqlTextOfSignedMicrosecondsBeyondADay() {
        assertThat(ReverseValues.time(0)).isEqualTo("0:00:00");
        assertThat(ReverseValues.time(27_000_250_000L)).isEqualTo("7:30:00.250000");
        assertThat(ReverseValues.time(-43_200_000_000L)).isEqualTo("-12:00:00");
        assertThat(ReverseValues.time(3_020_399_000_000L)).isEqualTo("838:59:59");
        assertThat(ReverseValues.time(-1)).isEqualTo("-0:00:00.000001");
    }

    @Test
    void bitStringsBecomeBigEndianBytesOfTheColumnWidth() {
        assertThat(ReverseValues.bits("1000000001")).containsExactly(0x02, 0x01);
        assertThat(ReverseValues.bits("0")).containsExactly(0);
        assertThat(ReverseValues.bits("1".repeat(64))).containsExactly(-1, -1, -1, -1, -1, -1, -1, -1);
        assertThat(ReverseValues.bits("1" + "0".repeat(63))).containsExactly(-128, 0, 0, 0, 0, 0, 0, 0);
    }
}
