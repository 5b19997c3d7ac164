package io.bascule.rollback;

import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.SqlScript;
import io.bascule.migration.GoldCertificate;
import io.bascule.migration.MigrationOptions;
import io.bascule.migration.MigrationService;
import io.bascule.migration.PreflightReport;
import io.bascule.migration.Verifier;
import io.bascule.schema.ConversionPlan;
import io.bascule.testing.TestDatabases;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The reverse channel's fixture: ddl/reverse_channel.sql migrated, verified, with its GOLD certificate and channel. */
final class ReverseChannelFixture {

    private ReverseChannelFixture() {
    }

    /** A verified migration of ddl/reverse_channel.sql and its GOLD certificate; the service verifies both sides again. */
    record Migrated(MigrationService service, ConversionPlan plan, ReverseChannel channel, DatabaseEndpoint source,
                    DatabaseEndpoint target) {
        boolean identical() {
            Verifier.Result r = service.verify(plan, s -> { });
            r.tables().forEach(t -> {
                if (!t.matches()) {
                    System.out.println("differs: " + t.summary());
                }
            });
            return r.matches();
        }
    }

    /**
     * Migrates the fixture from the test's MariaDB database into its PostgreSQL database (schema public), with the
     * tables {@code moreSourceSql} creates on MariaDB after the fixture's own.
     */
    static Migrated migrate(TestDatabases dbs, Path work, String... moreSourceSql) throws SQLException {
        try (Connection c = dbs.source()) {
            SqlScript.fromClasspath("ddl/reverse_channel.sql").run(c);
        }
        mysql(dbs, moreSourceSql);
        DatabaseEndpoint source = DatabaseEndpoint.of(DatabaseEndpoint.Side.SOURCE, dbs.sourceUrl(), "root", null);
        DatabaseEndpoint target = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, dbs.targetUrl(), "postgres", null);
        MigrationService service = new MigrationService(source, target,
                MigrationOptions.defaults("public").withBooleanColumns(Set.of("customers.active")), work);
        PreflightReport pre = service.preflight();
        assertThat(pre.ok()).as(pre.render()).isTrue();
        ConversionPlan plan = service.plan(service.readSchema());
        service.createTables(plan);
        service.copy(plan, s -> { });
        service.buildConstraints(plan);
        Verifier.Result verification = service.verify(plan, s -> { });
        assertThat(verification.matches()).isTrue();
        service.writeCertificate(plan, "source", "target", verification, 0, Map.of(), Instant.now());
        GoldCertificate certificate = service.readCertificate();
        return new Migrated(service, plan, ReverseChannel.of(source, target, service.loadPlan(), certificate), source, target);
    }

    /** Runs the statements on PostgreSQL in one transaction. */
    static void pg(TestDatabases dbs, String... statements) throws SQLException {
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            for (String s : statements) {
                st.execute(s);
            }
            c.commit();
        }
    }

    /** Runs the statements on MySQL/MariaDB, each committed. */
    static void mysql(TestDatabases dbs, String... statements) throws SQLException {
        try (Connection c = dbs.source(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }
}
