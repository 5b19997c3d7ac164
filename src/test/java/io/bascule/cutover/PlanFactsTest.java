package io.bascule.cutover;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The indexes and sequential scans of a plan, found anywhere in PostgreSQL's JSON tree. */
class PlanFactsTest {

    @Test
    void indexesAreFoundInEveryKindOfScanAndSubPlan() {
        String json = """
                [{"Plan": {"Node Type": "Limit", "Plans": [
                  {"Node Type": "Sort", "Plans": [
                    {"Node Type": "Bitmap Heap Scan", "Relation Name": "audit_logs", "Plans": [
                      {"Node Type": "Bitmap Index Scan", "Index Name": "idx_audit_logs_locataire"}]}]},
                  {"Node Type": "Index Only Scan", "Parent Relationship": "InitPlan", "Index Name": "pk_x",
                   "Relation Name": "x"},
                  {"Node Type": "Seq Scan", "Relation Name": "tiny"}]}}]
                """;
        PlanFacts plan = PlanFacts.of(json);
        assertThat(plan.indexes()).containsExactlyInAnyOrder("idx_audit_logs_locataire", "pk_x");
        assertThat(plan.seqScanned()).containsExactly("tiny");
        assertThat(plan.relations()).containsExactlyInAnyOrder("audit_logs", "x", "tiny");
        assertThat(plan.uses("idx_audit_logs_locataire")).isTrue();
        assertThat(plan.uses("IDX_AUDIT_LOGS_LOCATAIRE")).as("an unquoted name in another case").isTrue();
        assertThat(plan.uses("idx_audit_logs_date")).isFalse();
        assertThat(plan.describe()).isEqualTo("index(es) idx_audit_logs_locataire, pk_x, a sequential scan of tiny");
    }

    @Test
    void aPlanWithoutIndexSaysSo() {
        PlanFacts plan = PlanFacts.of("[{\"Plan\": {\"Node Type\": \"Seq Scan\", \"Relation Name\": \"t\"}}]");
        assertThat(plan.indexes()).isEmpty();
        assertThat(plan.describe()).isEqualTo("no index, a sequential scan of t");
        assertThatThrownBy(() -> PlanFacts.of("Seq Scan on t")).hasMessageContaining("not a JSON plan");
    }
}
