package io.bascule.database;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Target schema names: quoted as they are, refused where PostgreSQL would refuse or cut them. */
class PostgresDialectTest {

    @Test
    void aCreatedSchemaIsQuotedAndOwnedByTheTargetUser() {
        assertThat(PostgresDialect.createSchema("Sakila Films"))
                .isEqualTo("CREATE SCHEMA IF NOT EXISTS \"Sakila Films\" AUTHORIZATION CURRENT_USER");
        assertThat(PostgresDialect.createSchema("we\"ird")).isEqualTo("CREATE SCHEMA IF NOT EXISTS \"we\"\"ird\" AUTHORIZATION CURRENT_USER");
        assertThat(PostgresDialect.createSchema("select")).isEqualTo("CREATE SCHEMA IF NOT EXISTS \"select\" AUTHORIZATION CURRENT_USER");
    }

    @Test
    void schemaNamesPostgresqlWouldRefuseOrCutAreNamed() {
        assertThat(PostgresDialect.schemaNameProblem("public")).isNull();
        assertThat(PostgresDialect.schemaNameProblem("Sakila Films")).isNull();
        assertThat(PostgresDialect.schemaNameProblem("é".repeat(31) + "x")).isNull();           // 63 bytes
        assertThat(PostgresDialect.schemaNameProblem("é".repeat(32))).contains("longer than 63 bytes").contains("--target-schema");
        assertThat(PostgresDialect.schemaNameProblem("")).contains("empty");
        assertThat(PostgresDialect.schemaNameProblem("a\0b")).contains("NUL");
    }
}
