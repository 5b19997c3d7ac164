package io.bascule.rollback;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Applies the reverse channel into MySQL continuously after the cutover, while MySQL stays read-only for the
 * application: MySQL trails PostgreSQL by seconds, so the rollback only drains the tail, whatever the hours since the
 * switch.
 *
 * <p>One daemon thread calls {@link ReverseApplier#applyBatch()} again at once while batches carry changes and sleeps
 * {@code interval} after an empty one. Every {@code interval} (at least 100 ms apart) it reads the lag and hands it to
 * the listener (whose exceptions are logged, never fatal); every {@code logEvery} it logs one INFO line (lag in
 * changes and seconds, changes applied since the start and their rate); every {@link #pruneEvery} it deletes the
 * applied changes from the change table ({@link ReverseApplier#prune()}).
 *
 * <p>A failure (a connection lost, a server restarting, a value MySQL refuses) is logged as a WARN naming its cause;
 * the loop closes its applier, waits 1 s, 2 s, 4 s ... at most 30 s, opens a new applier and goes on from the position
 * stored in MySQL (nothing is applied twice or skipped). A {@link ReplayConflictException} is retried while it may
 * be transient (a unique value held by a row whose change is in a transaction still holding the horizon back) for
 * {@link #conflictGrace} at most; a conflict that outlasts it stops the loop with an ERROR line naming the table and
 * the key, and {@link #lastError()} holds it: the rollback's drain meets it again and surfaces it as an incident.
 *
 * <p>At most one loop per channel (its position in one MySQL database) runs in a JVM: a second {@link #start()}
 * throws. The caller stops the loop ({@link #stop(Duration)}, {@link #close()}) before the rollback's own drain, or
 * lets both run: the position's row lock keeps two appliers from interleaving.
 */
public final class ReverseApplyLoop implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReverseApplyLoop.class);

    private static final Map<String, ReverseApplyLoop> RUNNING = new ConcurrentHashMap<>();

    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration MIN_LAG_EVERY = Duration.ofMillis(100);

    private final ReverseChannel channel;
    private final Duration interval;
    private final Duration logEvery;
    private final Consumer<ReverseApplier.Lag> lagListener;
    private final String key;
    private final Object wake = new Object();
    private Duration pruneEvery = Duration.ofSeconds(60);
    private Duration conflictGrace = Duration.ofSeconds(30);

    private volatile Thread thread;
    private volatile boolean stopRequested;
    private volatile ReverseApplier.Lag lastLag;
    private volatile RuntimeException lastError;
    private volatile long appliedTotal;
    private volatile long prunedTotal;
    private volatile Instant startedAt;

    /**
     * @param channel     the armed channel to apply
     * @param interval    the pause after an empty batch, and how often the lag is read (at least every 100 ms)
     * @param logEvery    how often one INFO line reports the lag and the rate
     * @param lagListener receives every lag read (e.g. to set a process variable), on the loop's thread: keep it
     *                    short; may be null
     */
    public ReverseApplyLoop(ReverseChannel channel, Duration interval, Duration logEvery, Consumer<ReverseApplier.Lag> lagListener) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.interval = positive(interval, "interval");
        this.logEvery = positive(logEvery, "logEvery");
        this.lagListener = lagListener == null ? lag -> { } : lagListener;
        this.key = channel.name() + " into " + channel.mysqlUrl();
    }

    private static Duration positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, not " + d);
        }
        return d;
    }

    /** How often the applied changes are pruned from the change table (default 60 s); set before {@link #start()}. */
    public ReverseApplyLoop pruneEvery(Duration every) {
        this.pruneEvery = positive(every, "pruneEvery");
        return this;
    }

    /**
     * How long a replay conflict is retried before the loop stops on it (default 30 s; zero stops at the first);
     * set before {@link #start()}.
     */
    public ReverseApplyLoop conflictGrace(Duration grace) {
        if (grace == null || grace.isNegative()) {
            throw new IllegalArgumentException("conflictGrace must be zero or positive, not " + grace);
        }
        this.conflictGrace = grace;
        return this;
    }

    /**
     * Starts the loop's daemon thread.
     *
     * @throws IllegalStateException when this loop was started before, or another loop of the same channel runs in
     *                               this JVM
     */
    public synchronized ReverseApplyLoop start() {
        if (thread != null) {
            throw new IllegalStateException("this reverse apply loop of channel " + channel.name() + " was started already"
                    + " (at " + startedAt + "); create a new one to start again after a stop");
        }
        ReverseApplyLoop other = RUNNING.putIfAbsent(key, this);
        if (other != null) {
            throw new IllegalStateException("a reverse apply loop of channel " + key + " is already running in this JVM"
                    + " (started at " + other.startedAt + "); stop it before starting another: two loops would only"
                    + " wait for each other on the position's lock");
        }
        startedAt = Instant.now();
        Thread t = new Thread(this::run, "bascule-reverse-apply " + channel.name());
        t.setDaemon(true);
        thread = t;
        t.start();
        log.info("reverse channel {}: continuous apply into MySQL started (pause {} ms when caught up, lag logged every {} s,"
                + " applied changes pruned every {} s)", channel.name(), interval.toMillis(), seconds(logEvery.toNanos()),
                seconds(pruneEvery.toNanos()));
        return this;
    }

    /** The channel this loop applies. */
    public ReverseChannel channel() {
        return channel;
    }

    /** True from {@link #start()} until the loop has stopped (asked to, or on a replay conflict). */
    public boolean isRunning() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    /** The lag read last (null before the first reading). */
    public ReverseApplier.Lag lastLag() {
        return lastLag;
    }

    /**
     * The failure of the last attempt while it lasts (the loop backs off and retries), null again after a batch
     * succeeded; the {@link ReplayConflictException} the loop stopped on stays.
     */
    public RuntimeException lastError() {
        return lastError;
    }

    /** The changes this loop applied into MySQL since its start. */
    public long appliedTotal() {
        return appliedTotal;
    }

    /** The applied changes this loop pruned from the change table since its start. */
    public long prunedTotal() {
        return prunedTotal;
    }

    /**
     * Stops the loop: a batch under way is finished (committed or rolled back, never cut), then the thread ends.
     * Returns false when it had not ended within {@code timeout} (it still ends after its batch).
     */
    public boolean stop(Duration timeout) {
        stopRequested = true;
        synchronized (wake) {
            wake.notifyAll();
        }
        Thread t = thread;
        if (t == null) {
            return true;
        }
        if (t == Thread.currentThread()) {
            return false;   // a listener stopping its own loop: it ends after the listener returns
        }
        try {
            t.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            log.warn("reverse channel {}: the apply loop did not stop within {} ms (a batch is still under way); it stops"
                    + " after it", channel.name(), timeout.toMillis());
            return false;
        }
        return true;
    }

    /**
     * Stops the loop of this channel running in this JVM, if any (the rollback's drain is then the only applier).
     * Returns false when a loop did not stop within {@code timeout}.
     */
    public static boolean stopRunning(ReverseChannel channel, Duration timeout) {
        ReverseApplyLoop running = RUNNING.get(channel.name() + " into " + channel.mysqlUrl());
        return running == null || running.stop(timeout);
    }

    /** {@link #stop(Duration)} with 60 s to finish the batch under way. */
    @Override
    public void close() {
        stop(Duration.ofSeconds(60));
    }

    private void run() {
        ReverseApplier applier = null;
        long start = System.nanoTime();
        long nextLag = start;
        long nextLog = start + logEvery.toNanos();
        long nextPrune = start + pruneEvery.toNanos();
        long lastLogAt = start;
        long appliedAtLastLog = 0;
        long lagEvery = Math.max(interval.toNanos(), MIN_LAG_EVERY.toNanos());
        Duration backoff = FIRST_BACKOFF;
        long conflictSince = 0;
        boolean inConflict = false;
        try {
            while (!stopRequested) {
                try {
                    if (applier == null) {
                        applier = channel.applier();
                    }
                    ReverseApplier.Batch batch = applier.applyBatch();
                    appliedTotal += batch.changes();
                    lastError = null;
                    backoff = FIRST_BACKOFF;
                    inConflict = false;
                    long now = System.nanoTime();
                    if (now >= nextLag) {
                        nextLag = now + lagEvery;
                        ReverseApplier.Lag lag = applier.lag();
                        lastLag = lag;
                        report(lag);
                    }
                    if (now >= nextPrune) {
                        nextPrune = now + pruneEvery.toNanos();
                        prunedTotal += applier.prune();
                    }
                    if (now >= nextLog) {
                        nextLog = now + logEvery.toNanos();
                        logLag(now, start, lastLogAt, appliedAtLastLog);
                        lastLogAt = now;
                        appliedAtLastLog = appliedTotal;
                    }
                    if (batch.empty()) {
                        pause(interval);
                    }
                } catch (ReplayConflictException conflict) {
                    lastError = conflict;
                    applier = closeQuietly(applier);
                    long now = System.nanoTime();
                    if (!inConflict) {
                        inConflict = true;
                        conflictSince = now;
                    }
                    if (now - conflictSince >= conflictGrace.toNanos()) {
                        log.error("reverse channel {}: the apply loop stopped on a replay conflict that lasted {} s: {}. MySQL"
                                        + " trails PostgreSQL from here on, and the rollback's drain will meet the same conflict:"
                                        + " resolve it (the named table and key) and start the loop again", channel.name(),
                                seconds(now - conflictSince), conflict.getMessage());
                        return;
                    }
                    log.warn("reverse channel {}: {}; retrying in {} s (a value held by a change not yet applied clears"
                            + " by itself; the loop stops if it lasts {} s)", channel.name(), conflict.getMessage(),
                            backoff.toSeconds(), seconds(conflictGrace.toNanos()));
                    pause(backoff);
                    backoff = next(backoff);
                } catch (RuntimeException e) {
                    lastError = e;
                    applier = closeQuietly(applier);
                    log.warn("reverse channel {}: the apply loop failed: {}; reconnecting in {} s", channel.name(),
                            describe(e), backoff.toSeconds());
                    pause(backoff);
                    backoff = next(backoff);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("reverse channel {}: the apply loop was interrupted; it stops", channel.name());
        } finally {
            closeQuietly(applier);
            RUNNING.remove(key, this);
            long now = System.nanoTime();
            log.info("reverse channel {}: continuous apply stopped after {} s, {} changes applied, {} pruned", channel.name(),
                    seconds(now - start), appliedTotal, prunedTotal);
        }
    }

    private void report(ReverseApplier.Lag lag) {
        try {
            lagListener.accept(lag);
        } catch (RuntimeException e) {
            log.warn("reverse channel {}: the lag listener failed ({}); the loop goes on", channel.name(), describe(e), e);
        }
    }

    private void logLag(long now, long start, long lastLogAt, long appliedAtLastLog) {
        ReverseApplier.Lag lag = lastLag;
        double sinceStart = (now - start) / 1e9;
        double sinceLog = (now - lastLogAt) / 1e9;
        log.info("reverse channel {}: lag {} changes, oldest {} s; {} changes applied since start ({}/s over the last {} s,"
                        + " {}/s overall)", channel.name(), lag == null ? "?" : lag.changes(),
                lag == null ? "?" : String.format(java.util.Locale.ROOT, "%.2f", lag.oldestSeconds()), appliedTotal,
                String.format(java.util.Locale.ROOT, "%.1f", sinceLog > 0 ? (appliedTotal - appliedAtLastLog) / sinceLog : 0),
                seconds(now - lastLogAt), String.format(java.util.Locale.ROOT, "%.1f", sinceStart > 0 ? appliedTotal / sinceStart : 0));
    }

    private void pause(Duration d) throws InterruptedException {
        long until = System.nanoTime() + d.toNanos();
        synchronized (wake) {
            while (!stopRequested) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                wake.wait(Math.max(1, left / 1_000_000), 0);
            }
        }
    }

    /** Seconds for a log line: 0.3, 2.5, 60. */
    static String seconds(long nanos) {
        double s = nanos / 1e9;
        return s < 10 ? String.format(java.util.Locale.ROOT, "%.1f", s) : Long.toString(Math.round(s));
    }

    private static Duration next(Duration backoff) {
        Duration doubled = backoff.multipliedBy(2);
        return doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private ReverseApplier closeQuietly(ReverseApplier applier) {
        if (applier != null) {
            try {
                applier.close();
            } catch (RuntimeException e) {
                log.debug("closing the reverse applier failed", e);
            }
        }
        return null;
    }
}
