package io.bascule.database;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The SQL that creates the demo MariaDB's logins (MySqlDialect, "the demo's MariaDB"), pinned statement by statement. */
class DemoLoginsSqlTest {

    @Test
    void accountsAndPasswordsAreStringLiteralsWithQuotesAndBackslashesEscaped() {
        assertThat(MySqlDialect.account("bascule", "%")).isEqualTo("'bascule'@'%'");
        assertThat(MySqlDialect.account("", "localhost")).isEqualTo("''@'localhost'");
        assertThat(MySqlDialect.createUserIfMissingSql("o'neil", "%", "p'w\\x"))
                .isEqualTo("CREATE USER IF NOT EXISTS 'o\\'neil'@'%' IDENTIFIED BY 'p\\'w\\\\x'");
        assertThat(MySqlDialect.setPasswordSql("akig_app", "%", "secret"))
                .isEqualTo("ALTER USER 'akig_app'@'%' IDENTIFIED BY 'secret'");
    }

    @Test
    void grantsNameTheirPrivilegesAndTheDatabaseQuoted() {
        assertThat(MySqlDialect.grantGlobalSql(List.of("READ_ONLY ADMIN", "PROCESS"), "bascule", "%"))
                .isEqualTo("GRANT READ_ONLY ADMIN, PROCESS ON *.* TO 'bascule'@'%'");
        assertThat(MySqlDialect.grantOnDatabaseSql(List.of("SELECT", "INSERT"), "akig`legacy", "akig_app", "%"))
                .isEqualTo("GRANT SELECT, INSERT ON `akig``legacy`.* TO 'akig_app'@'%'");
    }
}
