package io.bascule.schema;

import java.util.List;

/**
 * One source table and what it becomes: target name, columns, the DDL run after the load (keys, indexes,
 * constraints, sequences, triggers), and the date columns whose NOT NULL is set after the load when no zero date
 * became NULL in them.
 */
public record TablePlan(SourceSchema.Table source, String targetName, List<ColumnMapping> columns,
                        List<String> primaryKeyTarget, List<String> postLoadDdl, List<String> notNullAfterLoad,
                        List<String> warnings) {

    public ColumnMapping column(String sourceName) {
        return columns.stream().filter(c -> c.source().name().equals(sourceName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no column " + sourceName + " in " + source.name()));
    }

    /** The single integer primary key column that key ranges split, or null. */
    public ColumnMapping integerKey() {
        if (source.primaryKey().size() != 1) {
            return null;
        }
        ColumnMapping key = column(source.primaryKey().get(0));
        return key.kind() == ValueKind.INTEGER ? key : null;
    }

    public List<ColumnMapping> keyColumns() {
        return source.primaryKey().stream().map(this::column).toList();
    }
}
