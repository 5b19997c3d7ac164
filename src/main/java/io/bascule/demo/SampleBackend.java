package io.bascule.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.bascule.appswitch.AppDatabaseUrl;
import io.bascule.appswitch.AppSwitch;
import io.bascule.database.JdbcUrls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The demo's sample application (the AKIG backend), inside the demo process: it does what the real application does
 * that matters to a cutover, and shows it.
 * <ul>
 * <li>It reads {@code DATABASE_URL} from its {@code .env} at its start and at every restart (the file, as Bascule
 * rewrites it at cutover and restores it at rollback) and connects with the driver of the URL's engine
 * ({@code mysql://} MySQL/MariaDB, {@code postgresql://} PostgreSQL), user and password taken from the URL.</li>
 * <li>It writes one row a second into {@value #TABLE} (action {@value #ACTION}, user {@value #USER}, entity: this run's
 * id, and the time), in autocommit: a row is acknowledged when the insert returns. It counts acknowledged writes per
 * engine, refused writes (a read-only server or login: MySQL error 1290/1836, PostgreSQL SQLSTATE 25006: what the
 * write freeze and the rollback's fence look like to an application) and other failures, and tries again a second
 * later on a new connection.</li>
 * <li>Every {@value #CHECK_EVERY} writes it counts this run's rows in the database it writes to now: every write
 * acknowledged so far, on whichever database, must be there ({@code missing} says how many are not).</li>
 * <li>It serves HTTP on 127.0.0.1: {@code GET /health} answers 200 with a small JSON while its last write, made since
 * its last restart, succeeded within {@link #HEALTHY_WITHIN}, else 503 (same JSON); {@code GET /} is a status page
 * that refreshes itself every second.</li>
 * <li>It restarts (closes its connection, reads the file again) when {@value #REQUEST_FILE} appears next to the
 * {@code .env}: {@link #restartCommand()} runs a {@code /bin/sh} script ({@value #RESTART_SCRIPT}, next to the
 * {@code .env}) that creates it and waits until the backend has taken it, so that a health check run right after sees
 * the restarted backend.</li>
 * </ul>
 * Its two statements are the application's own, the same text on both engines (no identifier needs quoting), not
 * Bascule's: they live here rather than in a dialect.
 */
public final class SampleBackend implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SampleBackend.class);

    public static final String TABLE = "audit_logs";
    public static final String ACTION = "demo-backend heartbeat";
    public static final String USER = "demo-backend";
    /** The file whose appearance next to the {@code .env} restarts the backend; it is deleted once taken. */
    public static final String REQUEST_FILE = "restart.request";
    /** What the last restart did (one line, URL redacted), written before the request file is deleted. */
    public static final String STATUS_FILE = "restart.status";
    /** The restart script next to the {@code .env}, written at every start. */
    public static final String RESTART_SCRIPT = "restart-backend.sh";
    public static final Duration HEALTHY_WITHIN = Duration.ofSeconds(5);
    public static final Duration WRITE_EVERY = Duration.ofSeconds(1);
    static final int CHECK_EVERY = 5;
    /** The application_name (PostgreSQL) and program_name (MySQL) of its sessions, as a DBA sees them. */
    public static final String PROGRAM_NAME = "akig-demo-backend";

    static final String SQL_INSERT = "INSERT INTO " + TABLE + " (utilisateur, action, entite, adresse_ip, date)"
            + " VALUES (?, ?, ?, ?, ?)";
    static final String SQL_COUNT_RUN = "SELECT COUNT(*) FROM " + TABLE + " WHERE date >= ? AND utilisateur = ? AND entite = ?";

    private static final long WATCH_MILLIS = 200;
    private static final int EVENTS = 15;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter RUN_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final Path envFile;
    private final String key;
    private final Path requestFile;
    private final Path statusFile;
    private final Path restartScript;
    private final String run;
    private final LocalDateTime runStart;
    private final HttpServer server;
    private final boolean preferredPortTaken;
    private final ExecutorService httpThreads;
    private final ScheduledExecutorService watcher;
    private final Thread writer;
    private final AtomicBoolean restartRequested = new AtomicBoolean();
    private volatile boolean closed;
    private volatile Connection connection;

    // state, guarded by this
    private AppDatabaseUrl database;
    private String configError;
    private final Map<String, Long> writesByDatabase = new LinkedHashMap<>();
    private long writes;
    private long refused;
    private long failed;
    private Instant lastWrite;
    private long lastWriteNanos;
    private long restartNanos;
    private String lastError;
    private int restarts;
    private Long found;
    private Long missing;
    private Instant checkedAt;
    private int writesSinceCheck;
    private String mode = "starting";
    private final Deque<String> events = new ArrayDeque<>();

    private SampleBackend(Path envFile, String key, HttpServer server, boolean preferredPortTaken, ExecutorService httpThreads) {
        this.envFile = envFile;
        this.key = key;
        this.requestFile = envFile.resolveSibling(REQUEST_FILE);
        this.statusFile = envFile.resolveSibling(STATUS_FILE);
        this.restartScript = envFile.resolveSibling(RESTART_SCRIPT);
        Instant now = Instant.now();
        this.run = RUN_STAMP.format(now) + "-" + ProcessHandle.current().pid();
        this.runStart = LocalDateTime.ofInstant(now, ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
        this.server = server;
        this.preferredPortTaken = preferredPortTaken;
        this.httpThreads = httpThreads;
        this.watcher = Executors.newSingleThreadScheduledExecutor(daemon("akig-demo-backend-restart-watch"));
        this.writer = daemon("akig-demo-backend-writer").newThread(this::writeLoop);
    }

    /**
     * Starts the backend: reads {@code key} ({@code DATABASE_URL}) from {@code envFile}, starts writing and serves
     * HTTP on 127.0.0.1 at {@code preferredPort} or, when that port is taken, at a free one ({@link #port()},
     * {@link #preferredPortTaken()}); 0 picks a free port. A URL it cannot read or reach does not stop it: its health
     * says what is wrong until a restart finds a good one.
     *
     * @throws UncheckedIOException when no port at all can be bound
     */
    public static SampleBackend start(Path envFile, String key, int preferredPort) {
        Path file = envFile.toAbsolutePath().normalize();
        boolean taken = false;
        HttpServer server;
        try {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), preferredPort), 0);
            } catch (BindException e) {
                if (preferredPort == 0) {
                    throw e;
                }
                taken = true;
                server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the demo backend cannot serve HTTP on 127.0.0.1 (" + e.getMessage() + ")", e);
        }
        ExecutorService http = Executors.newFixedThreadPool(2, daemon("akig-demo-backend-http"));
        SampleBackend backend = new SampleBackend(file, key, server, taken, http);
        backend.begin();
        return backend;
    }

    private void begin() {
        try {
            Files.deleteIfExists(requestFile);   // a request left by an earlier run: this start reads the file anyway
            Files.writeString(restartScript, restartScript(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            server.stop(0);
            httpThreads.shutdownNow();
            watcher.shutdownNow();
            throw new UncheckedIOException("the demo backend cannot write " + restartScript + " or delete "
                    + requestFile + " (" + e.getMessage() + "): check the permissions of " + envFile.getParent(), e);
        }
        reload(false);
        server.createContext("/", this::handle);
        server.setExecutor(httpThreads);
        server.start();
        watcher.scheduleWithFixedDelay(this::watchRequest, WATCH_MILLIS, WATCH_MILLIS, TimeUnit.MILLISECONDS);
        writer.start();
        log.info("Demo backend serving {} (health {}), writing to {}", url(), healthUrl(), status().url());
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    // ------------------------------------------------------------------ what the demo needs

    public int port() {
        return server.getAddress().getPort();
    }

    /** True when the port asked for was taken and another one was bound. */
    public boolean preferredPortTaken() {
        return preferredPortTaken;
    }

    /** The status page. */
    public String url() {
        return "http://127.0.0.1:" + port() + "/";
    }

    public String healthUrl() {
        return "http://127.0.0.1:" + port() + "/health";
    }

    public Path requestFile() {
        return requestFile;
    }

    /** This run's id: the entity of its rows ({@code entite}). */
    public String run() {
        return run;
    }

    /**
     * The restart command line for {@code bascule.app.restart-command}: {@code sh} running {@value #RESTART_SCRIPT}
     * next to the {@code .env} (see {@link #restartScript()}).
     */
    public String restartCommand() {
        return "sh " + shellQuote(restartScript.toString());
    }

    /**
     * The restart script, for {@code /bin/sh} alone (a DBA may run it by hand too): it creates {@value #REQUEST_FILE},
     * waits (at most about 30 s) until the backend has read the {@code .env} again and deleted the request, and prints
     * what the backend writes to now; it fails when nothing takes the request (the demo is not running).
     */
    String restartScript() {
        String request = shellQuote(requestFile.toString());
        return """
                #!/bin/sh
                # Restarts the AKIG demo backend (it runs inside `bascule demo`): it reads DATABASE_URL from .env again.
                # Bascule runs it as bascule.app.restart-command at cutover and rollback. Written at every demo start.
                request=%s
                : > "$request" || exit 1
                i=0
                while [ -e "$request" ]; do
                  i=$((i + 1))
                  if [ "$i" -gt 300 ]; then
                    rm -f "$request"
                    echo "the demo backend did not take the restart request within 30 s: is bascule demo running?" >&2
                    exit 1
                  fi
                  sleep 0.1 2>/dev/null || sleep 1
                done
                cat %s
                """.formatted(request, shellQuote(statusFile.toString()));
    }

    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    // ------------------------------------------------------------------ status

    /**
     * What the backend shows.
     *
     * @param database         the engine it writes to now ({@code mysql}, {@code postgresql}), or null without a usable URL
     * @param url              that URL, redacted
     * @param writes           acknowledged writes of this run, all databases
     * @param writesByDatabase acknowledged writes per engine
     * @param refused          writes the database refused as read-only
     * @param failed           writes that failed otherwise (connection lost, table missing...)
     * @param lastWrite        the last acknowledged write, or null
     * @param found            this run's rows found in the database it writes to now at the last check, or null
     * @param missing          acknowledged writes of this run not found there at that check, or null
     */
    public record Status(String run, String database, String url, boolean healthy, String mode, long writes,
                         Map<String, Long> writesByDatabase, long refused, long failed, Instant lastWrite,
                         String lastError, int restarts, Long found, Long missing, Instant checkedAt,
                         List<String> events) {
    }

    public synchronized Status status() {
        long now = System.nanoTime();
        boolean healthy = database != null && lastWriteNanos != 0 && lastWriteNanos - restartNanos >= 0
                && now - lastWriteNanos <= HEALTHY_WITHIN.toNanos();
        return new Status(run, database == null ? null : database.engine(), database == null ? null : database.toString(),
                healthy, mode, writes, Map.copyOf(writesByDatabase), refused, failed, lastWrite,
                configError != null ? configError : lastError, restarts, found, missing, checkedAt, List.copyOf(events));
    }

    private synchronized void event(String text) {
        events.addFirst(CLOCK.format(Instant.now()) + " " + text);
        while (events.size() > EVENTS) {
            events.removeLast();
        }
        log.info("Demo backend: {}", text);
    }

    /** Records a mode change once (not every second), as an event. */
    private synchronized void mode(String newMode, String text) {
        if (!newMode.equals(mode)) {
            mode = newMode;
            event(text);
        }
    }

    // ------------------------------------------------------------------ restart

    private void watchRequest() {
        if (closed || restartRequested.get() || !Files.exists(requestFile)) {
            return;
        }
        if (restartRequested.compareAndSet(false, true)) {
            abortConnection();   // a write waiting on a lock must not hold the restart up
            LockSupport.unpark(writer);
        }
    }

    private void abortConnection() {
        Connection c = connection;
        if (c != null) {
            try {
                c.abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                // going anyway: the writer opens a new one
            }
        }
    }

    /** Closes the connection and reads the URL from the file again. */
    private void reload(boolean restart) {
        closeConnection();
        AppDatabaseUrl url = null;
        String error = null;
        try {
            String value = AppSwitch.valueIn(envFile, key);
            url = AppDatabaseUrl.parse(value).orElse(null);
            if (url == null) {
                error = key + " in " + envFile + " is not a mysql:// or postgresql:// URL (" + JdbcUrls.redact(value) + ")";
            }
        } catch (RuntimeException e) {
            error = JdbcUrls.redactUrlsIn(e.getMessage());
        }
        synchronized (this) {
            database = url;
            configError = error;
            restartNanos = System.nanoTime();
            found = null;
            missing = null;
            writesSinceCheck = 0;
            if (restart) {
                restarts++;
            }
            mode = "restarted";
            event((restart ? "restarted: " : "started: ") + (url != null ? "writing to " + url : error));
        }
    }

    private void takeRestartRequest() {
        reload(true);
        String line;
        synchronized (this) {
            line = database != null ? "demo backend restarted: it writes to " + database + " now"
                    : "demo backend restarted, but " + configError;
        }
        try {
            Path tmp = statusFile.resolveSibling(STATUS_FILE + ".tmp");
            Files.writeString(tmp, line + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, statusFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.deleteIfExists(requestFile);
        } catch (IOException e) {
            log.warn("Demo backend: cannot answer the restart request in {} ({})", requestFile.getParent(), e.getMessage());
        }
        restartRequested.set(false);
    }

    // ------------------------------------------------------------------ writes

    private void writeLoop() {
        long next = System.nanoTime();
        while (!closed) {
            if (restartRequested.get()) {
                takeRestartRequest();
                next = System.nanoTime();
            }
            long now = System.nanoTime();
            if (now - next >= 0) {
                writeOnce();
                next += WRITE_EVERY.toNanos();
                if (System.nanoTime() - next > 0) {
                    next = System.nanoTime() + WRITE_EVERY.toNanos();   // no burst after a long wait
                }
            }
            long wait = Math.min(next - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(WATCH_MILLIS));
            if (wait > 0 && !closed && !restartRequested.get()) {
                LockSupport.parkNanos(this, wait);
            }
        }
        closeConnection();
    }

    private void writeOnce() {
        AppDatabaseUrl url;
        synchronized (this) {
            url = database;
        }
        if (url == null) {
            mode("no-url", "cannot write: " + status().lastError());
            return;
        }
        try {
            Connection c = connection;
            if (c == null) {
                c = open(url);
                connection = c;
            }
            try (PreparedStatement ps = c.prepareStatement(SQL_INSERT)) {
                ps.setString(1, USER);
                ps.setString(2, ACTION);
                ps.setString(3, run);
                ps.setString(4, "127.0.0.1");
                ps.setObject(5, LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS));
                ps.executeUpdate();
            }
            boolean check;
            synchronized (this) {
                if (url != database) {
                    return;   // restarted meanwhile: this write went to the old database, unacknowledged
                }
                writes++;
                writesByDatabase.merge(url.engine(), 1L, Long::sum);
                lastWrite = Instant.now();
                lastWriteNanos = System.nanoTime();
                lastError = null;
                writesSinceCheck++;
                check = found == null || writesSinceCheck >= CHECK_EVERY;
            }
            mode("writing", "writes acknowledged by " + url);
            if (check) {
                check(c, url);
            }
        } catch (SQLException e) {
            closeConnection();
            if (restartRequested.get() || closed) {
                return;   // cut short by a restart: not the database's doing
            }
            String message = JdbcUrls.redactUrlsIn(firstLine(e));
            boolean readOnly = isRefusal(e);
            synchronized (this) {
                if (readOnly) {
                    refused++;
                } else {
                    failed++;
                }
                lastError = message;
            }
            if (readOnly) {
                mode("refused", "writes refused by " + url + " (read-only): " + message);
            } else {
                mode("failing", "writes failing on " + url + ": " + message);
            }
        }
    }

    /** Counts this run's rows in the database written to now; every acknowledged write must be there. */
    private void check(Connection c, AppDatabaseUrl url) {
        long count;
        try (PreparedStatement ps = c.prepareStatement(SQL_COUNT_RUN)) {
            ps.setObject(1, runStart);
            ps.setString(2, USER);
            ps.setString(3, run);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                count = rs.getLong(1);
            }
        } catch (SQLException e) {
            return;   // the next write tells what is wrong
        }
        synchronized (this) {
            if (url != database) {
                return;
            }
            Long before = missing;
            found = count;
            missing = Math.max(0, writes - count);
            checkedAt = Instant.now();
            writesSinceCheck = 0;
            if (!missing.equals(before) && (missing > 0 || (before != null && before > 0))) {
                event(missing > 0 ? missing + " acknowledged write(s) of this run are not in " + url
                        : "every acknowledged write of this run is in " + url);
            }
        }
    }

    /** A read-only server, login or transaction: MySQL/MariaDB 1290 (--read-only) or 1836, PostgreSQL 25006. */
    static boolean isRefusal(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && ("25006".equals(s.getSQLState()) || s.getErrorCode() == 1290
                    || s.getErrorCode() == 1836)) {
                return true;
            }
        }
        return false;
    }

    private static String firstLine(SQLException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return (nl >= 0 ? m.substring(0, nl) : m).strip();
    }

    private static Connection open(AppDatabaseUrl url) throws SQLException {
        Properties p = new Properties();
        if (url.user() != null) {
            p.setProperty("user", url.user());
        }
        if (url.password() != null) {
            p.setProperty("password", url.password());
        }
        if (url.engine().equals("postgresql")) {
            p.setProperty("ApplicationName", PROGRAM_NAME);
            p.setProperty("connectTimeout", "3");
            p.setProperty("socketTimeout", "10");
        } else {
            p.setProperty("connectionAttributes", "program_name:" + PROGRAM_NAME);
            p.setProperty("allowPublicKeyRetrieval", "true");
            p.setProperty("connectTimeout", "3000");
            p.setProperty("socketTimeout", "10000");
        }
        return DriverManager.getConnection(url.jdbcUrl(), p);
    }

    private void closeConnection() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException | RuntimeException e) {
                // a connection cut by the server or aborted: nothing to close
            }
        }
    }

    // ------------------------------------------------------------------ HTTP

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                send(exchange, 405, "text/plain", "only GET\n");
            } else if (path.equals("/health")) {
                Status s = status();
                send(exchange, s.healthy() ? 200 : 503, "application/json", JSON.writeValueAsString(healthJson(s)));
            } else if (path.equals("/")) {
                send(exchange, 200, "text/html; charset=utf-8", page(status()));
            } else {
                send(exchange, 404, "text/plain", "not found: GET / or /health\n");
            }
        } finally {
            exchange.close();
        }
    }

    private static Map<String, Object> healthJson(Status s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", s.healthy() ? "UP" : "DOWN");
        m.put("database", s.database());
        m.put("url", s.url());
        m.put("writes", s.writes());
        m.put("writesByDatabase", s.writesByDatabase());
        m.put("refused", s.refused());
        m.put("failed", s.failed());
        m.put("lastWrite", s.lastWrite() == null ? null : s.lastWrite().toString());
        m.put("lastError", s.lastError());
        m.put("restarts", s.restarts());
        m.put("run", s.run());
        m.put("found", s.found());
        m.put("missing", s.missing());
        return m;
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static String page(Status s) {
        String state = s.healthy() ? "healthy: writing to " + s.database()
                : switch (s.mode()) {
                    case "refused" -> "writes refused (read-only)";
                    case "restarted", "starting" -> "restarted, waiting for a first write";
                    case "no-url" -> "no usable DATABASE_URL";
                    case "failing" -> "writes failing";
                    default -> "no write for " + HEALTHY_WITHIN.toSeconds() + " s";
                };
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"DATABASE_URL", s.url() == null ? "(none)" : s.url()});
        rows.add(new String[]{"acknowledged writes", s.writes() + " " + s.writesByDatabase()});
        rows.add(new String[]{"refused (read-only)", String.valueOf(s.refused())});
        rows.add(new String[]{"failed", String.valueOf(s.failed())});
        rows.add(new String[]{"last write", s.lastWrite() == null ? "none yet"
                : s.lastWrite().truncatedTo(ChronoUnit.MILLIS) + " (" + Duration.between(s.lastWrite(), Instant.now()).toSeconds() + " s ago)"});
        rows.add(new String[]{"last error", s.lastError() == null ? "" : s.lastError()});
        rows.add(new String[]{"this run's rows in " + (s.database() == null ? "the database" : s.database()),
                s.found() == null ? "not checked yet" : s.found() + " found, " + s.missing() + " missing (checked "
                        + s.checkedAt().truncatedTo(ChronoUnit.SECONDS) + ")"});
        rows.add(new String[]{"restarts", String.valueOf(s.restarts())});
        rows.add(new String[]{"run", s.run() + " (entite of its rows in " + TABLE + ", action '" + ACTION + "')"});
        StringBuilder html = new StringBuilder("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="1">
                <title>AKIG demo backend</title>
                <style>body{font-family:system-ui,sans-serif;margin:2em;max-width:60em}
                .up{color:#0a7d32}.down{color:#b3261e}td,th{text-align:left;padding:.2em 1em .2em 0;vertical-align:top}
                th{font-weight:600;white-space:nowrap}code,pre{font-size:.9em}</style></head><body>
                <h1>AKIG demo backend</h1>
                """);
        html.append("<p class=\"").append(s.healthy() ? "up" : "down").append("\"><strong>")
                .append(escape(state)).append("</strong> &middot; <a href=\"/health\">/health</a> answers ")
                .append(s.healthy() ? 200 : 503).append("</p>\n<table>\n");
        for (String[] r : rows) {
            html.append("<tr><th>").append(escape(r[0])).append("</th><td>").append(escape(r[1])).append("</td></tr>\n");
        }
        html.append("</table>\n<h2>Events</h2>\n<pre>");
        s.events().forEach(e -> html.append(escape(e)).append('\n'));
        html.append("</pre>\n<p>It writes one row a second and reads <code>DATABASE_URL</code> again when Bascule"
                + " restarts it (cutover, rollback). Times in UTC.</p>\n</body></html>\n");
        return html.toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    // ------------------------------------------------------------------ stop

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        watcher.shutdownNow();
        LockSupport.unpark(writer);
        abortConnection();
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeConnection();
        server.stop(0);
        httpThreads.shutdownNow();
        log.info("Demo backend stopped ({} writes acknowledged {})", status().writes(), status().writesByDatabase());
    }
}
