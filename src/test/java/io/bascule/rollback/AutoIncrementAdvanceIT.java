package io.bascule.rollback;

import io.bascule.rollback.AutoIncrementAdvance.Advanced;
import io.bascule.rollback.ReverseChannelFixture.Migrated;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static io.bascule.rollback.ReverseChannelFixture.mysql;
import static io.bascule.rollback.ReverseChannelFixture.pg;
import static io.bascule.testing.QueryRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

/** AUTO_INCREMENT moved past the ids PostgreSQL handed out, before the application goes back to MariaDB. */
@ExtendWith(EmbeddedDatabases.class)
class AutoIncrementAdvanceIT {

    @TempDir
    Path work;

    private static long autoIncrement(TestDatabases dbs, String table) throws Exception {
        try (Connection c = dbs.source()) {
            return Long.parseLong(rows(c, "SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"
                    + " AND TABLE_NAME = '" + table + "'").get(0).get(0));
        }
    }

    @Test
    void theCounterMovesPastTheIdsPostgresqlHandedOutOnceAndADryRunChangesNothing(TestDatabases dbs) throws Exception {
        Migrated m = ReverseChannelFixture.migrate(dbs, work,
                "CREATE TABLE tickets (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, what VARCHAR(20) NOT NULL) AUTO_INCREMENT = 500");
        m.channel().arm();
        // the application on PostgreSQL: ids 4, 5 and 6 from the identity, 6 deleted again, 7 and 8 given out by a
        // transaction that rolled back; tickets gets no row, but its sequence starts where MySQL's counter stood
        pg(dbs, "INSERT INTO customers (name, name_upper) VALUES ('d', 'D'), ('e', 'E'), ('f', 'F')");
        pg(dbs, "DELETE FROM customers WHERE id = 6");
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("INSERT INTO customers (name, name_upper) VALUES ('g', 'G'), ('h', 'H')");
            c.rollback();
        }
        try (ReverseApplier applier = m.channel().applier()) {
            applier.drain(Duration.ofSeconds(30));
        }
        try (Connection c = dbs.source()) {
            assertThat(rows(c, "SELECT MAX(id) FROM customers")).containsExactly(List.of("5"));
        }
        long before = autoIncrement(dbs, "customers");   // InnoDB moved it past the ids the applier inserted
        assertThat(before).isEqualTo(6);

        AutoIncrementAdvance advance = new AutoIncrementAdvance(m.source(), m.target(), "public", m.service().loadPlan().tables());
        List<Advanced> dry = advance.dryRun();
        // order_lines has no AUTO_INCREMENT column: left out
        assertThat(dry).extracting(Advanced::table).containsExactly("customers", "tickets");
        assertThat(dry.get(0)).isEqualTo(new Advanced("customers", "id", 5L, 5L, 8L, 6L, 9L, true));
        assertThat(dry.get(1)).isEqualTo(new Advanced("tickets", "id", null, null, null, 500L, 500L, false));
        assertThat(autoIncrement(dbs, "customers")).as("a dry run changes nothing").isEqualTo(6);

        List<Advanced> done = advance.advance();
        assertThat(done).containsExactlyElementsOf(dry);
        assertThat(autoIncrement(dbs, "customers")).isEqualTo(9);
        assertThat(autoIncrement(dbs, "tickets")).isEqualTo(500);
        // the application back on MySQL: its next row gets an id PostgreSQL never handed out
        mysql(dbs, "INSERT INTO customers (name) VALUES ('back on MySQL')");
        try (Connection c = dbs.source()) {
            assertThat(rows(c, "SELECT id FROM customers WHERE name = 'back on MySQL'")).containsExactly(List.of("9"));
        }

        // again: nothing left to move
        List<Advanced> again = advance.advance();
        assertThat(again.get(0)).isEqualTo(new Advanced("customers", "id", 9L, 5L, 8L, 10L, 10L, false));
        assertThat(again).noneMatch(Advanced::changed);
        assertThat(autoIncrement(dbs, "customers")).isEqualTo(10);
        m.channel().disarm();
    }

    @Test
    void rowsPostgresqlWroteBeyondMysqlsCounterAreCoveredEvenBeforeTheyAreCarriedBack(TestDatabases dbs) throws Exception {
        Migrated m = ReverseChannelFixture.migrate(dbs, work);
        // an explicit id far ahead on PostgreSQL (not carried back: no channel armed) and the sequence moved by hand
        pg(dbs, "INSERT INTO customers (id, name, name_upper) VALUES (1000, 'far', 'FAR')",
                "SELECT setval(pg_get_serial_sequence('public.customers', 'id'), 40)");
        AutoIncrementAdvance advance = new AutoIncrementAdvance(m.source(), m.target(), "public", m.plan().tables());
        assertThat(advance.advance()).containsExactly(new Advanced("customers", "id", 3L, 1000L, 40L, 4L, 1001L, true));
        assertThat(autoIncrement(dbs, "customers")).isEqualTo(1001);
        assertThat(advance.dryRun()).containsExactly(new Advanced("customers", "id", 3L, 1000L, 40L, 1001L, 1001L, false));
    }
}
