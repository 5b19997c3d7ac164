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
 * @param progressInterval    how often long steps report their progress
 */
public record MigrationOptions(String targetSchema, boolean lowerCaseNames, Set<String> booleanColumns,
                               Map<String, String> typeOverrides, int parallelism, int chunkRows,
                               boolean dropExisting, java.time.Duration progressInterval) {

    public static final String STATE_SCHEMA = io.bascule.database.PostgresDialect.STATE_SCHEMA;

    public static MigrationOptions defaults(String targetSchema) {
        return new MigrationOptions(targetSchema == null ? "public" : targetSchema, false, Set.of(), Map.of(),
                Math.max(2, Runtime.getRuntime().availableProcessors()), 50_000, false, java.time.Duration.ofSeconds(5));
    }

    public MigrationOptions withDropExisting(boolean drop) {
        return new MigrationOptions(targetSchema, lowerCaseNames, booleanColumns, typeOverrides, parallelism, chunkRows, drop, progressInterval);
    }

    public MigrationOptions withChunkRows(int rows) {
        return new MigrationOptions(targetSchema, lowerCaseNames, booleanColumns, typeOverrides, parallelism, rows, dropExisting, progressInterval);
    }

    public MigrationOptions withParallelism(int threads) {
        return new MigrationOptions(targetSchema, lowerCaseNames, booleanColumns, typeOverrides, threads, chunkRows, dropExisting, progressInterval);
    }

    public MigrationOptions withBooleanColumns(Set<String> columns) {
        return new MigrationOptions(targetSchema, lowerCaseNames, columns, typeOverrides, parallelism, chunkRows, dropExisting, progressInterval);
    }

    public MigrationOptions withLowerCaseNames(boolean lower) {
        return new MigrationOptions(targetSchema, lower, booleanColumns, typeOverrides, parallelism, chunkRows, dropExisting, progressInterval);
    }

    public MigrationOptions withTypeOverrides(Map<String, String> overrides) {
        return new MigrationOptions(targetSchema, lowerCaseNames, booleanColumns, overrides, parallelism, chunkRows, dropExisting, progressInterval);
    }

    public MigrationOptions withProgressInterval(java.time.Duration every) {
        return new MigrationOptions(targetSchema, lowerCaseNames, booleanColumns, typeOverrides, parallelism, chunkRows, dropExisting, every);
    }

    public boolean wantsBoolean(String table, String column) {
        return booleanColumns.contains("*") || booleanColumns.contains(table + "." + column);
    }
}
