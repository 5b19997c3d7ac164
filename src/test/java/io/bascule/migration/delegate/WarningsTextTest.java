package io.bascule.migration.delegate;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The warnings the review form shows as text: each one on its line, shortened to what a string variable holds. */
class WarningsTextTest {

    @Test
    void everyWarningIsShownOnItsLine() {
        assertThat(GoldMigrationDelegates.ReadSchemaDelegate.warningsText(List.of("a.b: TINYINT(1) kept as smallint",
                "c: no primary key,\n compared as a multiset"))).isEqualTo(
                "- a.b: TINYINT(1) kept as smallint\n- c: no primary key, compared as a multiset");
        assertThat(GoldMigrationDelegates.ReadSchemaDelegate.warningsText(List.of())).isEqualTo("none");
    }

    @Test
    void manyWarningsAreCutWithTheCountOfTheRest() {
        List<String> many = IntStream.range(0, 500).mapToObj(i -> "table_" + i + ".column: a warning long enough to fill").toList();
        String text = GoldMigrationDelegates.ReadSchemaDelegate.warningsText(many);
        assertThat(text.length()).isLessThanOrEqualTo(4000);
        assertThat(text).startsWith("- table_0.column").containsPattern("\\.\\.\\. and \\d+ more: see the full plan file$");
        int shown = text.split("\n").length - 1;
        assertThat(text).endsWith("... and " + (500 - shown) + " more: see the full plan file");
    }
}
