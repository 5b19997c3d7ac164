package io.bascule.cli;

import io.bascule.process.ProcessDeployer;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Mixin;

import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A command that runs a runbook headless on its own engine ({@code migrate}, {@code verify}, {@code rollback}): the
 * settings resolved and the connections required, the work directory's lock taken (one job-executing node per work
 * directory), the lazy headless context started and the models deployed, then {@link #run}.
 */
abstract class RunbookCommand implements Callable<Integer> {

    final BasculeCli.Context context;
    private final String name;

    @Mixin
    RunbookOptions options;

    RunbookCommand(BasculeCli.Context context, String name) {
        this.context = context;
        this.name = name;
    }

    @Override
    public final Integer call() throws Exception {
        Map<String, String> settings = options.resolve(context, null);
        options.requireConnections(settings, context);
        EngineLock lock = EngineLock.acquire(settings, name);
        try (lock; ConfigurableApplicationContext app = SpringLauncher.startHeadless(settings, context)) {
            app.getBean(ProcessDeployer.class); // the models are deployed when it is created (the CLI context is lazy)
            return run(app);
        }
    }

    /** Runs the command's runbook on the started engine; returns the exit code. */
    abstract int run(ConfigurableApplicationContext app) throws Exception;
}
