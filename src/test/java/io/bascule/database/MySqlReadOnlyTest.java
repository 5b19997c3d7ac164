package io.bascule.database;

import io.bascule.database.MySqlReadOnly.Bypass;
import io.bascule.database.MySqlReadOnly.Grant;
import io.bascule.database.MySqlReadOnly.ServerVersion;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The read-only switches as SQL text and the parsing of SHOW GRANTS. The MySQL 8 statements cannot run here (the
 * embedded server is MariaDB 10.11): they are written from MySQL's reference manual and pinned by these tests.
 */
class MySqlReadOnlyTest {

    static final ServerVersion MYSQL_80 = ServerVersion.parse("8.0.36");
    static final ServerVersion MYSQL_84 = ServerVersion.parse("8.4.3");
    static final ServerVersion MARIA_1011 = ServerVersion.parse("10.11.6-MariaDB-log");
    static final ServerVersion MARIA_106 = ServerVersion.parse("10.6.16-MariaDB");
    static final ServerVersion MARIA_104 = ServerVersion.parse("10.4.32-MariaDB");

    @Test
    void versionsAreReadFromVersionText() {
        assertThat(MARIA_1011.mariaDb()).isTrue();
        assertThat(MARIA_1011.major()).isEqualTo(10);
        assertThat(MARIA_1011.minor()).isEqualTo(11);
        assertThat(MARIA_1011.patch()).isEqualTo(6);
        assertThat(MYSQL_80.mariaDb()).isFalse();
        assertThat(MYSQL_80.hasSuperReadOnly()).isTrue();
        assertThat(MARIA_1011.hasSuperReadOnly()).isFalse();
        assertThat(ServerVersion.parse("8.0.36-0ubuntu0.22.04.1").atLeast(8, 0, 36)).isTrue();
        assertThat(ServerVersion.parse("5.5.5-10.11.6-MariaDB").mariaDb()).isTrue();
        assertThatThrownBy(() -> ServerVersion.parse("garbage")).hasMessageContaining("'garbage'");
    }

    @Test
    void mySql8FreezeAndLiftStatementsInTheirOrder() {
        assertThat(MySqlReadOnly.freezeStatements(MYSQL_80, false))
                .containsExactly("SET GLOBAL read_only = ON", "SET GLOBAL super_read_only = ON");
        // a privileged applier (CONNECTION_ADMIN/SUPER) must still write: super_read_only stays off
        assertThat(MySqlReadOnly.freezeStatements(MYSQL_80, true))
                .containsExactly("SET GLOBAL read_only = ON", "SET GLOBAL super_read_only = OFF");
        // super_read_only off before read_only (read_only OFF would switch it off too, but never the reverse order)
        assertThat(MySqlReadOnly.liftStatements(MYSQL_80))
                .containsExactly("SET GLOBAL super_read_only = OFF", "SET GLOBAL read_only = OFF");
        assertThat(MySqlReadOnly.SQL_STATE_MYSQL).isEqualTo("SELECT @@GLOBAL.read_only, @@GLOBAL.super_read_only");
    }

    @Test
    void onlyTheSwitchesNotYetInPlaceAreSet() {
        var off = new MySqlReadOnly.ReadOnlyState(false, false);
        var readOnly = new MySqlReadOnly.ReadOnlyState(true, false);
        var superRo = new MySqlReadOnly.ReadOnlyState(true, true);
        assertThat(MySqlReadOnly.freezeStatementsNeeded(MYSQL_80, off, false))
                .containsExactly("SET GLOBAL read_only = ON", "SET GLOBAL super_read_only = ON");
        assertThat(MySqlReadOnly.freezeStatementsNeeded(MYSQL_80, superRo, false)).isEmpty();
        assertThat(MySqlReadOnly.freezeStatementsNeeded(MYSQL_80, off, true)).containsExactly("SET GLOBAL read_only = ON");
        assertThat(MySqlReadOnly.freezeStatementsNeeded(MYSQL_80, readOnly, true)).isEmpty();
        // frozen for everyone, now a privileged applier must write: super_read_only comes off, read_only stays
        assertThat(MySqlReadOnly.freezeStatementsNeeded(MYSQL_80, superRo, true)).containsExactly("SET GLOBAL super_read_only = OFF");
        assertThat(MySqlReadOnly.liftStatementsNeeded(MYSQL_80, superRo))
                .containsExactly("SET GLOBAL super_read_only = OFF", "SET GLOBAL read_only = OFF");
        assertThat(MySqlReadOnly.liftStatementsNeeded(MYSQL_80, readOnly)).containsExactly("SET GLOBAL read_only = OFF");
        assertThat(MySqlReadOnly.liftStatementsNeeded(MYSQL_80, off)).isEmpty();
        var mariaOn = new MySqlReadOnly.ReadOnlyState(true, null);
        assertThat(MySqlReadOnly.freezeStatementsNeeded(MARIA_1011, mariaOn, false)).isEmpty();
        assertThat(MySqlReadOnly.liftStatementsNeeded(MARIA_1011, mariaOn)).containsExactly("SET GLOBAL read_only = OFF");
    }

    @Test
    void mariaDbHasReadOnlyAlone() {
        assertThat(MySqlReadOnly.freezeStatements(MARIA_1011, false)).containsExactly("SET GLOBAL read_only = ON");
        assertThat(MySqlReadOnly.freezeStatements(MARIA_1011, true)).containsExactly("SET GLOBAL read_only = ON");
        assertThat(MySqlReadOnly.liftStatements(MARIA_1011)).containsExactly("SET GLOBAL read_only = OFF");
        assertThat(MySqlReadOnly.SQL_STATE_MARIADB).isEqualTo("SELECT @@GLOBAL.read_only");
    }

    @Test
    void readOnlyValuesAreOnOrOffOrAnError() {
        assertThat(MySqlReadOnly.onOff("read_only", "1")).isTrue();
        assertThat(MySqlReadOnly.onOff("read_only", "ON")).isTrue();
        assertThat(MySqlReadOnly.onOff("read_only", "0")).isFalse();
        assertThat(MySqlReadOnly.onOff("super_read_only", "OFF")).isFalse();
        assertThatThrownBy(() -> MySqlReadOnly.onOff("read_only", "NO_LOCK"))
                .hasMessageContaining("@@GLOBAL.read_only is 'NO_LOCK'");
    }

    @Test
    void binlogStatusStatementByVersion() {
        assertThat(MySqlReadOnly.binlogStatusSql(MYSQL_80)).isEqualTo("SHOW MASTER STATUS");
        assertThat(MySqlReadOnly.binlogStatusSql(ServerVersion.parse("8.2.0"))).isEqualTo("SHOW BINARY LOG STATUS");
        assertThat(MySqlReadOnly.binlogStatusSql(MYSQL_84)).isEqualTo("SHOW BINARY LOG STATUS");
        assertThat(MySqlReadOnly.binlogStatusSql(MARIA_1011)).isEqualTo("SHOW BINLOG STATUS");
        assertThat(MySqlReadOnly.binlogStatusSql(MARIA_104)).isEqualTo("SHOW MASTER STATUS");
    }

    @Test
    void sessionAndKillStatements() {
        assertThat(MySqlReadOnly.lockWaitTimeoutSql(5)).isEqualTo("SET SESSION lock_wait_timeout = 5");
        assertThatThrownBy(() -> MySqlReadOnly.lockWaitTimeoutSql(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(MySqlReadOnly.killSql(42)).isEqualTo("KILL CONNECTION 42");
        assertThat(MySqlReadOnly.SQL_LONG_WRITERS).contains("information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p")
                .contains("t.trx_mysql_thread_id <> CONNECTION_ID()").contains("t.trx_started <= NOW() - INTERVAL ? SECOND");
        assertThat(MySqlReadOnly.probeInsertSql("app`db"))
                .isEqualTo("INSERT INTO `app``db`.`bascule_probe` (token, written_at) VALUES (?, NOW(6))");
        assertThat(MySqlReadOnly.probeDeleteSql("app")).isEqualTo("DELETE FROM `app`.`bascule_probe` WHERE token = ?");
    }

    @Test
    void grantLinesOfBothEnginesAreParsed() {
        Grant mysql = MySqlReadOnly.parseGrant("GRANT SELECT, INSERT, UPDATE, DELETE ON `shop`.* TO `app`@`10.0.%`");
        assertThat(mysql.privileges()).containsExactly("SELECT", "INSERT", "UPDATE", "DELETE");
        assertThat(mysql.on()).isEqualTo("shop.*");
        assertThat(mysql.global()).isFalse();
        // MySQL 8 lists dynamic privileges with commas and no spaces
        Grant dynamic = MySqlReadOnly.parseGrant("GRANT APPLICATION_PASSWORD_ADMIN,CONNECTION_ADMIN,SYSTEM_VARIABLES_ADMIN"
                + " ON *.* TO `root`@`localhost` WITH GRANT OPTION");
        assertThat(dynamic.privileges()).containsExactly("APPLICATION_PASSWORD_ADMIN", "CONNECTION_ADMIN", "SYSTEM_VARIABLES_ADMIN");
        assertThat(dynamic.global()).isTrue();
        // MariaDB: IDENTIFIED BY PASSWORD, quotes in names, column privileges with their column list
        Grant maria = MySqlReadOnly.parseGrant("GRANT SELECT (`a`, `b`), UPDATE (`a`) ON `d`.`t` TO `o'n ``x`@`%`"
                + " IDENTIFIED BY PASSWORD '*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19'");
        assertThat(maria.privileges()).containsExactly("SELECT", "UPDATE");
        assertThat(maria.on()).isEqualTo("d.t");
        Grant tricky = MySqlReadOnly.parseGrant("GRANT USAGE ON *.* TO 'a to b'@' on '");
        assertThat(tricky.privileges()).containsExactly("USAGE");
        assertThat(tricky.global()).isTrue();
        Grant role = MySqlReadOnly.parseGrant("GRANT `writer`@`%`,`auditor`@`%` TO `app`@`%`");
        assertThat(role.privileges()).isNull();
        assertThat(role.roles()).containsExactly("writer@%", "auditor@%");
        assertThat(MySqlReadOnly.parseGrant("GRANT `dba` TO `bob`@`localhost`").roles()).containsExactly("dba");
        assertThat(MySqlReadOnly.parseGrant("GRANT PROXY ON ''@'%' TO 'root'@'localhost' WITH GRANT OPTION").privileges())
                .containsExactly("PROXY");
        assertThatThrownBy(() -> MySqlReadOnly.parseGrant("REVOKE ALL")).hasMessageContaining("not a GRANT line");
    }

    @Test
    void whoWritesThroughReadOnlyOnMariaDb1011() {
        Bypass all = MySqlReadOnly.bypass("app@%", MARIA_1011,
                List.of("GRANT ALL PRIVILEGES ON *.* TO `app`@`%` IDENTIFIED BY PASSWORD '*AB' WITH GRANT OPTION"));
        assertThat(all.bypasses()).isTrue();
        assertThat(all.bypassing()).containsExactly("ALL PRIVILEGES ON *.*");
        assertThat(all.describe()).contains("app@% writes through read_only").contains("ALL PRIVILEGES ON *.*");
        assertThat(MySqlReadOnly.bypass("ro@%", MARIA_1011, List.of("GRANT READ_ONLY ADMIN ON *.* TO `ro`@`%`")).bypassing())
                .containsExactly("READ_ONLY ADMIN");
        assertThat(MySqlReadOnly.bypass("ro@%", MARIA_1011, List.of("GRANT READ ONLY ADMIN ON *.* TO `ro`@`%`")).bypassing())
                .containsExactly("READ ONLY ADMIN");
        // from 10.11.0 SUPER no longer includes READ ONLY ADMIN (MDEV-29596); before, it did
        List<String> superOnly = List.of("GRANT SUPER ON *.* TO `s`@`%`");
        assertThat(MySqlReadOnly.bypass("s@%", MARIA_1011, superOnly).bypasses()).isFalse();
        assertThat(MySqlReadOnly.bypass("s@%", MARIA_106, superOnly).bypassing()).containsExactly("SUPER");
        assertThat(MySqlReadOnly.bypass("s@%", MARIA_104, superOnly).bypassing()).containsExactly("SUPER");
        // ALL PRIVILEGES on one database only: no global privilege, no bypass
        Bypass dbAll = MySqlReadOnly.bypass("app@%", MARIA_1011,
                List.of("GRANT USAGE ON *.* TO `app`@`%`", "GRANT ALL PRIVILEGES ON `shop`.* TO `app`@`%`"));
        assertThat(dbAll.bypasses()).isFalse();
        assertThat(dbAll.describe()).contains("cannot write through read_only");
    }

    @Test
    void whoWritesThroughReadOnlyOnMySql8() {
        assertThat(MySqlReadOnly.bypass("a@%", MYSQL_80, List.of("GRANT CONNECTION_ADMIN ON *.* TO `a`@`%`")).bypassing())
                .containsExactly("CONNECTION_ADMIN");
        assertThat(MySqlReadOnly.bypass("a@%", MYSQL_80, List.of("GRANT SUPER ON *.* TO `a`@`%`")).bypassing())
                .containsExactly("SUPER");
        assertThat(MySqlReadOnly.bypass("a@%", MYSQL_80, List.of("GRANT ALL ON *.* TO `a`@`%`")).bypassing())
                .containsExactly("ALL PRIVILEGES ON *.*");
        // SYSTEM_VARIABLES_ADMIN does not write through read_only, but may switch it off: reported apart
        Bypass sysvar = MySqlReadOnly.bypass("a@%", MYSQL_80, List.of("GRANT SYSTEM_VARIABLES_ADMIN ON *.* TO `a`@`%`"));
        assertThat(sysvar.bypasses()).isFalse();
        assertThat(sysvar.canSwitch()).containsExactly("SYSTEM_VARIABLES_ADMIN");
        Bypass role = MySqlReadOnly.bypass("a@%", MYSQL_80, List.of("GRANT USAGE ON *.* TO `a`@`%`", "GRANT `ops`@`%` TO `a`@`%`"));
        assertThat(role.roles()).containsExactly("ops@%");
        assertThat(role.describe()).contains("roles [ops@%] granted");
        assertThat(MySqlReadOnly.bypass("a@%", MYSQL_80, List.of("GRANT SUPER ON *.* TO `a`@`%`")).describe())
                .contains("stopped only while super_read_only is ON");
    }

    @Test
    void tablePrivilegesFromGlobalDatabaseOrTableGrants() {
        List<Grant> app = List.of(MySqlReadOnly.parseGrant("GRANT USAGE ON *.* TO `app`@`%`"),
                MySqlReadOnly.parseGrant("GRANT SELECT, INSERT, DELETE ON `shop`.* TO `app`@`%`"));
        assertThat(MySqlReadOnly.holdsOnTable(app, "shop", "bascule_probe", List.of("INSERT", "DELETE"))).isTrue();
        assertThat(MySqlReadOnly.holdsOnTable(app, "other", "bascule_probe", List.of("INSERT"))).isFalse();
        assertThat(MySqlReadOnly.holdsOnTable(app, "shop", "bascule_probe", List.of("CREATE"))).isFalse();
        List<Grant> table = List.of(MySqlReadOnly.parseGrant("GRANT INSERT ON `shop`.`bascule_probe` TO `p`@`%`"),
                MySqlReadOnly.parseGrant("GRANT DELETE ON `shop`.`bascule_probe` TO `p`@`%`"));
        assertThat(MySqlReadOnly.holdsOnTable(table, "shop", "bascule_probe", List.of("INSERT", "DELETE"))).isTrue();
        assertThat(MySqlReadOnly.holdsOnTable(List.of(MySqlReadOnly.parseGrant("GRANT ALL ON *.* TO `r`@`%`")),
                "shop", "bascule_probe", List.of("CREATE"))).isTrue();
    }

    @Test
    void privilegesTheFreezeNeedsByVersion() {
        assertThat(MySqlReadOnly.switchPrivileges(MYSQL_80)).containsExactly("SUPER", "SYSTEM VARIABLES ADMIN");
        assertThat(MySqlReadOnly.switchPrivileges(MARIA_1011)).containsExactly("READ ONLY ADMIN");
        assertThat(MySqlReadOnly.killPrivileges(MARIA_1011)).containsExactly("CONNECTION ADMIN", "SUPER");
        assertThat(MySqlReadOnly.binlogPrivileges(MARIA_1011)).contains("BINLOG MONITOR");
        assertThat(MySqlReadOnly.held(List.of(MySqlReadOnly.parseGrant("GRANT PROCESS, BINLOG MONITOR ON *.* TO `x`@`%`")),
                MySqlReadOnly.binlogPrivileges(MARIA_1011))).containsExactly("BINLOG MONITOR");
    }
}
