package io.bascule.surveillance;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The live page's server-sent events ({@code GET /bascule-api/surveillance/stream}): every new {@link Sample} of the
 * {@link SurveillanceLoop} is pushed to every open page as an event {@code sample} whose data is the sample's JSON
 * and whose id is its time in epoch milliseconds.
 *
 * <p>Reconnects lose nothing: a browser's {@code EventSource} reconnects by itself ({@code retry} 3 s) with the id of
 * the last event it got ({@code Last-Event-ID}), and the samples taken since are replayed from memory first; a page
 * opening the stream passes {@code after} (the newest point it already has) for the same effect. When the gap is
 * more than {@value #MAX_REPLAY} samples or older than memory, an event {@code reload} tells the page to read
 * {@code /samples} again instead. A stream ends after {@link #TIMEOUT} (the browser reconnects at once, so a
 * forgotten tab holds no request for ever); a comment is sent every {@link #HEARTBEAT} so that proxies keep the
 * connection and a closed one is found and dropped.
 *
 * <p>Samples are sent on a thread of their own, never on the sampling thread (a slow client does not delay sampling).
 */
public class LiveStream implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LiveStream.class);
    /** How long one stream stays open before the browser reconnects. */
    public static final Duration TIMEOUT = Duration.ofMinutes(10);
    /** How often a keep-alive comment is sent. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(20);
    /** The browser's reconnect delay. */
    public static final Duration RETRY = Duration.ofSeconds(3);
    /** The most samples replayed to a reconnecting page; more and it is told to reload. */
    public static final int MAX_REPLAY = 120;
    /** The most pages open at once; another one is refused (503) rather than holding a thread's worth of memory each. */
    public static final int MAX_STREAMS = 100;

    private final SurveillanceLoop loop;
    private final Set<SseEmitter> emitters = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService sender;
    private final Consumer<Sample> listener = this::publish;

    public LiveStream(SurveillanceLoop loop) {
        this.loop = loop;
        this.sender = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bascule-live-stream");
            t.setDaemon(true);
            return t;
        });
        sender.scheduleWithFixedDelay(this::heartbeat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        loop.addListener(listener);
    }

    /** Too many pages open. */
    public static final class TooManyStreams extends RuntimeException {
        TooManyStreams() {
            super("too many live pages are open (" + MAX_STREAMS + "); close one or use GET /bascule-api/surveillance/state",
                    null, false, false);
        }
    }

    /**
     * A new stream. {@code after} (epoch milliseconds: the header Last-Event-ID, else the query parameter) replays the
     * samples taken since, or asks for a reload when that is too many or older than memory; null replays nothing.
     */
    public SseEmitter subscribe(Long after) {
        if (emitters.size() >= MAX_STREAMS) {
            throw new TooManyStreams();
        }
        SseEmitter emitter = new SseEmitter(TIMEOUT.toMillis());
        emitter.onCompletion(() -> emitters.remove(emitter));
        emitter.onTimeout(() -> {
            emitters.remove(emitter);
            emitter.complete();
        });
        emitter.onError(e -> emitters.remove(emitter));
        try {
            emitter.send(SseEmitter.event().reconnectTime(RETRY.toMillis()).comment("Bascule surveillance samples"));
            if (after != null) {
                replay(emitter, after);
            }
        } catch (IOException e) {
            emitter.completeWithError(e);
            return emitter;
        }
        emitters.add(emitter);
        return emitter;
    }

    private void replay(SseEmitter emitter, long after) throws IOException {
        Instant since = Instant.ofEpochMilli(after);
        List<Sample> recent = loop.recent(SurveillanceLoop.KEPT_IN_MEMORY);
        // compared in milliseconds, the ids' unit (a sample's time has nanoseconds)
        List<Sample> missed = recent.stream().filter(s -> s.at().toEpochMilli() > after).toList();
        // memory begins well after the page's last sample: what lies between is only in the store
        boolean beyondMemory = !recent.isEmpty()
                && recent.get(0).at().isAfter(since.plus(loop.settings().sampleInterval().multipliedBy(2)));
        if (missed.size() > MAX_REPLAY || beyondMemory) {
            emitter.send(SseEmitter.event().name("reload").data("{\"missed\":" + missed.size() + "}", MediaType.APPLICATION_JSON));
            return;
        }
        for (Sample s : missed) {
            emitter.send(event(s));
        }
    }

    /** How many pages are open. */
    public int streams() {
        return emitters.size();
    }

    /**
     * Ends every open stream now; returns how many. The pages reconnect by themselves (after {@link #RETRY}) and get
     * the samples they missed meanwhile: what a restarted proxy or a network change does to them.
     */
    public int disconnectAll() {
        int n = 0;
        for (SseEmitter emitter : emitters) {
            drop(emitter);
            n++;
        }
        return n;
    }

    /** Pushes the sample to every open page (on the sending thread). */
    void publish(Sample sample) {
        try {
            sender.execute(() -> broadcast(sample));
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void broadcast(Sample sample) {
        if (emitters.isEmpty()) {
            return;
        }
        String json = SampleJson.toJson(sample);
        for (SseEmitter emitter : emitters) {
            try {
                emitter.send(event(sample.at(), json)); // a builder is spent by one send: one per page
            } catch (IOException | IllegalStateException e) {
                drop(emitter);
            }
        }
    }

    private void heartbeat() {
        for (SseEmitter emitter : emitters) {
            try {
                emitter.send(SseEmitter.event().comment("keep-alive"));
            } catch (IOException | IllegalStateException e) {
                drop(emitter);
            }
        }
    }

    private void drop(SseEmitter emitter) {
        emitters.remove(emitter);
        try {
            emitter.complete();
        } catch (RuntimeException ignored) {
            // already done
        }
    }

    private static SseEmitter.SseEventBuilder event(Sample sample) {
        return event(sample.at(), SampleJson.toJson(sample));
    }

    private static SseEmitter.SseEventBuilder event(Instant at, String json) {
        return SseEmitter.event().name("sample").id(String.valueOf(at.toEpochMilli())).data(json, MediaType.APPLICATION_JSON);
    }

    @Override
    public void close() {
        loop.removeListener(listener);
        sender.shutdownNow();
        for (SseEmitter emitter : emitters) {
            drop(emitter);
        }
        log.debug("live stream closed");
    }
}
