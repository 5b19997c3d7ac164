package io.bascule.database;

import io.bascule.schema.ColumnMapping;
import io.bascule.schema.SourceSchema;
import io.bascule.schema.TablePlan;
import io.bascule.schema.ValueKind;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The SQL of the rollback's checks (keyed verification, AUTO_INCREMENT advance), pinned statement by statement. */
class RollbackDialectSqlTest {

    private static ColumnMapping column(String name, String pgType, ValueKind kind) {
        SourceSchema.Column c = new SourceSchema.Column(name, 1, "x", "x", false, null, false, null, null, null,
                null, null, null, false, false, null, false);
        return new ColumnMapping(c, name, pgType, kind, false, null, false, null);
    }

    private static TablePlan plan(String table, List<ColumnMapping> columns, List<String> key) {
        SourceSchema.Table t = new SourceSchema.Table(table, 0, 0, null, null,
                columns.stream().map(ColumnMapping::source).toList(), key, List.of(), List.of(), List.of());
        return new TablePlan(t, table, columns, key, List.of(), List.of(), List.of());
    }

    private final TablePlan byId = plan("t`1", List.of(column("id", "bigint", ValueKind.INTEGER),
            column("b", "bytea", ValueKind.BINARY)), List.of("id"));
    private final TablePlan composite = plan("lines", List.of(column("tag", "bytea", ValueKind.BINARY),
            column("pk", "integer", ValueKind.INTEGER), column("n", "text", ValueKind.TEXT)), List.of("tag", "pk"));

    @Test
    void theRowsOfGivenKeysOnMysql() {
        assertThat(MySqlDialect.selectByKeysSql(byId, 3)).isEqualTo(
                "SELECT `id` AS c1, HEX(`b`) AS c2 FROM `t``1` WHERE `id` IN (?, ?, ?)");
        assertThat(MySqlDialect.selectByKeysSql(composite, 2)).isEqualTo("SELECT HEX(`tag`) AS c1, `pk` AS c2, `n` AS c3"
                + " FROM `lines` WHERE (`tag` = ? AND `pk` = ?) OR (`tag` = ? AND `pk` = ?)");
        assertThat(MySqlDialect.microsAsTime(27_000_250_000L)).isEqualTo("7:30:00.250000");
        assertThat(MySqlDialect.microsAsTime(-3_020_399_000_000L)).isEqualTo("-838:59:59.000000");
        assertThat(MySqlDialect.setAutoIncrementSql("t`1", new BigInteger("9007199254740993")))
                .isEqualTo("ALTER TABLE `t``1` AUTO_INCREMENT = 9007199254740993");
    }

    @Test
    void theRowsOfGivenKeysOnPostgresqlConvertEachJsonValueAsTheApplierDoes() {
        // a column named pk next to the keys' derived table: every column qualified
        assertThat(PostgresDialect.rowsByKeysSql("app", composite)).isEqualTo("SELECT k.pk::text,"
                + " (upper(encode((k.pk->>0)::bytea, 'hex')))::text, ((k.pk->>1)::integer)::text, t.\"tag\" IS NOT NULL,"
                + " (upper(encode(t.\"tag\", 'hex')))::text, (t.\"pk\")::text, (t.\"n\")::text"
                + " FROM (SELECT DISTINCT u.pk FROM unnest(?::jsonb[]) AS u(pk)) k LEFT JOIN \"app\".\"lines\" t"
                + " ON t.\"tag\" = (k.pk->>0)::bytea AND t.\"pk\" = (k.pk->>1)::integer");
        assertThat(PostgresDialect.maxValueSql("app", "t`1", "id")).isEqualTo("SELECT MAX(\"id\")::text FROM \"app\".\"t`1\"");
    }
}
