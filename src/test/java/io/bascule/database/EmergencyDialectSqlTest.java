package io.bascule.database;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The surveillance emergency actions' SQL, pinned: what ending a session re-checks, quoting, the statements written. */
class EmergencyDialectSqlTest {

    @Test
    void endingASessionReChecksItInTheSameStatement() {
        assertThat(PostgresDialect.SQL_END_IDLE_SESSIONS).startsWith("SELECT a.pid, pg_terminate_backend(a.pid, ?) FROM pg_stat_activity a")
                .contains("WHERE a.pid = ANY (?) AND a.datname = current_database() AND a.backend_type = 'client backend'")
                .contains("AND a.pid <> pg_backend_pid() AND coalesce(a.application_name, '') NOT LIKE 'bascule%'")
                .contains("AND a.state IN ('idle', 'idle in transaction', 'idle in transaction (aborted)')")
                .contains("AND a.state_change < now() - ?::interval")
                .contains("pg_has_role(current_user, 'pg_signal_backend', 'USAGE')");
        assertThat(PostgresDialect.SQL_END_IDLE_SESSIONS_NO_WAIT).startsWith("SELECT a.pid, pg_terminate_backend(a.pid) FROM")
                .endsWith(PostgresDialect.SQL_END_IDLE_SESSIONS.substring(PostgresDialect.SQL_END_IDLE_SESSIONS.indexOf(" FROM")));
        assertThat(PostgresDialect.SQL_IDLE_SESSIONS).contains("a.state_change < now() - ?::interval")
                .contains("NOT LIKE 'bascule%'");
        for (String state : PostgresDialect.IDLE_STATES) {
            assertThat(PostgresDialect.SQL_IDLE_SESSIONS).contains("'" + state + "'");
        }
    }

    @Test
    void statementsOfTheSlowQueryPlaybook() {
        assertThat(PostgresDialect.slowStatementsSql("mon itor")).contains("FROM \"mon itor\".\"pg_stat_statements\" s")
                .contains("s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND s.mean_exec_time > ?")
                .endsWith("ORDER BY s.mean_exec_time DESC, s.queryid LIMIT ?");
        assertThat(PostgresDialect.SQL_EXPLAIN_GENERIC_PLAN).startsWith("DO $bascule_explain$")
                .contains("EXPLAIN (FORMAT JSON, GENERIC_PLAN, VERBOSE) ' || current_setting('bascule.explain_statement')")
                .doesNotContain("ANALYZE");
        assertThat(PostgresDialect.SQL_EXPLAIN_STATEMENT).isEqualTo("SELECT set_config('bascule.explain_statement', ?, true)");
        assertThat(PostgresDialect.createIndexConcurrentlySql("Sales", "Order Lines", "Order Lines_sku_idx", List.of("sku", "From")))
                .isEqualTo("CREATE INDEX CONCURRENTLY \"Order Lines_sku_idx\" ON \"Sales\".\"Order Lines\" (\"sku\", \"From\")");
        assertThat(PostgresDialect.vacuumAnalyzeSql("public", "order")).isEqualTo("VACUUM (ANALYZE) \"public\".\"order\"");
        assertThat(PostgresDialect.lockTimeoutSql(java.time.Duration.ofMinutes(1))).isEqualTo("SET lock_timeout = 60000");
    }
}
