package io.bascule.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Reads passwords from an environment variable or a secret file, never from flags or config values.
 * Messages name the variable or the file, never the value.
 */
public final class Secrets {

    private final Function<String, String> environment;

    public Secrets(Function<String, String> environment) {
        this.environment = environment;
    }

    public static Secrets fromSystemEnvironment() {
        return new Secrets(System::getenv);
    }

    /**
     * @param what    what the password is for, as the user knows it ("source database", "web user 'alice'")
     * @param envVar  environment variable to read first (may be null)
     * @param file    secret file to read otherwise (may be null)
     */
    public String require(String what, String envVar, Path file) {
        if (envVar != null && !envVar.isBlank()) {
            String value = environment.apply(envVar);
            if (value != null && !value.isEmpty()) {
                return value;
            }
            if (file == null) {
                throw new ConfigException("password for " + what + " is missing: environment variable "
                        + envVar + " is not set; export it (or give a secret file) and run again");
            }
        }
        if (file != null) {
            return readFile(what, file);
        }
        throw new ConfigException("no password source for " + what
                + ": set an environment variable (password-env) or a secret file (password-file)");
    }

    /**
     * Like {@link #require} for a database that may have no password (a local demo server): null when the
     * variable is unset and no file is given; a given file must be readable.
     */
    public String optional(String envVar, Path file, String what) {
        if (envVar != null) {
            String value = environment.apply(envVar);
            if (value != null && !value.isEmpty()) {
                return value;
            }
        }
        return file == null ? null : readFile(what, file);
    }

    private static String readFile(String what, Path file) {
        try {
            String value = Files.readString(file, StandardCharsets.UTF_8);
            value = value.strip();
            if (value.isEmpty()) {
                throw new ConfigException("secret file " + file + " for " + what + " is empty; write the password into it");
            }
            return value;
        } catch (IOException e) {
            throw new ConfigException("cannot read secret file " + file + " for " + what + " ("
                    + e.getClass().getSimpleName() + "); check the path and its permissions", e);
        }
    }
}
