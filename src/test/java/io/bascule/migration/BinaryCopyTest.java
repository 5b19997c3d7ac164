package io.bascule.migration;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Binary COPY encodings against references built another way (the integration tests check them in PostgreSQL). */
class BinaryCopyTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** PostgreSQL's numeric_send layout computed from BigDecimal arithmetic. */
    private static byte[] referenceNumeric(String text) throws IOException {
        BigDecimal d = new BigDecimal(text);
        int dscale = Math.max(0, d.scale());
        List<Integer> groups = new ArrayList<>();
        BigInteger abs = d.abs().movePointRight(dscale).toBigIntegerExact();
        // align: pad the fraction to a multiple of 4 digits, then cut base-10000 groups from the right
        int pad = (4 - dscale % 4) % 4;
        abs = abs.multiply(BigInteger.TEN.pow(pad));
        int fracGroups = (dscale + pad) / 4;
        BigInteger tenThousand = BigInteger.valueOf(10_000);
        while (abs.signum() > 0) {
            BigInteger[] qr = abs.divideAndRemainder(tenThousand);
            groups.add(0, qr[1].intValue());
            abs = qr[0];
        }
        int weight = groups.size() - fracGroups - 1;
        while (!groups.isEmpty() && groups.get(0) == 0) {
            groups.remove(0);
            weight--;
        }
        while (!groups.isEmpty() && groups.get(groups.size() - 1) == 0) {
            groups.remove(groups.size() - 1);
        }
        if (groups.isEmpty()) {
            weight = 0;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(8 + 2 * groups.size());
        out.writeShort(groups.size());
        out.writeShort(weight);
        out.writeShort(d.signum() < 0 ? 0x4000 : 0);
        out.writeShort(dscale);
        for (int g : groups) {
            out.writeShort(g);
        }
        return bytes.toByteArray();
    }

    private static byte[] numeric(String text) {
        ByteBuf out = new ByteBuf(16);
        BinaryCopy.numeric(b(text), out);
        return out.toArray();
    }

    @Test
    void numericMatchesTheReference() throws IOException {
        for (String t : List.of("0", "0.00", "-0.00", "1", "-1", "10000", "9999", "12345.6789", "0.0001", "0.00001",
                "-0.5", "100000000.000000001", "18446744073709551615", "-99999999999999999999999999999999999.999999999999999999999999999999",
                "0.000000000000000000000000000001", "1.10", "20000", "1.5e-7", "-2.5E+3", "1e3", "123.456e-2")) {
            assertThat(numeric(t)).as(t).isEqualTo(referenceNumeric(t));
        }
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 20_000; i++) {
            int intDigits = r.nextInt(0, 30);
            int scale = r.nextInt(0, 31);
            StringBuilder sb = new StringBuilder(r.nextBoolean() ? "-" : "");
            sb.append(intDigits == 0 ? "0" : "");
            for (int k = 0; k < intDigits; k++) {
                sb.append(r.nextInt(10) < 3 ? '0' : (char) ('0' + r.nextInt(10)));
            }
            if (scale > 0) {
                sb.append('.');
                for (int k = 0; k < scale; k++) {
                    sb.append(r.nextInt(10) < 3 ? '0' : (char) ('0' + r.nextInt(10)));
                }
            }
            assertThat(numeric(sb.toString())).as(sb.toString()).isEqualTo(referenceNumeric(sb.toString()));
        }
    }

    @Test
    void datesCountDaysLikeLocalDateAndRefuseDaysThatDoNotExist() {
        LocalDate d = LocalDate.of(1000, 1, 1);
        while (d.getYear() < 2200) {
            assertThat(BinaryCopy.epochDay(b(d.toString()))).as(d.toString()).isEqualTo(d.toEpochDay());
            d = d.plusDays(7);
        }
        assertThat(BinaryCopy.epochDay(b("0001-01-01"))).isEqualTo(LocalDate.of(1, 1, 1).toEpochDay());
        assertThat(BinaryCopy.epochDay(b("9999-12-31"))).isEqualTo(LocalDate.of(9999, 12, 31).toEpochDay());
        assertThat(BinaryCopy.epochDay(b("2000-02-29"))).isEqualTo(LocalDate.of(2000, 2, 29).toEpochDay());
        for (String bad : List.of("2023-02-29", "1900-02-29", "2024-04-31", "2024-13-01", "2024-00-10")) {
            assertThatThrownBy(() -> BinaryCopy.epochDay(b(bad))).isInstanceOf(UncarriableValueException.class).hasMessageContaining(bad);
        }
        assertThat(BinaryCopy.timestampMicros(b("2000-01-01 00:00:00"))).isZero();
        assertThat(BinaryCopy.timestampMicros(b("1999-12-31 23:59:59.999999"))).isEqualTo(-1);
        assertThat(BinaryCopy.timestampMicros(b("2000-01-02 00:00:01.5"))).isEqualTo(86_401_500_000L);
        assertThat(BinaryCopy.timeMicros(b("-838:59:59.000000"))).isEqualTo(-(838L * 3600 + 59 * 60 + 59) * 1_000_000L);
        assertThat(BinaryCopy.timeMicros(b("24:00:00"))).isEqualTo(86_400_000_000L);
    }

    @Test
    void integersOutsideTheirTypeAreRefused() {
        assertThat(BinaryCopy.parseLong(b("-9223372036854775808"))).isEqualTo(Long.MIN_VALUE);
        assertThat(BinaryCopy.parseLong(b("9223372036854775807"))).isEqualTo(Long.MAX_VALUE);
        for (String bad : List.of("9223372036854775808", "-9223372036854775809", "12a", "", "-", "99999999999999999999")) {
            assertThatThrownBy(() -> BinaryCopy.parseLong(b(bad))).isInstanceOf(UncarriableValueException.class);
        }
    }
}
