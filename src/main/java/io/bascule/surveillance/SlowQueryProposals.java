package io.bascule.surveillance;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The proposals of a slow query diagnosis as the DBA sees and chooses them: one list numbered from 1, the VACUUM
 * ANALYZE proposals first, then the indexes, read from the diagnosis's variables
 * {@link EmergencyVariables#VACUUM_PROPOSALS_JSON} and {@link EmergencyVariables#INDEX_PROPOSALS_JSON} (kept in the
 * run for the apply step: a form hands back a number, never SQL). The numbers are those of {@link #text()}.
 */
public final class SlowQueryProposals {

    /** One numbered proposal: a vacuum of a table, or an index. */
    public record Proposal(int number, VacuumProposal vacuum, IndexProposal index) {

        public boolean isIndex() {
            return index != null;
        }

        public String schema() {
            return isIndex() ? index.schema() : vacuum.schema();
        }

        public String tableName() {
            return isIndex() ? index.table() : vacuum.table();
        }

        /** The table it is about, {@code schema.table}. */
        public String table() {
            return schema() + "." + tableName();
        }

        public String sql() {
            return isIndex() ? index.sql() : vacuum.sql();
        }

        /** {@code 2. CREATE INDEX CONCURRENTLY ...: why}. */
        public String line() {
            String why = isIndex() ? index.reason() : String.join("; ", vacuum.reasons());
            return number + ". " + sql() + (why == null || why.isBlank() ? "" : ": " + why);
        }
    }

    private final List<Proposal> proposals;

    private SlowQueryProposals(List<Proposal> proposals) {
        this.proposals = List.copyOf(proposals);
    }

    /** The proposals of the diagnosis's JSON variables (either may be null or empty: no proposal of that kind). */
    public static SlowQueryProposals of(String vacuumProposalsJson, String indexProposalsJson) {
        List<Proposal> list = new ArrayList<>();
        for (JsonNode n : array(vacuumProposalsJson, "vacuum proposals")) {
            list.add(new Proposal(list.size() + 1, VacuumProposal.find(vacuumProposalsJson, n.path("id").asText("")), null));
        }
        for (JsonNode n : array(indexProposalsJson, "index proposals")) {
            list.add(new Proposal(list.size() + 1, null, IndexProposal.find(indexProposalsJson, n.path("id").asText(""))));
        }
        return new SlowQueryProposals(list);
    }

    private static List<JsonNode> array(String json, String what) {
        return json == null || json.isBlank() ? List.of() : IndexProposal.readArray(json, what);
    }

    public List<Proposal> all() {
        return proposals;
    }

    /** One line per proposal, numbered from 1; or a line saying there is none. */
    public String text() {
        if (proposals.isEmpty()) {
            return "no proposal: the diagnosis found no missing index and no table to vacuum; approve nothing, or report"
                    + " what you see in the note";
        }
        return String.join("\n", proposals.stream().map(Proposal::line).toList());
    }

    /** The proposal of that number; refused (nothing done) when there is none. */
    public Proposal number(int n) {
        if (n < 1 || n > proposals.size()) {
            throw new EmergencyActionRefused("there is no proposal " + n + ": the diagnosis numbered "
                    + (proposals.isEmpty() ? "none" : "1 to " + proposals.size()) + "; nothing was done");
        }
        return proposals.get(n - 1);
    }

    /**
     * The tables to VACUUM ANALYZE for an approval of {@code vacuumAnalyze}: the table of proposal {@code number} when
     * one is given (a vacuum proposal, or the table of an index proposal); else every table a vacuum proposal names,
     * or, when there is none, the tables of the index proposals. Refused when there is no table at all.
     *
     * @return the proposals whose tables to vacuum, one per table, in their order
     */
    public List<Proposal> vacuumTargets(Integer number) {
        if (number != null) {
            return List.of(number(number));
        }
        List<Proposal> vacuums = proposals.stream().filter(p -> !p.isIndex()).toList();
        List<Proposal> chosen = vacuums.isEmpty() ? proposals : vacuums;
        if (chosen.isEmpty()) {
            throw new EmergencyActionRefused("the diagnosis proposed no table to VACUUM ANALYZE: nothing was done");
        }
        Set<String> tables = new LinkedHashSet<>();
        return chosen.stream().filter(p -> tables.add(p.table())).toList();
    }

    /** The index to create for an approval of {@code createIndex}: proposal {@code number}, which must be an index. */
    public IndexProposal indexTarget(Integer number) {
        List<Proposal> indexes = proposals.stream().filter(Proposal::isIndex).toList();
        if (number == null) {
            if (indexes.size() == 1) {
                return indexes.get(0).index();
            }
            throw new EmergencyActionRefused(indexes.isEmpty() ? "the diagnosis proposed no index: nothing was done"
                    : "no proposal number given, and the diagnosis proposed " + indexes.size() + " indexes: give the number"
                    + " of the one to create; nothing was done");
        }
        Proposal p = number(number);
        if (!p.isIndex()) {
            throw new EmergencyActionRefused("proposal " + number + " is not an index but " + p.sql() + ": choose "
                    + (indexes.isEmpty() ? "VACUUM ANALYZE (the diagnosis proposed no index)"
                    : "the number of an index (" + String.join(", ", indexes.stream().map(i -> String.valueOf(i.number())).toList())
                    + "), or VACUUM ANALYZE") + "; nothing was done");
        }
        return p.index();
    }
}
