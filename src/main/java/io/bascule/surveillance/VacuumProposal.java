package io.bascule.surveillance;

import com.fasterxml.jackson.databind.JsonNode;
import io.bascule.database.PostgresDialect;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@code VACUUM (ANALYZE)} {@link EmergencyActions#diagnoseSlowQueries} proposes for a table a slow statement reads:
 * its statistics are missing or old (never analysed, analysed before the cutover, many rows changed since), or it holds
 * many dead rows.
 *
 * @param id           {@code schema.table}: what a form hands back
 * @param reasons      why, one line each
 * @param lastAnalysed the later of its last manual and automatic analyse, or null when never analysed
 */
public record VacuumProposal(String id, String schema, String table, List<String> reasons, long estimatedRows,
                             long deadRows, long modifiedSinceAnalyze, Instant lastAnalysed) {

    public VacuumProposal {
        reasons = List.copyOf(reasons);
    }

    /** {@code VACUUM (ANALYZE) "schema"."table"}. */
    public String sql() {
        return PostgresDialect.vacuumAnalyzeSql(schema, table);
    }

    /** The proposal of that id in a diagnosis's {@link EmergencyVariables#VACUUM_PROPOSALS_JSON}; refused when there is none. */
    public static VacuumProposal find(String proposalsJson, String id) {
        for (JsonNode n : IndexProposal.readArray(proposalsJson, "vacuum proposals")) {
            if (n.path("id").asText("").equals(id)) {
                List<String> reasons = new ArrayList<>();
                n.path("reasons").forEach(r -> reasons.add(r.asText()));
                return new VacuumProposal(n.path("id").asText(), n.path("schema").asText(null), n.path("table").asText(null),
                        reasons, n.path("estimatedRows").asLong(), n.path("deadRows").asLong(),
                        n.path("modifiedSinceAnalyze").asLong(),
                        n.hasNonNull("lastAnalysed") ? Instant.parse(n.path("lastAnalysed").asText()) : null);
            }
        }
        throw new EmergencyActionRefused("no vacuum proposal '" + id + "' in the diagnosis: choose one of the tables it"
                + " lists (run the slow query diagnosis again when the list is old)");
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = VariableText.map();
        m.put("id", id);
        m.put("schema", schema);
        m.put("table", table);
        m.put("reasons", reasons);
        m.put("estimatedRows", estimatedRows);
        m.put("deadRows", deadRows);
        m.put("modifiedSinceAnalyze", modifiedSinceAnalyze);
        VariableText.put(m, "lastAnalysed", lastAnalysed == null ? null : lastAnalysed.toString());
        m.put("sql", sql());
        return m;
    }
}
