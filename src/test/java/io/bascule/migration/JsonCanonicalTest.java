package io.bascule.migration;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The canonical form is jsonb's text; JsonCanonicalIT compares it with PostgreSQL's own on many more values. */
class JsonCanonicalTest {

    private static String c(String json) {
        byte[] b = JsonCanonical.of(json.getBytes(StandardCharsets.UTF_8));
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void printsWhatJsonbPrints() {
        assertThat(c("{\"b\":1,\"a\":[1.50,2e3,\"x\"],\"n\":null}")).isEqualTo("{\"a\": [1.50, 2000, \"x\"], \"b\": 1, \"n\": null}");
        assertThat(c("\"caf\\u00e9 \\n\\\"q\\\" \\/ \\u0001\"")).isEqualTo("\"café \\n\\\"q\\\" / \\u0001\"");
        assertThat(c("{\"a\":1,\"a\":2}")).isEqualTo("{\"a\": 2}");
        assertThat(c("[0, -0.0, 1E+2, 100, -0, 0e7, 1.5e-3, 1.0e-3, 12.50e1, -7.0]"))
                .isEqualTo("[0, 0.0, 100, 100, 0, 0, 0.0015, 0.0010, 125.0, -7.0]");
        assertThat(c(" { } ")).isEqualTo("{}");
        assertThat(c("[ ]")).isEqualTo("[]");
        assertThat(c("true")).isEqualTo("true");
        assertThat(c("\"😀\\ud83d\\ude00\"")).isEqualTo("\"😀😀\"");
    }

    @Test
    void keysInJsonbsOrderWithTheLastOfDuplicates() {
        assertThat(c("{\"bb\": 1, \"a\": {\"y\": 2, \"x\": 3, \"y\": 4}, \"c\": []}"))
                .isEqualTo("{\"a\": {\"x\": 3, \"y\": 4}, \"c\": [], \"bb\": 1}");
        // the order is the decoded keys' (é is two bytes), the text keeps jsonb's escapes
        assertThat(c("{\"k\\u00e9\": 1, \"k\": 2, \"k\\\"\": 3}")).isEqualTo("{\"k\": 2, \"k\\\"\": 3, \"ké\": 1}");
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
        assertThat(c(forward.toString())).isNotNull().isEqualTo(c(backward.toString()))
                .startsWith("{\"k0\": 0, \"k1\": 1, \"k2\": 2, \"k3\": 3, \"k4\": 4, \"k5\": \"last\", \"k6\": 6");
    }

    @Test
    void differentValuesPrintDifferently() {
        assertThat(c("{\"a\":\"1\"}")).isNotEqualTo(c("{\"a\":1}"));
        assertThat(c("[1,2]")).isNotEqualTo(c("[2,1]"));
        assertThat(c("{\"ab\":\"c\"}")).isNotEqualTo(c("{\"a\":\"bc\"}"));
        assertThat(c("[\"a\",\"b\"]")).isNotEqualTo(c("[\"a,b\"]"));
        assertThat(c("true")).isNotEqualTo(c("\"true\""));
        assertThat(c("15")).isNotEqualTo(c("1.5"));
        assertThat(c("1e2")).isNotEqualTo(c("1e-2"));
    }

    @Test
    void oneConverterUsedAgainAndAgainGivesWhatAFreshOneGives() {
        String[] texts = {"{\"b\": {\"d\": 1, \"c\": {}}, \"a\": [{\"z\": 1, \"y\": 2}]}", "{\"a\":", "[1, {\"k\": \"\\u00e9\"}]",
                "{}", "{\"x\": {\"b\": 1, \"a\": 2, \"b\": 3}}", "nope", "\"s\"", "{\"q\": [], \"p\": {\"n\": null}}"};
        JsonCanonical reused = new JsonCanonical();
        for (int round = 0; round < 3; round++) {
            for (String t : texts) {
                byte[] in = t.getBytes(StandardCharsets.UTF_8);
                int n = reused.canonicalize(in, 0, in.length);
                byte[] fresh = JsonCanonical.of(in);
                if (fresh == null) {
                    assertThat(n).as(t).isEqualTo(-1);
                } else {
                    assertThat(new String(reused.array(), 0, n, StandardCharsets.UTF_8)).as(t)
                            .isEqualTo(new String(fresh, StandardCharsets.UTF_8));
                }
            }
        }
    }

    @Test
    void textJsonbRefusesHasNoCanonicalForm() {
        assertThat(c("{\"a\":")).isNull();
        assertThat(c("[1,]x")).isNull();
        assertThat(c("nope")).isNull();
        assertThat(c("01")).isNull();
        assertThat(c("\"\\u0000\"")).isNull();
        assertThat(c("\"\\ud800\"")).isNull();
        assertThat(c("\"tab\there\"")).isNull();
        assertThat(c("1e1001")).isNull();
    }
}
