package io.bascule;

import io.bascule.cli.BasculeCli;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The Spring Boot application (Camunda engine, webapps, REST) and the command-line entry point.
 * {@code main} hands the arguments to the CLI, which starts Spring only for the commands that need it.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class BasculeApplication {

    public static void main(String[] args) {
        BasculeCli.main(args);
    }
}
