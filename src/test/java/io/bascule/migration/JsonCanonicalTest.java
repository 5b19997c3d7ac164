package io.bascule.migration;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class JsonCanonicalTest {

    private static byte[] c(String json) {
        return JsonCanonical.of(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theSameValueWrittenDifferentlyEncodesAlike() {
        assertThat(c("{\"b\":1,\"a\":[1.50,2e3,\"x\"],\"n\":null}"))
                .isEqualTo(c("{\"a\": [1.5, 2000, \"x\"], \"n\": null, \"b\": 1}"));
        assertThat(c("\"caf\\u00e9 \\n\\\"q\\\"\"")).isEqualTo(c("\"café \\n\\\"q\\\"\""));
        assertThat(c("{\"a\":1,\"a\":2}")).isEqualTo(c("{\"a\":2}"));
        assertThat(c("[0, -0.0, 1E+2, 100]")).isEqualTo(c("[0,0,100,1e2]"));
        assertThat(c("{\"k\": {\"z\": true, \"y\": -0.5}}")).isEqualTo(c("{\"k\":{\"y\":-0.50,\"z\":true}}"));
        assertThat(c("12345678901234567890123")).isEqualTo(c("1.2345678901234567890123e22"));
        assertThat(c("12300000")).isEqualTo(c("123e5")).isEqualTo(c("1.23E+7")).isEqualTo(c("12300000.000"));
        assertThat(c("0.0015")).isEqualTo(c("1.5e-3")).isEqualTo(c("15E-4")).isEqualTo(c("0.00150"));
        assertThat(c("-7.0")).isEqualTo(c("-7")).isEqualTo(c("-0.7e1"));
        assertThat(c("1e12345678901")).isEqualTo(c("10e12345678900"));
        // jsonb prints keys shorter first; MariaDB keeps them as written; duplicates nested too
        assertThat(c("{\"bb\": 1, \"a\": {\"y\": 2, \"x\": 3, \"y\": 4}, \"c\": []}"))
                .isEqualTo(c("{\"a\": {\"x\": 3, \"y\": 4}, \"c\": [], \"bb\": 1}"));
        assertThat(c("{\"k\\u00e9\": 1, \"k\": 2}")).isEqualTo(c("{\"k\": 2, \"ké\": 1}"));
    }

    @Test
    void largeObjectsSortLikeSmallOnes() {
        StringBuilder forward = new StringBuilder("{");
        StringBuilder backward = new StringBuilder("{");
        for (int i = 0; i < 100; i++) {
            forward.append(i > 0 ? "," : "").append("\"k").append(i).append("\":").append(i);
            backward.append(i > 0 ? "," : "").append("\"k").append(99 - i).append("\":").append(99 - i);
        }
        forward.append(",\"k5\":\"last\"}");
        backward.append(",\"k5\":\"last\"}");
        assertThat(c(forward.toString())).isNotNull().isEqualTo(c(backward.toString()));
        assertThat(new String(c(forward.toString()), StandardCharsets.UTF_8)).startsWith("{100:").contains("2:k5s4:last");
    }

    @Test
    void numbersThatDifferStayDifferent() {
        assertThat(c("15")).isNotEqualTo(c("1.5"));
        assertThat(c("150")).isNotEqualTo(c("15"));
        assertThat(c("-1")).isNotEqualTo(c("1"));
        assertThat(c("0.1")).isNotEqualTo(c("0.01"));
        assertThat(c("1e2")).isNotEqualTo(c("1e-2"));
        assertThat(c("{\"a\": 1, \"b\": 2}")).isNotEqualTo(c("{\"a\": 2, \"b\": 1}"));
        assertThat(c("{\"a\": 1}")).isNotEqualTo(c("{\"a\": 1, \"b\": 1}"));
    }

    @Test
    void differentValuesEncodeDifferently() {
        assertThat(c("{\"a\":\"1\"}")).isNotEqualTo(c("{\"a\":1}"));
        assertThat(c("[1,2]")).isNotEqualTo(c("[2,1]"));
        assertThat(c("{\"ab\":\"c\"}")).isNotEqualTo(c("{\"a\":\"bc\"}"));
        assertThat(c("[\"a\",\"b\"]")).isNotEqualTo(c("[\"a,b\"]"));
        assertThat(c("true")).isNotEqualTo(c("\"true\""));
        assertThat(c("null")).isNotEqualTo(c("\"\""));
        assertThat(c("{}")).isNotEqualTo(c("[]"));
        assertThat(c("1.5")).isNotEqualTo(c("1.50001"));
    }

    @Test
    void invalidJsonIsNotEncoded() {
        assertThat(c("{\"a\":")).isNull();
        assertThat(c("[1,]x")).isNull();
        assertThat(c("nope")).isNull();
    }
}
