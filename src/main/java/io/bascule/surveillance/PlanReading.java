package io.bascule.surveillance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a plan of {@code EXPLAIN (FORMAT JSON, VERBOSE)} says: its nodes as short lines, the tables it reads, the
 * sequential scans that filter rows (where an index may help) and the indexes it uses.
 */
final class PlanReading {

    /** A sequential scan that filters: the table (schema, name, alias in the statement) and its filter. */
    record FilteredScan(String schema, String table, String alias, String filter) {
    }

    /** A table the plan reads. */
    record TableRef(String schema, String table) {
    }

    /** An identifier as PostgreSQL prints it: quoted when it must be, and qualified or not. */
    private static final String IDENT = "\"(?:[^\"]|\"\")+\"|[A-Za-z_\\u0080-\\uFFFF][A-Za-z0-9_$\\u0080-\\uFFFF]*";
    private static final Pattern REFERENCE = Pattern.compile("(" + IDENT + ")(?:\\.(" + IDENT + "))?");
    private static final Pattern STRING_LITERAL = Pattern.compile("'(?:[^']|'')*'");

    private final JsonNode plan;

    private PlanReading(JsonNode plan) {
        this.plan = plan;
    }

    /** The plan of PostgreSQL's JSON text ({@code [{"Plan": {...}}]}). */
    static PlanReading of(String json) {
        try {
            JsonNode root = VariableText.JSON.readTree(json);
            JsonNode first = root.isArray() ? root.path(0) : root;
            JsonNode p = first.path("Plan");
            if (p.isMissingNode()) {
                throw new IllegalArgumentException("not a plan of EXPLAIN (FORMAT JSON): no \"Plan\" in it");
            }
            return new PlanReading(p);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a plan of EXPLAIN (FORMAT JSON): " + e.getOriginalMessage(), e);
        }
    }

    /** One line per node, indented as EXPLAIN prints them: {@code Seq Scan on public.big b (rows=40) Filter: ...}. */
    List<String> lines() {
        List<String> out = new ArrayList<>();
        render(plan, 0, out);
        return out;
    }

    private static void render(JsonNode node, int depth, List<String> out) {
        StringBuilder sb = new StringBuilder("  ".repeat(depth)).append(depth > 0 ? "-> " : "").append(node.path("Node Type").asText());
        if (node.has("Index Name")) {
            sb.append(" using ").append(node.path("Index Name").asText());
        }
        if (node.has("Relation Name")) {
            sb.append(" on ").append(node.has("Schema") ? node.path("Schema").asText() + "." : "")
                    .append(node.path("Relation Name").asText());
            String alias = node.path("Alias").asText(null);
            if (alias != null && !alias.equals(node.path("Relation Name").asText())) {
                sb.append(' ').append(alias);
            }
        }
        sb.append(" (cost=").append(node.path("Total Cost").asText()).append(" rows=").append(node.path("Plan Rows").asText()).append(')');
        for (String key : List.of("Index Cond", "Recheck Cond", "Filter", "Hash Cond", "Join Filter")) {
            if (node.has(key)) {
                sb.append(' ').append(key).append(": ").append(node.path(key).asText());
            }
        }
        out.add(sb.toString());
        for (JsonNode child : node.path("Plans")) {
            render(child, depth + 1, out);
        }
    }

    /** The tables the plan reads (scans of any kind), in plan order, each once. */
    List<TableRef> tables() {
        Set<TableRef> out = new LinkedHashSet<>();
        walk(plan, n -> {
            if (n.has("Relation Name") && n.has("Schema")) {
                out.add(new TableRef(n.path("Schema").asText(), n.path("Relation Name").asText()));
            }
        });
        return new ArrayList<>(out);
    }

    /** The sequential scans with a filter. */
    List<FilteredScan> filteredSeqScans() {
        List<FilteredScan> out = new ArrayList<>();
        walk(plan, n -> {
            if ("Seq Scan".equals(n.path("Node Type").asText()) && n.has("Filter") && n.has("Relation Name")) {
                out.add(new FilteredScan(n.path("Schema").asText(null), n.path("Relation Name").asText(),
                        n.path("Alias").asText(null), n.path("Filter").asText()));
            }
        });
        return out;
    }

    /** The node types that use the named index (Index Scan, Index Only Scan, Bitmap Index Scan). */
    List<String> scansUsing(String indexName) {
        List<String> out = new ArrayList<>();
        walk(plan, n -> {
            if (indexName.equals(n.path("Index Name").asText(null))) {
                out.add(n.path("Node Type").asText());
            }
        });
        return out;
    }

    /** The node types of the plan, in order (for a one-line summary). */
    List<String> nodeTypes() {
        List<String> out = new ArrayList<>();
        walk(plan, n -> out.add(n.path("Node Type").asText()));
        return out;
    }

    private static void walk(JsonNode node, java.util.function.Consumer<JsonNode> each) {
        each.accept(node);
        for (JsonNode child : node.path("Plans")) {
            walk(child, each);
        }
    }

    /**
     * The columns of the table that a filter reads, in order of first appearance: the references in the filter text
     * (unqualified, or qualified by the scan's alias or the table's name) that are columns of the table, leaving out
     * function names (followed by {@code (}), type names (after {@code ::}) and string literals.
     */
    static List<String> filterColumns(String filter, String alias, String table, List<String> columns) {
        String text = STRING_LITERAL.matcher(filter).replaceAll("''");
        boolean[] inFunction = insideFunctionCalls(text);
        Set<String> out = new LinkedHashSet<>();
        Matcher m = REFERENCE.matcher(text);
        while (m.find()) {
            if (inFunction[m.start()]) {
                continue;   // lower(email) = $1: an index on email would not serve it
            }
            int before = m.start() - 1;
            while (before >= 0 && text.charAt(before) == ' ') {
                before--;
            }
            boolean afterCast = before >= 1 && text.charAt(before) == ':' && text.charAt(before - 1) == ':';
            boolean afterDot = before >= 0 && text.charAt(before) == '.';
            int after = m.end();
            while (after < text.length() && text.charAt(after) == ' ') {
                after++;
            }
            boolean function = after < text.length() && text.charAt(after) == '(';
            if (afterCast || afterDot || function) {
                continue;
            }
            String column;
            if (m.group(2) != null) {
                String qualifier = unquote(m.group(1));
                if (!qualifier.equals(alias) && !qualifier.equals(table)) {
                    continue;
                }
                column = unquote(m.group(2));
            } else {
                column = unquote(m.group(1));
                if (isKeyword(column) && !m.group(1).startsWith("\"")) {
                    continue;
                }
            }
            if (columns.contains(column)) {
                out.add(column);
            }
        }
        return new ArrayList<>(out);
    }

    /** For each character: whether it is inside the parentheses of a function call ({@code name(...)}). */
    private static boolean[] insideFunctionCalls(String text) {
        boolean[] inside = new boolean[text.length() + 1];
        java.util.ArrayDeque<Boolean> open = new java.util.ArrayDeque<>();
        int functionDepth = 0;
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '"') {
                quoted = !quoted;
            } else if (!quoted && ch == '(') {
                int j = i - 1;
                while (j >= 0 && text.charAt(j) == ' ') {
                    j--;
                }
                boolean call = j >= 0 && (Character.isLetterOrDigit(text.charAt(j)) || text.charAt(j) == '_'
                        || text.charAt(j) == '"') && !endsWithKeyword(text.substring(0, j + 1));
                open.push(call);
                functionDepth += call ? 1 : 0;
            } else if (!quoted && ch == ')' && !open.isEmpty()) {
                functionDepth -= open.pop() ? 1 : 0;
            }
            inside[i] = functionDepth > 0;
        }
        return inside;
    }

    private static boolean endsWithKeyword(String text) {
        Matcher m = Pattern.compile("([A-Za-z_]+)$").matcher(text);
        return m.find() && isKeyword(m.group(1)) && !text.endsWith("\"" + m.group(1));
    }

    private static boolean isKeyword(String word) {
        return switch (word.toUpperCase(Locale.ROOT)) {
            case "AND", "OR", "NOT", "IS", "NULL", "TRUE", "FALSE", "ANY", "ALL", "IN", "LIKE", "ILIKE", "BETWEEN",
                 "DISTINCT", "FROM", "SUBPLAN", "ARRAY", "CASE", "WHEN", "THEN", "ELSE", "END" -> true;
            default -> false;
        };
    }

    private static String unquote(String identifier) {
        return identifier.startsWith("\"") ? identifier.substring(1, identifier.length() - 1).replace("\"\"", "\"") : identifier;
    }
}
