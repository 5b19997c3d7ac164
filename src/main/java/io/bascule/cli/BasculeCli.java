package io.bascule.cli;

import io.bascule.config.ConfigException;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code java -jar bascule.jar <command>}: the command-line contract of DESIGN.md. Exit codes: 0 success,
 * 1 failure (one line on stderr says why), 2 usage error (unknown command or option), 3 command not built yet
 * ({@code monitor --fail-on-alert}: 4 when a check of the sample failed).
 */
@Command(name = "bascule", mixinStandardHelpOptions = true, versionProvider = BasculeCli.Version.class,
        description = "MySQL/MariaDB to PostgreSQL migration and cutover, run as audited Camunda 7 runbooks.",
        footer = {"", "Passwords come only from the environment (BASCULE_SOURCE_PASSWORD, BASCULE_TARGET_PASSWORD) or a"
                + " secret file, never from a flag. 'bascule COMMAND --help' lists a command's options; README.md has"
                + " the configuration reference."},
        commandListHeading = "%nCommands:%n")
public final class BasculeCli implements Callable<Integer> {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    /**
     * What a run of the CLI left behind: its exit code, and the running web application of {@code serve}
     * or {@code demo} (null otherwise), which keeps the JVM alive until it is closed.
     */
    public record Outcome(int exitCode, ConfigurableApplicationContext application) {
        public boolean keepRunning() {
            return application != null;
        }
    }

    /** The streams and environment of one run: the process's, or a test's. */
    /** @param started when the command was typed: the JVM's start for {@code main}, the call for an in-process run */
    record Context(PrintStream out, PrintStream err, Function<String, String> env, java.time.Instant started) {
    }

    public static void main(String[] args) {
        Outcome outcome = run(args, System.out, System.err, System::getenv,
                ProcessHandle.current().info().startInstant().orElse(java.time.Instant.now()));
        if (!outcome.keepRunning()) {
            System.exit(outcome.exitCode());
        }
    }

    public static Outcome run(String[] args, PrintStream out, PrintStream err, Function<String, String> env) {
        return run(args, out, err, env, java.time.Instant.now());
    }

    static Outcome run(String[] args, PrintStream out, PrintStream err, Function<String, String> env, java.time.Instant started) {
        Context context = new Context(out, err, env, started);
        ServeCommand serve = new ServeCommand(context);
        DemoCommand demo = new DemoCommand(context);
        CommandLine cli = new CommandLine(new BasculeCli())
                .addSubcommand("serve", serve)
                .addSubcommand("demo", demo)
                .addSubcommand("migrate", new MigrateCommand(context))
                .addSubcommand("verify", new VerifyCommand(context))
                .addSubcommand("audit", new AuditCommand(context))
                .addSubcommand("cutover", new CutoverCommand(context))
                .addSubcommand("rollback", new RollbackCommand(context))
                .addSubcommand("monitor", new MonitorCommand(context))
                .addSubcommand("report", new ReportCommand(context))
                .addSubcommand("warm-up", new WarmUpCommand(context));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setParameterExceptionHandler((ex, args1) -> {
            CommandLine failed = ex.getCommandLine();
            if (java.util.Arrays.stream(args1).anyMatch(a -> a.startsWith("-") && a.toLowerCase().matches(".*(passw|pwd|secret).*"))) {
                // never echo what follows a password-like flag: it may be a real password
                err.println("error: passwords are not accepted as flags; set BASCULE_SOURCE_PASSWORD /"
                        + " BASCULE_TARGET_PASSWORD in the environment or use a secret file (password-file)");
            } else {
                err.println("error: " + ex.getMessage());
                CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            }
            failed.usage(err);
            return USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            RuntimeException userFacing = findUserFacing(e);
            if (userFacing != null) {
                err.println("error: " + userFacing.getMessage().replaceAll("\\s+", " ").strip());
            } else {
                err.println("error: " + oneLine(e));
            }
            return FAILED;
        });
        int code = cli.execute(args);
        ConfigurableApplicationContext application = code != OK ? null
                : serve.application() != null ? serve.application() : demo.application();
        return new Outcome(code, application);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        spec.commandLine().getErr().println("error: no command given; pick one of the commands above");
        return USAGE;
    }

    /** The first exception in the chain whose message is written for the user (bad input, a database refusing). */
    static RuntimeException findUserFacing(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConfigException || t instanceof io.bascule.database.DatabaseException
                    || t instanceof io.bascule.migration.UncarriableValueException) {
                return (RuntimeException) t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getName() : root.getMessage();
        return message.replaceAll("\\s+", " ").strip();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = BasculeCli.class.getPackage().getImplementationVersion();
            return new String[]{"bascule " + (v == null ? "development build" : v)};
        }
    }
}
