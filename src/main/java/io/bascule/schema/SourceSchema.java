package io.bascule.schema;

import java.util.List;
import java.util.Optional;

/** What was read from the source MySQL/MariaDB schema: tables with columns, keys and indexes, and the other objects. */
public record SourceSchema(String database, String serverVersion, boolean mariaDb, List<Table> tables,
                           List<DefinedObject> otherObjects) {

    public Optional<Table> table(String name) {
        return tables.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public record Table(String name, long estimatedRows, long dataBytes, Long autoIncrement, String collation,
                        List<Column> columns, List<String> primaryKey, List<Index> indexes,
                        List<ForeignKey> foreignKeys, List<Check> checks) {

        public Column column(String name) {
            return columns.stream().filter(c -> c.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no column " + name + " in " + this.name));
        }

        public boolean hasPrimaryKey() {
            return !primaryKey.isEmpty();
        }
    }

    /**
     * A column as information_schema describes it. {@code defaultValue} is normalised across MySQL and MariaDB:
     * null means no default; {@code defaultIsExpression} tells an expression (CURRENT_TIMESTAMP, ...) from a literal.
     */
    public record Column(String name, int position, String dataType, String columnType, boolean nullable,
                         String defaultValue, boolean defaultIsExpression, Long charLength, Integer precision,
                         Integer scale, Integer datetimePrecision, String charset, String collation,
                         boolean autoIncrement, boolean onUpdateCurrentTimestamp, String generationExpression,
                         boolean storedGenerated) {

        public boolean unsigned() {
            return columnType.contains("unsigned");
        }

        public boolean generated() {
            return generationExpression != null && !generationExpression.isBlank();
        }
    }

    public record Index(String name, boolean unique, List<String> columns, List<Integer> prefixLengths, String type,
                        String expression) {
    }

    public record ForeignKey(String name, List<String> columns, String referencedTable, List<String> referencedColumns,
                             String onUpdate, String onDelete) {
    }

    public record Check(String name, String clause) {
    }

    /** A view, trigger, routine or event: listed with its definition; not converted. */
    public record DefinedObject(String kind, String name, String table, String definition) {
    }
}
