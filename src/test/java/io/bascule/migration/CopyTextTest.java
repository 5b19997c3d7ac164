package io.bascule.migration;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Splitting PostgreSQL's COPY text rows: slices, NULLs, escapes, empty fields. */
class CopyTextTest {

    private static List<String> split(String row, int n) {
        CopyText.Fields f = new CopyText.Fields(n);
        CopyText.split(row.getBytes(StandardCharsets.UTF_8), f);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] v = f.copy(i);
            out.add(v == null ? null : new String(v, StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void splitsRows() {
        assertThat(split("1\tabc\t\\N\n", 3)).containsExactly("1", "abc", null);
        assertThat(split("\t\t", 3)).containsExactly("", "", "");
        assertThat(split("a\\tb\tc\\\\d\\ne\t\\N", 3)).containsExactly("a\tb", "c\\d\ne", null);
        assertThat(split("\\\\N\t\\\\", 2)).containsExactly("\\N", "\\");
        assertThat(split("only", 1)).containsExactly("only");
        assertThat(split("\\N", 1)).containsExactly((String) null);
        assertThat(split("é😀\tx\\r\n", 2)).containsExactly("é😀", "x\r");
    }

    @Test
    void aRowOfTheWrongWidthIsAnError() {
        assertThatThrownBy(() -> split("1\t2\t3", 2)).hasMessageContaining("more fields");
        assertThatThrownBy(() -> split("1", 2)).hasMessageContaining("1 fields, expected 2");
    }
}
