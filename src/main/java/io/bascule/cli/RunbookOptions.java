package io.bascule.cli;

import io.bascule.config.BasculeProperties;
import io.bascule.config.Secrets;
import io.bascule.config.SettingsResolver;
import io.bascule.database.DatabaseEndpoint;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The connection and runbook options every command takes. Each one is also settable in the YAML file
 * given with {@code --config} and in the environment; flags win over the environment, which wins over
 * the file. Passwords are not options: see the README.
 */
public class RunbookOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "YAML runbook config (bascule.*, server.*, camunda.* keys)")
    Path config;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "work directory: engine history, certificates, reports (default ./bascule-work)")
    String workDir;

    @Option(names = "--source-url", paramLabel = "JDBC_URL", description = "source MySQL/MariaDB JDBC URL")
    String sourceUrl;

    @Option(names = "--source-user", paramLabel = "USER", description = "source user (password: BASCULE_SOURCE_PASSWORD)")
    String sourceUser;

    @Option(names = "--target-url", paramLabel = "JDBC_URL", description = "target PostgreSQL JDBC URL")
    String targetUrl;

    @Option(names = "--target-user", paramLabel = "USER", description = "target user (password: BASCULE_TARGET_PASSWORD)")
    String targetUser;

    @Option(names = "--target-schema", paramLabel = "SCHEMA", description = "target PostgreSQL schema")
    String targetSchema;

    @Option(names = "--app-env-file", paramLabel = "FILE", description = "the application's .env file")
    String appEnvFile;

    @Option(names = "--app-env-key", paramLabel = "KEY", description = "key of the database URL in the .env file (default DATABASE_URL)")
    String appEnvKey;

    @Option(names = "--app-target-url", paramLabel = "URL", description = "database URL the application gets at cutover")
    String appTargetUrl;

    @Option(names = "--bpmn-dir", paramLabel = "DIR", description = "deploy BPMN models from DIR instead of the built-in ones")
    String bpmnDir;

    @Option(names = "--forms-dir", paramLabel = "DIR", description = "deploy Camunda forms from DIR instead of the built-in ones")
    String formsDir;

    @Option(names = "--engine-db-url", paramLabel = "JDBC_URL", description = "engine database (default: H2 file in the work directory)")
    String engineDbUrl;

    @Option(names = "--engine-db-user", paramLabel = "USER", description = "engine database user (password: BASCULE_ENGINE_DB_PASSWORD)")
    String engineDbUser;

    /**
     * The settings of a command: config file, environment and these flags (and the web port, when the command has
     * one), validated.
     */
    Map<String, String> resolve(BasculeCli.Context context, Integer serverPort) {
        Map<String, String> flags = asProperties();
        if (serverPort != null) {
            flags.put("server.port", String.valueOf(serverPort));
        }
        return new SettingsResolver(context.env()).resolve(config, flags);
    }

    /** Checks before anything starts that a source and a target of the right kinds are given. */
    void requireConnections(Map<String, String> settings, BasculeCli.Context context) {
        BasculeProperties props = SettingsResolver.bind(settings, config);
        Secrets secrets = new Secrets(context.env());
        DatabaseEndpoint.of(DatabaseEndpoint.Side.SOURCE, props.source(), secrets);
        DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, props.target(), secrets);
    }

    /** The flags that were given, by property name. */
    Map<String, String> asProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        put(p, "bascule.work-dir", workDir);
        put(p, "bascule.source.url", sourceUrl);
        put(p, "bascule.source.user", sourceUser);
        put(p, "bascule.target.url", targetUrl);
        put(p, "bascule.target.user", targetUser);
        put(p, "bascule.target.schema", targetSchema);
        put(p, "bascule.app.env-file", appEnvFile);
        put(p, "bascule.app.env-key", appEnvKey);
        put(p, "bascule.app.target-url", appTargetUrl);
        put(p, "bascule.bpmn-dir", bpmnDir);
        put(p, "bascule.forms-dir", formsDir);
        put(p, "bascule.engine.db-url", engineDbUrl);
        put(p, "bascule.engine.db-user", engineDbUser);
        return p;
    }

    private static void put(Map<String, String> p, String key, String value) {
        if (value != null) {
            p.put(key, value);
        }
    }
}
