package io.bascule.cli;

import io.bascule.appswitch.AppRestart;
import io.bascule.appswitch.AppSwitch;
import io.bascule.cli.RollbackWorld.World;
import io.bascule.cutover.CutoverService;
import io.bascule.database.SqlScript;
import io.bascule.migration.MigrationService;
import io.bascule.rollback.ReverseChannel;
import io.bascule.rollback.SourceFreeze;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static io.bascule.testing.QueryRows.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cutover's freeze-and-switch phases on real servers (a MariaDB with grant tables on): prerequisites, the freeze
 * after GO, the switch with the way back armed first; then `bascule rollback` undoes all of it.
 */
class CutoverPhasesIT extends WithRollbackWorld {

    private static CutoverService service(World w, String appTargetPassword) {
        MigrationService m = w.migration();
        String appTargetUrl = "postgresql://" + w.pgRole() + "@127.0.0.1:" + w.dbs().postgres().port() + "/" + w.dbs().targetDatabase();
        return new CutoverService(new CutoverService.Setup(w.source(), w.target(), "public",
                new AppSwitch(w.envFile(), "DATABASE_URL", w.work()), appTargetUrl, appTargetPassword,
                new AppRestart(null, Duration.ofSeconds(5), null, Duration.ofMillis(100), java.util.Map.of(), w.work()),
                Duration.ofSeconds(5), m::planIfAny, m::certificateIfAny, List.of(), false, SourceFreeze.Options.defaults(),
                io.bascule.migration.MigrationOptions.defaults("public").withBooleanColumns(Set.of("customers.active")), w.work(), false));
    }

    @Test
    void prerequisitesFreezeAndSwitchThenTheRollbackUndoesThem(TestDatabases dbs) throws Exception {
        World w = world.migrated(dbs, c -> SqlScript.fromClasspath("ddl/reverse_channel.sql").run(c), Set.of("customers.active"),
                "  rollback:\n    drain-timeout: 5s\n");
        CutoverService cutover = service(w, RollbackWorld.APP_PASSWORD);

        CutoverService.PhaseOutcome pre = cutover.prerequisites();
        assertThat(pre.lines()).anyMatch(l -> l.startsWith("GOLD certificate of")).anyMatch(l -> l.startsWith("MySQL: MariaDB"))
                .anyMatch(l -> l.contains("cannot write through read_only"));
        assertThat(cutover.freeze(true).summary()).startsWith("dry run:");
        assertThat(world.mysqlReadOnly()).as("a dry run freezes nothing").isFalse();

        CutoverService.PhaseOutcome frozen = cutover.freeze(false);
        assertThat(frozen.summary()).contains("MySQL read-only for the application").contains("probe refused under app@");
        assertThat(world.mysqlReadOnly()).isTrue();
        assertThat(cutover.freeze(false).summary()).as("a retried freeze").contains("read-only");

        String before = Files.readString(w.envFile());
        assertThat(cutover.switchApplication(true).summary()).startsWith("dry run: would arm");
        assertThat(Files.readString(w.envFile())).isEqualTo(before);
        assertThat(ReverseChannel.isArmedOn(w.target())).isFalse();

        CutoverService.PhaseOutcome switched = cutover.switchApplication(false);
        assertThat(switched.variables()).containsEntry("applicationSwitched", true);
        assertThat(switched.summary()).contains("reverse channel armed on 2 tables").doesNotContain(RollbackWorld.APP_PASSWORD);
        assertThat(ReverseChannel.isArmedOn(w.target())).isTrue();
        assertThat(Files.readString(w.envFile())).isEqualTo(before.replaceAll("DATABASE_URL=.*", "DATABASE_URL=" + w.pgAppUrl()));
        assertThat(cutover.switchApplication(false).summary()).as("a retried switch").contains("already");
        assertThat(cutover.keepSourceReadOnly(false).summary()).contains("MySQL kept read-only");
        assertThatThrownBy(cutover::prerequisites).isInstanceOf(CutoverService.PhaseFailed.class)
                .hasMessageContaining("switched to PostgreSQL already").hasMessageContaining("armed on PostgreSQL already");

        // the application works on PostgreSQL with the password the switch put into its URL
        try (Connection app = w.pgApp(); Statement st = app.createStatement()) {
            st.executeUpdate("UPDATE customers SET name = 'written after the switch', name_upper = 'WRITTEN AFTER THE SWITCH' WHERE id = 1");
        }
        CliRun rollback = CliRun.of(w.env(), w.args("rollback", "--reason", "end of the phases test"));
        assertThat(rollback.exitCode()).as(rollback.out() + rollback.err()).isZero();
        assertThat(Files.readString(w.envFile())).isEqualTo(w.envOriginal());
        assertThat(world.mysqlReadOnly()).isFalse();
        try (Connection my = world.boss(w.mysqlDb())) {
            assertThat(rows(my, "SELECT name FROM customers WHERE id = 1")).containsExactly(List.of("written after the switch"));
        }
        assertThat(w.identical()).isTrue();
    }

    @Test
    void anAbortedCutoverBeforeTheSwitchMakesMysqlWritableAgainForTheApplication(TestDatabases dbs) throws Exception {
        World w = world.migrated(dbs, c -> SqlScript.fromClasspath("ddl/reverse_channel.sql").run(c), Set.of("customers.active"), null);
        CutoverService cutover = service(w, null);
        cutover.freeze(false);
        assertThat(world.mysqlReadOnly()).isTrue();
        assertThat(cutover.unfreeze().summary()).contains("MySQL writable again for the application");
        assertThat(world.mysqlReadOnly()).isFalse();
        try (Connection app = w.mysqlApp(); Statement st = app.createStatement()) {
            assertThat(st.executeUpdate("UPDATE customers SET code = 'OK' WHERE id = 1")).isEqualTo(1);
        }
        // the switch that was running when the abort lifted the freeze does not point the application at PostgreSQL
        String before = java.nio.file.Files.readString(w.envFile());
        assertThatThrownBy(() -> cutover.switchApplication(false)).isInstanceOf(CutoverService.PhaseFailed.class)
                .hasMessageContaining("MySQL is no longer read-only").hasMessageContaining("not switched");
        assertThat(java.nio.file.Files.readString(w.envFile())).isEqualTo(before);
        assertThat(io.bascule.rollback.ReverseChannel.isArmedOn(w.target())).as("nothing armed").isFalse();
    }

    @Test
    void prerequisitesRefuseAnApplicationLoginThatWritesThroughReadOnlyAndAFileWithoutTheKey(TestDatabases dbs) throws Exception {
        World w = world.migrated(dbs, c -> SqlScript.fromClasspath("ddl/reverse_channel.sql").run(c), Set.of("customers.active"), null);
        try (Connection c = world.boss("mysql"); Statement st = c.createStatement()) {
            st.execute("CREATE USER IF NOT EXISTS 'allapp'@'%' IDENTIFIED BY 'allapp-secret'");
            st.execute("GRANT ALL PRIVILEGES ON *.* TO 'allapp'@'%'");
        }
        Files.writeString(w.envFile(), w.envOriginal().replace("mysql://app:" + RollbackWorld.APP_PASSWORD, "mysql://allapp:allapp-secret"));
        assertThatThrownBy(() -> service(w, null).prerequisites()).isInstanceOf(CutoverService.PhaseFailed.class)
                .hasMessageContaining("NO-GO").hasMessageContaining("allapp@% writes through read_only")
                .hasMessageContaining("nothing was changed").satisfies(e -> assertThat(e.getMessage()).doesNotContain("allapp-secret"));
        Files.writeString(w.envFile(), "NODE_ENV=production\n");
        assertThatThrownBy(() -> service(w, null).prerequisites()).isInstanceOf(CutoverService.PhaseFailed.class)
                .hasMessageContaining("DATABASE_URL");
        assertThat(world.mysqlReadOnly()).isFalse();
    }
}
