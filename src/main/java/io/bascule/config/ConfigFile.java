package io.bascule.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A YAML runbook config file, flattened to Spring property names ({@code bascule.source.url},
 * {@code bascule.web.users[0].id}, {@code server.port} ...). Syntax errors name the line and column.
 */
public final class ConfigFile {

    /** Top-level keys a config file may hold: Bascule's own and the frameworks' it passes on. */
    static final Set<String> ROOTS = Set.of("bascule", "server", "camunda", "spring", "logging", "management");

    private ConfigFile() {
    }

    public static Map<String, String> load(Path file) {
        Object root;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist; check the path given to --config");
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark();
            String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            throw new ConfigException("config file " + file + " is not valid YAML" + where + ": "
                    + oneLine(e.getProblem()) + "; fix the file and run again", e);
        } catch (YAMLException e) {
            throw new ConfigException("config file " + file + " is not valid YAML: " + oneLine(e.getMessage()), e);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + " (" + e.getClass().getSimpleName()
                    + "); check the path and its permissions", e);
        }
        Map<String, String> flat = new LinkedHashMap<>();
        if (root == null) {
            return flat;
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new ConfigException("config file " + file + " must be a YAML mapping with a top-level 'bascule:' key");
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (!ROOTS.contains(key)) {
                throw new ConfigException("config file " + file + ": unknown top-level key '" + key
                        + "'; allowed are " + String.join(", ", ROOTS.stream().sorted().toList()));
            }
            flatten(key, e.getValue(), flat);
        }
        for (String key : flat.keySet()) {
            if (key.matches("(?i).*\\.password$")) { // spring.mail.password too: bascule.notify.password-env/-file
                throw new ConfigException("config file " + file + ": '" + key + "' holds a password; passwords are"
                        + " never read from config files: use " + (key.startsWith("spring.mail") ? "bascule.notify." : "")
                        + "password-env (an environment variable) or " + (key.startsWith("spring.mail") ? "bascule.notify." : "")
                        + "password-file");
            }
        }
        return flat;
    }

    private static void flatten(String prefix, Object value, Map<String, String> out) {
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                flatten(prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                flatten(prefix + "[" + i + "]", list.get(i), out);
            }
        } else if (value != null) {
            out.put(prefix, String.valueOf(value));
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").strip();
    }
}
