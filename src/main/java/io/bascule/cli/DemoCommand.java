package io.bascule.cli;

import io.bascule.config.ConfigException;
import io.bascule.demo.DemoEnvironment;
import io.bascule.demo.SampleBackend;
import io.bascule.demo.SampleDatabase;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true, description = "serve + embedded MariaDB (sample akig_legacy) + embedded PostgreSQL (akig_immobilier)")
final class DemoCommand implements Callable<Integer> {

    static final String DEMO_USER = "demo";
    static final String DEMO_PASSWORD_ENV = "BASCULE_DEMO_PASSWORD";

    private final BasculeCli.Context context;
    private ConfigurableApplicationContext application;

    @Mixin
    RunbookOptions options;

    @Option(names = "--server.port", paramLabel = "PORT", description = "HTTP port (default 8080)")
    Integer port;

    @Option(names = "--demo-source-port", paramLabel = "PORT", defaultValue = "3307",
            description = "port of the embedded MariaDB (default ${DEFAULT-VALUE})")
    int sourcePort;

    @Option(names = "--demo-target-port", paramLabel = "PORT", defaultValue = "5433",
            description = "port of the embedded PostgreSQL (default ${DEFAULT-VALUE})")
    int targetPort;

    DemoCommand(BasculeCli.Context context) {
        this.context = context;
    }

    ConfigurableApplicationContext application() {
        return application;
    }

    @Override
    public Integer call() {
        Map<String, String> settings = options.resolve(context, port);
        EngineLock lock = EngineLock.acquire(settings, "demo"); // one job-executing node per work directory
        try {
            return start(settings);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private Integer start(Map<String, String> settings) {
        Path workDir = WorkDirectory.prepare(settings.get("bascule.work-dir"));
        settings.put("bascule.work-dir", workDir.toString());
        Ports.requireFree(SpringLauncher.port(settings), "the web app", "start with --server.port=PORT");
        Ports.requireFree(sourcePort, "the demo MariaDB", "choose another with --demo-source-port=PORT");
        Ports.requireFree(targetPort, "the demo PostgreSQL", "choose another with --demo-target-port=PORT");
        String password = demoPassword(workDir, settings);

        if (workDir.startsWith(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath())) {
            context.err().println("warning: work directory " + workDir + " is under java.io.tmpdir: the embedded MariaDB"
                    + " library empties data directories there at each start, so the sample is reloaded every time;"
                    + " use --work-dir elsewhere to keep the demo data");
        }
        context.out().println("Starting the embedded MariaDB and PostgreSQL in " + workDir.resolve("demo") + " ...");
        DemoEnvironment demo = DemoEnvironment.start(workDir, sourcePort, targetPort);
        context.out().println(demo.sampleLoaded() ? "Sample database " + SampleDatabase.SOURCE_DATABASE + " loaded"
                : "Reusing the demo data of an earlier start");
        if (demo.loginsCreated()) {
            context.out().println("MariaDB grant tables on: logins " + DemoEnvironment.SOURCE_USER + " (Bascule) and "
                    + DemoEnvironment.APP_ROLE + " (the application) created");
        }
        settings.putIfAbsent("bascule.source.url", demo.sourceUrl());
        settings.putIfAbsent("bascule.source.user", DemoEnvironment.SOURCE_USER);
        if (DemoEnvironment.SOURCE_USER.equals(settings.get("bascule.source.user"))) {
            // the password from the demo's secret file, not the environment
            settings.putIfAbsent("bascule.source.password-file", demo.sourcePasswordFile().toString());
            warnIfExported("BASCULE_SOURCE_PASSWORD", "bascule.source.password-env");
        }
        settings.putIfAbsent("bascule.target.url", demo.targetUrl());
        settings.putIfAbsent("bascule.target.user", demo.postgres().superUser());
        settings.putIfAbsent("bascule.target.schema", "public");
        settings.putIfAbsent("bascule.app.env-file", demo.envFile().toString());
        settings.putIfAbsent("bascule.app.env-key", DemoEnvironment.ENV_KEY);
        if (!settings.containsKey("bascule.app.target-url")) {
            settings.put("bascule.app.target-url", demo.appTargetUrl());
            settings.putIfAbsent("bascule.app.target-password-file", demo.appTargetPasswordFile().toString());
            warnIfExported("BASCULE_APP_TARGET_PASSWORD", "bascule.app.target-password-env");
        }
        SampleBackend backend;
        try {
            backend = demo.startBackend();
        } catch (RuntimeException e) {
            demo.close();
            throw e;
        }
        if (backend.preferredPortTaken()) {
            context.out().println("The sample backend's port (PORT in " + demo.envFile() + ") is taken: it serves "
                    + backend.url() + " instead");
        }
        settings.putIfAbsent("bascule.app.health-url", backend.healthUrl());
        settings.putIfAbsent("bascule.app.restart-command", backend.restartCommand());
        try {
            application = SpringLauncher.start(settings, options.config, context, demo::close);
        } catch (RuntimeException e) {
            demo.close();
            throw e;
        }
        application.getBean(io.bascule.process.RunOwnership.class).takeOverStaleRuns(null).forEach(context.out()::println);
        application.getBean(io.bascule.rollback.ReverseApplyService.class).watch();   // MySQL trails PostgreSQL while armed
        application.getBean(io.bascule.surveillance.PlaybookTriggers.class).register();  // raises the playbooks of running surveillances
        application.getBean(io.bascule.surveillance.SurveillanceLoop.class).start();  // samples the demo's PostgreSQL
        context.out().println();
        context.out().println("Bascule demo is ready");
        SpringLauncher.printAccess(context, SpringLauncher.port(settings));
        context.out().println("  Login:    " + DEMO_USER + " / " + password);
        context.out().println("  Source:   " + demo.sourceUrl() + " (MariaDB, user " + DemoEnvironment.SOURCE_USER
                + ", password in " + demo.sourcePasswordFile() + ", demo only)");
        context.out().println("  Target:   " + demo.targetUrl() + " (PostgreSQL, user postgres, demo only)");
        context.out().println("  App .env: " + demo.envFile());
        context.out().println("  App:      " + backend.url() + " (sample backend: one " + SampleBackend.TABLE
                + " row a second to DATABASE_URL; health " + backend.healthUrl() + ")");
        context.out().println("  App login: " + DemoEnvironment.APP_ROLE + " on both (MariaDB: in the .env; PostgreSQL:"
                + " password in " + demo.appTargetPasswordFile() + ", demo only)");
        context.out().println("Stop with Ctrl-C; the data stays in " + workDir.resolve("demo") + " for the next start.");
        return BasculeCli.OK;
    }

    /** The demo reads that password from its own file; an exported variable would win over it (see Secrets). */
    private void warnIfExported(String variable, String setting) {
        String value = context.env().apply(variable);
        if (value != null && !value.isEmpty()) {
            context.err().println("warning: " + variable + " is set in the environment: it wins over the demo's own password"
                    + " file; unset it for the demo (or set " + setting + ")");
        }
    }

    /**
     * The demo user's password: {@code BASCULE_DEMO_PASSWORD} when set, otherwise one generated at the first
     * start and kept in a secret file of the work directory (readable by the owner only).
     */
    private String demoPassword(Path workDir, Map<String, String> settings) {
        int i = 0;
        while (settings.containsKey("bascule.web.users[" + i + "].id")) {
            i++;
        }
        String prefix = "bascule.web.users[" + i + "].";
        settings.put(prefix + "id", DEMO_USER);
        settings.put(prefix + "first-name", "Demo");
        settings.put(prefix + "last-name", "DBA");
        settings.put(prefix + "groups[0]", "camunda-admin");
        settings.put(prefix + "groups[1]", "dba");
        String fromEnv = context.env().apply(DEMO_PASSWORD_ENV);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            settings.put(prefix + "password-env", DEMO_PASSWORD_ENV);
            return fromEnv;
        }
        Path file = workDir.resolve("demo").resolve("demo-password");
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                Files.writeString(file, generate() + "\n", StandardCharsets.UTF_8);
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system: the work directory's own permissions apply
                }
            }
            settings.put(prefix + "password-file", file.toString());
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new ConfigException("cannot write the demo password file " + file + ": " + e.getMessage(), e);
        }
    }

    private static String generate() {
        String alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
