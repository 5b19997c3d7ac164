package io.bascule.migration;

import java.util.Map;
import java.util.Set;

/**
 * How a migration converts and copies.
 *
 * @param targetSchema        PostgreSQL schema that receives the tables
 * @param lowerCaseNames      lower-case table, column and index names (default: keep them as they are)
 * @param booleanColumns      {@code table.column} of TINYINT(1) columns to carry as boolean (refused if a value
 *                            other than 0/1 exists); {@code *} for every TINYINT(1)
 * @param typeOverrides       {@code table.column} → PostgreSQL type, for a column whose default mapping is not wanted
 * @param parallelism         worker threads for copy and verification
 * @param chunkRows           rows per committed chunk (a resumed copy restarts at the last committed chunk)
 * @param dropExisting        drop target tables that already exist (otherwise a non-empty target table is refused)
 */
public record MigrationOptions(String targetSchema, boolean lowerCaseNames, Set<String> booleanColumns,
                               Map<String, String> typeOverrides, int parallelism, int chunkRows,
                               boolean dropExisting) {

    public static final String STATE_SCHEMA = "bascule_state";

    public static MigrationOptions defaults(String targetSchema) {
        return new MigrationOptions(targetSchema == null ? "public" : targetSchema, false, Set.of(), Map.of(),
                Math.max(2, Runtime.getRuntime().availableProcessors()), 50_000, false);
    }

    public MigrationOptions withDropExisting(boolean drop) {
        return new MigrationOptions(targetSchema, lowerCaseNames, booleanColumns, typeOverrides, parallelism, chunkRows, drop);
    }

    public MigrationOptions withChunkRows(int rows) {
        return new MigrationOptions(targetSchema, lowerCaseNames, booleanColumns, typeOverrides, parallelism, rows, dropExisting);
    }

    public MigrationOptions withParallelism(int threads) {
        return new MigrationOptions(targetSchema, lowerCaseNames, booleanColumns, typeOverrides, threads, chunkRows, dropExisting);
    }

    public MigrationOptions withBooleanColumns(Set<String> columns) {
        return new MigrationOptions(targetSchema, lowerCaseNames, columns, typeOverrides, parallelism, chunkRows, dropExisting);
    }

    public MigrationOptions withLowerCaseNames(boolean lower) {
        return new MigrationOptions(targetSchema, lower, booleanColumns, typeOverrides, parallelism, chunkRows, dropExisting);
    }

    public boolean wantsBoolean(String table, String column) {
        return booleanColumns.contains("*") || booleanColumns.contains(table + "." + column);
    }
}
