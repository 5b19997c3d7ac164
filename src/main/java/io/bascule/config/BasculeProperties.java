package io.bascule.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;
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
        @DefaultValue @Valid List<BusinessCheck> businessChecks,
        @DefaultValue @Valid Rollback rollback,
        @DefaultValue @Valid Cutover cutover,
        @DefaultValue @Valid Surveillance surveillance,
        @DefaultValue @Valid Platinum platinum,
        // bound as bascule.notify (a record component cannot be named notify: Object.notify())
        @DefaultValue @Valid @Name("notify") Notify notifications) {

    /** A database connection. The password comes from {@code passwordEnv} or {@code passwordFile}. */
    public record Connection(String url, String user, String schema, String passwordEnv, Path passwordFile) {
    }

    /**
     * The application being switched: its env file and the key holding the database URL; the URL it gets on
     * PostgreSQL, without password: the application's PostgreSQL password is put into it at the switch from
     * {@code targetPasswordEnv} (default {@code BASCULE_APP_TARGET_PASSWORD}) or {@code targetPasswordFile}, when set.
     */
    public record App(Path envFile, @DefaultValue("DATABASE_URL") String envKey, String targetUrl,
                      String healthUrl, String restartCommand, String targetPasswordEnv, Path targetPasswordFile) {
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

    /**
     * The rollback's bounds: how long the drain of the reverse channel may take, and how long to wait for the
     * application's health URL, before the step becomes an incident a DBA looks at; and whether the reverse channel
     * may be armed although the application's MySQL login writes through read-only (refused by default).
     */
    public record Rollback(@DefaultValue("2m") Duration drainTimeout, @DefaultValue("60s") Duration healthTimeout,
                           @DefaultValue("false") boolean allowBypassingAppLogin) {
    }

    /**
     * The cutover's window and war room.
     *
     * @param goTimeout          a GO not given within this abandons the cutover (nothing changed)
     * @param freezeTimeout      the write freeze's bound: exceeded, the cutover rolls back
     * @param fourEyes           the GO must come from another DBA than the one who started the cutover
     * @param backupInsideFreeze the final backups inside the freeze (consistent with the switch, longer freeze) or
     *                           before the GO (shorter freeze)
     * @param window             the announced window, as text ("Sunday 02:00-04:00 CET")
     * @param expectedDowntime   the announced write downtime, as text ("under 5 minutes")
     * @param warRoomLink        the war room's call or chat link
     * @param team               the war room's contacts, in every report and e-mail
     */
    public record Cutover(@DefaultValue("30m") Duration goTimeout, @DefaultValue("15m") Duration freezeTimeout,
                          @DefaultValue("false") boolean fourEyes, @DefaultValue("false") boolean backupInsideFreeze,
                          String window, String expectedDowntime, String warRoomLink,
                          @DefaultValue List<@Valid Contact> team) {
    }

    /**
     * The hour of active watching after the cutover (process {@code surveillance}, command {@code monitor}).
     *
     * @param sampleInterval        how often PostgreSQL is sampled
     * @param maxConnectionUsagePct connections in use over {@code max_connections}, in %, above which the check fails
     *                              and the connections playbook is raised
     * @param maxAvgQueryMs         mean statement time (pg_stat_statements, since the cutover) above which the check fails
     * @param slowQuery             a statement whose mean time is over this is a slow query (playbook "slow queries")
     * @param maxDeadTuplePct       dead tuples of a table, in % of its tuples, above which the check fails
     * @param healthFailures        consecutive failed health probes of the application that raise "backend down"
     * @param idleSessionAge        idle (and idle-in-transaction) sessions older than this are offered to be ended
     * @param longRunning           an active statement or open transaction older than this is listed as long-running
     * @param checklistOffsets      when the checklists fall due, after the surveillance starts (T+15 ... T+60)
     * @param updateInterval        how often stakeholders get an update e-mail with the current figures
     * @param rollbackFirstImpactPct users' reported impact, in %, above which a rollback is proposed first
     * @param samplesKept           how long samples are kept in the work directory (the PLATINUM report reads the last
     *                              24 h, its retries the days after; about 70 MB a day at 5 s)
     */
    public record Surveillance(@DefaultValue("5s") Duration sampleInterval,
                               @DefaultValue("80") double maxConnectionUsagePct,
                               @DefaultValue("100") double maxAvgQueryMs,
                               @DefaultValue("1s") Duration slowQuery,
                               @DefaultValue("5") double maxDeadTuplePct,
                               @DefaultValue("3") int healthFailures,
                               @DefaultValue("5m") Duration idleSessionAge,
                               @DefaultValue("1m") Duration longRunning,
                               @DefaultValue({"15m", "30m", "45m", "60m"}) List<Duration> checklistOffsets,
                               @DefaultValue("15m") Duration updateInterval,
                               @DefaultValue("50") double rollbackFirstImpactPct,
                               @DefaultValue("7d") Duration samplesKept) {
        public Surveillance {
            checklistOffsets = List.copyOf(checklistOffsets == null ? List.of() : checklistOffsets);
            requirePositive("sample-interval", sampleInterval);
            requirePositive("update-interval", updateInterval);
            requirePositive("slow-query", slowQuery);
            for (Duration d : checklistOffsets) {
                requirePositive("checklist-offsets", d);
            }
            if (healthFailures < 1) {
                throw new IllegalArgumentException("bascule.surveillance.health-failures is " + healthFailures
                        + "; give 1 or more consecutive failed probes");
            }
        }
    }

    /**
     * The PLATINUM report (process {@code platinumReport}, command {@code report}).
     *
     * @param after            the report falls due this long after the cutover
     * @param minUptime        PostgreSQL up, without restart, at least this long
     * @param slowQuery        no statement with a mean or max time over this since the cutover
     * @param maxDeadTuplePct  dead tuples of every table under this %
     * @param retryAfter       a refused report is made again after this
     * @param maxRetries       how many times a refused report is made again
     * @param keepSource       MySQL is kept (read-only) at least this long before its archive is offered
     * @param stopSource       after the archive, stop MySQL (true) or leave it read-only (false)
     */
    public record Platinum(@DefaultValue("24h") Duration after, @DefaultValue("23h") Duration minUptime,
                           @DefaultValue("500ms") Duration slowQuery, @DefaultValue("5") double maxDeadTuplePct,
                           @DefaultValue("24h") Duration retryAfter, @DefaultValue("3") int maxRetries,
                           @DefaultValue("7d") Duration keepSource, @DefaultValue("false") boolean stopSource) {
        public Platinum {
            requirePositive("bascule.platinum.after", after);
            requirePositive("bascule.platinum.retry-after", retryAfter);
            if (maxRetries < 0) {
                throw new IllegalArgumentException("bascule.platinum.max-retries is " + maxRetries + "; give 0 or more");
            }
        }
    }

    private static void requirePositive(String key, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            String name = key.startsWith("bascule.") ? key : "bascule.surveillance." + key;
            throw new IllegalArgumentException(name + " is " + d + "; give a positive duration such as 5s or 15m");
        }
    }

    /** A war-room contact: name, role (DBA, DevOps, application owner...), how to reach them. */
    public record Contact(@NotBlank String name, String role, String email, String phone) {
    }

    /** Web users of Tasklist, Cockpit, Admin and REST. */
    public record Web(@DefaultValue List<@Valid WebUser> users) {
    }

    public record WebUser(@NotBlank String id, String firstName, String lastName, String email,
                          @DefaultValue List<String> groups, String passwordEnv, Path passwordFile) {
    }

    /**
     * A business check of the playbook, run on the target (and, with {@code sourceSql}, on the source for
     * comparison): a query with an optional time budget, an index its plan must use, expected values by result
     * column (of the first row, as PostgreSQL prints them) and an expected number of rows ({@code expect-rows}).
     */
    public record BusinessCheck(@NotBlank String name, String description, @NotBlank String sql, String sourceSql,
                                Duration maxDuration, String expectIndex,
                                @DefaultValue Map<String, String> expect, Long expectRows) {
        public BusinessCheck {
            if (expectRows != null && expectRows < 0) {
                throw new IllegalArgumentException("bascule.business-checks '" + name + "': expect-rows is " + expectRows
                        + "; give a number of rows, 0 or more");
            }
            if (maxDuration != null && (maxDuration.isNegative() || maxDuration.isZero())) {
                throw new IllegalArgumentException("bascule.business-checks '" + name + "': max-duration is " + maxDuration
                        + "; give a positive duration such as 100ms or 2s");
            }
        }
    }

    /**
     * Who is told by e-mail (rollback incident, cutover and PLATINUM reports). The SMTP server is Spring's
     * {@code spring.mail.host}, {@code port}, {@code username}, {@code properties.*}; without a host each message
     * is written as an {@code .eml} file in {@code <work-dir>/mail/}. The SMTP password comes only from
     * {@code passwordEnv} (default {@code BASCULE_SMTP_PASSWORD}) or {@code passwordFile}, never from a config file.
     *
     * @param to            recipients, RFC 822 addresses ({@code ops@example.org} or {@code Ops <ops@example.org>})
     * @param templatesDir  a folder whose {@code <name>.txt}/{@code .html} replace the built-in templates (config/mail/)
     */
    public record Notify(@DefaultValue List<String> to, @DefaultValue List<String> cc, String from,
                         @DefaultValue("[Bascule]") String subjectPrefix, Path templatesDir,
                         String passwordEnv, Path passwordFile) {
        public Notify {
            to = List.copyOf(to == null ? List.of() : to);
            cc = List.copyOf(cc == null ? List.of() : cc);
            for (String a : to) {
                checkAddress("to", a);
            }
            for (String a : cc) {
                checkAddress("cc", a);
            }
            if (from != null) {
                checkAddress("from", from);
            }
        }

        private static void checkAddress(String key, String address) {
            try {
                jakarta.mail.internet.InternetAddress[] parsed = jakarta.mail.internet.InternetAddress.parse(address, true);
                if (parsed.length != 1) {
                    throw new jakarta.mail.internet.AddressException("one address per entry");
                }
                parsed[0].validate();
            } catch (jakarta.mail.internet.AddressException e) {
                throw new IllegalArgumentException("bascule.notify." + key + ": '" + address
                        + "' is not an e-mail address (" + e.getMessage() + "); write it as name@example.org");
            }
        }
    }
}
