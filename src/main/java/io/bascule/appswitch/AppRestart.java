package io.bascule.appswitch;

import io.bascule.config.BasculeProperties;
import io.bascule.database.JdbcUrls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The application's optional restart command and health URL ({@code bascule.app.restart-command},
 * {@code bascule.app.health-url}). Nothing configured: the step is skipped and reported as such.
 * <ul>
 * <li>{@link #restart} runs the command line with {@code /bin/sh -c} in the config file's directory, with a timeout
 * (the command and what it started are killed when it runs out), and reports its exit code, time and last lines of
 * output (stdout and stderr merged). Bascule's own secrets ({@code BASCULE_*} variables named like a password, secret
 * or token) are not passed to it, and the value of every variable named like a secret, URL passwords included, is
 * replaced by {@code ***} in the captured lines.</li>
 * <li>{@link #awaitHealthy} sends HTTP GET to the health URL until it answers 2xx or the time runs out, and reports
 * the measured time and the number of polls.</li>
 * </ul>
 */
public final class AppRestart {

    private static final Logger log = LoggerFactory.getLogger(AppRestart.class);

    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMinutes(2);
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(250);
    static final int LAST_LINES = 20;
    private static final int MAX_LINE = 500;
    /** Environment variables whose value is a secret; PWD and OLDPWD (the shell's directories) are not. */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i)(?!(OLD)?PWD$).*(pass|pwd|secret|token|private|credential|api_?key).*");
    private static final Duration MAX_REQUEST = Duration.ofSeconds(5);

    private final String command;
    private final Duration commandTimeout;
    private final String healthUrl;
    private final Duration pollInterval;
    private final Map<String, String> environment;
    private final Path workingDirectory;

    /**
     * @param command          the restart command line, or null/blank for none
     * @param commandTimeout   how long the command may run
     * @param healthUrl        the health URL, or null/blank for none
     * @param pollInterval     the pause between two health requests
     * @param environment      the environment the command starts from (and whose secrets are kept out of its output)
     * @param workingDirectory where the command runs (null: the current directory)
     */
    public AppRestart(String command, Duration commandTimeout, String healthUrl, Duration pollInterval,
                      Map<String, String> environment, Path workingDirectory) {
        this.command = command == null || command.isBlank() ? null : command;
        this.commandTimeout = commandTimeout;
        this.healthUrl = healthUrl == null || healthUrl.isBlank() ? null : healthUrl;
        this.pollInterval = pollInterval;
        this.environment = Map.copyOf(environment);
        this.workingDirectory = workingDirectory;
    }

    /** From {@code bascule.app.*}: the process environment, the config file's directory, default timeout and interval. */
    public static AppRestart from(BasculeProperties properties) {
        BasculeProperties.App app = properties.app();
        Path dir = app.envFile() == null ? null : app.envFile().toAbsolutePath().getParent();
        return new AppRestart(app.restartCommand(), DEFAULT_COMMAND_TIMEOUT, app.healthUrl(), DEFAULT_POLL_INTERVAL,
                System.getenv(), dir);
    }

    // ------------------------------------------------------------------ restart

    /** What the restart command did. */
    public enum RestartStatus { SKIPPED, SUCCEEDED, FAILED, TIMED_OUT }

    /**
     * @param command   the command line, redacted (null when skipped)
     * @param exitCode  its exit code (null when skipped, not started or killed at the timeout)
     * @param lastLines its last lines of output, secrets replaced by {@code ***}
     */
    public record RestartResult(RestartStatus status, String command, Integer exitCode, Duration took,
                                List<String> lastLines, String message) {

        public boolean ok() {
            return status == RestartStatus.SKIPPED || status == RestartStatus.SUCCEEDED;
        }
    }

    /** One line: what the restart and the health check would do (for dry runs). */
    public String describeHealth() {
        return (command == null ? "no restart command" : "would run the restart command " + scrub(command)) + "; "
                + (healthUrl == null ? "no health URL to wait for" : "would wait for " + scrub(healthUrl) + " to answer 2xx");
    }

    public RestartResult restart() {
        if (command == null) {
            RestartResult r = new RestartResult(RestartStatus.SKIPPED, null, null, Duration.ZERO, List.of(),
                    "no restart command configured (bascule.app.restart-command): restart skipped");
            log.info(r.message());
            return r;
        }
        String shown = scrub(command);
        long start = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true);
        if (workingDirectory != null && Files.isDirectory(workingDirectory)) {
            builder.directory(workingDirectory.toFile());
        }
        Map<String, String> env = builder.environment();
        env.clear();
        environment.forEach((k, v) -> {
            if (!(k.toUpperCase().startsWith("BASCULE_") && SECRET_NAME.matcher(k).matches())) {
                env.put(k, v);
            }
        });
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            RestartResult r = new RestartResult(RestartStatus.FAILED, shown, null, since(start), List.of(),
                    "the restart command " + shown + " could not be started (" + scrub(String.valueOf(e.getMessage()))
                            + "); check bascule.app.restart-command");
            log.warn(r.message());
            return r;
        }
        Deque<String> lines = new ArrayDeque<>();
        Thread reader = new Thread(() -> readLines(process, lines), "bascule-restart-output");
        reader.setDaemon(true);
        reader.start();
        RestartResult r;
        try {
            boolean finished = process.waitFor(commandTimeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                killTree(process);
                process.waitFor(5, TimeUnit.SECONDS);
                reader.join(2000);
                r = new RestartResult(RestartStatus.TIMED_OUT, shown, null, since(start), snapshot(lines),
                        "the restart command " + shown + " did not finish within " + seconds(commandTimeout)
                                + " and was killed" + tail(lines));
            } else {
                reader.join(2000);
                int exit = process.exitValue();
                r = new RestartResult(exit == 0 ? RestartStatus.SUCCEEDED : RestartStatus.FAILED, shown, exit,
                        since(start), snapshot(lines), "the restart command " + shown + (exit == 0 ? " succeeded"
                        : " failed with exit code " + exit) + " in " + seconds(since(start)) + (exit == 0 ? "" : tail(lines)));
            }
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            throw new AppSwitchException("interrupted while the restart command " + shown + " ran; it was killed", e);
        }
        if (r.ok()) {
            log.info(r.message());
        } else {
            log.warn(r.message());
        }
        return r;
    }

    private void readLines(Process process, Deque<String> lines) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                String kept = scrub(line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + " …" : line);
                synchronized (lines) {
                    lines.addLast(kept);
                    if (lines.size() > LAST_LINES) {
                        lines.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // the stream closes when the command is killed: the lines read so far are kept
        }
    }

    private static List<String> snapshot(Deque<String> lines) {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    private static String tail(Deque<String> lines) {
        List<String> last = snapshot(lines);
        return last.isEmpty() ? " (no output)" : "; last output:\n  " + String.join("\n  ", last);
    }

    /** The text with URL passwords and the value of every secret-named variable of the environment replaced. */
    String scrub(String text) {
        String out = JdbcUrls.redact(text);
        List<String> secrets = new ArrayList<>();
        environment.forEach((k, v) -> {
            if (SECRET_NAME.matcher(k).matches() && v != null && v.length() >= 4) {
                secrets.add(v);
            }
        });
        secrets.sort(Comparator.comparing(String::length).reversed());
        for (String s : secrets) {
            out = out.replace(s, "***");
        }
        return out;
    }

    // ------------------------------------------------------------------ health

    public enum HealthStatus { SKIPPED, HEALTHY, UNHEALTHY }

    /**
     * @param url            the health URL, redacted (null when skipped)
     * @param took           from the first request to the healthy answer (or to the end of the wait)
     * @param polls          requests sent
     * @param lastHttpStatus the last HTTP status received, or null
     * @param lastError      the last connection error, or null
     */
    public record HealthResult(HealthStatus status, String url, Duration took, int polls, Integer lastHttpStatus,
                               String lastError, String message) {

        public boolean ok() {
            return status != HealthStatus.UNHEALTHY;
        }
    }

    /** Polls the health URL until it answers 2xx, at most {@code timeout}. */
    public HealthResult awaitHealthy(Duration timeout) {
        if (healthUrl == null) {
            HealthResult r = new HealthResult(HealthStatus.SKIPPED, null, Duration.ZERO, 0, null, null,
                    "no health URL configured (bascule.app.health-url): health check skipped");
            log.info(r.message());
            return r;
        }
        String shown = scrub(healthUrl);
        URI uri;
        try {
            uri = URI.create(healthUrl);
        } catch (IllegalArgumentException e) {
            throw new AppSwitchException("the health URL " + shown + " is not a URL; fix bascule.app.health-url");
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new AppSwitchException("the health URL " + shown + " is not an http:// or https:// URL; fix bascule.app.health-url");
        }
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        HttpClient client = HttpClient.newBuilder().connectTimeout(MAX_REQUEST)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        int polls = 0;
        Integer lastStatus = null;
        String lastError = null;
        while (true) {
            long remaining = deadline - System.nanoTime();
            Duration requestTimeout = Duration.ofNanos(Math.max(Duration.ofMillis(50).toNanos(),
                    Math.min(remaining, MAX_REQUEST.toNanos())));
            polls++;
            try {
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(uri).GET().timeout(requestTimeout).build(),
                        HttpResponse.BodyHandlers.discarding());
                lastStatus = response.statusCode();
                lastError = null;
                if (lastStatus >= 200 && lastStatus < 300) {
                    Duration took = since(start);
                    HealthResult r = new HealthResult(HealthStatus.HEALTHY, shown, took, polls, lastStatus, null,
                            "the application answered " + lastStatus + " at " + shown + " after " + seconds(took)
                                    + " (" + polls + (polls == 1 ? " request)" : " requests)"));
                    log.info(r.message());
                    return r;
                }
            } catch (IOException e) {
                lastError = scrub(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AppSwitchException("interrupted while waiting for the application at " + shown, e);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                Duration took = since(start);
                HealthResult r = new HealthResult(HealthStatus.UNHEALTHY, shown, took, polls, lastStatus, lastError,
                        "the application did not answer 2xx at " + shown + " within " + seconds(timeout) + " ("
                                + polls + " requests; last: " + (lastStatus != null ? "HTTP " + lastStatus : lastError) + ")");
                log.warn(r.message());
                return r;
            }
            try {
                Thread.sleep(Math.min(pollInterval.toMillis(), Math.max(1, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AppSwitchException("interrupted while waiting for the application at " + shown, e);
            }
        }
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    /**
     * Kills the command and everything it started. The shell goes first: killed after its child, it would go on with
     * the rest of the command line for a moment (seen: a command's next {@code echo} ran after its {@code sleep} was
     * killed). Its descendants are listed before, since a child whose parent died is re-parented and no longer listed.
     */
    private static void killTree(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }
}
