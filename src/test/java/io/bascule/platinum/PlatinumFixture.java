package io.bascule.platinum;

import io.bascule.config.BasculeProperties;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.migration.MigrationOptions;
import io.bascule.migration.MigrationService;
import io.bascule.migration.PreflightReport;
import io.bascule.migration.Verifier;
import io.bascule.schema.ConversionPlan;
import io.bascule.testing.QueryRows;
import io.bascule.testing.TestDatabases;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A small application migrated GOLD (certificate and plan in the work directory): customers (primary key, a unique
 * e-mail), orders (primary key, a foreign key to customers with its index, a secondary index on a note), and the
 * cutover's baseline taken on PostgreSQL (statistics and this database's pg_stat_statements reset).
 */
final class PlatinumFixture {

    static final String[] SCHEMA = {
            "CREATE TABLE customers (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, email VARCHAR(100) NOT NULL,"
                    + " name VARCHAR(100) NULL, UNIQUE KEY uq_customers_email (email)) DEFAULT CHARSET=utf8mb4",
            "CREATE TABLE orders (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL,"
                    + " amount DECIMAL(10,2) NOT NULL, note VARCHAR(100) NULL, KEY idx_orders_note (note),"
                    + " KEY idx_orders_customer (customer_id),"
                    + " CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id)) DEFAULT CHARSET=utf8mb4",
    };

    record World(DatabaseEndpoint source, DatabaseEndpoint target, MigrationOptions options, MigrationService service,
                 ConversionPlan plan, Path work) {
    }

    private PlatinumFixture() {
    }

    static World migrate(TestDatabases dbs, Path work) throws SQLException {
        mysql(dbs, SCHEMA);
        StringBuilder customers = new StringBuilder("INSERT INTO customers (email, name) VALUES ");
        for (int i = 1; i <= 50; i++) {
            customers.append(i > 1 ? ", " : "").append("('c").append(i).append("@example.org', 'Customer ").append(i).append("')");
        }
        StringBuilder orders = new StringBuilder("INSERT INTO orders (customer_id, amount, note) VALUES ");
        for (int i = 1; i <= 400; i++) {
            orders.append(i > 1 ? ", " : "").append("(").append(i % 50 + 1).append(", ").append(i).append(".50, 'note ")
                    .append(i % 7).append("')");
        }
        mysql(dbs, customers.toString(), orders.toString());
        DatabaseEndpoint source = DatabaseEndpoint.of(DatabaseEndpoint.Side.SOURCE, dbs.sourceUrl(), "root", null);
        DatabaseEndpoint target = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, dbs.targetUrl(), "postgres", null);
        MigrationOptions options = MigrationOptions.defaults("public").withParallelism(2)
                .withProgressInterval(Duration.ofMillis(500));
        MigrationService service = new MigrationService(source, target, options, work);
        PreflightReport pre = service.preflight();
        assertThat(pre.ok()).as(pre.render()).isTrue();
        ConversionPlan plan = service.plan(service.readSchema());
        service.createTables(plan);
        service.copy(plan, s -> { });
        service.buildConstraints(plan);
        Verifier.Result verification = service.verify(plan, s -> { });
        assertThat(verification.matches()).isTrue();
        service.restoreAutovacuum(plan);
        service.writeCertificate(plan, "source", "target", verification, 0, Map.of(), Instant.now());
        return new World(source, target, options, service, plan, work);
    }

    /** The cutover's baseline on PostgreSQL: the database's statistics and its pg_stat_statements entries reset. */
    static void baseline(TestDatabases dbs) throws SQLException {
        pg(dbs, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements", "ANALYZE", "SELECT pg_stat_reset()",
                "SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)");
    }

    /** Each index of the two tables used once (index scans forced), in a session then closed (its statistics flushed). */
    static void useEveryIndex(TestDatabases dbs) throws SQLException {
        pg(dbs, "SET enable_seqscan = off", "SET enable_bitmapscan = off",
                "SELECT * FROM customers WHERE id = 1", "SELECT * FROM customers WHERE email = 'c2@example.org'",
                "SELECT * FROM orders WHERE id = 3", "SELECT * FROM orders WHERE customer_id = 4",
                "SELECT * FROM orders WHERE note = 'note 5'");
    }

    static BasculeProperties.Platinum settings(Duration minUptime) {
        return new BasculeProperties.Platinum(Duration.ofHours(24), minUptime, Duration.ofMillis(500), 5,
                Duration.ofHours(24), 3, Duration.ofDays(7), false);
    }

    static PlatinumCriteria criteria(World w, boolean withSource, Duration minUptime) {
        return new PlatinumCriteria(w.target(), withSource ? w.source() : null, w.options(), w.work(), settings(minUptime));
    }

    static void mysql(TestDatabases dbs, String... statements) throws SQLException {
        try (Connection c = dbs.source(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    /** The statements on PostgreSQL in one session (autocommit), closed at the end. */
    static void pg(TestDatabases dbs, String... statements) throws SQLException {
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    static List<List<String>> pgRows(TestDatabases dbs, String sql) throws SQLException {
        try (Connection c = dbs.target()) {
            return QueryRows.rows(c, sql);
        }
    }

    /**
     * Waits until the condition holds (the cumulative statistics reach the views once a session flushes them, within
     * about a second); fails with the message after 20 s.
     */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not reached within 20 s: " + what);
            }
            Thread.sleep(200);
        }
    }
}
