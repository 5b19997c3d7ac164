package io.bascule.migration;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The row hash tells rows apart by every value, NULL from empty, and where one value ends and the next begins. */
class RowHashTest {

    private static String hash(String... values) {
        RowHash h = new RowHash();
        h.reset();
        for (String v : values) {
            h.add(v == null ? null : v.getBytes(StandardCharsets.UTF_8));
        }
        return Long.toHexString(h.high()) + "/" + Long.toHexString(h.low());
    }

    @Test
    void rowsThatDifferHashDifferently() {
        Set<String> seen = new HashSet<>();
        String[][] rows = {{}, {null}, {""}, {null, null}, {"", ""}, {"", null}, {null, ""}, {"ab", "c"}, {"a", "bc"},
                {"abc"}, {"a", "b", "c"}, {"x"}, {"X"}, {"PG-13"}, {"pg-13"}, {"\0"}, {"\0\0"},
                // values past the inline length travel as their own digest
                {"y".repeat(64)}, {"y".repeat(65)}, {"y".repeat(1000)}, {"y".repeat(999) + "z"}, {"y".repeat(1000), null},
                {"y".repeat(500), "y".repeat(500)}};
        for (String[] row : rows) {
            assertThat(seen.add(hash(row))).as(String.join("|", String.valueOf(java.util.Arrays.asList(row)))).isTrue();
        }
        assertThat(hash("ab", "c")).isEqualTo(hash("ab", "c"));
    }

    @Test
    void aSliceHashesAsTheArrayHoldingJustIt() {
        slice("<Ångström 😀 12345678901234567890>");
        slice("<" + "long value ".repeat(40) + ">");
    }

    private static void slice(String text) {
        byte[] whole = text.getBytes(StandardCharsets.UTF_8);
        byte[] inner = java.util.Arrays.copyOfRange(whole, 1, whole.length - 1);
        RowHash a = new RowHash();
        a.add(whole, 1, whole.length - 1);
        a.add(null);
        RowHash b = new RowHash();
        b.add(inner);
        b.add(null);
        assertThat(a.high()).isEqualTo(b.high());
        assertThat(a.low()).isEqualTo(b.low());
        // reset starts a new row; a row of many values grows the buffer
        a.reset();
        for (int i = 0; i < 1000; i++) {
            a.add(inner);
        }
        b.reset();
        for (int i = 0; i < 1000; i++) {
            b.add(inner);
        }
        assertThat(a.high()).isEqualTo(b.high());
        b.add(null);
        assertThat(a.high()).isNotEqualTo(b.high());
    }
}
