package io.bascule.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything a runbook is configured with, under the {@code bascule} prefix: from flags, the environment
 * ({@code BASCULE_SOURCE_URL} ...) or a YAML file given with {@code --config}. No password is ever a
 * property: passwords come from an environment variable or a secret file (see {@link Secrets}).
 */
@Validated
@ConfigurationProperties(prefix = "bascule")
public record BasculeProperties(
        @DefaultValue("./bascule-work") Path workDir,
        Path bpmnDir,
        Path formsDir,
        @DefaultValue @Valid Connection source,
        @DefaultValue @Valid Connection target,
        @DefaultValue @Valid App app,
        @DefaultValue @Valid Engine engine,
        @DefaultValue @Valid Web web,
        @DefaultValue @Valid Migration migration,
        @DefaultValue @Valid List<BusinessCheck> businessChecks) {

    /** A database connection. The password comes from {@code passwordEnv} or {@code passwordFile}. */
    public record Connection(String url, String user, String schema, String passwordEnv, Path passwordFile) {
    }

    /** The application being switched: its env file and the key holding the database URL. */
    public record App(Path envFile, @DefaultValue("DATABASE_URL") String envKey, String targetUrl,
                      String healthUrl, String restartCommand) {
    }

    /** The engine's own database (history, audit trail); an H2 file in the work directory by default. */
    public record Engine(String dbUrl, @DefaultValue("sa") String dbUser) {
    }

    /**
     * How the GOLD migration converts and copies (see docs/type-mapping.md).
     *
     * @param parallelism    worker threads for copy and verification; 0 = number of processors (at least 2)
     * @param booleanColumns {@code table.column} of TINYINT(1) columns to carry as boolean, or {@code *}
     * @param typeOverrides  {@code table.column} → PostgreSQL type
     */
    public record Migration(@DefaultValue("0") int parallelism, @DefaultValue("50000") int chunkRows,
                            @DefaultValue("false") boolean lowerCaseNames, @DefaultValue List<String> booleanColumns,
                            @DefaultValue Map<String, String> typeOverrides,
                            @DefaultValue("5s") Duration progressInterval) {
    }

    /** Web users of Tasklist, Cockpit, Admin and REST. */
    public record Web(@DefaultValue List<@Valid WebUser> users) {
    }

    public record WebUser(@NotBlank String id, String firstName, String lastName, String email,
                          @DefaultValue List<String> groups, String passwordEnv, Path passwordFile) {
    }

    /**
     * A business check of the playbook, run on the target (and, with {@code sourceSql}, on the source for
     * comparison): a query with an optional time budget, an index its plan must use, and expected values
     * by result column.
     */
    public record BusinessCheck(@NotBlank String name, String description, @NotBlank String sql, String sourceSql,
                                Duration maxDuration, String expectIndex,
                                @DefaultValue Map<String, String> expect) {
    }
}
