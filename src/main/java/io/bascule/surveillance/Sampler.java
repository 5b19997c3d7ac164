package io.bascule.surveillance;

import io.bascule.config.BasculeProperties;
import io.bascule.config.ConfigException;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.DatabaseException;
import io.bascule.database.JdbcUrls;
import io.bascule.database.PostgresDialect;
import io.bascule.database.PostgresDialect.MonitorActivity;
import io.bascule.database.PostgresDialect.MonitorDatabase;
import io.bascule.database.PostgresDialect.MonitorIndexes;
import io.bascule.database.PostgresDialect.MonitorSession;
import io.bascule.database.PostgresDialect.MonitorStateCount;
import io.bascule.database.PostgresDialect.MonitorStatement;
import io.bascule.database.PostgresDialect.MonitorStatements;
import io.bascule.database.PostgresDialect.MonitorTables;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples the target PostgreSQL database ({@link #sample()}): 4 statements on the statistics views (database
 * counters and settings, sessions, tables, unused indexes), a 5th on pg_stat_statements when it is available, and
 * one probe of the application's health URL. One connection is kept open between samples, under application_name
 * {@value PostgresDialect#MONITOR_APPLICATION_NAME} (so that Bascule's sampling sessions are left out of the counts),
 * with a 10 s statement timeout and a 1 s lock timeout; a broken one is reopened (a sample on a reused connection that
 * fails is tried once more on a fresh one).
 *
 * <p>A sample never throws for the database: PostgreSQL unreachable (or the login refused) gives a sample with
 * {@code reachable=false} and the reason in {@code error}, whose checks say "PostgreSQL unreachable"; the loop keeps
 * sampling and the {@code monitor} command turns it into a one-line error. Not thread-safe beyond its own lock: one
 * sampler per thread of sampling.
 */
public final class Sampler implements AutoCloseable {

    public static final int TOP_QUERIES = 5;
    public static final int SLOW_QUERIES = 5;
    public static final int TABLES = 5;
    public static final int UNUSED_INDEXES = 10;
    public static final int SESSIONS = 10;
    /** Dead tuples a table needs for its % to count: autovacuum_vacuum_threshold's default, below which autovacuum waits. */
    public static final long MIN_DEAD_TUPLES = 50;
    /** The health probe's connect and answer timeout. */
    public static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);
    static final int NETWORK_TIMEOUT_MS = 30_000;

    private final DatabaseEndpoint target;
    private final PostgresDialect dialect;
    private final BasculeProperties.Surveillance thresholds;
    private final String healthUrl;
    private final HttpClient http;
    private Connection connection;

    /**
     * @param target     the PostgreSQL database to sample
     * @param thresholds the limits the checks hold the figures against, and the session ages
     * @param healthUrl  the application's health URL ({@code bascule.app.health-url}), or null/blank for none
     */
    public Sampler(DatabaseEndpoint target, BasculeProperties.Surveillance thresholds, String healthUrl) {
        this.target = target;
        this.dialect = new PostgresDialect(target);
        this.thresholds = thresholds;
        this.healthUrl = healthUrl == null || healthUrl.isBlank() ? null : healthUrl.strip();
        if (this.healthUrl != null) {
            URI uri;
            try {
                uri = URI.create(this.healthUrl);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("the health URL " + JdbcUrls.redact(this.healthUrl) + " is not a URL; fix bascule.app.health-url");
            }
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new ConfigException("the health URL " + JdbcUrls.redact(this.healthUrl)
                        + " is not an http:// or https:// URL; fix bascule.app.health-url");
            }
        }
        this.http = this.healthUrl == null ? null : HttpClient.newBuilder().connectTimeout(HEALTH_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    public DatabaseEndpoint target() {
        return target;
    }

    public BasculeProperties.Surveillance thresholds() {
        return thresholds;
    }

    /** Takes one sample: the database's figures, the health probe, the checks. */
    public synchronized Sample sample() {
        Instant at = Instant.now();
        long start = System.nanoTime();
        int[] queries = {0};
        Sample measured = null;
        DatabaseException failure = null;
        boolean reachable = true;
        for (int attempt = 0; attempt < 2; attempt++) {
            boolean fresh = connection == null;
            queries[0] = 0;
            if (fresh) {
                try {
                    connection = open();
                } catch (DatabaseException e) {
                    failure = e;
                    reachable = false;
                    break;
                }
            }
            try {
                measured = measure(connection, at, queries);
                failure = null;
                break;
            } catch (DatabaseException e) {
                failure = e;
                reachable = e.code() != DatabaseException.Code.UNREACHABLE && isValid();
                closeConnection();
                if (fresh) {
                    break;   // a fresh connection failing is the answer; a reused one may have been cut: once more
                }
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        Sample.AppHealth health = probeHealth();
        Sample s = measured != null ? copy(measured, millis, queries[0], health)
                : Sample.failed(at, millis, queries[0], databaseName(), reachable, failure.getMessage(), health);
        return s.withAlerts(SampleChecks.evaluate(s, thresholds));
    }

    /** Probes the application's health URL once (GET, {@link #HEALTH_TIMEOUT}); null when none is configured. */
    public Sample.AppHealth probeHealth() {
        if (healthUrl == null) {
            return null;
        }
        String shown = JdbcUrls.redact(healthUrl);
        long start = System.nanoTime();
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(healthUrl)).GET()
                    .timeout(HEALTH_TIMEOUT).build(), HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            return new Sample.AppHealth(shown, status >= 200 && status < 300, status, null, since(start));
        } catch (IOException e) {
            String error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            return new Sample.AppHealth(shown, false, null, JdbcUrls.redactUrlsIn(error), since(start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Sample.AppHealth(shown, false, null, "interrupted", since(start));
        }
    }

    private static long since(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private Connection open() {
        Connection c = target.open();
        try {
            c.setAutoCommit(true);
            c.setNetworkTimeout(Runnable::run, NETWORK_TIMEOUT_MS);
            dialect.monitorSession(c);
            return c;
        } catch (SQLException e) {
            close(c);
            throw target.failure("setting up the sampling session", e);
        } catch (RuntimeException e) {
            close(c);
            throw e;
        }
    }

    private boolean isValid() {
        try {
            return connection != null && connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private Sample measure(Connection c, Instant at, int[] queries) {
        MonitorDatabase db = dialect.monitorDatabase(c);
        queries[0]++;
        MonitorActivity activity = dialect.monitorActivity(c, seconds(thresholds.longRunning()),
                seconds(thresholds.idleSessionAge()), SESSIONS);
        queries[0]++;
        MonitorTables tables = dialect.monitorTables(c, MIN_DEAD_TUPLES, TABLES);
        queries[0]++;
        MonitorIndexes unused = dialect.monitorUnusedIndexes(c, UNUSED_INDEXES);
        queries[0]++;

        List<String> notes = new ArrayList<>();
        String statementsNote = null;
        MonitorStatements statements = null;
        if (db.statementsSchema() == null) {
            statementsNote = "pg_stat_statements is not installed in database " + db.database() + " (a superuser runs"
                    + " CREATE EXTENSION pg_stat_statements there; the cutover's monitoring step does it)";
        } else if (db.statementsTrack() == null) {
            statementsNote = "pg_stat_statements is installed but its library is not loaded: add it to"
                    + " shared_preload_libraries and restart PostgreSQL";
        } else if ("none".equals(db.statementsTrack())) {
            statementsNote = "pg_stat_statements.track is none: nothing is counted (set it to top)";
        } else {
            try {
                queries[0]++;
                statements = dialect.monitorStatements(c, db.statementsSchema(), thresholds.slowQuery().toNanos() / 1e6,
                        TOP_QUERIES, SLOW_QUERIES);
            } catch (DatabaseException e) {
                if (!"55000".equals(e.sqlState())) {
                    throw e;
                }
                statementsNote = "pg_stat_statements is installed but its library is not loaded: add it to"
                        + " shared_preload_libraries and restart PostgreSQL";
            }
        }
        if (statementsNote != null) {
            notes.add(statementsNote);
        }

        Map<String, Integer> byState = new LinkedHashMap<>();
        byState.put("active", 0);
        byState.put("idle", 0);
        byState.put("idle in transaction", 0);
        int connections = 0;
        int hidden = 0;
        for (MonitorStateCount sc : activity.counts()) {
            connections += sc.count();
            if (sc.state().equals("unknown")) {
                hidden += sc.count();
            }
            if (sc.thisDatabase()) {
                byState.merge(sc.state(), sc.count(), Integer::sum);
            }
        }
        if (hidden > 0 && !db.seesAllSessions()) {
            notes.add("login " + target.user() + " sees " + hidden + (hidden == 1 ? " session" : " sessions")
                    + " of other logins without their state (counted as unknown): GRANT pg_read_all_stats TO "
                    + target.user() + " (or pg_monitor) to count them by state");
        }
        int usable = Math.max(1, db.maxConnections() - db.superuserReserved() - db.reserved());
        Double cacheHit = db.blocksHit() == null || db.blocksRead() == null || db.blocksHit() + db.blocksRead() == 0 ? null
                : round(100.0 * db.blocksHit() / (db.blocksHit() + db.blocksRead()), 2);

        List<Sample.TableStat> tableStats = tables.worst().stream().map(t -> new Sample.TableStat(t.schema(), t.name(),
                t.liveTuples(), t.deadTuples(), t.deadPct() == null ? null : round(t.deadPct(), 2), t.lastVacuum(),
                t.lastAutovacuum(), t.lastAnalyze(), t.lastAutoanalyze(), t.seqScan(), t.idxScan())).toList();
        Sample.TableStat worst = tableStats.isEmpty() ? null : tableStats.get(0);
        double deadPct = worst != null && worst.deadTuples() >= MIN_DEAD_TUPLES && worst.deadPct() != null ? worst.deadPct() : 0.0;

        return new Sample(at, 0, 0, db.database(), db.serverVersion(), true, null, byState, connections,
                db.maxConnections(), usable, round(100.0 * connections / usable, 2), hidden,
                statements != null, statementsNote, statements == null ? null : statements.calls(),
                statements == null || statements.meanMs() == null ? null : round(statements.meanMs(), 3),
                statements == null || statements.maxMs() == null ? null : round(statements.maxMs(), 3),
                statements == null ? List.of() : statements.top().stream().map(Sampler::query).toList(),
                statements == null ? null : statements.slowTotal(),
                statements == null ? List.of() : statements.slow().stream().map(Sampler::query).toList(),
                deadPct, tableStats, tables.total(),
                unused.largest().stream().map(i -> new Sample.IndexStat(i.schema(), i.table(), i.name(), i.sizeBytes())).toList(),
                unused.total(), db.deadlocks(), db.conflicts(), db.statsReset(), cacheHit,
                sessions(activity.longRunning()), activity.longRunningTotal(),
                sessions(activity.idleInTransaction()), activity.idleInTransactionTotal(),
                sessions(activity.idle()), activity.idleTotal(), null, notes, List.of());
    }

    private static Sample copy(Sample m, long millis, int queries, Sample.AppHealth health) {
        return new Sample(m.at(), millis, queries, m.database(), m.serverVersion(), m.reachable(), m.error(),
                m.connectionsByState(), m.connections(), m.maxConnections(), m.usableConnections(), m.connectionUsagePct(),
                m.hiddenSessions(), m.statementsAvailable(), m.statementsNote(), m.statementCalls(), m.avgQueryMs(),
                m.maxQueryMs(), m.topQueries(), m.slowQueryCount(), m.slowQueries(), m.deadTuplePct(), m.tables(),
                m.tableCount(), m.unusedIndexes(), m.unusedIndexCount(), m.deadlocks(), m.conflicts(), m.statsReset(),
                m.cacheHitPct(), m.longRunning(), m.longRunningCount(), m.idleInTransaction(), m.idleInTransactionCount(),
                m.idleSessions(), m.idleSessionCount(), health, m.notes(), List.of());
    }

    private static Sample.QueryStat query(MonitorStatement s) {
        return new Sample.QueryStat(s.queryId(), VariableText.query(s.query(), QUERY_TEXT_MAX), s.calls(), round(s.meanMs(), 3), round(s.maxMs(), 3),
                round(s.totalMs(), 3));
    }

    /**
     * Statement texts as sessions typed them (pg_stat_activity is not normalised): a text naming a password or secret
     * has its string literals shown as '***' before it reaches a sample, the page, the store or {@code monitor}.
     */
    static final int QUERY_TEXT_MAX = 1000;

    private static List<Sample.Session> sessions(List<MonitorSession> rows) {
        return rows.stream().map(r -> new Sample.Session(r.pid(), r.database(), r.user(), r.applicationName(), r.state(),
                round(r.ageSeconds(), 1), VariableText.query(r.query(), QUERY_TEXT_MAX))).toList();
    }

    private String databaseName() {
        try {
            return target.databaseName();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    static double round(double v, int decimals) {
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }

    private void closeConnection() {
        Connection c = connection;
        connection = null;
        close(c);
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the connection is being dropped anyway
            }
        }
    }

    /** Closes the sampling connection (a later sample opens a new one). */
    @Override
    public synchronized void close() {
        closeConnection();
    }
}
