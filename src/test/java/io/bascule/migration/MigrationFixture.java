package io.bascule.migration;

import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.SqlScript;
import io.bascule.testing.TestDatabases;
import io.bascule.schema.ConversionPlan;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** Builds migration services on a test's databases and runs the GOLD steps. */
final class MigrationFixture {

    private MigrationFixture() {
    }

    static DatabaseEndpoint source(TestDatabases dbs) {
        return DatabaseEndpoint.of(DatabaseEndpoint.Side.SOURCE, dbs.sourceUrl(), "root", null);
    }

    static DatabaseEndpoint target(TestDatabases dbs) {
        return DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, dbs.targetUrl(), "postgres", null);
    }

    static MigrationService service(TestDatabases dbs, MigrationOptions options, Path workDir) {
        return new MigrationService(source(dbs), target(dbs), options, workDir);
    }

    static void loadSource(TestDatabases dbs, String resource) throws SQLException {
        try (Connection c = dbs.source()) {
            SqlScript.fromClasspath(resource).run(c);
        }
    }

    /** The whole migration; returns the verification. */
    static Verifier.Result migrate(MigrationService service) {
        PreflightReport pre = service.preflight();
        if (!pre.ok()) {
            throw new AssertionError(pre.render());
        }
        ConversionPlan plan = service.plan(service.readSchema());
        service.createTables(plan);
        service.copy(plan, s -> { });
        service.buildConstraints(plan);
        return service.verify(plan, s -> { });
    }

    static List<List<String>> rows(Connection c, String sql) throws SQLException {
        return io.bascule.testing.QueryRows.rows(c, sql);
    }

    static String one(Connection c, String sql) throws SQLException {
        List<List<String>> r = rows(c, sql);
        return r.isEmpty() ? null : r.get(0).get(0);
    }
}
