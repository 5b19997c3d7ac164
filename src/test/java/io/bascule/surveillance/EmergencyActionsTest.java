package io.bascule.surveillance;

import io.bascule.database.PostgresDialect;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The parts of the emergency actions that need no database: names, quoting, plan reading, what may be explained. */
class EmergencyActionsTest {

    @Test
    void indexNamesFollowPostgresPatternAndStayWithin63Bytes() {
        assertThat(IndexProposal.nameFor("orders", List.of("customer_id"), 0)).isEqualTo("orders_customer_id_idx");
        assertThat(IndexProposal.nameFor("orders", List.of("customer_id"), 2)).isEqualTo("orders_customer_id_idx2");
        assertThat(IndexProposal.nameFor("Order", List.of("CustomerId", "select"), 0)).isEqualTo("Order_CustomerId_select_idx");

        String longTable = "t".repeat(60);
        String a = IndexProposal.nameFor(longTable, List.of("column_a"), 0);
        String b = IndexProposal.nameFor(longTable, List.of("column_b"), 0);
        assertThat(a.getBytes(StandardCharsets.UTF_8)).hasSize(63);
        assertThat(a).isNotEqualTo(b).startsWith("tttt").endsWith("_idx").matches(".*_[0-9a-f]{8}_idx");
        assertThat(IndexProposal.nameFor(longTable, List.of("column_a"), 9)).hasSize(63).endsWith("_idx9");
        assertThat(IndexProposal.nameFor(longTable, List.of("column_a"), 0)).as("the same parts, the same name").isEqualTo(a);

        // a multi-byte name is cut at a character boundary, never inside one
        String accented = "é".repeat(40);
        String name = IndexProposal.nameFor(accented, List.of("ü"), 0);
        assertThat(name.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
        assertThat(new String(name.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(name);
        assertThat(name).doesNotContain("\uFFFD").startsWith("ééé");
        assertThat(PostgresDialect.fits(name)).isTrue();

        assertThatThrownBy(() -> IndexProposal.nameFor("t", List.of("c"), 10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyGeneratedNamesAreAccepted() {
        assertThat(IndexProposal.isGeneratedName("orders_customer_id_idx", "orders", List.of("customer_id"))).isTrue();
        assertThat(IndexProposal.isGeneratedName("orders_customer_id_idx3", "orders", List.of("customer_id"))).isTrue();
        assertThat(IndexProposal.isGeneratedName("orders_customer_id_idx", "orders", List.of("note"))).isFalse();
        assertThat(IndexProposal.isGeneratedName("x\"; DROP TABLE orders; --", "orders", List.of("customer_id"))).isFalse();
    }

    @Test
    void statementsQuoteEveryIdentifier() {
        IndexProposal p = IndexProposal.of("Sales", "Order", List.of("select"), 0, 7L, 5000, "test");
        assertThat(p.name()).isEqualTo("Order_select_idx");
        assertThat(p.id()).isEqualTo("Sales.Order_select_idx");
        assertThat(p.sql()).isEqualTo("CREATE INDEX CONCURRENTLY \"Order_select_idx\" ON \"Sales\".\"Order\" (\"select\")");
        IndexProposal quote = IndexProposal.of("public", "we\"ird", List.of("a\"b"), 0, null, 5000, "test");
        assertThat(quote.sql()).isEqualTo("CREATE INDEX CONCURRENTLY \"we\"\"ird_a\"\"b_idx\" ON \"public\".\"we\"\"ird\" (\"a\"\"b\")");
        assertThat(PostgresDialect.vacuumAnalyzeSql("Sales", "user")).isEqualTo("VACUUM (ANALYZE) \"Sales\".\"user\"");
        assertThat(PostgresDialect.dropIndexConcurrentlySql("Sales", "Order_select_idx"))
                .isEqualTo("DROP INDEX CONCURRENTLY IF EXISTS \"Sales\".\"Order_select_idx\"");
        assertThat(PostgresDialect.intervalText(java.time.Duration.ofMinutes(5))).isEqualTo("300000 milliseconds");
    }

    @Test
    void proposalsTravelAsJsonAndComeBackById() {
        IndexProposal p = IndexProposal.of("public", "orders", List.of("customer_id"), 0, -42L, 20000, "a reason");
        SlowQueryDiagnosis d = new SlowQueryDiagnosis(true, 1000, List.of(), List.of(p), List.of(), List.of("x"));
        String json = (String) d.variables().get(EmergencyVariables.INDEX_PROPOSALS_JSON);
        assertThat(json).contains("\"sql\":\"CREATE INDEX CONCURRENTLY");
        assertThat(IndexProposal.find(json, p.id())).isEqualTo(p);
        assertThatThrownBy(() -> IndexProposal.find(json, "public.other_idx")).isInstanceOf(EmergencyActionRefused.class)
                .hasMessageContaining("no index proposal 'public.other_idx'");
        assertThatThrownBy(() -> IndexProposal.find("{}", p.id())).isInstanceOf(EmergencyActionRefused.class);
        assertThatThrownBy(() -> IndexProposal.find(null, p.id())).isInstanceOf(EmergencyActionRefused.class)
                .hasMessageContaining("run the slow query diagnosis first");

        VacuumProposal v = new VacuumProposal("public.orders", "public", "orders", List.of("never analysed"), 20000, 5, 0, null);
        String vjson = VariableText.jsonList(List.of(v.toMap()));
        assertThat(VacuumProposal.find(vjson, "public.orders")).isEqualTo(v);
    }

    @Test
    void filterColumnsAreTheTablesColumnsComparedDirectly() {
        List<String> cols = List.of("id", "customer_id", "note", "status", "CustomerId", "email", "text");
        assertThat(PlanReading.filterColumns("((b.customer_id = $1) AND (b.note = $2))", "b", "orders", cols))
                .containsExactly("customer_id", "note");
        assertThat(PlanReading.filterColumns("((status)::text = 'id = 3'::text)", "orders", "orders", cols))
                .containsExactly("status");
        assertThat(PlanReading.filterColumns("(\"CustomerId\" = $1)", "o", "orders", cols)).containsExactly("CustomerId");
        assertThat(PlanReading.filterColumns("(lower(email) = $1)", "o", "orders", cols)).isEmpty();
        assertThat(PlanReading.filterColumns("(other.id = orders.customer_id)", "orders", "orders", cols))
                .containsExactly("customer_id");
        assertThat(PlanReading.filterColumns("(id = ANY ($1))", "orders", "orders", cols)).containsExactly("id");
    }

    @Test
    void planLinesTablesAndIndexUse() {
        String json = """
                [{"Plan": {"Node Type": "Bitmap Heap Scan", "Relation Name": "orders", "Schema": "public", "Alias": "o",
                  "Total Cost": 98.5, "Plan Rows": 40, "Recheck Cond": "(o.customer_id = $1)",
                  "Plans": [{"Node Type": "Bitmap Index Scan", "Index Name": "orders_customer_id_idx", "Total Cost": 4.6,
                             "Plan Rows": 40, "Index Cond": "(o.customer_id = $1)"}]}}]""";
        PlanReading plan = PlanReading.of(json);
        assertThat(plan.lines()).containsExactly(
                "Bitmap Heap Scan on public.orders o (cost=98.5 rows=40) Recheck Cond: (o.customer_id = $1)",
                "  -> Bitmap Index Scan using orders_customer_id_idx (cost=4.6 rows=40) Index Cond: (o.customer_id = $1)");
        assertThat(plan.scansUsing("orders_customer_id_idx")).containsExactly("Bitmap Index Scan");
        assertThat(plan.filteredSeqScans()).isEmpty();
        assertThat(plan.tables()).containsExactly(new PlanReading.TableRef("public", "orders"));
        assertThatThrownBy(() -> PlanReading.of("[{}]")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlySingleSelectStatementsAreExplained() {
        assertThat(EmergencyActions.notExplainable("SELECT * FROM t WHERE a = $1")).isNull();
        assertThat(EmergencyActions.notExplainable("/* app */ select 1;")).isNull();
        assertThat(EmergencyActions.notExplainable("-- report\nWITH x AS (SELECT 1) SELECT * FROM x")).isNull();
        assertThat(EmergencyActions.notExplainable("(SELECT 1) UNION (SELECT 2)")).isNull();
        assertThat(EmergencyActions.notExplainable("UPDATE t SET a = $1")).isEqualTo("an UPDATE statement: only SELECT statements are explained");
        assertThat(EmergencyActions.notExplainable("delete from t")).isEqualTo("a DELETE statement: only SELECT statements are explained");
        assertThat(EmergencyActions.notExplainable("WITH gone AS (DELETE FROM t RETURNING *) SELECT count(*) FROM gone"))
                .startsWith("a WITH statement that writes");
        assertThat(EmergencyActions.notExplainable("SELECT 1; DROP TABLE t")).isEqualTo("its text holds more than one statement");
        assertThat(EmergencyActions.notExplainable("<insufficient privilege>")).isEqualTo("its text is not visible to this login");
        assertThat(EmergencyActions.notExplainable(null)).isEqualTo("its text is not visible to this login");
    }

    @Test
    void variablesAreShortenedAndSecretsHidden() {
        assertThat(VariableText.query("ALTER ROLE app PASSWORD 'hunter2'", 200)).isEqualTo("ALTER ROLE app PASSWORD '***'");
        assertThat(VariableText.query("SELECT  'a'\n FROM t", 200)).isEqualTo("SELECT 'a' FROM t");
        assertThat(VariableText.query("x".repeat(50), 10)).isEqualTo("xxxxxxx...");
        List<Integer> many = java.util.stream.IntStream.range(0, 5000).boxed().toList();
        String json = VariableText.jsonList(many);
        assertThat(json.length()).isLessThanOrEqualTo(VariableText.MAX_CHARS);
        assertThat(json).startsWith("[0,1,2,").endsWith("]");
        assertThat(VariableText.capped("y".repeat(10_000))).hasSizeLessThan(4_000).contains("more characters");
        Map<String, Object> vars = new BackendDiagnosis(null, "DATABASE_URL", false, null, null, false, false, null, null,
                List.of(), false, List.of("a")).variables();
        assertThat(vars).doesNotContainKeys(EmergencyVariables.BACKEND_URL, EmergencyVariables.BACKEND_CONNECT_MILLIS)
                .containsEntry(EmergencyVariables.BACKEND_ENV_KEY_PRESENT, false);
    }
}
