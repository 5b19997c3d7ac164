package io.bascule.rollback;

import io.bascule.database.DatabaseEndpoint;
import io.bascule.embedded.EmbeddedMariaDbServer;
import io.bascule.embedded.EmbeddedPostgresServer;
import io.bascule.migration.MigrationOptions;
import io.bascule.migration.MigrationService;
import io.bascule.schema.ConversionPlan;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Measurement, not a test (docs/benchmarks.md, "Reverse channel"): the capture trigger's cost on PostgreSQL write
 * throughput (N single-row INSERTs then N single-row UPDATEs, each its own transaction, on one connection, without and
 * with the channel armed) and the applier's rate into MariaDB (the drain of those changes). Medians of ROUNDS runs on
 * embedded servers in target/reverse-bench. Run (after test-compile):
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) io.bascule.rollback.ReverseChannelBench [N] [ROUNDS]}
 * with cp.txt from {@code mvn -o dependency:build-classpath -Dmdep.outputFile=cp.txt}.
 */
final class ReverseChannelBench {

    private ReverseChannelBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path home = Path.of("target", "reverse-bench").toAbsolutePath();
        try (EmbeddedMariaDbServer my = EmbeddedMariaDbServer.start(home.resolve("mariadb"), 0, false);
             EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(home.resolve("postgres"), 0)) {
            my.createDatabaseIfMissing("bench");
            pg.dropDatabase("bench");
            pg.createDatabaseIfMissing("bench");
            try (Connection c = my.connect("bench"); Statement st = c.createStatement()) {
                st.execute("DROP TABLE IF EXISTS bascule_state_reverse_position");
                st.execute("DROP TABLE IF EXISTS accounts");
                st.execute("CREATE TABLE accounts (id INT NOT NULL PRIMARY KEY, owner VARCHAR(60) NOT NULL,"
                        + " balance DECIMAL(12,2) NOT NULL, updated DATETIME(3) NOT NULL, note TEXT NULL) ENGINE=InnoDB");
            }
            DatabaseEndpoint source = DatabaseEndpoint.of(DatabaseEndpoint.Side.SOURCE, my.jdbcUrl("bench"), "root", null);
            DatabaseEndpoint target = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, pg.jdbcUrl("bench"), "postgres", null);
            MigrationService service = new MigrationService(source, target, MigrationOptions.defaults("public"), home.resolve("work"));
            ConversionPlan plan = service.plan(service.readSchema());
            service.createTables(plan);
            service.copy(plan, s -> { });
            service.buildConstraints(plan);
            ReverseChannel channel = new ReverseChannel(source, target, plan, List.of("accounts"));
            channel.disarm();

            List<Double> insertsPlain = new ArrayList<>();
            List<Double> updatesPlain = new ArrayList<>();
            List<Double> insertsArmed = new ArrayList<>();
            List<Double> updatesArmed = new ArrayList<>();
            List<Double> applyRate = new ArrayList<>();
            List<Double> applySeconds = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                for (boolean armed : new boolean[]{false, true}) {
                    reset(my, pg);
                    if (armed) {
                        channel.arm();
                    }
                    double[] w = writes(pg, n);
                    (armed ? insertsArmed : insertsPlain).add(n / w[0]);
                    (armed ? updatesArmed : updatesPlain).add(n / w[1]);
                    if (armed) {
                        try (ReverseApplier applier = channel.applier()) {
                            long changes = applier.lag().changes();
                            ReverseApplier.Drain d = applier.drain(Duration.ofMinutes(10));
                            applyRate.add(changes / d.seconds());
                            applySeconds.add(d.seconds());
                        }
                        channel.disarm();
                    }
                    System.out.printf("round %d %s: %,.0f inserts/s, %,.0f updates/s%n", r + 1, armed ? "armed" : "plain",
                            n / w[0], n / w[1]);
                }
            }
            System.out.printf("N=%d, medians of %d: inserts/s plain %,.0f armed %,.0f (%.1f %%); updates/s plain %,.0f armed %,.0f (%.1f %%);"
                            + " apply %,.0f changes/s (%.1f s for %d changes)%n", n, rounds,
                    median(insertsPlain), median(insertsArmed), 100 * (1 - median(insertsArmed) / median(insertsPlain)),
                    median(updatesPlain), median(updatesArmed), 100 * (1 - median(updatesArmed) / median(updatesPlain)),
                    median(applyRate), median(applySeconds), 2 * n);
        }
    }

    private static void reset(EmbeddedMariaDbServer my, EmbeddedPostgresServer pg) throws Exception {
        try (Connection c = pg.connect("bench"); Statement st = c.createStatement()) {
            st.execute("TRUNCATE accounts");
            st.execute("VACUUM ANALYZE accounts");
            st.execute("CHECKPOINT");
        }
        try (Connection c = my.connect("bench"); Statement st = c.createStatement()) {
            st.execute("TRUNCATE accounts");
        }
    }

    /** Seconds of N single-row INSERTs, then of N single-row UPDATEs, each committed on its own. */
    private static double[] writes(EmbeddedPostgresServer pg, int n) throws Exception {
        try (Connection c = pg.connect("bench")) {
            c.setAutoCommit(true);
            long t0 = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts (id, owner, balance, updated, note)"
                    + " VALUES (?, ?, ?, localtimestamp(3), 'opened')")) {
                for (int i = 1; i <= n; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "owner " + i);
                    ps.setBigDecimal(3, java.math.BigDecimal.valueOf(i, 2));
                    ps.executeUpdate();
                }
            }
            long t1 = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET balance = balance + 1, updated = localtimestamp(3) WHERE id = ?")) {
                for (int i = 1; i <= n; i++) {
                    ps.setInt(1, i);
                    ps.executeUpdate();
                }
            }
            long t2 = System.nanoTime();
            return new double[]{(t1 - t0) / 1e9, (t2 - t1) / 1e9};
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
