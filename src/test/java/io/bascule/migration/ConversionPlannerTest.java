package io.bascule.migration;

import io.bascule.schema.ValueKind;
import io.bascule.schema.SourceSchema;
import io.bascule.schema.ColumnMapping;
import io.bascule.schema.ConversionPlan;
import io.bascule.database.MySqlDialect;
import io.bascule.schema.SourceSchema.Column;
import io.bascule.schema.SourceSchema.Table;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** ENUM and SET members read from COLUMN_TYPE as MariaDB and MySQL write it, and the CHECK built from them. */
class ConversionPlannerTest {

    @Test
    void enumMembersKeepTheirCase() {
        assertThat(ConversionPlanner.enumValues("enum('G','PG','PG-13','R','NC-17')"))
                .containsExactly("G", "PG", "PG-13", "R", "NC-17");
        assertThat(ConversionPlanner.enumValues("set('Trailers','Commentaries','Deleted Scenes','Behind the Scenes')"))
                .containsExactly("Trailers", "Commentaries", "Deleted Scenes", "Behind the Scenes");
    }

    @Test
    void enumMembersAreUnescapedAsTheServerEscapesThem() {
        // as MariaDB 10.11 writes COLUMN_TYPE (checked on the embedded server): ' doubled; backslash, newline and
        // carriage return escaped with a backslash; tab, double quote, commas, parentheses and non-ASCII as they are
        String columnType = "enum('Mixed Case','two  spaces',' lead','it''s','say \"hi\"','back\\\\slash','Ångström','中文',"
                + "'a,b','x)y','(','tab\tx','a\\nb','c\\rd','e\\\\nf','''','','\\\\''')";
        assertThat(ConversionPlanner.enumValues(columnType)).containsExactly("Mixed Case", "two  spaces", " lead", "it's",
                "say \"hi\"", "back\\slash", "Ångström", "中文", "a,b", "x)y", "(", "tab\tx", "a\nb", "c\rd", "e\\nf", "'", "",
                "\\'");
    }

    @Test
    void unescapeLiteralReadsLeftToRight() {
        assertThat(MySqlDialect.unescapeLiteral("")).isEmpty();
        assertThat(MySqlDialect.unescapeLiteral("plain")).isEqualTo("plain");
        assertThat(MySqlDialect.unescapeLiteral("it''s")).isEqualTo("it's");
        assertThat(MySqlDialect.unescapeLiteral("\\\\n")).isEqualTo("\\n");
        assertThat(MySqlDialect.unescapeLiteral("\\\\\\n")).isEqualTo("\\\n");
        assertThat(MySqlDialect.unescapeLiteral("a\\0b")).isEqualTo("a\0b");
        assertThat(MySqlDialect.unescapeLiteral("''''")).isEqualTo("''");
        assertThat(MySqlDialect.unescapeLiteral("ü 😀")).isEqualTo("ü 😀");
    }

    @Test
    void theEnumCheckHoldsTheValuesByteExact() {
        ConversionPlan plan = plan(
                enumColumn("rating", "enum('G','PG','PG-13','R','NC-17')", "utf8mb4"),
                enumColumn("odd", "enum('it''s','say \"hi\"','back\\\\slash','Ångström')", "utf8mb4"),
                setColumn("special_features", "set('Trailers','Commentaries','Deleted Scenes','Behind the Scenes')"));
        assertThat(plan.errors()).isEmpty();
        ColumnMapping rating = plan.table("film").column("rating");
        assertThat(rating.targetType()).isEqualTo("varchar(5)");
        assertThat(rating.check()).isEqualTo("\"rating\" IN ('G', 'PG', 'PG-13', 'R', 'NC-17', '')");
        ColumnMapping odd = plan.table("film").column("odd");
        assertThat(odd.check()).isEqualTo("\"odd\" IN ('it''s', 'say \"hi\"', 'back\\slash', 'Ångström', '')");
        assertThat(odd.targetType()).isEqualTo("varchar(10)");
        ColumnMapping set = plan.table("film").column("special_features");
        assertThat(set.targetType()).isEqualTo("text");
        assertThat(set.kind()).isEqualTo(ValueKind.TEXT);
    }

    @Test
    void lowerCaseNamesLeavesEnumValuesAlone() {
        ConversionPlan plan = new ConversionPlanner(null, MigrationOptions.defaults("public").withLowerCaseNames(true))
                .plan(schema(enumColumn("Rating", "enum('G','PG')", "utf8mb4")), null);
        assertThat(plan.table("film").column("Rating").check()).isEqualTo("\"rating\" IN ('G', 'PG', '')");
    }

    @Test
    void aQuestionMarkInAFourByteCharsetEnumIsNotGuessed() {
        // information_schema is utf8mb3: an emoji member reads as '?', so no CHECK is built from it
        ConversionPlan plan = plan(enumColumn("mood", "enum('ok','?')", "utf8mb4"), enumColumn("q", "enum('why?','no')", "latin1"));
        assertThat(plan.table("film").column("mood").check()).isNull();
        assertThat(plan.table("film").column("mood").targetType()).isEqualTo("varchar(2)");
        assertThat(plan.allWarnings()).anyMatch(w -> w.startsWith("film: mood: ENUM becomes varchar without a CHECK"));
        // a latin1 column cannot hold a 4-byte character: its '?' is a '?'
        assertThat(plan.table("film").column("q").check()).isEqualTo("\"q\" IN ('why?', 'no', '')");
    }

    @Test
    void anEnumValueWithNulIsAnErrorNamingTheOverride() {
        ConversionPlan plan = plan(enumColumn("nul", "enum('a\\0b')", "utf8mb4"));
        assertThat(plan.errors()).singleElement().asString().contains("film.nul", "NUL", "type-overrides");
    }

    private static ConversionPlan plan(Column... columns) {
        return new ConversionPlanner(null, MigrationOptions.defaults("public")).plan(schema(columns), null);
    }

    private static SourceSchema schema(Column... columns) {
        List<Column> all = new java.util.ArrayList<>();
        all.add(new Column("film_id", 1, "int", "int(11)", false, null, false, null, 10, 0, null, null, null,
                false, false, null, false));
        all.addAll(List.of(columns));
        Table film = new Table("film", 0, 0, null, "utf8mb4_general_ci", all, List.of("film_id"), List.of(), List.of(), List.of());
        return new SourceSchema("sakila", "10.11.0-MariaDB", true, List.of(film), List.of());
    }

    private static Column enumColumn(String name, String columnType, String charset) {
        return new Column(name, 2, "enum", columnType, true, null, false, 5L, null, null, null, charset,
                charset + "_general_ci", false, false, null, false);
    }

    private static Column setColumn(String name, String columnType) {
        return new Column(name, 3, "set", columnType, true, null, false, 54L, null, null, null, "utf8mb4",
                "utf8mb4_general_ci", false, false, null, false);
    }
}
