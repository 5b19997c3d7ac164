package io.bascule.cli;

import io.bascule.cli.RollbackWorld.World;
import io.bascule.demo.SampleDatabase;
import io.bascule.embedded.EmbeddedPostgresServer;
import io.bascule.testing.TestDatabases;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Measurement, not a test (docs/benchmarks.md, "Rollback"; run by {@code bench/rollback.sh}): the {@code rollback}
 * command on the demo's data (the AKIG sample: locataires, historique, audit_logs, disbursements, 105,711 rows) in the
 * state a cutover leaves ({@link RollbackWorld}: GOLD migration by the CLI, MySQL frozen, the reverse channel armed,
 * the application's .env switched), with a tail of N changes (default 10,000) captured on PostgreSQL as the
 * application, in transactions of 10 changes, and no apply loop running: the whole tail is the rollback's to drain.
 *
 * <ol>
 *   <li><b>inprocess</b>: {@code rollback --reason bench} through the CLI's entry point in this JVM (as
 *   {@code RollbackCommandIT} runs it; the JVM has just run the world's {@code migrate}, so Spring's classes are
 *   loaded): the process's own figure {@code timeToSourceSeconds} (from the first step to "application on MySQL,
 *   MySQL writable", read from the incident report), the time from the call to the write probe's step line, and the
 *   command's wall time.</li>
 *   <li><b>cli</b>: the same through {@code bin/bascule rollback --reason bench} as a subprocess, after one warm-up call
 *   of {@code bin/bascule --version} (the first run after a build unpacks the jar and records the class-data-sharing
 *   archive): from launch to the write probe's step line on stdout, to exit, and the process's figure.</li>
 *   <li><b>dryrun</b>: {@code bin/bascule rollback --dry-run} as a subprocess on the same state: launch to exit.</li>
 * </ol>
 * Every measurement on a fresh world (a migrate of the 105,711 rows each, not timed); after each real rollback the
 * migration's verifier compares every row on both sides (not timed). Options: {@code rounds=3 changes=10000
 * perTx=10 parts=inprocess,cli,dryrun durable=true} (durable: PostgreSQL with fsync and synchronous_commit on).
 */
final class RollbackBench {

    private static final String PROBE_STEP = "Validate MySQL with a write probe";
    private static final Pattern STEP_LINE = Pattern.compile("^\\[\\d\\d:\\d\\d] (.*) (✅|❌).*");

    private final RollbackWorld world;
    private final EmbeddedPostgresServer pg;
    private final Path repo;
    private final int changes;
    private final int perTx;
    private int worlds;

    private RollbackBench(RollbackWorld world, EmbeddedPostgresServer pg, Path repo, int changes, int perTx) {
        this.world = world;
        this.pg = pg;
        this.repo = repo;
        this.changes = changes;
        this.perTx = perTx;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>(Map.of("rounds", "3", "changes", "10000", "perTx", "10",
                "parts", "inprocess,cli,dryrun", "durable", "true"));
        for (String a : args) {
            String[] kv = a.split("=", 2);
            if (kv.length != 2 || !opt.containsKey(kv[0])) {
                throw new IllegalArgumentException("unknown option " + a + "; options: " + opt);
            }
            opt.put(kv[0], kv[1]);
        }
        int rounds = Integer.parseInt(opt.get("rounds"));
        List<String> parts = List.of(opt.get("parts").split(","));
        Path repo = Path.of("").toAbsolutePath();
        if (!Files.isExecutable(repo.resolve("bin/bascule")) || !Files.exists(repo.resolve("target/bascule.jar"))) {
            throw new IllegalStateException("run from the repository with target/bascule.jar built (bench/rollback.sh does)");
        }
        Path home = Path.of("target", "rollback-bench").toAbsolutePath();
        deleteTree(home);
        Files.createDirectories(home);
        Map<String, String> pgConfig = Boolean.parseBoolean(opt.get("durable"))
                ? Map.of("fsync", "on", "synchronous_commit", "on") : Map.of();
        List<String> report = new ArrayList<>();
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(home.resolve("postgres").resolve("data"), 0, pgConfig);
             RollbackWorld world = RollbackWorld.start(home)) {
            RollbackBench bench = new RollbackBench(world, pg, repo, Integer.parseInt(opt.get("changes")),
                    Integer.parseInt(opt.get("perTx")));
            bench.describe(opt);
            List<Run> inProcess = new ArrayList<>();
            List<Run> cli = new ArrayList<>();
            List<Run> dry = new ArrayList<>();
            if (parts.contains("inprocess")) {
                for (int r = 1; r <= rounds; r++) {
                    inProcess.add(bench.inProcess(r));
                }
            }
            if (parts.contains("cli") || parts.contains("dryrun")) {
                bench.warmUp();
            }
            if (parts.contains("cli")) {
                for (int r = 1; r <= rounds; r++) {
                    cli.add(bench.subprocess("cli", r, false));
                }
            }
            if (parts.contains("dryrun")) {
                for (int r = 1; r <= rounds; r++) {
                    dry.add(bench.subprocess("dry-run", r, true));
                }
            }
            if (!inProcess.isEmpty()) {
                report.add(summary("in-process `rollback --reason bench` (" + bench.changes + " changes captured)", inProcess, true));
                report.add("steps of in-process round 1 (incident report timeline): " + inProcess.get(0).stepsLine());
            }
            if (!cli.isEmpty()) {
                report.add(summary("bin/bascule rollback --reason bench (" + bench.changes + " changes captured)", cli, true));
                report.add("steps of bin/bascule round 1 (incident report timeline): " + cli.get(0).stepsLine());
            }
            if (!dry.isEmpty()) {
                report.add(summary("bin/bascule rollback --dry-run (" + bench.changes + " changes captured)", dry, false));
                report.add("steps of dry-run round 1 (stdout step lines, times from launch): " + dry.get(0).stepsLine());
            }
        }
        System.out.println();
        System.out.println("== results ==");
        report.forEach(System.out::println);
    }

    // ---- the worlds ----

    /** A fresh cutover state with the tail captured: its own PostgreSQL database and MySQL database. */
    private World world(String part, int round) throws Exception {
        String name = "bench_" + part.replace('-', '_') + "_" + round + "_" + (++worlds);
        pg.createDatabaseIfMissing(name);
        world.setWritable();   // a dry run leaves MySQL read-only; the next world's freeze sets it again
        long t0 = System.nanoTime();
        World w = world.cutoverState(new TestDatabases(world.mariaDb, pg, name), SampleDatabase::load, Set.of(), null);
        double setUp = seconds(t0);
        long t1 = System.nanoTime();
        Capture c = capture(w);
        System.out.printf(Locale.ROOT, "%s round %d: world %s ready in %.1f s (load, migrate, freeze, arm, switch); captured %,d"
                        + " changes on %,d keys in %,d transactions of %d as the application in %.1f s%n", part, round, name,
                setUp, c.changes, c.keys, c.transactions, perTx, seconds(t1));
        return w;
    }

    private void dropWorld(World w) {
        try {
            pg.dropDatabase(w.dbs().targetDatabase());
            try (Connection c = world.boss("mysql"); Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS `" + w.mysqlDb() + "`");
            }
        } catch (Exception e) {
            System.out.println("could not drop the world's databases (left as they are): " + e);
        }
    }

    record Capture(long changes, long keys, int transactions) {
    }

    /**
     * The application's writes on PostgreSQL since the switch: transactions of {@code perTx} single-row statements
     * (per 10: 3 audit_logs inserts, 2 historique inserts, 2 locataires updates, a disbursements insert and update,
     * a delete of an old audit_logs or historique row), each its own change in the change log.
     */
    private Capture capture(World w) throws SQLException {
        int transactions = (changes + perTx - 1) / perTx;
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        try (Connection c = w.pgApp();
             PreparedStatement audit = c.prepareStatement("INSERT INTO audit_logs (locataire_id, utilisateur, \"action\", entite,"
                     + " adresse_ip, \"date\") VALUES (?, ?, 'update', 'locataire', '10.0.0.1', localtimestamp(3))");
             PreparedStatement history = c.prepareStatement("INSERT INTO historique (locataire_id, \"action\", details, \"date\")"
                     + " VALUES (?, 'loyer_paye', ?, localtimestamp(0))");
             PreparedStatement tenant = c.prepareStatement("UPDATE locataires SET loyer_mensuel = ?, telephone = ?,"
                     + " updated_at = localtimestamp(0) WHERE id = ?");
             PreparedStatement payment = c.prepareStatement("INSERT INTO disbursements (locataire_id, reference, montant,"
                     + " date_paiement, mode_paiement, commentaire) VALUES (?, ?, ?, current_date, 'virement', 'Versement propriétaire')");
             PreparedStatement paymentUpdate = c.prepareStatement("UPDATE disbursements SET montant = montant + 1, commentaire = ?"
                     + " WHERE id = ?");
             PreparedStatement deleteAudit = c.prepareStatement("DELETE FROM audit_logs WHERE id = ?");
             PreparedStatement deleteHistory = c.prepareStatement("DELETE FROM historique WHERE id = ?")) {
            c.setAutoCommit(false);
            int done = 0;
            for (int t = 0; t < transactions; t++) {
                for (int i = 0; i < perTx && done < changes; i++, done++) {
                    int tenantId = r.nextInt(1, 501);
                    int n;
                    switch (i % 10) {
                        case 0, 1, 2 -> {
                            audit.setLong(1, tenantId);
                            audit.setString(2, "gestionnaire" + r.nextInt(1, 4));
                            n = audit.executeUpdate();
                        }
                        case 3, 4 -> {
                            history.setLong(1, tenantId);
                            history.setString(2, "Loyer reçu — dossier n° " + r.nextInt(1000, 2000));
                            n = history.executeUpdate();
                        }
                        case 5, 6 -> {
                            tenant.setBigDecimal(1, BigDecimal.valueOf(r.nextInt(45000, 165000), 2));
                            tenant.setString(2, "+224 6" + r.nextInt(10_000_000, 99_999_999));
                            tenant.setLong(3, tenantId);
                            n = tenant.executeUpdate();
                        }
                        case 7 -> {
                            payment.setLong(1, tenantId);
                            payment.setString(2, String.format(Locale.ROOT, "R%04d%07d", worlds, done));
                            payment.setBigDecimal(3, BigDecimal.valueOf(r.nextInt(35000, 125000), 2));
                            n = payment.executeUpdate();
                        }
                        case 8 -> {
                            paymentUpdate.setString(1, "Versement " + r.nextInt(1000));
                            paymentUpdate.setLong(2, r.nextInt(1, 212));
                            n = paymentUpdate.executeUpdate();
                        }
                        default -> {   // distinct old rows: audit_logs ids 1..100,000, historique ids 1..5,000
                            PreparedStatement d = t % 2 == 0 ? deleteAudit : deleteHistory;
                            d.setLong(1, t % 2 == 0 ? 1_000 + t : 100 + t / 2);
                            n = d.executeUpdate();
                        }
                    }
                    if (n != 1) {
                        throw new IllegalStateException("statement " + i + " of transaction " + t + " changed " + n + " rows, not 1");
                    }
                }
                c.commit();
            }
        }
        try (Connection c = w.dbs().target();
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT (table_name, pk::text)) FROM bascule_state.change_log")) {
            rs.next();
            Capture capture = new Capture(rs.getLong(1), rs.getLong(2), transactions);
            if (capture.changes < changes) {
                throw new IllegalStateException("only " + capture.changes + " changes captured, " + changes + " written");
            }
            return capture;
        }
    }

    // ---- the measurements ----

    /** One timed run: the command's lines with their time from the start, the report's figure and timeline. */
    record Run(String label, int exitCode, double wallSeconds, double startedLineSeconds, double probeLineSeconds,
               Double timeToSource, List<String[]> timeline, List<TimedLine> steps) {

        String stepsLine() {
            if (!timeline.isEmpty()) {
                List<String> s = new ArrayList<>();
                for (String[] row : timeline) {   // at, step, duration
                    s.add(row[1] + " " + row[2] + " (at " + row[0] + ")");
                }
                return String.join("; ", s);
            }
            List<String> s = new ArrayList<>();
            for (TimedLine l : steps) {
                Matcher m = STEP_LINE.matcher(l.line());
                if (m.matches()) {
                    s.add(m.group(1) + " " + String.format(Locale.ROOT, "%.2f s", l.seconds()));
                }
            }
            return String.join("; ", s);
        }
    }

    record TimedLine(double seconds, String line) {
    }

    private Run inProcess(int round) throws Exception {
        World w = world("in-process", round);
        LineClock out = new LineClock(System.nanoTime());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long t0 = out.t0;
        BasculeCli.Outcome outcome = BasculeCli.run(w.args("rollback", "--reason", "bench"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), w.env()::get);
        double wall = seconds(t0);
        return finish("in-process", round, w, outcome.exitCode(), wall, out.lines(), err.toString(StandardCharsets.UTF_8), false);
    }

    /** bin/bascule as a user runs it (its first run after a build prepares the start-up: done here once, not timed). */
    private void warmUp() throws Exception {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(repo.resolve("bin/bascule").toString(), "--version").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int code = p.waitFor();
        System.out.printf(Locale.ROOT, "warm-up: bin/bascule --version (exit %d, %.1f s): %s%n", code, seconds(t0),
                text.replaceAll("\\s*\\R\\s*", " | "));
        if (code != 0) {
            throw new IllegalStateException("bin/bascule --version failed: " + text);
        }
    }

    private Run subprocess(String part, int round, boolean dryRun) throws Exception {
        World w = world(part, round);
        List<String> cmd = new ArrayList<>();
        cmd.add(repo.resolve("bin/bascule").toString());
        cmd.addAll(List.of(dryRun ? w.args("rollback", "--dry-run") : w.args("rollback", "--reason", "bench")));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile());
        pb.environment().putAll(w.env());
        Path errFile = w.work().resolveSibling(w.work().getFileName() + "-stderr.txt");
        pb.redirectError(errFile.toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        List<TimedLine> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(new TimedLine(seconds(t0), line));
            }
        }
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(part + " round " + round + ": bin/bascule did not end in 10 minutes");
        }
        double wall = seconds(t0);
        return finish(part, round, w, p.exitValue(), wall, lines, Files.readString(errFile), dryRun);
    }

    private Run finish(String part, int round, World w, int exitCode, double wall, List<TimedLine> lines, String err,
                       boolean dryRun) throws Exception {
        Path log = w.work().resolveSibling(w.work().getFileName() + "-stdout.txt");
        StringBuilder sb = new StringBuilder();
        lines.forEach(l -> sb.append(String.format(Locale.ROOT, "%8.3f ", l.seconds())).append(l.line()).append('\n'));
        Files.writeString(log, sb);
        if (exitCode != 0) {
            System.out.println(sb);
            System.out.println(err);
            throw new IllegalStateException(part + " round " + round + ": exit " + exitCode + " (output above, also in " + log + ")");
        }
        double probeLine = lines.stream().filter(l -> STEP_LINE.matcher(l.line()).matches() && l.line().contains(PROBE_STEP))
                .mapToDouble(TimedLine::seconds).findFirst().orElse(Double.NaN);
        List<TimedLine> steps = lines.stream().filter(l -> STEP_LINE.matcher(l.line()).matches()).toList();
        double startedLine = lines.stream().filter(l -> l.line().startsWith("Rollback started (process instance"))
                .mapToDouble(TimedLine::seconds).findFirst().orElse(Double.NaN);
        Double timeToSource = null;
        List<String[]> timeline = List.of();
        if (!dryRun) {
            String md = incidentReport(w);
            timeToSource = figure(md);
            timeline = timeline(md);
            if (!w.identical()) {
                throw new IllegalStateException(part + " round " + round + ": after the rollback MySQL differs from PostgreSQL");
            }
        }
        Run run = new Run(part, exitCode, wall, startedLine, probeLine, timeToSource, timeline, steps);
        System.out.printf(Locale.ROOT, "%s round %d: exit %d, wall %.2f s, 'Rollback started' line at %.2f s, write probe's step"
                        + " line at %.2f s%s, %d step lines%s%n", part, round, exitCode, wall, startedLine, probeLine,
                timeToSource == null ? "" : String.format(Locale.ROOT, ", timeToSourceSeconds %.2f s", timeToSource), steps.size(),
                dryRun ? "" : ", verified: MySQL equals PostgreSQL on every row");
        System.out.println("  steps: " + run.stepsLine());
        lines.stream().filter(l -> l.line().contains("reverse channel drained") || l.line().contains("forensic backup of")
                        || l.line().contains("started (process instance") || l.line().contains("Incident report:"))
                .forEach(l -> System.out.printf(Locale.ROOT, "  %7.3f s %s%n", l.seconds(), l.line().replaceAll("^.*?(INFO|WARN) ", "")));
        dropWorld(w);
        return run;
    }

    // ---- the incident report ----

    private static String incidentReport(World w) throws IOException {
        try (Stream<Path> f = Files.list(w.work().resolve("reports"))) {
            Path md = f.filter(p -> p.getFileName().toString().startsWith("incident") && p.toString().endsWith(".md"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no incident report in " + w.work().resolve("reports")));
            return Files.readString(md);
        }
    }

    private static Double figure(String md) {
        Matcher m = Pattern.compile("\\| time to application on source \\| ([0-9.]+) s \\|").matcher(md);
        if (!m.find()) {
            throw new IllegalStateException("the incident report has no 'time to application on source' figure");
        }
        return Double.parseDouble(m.group(1));
    }

    /** The report's timeline rows: at (offset from the first step), step, duration. */
    private static List<String[]> timeline(String md) {
        List<String[]> rows = new ArrayList<>();
        boolean in = false;
        for (String line : md.lines().toList()) {
            if (line.startsWith("| # | at |")) {
                in = true;
                continue;
            }
            if (in && line.startsWith("|---")) {
                continue;
            }
            if (in && !line.startsWith("|")) {
                break;
            }
            if (in) {
                String[] c = line.split(" \\| ");   // | n | at | time | step | duration | by | outcome |
                rows.add(new String[]{c[1].strip(), c[3].strip(), c[4].strip()});
            }
        }
        return rows;
    }

    // ---- figures ----

    private static String summary(String what, List<Run> runs, boolean withFigure) {
        List<Double> wall = runs.stream().map(Run::wallSeconds).toList();
        List<Double> probe = runs.stream().map(Run::probeLineSeconds).toList();
        List<Double> started = runs.stream().map(Run::startedLineSeconds).toList();
        StringBuilder sb = new StringBuilder(what).append(", ").append(runs.size()).append(" rounds: wall time median ")
                .append(fmt(median(wall))).append(" s (").append(range(wall)).append("); start-up, to the line 'Rollback"
                        + " started' median ").append(fmt(median(started))).append(" s (").append(range(started)).append(")");
        if (withFigure) {
            List<Double> tts = runs.stream().map(Run::timeToSource).toList();
            sb.append("; start to the write probe's step line median ").append(fmt(median(probe))).append(" s (")
                    .append(range(probe)).append("); timeToSourceSeconds (first step to MySQL writable, the process's figure)"
                            + " median ").append(fmt(median(tts))).append(" s (").append(range(tts)).append(")");
        }
        return sb.toString();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String range(List<Double> values) {
        return fmt(Collections.min(values)) + " to " + fmt(Collections.max(values)) + "; rounds "
                + String.join(" / ", values.stream().map(RollbackBench::fmt).toList());
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private void describe(Map<String, String> opt) throws Exception {
        StringBuilder sb;
        try (Connection p = pg.connect("postgres"); Connection m = world.boss("mysql")) {
            sb = new StringBuilder(io.bascule.testing.BenchMachine.describe(p, m)).append(", grant tables on");
        }
        sb.append("\noptions: ").append(opt).append("; source: the demo's AKIG sample (SampleDatabase, 105,711 rows)");
        System.out.println(sb);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> f = Files.walk(dir)) {
            for (Path p : f.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** An output stream that keeps each line with the time it was written, from t0. */
    static final class LineClock extends OutputStream {
        final long t0;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private final List<TimedLine> lines = new ArrayList<>();

        LineClock(long t0) {
            this.t0 = t0;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                lines.add(new TimedLine(seconds(t0), line.toString(StandardCharsets.UTF_8)));
                line.reset();
            } else {
                line.write(b);
            }
        }

        synchronized List<TimedLine> lines() {
            if (line.size() > 0) {
                lines.add(new TimedLine(seconds(t0), line.toString(StandardCharsets.UTF_8)));
                line.reset();
            }
            return new ArrayList<>(lines);
        }
    }
}
