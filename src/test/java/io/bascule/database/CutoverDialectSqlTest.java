package io.bascule.database;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The cutover checks' generated SQL, pinned: quoting of names, the write probe, the plan and the bounds. */
class CutoverDialectSqlTest {

    @Test
    void theTargetStatementsOfTheChecks() {
        assertThat(PostgresDialect.readOneSql("s\"x", "Audit Logs")).isEqualTo("SELECT 1 FROM \"s\"\"x\".\"Audit Logs\" LIMIT 1");
        assertThat(PostgresDialect.writeProbeSql("public", "orders", "to\"tal")).isEqualTo("UPDATE \"public\".\"orders\""
                + " SET \"to\"\"tal\" = \"to\"\"tal\" WHERE ctid = (SELECT ctid FROM \"public\".\"orders\" LIMIT 1 FOR UPDATE SKIP LOCKED)");
        assertThat(PostgresDialect.statementTimeoutSql(5000)).isEqualTo("SET LOCAL statement_timeout = 5000");
        assertThat(PostgresDialect.statementTimeoutSql(0)).as("0 would mean no timeout").isEqualTo("SET LOCAL statement_timeout = 1");
        assertThat(PostgresDialect.explainJsonSql("SELECT 1")).isEqualTo("EXPLAIN (FORMAT JSON) SELECT 1");
        assertThat(PostgresDialect.pgssCallsSql("mon itor")).startsWith("SELECT coalesce(sum(s.calls), 0)::bigint FROM \"mon itor\".\"pg_stat_statements\" s");
        assertThat(PostgresDialect.pgssResetSql("public")).isEqualTo("SELECT \"public\".\"pg_stat_statements_reset\"()");
    }

    @Test
    void theSourceStatementsOfTheChecks() {
        assertThat(MySqlDialect.explainSql("SELECT 1")).isEqualTo("EXPLAIN SELECT 1");
        assertThat(MySqlDialect.SQL_SET_CLOCK).isEqualTo("SET timestamp = ?");
        assertThat(MySqlDialect.SQL_RESET_CLOCK).isEqualTo("SET timestamp = DEFAULT");
    }
}
