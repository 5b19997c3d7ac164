package io.bascule.cli;

import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the web app: Tasklist, Cockpit, Admin and REST (/engine-rest)")
final class ServeCommand implements Callable<Integer> {

    private final BasculeCli.Context context;
    private ConfigurableApplicationContext application;

    @Mixin
    RunbookOptions options;

    @Option(names = "--server.port", paramLabel = "PORT", description = "HTTP port (default 8080)")
    Integer port;

    ServeCommand(BasculeCli.Context context) {
        this.context = context;
    }

    ConfigurableApplicationContext application() {
        return application;
    }

    @Override
    public Integer call() {
        Map<String, String> settings = options.resolve(context, port);
        EngineLock lock = EngineLock.acquire(settings, "serve"); // one job-executing node per work directory
        try {
            application = SpringLauncher.start(settings, options.config, context, null);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        application.getBean(io.bascule.process.RunOwnership.class).takeOverStaleRuns(null).forEach(context.out()::println);
        application.getBean(io.bascule.rollback.ReverseApplyService.class).watch();   // MySQL trails PostgreSQL while armed
        application.getBean(io.bascule.surveillance.PlaybookTriggers.class).register();  // raises the playbooks of running surveillances
        application.getBean(io.bascule.surveillance.SurveillanceLoop.class).start();  // samples the target when one is set
        context.out().println("Bascule is ready (work directory " + settings.get("bascule.work-dir") + ")");
        SpringLauncher.printAccess(context, SpringLauncher.port(settings));
        return BasculeCli.OK;
    }
}
