package io.bascule.cutover;

import io.bascule.database.DatabaseEndpoint;
import io.bascule.demo.SampleDatabase;
import io.bascule.embedded.EmbeddedMariaDbServer;
import io.bascule.embedded.EmbeddedPostgresServer;
import io.bascule.migration.MigrationOptions;
import io.bascule.migration.MigrationService;
import io.bascule.migration.Verifier;
import io.bascule.schema.ConversionPlan;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Measurement, not a test: the cutover phases 0, 1, 3 and 4 on the demo's sample database (SampleDatabase, 105,711
 * rows) on embedded servers in target/cutover-bench: the GOLD check, the baseline, the final delta with ~1,000 rows
 * changed on MySQL (inserts, updates, deletes over four tables; MySQL read-only while it runs, as in the cutover),
 * its second run (nothing to carry: the verification alone), its dry run, and the final backups. Each round changes
 * another ~1,000 rows. Run (after test-compile):
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) io.bascule.cutover.CutoverPhasesBench [ROUNDS]}
 * with cp.txt from {@code mvn -o dependency:build-classpath -Dmdep.outputFile=cp.txt}.
 */
final class CutoverPhasesBench {

    private CutoverPhasesBench() {
    }

    /** ~1,000 changed rows: 580 inserted, 320 updated, 100 deleted (round r changes other rows than round r-1). */
    static String[] changes(int round) {
        String tag = "'cutover round " + round + "'";
        return new String[]{
                "INSERT INTO audit_logs (locataire_id, utilisateur, `action`, entite, adresse_ip, `date`) SELECT locataire_id,"
                        + " utilisateur, 'cutover', entite, adresse_ip, NOW(3) FROM audit_logs ORDER BY id LIMIT 400",
                "UPDATE audit_logs SET adresse_ip = " + tag + " WHERE id % 500 = " + (7 + round),
                "DELETE FROM audit_logs WHERE id % 1000 = " + (3 + round * 2) + " AND `action` <> 'cutover'",
                "INSERT INTO historique (locataire_id, `action`, details, `date`) SELECT locataire_id, 'cutover', " + tag
                        + ", NOW() FROM historique ORDER BY id LIMIT 150",
                "UPDATE historique SET details = " + tag + " WHERE id % 100 = " + (1 + round),
                "UPDATE locataires SET telephone = CONCAT('+224 ', id, ' ', " + round + ") WHERE id % 10 = " + round % 10,
                "INSERT INTO locataires (nom, prenom, loyer_mensuel) SELECT CONCAT(nom, ' " + round + "'), prenom, loyer_mensuel"
                        + " FROM locataires ORDER BY id LIMIT 30",
                "UPDATE disbursements SET commentaire = " + tag + " WHERE id % 10 = " + round % 10 + " LIMIT 20"
        };
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path home = Path.of("target", "cutover-bench").toAbsolutePath();
        Path work = home.resolve("work");
        try (EmbeddedMariaDbServer my = EmbeddedMariaDbServer.start(home.resolve("mariadb"), 0, false);
             EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(home.resolve("postgres").resolve("data"), 0)) {
            String db = SampleDatabase.SOURCE_DATABASE;
            my.dropDatabase(db);
            my.createDatabaseIfMissing(db);
            pg.dropDatabase(SampleDatabase.TARGET_DATABASE);
            pg.createDatabaseIfMissing(SampleDatabase.TARGET_DATABASE);
            try (Connection c = my.connect(db)) {
                SampleDatabase.load(c);
            }
            if (Files.exists(work)) {
                try (var walk = Files.walk(work)) {
                    walk.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            DatabaseEndpoint source = DatabaseEndpoint.of(DatabaseEndpoint.Side.SOURCE, my.jdbcUrl(db), "root", null);
            DatabaseEndpoint target = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET,
                    pg.jdbcUrl(SampleDatabase.TARGET_DATABASE), "postgres", null);
            MigrationOptions options = MigrationOptions.defaults("public");
            MigrationService service = new MigrationService(source, target, options, work);
            long t = System.nanoTime();
            ConversionPlan plan = service.plan(service.readSchema());
            service.createTables(plan);
            service.copy(plan, s -> { });
            service.buildConstraints(plan);
            Verifier.Result v = service.verify(plan, s -> { });
            service.writeCertificate(plan, "source", "target", v, 0, Map.of(), Instant.now());
            System.out.printf("GOLD of %,d rows in %.1f s%n", v.rows(), (System.nanoTime() - t) / 1e9);

            GoldCheck.Result gold = new GoldCheck(source, target, options, work).check();
            System.out.printf("GOLD check: %s in %.2f s%n", gold.ok() ? "valid" : gold.problems(), gold.seconds());
            Baseline.Result baseDry = new Baseline(source, target, work).take(true);
            Baseline.Result base = new Baseline(source, target, work).take(false);
            System.out.printf("baseline: dry run %.2f s, run %.2f s (%s)%n", baseDry.seconds(), base.seconds(), base.summary());

            FinalDelta delta = new FinalDelta(source, target, options, work);
            List<String> rows = new ArrayList<>();
            for (int r = 1; r <= rounds; r++) {
                try (Connection c = my.connect(db); Statement st = c.createStatement()) {
                    for (String s : changes(r)) {
                        st.execute(s);
                    }
                }
                FinalDelta.Result dry = delta.run(true, s -> { });
                freeze(my, true);
                try {
                    FinalDelta.Result run = delta.run(false, s -> { });
                    FinalDelta.Result again = delta.run(false, s -> { });
                    rows.add(String.format("round %d: %,d changed rows (%,d ins, %,d upd, %,d del): dry run %.2f s, final delta"
                                    + " %.2f s (%d passes, carrying %.2f s), second run %.2f s (nothing to carry)", r,
                            run.inserted() + run.updated() + run.deleted(), run.inserted(), run.updated(), run.deleted(),
                            dry.seconds(), run.seconds(), run.passes(),
                            run.tables().stream().mapToDouble(FinalDelta.TableDelta::seconds).sum(), again.seconds()));
                    System.out.println(rows.get(rows.size() - 1));
                } finally {
                    freeze(my, false);
                }
            }
            FinalBackups.Result backupDry = new FinalBackups(source, target, options, work).run(true, s -> { });
            FinalBackups.Result backup = new FinalBackups(source, target, options, work).run(false, s -> { });
            System.out.printf("final backups: dry run %.2f s; run %.2f s: MySQL %,d rows %,d bytes in %.2f s, PostgreSQL"
                            + " %,d rows %,d bytes in %.2f s%n", backupDry.seconds(), backup.seconds(), backup.mysql().rows(),
                    backup.mysql().bytes(), backup.mysql().seconds(), backup.postgres().rows(), backup.postgres().bytes(),
                    backup.postgres().seconds());
        }
    }

    private static void freeze(EmbeddedMariaDbServer my, boolean on) throws Exception {
        try (Connection c = my.connect(""); Statement st = c.createStatement()) {
            st.execute("SET GLOBAL read_only = " + (on ? "ON" : "OFF"));
        }
    }
}
