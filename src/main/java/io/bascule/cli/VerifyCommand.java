package io.bascule.cli;

import io.bascule.migration.ConversionPlan;
import io.bascule.migration.MigrationService;
import io.bascule.migration.MigrationServices;
import io.bascule.migration.Verifier;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code verify}: compares every row of source and target now, with the plan of the last migration. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Compare every row of source and target and report differences")
final class VerifyCommand implements Callable<Integer> {

    private final BasculeCli.Context context;

    @Mixin
    RunbookOptions options;

    VerifyCommand(BasculeCli.Context context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Map<String, String> settings = options.resolve(context, null);
        options.requireConnections(settings, context);
        try (ConfigurableApplicationContext app = SpringLauncher.startHeadless(settings, context)) {
            MigrationService service = app.getBean(MigrationServices.class).create(false);
            ConversionPlan plan = java.nio.file.Files.exists(service.goldDir().resolve(MigrationService.PLAN_FILE))
                    ? service.loadPlan() : service.plan(service.readSchema());
            Verifier.Result result = service.verify(plan, s -> context.out().println(s.line()));
            result.tables().forEach(t -> context.out().println(t.summary()));
            if (result.matches()) {
                context.out().printf("%,d rows in %d tables identical (%.1f s)%n", result.rows(), result.tables().size(), result.seconds());
                return BasculeCli.OK;
            }
            long differing = result.tables().stream().filter(t -> !t.matches()).count();
            context.err().println("error: " + differing + " table(s) differ between source and target; see "
                    + service.goldDir().resolve(MigrationService.VERIFICATION_FILE));
            return BasculeCli.FAILED;
        }
    }
}
