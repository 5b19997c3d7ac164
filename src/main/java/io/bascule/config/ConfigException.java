package io.bascule.config;

/**
 * Bad input from the user (a flag, the environment, a config file, a secret file). Its message is one
 * line naming what is wrong and how to fix it; the CLI prints it as is and exits non-zero.
 */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
