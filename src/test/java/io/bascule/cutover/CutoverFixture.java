package io.bascule.cutover;

import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.SqlScript;
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
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cutover phases' fixture: ddl/reverse_channel.sql (every kind of value, a composite key, a foreign key with
 * ON DELETE CASCADE, a unique column, AUTO_INCREMENT, a generated column) and three tables of its own (a text key with
 * ON UPDATE CURRENT_TIMESTAMP, a table without primary key, a table no one changes, a key with a DATETIME, a binary key), migrated GOLD with a certificate.
 */
final class CutoverFixture {

    /** The fixture's own tables, created on MariaDB after reverse_channel.sql. */
    static final String[] MORE_TABLES = {
            "CREATE TABLE notes (code VARCHAR(20) NOT NULL PRIMARY KEY, body TEXT NULL,"
                    + " touched TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP) DEFAULT CHARSET=utf8mb4",
            "INSERT INTO notes VALUES ('a', 'first', '2024-01-01 10:00:00'), ('c', 'third\\twith tab', '2024-01-03 10:00:00'),"
                    + " ('é', 'accent', '2024-01-04 10:00:00')",
            "CREATE TABLE log_lines (at DATETIME NOT NULL, msg VARCHAR(100) NULL) DEFAULT CHARSET=utf8mb4",
            "INSERT INTO log_lines VALUES ('2024-01-01 00:00:00', 'start'), ('2024-01-01 00:00:00', 'start'),"
                    + " ('2024-01-02 00:00:00', NULL)",
            "CREATE TABLE untouched (id BIGINT NOT NULL PRIMARY KEY, v VARCHAR(10) NULL)",
            "INSERT INTO untouched VALUES (1, 'one'), (2, 'two')",
            // keys compared in their canonical form (a DATETIME in the key) and a binary key
            "CREATE TABLE readings (taken DATETIME(3) NOT NULL, sensor VARCHAR(10) NOT NULL, v DOUBLE NULL,"
                    + " PRIMARY KEY (taken, sensor))",
            "INSERT INTO readings VALUES ('2024-01-01 00:00:00.000', 'a', 1.5), ('2024-01-01 00:00:00.500', 'a', 2.5),"
                    + " ('2024-01-02 00:00:00.000', 'b', NULL)",
            "CREATE TABLE blobs (k VARBINARY(8) NOT NULL PRIMARY KEY, v INT NULL)",
            "INSERT INTO blobs VALUES (X'00FF', 1), (X'01', 2), (X'7F80', 3)",
            "UPDATE customers SET email = 'ada@example.org' WHERE id = 1",
            "UPDATE customers SET email = 'chloe@example.org' WHERE id = 3"
    };

    static final List<String> TABLES = List.of("customers", "order_lines", "notes", "log_lines", "untouched", "readings", "blobs");

    /** A GOLD migration and what the phases are built from. */
    record Gold(DatabaseEndpoint source, DatabaseEndpoint target, MigrationOptions options, MigrationService service,
                ConversionPlan plan, Path work) {

        /** Both sides compared again by the migration's own verifier (a fresh one). */
        Verifier.Result verify() {
            return service.verify(service.loadPlan(), s -> { });
        }
    }

    private CutoverFixture() {
    }

    static DatabaseEndpoint source(TestDatabases dbs) {
        return DatabaseEndpoint.of(DatabaseEndpoint.Side.SOURCE, dbs.sourceUrl(), "root", null);
    }

    static DatabaseEndpoint target(TestDatabases dbs) {
        return DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, dbs.targetUrl(), "postgres", null);
    }

    static MigrationOptions options() {
        return MigrationOptions.defaults("public").withBooleanColumns(Set.of("customers.active")).withParallelism(2)
                .withProgressInterval(java.time.Duration.ofMillis(200));
    }

    /** Loads the fixture into MariaDB and migrates it (verified, certified). */
    static Gold migrate(TestDatabases dbs, Path work) throws SQLException {
        load(dbs);
        return migrateLoaded(dbs, work);
    }

    /** Loads the fixture into MariaDB only. */
    static void load(TestDatabases dbs) throws SQLException {
        try (Connection c = dbs.source()) {
            SqlScript.fromClasspath("ddl/reverse_channel.sql").run(c);
        }
        mysql(dbs, MORE_TABLES);
    }

    /** Migrates what the test's MariaDB database holds (verified, certified). */
    static Gold migrateLoaded(TestDatabases dbs, Path work) {
        DatabaseEndpoint source = source(dbs);
        DatabaseEndpoint target = target(dbs);
        MigrationOptions options = options();
        MigrationService service = new MigrationService(source, target, options, work);
        PreflightReport pre = service.preflight();
        assertThat(pre.ok()).as(pre.render()).isTrue();
        ConversionPlan plan = service.plan(service.readSchema());
        service.createTables(plan);
        service.copy(plan, s -> { });
        service.buildConstraints(plan);
        Verifier.Result verification = service.verify(plan, s -> { });
        assertThat(verification.matches()).isTrue();
        service.writeCertificate(plan, "source", "target", verification, 0, Map.of(), Instant.now());
        return new Gold(source, target, options, service, plan, work);
    }

    static void mysql(TestDatabases dbs, String... statements) throws SQLException {
        try (Connection c = dbs.source(); Statement st = c.createStatement()) {
            st.execute("SET time_zone = '+00:00'");
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

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

    static List<List<String>> mysqlRows(TestDatabases dbs, String sql) throws SQLException {
        try (Connection c = dbs.source(); Statement st = c.createStatement()) {
            st.execute("SET time_zone = '+00:00'");
            return QueryRows.rows(c, sql);
        }
    }

    /**
     * Everything of the target a phase could change: every row of every table (as text, in a fixed order), the
     * identity sequences' states and the triggers' states.
     */
    static Map<String, Object> targetSnapshot(TestDatabases dbs) throws SQLException {
        Map<String, Object> s = new LinkedHashMap<>();
        try (Connection c = dbs.target()) {
            for (String t : TABLES) {
                s.put(t, QueryRows.rows(c, "SELECT t::text FROM public.\"" + t + "\" t ORDER BY 1"));
            }
            s.put("sequences", QueryRows.rows(c, "SELECT sequencename, last_value::text FROM pg_sequences ORDER BY 1"));
            s.put("triggers", QueryRows.rows(c, "SELECT tgrelid::regclass::text, tgname, tgenabled::text FROM pg_trigger"
                    + " WHERE NOT tgisinternal ORDER BY 1, 2"));
            s.put("tables", QueryRows.rows(c, "SELECT table_schema, table_name FROM information_schema.tables"
                    + " WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"));
        }
        return s;
    }
}
