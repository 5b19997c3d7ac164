package io.bascule.schema;

import java.util.ArrayList;
import java.util.List;

/**
 * The conversion of a whole source schema: the tables, the warnings a DBA must review, the objects not
 * converted (views, triggers, routines, events), and the errors that stop the migration before anything is written.
 * {@code createsSchema}: the target schema does not exist yet; it is created (owned by the target user) once the
 * plan is approved.
 */
public record ConversionPlan(SourceSchema source, String targetSchema, List<TablePlan> tables,
                             List<String> warnings, List<SourceSchema.DefinedObject> notConverted,
                             List<String> errors, boolean createsSchema) {

    /** The same plan, creating its target schema. */
    public ConversionPlan creatingSchema() {
        return new ConversionPlan(source, targetSchema, tables, warnings, notConverted, errors, true);
    }

    /** What the plan does about its target schema, in a few words, or "" when the schema exists. */
    public String schemaAction() {
        return createsSchema ? "schema \"" + targetSchema.replace("\"", "\"\"") + "\" does not exist: it is created (CREATE SCHEMA, owned by the target user) after approval" : "";
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    public List<String> allWarnings() {
        List<String> all = new ArrayList<>(warnings);
        for (TablePlan t : tables) {
            t.warnings().forEach(w -> all.add(t.source().name() + ": " + w));
        }
        return all;
    }

    public TablePlan table(String sourceName) {
        return tables.stream().filter(t -> t.source().name().equals(sourceName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no table " + sourceName + " in the plan"));
    }

    /** A readable summary for the review task, the CLI and the logs. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("Conversion plan: ").append(source.database()).append(" (").append(source.serverVersion())
                .append(") -> PostgreSQL schema ").append(targetSchema).append('\n');
        if (createsSchema) {
            sb.append("  ").append(schemaAction()).append('\n');
        }
        for (TablePlan t : tables) {
            sb.append(String.format("  %-40s ~%,d rows%s%n", t.source().name() + " -> " + t.targetName(),
                    t.source().estimatedRows(), t.source().hasPrimaryKey() ? "" : " (no primary key)"));
            for (ColumnMapping c : t.columns()) {
                sb.append(String.format("      %-30s %-28s -> %s%s%n", c.source().name(), c.source().columnType(),
                        c.targetType(), c.identity() ? " identity" : ""));
            }
        }
        List<String> all = allWarnings();
        if (!all.isEmpty()) {
            sb.append("Warnings (").append(all.size()).append("):\n");
            all.forEach(w -> sb.append("  - ").append(w).append('\n'));
        }
        if (!notConverted.isEmpty()) {
            sb.append("Not converted (recreate them by hand; their MySQL definitions follow):\n");
            notConverted.forEach(o -> {
                sb.append("  - ").append(o.kind()).append(' ').append(o.name()).append(o.table() == null ? "" : " on " + o.table()).append('\n');
                if (o.definition() != null) {
                    o.definition().lines().forEach(l -> sb.append("        ").append(l).append('\n'));
                }
            });
        }
        if (!errors.isEmpty()) {
            sb.append("Errors (").append(errors.size()).append("), nothing will be written:\n");
            errors.forEach(e -> sb.append("  - ").append(e).append('\n'));
        }
        return sb.toString();
    }
}
