package io.bascule.cli;

import io.bascule.BasculeApplication;
import io.bascule.config.BasculeProperties;
import io.bascule.config.ConfigException;
import io.bascule.config.Secrets;
import io.bascule.config.SettingsResolver;
import io.bascule.process.RunOwnership;
import io.bascule.web.WebUsers;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;

import java.nio.file.Path;
import java.util.Map;

/** Starts the Spring Boot application with resolved settings: the web app (serve, demo) or headless (CLI commands). */
final class SpringLauncher {

    static final int DEFAULT_PORT = 8080;

    private SpringLauncher() {
    }

    /**
     * Checks what can be checked before starting (work directory, web users and their passwords, port),
     * then starts the application. {@code onClose} runs when the application stops (Ctrl-C included).
     */
    static ConfigurableApplicationContext start(Map<String, String> settings, Path configFile,
                                                BasculeCli.Context context, Runnable onClose) {
        Path workDir = WorkDirectory.prepare(settings.get("bascule.work-dir"));
        settings.put("bascule.work-dir", workDir.toString());
        BasculeProperties properties = SettingsResolver.bind(settings, configFile);
        WebUsers.check(properties.web().users(), new Secrets(context.env()));
        int port = port(settings);
        Ports.requireFree(port, "the web app", "start with --server.port=PORT");
        ConfigurableApplicationContext app = run(settings, context, true, onClose);
        EngineLock lock = EngineLock.heldFor(workDir);
        if (lock != null && app instanceof org.springframework.boot.web.context.WebServerApplicationContext web) {
            lock.recordPort(web.getWebServer().getPort());
        }
        return app;
    }

    /** Starts the application without a web server: the engine and the runbook services for a CLI command. */
    static ConfigurableApplicationContext startHeadless(Map<String, String> settings, BasculeCli.Context context) {
        Path workDir = WorkDirectory.prepare(settings.get("bascule.work-dir"));
        settings.put("bascule.work-dir", workDir.toString());
        return run(settings, context, false, null);
    }

    private static ConfigurableApplicationContext run(Map<String, String> settings, BasculeCli.Context context,
                                                      boolean web, Runnable onClose) {
        // only the node holding the work directory's lock (EngineLock.acquire, called by the command) executes jobs
        EngineLock lock = EngineLock.heldFor(Path.of(settings.get("bascule.work-dir")));
        settings = new java.util.LinkedHashMap<>(settings);
        settings.put("camunda.bpm.job-execution.enabled", String.valueOf(lock != null));
        RunOwnership.Node node = new RunOwnership.Node(lock == null ? "read-only" : lock.command());
        SpringApplication app = new SpringApplication(BasculeApplication.class);
        if (!web) {
            app.setWebApplicationType(org.springframework.boot.WebApplicationType.NONE);
            app.setLogStartupInfo(false);
            // no web server: leave out the webapps and the REST API, which need one
            // a CLI command creates only the beans it uses: seconds count when a DBA types rollback (warm-up: all)
            settings.putIfAbsent("spring.main.lazy-initialization", "true");
            settings.put("spring.jmx.enabled", "false");
            // Camunda authorization guards what logged-in web and REST users may do (io.bascule.web.AccessControl).
            // A CLI command has no login: whoever can run it holds the work directory, the engine database and the
            // source/target secrets, so engine-side checks would add nothing but a second, weaker gate. Its engine
            // calls (started and completed as user "cli") therefore run unchecked. Its tasks get no per-task
            // authorizations; the dba group works them in Tasklist through its grants on the process definitions.
            settings.put("camunda.bpm.authorization.enabled", "false");
            settings.put("spring.autoconfigure.exclude",
                    "org.camunda.bpm.spring.boot.starter.webapp.CamundaBpmWebappAutoConfiguration,"
                            + "org.camunda.bpm.spring.boot.starter.rest.CamundaBpmRestJerseyAutoConfiguration");
        }
        app.addInitializers(ctx -> ctx.getBeanFactory().registerSingleton("secrets", new Secrets(context.env())));
        app.addInitializers(ctx -> ctx.getBeanFactory().registerSingleton("runNode", node));
        app.addListeners(event -> {
            if (event instanceof ContextClosedEvent) {
                if (onClose != null) {
                    onClose.run();
                }
                if (lock != null) {
                    lock.close();
                }
            }
        });
        String[] args = settings.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        try {
            return app.run(args);
        } catch (RuntimeException e) {
            if (lock != null) {
                lock.close();
            }
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof PortInUseException p) {
                    throw new ConfigException("port " + p.getPort() + " for the web app is already in use; stop the"
                            + " process holding it or start with --server.port=PORT", e);
                }
            }
            throw e;
        }
    }

    static int port(Map<String, String> settings) {
        String p = settings.get("server.port");
        return p == null ? DEFAULT_PORT : Integer.parseInt(p.strip());
    }

    static void printAccess(BasculeCli.Context context, int port) {
        String base = "http://localhost:" + port;
        context.out().println("  Tasklist: " + base + "/camunda/app/tasklist/");
        context.out().println("  Cockpit:  " + base + "/camunda/app/cockpit/");
        context.out().println("  REST:     " + base + "/engine-rest (HTTP Basic, same users)");
        context.out().println("  Audit:    " + base + "/audit/ (finished and running runbooks; HTTP Basic, same users)");
        context.out().println("  Metrics:  " + base + "/actuator/prometheus (PostgreSQL surveillance; HTTP Basic, same users)");
        // ---- Surveillance live page (issue 12) ----
        context.out().println("  Live:     " + base + "/surveillance/ (PostgreSQL surveillance, live; HTTP Basic, same users)");
    }
}
