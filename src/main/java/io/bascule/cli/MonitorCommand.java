package io.bascule.cli;

import io.bascule.config.BasculeProperties;
import io.bascule.config.ConfigException;
import io.bascule.config.Secrets;
import io.bascule.config.SettingsResolver;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.surveillance.MonitorView;
import io.bascule.surveillance.Sample;
import io.bascule.surveillance.SampleJson;
import io.bascule.surveillance.Sampler;
import org.springframework.boot.convert.DurationStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code monitor}: the surveillance view of the target PostgreSQL in the terminal, refreshed in place every interval
 * until Ctrl-C; {@code --once} one view, {@code --once --json} one sample as one JSON object (nothing else on stdout);
 * {@code --json} alone one JSON object per line per interval (JSON Lines). It needs only the target connection
 * ({@code --target-url}, {@code --target-user}, the password from {@code BASCULE_TARGET_PASSWORD} or a secret file),
 * and {@code bascule.app.health-url} and {@code bascule.surveillance.*} from {@code --config} when given. It starts no
 * Spring context, no engine and no web server, writes nothing to the work directory, and takes no lock.
 *
 * <p>Exit codes: 0 a sample was taken (its checks may have failed); 1 PostgreSQL could not be reached or sampled
 * (one line on stderr naming the redacted URL); {@value #ALERT} with {@code --fail-on-alert} when a check failed.
 * A refreshing monitor exits (after {@code --count} views) with the code of its last sample.
 */
@Command(name = "monitor", mixinStandardHelpOptions = true,
        description = "Watch PostgreSQL after the cutover: connections, query times, dead tuples, unused indexes,"
                + " deadlocks, sessions, app health, and the checks against the thresholds")
final class MonitorCommand implements Callable<Integer> {

    /** A sample was taken and a check failed, with {@code --fail-on-alert}. */
    static final int ALERT = 4;

    private final BasculeCli.Context context;

    @Mixin
    RunbookOptions options;

    @Option(names = "--once", description = "take one sample, print it and exit")
    boolean once;

    @Option(names = "--json", description = "print samples as JSON: with --once exactly one object, otherwise one per line")
    boolean json;

    @Option(names = "--interval", paramLabel = "DURATION",
            description = "refresh every DURATION, e.g. 5s or 500ms (default bascule.surveillance.sample-interval, 5s)")
    String interval;

    @Option(names = "--count", paramLabel = "N", description = "stop after N samples (default: until Ctrl-C)")
    Integer count;

    @Option(names = "--fail-on-alert", description = "exit " + ALERT + " when a check of the (last) sample failed")
    boolean failOnAlert;

    MonitorCommand(BasculeCli.Context context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> settings = options.resolve(context, null);
        BasculeProperties props = SettingsResolver.bind(settings, options.config);
        Duration every = interval == null ? props.surveillance().sampleInterval() : parse(interval);
        if (count != null && count < 1) {
            throw new ConfigException("--count " + count + ": give 1 or more samples");
        }
        DatabaseEndpoint target = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, props.target(), new Secrets(context.env()));
        try (Sampler sampler = new Sampler(target, props.surveillance(), props.app().healthUrl())) {
            int taken = 0;
            while (true) {
                Sample sample = sampler.sample();
                taken++;
                if (once) {
                    if (sample.error() != null) {
                        context.err().println("error: " + sample.error());
                        return BasculeCli.FAILED;
                    }
                    context.out().print(json ? SampleJson.toJson(sample) + "\n" : MonitorView.render(sample, target.redactedUrl()));
                    context.out().flush();
                    return exitCode(sample);
                }
                if (json) {
                    context.out().println(SampleJson.toJson(sample));
                } else {
                    context.out().print(MonitorView.CLEAR + MonitorView.render(sample, target.redactedUrl())
                            + "\nrefreshing every " + describe(every) + "; Ctrl-C to stop\n");
                }
                context.out().flush();
                if (count != null && taken >= count) {
                    return exitCode(sample);
                }
                Thread.sleep(every.toMillis());
            }
        }
    }

    private int exitCode(Sample sample) {
        if (sample.error() != null) {
            return BasculeCli.FAILED;
        }
        return failOnAlert && !sample.allPassed() ? ALERT : BasculeCli.OK;
    }

    private static Duration parse(String text) {
        Duration d;
        try {
            d = DurationStyle.detectAndParse(text.strip());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--interval '" + text + "' is not a duration; give one such as 5s, 500ms or 1m");
        }
        if (d.isNegative() || d.isZero()) {
            throw new ConfigException("--interval '" + text + "' is not positive; give one such as 5s, 500ms or 1m");
        }
        return d;
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
