package io.bascule.surveillance;

import io.bascule.cli.BasculeCli;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.PostgresDialect;
import io.bascule.demo.SampleDatabase;
import io.bascule.embedded.EmbeddedMariaDbServer;
import io.bascule.embedded.EmbeddedPostgresServer;
import io.bascule.testing.BenchMachine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Measurement, not a test (docs/benchmarks.md, "Surveillance sampling"; run by {@code bench/surveillance.sh}): what one
 * sample of the {@link Sampler} costs, and how fast the {@link SampleStore} reads a day of samples.
 * <ol>
 *   <li><b>demo</b>: the demo's data (the AKIG sample, 105,711 rows) migrated to PostgreSQL by the CLI's
 *   {@code migrate} (not timed), pg_stat_statements created and reset, then a load: {@code idle} idle sessions and
 *   {@code workers} sessions each running about {@code rate} statements a second (reads by key and by index, an
 *   update, an insert, a range count); {@code samples} samples, one every {@code every}, after 10 not counted.</li>
 *   <li><b>wide</b>: a catalog of {@code tables} tables (each with a primary key and one secondary index) and
 *   {@code wideIdle} idle sessions, no load: how the cost grows with the catalog and the sessions.</li>
 *   <li><b>store</b>: a day of samples at 5 s (17,280, the demo's samples repeated with their instants moved) written
 *   to a store; its size, the time to read the whole day and one hour of it.</li>
 * </ol>
 * Per sample: the statements it runs, the wall time of {@link Sampler#sample()} on the client (loopback, no health URL),
 * the server's execution time of the sampling statements (pg_stat_statements: their total time over the samples), the
 * JSON line's length.
 */
public final class SamplingBench {

    private static String demoUrl;

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>(Map.of("samples", "100", "every", "200", "idle", "20", "workers", "4",
                "rate", "50", "tables", "1000", "wideIdle", "150", "parts", "demo,wide,store,cli", "cliRounds", "5"));
        for (String a : args) {
            String[] kv = a.split("=", 2);
            if (kv.length != 2 || !opt.containsKey(kv[0])) {
                throw new IllegalArgumentException("unknown option " + a + "; options: " + opt.keySet());
            }
            opt.put(kv[0], kv[1]);
        }
        System.out.println("options: " + opt);
        Path home = Path.of("target", "sampling-bench").toAbsolutePath();
        List<String> parts = List.of(opt.get("parts").split(","));
        List<String> results = new ArrayList<>();
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(home.resolve("postgres").resolve("data"), 0);
             EmbeddedMariaDbServer maria = EmbeddedMariaDbServer.start(home.resolve("mariadb"), 0, false)) {
            try (Connection p = pg.connect("postgres"); Connection m = maria.connect("mysql")) {
                System.out.println(BenchMachine.describe(p, m));
            }
            List<Sample> demoSamples = List.of();
            if (parts.contains("demo") || parts.contains("store") || parts.contains("cli")) {
                demoSamples = demo(pg, maria, home, opt, results, parts.contains("demo"));
            }
            if (parts.contains("wide")) {
                wide(pg, opt, results);
            }
            if (parts.contains("store")) {
                store(home, demoSamples, results);
            }
            if (parts.contains("cli")) {
                cli(home, Integer.parseInt(opt.get("cliRounds")), results);
            }
        }
        System.out.println("== results ==");
        results.forEach(System.out::println);
    }

    private static List<Sample> demo(EmbeddedPostgresServer pg, EmbeddedMariaDbServer maria, Path home,
                                     Map<String, String> opt, List<String> results, boolean report) throws Exception {
        String db = "bench_akig_" + System.currentTimeMillis();
        maria.createDatabaseIfMissing(db);
        pg.createDatabaseIfMissing(db);
        try (Connection c = maria.connect(db)) {
            SampleDatabase.load(c);
        }
        Path work = home.resolve("work-" + db);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        BasculeCli.Outcome migrated = BasculeCli.run(new String[]{"migrate", "--source-url", maria.jdbcUrl(db), "--source-user",
                        "root", "--target-url", pg.jdbcUrl(db), "--target-user", "postgres", "--work-dir", work.toString(), "--yes"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("BASCULE_SOURCE_PASSWORD", "x")::get);
        if (migrated.exitCode() != 0) {
            throw new IllegalStateException("migrate failed: " + err.toString(StandardCharsets.UTF_8));
        }
        demoUrl = pg.jdbcUrl(db);
        try (Connection c = pg.connect(db); Statement st = c.createStatement()) {
            st.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            st.execute("SELECT pg_stat_statements_reset()");
            st.execute("SELECT pg_stat_reset()");
        }
        int idle = Integer.parseInt(opt.get("idle"));
        int workers = Integer.parseInt(opt.get("workers"));
        int rate = Integer.parseInt(opt.get("rate"));
        List<Connection> held = new ArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong statements = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        try {
            for (int i = 0; i < idle; i++) {
                held.add(pg.connect(db));
            }
            for (int i = 0; i < workers; i++) {
                Connection c = pg.connect(db);
                held.add(c);
                Thread t = new Thread(() -> work(c, rate, running, statements), "bench-worker-" + i);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
            Thread.sleep(2000);
            long before = statements.get();
            long start = System.nanoTime();
            Run run = sample(pg.jdbcUrl(db), Integer.parseInt(opt.get("samples")), Long.parseLong(opt.get("every")));
            double rateMeasured = (statements.get() - before) / ((System.nanoTime() - start) / 1e9);
            if (report) {
                results.add(String.format(Locale.ROOT, "demo: %d tables, %d indexes, %d client sessions (%d idle, %d"
                                + " working at %.0f statements/s in all)", run.last.tableCount(), indexes(pg, db), run.last.connections(),
                        idle, workers, rateMeasured));
                results.add("demo: " + run.describe());
                results.add("demo: last sample: mean query " + run.last.avgQueryMs() + " ms over " + run.last.statementCalls()
                        + " calls, " + run.last.topQueries().size() + " top queries, " + run.last.tables().size() + " tables listed");
            }
            return run.samples;
        } finally {
            running.set(false);
            for (Thread t : threads) {
                t.join(5000);
            }
            for (Connection c : held) {
                c.close();
            }
        }
    }

    private static void work(Connection c, int rate, AtomicBoolean running, AtomicLong statements) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long pause = Math.max(0, 1_000_000_000L / Math.max(1, rate));
        try (PreparedStatement byKey = c.prepareStatement("SELECT * FROM locataires WHERE id = ?");
             PreparedStatement history = c.prepareStatement("SELECT count(*) FROM historique WHERE locataire_id = ?");
             PreparedStatement update = c.prepareStatement("UPDATE audit_logs SET utilisateur = ? WHERE id = ?");
             PreparedStatement insert = c.prepareStatement("INSERT INTO historique (locataire_id, action, details, date)"
                     + " VALUES (?, 'bench', 'sampling bench', now())");
             PreparedStatement range = c.prepareStatement("SELECT count(*), sum(montant) FROM disbursements"
                     + " WHERE date_paiement BETWEEN ?::date AND ?::date + 30")) {
            while (running.get()) {
                long t0 = System.nanoTime();
                int op = r.nextInt(10);
                int id = 1 + r.nextInt(500);   // the sample's 500 locataires
                if (op < 4) {
                    byKey.setInt(1, id);
                    byKey.executeQuery().close();
                } else if (op < 6) {
                    history.setInt(1, id);
                    history.executeQuery().close();
                } else if (op < 8) {
                    update.setString(1, "bench" + r.nextInt(100));
                    update.setLong(2, 1 + r.nextInt(50000));
                    update.executeUpdate();
                } else if (op < 9) {
                    insert.setInt(1, id);
                    insert.executeUpdate();
                } else {
                    String day = "20" + (15 + r.nextInt(9)) + "-0" + (1 + r.nextInt(9)) + "-01";
                    range.setString(1, day);
                    range.setString(2, day);
                    range.executeQuery().close();
                }
                statements.incrementAndGet();
                long left = pause - (System.nanoTime() - t0);
                if (left > 0) {
                    Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
                }
            }
        } catch (SQLException | InterruptedException e) {
            if (running.get()) {
                System.out.println("worker stopped: " + e);
            }
        }
    }

    private static void wide(EmbeddedPostgresServer pg, Map<String, String> opt, List<String> results) throws Exception {
        String db = "bench_wide_" + System.currentTimeMillis();
        pg.createDatabaseIfMissing(db);
        int tables = Integer.parseInt(opt.get("tables"));
        try (Connection c = pg.connect(db); Statement st = c.createStatement()) {
            st.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            c.setAutoCommit(false);
            for (int i = 0; i < tables; i++) {
                st.execute("CREATE TABLE t" + i + " (id int PRIMARY KEY, a text, b int)");
                st.execute("CREATE INDEX t" + i + "_b ON t" + i + " (b)");
                st.execute("INSERT INTO t" + i + " SELECT g, 'x' || g, g % 10 FROM generate_series(1, 100) g");
                if (i % 3 == 0) {
                    st.execute("DELETE FROM t" + i + " WHERE id % 2 = 0");
                }
            }
            c.commit();
        }
        int idle = Integer.parseInt(opt.get("wideIdle"));
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < idle; i++) {
                held.add(pg.connect(db));
            }
            Thread.sleep(1500);
            Run run = sample(pg.jdbcUrl(db), Integer.parseInt(opt.get("samples")), Long.parseLong(opt.get("every")));
            results.add(String.format(Locale.ROOT, "wide: %d tables, %d indexes, %d client sessions (idle)",
                    run.last.tableCount(), indexes(pg, db), run.last.connections()));
            results.add("wide: " + run.describe());
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
    }

    private static void store(Path home, List<Sample> samples, List<String> results) throws Exception {
        Path dir = home.resolve("store-" + System.currentTimeMillis());
        SampleStore store = new SampleStore(dir, Duration.ofDays(30));
        Instant start = Instant.parse("2026-12-01T00:00:00Z");
        int day = 17_280;
        long w0 = System.nanoTime();
        for (int i = 0; i < day; i++) {
            Sample s = samples.get(i % samples.size());
            store.append(new Sample(start.plusSeconds(5L * i), s.sampleMillis(), s.queries(), s.database(), s.serverVersion(),
                    s.reachable(), s.error(), s.connectionsByState(), s.connections(), s.maxConnections(),
                    s.usableConnections(), s.connectionUsagePct(), s.hiddenSessions(), s.statementsAvailable(),
                    s.statementsNote(), s.statementCalls(), s.avgQueryMs(), s.maxQueryMs(), s.topQueries(), s.slowQueryCount(),
                    s.slowQueries(), s.deadTuplePct(), s.tables(), s.tableCount(), s.unusedIndexes(), s.unusedIndexCount(),
                    s.deadlocks(), s.conflicts(), s.statsReset(), s.cacheHitPct(), s.longRunning(), s.longRunningCount(),
                    s.idleInTransaction(), s.idleInTransactionCount(), s.idleSessions(), s.idleSessionCount(),
                    s.appHealth(), s.notes(), s.alerts()));
        }
        double writeS = (System.nanoTime() - w0) / 1e9;
        long bytes;
        try (Stream<Path> files = Files.list(store.directory())) {
            bytes = files.mapToLong(f -> f.toFile().length()).sum();
        }
        List<Double> whole = new ArrayList<>();
        List<Double> hour = new ArrayList<>();
        int read = 0;
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            read = store.list(start, start.plus(Duration.ofDays(1))).size();
            whole.add((System.nanoTime() - t0) / 1e6);
            t0 = System.nanoTime();
            store.list(start.plus(Duration.ofHours(12)), start.plus(Duration.ofHours(13))).size();
            hour.add((System.nanoTime() - t0) / 1e6);
        }
        Collections.sort(whole);
        Collections.sort(hour);
        results.add(String.format(Locale.ROOT, "store: %d samples (a day at 5 s) appended one by one in %.1f s; %.1f MB"
                        + " (%.0f bytes a line); read back: the whole day %d samples in %.0f ms (median of 3, range %.0f-%.0f),"
                        + " one hour in %.0f ms", day, writeS, bytes / 1024.0 / 1024.0, (double) bytes / day, read, whole.get(1),
                whole.get(0), whole.get(2), hour.get(1)));
    }

    private static long indexes(EmbeddedPostgresServer pg, String db) throws SQLException {
        try (Connection c = pg.connect(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_user_indexes WHERE schemaname <> 'bascule_state'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** One run of samples; the server's time of the sampling statements from pg_stat_statements. */
    record Run(List<Sample> samples, List<Double> wallMs, Sample last, double serverMsPerSample, int queries, double lineBytes,
               String breakdown) {
        String describe() {
            List<Double> sorted = new ArrayList<>(wallMs);
            Collections.sort(sorted);
            double mean = sorted.stream().mapToDouble(Double::doubleValue).average().orElse(0);
            return String.format(Locale.ROOT, "%d samples, %d statements each; wall time per sample (client, loopback):"
                            + " mean %.1f ms, median %.1f ms, p95 %.1f ms, max %.1f ms; server execution time per sample"
                            + " %.2f ms (pg_stat_statements: %s); JSON line %.0f bytes", sorted.size(), queries, mean,
                    sorted.get(sorted.size() / 2), sorted.get((int) Math.ceil(sorted.size() * 0.95) - 1),
                    sorted.get(sorted.size() - 1), serverMsPerSample, breakdown, lineBytes);
        }
    }

    private static Run sample(String url, int count, long everyMs) throws Exception {
        DatabaseEndpoint target = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, url, "postgres", null);
        try (Sampler sampler = new Sampler(target, defaults(), null)) {
            for (int i = 0; i < 10; i++) {
                sampler.sample();
            }
            double serverBefore = serverMs(target);
            List<Double> wall = new ArrayList<>();
            List<Sample> samples = new ArrayList<>();
            long bytes = 0;
            Sample last = null;
            for (int i = 0; i < count; i++) {
                long t0 = System.nanoTime();
                last = sampler.sample();
                wall.add((System.nanoTime() - t0) / 1e6);
                if (last.error() != null) {
                    throw new IllegalStateException("sample failed: " + last.error());
                }
                samples.add(last);
                bytes += SampleJson.toJson(last).length() + 1;
                Thread.sleep(everyMs);
            }
            double server = (serverMs(target) - serverBefore) / count;
            return new Run(samples, wall, last, server, last.queries(), (double) bytes / count, breakdown(target));
        }
    }

    /** The total execution time of the sampling statements in pg_stat_statements, ms (this database). */
    private static double serverMs(DatabaseEndpoint target) throws SQLException {
        try (Connection c = target.open(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT coalesce(sum(total_exec_time), 0) FROM pg_stat_statements WHERE dbid ="
                     + " (SELECT oid FROM pg_database WHERE datname = current_database()) AND query LIKE '"
                     + PostgresDialect.MONITOR_MARK.strip() + "%'")) {
            rs.next();
            return rs.getDouble(1);
        }
    }

    /** The mean server time of each sampling statement since the sampler started (its first 10 samples included). */
    private static String breakdown(DatabaseEndpoint target) throws SQLException {
        List<String> parts = new ArrayList<>();
        try (Connection c = target.open(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT query, mean_exec_time FROM pg_stat_statements WHERE dbid ="
                     + " (SELECT oid FROM pg_database WHERE datname = current_database()) AND query LIKE '"
                     + PostgresDialect.MONITOR_MARK.strip() + "%' ORDER BY mean_exec_time DESC")) {
            while (rs.next()) {
                String q = rs.getString(1).substring(PostgresDialect.MONITOR_MARK.length());
                String name = q.startsWith("WITH a AS") ? "sessions" : q.startsWith("WITH s AS") ? "statements"
                        : q.startsWith("SELECT current_database()") ? "database" : q.startsWith("SELECT schemaname") ? "tables"
                        : q.startsWith("SELECT s.schemaname") ? "unused indexes" : q.startsWith("SELECT set_config") ? "session setup"
                        : q.substring(0, Math.min(20, q.length()));
                if (!name.equals("session setup")) {
                    parts.add(String.format(Locale.ROOT, "%s %.2f", name, rs.getDouble(2)));
                }
            }
        }
        return String.join(", ", parts) + " ms";
    }

    /** {@code bin/bascule monitor --once --json} as a subprocess on the demo database: launch to exit, after one warm-up. */
    private static void cli(Path home, int rounds, List<String> results) throws Exception {
        Path repo = Path.of("").toAbsolutePath();
        List<Double> times = new ArrayList<>();
        for (int i = 0; i <= rounds; i++) {
            ProcessBuilder pb = new ProcessBuilder(repo.resolve("bin/bascule").toString(), "monitor", "--once", "--json",
                    "--target-url", demoUrl, "--target-user", "postgres", "--work-dir", home.resolve("cli-work").toString())
                    .redirectErrorStream(false);
            long t0 = System.nanoTime();
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            double s = (System.nanoTime() - t0) / 1e9;
            if (code != 0 || !out.startsWith("{\"at\":")) {
                throw new IllegalStateException("bin/bascule monitor exited " + code + ": " + err);
            }
            if (i > 0) {
                times.add(s);
            }
            System.out.println(String.format(Locale.ROOT, "cli round %d: %.2f s%s", i, s, i == 0 ? " (warm-up, not counted)" : ""));
        }
        Collections.sort(times);
        results.add(String.format(Locale.ROOT, "cli: bin/bascule monitor --once --json on the demo database, launch to exit:"
                + " median %.2f s, range %.2f-%.2f s (%d rounds after one warm-up)", times.get(times.size() / 2), times.get(0),
                times.get(times.size() - 1), times.size()));
    }

    /** The defaults of bascule.surveillance.* (as BasculeProperties binds them without settings). */
    private static io.bascule.config.BasculeProperties.Surveillance defaults() {
        return new io.bascule.config.BasculeProperties.Surveillance(Duration.ofSeconds(5), 80, 100, Duration.ofSeconds(1), 5,
                3, Duration.ofMinutes(5), Duration.ofMinutes(1),
                List.of(Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofMinutes(45), Duration.ofMinutes(60)),
                Duration.ofMinutes(15), 50, Duration.ofDays(30));
    }
}
