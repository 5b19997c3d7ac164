package io.bascule.surveillance;

import com.fasterxml.jackson.databind.JsonNode;
import io.bascule.database.PostgresDialect;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * An index {@link EmergencyActions#diagnoseSlowQueries} proposes: a table read by a sequential scan with a filter on a
 * column no index starts with. Only its parts travel (schema, table, columns, name: never SQL text);
 * {@link EmergencyActions#createIndexConcurrently} checks them again against the catalog and the naming rule and
 * writes the statement itself ({@link #sql()}).
 *
 * @param id            {@code schema.name}: what a form hands back to choose the proposal
 * @param name          the index name, {@link #nameFor} the table and columns (at most 63 bytes)
 * @param queryId       the pg_stat_statements id of the statement that led to it (its plan is checked after the build), or null
 * @param estimatedRows the table's rows as the planner estimates them
 * @param reason        why it is proposed, one line
 */
public record IndexProposal(String id, String schema, String table, List<String> columns, String name, Long queryId,
                            long estimatedRows, String reason) {

    /** How many numbered variants of a name are tried when the plain one is taken ({@code _idx1} ... {@code _idx9}). */
    static final int NAME_VARIANTS = 10;

    public IndexProposal {
        columns = List.copyOf(columns);
    }

    /** The proposal for a table's columns, named {@link #nameFor}{@code (table, columns, variant)}. */
    public static IndexProposal of(String schema, String table, List<String> columns, int variant, Long queryId,
                                   long estimatedRows, String reason) {
        String name = nameFor(table, columns, variant);
        return new IndexProposal(schema + "." + name, schema, table, columns, name, queryId, estimatedRows, reason);
    }

    /** {@code CREATE INDEX CONCURRENTLY "name" ON "schema"."table" ("column")}, every identifier quoted. */
    public String sql() {
        return PostgresDialect.createIndexConcurrentlySql(schema, table, name, columns);
    }

    /**
     * The name of an index on a table's columns: {@code <table>_<col>_idx} (PostgreSQL's own pattern), with a number
     * after {@code idx} for a variant; when that is longer than 63 bytes (PostgreSQL would cut it), the table and
     * column part is cut at a character boundary and followed by 8 hex digits of its SHA-256, so that long names stay
     * distinct. Case and any character are kept: the name is always quoted.
     */
    public static String nameFor(String table, List<String> columns, int variant) {
        if (variant < 0 || variant >= NAME_VARIANTS) {
            throw new IllegalArgumentException("index name variant " + variant + " is not 0.." + (NAME_VARIANTS - 1));
        }
        String stem = table + "_" + String.join("_", columns);
        String end = "_idx" + (variant == 0 ? "" : String.valueOf(variant));
        String plain = stem + end;
        if (PostgresDialect.fits(plain)) {
            return plain;
        }
        String suffix = "_" + sha256Hex(table + "\u0000" + String.join("\u0000", columns)).substring(0, 8) + end;
        return cutToBytes(stem, PostgresDialect.MAX_IDENTIFIER_BYTES - suffix.length()) + suffix;
    }

    /** Whether a name is one {@link #nameFor} gives the table's columns (any variant). */
    public static boolean isGeneratedName(String name, String table, List<String> columns) {
        for (int v = 0; v < NAME_VARIANTS; v++) {
            if (nameFor(table, columns, v).equals(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The proposal of that id in a diagnosis's {@link EmergencyVariables#INDEX_PROPOSALS_JSON}; refused when there is
     * none (a form hands back an id, never SQL).
     */
    public static IndexProposal find(String proposalsJson, String id) {
        for (JsonNode n : readArray(proposalsJson, "index proposals")) {
            if (n.path("id").asText("").equals(id)) {
                List<String> cols = new ArrayList<>();
                n.path("columns").forEach(c -> cols.add(c.asText()));
                return new IndexProposal(n.path("id").asText(), n.path("schema").asText(null), n.path("table").asText(null),
                        cols, n.path("name").asText(null), n.hasNonNull("queryId") ? n.path("queryId").asLong() : null,
                        n.path("estimatedRows").asLong(), n.path("reason").asText(null));
            }
        }
        throw new EmergencyActionRefused("no index proposal '" + id + "' in the diagnosis: choose one of the proposals it"
                + " lists (run the slow query diagnosis again when the list is old)");
    }

    static List<JsonNode> readArray(String json, String what) {
        if (json == null || json.isBlank()) {
            throw new EmergencyActionRefused("no " + what + " given: run the slow query diagnosis first");
        }
        try {
            JsonNode root = VariableText.JSON.readTree(json);
            if (!root.isArray()) {
                throw new EmergencyActionRefused("the " + what + " are not a JSON array: run the slow query diagnosis again");
            }
            List<JsonNode> out = new ArrayList<>();
            root.forEach(out::add);
            return out;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new EmergencyActionRefused("the " + what + " are not JSON (" + e.getOriginalMessage()
                    + "): run the slow query diagnosis again");
        }
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = VariableText.map();
        m.put("id", id);
        m.put("schema", schema);
        m.put("table", table);
        m.put("columns", columns);
        m.put("name", name);
        VariableText.put(m, "queryId", queryId);
        m.put("estimatedRows", estimatedRows);
        VariableText.put(m, "reason", reason);
        m.put("sql", sql());
        return m;
    }

    private static String cutToBytes(String s, int maxBytes) {
        StringBuilder out = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + n > maxBytes) {
                break;
            }
            out.appendCodePoint(cp);
            bytes += n;
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    private static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
