package io.bascule.database;

import io.bascule.schema.ColumnMapping;
import io.bascule.schema.KeyRange;
import io.bascule.schema.SourceSchema;
import io.bascule.schema.TablePlan;
import io.bascule.schema.ValueKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-table SQL the dialects generate for the copy and the verification, pinned statement by statement. */
class DialectSqlTest {

    private static ColumnMapping column(String name, String type, ValueKind kind, Integer precision) {
        SourceSchema.Column c = new SourceSchema.Column(name, 1, type, type, true, null, false, null, precision, null,
                null, null, null, false, false, null, false);
        return new ColumnMapping(c, name, "x", kind, true, null, false, null);
    }

    private static TablePlan plan(String table, List<ColumnMapping> columns, List<String> key) {
        SourceSchema.Table t = new SourceSchema.Table(table, 1_000_000, 0, null, null,
                columns.stream().map(ColumnMapping::source).toList(), key, List.of(), List.of(), List.of());
        return new TablePlan(t, table, columns, key, List.of(), List.of(), List.of());
    }

    private final TablePlan byId = plan("t`1", List.of(column("id", "int", ValueKind.INTEGER, null),
            column("f", "float", ValueKind.FLOAT4, null), column("b", "varbinary", ValueKind.BINARY, null),
            column("bits", "bit", ValueKind.BIT, 3), column("y", "year", ValueKind.YEAR, null)), List.of("id"));
    private final TablePlan byText = plan("codes", List.of(column("code", "varchar", ValueKind.TEXT, null),
            column("n", "int", ValueKind.INTEGER, null)), List.of("code", "n"));

    @Test
    void theSourceReadsOfTheCopyAndTheVerification() {
        KeyRange range = new KeyRange(1, "100", "200");
        assertThat(MySqlDialect.selectRangeSql(byId, range, true, false)).isEqualTo("SELECT `id` AS c1,"
                + " CAST(`f` AS DOUBLE) AS c2, HEX(`b`) AS c3, LPAD(BIN(`bits`), 3, '0') AS c4, `y` + 0 AS c5"
                + " FROM `t``1` WHERE `id` >= ? AND `id` < ? AND (`id`) > (?) ORDER BY `id`");
        assertThat(MySqlDialect.selectRangeSql(byId, new KeyRange(0, null, "5"), false, true))
                .isEqualTo("SELECT `id` AS c1, CAST(`f` AS DOUBLE) AS c2, HEX(`b`) AS c3, LPAD(BIN(`bits`), 3, '0') AS c4,"
                        + " `y` + 0 AS c5 FROM `t``1` WHERE `id` < ? ORDER BY `id`");
        // text keys: the copy orders by the column, the verification by its UTF-8 bytes (PostgreSQL's "C" order)
        assertThat(MySqlDialect.selectRangeSql(byText, KeyRange.WHOLE, true, false)).isEqualTo(
                "SELECT `code` AS c1, `n` AS c2 FROM `codes` WHERE 1=1 AND (`code`, `n`) > (?, ?) ORDER BY `code`, `n`");
        assertThat(MySqlDialect.selectRangeSql(byText, KeyRange.WHOLE, false, true)).isEqualTo(
                "SELECT `code` AS c1, `n` AS c2 FROM `codes` WHERE 1=1 ORDER BY CAST(CONVERT(`code` USING utf8mb4) AS BINARY), `n`");
    }

    @Test
    void theTargetReadsOfTheVerification() {
        assertThat(PostgresDialect.copyOutSql("s\"x", byId, new KeyRange(2, "200", null))).isEqualTo(
                "COPY (SELECT \"id\" AS c1, \"f\" AS c2, upper(encode(\"b\", 'hex')) AS c3, \"bits\" AS c4, \"y\" AS c5"
                        + " FROM \"s\"\"x\".\"t`1\" WHERE \"id\" >= 200 ORDER BY \"id\") TO STDOUT");
        assertThat(PostgresDialect.copyOutSql("public", byText, KeyRange.WHOLE)).isEqualTo(
                "COPY (SELECT \"code\" AS c1, \"n\" AS c2 FROM \"public\".\"codes\" WHERE 1=1"
                        + " ORDER BY \"code\" COLLATE \"C\", \"n\") TO STDOUT");
        assertThat(PostgresDialect.rowHashSql(byText.columns())).isEqualTo(
                "coalesce(hashtextextended((\"code\"::text) COLLATE \"C\", 1), 1)"
                        + " # coalesce(hashtextextended((\"n\"::text) COLLATE \"C\", 2), 2)");
        assertThat(PostgresDialect.rangePredicateInline("id", new KeyRange(0, "-5", "7"))).isEqualTo("\"id\" >= -5 AND \"id\" < 7");
        assertThat(MySqlDialect.rangePredicate("id", KeyRange.WHOLE)).isEqualTo("1=1");
    }
}
