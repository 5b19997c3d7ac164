package io.bascule.migration;

import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** JsonCanonical prints every JSON text as PostgreSQL prints it once stored as jsonb. */
@ExtendWith(EmbeddedDatabases.class)
class JsonCanonicalIT {

    private static final String[] WRITTEN = {
            "{\"b\":1,\"a\":[1.50,2e3,\"x\"],\"n\":null}", "[0, -0.0, 1E+2, 100, -0, 0e7, 1.5e-3, 1.0e-3, 12.50e1, -7.0]",
            "{\"a\":1,\"a\":2}", "{\"bb\": 1, \"a\": {\"y\": 2, \"x\": 3, \"y\": 4}, \"c\": []}",
            "{\"k\\u00e9\": 1, \"k\": 2, \"k\\\"\": 3}", "\"caf\\u00e9 \\n\\\"q\\\" \\/ \\u0001 \\u001f \\b\\f\\r\\t\"",
            "\"😀\\ud83d\\ude00 ü\"", "  {\n\t\"x\" :\r [ true ,false, null ] }  ", "123456789012345678901234567890.000",
            "-1e-7", "1E+20", "5e-324", "1.7976931348623157e308", "0.1e1", "-0.000e-5", "{}", "[]", "\"\"", "{\"\": \"\"}",
            "{\"sku\": \"SKU-00001\", \"qty\": 2, \"gift\": false, \"tags\": [\"shop\", 1]}",
    };

    @Test
    void printsWhatPostgresPrints(TestDatabases dbs) throws Exception {
        List<String> texts = new ArrayList<>(List.of(WRITTEN));
        Random random = new Random(7);
        for (int i = 0; i < 400; i++) {
            StringBuilder sb = new StringBuilder();
            randomValue(random, sb, 0);
            texts.add(sb.toString());
        }
        try (Connection c = dbs.target();
             PreparedStatement ps = c.prepareStatement("SELECT ?::jsonb::text")) {
            for (String t : texts) {
                ps.setString(1, t);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    byte[] canonical = JsonCanonical.of(t.getBytes(StandardCharsets.UTF_8));
                    assertThat(canonical).as("canonical form of %s", t).isNotNull();
                    assertThat(new String(canonical, StandardCharsets.UTF_8)).as("canonical form of %s", t)
                            .isEqualTo(rs.getString(1));
                }
            }
        }
    }

    private static void randomValue(Random r, StringBuilder sb, int depth) {
        int kind = depth > 3 ? 2 + r.nextInt(4) : r.nextInt(6);
        switch (kind) {
            case 0 -> {
                sb.append('{').append(ws(r));
                int n = r.nextInt(6);
                for (int i = 0; i < n; i++) {
                    sb.append(i > 0 ? "," + ws(r) : "");
                    string(r, sb, true);
                    sb.append(ws(r)).append(':').append(ws(r));
                    randomValue(r, sb, depth + 1);
                }
                sb.append(ws(r)).append('}');
            }
            case 1 -> {
                sb.append('[');
                int n = r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    sb.append(i > 0 ? ", " : "");
                    randomValue(r, sb, depth + 1);
                }
                sb.append(']');
            }
            case 2 -> string(r, sb, false);
            case 3 -> {
                if (r.nextBoolean()) {
                    sb.append('-');
                }
                sb.append(r.nextInt(5) == 0 ? "0" : Integer.toString(1 + r.nextInt(100000)));
                if (r.nextBoolean()) {
                    sb.append('.').append(String.format("%0" + (1 + r.nextInt(4)) + "d", r.nextInt(10)));
                }
                if (r.nextInt(3) == 0) {
                    sb.append(r.nextBoolean() ? 'e' : 'E').append(r.nextBoolean() ? "-" : r.nextBoolean() ? "+" : "")
                            .append(r.nextInt(25));
                }
            }
            case 4 -> sb.append(r.nextBoolean() ? "true" : "false");
            default -> sb.append("null");
        }
    }

    private static String ws(Random r) {
        return r.nextInt(4) == 0 ? " \n" : "";
    }

    private static void string(Random r, StringBuilder sb, boolean key) {
        String[] parts = {"a", "b", "ab", "é", "\\u00e9", "\\\"", "\\\\", "\\n", "\\u0007", "😀", "\\/", "k", "zz", " "};
        sb.append('"');
        int n = key ? 1 + r.nextInt(3) : r.nextInt(5);
        for (int i = 0; i < n; i++) {
            sb.append(parts[r.nextInt(parts.length)]);
        }
        sb.append('"');
    }
}
