package io.bascule.cli;

import io.bascule.cli.RollbackWorld.World;
import io.bascule.database.SqlScript;
import io.bascule.rollback.ReverseChannel;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static io.bascule.testing.QueryRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cutover command end to end on real servers (a MariaDB with grant tables on, the application's own logins): a
 * GOLD migration, then rows changed on MySQL, then `bascule cutover --confirm GO` carries them, freezes MySQL, switches
 * the application with the way back armed; its dry run changes nothing; a failing end-to-end check rolls back.
 */
class CutoverCommandIT extends WithRollbackWorld {

    private static World migrated(TestDatabases dbs, String moreConfig) throws Exception {
        return world.migrated(dbs, c -> SqlScript.fromClasspath("ddl/reverse_channel.sql").run(c), Set.of("customers.active"),
                "  rollback:\n    drain-timeout: 5s\n" + (moreConfig == null ? "" : moreConfig));
    }

    private static Map<String, String> env(World w) {
        Map<String, String> env = new HashMap<>(w.env());
        env.put("BASCULE_APP_TARGET_PASSWORD", RollbackWorld.APP_PASSWORD);
        return env;
    }

    /** What a dry run must leave as it was. */
    private static Map<String, String> snapshot(World w) throws Exception {
        Map<String, String> s = new TreeMap<>();
        try (Connection my = world.boss(w.mysqlDb())) {
            s.put("mysql", rows(my, "CHECKSUM TABLE customers, order_lines EXTENDED").toString());
            s.put("mysql read_only", rows(my, "SELECT @@GLOBAL.read_only").toString());
        }
        try (Connection pg = w.dbs().target()) {
            s.put("pg", rows(pg, "SELECT (SELECT string_agg(id || ':' || name, ',' ORDER BY id) FROM customers),"
                    + " (SELECT count(*) FROM order_lines)").toString());
            s.put("pg objects", rows(pg, "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class"
                    + " WHERE relname LIKE 'bascule%' OR relname IN ('change_log', 'touched_keys')").toString());
            s.put("pg extensions", rows(pg, "SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension").toString());
        }
        s.put("env", Files.readString(w.envFile()));
        return s;
    }

    @Test
    void aDryRunRehearsesEveryPhaseAndChangesNothing(TestDatabases dbs) throws Exception {
        World w = migrated(dbs, null);
        Map<String, String> before = snapshot(w);
        CliRun run = CliRun.of(env(w), w.args("cutover", "--dry-run", "--confirm", "GO"));
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("Dry run passed");
        assertThat(snapshot(w)).isEqualTo(before);
    }

    @Test
    void aCutoverCarriesTheRowsChangedAfterGoldFreezesMysqlAndSwitchesTheApplication(TestDatabases dbs) throws Exception {
        World w = migrated(dbs, null);
        try (Connection my = world.boss(w.mysqlDb()); Statement st = my.createStatement()) {
            st.executeUpdate("UPDATE customers SET name = 'changed after GOLD' WHERE id = 1");
            st.executeUpdate("INSERT INTO customers (id, name) VALUES (40, 'new after GOLD')");
            st.executeUpdate("DELETE FROM order_lines WHERE customer_id = 2");
        }
        CliRun run = CliRun.of(env(w), w.args("cutover", "--confirm", "GO"));
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("Phase 2: Set MySQL read-only", "Phase 5: Switch the application to PostgreSQL",
                "CUTOVER SUCCESSFUL");
        assertThat(world.mysqlReadOnly()).isTrue();
        assertThat(ReverseChannel.isArmedOn(w.target())).isTrue();
        assertThat(Files.readString(w.envFile())).contains("DATABASE_URL=" + w.pgAppUrl());
        assertThat(w.identical()).isTrue();
        try (Connection pg = w.dbs().target()) {
            assertThat(rows(pg, "SELECT name FROM customers WHERE id IN (1, 40) ORDER BY id"))
                    .containsExactly(List.of("changed after GOLD"), List.of("new after GOLD"));
        }
        assertThat(run.out() + run.err()).doesNotContain(RollbackWorld.APP_PASSWORD, RollbackWorld.BASCULE_PASSWORD);
        // the report: the freeze window, the GO and who gave it, the checklist; no secret
        String reportLine = run.out().lines().filter(l -> l.startsWith("Cutover report: ")).findFirst().orElseThrow();
        String report = Files.readString(Path.of(reportLine.substring("Cutover report: ".length()).strip()));
        assertThat(report).contains("CUTOVER SUCCESSFUL", "freeze", "cli", "the application runs on PostgreSQL")
                .doesNotContain(RollbackWorld.APP_PASSWORD).doesNotContain("| cutover rehearsal passed");
        // the cutover started the hour of surveillance and the 24 h report, each for this cutover
        for (String followUp : List.of("surveillance", "platinumReport")) {
            CliRun audit = CliRun.of(env(w), w.args("audit", "--last", followUp, "--json"));
            assertThat(audit.exitCode()).as(followUp + ": " + audit.out() + audit.err()).isZero();
            assertThat(audit.out()).as(followUp).contains("\"processKey\" : \"" + followUp + "\"").contains("cutoverId");
        }

        // the application writes on PostgreSQL, then the way back carries it to MySQL
        try (Connection app = w.pgApp(); Statement st = app.createStatement()) {
            st.executeUpdate("INSERT INTO customers (id, name, name_upper) VALUES (41, 'after the cutover', 'AFTER THE CUTOVER')");
        }
        CliRun rollback = CliRun.of(env(w), w.args("rollback", "--reason", "rehearsing the way back"));
        assertThat(rollback.exitCode()).as(rollback.out() + rollback.err()).isZero();
        // the surveillance the cutover started was running: the rollback was requested from it, which called it and
        // ended rolled back (nothing watches the PostgreSQL the application left)
        assertThat(rollback.out()).contains("the rollback is requested from it").contains("called by surveillance");
        CliRun watched = CliRun.of(env(w), w.args("audit", "--last", "surveillance", "--json"));
        assertThat(watched.out()).as(watched.out() + watched.err()).contains("ROLLED_BACK").contains("rehearsing the way back");
        assertThat(Files.readString(w.envFile())).isEqualTo(w.envOriginal());
        assertThat(world.mysqlReadOnly()).isFalse();
        try (Connection my = world.boss(w.mysqlDb())) {
            assertThat(rows(my, "SELECT name FROM customers WHERE id = 41")).containsExactly(List.of("after the cutover"));
        }
    }

    @Test
    void aFailingBusinessCheckAfterTheSwitchRollsBack(TestDatabases dbs) throws Exception {
        World w = migrated(dbs, "  business-checks:\n    - name: customers-count\n      sql: SELECT count(*) AS n FROM customers\n"
                + "      expect:\n        n: \"999\"\n");
        CliRun run = CliRun.of(env(w), w.args("cutover", "--confirm", "GO"));
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.out() + run.err()).contains("customers-count").contains("ROLLED BACK");
        assertThat(Files.readString(w.envFile())).isEqualTo(w.envOriginal());
        assertThat(world.mysqlReadOnly()).isFalse();
        assertThat(ReverseChannel.isArmedOn(w.target())).isFalse();
    }
}
