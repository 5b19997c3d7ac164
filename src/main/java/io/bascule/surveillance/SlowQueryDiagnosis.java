package io.bascule.surveillance;

import java.util.List;
import java.util.Map;

import static io.bascule.surveillance.EmergencyVariables.*;

/**
 * The "slow queries" diagnosis: the statements over the bound with their plans, the indexes and vacuums proposed.
 *
 * @param statementsAvailable pg_stat_statements is installed and collecting in the target database (when not, a
 *                            line says how to enable it and the lists are empty)
 * @param thresholdMs         the bound (bascule.surveillance.slow-query), in ms
 */
public record SlowQueryDiagnosis(boolean statementsAvailable, double thresholdMs, List<SlowStatement> statements,
                                 List<IndexProposal> indexProposals, List<VacuumProposal> vacuumProposals,
                                 List<String> lines) {

    public SlowQueryDiagnosis {
        statements = List.copyOf(statements);
        indexProposals = List.copyOf(indexProposals);
        vacuumProposals = List.copyOf(vacuumProposals);
        lines = List.copyOf(lines);
    }

    /** The process variables ({@link EmergencyVariables}, {@code slowQuery*}, {@code indexProposal*}, {@code vacuumProposal*}). */
    public Map<String, Object> variables() {
        Map<String, Object> v = VariableText.map();
        v.put(SLOW_QUERY_STATS_AVAILABLE, statementsAvailable);
        v.put(SLOW_QUERY_THRESHOLD_MS, thresholdMs);
        v.put(SLOW_QUERY_COUNT, statements.size());
        v.put(SLOW_QUERIES_JSON, VariableText.jsonList(statements.stream().map(SlowStatement::toMap).toList()));
        v.put(INDEX_PROPOSALS_JSON, VariableText.jsonList(indexProposals.stream().map(IndexProposal::toMap).toList()));
        v.put(INDEX_PROPOSAL_COUNT, indexProposals.size());
        v.put(VACUUM_PROPOSALS_JSON, VariableText.jsonList(vacuumProposals.stream().map(VacuumProposal::toMap).toList()));
        v.put(VACUUM_PROPOSAL_COUNT, vacuumProposals.size());
        v.put(SLOW_QUERY_REPORT, VariableText.lines(lines));
        return v;
    }
}
