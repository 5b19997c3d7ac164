package io.bascule.surveillance;

import io.bascule.process.SurveillanceVariables;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the surveillance's steps write and read, without an engine: the checklist's items from a sample, the numbered
 * slow-query proposals and what an approval picks from them, the idle sessions approved, the e-mails' summary line.
 */
class SurveillanceValuesTest {

    static Sample checked(Sample s) {
        return s.withAlerts(SampleChecks.evaluate(s, PlaybookTriggersTest.THRESHOLDS));
    }

    // ------------------------------------------------------------------ checklist items

    @Test
    void aSampleBecomesTheChecklistsItemsWithValueThresholdAndMark() {
        Sample s = checked(PlaybookTriggersTest.sample(60.0, List.of(PlaybookTriggersTest.slow(1, 450)),
                PlaybookTriggersTest.health(true)));
        Map<String, Object> v = ChecklistValues.of(s);
        assertThat(v.keySet()).containsExactly(SurveillanceVariables.CHECK_CONNECTIONS, SurveillanceVariables.CHECK_MEAN_QUERY,
                SurveillanceVariables.CHECK_DEAD_TUPLES, SurveillanceVariables.CHECK_INDEXES_USED,
                SurveillanceVariables.CHECK_SLOW_QUERIES, SurveillanceVariables.CHECK_DEADLOCKS,
                SurveillanceVariables.CHECK_APP_HEALTHY, SurveillanceVariables.CHECKLIST_MEASURED_AT,
                SurveillanceVariables.CHECKLIST_ALL_PASSED);
        assertThat((String) v.get(SurveillanceVariables.CHECK_CONNECTIONS))
                .isEqualTo("118 of 197 usable (60.0 %; max_connections 200) (at most 50 % of the usable connections) ❌");
        assertThat((String) v.get(SurveillanceVariables.CHECK_MEAN_QUERY)).isEqualTo("2.5 ms over 120 calls (max 900.0 ms) (at most 100 ms) ✅");
        assertThat((String) v.get(SurveillanceVariables.CHECK_SLOW_QUERIES)).startsWith("1 statement, slowest: 450.0 ms mean")
                .endsWith("(none with a mean over 200 ms) ❌");
        assertThat((String) v.get(SurveillanceVariables.CHECK_APP_HEALTHY)).isEqualTo("HTTP 200 in 12 ms (answers 2xx at http://app.example/health) ✅");
        assertThat(v).containsEntry(SurveillanceVariables.CHECKLIST_ALL_PASSED, false)
                .containsEntry(SurveillanceVariables.CHECKLIST_MEASURED_AT, ChecklistValues.time(s.at()));
        assertThat(ChecklistValues.lines(s)).contains("❌ Connections: 118 of 197 usable (60.0 %; max_connections 200)"
                + " (at most 50 % of the usable connections)");
    }

    @Test
    void whatCannotBeMeasuredIsShownWithTheReasonNeverAsPassed() {
        Sample down = checked(PlaybookTriggersTest.unreachable(PlaybookTriggersTest.health(false)));
        Map<String, Object> v = ChecklistValues.of(down);
        assertThat((String) v.get(SurveillanceVariables.CHECK_CONNECTIONS))
                .isEqualTo("not measured: PostgreSQL unreachable: connection refused ❔");
        assertThat((String) v.get(SurveillanceVariables.CHECK_DEADLOCKS)).endsWith("❔");
        assertThat((String) v.get(SurveillanceVariables.CHECK_APP_HEALTHY)).as("the probe still ran").endsWith("❌");
        assertThat(v).containsEntry(SurveillanceVariables.CHECKLIST_ALL_PASSED, false);

        Map<String, Object> failed = ChecklistValues.notMeasured("the sampling thread did not answer", Instant.parse("2025-06-02T10:15:00.123Z"));
        assertThat(failed).containsEntry(SurveillanceVariables.CHECK_MEAN_QUERY, "not measured: the sampling thread did not answer ❔")
                .containsEntry(SurveillanceVariables.CHECKLIST_MEASURED_AT, "2025-06-02T10:15:00Z")
                .containsEntry(SurveillanceVariables.CHECKLIST_ALL_PASSED, false);
        assertThat(failed.values()).filteredOn(x -> x instanceof String s && s.startsWith("not measured")).hasSize(7);
    }

    // ------------------------------------------------------------------ slow-query proposals

    static String vacuums(VacuumProposal... proposals) {
        return VariableText.jsonList(List.of(proposals).stream().map(VacuumProposal::toMap).toList());
    }

    static String indexes(IndexProposal... proposals) {
        return VariableText.jsonList(List.of(proposals).stream().map(IndexProposal::toMap).toList());
    }

    static final VacuumProposal VACUUM_ORDERS = new VacuumProposal("public.orders", "public", "orders",
            List.of("never analysed"), 20000, 0, 0, null);
    static final VacuumProposal VACUUM_EVENTS = new VacuumProposal("public.events", "public", "events",
            List.of("9000 dead rows"), 1000, 9000, 0, Instant.parse("2025-06-01T09:00:00Z"));
    static final IndexProposal INDEX_ORDERS = IndexProposal.of("public", "orders", List.of("customer_id"), 0, 42L, 20000,
            "a sequential scan of ~20000 rows filters on customer_id");

    @Test
    void theProposalsAreNumberedFromOneVacuumsFirstAndAnApprovalPicksByNumber() {
        SlowQueryProposals p = SlowQueryProposals.of(vacuums(VACUUM_ORDERS, VACUUM_EVENTS), indexes(INDEX_ORDERS));
        assertThat(p.text()).isEqualTo("""
                1. VACUUM (ANALYZE) "public"."orders": never analysed
                2. VACUUM (ANALYZE) "public"."events": 9000 dead rows
                3. CREATE INDEX CONCURRENTLY "orders_customer_id_idx" ON "public"."orders" ("customer_id"): a sequential scan of ~20000 rows filters on customer_id""");
        assertThat(p.indexTarget(3)).isEqualTo(INDEX_ORDERS);
        assertThat(p.indexTarget(null)).as("the only index").isEqualTo(INDEX_ORDERS);
        assertThat(p.vacuumTargets(2)).extracting(SlowQueryProposals.Proposal::table).containsExactly("public.events");
        assertThat(p.vacuumTargets(3)).as("the table of an index proposal").extracting(SlowQueryProposals.Proposal::table)
                .containsExactly("public.orders");
        assertThat(p.vacuumTargets(null)).as("every table proposed for a vacuum").extracting(SlowQueryProposals.Proposal::table)
                .containsExactly("public.orders", "public.events");
        assertThatThrownBy(() -> p.indexTarget(1)).isInstanceOf(EmergencyActionRefused.class)
                .hasMessage("proposal 1 is not an index but VACUUM (ANALYZE) \"public\".\"orders\": choose the number of an index"
                        + " (3), or VACUUM ANALYZE; nothing was done");
        assertThatThrownBy(() -> p.number(4)).isInstanceOf(EmergencyActionRefused.class)
                .hasMessage("there is no proposal 4: the diagnosis numbered 1 to 3; nothing was done");

        SlowQueryProposals onlyIndex = SlowQueryProposals.of(vacuums(), indexes(INDEX_ORDERS));
        assertThat(onlyIndex.text()).startsWith("1. CREATE INDEX CONCURRENTLY");
        assertThat(onlyIndex.vacuumTargets(null)).extracting(SlowQueryProposals.Proposal::table).containsExactly("public.orders");

        SlowQueryProposals none = SlowQueryProposals.of(null, "[]");
        assertThat(none.text()).startsWith("no proposal:");
        assertThatThrownBy(() -> none.vacuumTargets(null)).isInstanceOf(EmergencyActionRefused.class)
                .hasMessageContaining("proposed no table");
        assertThatThrownBy(() -> none.indexTarget(null)).isInstanceOf(EmergencyActionRefused.class)
                .hasMessageContaining("proposed no index");
    }

    // ------------------------------------------------------------------ idle sessions approved

    @Test
    void onlyListedSessionsAreApprovedAndAnEmptyListMeansAllListed() {
        assertThat(SessionApproval.of(null, "[101,102,103]").chosen()).containsExactly(101, 102, 103);
        assertThat(SessionApproval.of("  ", "[101,102,103]").chosen()).containsExactly(101, 102, 103);
        SessionApproval some = SessionApproval.of("103, 101; 999 101", "[101,102,103]");
        assertThat(some.chosen()).containsExactly(103, 101);
        assertThat(some.notListed()).containsExactly(999);
        assertThat(SessionApproval.of("101", null).chosen()).as("nothing listed: nothing to end").isEmpty();
        assertThatThrownBy(() -> SessionApproval.of("101, abc", "[101]")).isInstanceOf(EmergencyActionRefused.class)
                .hasMessageStartingWith("approvedPids holds 'abc', which is not a process id");
        assertThatThrownBy(() -> SessionApproval.of("-5", "[101]")).isInstanceOf(EmergencyActionRefused.class);
    }

    // ------------------------------------------------------------------ e-mails

    @Test
    void theSummaryLineSaysWhatWasConfirmedFlaggedAndRaised() {
        Instant at = Instant.parse("2025-06-02T10:15:03Z");
        List<SurveillanceMails.ChecklistResult> checklists = List.of(
                new SurveillanceMails.ChecklistResult("T+15", true, "alice", at, "all normal"),
                new SurveillanceMails.ChecklistResult("T+30", false, "bob", at.plusSeconds(900), null),
                new SurveillanceMails.ChecklistResult("T+45", null, null, null, null));
        Sample now = checked(PlaybookTriggersTest.usage(10));
        String summary = SurveillanceMails.summary(checklists,
                List.of(new SurveillanceMails.Playbook("slow queries", "1 statement ...")), now);
        assertThat(summary).isEqualTo("H+1 validation complete: 1 of 3 checklists confirmed, flagged: T+30;"
                + " playbooks raised: slow queries; PostgreSQL now: every check passed");
        assertThat(checklists.get(0).line()).isEqualTo("T+15: ✅ confirmed by alice at 2025-06-02T10:15:03Z (note: all normal)");
        assertThat(checklists.get(1).line()).isEqualTo("T+30: ❌ problem flagged by bob at 2025-06-02T10:30:03Z");
        assertThat(checklists.get(2).line()).isEqualTo("T+45: not completed");
        assertThat(SurveillanceMails.elapsed(Instant.parse("2025-06-02T10:00:00Z"), Instant.parse("2025-06-02T10:32:10Z")))
                .isEqualTo("T+32 min");
        assertThat(SurveillanceMails.elapsed(Instant.parse("2025-06-02T10:00:00Z"), Instant.parse("2025-06-02T10:00:04Z")))
                .isEqualTo("T+4 s");
    }
}
