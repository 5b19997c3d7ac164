package io.bascule.migration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Progress of a long step (copy, verification): rows and bytes per table against the expected totals, with
 * rate and ETA. Reported every few seconds to the log and to a listener (CLI line, Cockpit variable).
 */
public final class Progress implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Progress.class);

    /** One report: the step, totals and a one-line summary. */
    public record Snapshot(String step, long rows, long expectedRows, long bytes, double rowsPerSecond,
                           double megabytesPerSecond, Duration eta, int percent, Map<String, Long> rowsByTable,
                           String line) {
    }

    private final String step;
    private final long started = System.nanoTime();
    private final Map<String, AtomicLong> rows = new ConcurrentHashMap<>();
    private final Map<String, Long> expected;
    private final AtomicLong bytes = new AtomicLong();
    private final long expectedTotal;
    private final ScheduledExecutorService timer;
    private final Consumer<Snapshot> listener;
    private final java.util.concurrent.ScheduledFuture<?> periodic;

    public Progress(String step, Map<String, Long> expectedRowsByTable, Consumer<Snapshot> listener, Duration every) {
        this.step = step;
        this.expected = new LinkedHashMap<>(expectedRowsByTable);
        this.expectedTotal = expectedRowsByTable.values().stream().mapToLong(Long::longValue).sum();
        this.listener = listener;
        expectedRowsByTable.keySet().forEach(t -> rows.put(t, new AtomicLong()));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bascule-progress-" + step);
            t.setDaemon(true);
            return t;
        });
        long ms = every.toMillis();
        periodic = timer.scheduleAtFixedRate(this::report, ms, ms, TimeUnit.MILLISECONDS);
    }

    public void addRows(String table, long n, long byteCount) {
        rows.computeIfAbsent(table, k -> new AtomicLong()).addAndGet(n);
        bytes.addAndGet(byteCount);
    }

    public Snapshot snapshot() {
        long done = rows.values().stream().mapToLong(AtomicLong::get).sum();
        double seconds = Math.max(0.001, (System.nanoTime() - started) / 1e9);
        double rate = done / seconds;
        double mbps = bytes.get() / 1e6 / seconds;
        long expectedNow = Math.max(expectedTotal, done);
        int percent = expectedNow == 0 ? 100 : (int) Math.min(100, done * 100 / expectedNow);
        Duration eta = rate <= 0 ? null : Duration.ofSeconds((long) ((expectedNow - done) / rate));
        Map<String, Long> byTable = new LinkedHashMap<>();
        rows.forEach((t, r) -> byTable.put(t, r.get()));
        StringBuilder tables = new StringBuilder();
        byTable.forEach((t, n) -> {
            long expect = Math.max(expected.getOrDefault(t, 0L), n);
            if (n > 0 && n < expect) {
                tables.append(tables.length() == 0 ? " [" : ", ").append(String.format("%s %,d/~%,d", t, n, expect));
            }
        });
        if (tables.length() > 0) {
            tables.append(']');
        }
        String line = String.format("%s: %,d / ~%,d rows (%d%%), %,.0f rows/s, %.1f MB/s, ETA %s%s", step, done, expectedNow,
                percent, rate, mbps, eta == null ? "?" : format(eta), tables);
        return new Snapshot(step, done, expectedNow, bytes.get(), rate, mbps, eta, percent, byTable, line);
    }

    static String format(Duration d) {
        long s = d.getSeconds();
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
    }

    private void report() {
        try {
            Snapshot s = snapshot();
            log.info(s.line());
            if (listener != null) {
                listener.accept(s);
            }
        } catch (RuntimeException e) {
            log.warn("progress report failed: {}", e.toString());
        }
    }

    /**
     * Sends the last report and stops. Every report, the last one too, runs on the report thread: the listener
     * writes in its own transaction, never in the caller's (a process step whose job would otherwise hold a stale
     * copy of the progress variables). The periodic reports are cancelled first, so that none can still be writing
     * once this returns (the process's next job would then collide with it).
     */
    @Override
    public void close() {
        periodic.cancel(false);   // a report already running finishes before the last one starts (one thread)
        try {
            timer.submit(this::report).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn("last progress report failed: {}", e.toString());
        } finally {
            timer.shutdownNow();
        }
    }
}
