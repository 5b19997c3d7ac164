package io.bascule.cutover;

import io.bascule.schema.ColumnMapping;
import io.bascule.schema.SourceSchema;
import io.bascule.schema.TablePlan;
import io.bascule.schema.ValueKind;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The cutover phases' pure parts: URL comparison, the foreign-key order, the dump's escaping, file names. */
class CutoverUnitsTest {

    private static TablePlan table(String name, String... parents) {
        SourceSchema.Column id = new SourceSchema.Column("id", 1, "int", "int", false, null, false, null, null, null,
                null, null, null, false, false, null, false);
        List<SourceSchema.ForeignKey> fks = java.util.Arrays.stream(parents)
                .map(p -> new SourceSchema.ForeignKey("fk_" + name + "_" + p, List.of("id"), p, List.of("id"), null, null)).toList();
        SourceSchema.Table t = new SourceSchema.Table(name, 0, 0, null, null, List.of(id), List.of("id"), List.of(), fks, List.of());
        return new TablePlan(t, name, List.of(new ColumnMapping(id, "id", "integer", ValueKind.INTEGER, false, null, false, null)),
                List.of("id"), List.of(), List.of(), List.of());
    }

    @Test
    void urlsAreComparedByServerAndDatabaseOnly() {
        assertThat(GoldCheck.serverAndDatabase("jdbc:mysql://***@DB.example.org:3306/shop?useSSL=false&password=***"))
                .isEqualTo("db.example.org:3306/shop");
        assertThat(GoldCheck.serverAndDatabase("jdbc:postgresql://127.0.0.1:5432/app")).isEqualTo("127.0.0.1:5432/app");
        assertThat(GoldCheck.server("jdbc:mysql://127.0.0.1:3306/shop")).isEqualTo("127.0.0.1:3306");
        assertThat(GoldCheck.server("jdbc:mysql://127.0.0.1:3306/shop")).isNotEqualTo(GoldCheck.server("jdbc:mysql://127.0.0.1:3307/shop"));
    }

    @Test
    void parentsComeBeforeTheirChildrenAndACycleEndsTheWalk() {
        List<TablePlan> ordered = FinalDelta.parentsFirst(List.of(table("lines", "orders", "products"), table("orders", "customers"),
                table("customers"), table("products"), table("self", "self"), table("a", "b"), table("b", "a")));
        List<String> names = ordered.stream().map(t -> t.source().name()).toList();
        assertThat(names).containsExactlyInAnyOrder("lines", "orders", "customers", "products", "self", "a", "b");
        assertThat(names.indexOf("customers")).isLessThan(names.indexOf("orders"));
        assertThat(names.indexOf("orders")).isLessThan(names.indexOf("lines"));
        assertThat(names.indexOf("products")).isLessThan(names.indexOf("lines"));
    }

    @Test
    void dumpValuesAreEscapedAsLoadDataReadsThem() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MySqlDump.CountingBuffer out = new MySqlDump.CountingBuffer(bytes)) {
            MySqlDump.writeValue("a\tb\nc\rd\\N\u0000e\u001a é".getBytes(StandardCharsets.UTF_8), out);
            out.write('|');
            MySqlDump.writeValue(null, out);
            out.write('|');
            MySqlDump.writeValue(new byte[0], out);
            out.flushBuffer();
            assertThat(out.count).isEqualTo(bytes.size());
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("a\\tb\\nc\\rd\\\\N\\0e\\Z é|\\N|");
    }

    @Test
    void fileNamesArePlainAndDistinct() {
        assertThat(MySqlDump.fileNames(List.of("orders", "Orders", "order lines", "x/y")).values())
                .containsExactly("orders", "orders-" + CutoverFiles.sha256("Orders".getBytes(StandardCharsets.UTF_8)).substring(0, 8),
                        "order_lines-" + CutoverFiles.sha256("order lines".getBytes(StandardCharsets.UTF_8)).substring(0, 8),
                        "x_y-" + CutoverFiles.sha256("x/y".getBytes(StandardCharsets.UTF_8)).substring(0, 8));
        assertThat(CutoverFiles.stamp(Instant.parse("2026-01-31T22:05:00.123Z"))).isEqualTo("2026-01-31T22-05-00Z");
    }

    @Test
    void checkLinesRenderAsTheConsoleShowsThem() {
        assertThat(CheckLine.ok("x").render()).isEqualTo("✅ x");
        assertThat(CheckLine.warning("y").render()).isEqualTo("⚠️ y");
        assertThat(CheckLine.failed("z").render()).isEqualTo("❌ z");
        assertThat(CheckLine.failed("z").failed()).isTrue();
    }
}
