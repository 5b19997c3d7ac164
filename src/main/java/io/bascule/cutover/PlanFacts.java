package io.bascule.cutover;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What a PostgreSQL plan ({@code EXPLAIN (FORMAT JSON)}) uses: the indexes of its index, index-only and bitmap index
 * scans ({@code "Index Name"}, anywhere in the tree: sub-plans, init plans and CTEs included), the relations it
 * reads with a sequential scan, and every relation it reads.
 */
record PlanFacts(Set<String> indexes, Set<String> seqScanned, Set<String> relations) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static PlanFacts of(String explainJson) {
        JsonNode root;
        try {
            root = JSON.readTree(explainJson);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON plan: " + e.getOriginalMessage(), e);
        }
        Set<String> indexes = new LinkedHashSet<>();
        Set<String> seq = new LinkedHashSet<>();
        Set<String> relations = new LinkedHashSet<>();
        walk(root, indexes, seq, relations);
        return new PlanFacts(Set.copyOf(indexes), Set.copyOf(seq), Set.copyOf(relations));
    }

    private static void walk(JsonNode node, Set<String> indexes, Set<String> seq, Set<String> relations) {
        if (node.isArray()) {
            node.forEach(child -> walk(child, indexes, seq, relations));
            return;
        }
        if (!node.isObject()) {
            return;
        }
        JsonNode index = node.get("Index Name");
        if (index != null && index.isTextual()) {
            indexes.add(index.textValue());
        }
        JsonNode type = node.get("Node Type");
        JsonNode relation = node.get("Relation Name");
        if (relation != null && relation.isTextual()) {
            relations.add(relation.textValue());
            if (type != null && "Seq Scan".equals(type.textValue())) {
                seq.add(relation.textValue());
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            JsonNode child = fields.next().getValue();
            if (child.isContainerNode()) {
                walk(child, indexes, seq, relations);
            }
        }
    }

    /** The plan uses the index: exactly its name, or, unquoted, the same name in any case. */
    boolean uses(String index) {
        return indexes.contains(index) || indexes.stream().anyMatch(i -> i.equalsIgnoreCase(index));
    }

    /** How the plan reads, for a failure line: its indexes and sequential scans. */
    String describe() {
        String idx = indexes.isEmpty() ? "no index" : "index(es) " + String.join(", ", new java.util.TreeSet<>(indexes));
        return idx + (seqScanned.isEmpty() ? "" : ", a sequential scan of " + String.join(", ", new java.util.TreeSet<>(seqScanned)));
    }
}
