package io.bascule.rollback;

import io.bascule.database.DatabaseEndpoint;
import io.bascule.demo.SampleDatabase;
import io.bascule.embedded.EmbeddedMariaDbServer;
import io.bascule.embedded.EmbeddedPostgresServer;
import io.bascule.migration.MigrationOptions;
import io.bascule.migration.MigrationService;
import io.bascule.schema.ConversionPlan;
import io.bascule.schema.TablePlan;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measurement, not a test (docs/benchmarks.md, "Reverse channel"; run by {@code bench/reverse-channel.sh}): the reverse
 * channel after a cutover, on the demo's tables (locataires, historique, audit_logs, disbursements, the AKIG sample
 * loaded into embedded MariaDB and migrated to embedded PostgreSQL) plus a probe table.
 *
 * <ol>
 *   <li><b>lag</b>: writer threads run a steady application mix (small transactions: audit and history inserts,
 *   tenant and payment updates, a few deletes) at a fixed rate on PostgreSQL while a {@link ReverseApplyLoop} applies
 *   into MariaDB; every 100 ms the age of the oldest unapplied change is sampled ({@link ReverseApplier#lag()}), and a
 *   probe row updated on PostgreSQL every 100 ms with a sequence number is polled on MariaDB every 5 ms, giving the
 *   end-to-end time from its commit until MariaDB shows it. p50/p99/max.</li>
 *   <li><b>overhead</b>: the same kind of load unthrottled (insert-heavy and update-heavy mixes), without and with
 *   the capture triggers (the loop not running): transactions per second and the cost in %, medians of rounds run in
 *   ABBA order.</li>
 *   <li><b>tail</b>: changes captured with the loop stopped (at least N), then a drain as the rollback runs it.</li>
 * </ol>
 * The parts run in this order (the overhead's runs without triggers leave MariaDB behind, so it comes last); each
 * part that applies checks at its end that MariaDB equals PostgreSQL on every row (the migration's verifier).
 * PostgreSQL runs durable ({@code fsync=on, synchronous_commit=on}) unless {@code durable=false} (zonky's defaults,
 * both off: commits cost CPU only, the triggers' worst case in %).
 * Options: {@code seconds=60 rates=200,1000 threads=4 overheadSeconds=20 rounds=3 tail=10000 parts=lag,tail,overhead durable=true}.
 */
final class ReverseApplyLoopBench {

    private static final List<String> TABLES = List.of("locataires", "historique", "audit_logs", "disbursements", "bench_probe");
    private static final AtomicLong REFERENCES = new AtomicLong();

    private final EmbeddedMariaDbServer my;
    private final EmbeddedPostgresServer pg;
    private final MigrationService service;
    private final ConversionPlan plan;
    private final ReverseChannel channel;
    private final int threads;

    private ReverseApplyLoopBench(EmbeddedMariaDbServer my, EmbeddedPostgresServer pg, MigrationService service, ConversionPlan plan,
                                  ReverseChannel channel, int threads) {
        this.my = my;
        this.pg = pg;
        this.service = service;
        this.plan = plan;
        this.channel = channel;
        this.threads = threads;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>(Map.of("seconds", "60", "rates", "200,1000", "threads", "4",
                "overheadSeconds", "20", "rounds", "3", "tail", "10000", "parts", "lag,tail,overhead", "durable", "true"));
        for (String a : args) {
            String[] kv = a.split("=", 2);
            if (kv.length != 2 || !opt.containsKey(kv[0])) {
                throw new IllegalArgumentException("unknown option " + a + "; options: " + opt);
            }
            opt.put(kv[0], kv[1]);
        }
        List<String> parts = List.of(opt.get("parts").split(","));
        Path home = Path.of("target", "reverse-loop-bench").toAbsolutePath();
        Files.createDirectories(home);
        try (EmbeddedMariaDbServer my = EmbeddedMariaDbServer.start(home.resolve("mariadb"), 0, false);
             EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(home.resolve("postgres"), 0,
                     Boolean.parseBoolean(opt.get("durable")) ? Map.of("fsync", "on", "synchronous_commit", "on") : Map.of())) {
            ReverseApplyLoopBench bench = setUp(my, pg, home, Integer.parseInt(opt.get("threads")));
            bench.describe(opt);
            List<String> report = new ArrayList<>();
            if (parts.contains("lag")) {
                for (String rate : opt.get("rates").split(",")) {
                    report.add(bench.lag(Integer.parseInt(rate), Duration.ofSeconds(Long.parseLong(opt.get("seconds")))));
                }
            }
            if (parts.contains("tail")) {
                report.add(bench.tail(Integer.parseInt(opt.get("tail")), Integer.parseInt(opt.get("rounds"))));
            }
            if (parts.contains("overhead")) {
                for (Mix mix : new Mix[]{Mix.INSERT_HEAVY, Mix.UPDATE_HEAVY}) {
                    report.add(bench.overhead(mix, Duration.ofSeconds(Long.parseLong(opt.get("overheadSeconds"))),
                            Integer.parseInt(opt.get("rounds"))));
                }
            }
            bench.channel.disarm();
            System.out.println();
            System.out.println("== results ==");
            report.forEach(System.out::println);
        }
    }

    private static ReverseApplyLoopBench setUp(EmbeddedMariaDbServer my, EmbeddedPostgresServer pg, Path home, int threads) throws Exception {
        my.dropDatabase("bench");
        my.createDatabaseIfMissing("bench");
        pg.dropDatabase("bench");
        pg.createDatabaseIfMissing("bench");
        try (Connection c = my.connect("bench"); Statement st = c.createStatement()) {
            SampleDatabase.load(c);
            st.execute("CREATE TABLE bench_probe (id INT NOT NULL PRIMARY KEY, seq BIGINT NOT NULL, written_at DATETIME(6) NOT NULL)"
                    + " ENGINE=InnoDB");
            st.execute("INSERT INTO bench_probe VALUES (1, 0, UTC_TIMESTAMP(6))");
        }
        DatabaseEndpoint source = DatabaseEndpoint.of(DatabaseEndpoint.Side.SOURCE, my.jdbcUrl("bench"), "root", null);
        DatabaseEndpoint target = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, pg.jdbcUrl("bench"), "postgres", null);
        MigrationService service = new MigrationService(source, target, MigrationOptions.defaults("public"), home.resolve("work"));
        ConversionPlan plan = service.plan(service.readSchema());
        service.createTables(plan);
        service.copy(plan, s -> { });
        service.buildConstraints(plan);
        for (String t : TABLES) {
            TablePlan tp = plan.table(t);
            if (tp == null) {
                throw new IllegalStateException("table " + t + " was not migrated");
            }
        }
        try (Connection c = pg.connect("bench"); Statement st = c.createStatement()) {
            st.execute("VACUUM ANALYZE");
        }
        ReverseChannel channel = new ReverseChannel(source, target, plan, TABLES);
        channel.disarm();
        return new ReverseApplyLoopBench(my, pg, service, plan, channel, threads);
    }

    private void describe(Map<String, String> opt) throws Exception {
        StringBuilder sb;
        try (Connection p = pg.connect("bench"); Connection m = my.connect("bench")) {
            sb = new StringBuilder(io.bascule.testing.BenchMachine.describe(p, m));
        }
        sb.append("\noptions: ").append(opt).append(", tables ").append(TABLES);
        System.out.println(sb);
    }

    // ---- (a) lag under a steady load ----

    private String lag(int rate, Duration measured) throws Exception {
        channel.disarm();
        channel.arm();
        Duration warmUp = Duration.ofSeconds(5);
        List<Double> oldest = Collections.synchronizedList(new ArrayList<>());
        List<Long> backlog = Collections.synchronizedList(new ArrayList<>());
        List<Double> endToEnd = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        Load load = new Load(pg, threads, rate, Mix.STEADY);
        ReverseApplyLoop loop = new ReverseApplyLoop(channel, Duration.ofMillis(100), Duration.ofSeconds(10), l -> { })
                .pruneEvery(Duration.ofSeconds(20));
        Map<Long, Long> probeWritten = new ConcurrentHashMap<>();
        long probeBase;   // the probe's sequence goes on from the previous run's
        try (Connection c = pg.connect("bench"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT seq FROM bench_probe WHERE id = 1")) {
            rs.next();
            probeBase = rs.getLong(1);
        }
        AtomicLong probeSeen = new AtomicLong(probeBase);
        List<Thread> helpers = new ArrayList<>();
        helpers.add(new Thread(() -> {   // the oldest unapplied change's age, every 100 ms
            try (ReverseApplier sampler = channel.applier()) {
                while (!stop.get()) {
                    ReverseApplier.Lag l = sampler.lag();
                    if (measuring.get()) {
                        oldest.add(l.oldestSeconds());
                        backlog.add(l.changes());
                    }
                    Thread.sleep(100);
                }
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, "lag sampler"));
        helpers.add(new Thread(() -> {   // the probe row: a new sequence number every 100 ms on PostgreSQL
            try (Connection c = pg.connect("bench");
                 PreparedStatement ps = c.prepareStatement("UPDATE bench_probe SET seq = ?, written_at = clock_timestamp() WHERE id = 1")) {
                c.setAutoCommit(true);
                long seq = probeBase;
                while (!stop.get()) {
                    ps.setLong(1, ++seq);
                    ps.executeUpdate();
                    probeWritten.put(seq, System.nanoTime());
                    Thread.sleep(100);
                }
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, "probe writer"));
        helpers.add(new Thread(() -> {   // ... and the time until MariaDB shows it (or a later one), polled every 5 ms
            try (Connection c = my.connect("bench"); PreparedStatement ps = c.prepareStatement("SELECT seq FROM bench_probe WHERE id = 1")) {
                c.setAutoCommit(true);
                while (!stop.get()) {
                    long seen;
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        seen = rs.getLong(1);
                    }
                    long now = System.nanoTime();
                    for (long k = probeSeen.get() + 1; k <= seen; k++) {
                        Long written = probeWritten.remove(k);
                        if (written != null && measuring.get()) {
                            endToEnd.add((now - written) / 1e9);
                        }
                    }
                    probeSeen.set(Math.max(probeSeen.get(), seen));
                    Thread.sleep(5);
                }
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, "probe reader"));
        loop.start();
        load.start();
        helpers.forEach(Thread::start);
        Thread.sleep(warmUp.toMillis());
        long committedBefore = load.committed.get();
        long appliedBefore = loop.appliedTotal();
        measuring.set(true);
        long t0 = System.nanoTime();
        Thread.sleep(measured.toMillis());
        measuring.set(false);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long committed = load.committed.get() - committedBefore;
        long applied = loop.appliedTotal() - appliedBefore;
        load.stop();
        stop.set(true);
        for (Thread t : helpers) {
            t.join();
        }
        long pruned = loop.prunedTotal();
        boolean stopped = loop.stop(Duration.ofSeconds(60));
        ReverseApplier.Drain tail;
        try (ReverseApplier applier = channel.applier()) {
            tail = applier.drain(Duration.ofMinutes(5));
        }
        String out = String.format(Locale.ROOT, "lag at %d tx/s (%d writers, %.0f s measured after %d s warm-up): %.1f tx/s committed,"
                        + " %.0f changes/s applied, %d load errors (rolled back); oldest unapplied change age p50 %.3f s, p99 %.3f s,"
                        + " max %.3f s (%d samples); unapplied changes p50 %.0f, p99 %.0f, max %.0f; end-to-end probe p50 %.3f s,"
                        + " p99 %.3f s, max %.3f s (%d samples); %d changes pruned by the loop; tail after the load %d changes"
                        + " drained in %.2f s; loop stopped cleanly: %s; loop error: %s",
                rate, threads, seconds, warmUp.toSeconds(), committed / seconds, applied / seconds, load.errors.get(),
                percentile(oldest, 50), percentile(oldest, 99), percentile(oldest, 100), oldest.size(),
                percentile(longs(backlog), 50), percentile(longs(backlog), 99), percentile(longs(backlog), 100),
                percentile(endToEnd, 50), percentile(endToEnd, 99), percentile(endToEnd, 100), endToEnd.size(), pruned,
                tail.changes(), tail.seconds(), stopped, loop.lastError());
        System.out.println(out);
        checkIdentical();
        return out;
    }

    // ---- (b) capture overhead ----

    private String overhead(Mix mix, Duration each, int rounds) throws Exception {
        List<Double> plain = new ArrayList<>();
        List<Double> armed = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            boolean[] order = r % 2 == 0 ? new boolean[]{false, true} : new boolean[]{true, false};
            for (boolean withTriggers : order) {
                channel.disarm();
                if (withTriggers) {
                    channel.arm();
                }
                try (Connection c = pg.connect("bench"); Statement st = c.createStatement()) {
                    st.execute("VACUUM ANALYZE");
                    st.execute("CHECKPOINT");
                }
                Load load = new Load(pg, threads, 0, mix);
                load.start();
                Thread.sleep(2000);
                long before = load.committed.get();
                long t0 = System.nanoTime();
                Thread.sleep(each.toMillis());
                double tps = (load.committed.get() - before) / ((System.nanoTime() - t0) / 1e9);
                load.stop();
                (withTriggers ? armed : plain).add(tps);
                System.out.printf(Locale.ROOT, "overhead %s round %d %s: %.0f tx/s (%d errors)%n", mix.label, r + 1,
                        withTriggers ? "triggers" : "plain", tps, load.errors.get());
            }
        }
        channel.disarm();
        channel.arm();   // the later parts start armed and drain what is left into MariaDB
        try (ReverseApplier a = channel.applier()) {
            a.drain(Duration.ofMinutes(5));
        }
        double p = median(plain);
        double a = median(armed);
        String out = String.format(Locale.ROOT, "overhead %s (%d writers, unthrottled, %d s x %d rounds): plain %.0f tx/s, with the"
                        + " capture triggers %.0f tx/s, cost %.1f %% (plain %s, armed %s)", mix.label, threads, each.toSeconds(), rounds,
                p, a, 100 * (1 - a / p), fmt(plain), fmt(armed));
        System.out.println(out);
        return out;
    }

    // ---- (c) the rollback's tail ----

    private String tail(int changes, int rounds) throws Exception {
        List<Double> seconds = new ArrayList<>();
        List<Long> drained = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            channel.disarm();
            channel.arm();
            Load load = new Load(pg, threads, 0, Mix.STEADY);
            try (ReverseApplier applier = channel.applier()) {
                load.start();
                while (applier.lag().changes() < changes) {
                    Thread.sleep(20);
                }
                load.stop();
                ReverseApplier.Drain d = applier.drain(Duration.ofMinutes(10));
                seconds.add(d.seconds());
                drained.add(d.changes());
                System.out.printf(Locale.ROOT, "tail round %d: %d changes drained in %.2f s (%.0f changes/s, %d batches)%n", r + 1,
                        d.changes(), d.seconds(), d.changes() / d.seconds(), d.batches());
            }
            checkIdentical();
        }
        String out = String.format(Locale.ROOT, "tail: drain of at least %d changes captured with the loop stopped (steady mix):"
                        + " median %.2f s (rounds %s s, changes %s)", changes, median(seconds), fmt(seconds), drained);
        System.out.println(out);
        return out;
    }

    /** Every row of every table compared on both sides (the migration's verifier): the channel lost nothing. */
    private void checkIdentical() {
        io.bascule.migration.Verifier.Result r = service.verify(plan, s -> { });
        if (!r.matches()) {
            throw new IllegalStateException("after the drain, MariaDB differs from PostgreSQL: " + r.tables().stream()
                    .filter(t -> !t.matches()).map(io.bascule.migration.Verifier.TableResult::summary).toList());
        }
        System.out.println("verified: MariaDB equals PostgreSQL on every table");
    }

    // ---- the application's writes ----

    enum Mix {
        /** A rental-management application's day: mostly audit rows and history, tenant and payment updates, some deletes. */
        STEADY("steady", 35, 20, 20, 10, 10, 5),
        INSERT_HEAVY("insert-heavy", 50, 30, 5, 10, 5, 0),
        UPDATE_HEAVY("update-heavy", 10, 5, 50, 0, 35, 0);

        final String label;
        final int[] weights;   // audit insert, history insert + tenant touch, tenant update, payment insert, payment update, deletes

        Mix(String label, int... weights) {
            this.label = label;
            this.weights = weights;
        }

        int pick(ThreadLocalRandom r) {
            int total = 0;
            for (int w : weights) {
                total += w;
            }
            int x = r.nextInt(total);
            for (int i = 0; i < weights.length; i++) {
                x -= weights[i];
                if (x < 0) {
                    return i;
                }
            }
            return weights.length - 1;
        }
    }

    /** Writer threads, each with its own connection, at a total rate (0: as fast as they can). */
    static final class Load {
        final AtomicLong committed = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();

        Load(EmbeddedPostgresServer pg, int n, int rate, Mix mix) {
            long start = System.nanoTime() + 50_000_000L;
            for (int i = 0; i < n; i++) {
                int me = i;
                threads.add(new Thread(() -> {
                    try (Connection c = pg.connect("bench")) {
                        c.setAutoCommit(false);
                        Writer w = new Writer(c);
                        long k = 0;
                        while (!stop.get()) {
                            if (rate > 0) {   // open loop: transaction k of this writer is due at start + (k * n + me) / rate
                                long due = start + (long) ((k * n + me) * 1e9 / rate);
                                long wait = due - System.nanoTime();
                                if (wait > 0) {
                                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                                }
                                k++;
                            }
                            try {
                                w.transaction(mix);
                                c.commit();
                                committed.incrementAndGet();
                            } catch (SQLException e) {
                                c.rollback();
                                errors.incrementAndGet();
                            }
                        }
                    } catch (Exception e) {
                        e.printStackTrace();
                    }
                }, "writer " + i));
            }
        }

        void start() {
            threads.forEach(Thread::start);
        }

        void stop() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
        }
    }

    /** One writer's statements on the migrated demo tables. */
    static final class Writer {
        private final PreparedStatement audit;
        private final PreparedStatement history;
        private final PreparedStatement touchTenant;
        private final PreparedStatement tenant;
        private final PreparedStatement payment;
        private final PreparedStatement paymentUpdate;
        private final PreparedStatement deleteAudit;
        private final PreparedStatement deletePayment;

        Writer(Connection c) throws SQLException {
            audit = c.prepareStatement("INSERT INTO audit_logs (locataire_id, utilisateur, \"action\", entite, adresse_ip, \"date\")"
                    + " VALUES (?, ?, 'update', 'locataire', '10.0.0.1', localtimestamp(3))");
            history = c.prepareStatement("INSERT INTO historique (locataire_id, \"action\", details, \"date\")"
                    + " VALUES (?, 'loyer_paye', ?, localtimestamp(0))");
            touchTenant = c.prepareStatement("UPDATE locataires SET updated_at = localtimestamp(0) WHERE id = ?");
            tenant = c.prepareStatement("UPDATE locataires SET loyer_mensuel = ?, telephone = ?, updated_at = localtimestamp(0) WHERE id = ?");
            payment = c.prepareStatement("INSERT INTO disbursements (locataire_id, reference, montant, date_paiement, mode_paiement,"
                    + " commentaire) VALUES (?, ?, ?, current_date, 'virement', 'Versement propriétaire')");
            paymentUpdate = c.prepareStatement("UPDATE disbursements SET montant = montant + 1, commentaire = ? WHERE id = ?");
            deleteAudit = c.prepareStatement("DELETE FROM audit_logs WHERE id = ?");
            deletePayment = c.prepareStatement("DELETE FROM disbursements WHERE id = (SELECT max(id) FROM disbursements)"
                    + " AND reference LIKE 'B%'");
        }

        void transaction(Mix mix) throws SQLException {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            int tenantId = r.nextInt(1, 501);
            switch (mix.pick(r)) {
                case 0 -> {
                    audit.setLong(1, tenantId);
                    audit.setString(2, "gestionnaire" + r.nextInt(1, 4));
                    audit.executeUpdate();
                }
                case 1 -> {
                    history.setLong(1, tenantId);
                    history.setString(2, "Loyer reçu — dossier n° " + r.nextInt(1000, 2000));
                    history.executeUpdate();
                    touchTenant.setLong(1, tenantId);
                    touchTenant.executeUpdate();
                }
                case 2 -> {
                    tenant.setBigDecimal(1, BigDecimal.valueOf(r.nextInt(45000, 165000), 2));
                    tenant.setString(2, "+224 6" + r.nextInt(10_000_000, 99_999_999));
                    tenant.setLong(3, tenantId);
                    tenant.executeUpdate();
                }
                case 3 -> {
                    payment.setLong(1, tenantId);
                    payment.setString(2, String.format("B%011d", REFERENCES.incrementAndGet()));
                    payment.setBigDecimal(3, BigDecimal.valueOf(r.nextInt(35000, 125000), 2));
                    payment.executeUpdate();
                }
                case 4 -> {
                    paymentUpdate.setString(1, "Versement " + r.nextInt(1000));
                    paymentUpdate.setLong(2, r.nextInt(1, 212));
                    paymentUpdate.executeUpdate();
                }
                default -> {
                    if (r.nextBoolean()) {
                        deleteAudit.setLong(1, r.nextInt(1, 100_001));   // an old audit row (gone already: nothing)
                        deleteAudit.executeUpdate();
                    } else {
                        deletePayment.executeUpdate();
                    }
                }
            }
        }
    }

    // ---- figures ----

    /** The p-th percentile (nearest rank) of samples; 100 is the maximum; NaN when there is none. */
    static double percentile(List<Double> samples, double p) {
        List<Double> sorted = new ArrayList<>(samples);
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.min(sorted.size(), Math.max(1, rank)) - 1);
    }

    private static List<Double> longs(List<Long> values) {
        synchronized (values) {
            return values.stream().map(Long::doubleValue).toList();
        }
    }

    private static double median(List<Double> values) {
        return percentile(values, 50);
    }

    private static String fmt(List<Double> values) {
        return values.stream().map(v -> String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.2f", v)).toList().toString();
    }
}
