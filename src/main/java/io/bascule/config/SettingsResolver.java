package io.bascule.config;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.BindHandler;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Merges the three sources of settings (config file, environment, flags, in rising precedence) into
 * Spring property names, and checks them against {@link BasculeProperties} before anything starts, so
 * that a misspelt key or a wrong value is one clear line, not a stack trace.
 */
public final class SettingsResolver {

    /** Settings that can come from the environment, and their variables. */
    static final List<String> ENV_SETTABLE = List.of(
            "bascule.work-dir", "bascule.bpmn-dir", "bascule.forms-dir",
            "bascule.source.url", "bascule.source.user",
            "bascule.target.url", "bascule.target.user", "bascule.target.schema",
            "bascule.app.env-file", "bascule.app.env-key", "bascule.app.target-url",
            "bascule.engine.db-url", "bascule.engine.db-user", "server.port");

    private final Function<String, String> environment;

    public SettingsResolver(Function<String, String> environment) {
        this.environment = environment;
    }

    public static String envVarOf(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * @param configFile the {@code --config} file, or null
     * @param flags      flags given on the command line, by property name
     */
    public Map<String, String> resolve(Path configFile, Map<String, String> flags) {
        Map<String, String> merged = new LinkedHashMap<>();
        if (configFile != null) {
            merged.putAll(ConfigFile.load(configFile));
        }
        for (String property : ENV_SETTABLE) {
            String value = environment.apply(envVarOf(property));
            if (value != null && !value.isBlank()) {
                merged.put(property, value);
            }
        }
        merged.putAll(flags);
        validate(merged, configFile);
        return merged;
    }

    /** Binds the {@code bascule.*} settings strictly: unknown keys and unconvertible values are errors. */
    public static BasculeProperties bind(Map<String, String> settings, Path configFile) {
        Binder binder = new Binder(new MapConfigurationPropertySource(settings));
        String origin = configFile == null ? "settings" : "config file " + configFile;
        try {
            return binder.bindOrCreate("bascule", Bindable.of(BasculeProperties.class),
                    new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
        } catch (BindException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnboundConfigurationPropertiesException unbound) {
                String keys = unbound.getUnboundProperties().stream()
                        .map(ConfigurationProperty::getName).map(Object::toString).sorted()
                        .collect(Collectors.joining(", "));
                throw new ConfigException(origin + ": unknown key(s) " + keys
                        + "; check the spelling against the configuration reference in the README", e);
            }
            String property = e.getProperty() == null ? e.getName().toString() : e.getProperty().getName().toString();
            String value = e.getProperty() == null ? "" : " '" + e.getProperty().getValue() + "'";
            String reason = cause == null ? e.getMessage() : rootMessage(cause);
            throw new ConfigException(origin + ": invalid value" + value + " for " + property + " (" + reason + ")", e);
        }
    }

    private static void validate(Map<String, String> settings, Path configFile) {
        bind(settings, configFile);
        String port = settings.get("server.port");
        if (port != null) {
            try {
                int p = Integer.parseInt(port.strip());
                if (p < 0 || p > 65535) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new ConfigException("invalid server.port '" + port + "': give a number from 1 to 65535");
            }
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m == null ? root.getClass().getSimpleName() : m.replaceAll("\\s+", " ");
    }
}
