package io.bascule.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/**
 * The runbook commands of the contract whose processes are not built yet: they take their options (so
 * scripts written against the contract parse), say clearly that the command is not available in this
 * build, and exit with {@link BasculeCli#NOT_BUILT}.
 */
final class PendingCommands {

    private PendingCommands() {
    }

    abstract static class Pending implements Callable<Integer> {
        private final BasculeCli.Context context;
        private final String name;

        @Mixin
        RunbookOptions options;

        Pending(BasculeCli.Context context, String name) {
            this.context = context;
            this.name = name;
        }

        @Override
        public Integer call() {
            context.err().println("error: '" + name + "' is not built yet in this version of Bascule;"
                    + " use 'serve' or 'demo' and the processes in Tasklist meanwhile");
            return BasculeCli.NOT_BUILT;
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true, description = "Write the cutover / PLATINUM report")
    static final class Report extends Pending {
        Report(BasculeCli.Context c) {
            super(c, "report");
        }
    }
}
