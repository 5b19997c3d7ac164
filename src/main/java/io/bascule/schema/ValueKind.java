package io.bascule.schema;

/**
 * How a column's values travel: how they are read from MySQL (an exact text form), written into PostgreSQL
 * COPY, and encoded canonically on both engines for verification. See docs/type-mapping.md.
 */
public enum ValueKind {
    INTEGER, BOOLEAN, DECIMAL, FLOAT4, FLOAT8, DATE, DATETIME, TIMESTAMP, TIME, YEAR, TEXT, BINARY, BIT, JSON
}
