package io.bascule.database;

import io.bascule.schema.ColumnMapping;
import io.bascule.schema.SourceSchema;
import io.bascule.schema.TablePlan;
import io.bascule.schema.ValueKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The SQL of the cutover's phases (baseline, final delta, backups), pinned statement by statement. */
class CutoverPhasesSqlTest {

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

    private final TablePlan lines = plan("Order Lines", List.of(column("order", "integer", ValueKind.INTEGER),
            column("tag", "bytea", ValueKind.BINARY), column("at", "timestamp(3)", ValueKind.DATETIME),
            column("qty", "numeric(10,2)", ValueKind.DECIMAL), column("bits", "bit(4)", ValueKind.BIT),
            column("f", "real", ValueKind.FLOAT4)), List.of("order", "tag", "at"));
    private final TablePlan keysOnly = plan("link", List.of(column("a", "integer", ValueKind.INTEGER),
            column("b", "varchar(10)", ValueKind.TEXT)), List.of("a", "b"));

    @Test
    void theFinalDeltaStagesUpdatesInsertsAndDeletesByKey() {
        assertThat(PostgresDialect.createStagingTableSql("app", "Order Lines", "bascule_delta_1")).isEqualTo(
                "CREATE TEMPORARY TABLE \"bascule_delta_1\" (LIKE \"app\".\"Order Lines\") ON COMMIT DROP");
        assertThat(PostgresDialect.updateFromStagingSql("app", lines, "bascule_delta_1")).isEqualTo(
                "UPDATE \"app\".\"Order Lines\" AS t SET (\"qty\", \"bits\", \"f\") = ROW(s.\"qty\", s.\"bits\", s.\"f\")"
                        + " FROM \"pg_temp\".\"bascule_delta_1\" AS s WHERE t.\"order\" = s.\"order\" AND t.\"tag\" = s.\"tag\""
                        + " AND t.\"at\" = s.\"at\"");
        assertThat(PostgresDialect.updateFromStagingSql("app", keysOnly, "d")).isNull();
        assertThat(PostgresDialect.insertFromStagingSql("app", keysOnly, "d")).isEqualTo(
                "INSERT INTO \"app\".\"link\" (\"a\", \"b\") SELECT DISTINCT ON (s.\"a\", s.\"b\") s.\"a\", s.\"b\""
                        + " FROM \"pg_temp\".\"d\" AS s WHERE NOT EXISTS (SELECT 1 FROM \"app\".\"link\" AS t"
                        + " WHERE t.\"a\" = s.\"a\" AND t.\"b\" = s.\"b\")");
        assertThat(PostgresDialect.createKeyTableSql("gone", 2)).isEqualTo(
                "CREATE TEMPORARY TABLE \"gone\" (\"bascule_key_1\" text, \"bascule_key_2\" text) ON COMMIT DROP");
        assertThat(PostgresDialect.insertKeysSql("gone", 2)).isEqualTo(
                "INSERT INTO \"pg_temp\".\"gone\" SELECT * FROM unnest(?::text[], ?::text[])");
        // integers and text cast back (the key's index finds them), binary from hex, a timestamp by its canonical text
        assertThat(PostgresDialect.deleteByCanonicalKeysSql("app", lines, "gone")).isEqualTo(
                "DELETE FROM \"app\".\"Order Lines\" AS t USING \"pg_temp\".\"gone\" AS k WHERE"
                        + " t.\"order\" = CAST(k.\"bascule_key_1\" AS integer) AND t.\"tag\" = decode(k.\"bascule_key_2\", 'hex')"
                        + " AND (\"at\"::text) COLLATE \"C\" = k.\"bascule_key_3\" COLLATE \"C\"");
        assertThat(PostgresDialect.deleteAllSql("app", "Order Lines")).isEqualTo("DELETE FROM \"app\".\"Order Lines\"");
        assertThat(PostgresDialect.disableTriggerSql("app", "Order Lines", "bascule_on_update_x")).isEqualTo(
                "ALTER TABLE \"app\".\"Order Lines\" DISABLE TRIGGER \"bascule_on_update_x\"");
        assertThat(PostgresDialect.enableTriggerSql("app", "t", new PostgresDialect.FiringTrigger("audit", true)))
                .isEqualTo("ALTER TABLE \"app\".\"t\" ENABLE ALWAYS TRIGGER \"audit\"");
        assertThat(PostgresDialect.enableTriggerSql("app", "t", new PostgresDialect.FiringTrigger("audit", false)))
                .isEqualTo("ALTER TABLE \"app\".\"t\" ENABLE TRIGGER \"audit\"");
    }

    @Test
    void theBaselineReadsTableStatusAndResetsTheStatistics() {
        assertThat(MySqlDialect.tableStatusSql("shop`x")).isEqualTo("SHOW TABLE STATUS FROM `shop``x`");
        assertThat(MySqlDialect.countRowsSql("Order Lines")).isEqualTo("SELECT COUNT(*) FROM `Order Lines`");
        assertThat(PostgresDialect.resetStatementsSql("ext")).isEqualTo("SELECT \"ext\".pg_stat_statements_reset()");
        assertThat(PostgresDialect.probeStatementsSql("ext")).isEqualTo("SELECT 1 FROM \"ext\".\"pg_stat_statements\" LIMIT 1");
    }

    @Test
    void theMySqlDumpReadsValuesThatLoadDataGivesBack() {
        assertThat(MySqlDialect.dumpSelectSql(lines, lines.columns())).isEqualTo("SELECT `order`, HEX(`tag`), `at`, `qty`,"
                + " CAST(`bits` AS UNSIGNED), CAST(`f` AS DOUBLE) FROM `Order Lines` ORDER BY `order`, `tag`, `at`");
        assertThat(MySqlDialect.loadDataSql("it's.tsv", "Order Lines", lines.columns())).isEqualTo(
                "LOAD DATA LOCAL INFILE 'it\\'s.tsv' INTO TABLE `Order Lines` CHARACTER SET utf8mb4 FIELDS TERMINATED BY"
                        + " '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (`order`, @v2, `at`, `qty`, @v5, `f`)"
                        + " SET `tag` = UNHEX(@v2), `bits` = CAST(@v5 AS UNSIGNED)");
        assertThat(MySqlDialect.showCreateTableSql("Order Lines")).isEqualTo("SHOW CREATE TABLE `Order Lines`");
    }
}
