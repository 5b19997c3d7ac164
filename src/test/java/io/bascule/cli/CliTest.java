package io.bascule.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The command-line contract: help, usage errors, pending commands and the one-line errors of bad input. */
class CliTest {

    @TempDir
    Path tmp;

    @Test
    void helpListsEveryCommandWithOneLine() {
        CliRun run = CliRun.of("--help");
        assertThat(run.exitCode()).isZero();
        for (String command : new String[]{"serve", "demo", "migrate", "verify", "audit", "cutover", "rollback", "monitor", "report"}) {
            assertThat(run.out()).containsPattern("(?m)^  " + command + " +\\S");
        }
        assertThat(run.out()).contains("BASCULE_SOURCE_PASSWORD");
    }

    @Test
    void commandHelpListsTheContractOptions() {
        CliRun run = CliRun.of("cutover", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--dry-run", "--confirm", "--config", "--source-url", "--source-user",
                "--target-url", "--target-user", "--target-schema", "--app-env-file", "--app-env-key",
                "--app-target-url", "--work-dir");
        assertThat(run.out()).doesNotContain("--source-password", "--target-password");
    }

    @Test
    void unknownCommandPrintsUsageAndExits2() {
        CliRun run = CliRun.of("frobnicate");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Unmatched argument at index 0: 'frobnicate'").contains("Usage: bascule");
        assertThat(run.outcome().keepRunning()).isFalse();
    }

    @Test
    void auditTakesAnInstanceOrALastKeyNotBoth() {
        CliRun run = CliRun.of("audit", "some-id", "--last", "goldMigration");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("mutually exclusive").contains("Usage: bascule audit");
    }

    @Test
    void unknownOptionPrintsUsageAndExits2() {
        CliRun run = CliRun.of("serve", "--no-such-option");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Unknown option: '--no-such-option'").contains("Usage: bascule serve");
    }

    @Test
    void passwordsAreNotAcceptedAsFlags() {
        CliRun run = CliRun.of("migrate", "--source-password", "s3cr3t-value");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("passwords are not accepted as flags").contains("BASCULE_SOURCE_PASSWORD")
                .contains("Usage: bascule migrate").doesNotContain("s3cr3t-value");
    }

    @Test
    void noCommandPrintsUsageAndExits2() {
        CliRun run = CliRun.of();
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Usage: bascule").contains("no command given");
    }

    @Test
    void reportWithoutATargetSaysWhichFlagIsMissingAndCreatesNothing() {
        Path work = tmp.resolve("report-work");
        CliRun run = CliRun.of("report", "--json", "--work-dir", work.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo("error: no target database given: set --target-url (or bascule.target.url in the config file)");
        assertThat(run.out()).isEmpty();
        assertThat(work).doesNotExist();
    }

    @Test
    void migrateWithoutASourceSaysWhichFlagIsMissing() {
        CliRun run = CliRun.of("migrate", "--work-dir", tmp.resolve("w").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo("error: no source database given: set --source-url (or bascule.source.url in the config file)");
    }

    @Test
    void migrateRefusesATargetUrlOfTheWrongKind() {
        CliRun run = CliRun.of("migrate", "--source-url", "jdbc:mysql://127.0.0.1:1/x", "--target-url", "jdbc:mysql://user:pw@h/x");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("--target-url jdbc:mysql://***@h/x is not a jdbc:postgresql://").doesNotContain("pw");
    }

    @Test
    void anUnreachableServerIsOneLineNamingIt() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        CliRun run = CliRun.of("verify", "--source-url", "jdbc:mysql://127.0.0.1:" + closed + "/legacy", "--target-url",
                "jdbc:postgresql://127.0.0.1:" + closed + "/new", "--work-dir", tmp.resolve("w").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        // the run's end first (the runner names how the process ended), then the reason, on one line
        assertThat(run.err().strip()).startsWith("error: Verify source and target ended 'Verification failed': cannot reach"
                        + " the source database jdbc:mysql://127.0.0.1:" + closed + "/legacy")
                .endsWith("check host, port and that the server runs").doesNotContain("\n");
    }

    @Test
    void malformedConfigIsOneLineNamingTheLineAndLeavesNoWorkDirectory() throws IOException {
        Path config = tmp.resolve("bad.yml");
        Files.writeString(config, "bascule:\n  source:\n    url: [unclosed\n  target: x\n");
        Path workDir = tmp.resolve("work");
        CliRun run = CliRun.of("serve", "--config", config.toString(), "--work-dir", workDir.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("error: config file " + config + " is not valid YAML at line ");
        assertThat(run.err().strip()).doesNotContain("\n");
        assertThat(workDir).doesNotExist();
    }

    @Test
    void missingConfigFileIsNamed() {
        CliRun run = CliRun.of("serve", "--config", tmp.resolve("nope.yml").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("config file " + tmp.resolve("nope.yml") + " does not exist");
    }

    @Test
    void unknownConfigKeyIsNamed() throws IOException {
        Path config = tmp.resolve("typo.yml");
        Files.writeString(config, "bascule:\n  sourse:\n    url: jdbc:mysql://db/x\n");
        CliRun run = CliRun.of("serve", "--config", config.toString(), "--work-dir", tmp.resolve("w").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("unknown key(s) bascule.sourse.url");
    }

    @Test
    void wrongValueTypeIsNamed() throws IOException {
        Path config = tmp.resolve("type.yml");
        Files.writeString(config, "bascule:\n  business-checks:\n    - name: x\n      sql: SELECT 1\n      max-duration: fast\n");
        CliRun run = CliRun.of("serve", "--config", config.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("invalid value 'fast'").contains("max-duration");
    }

    @Test
    void passwordInConfigFileIsRefused() throws IOException {
        Path config = tmp.resolve("pw.yml");
        Files.writeString(config, "bascule:\n  source:\n    url: jdbc:mysql://db/x\n    password: hunter2\n");
        CliRun run = CliRun.of("serve", "--config", config.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("'bascule.source.password' holds a password").doesNotContain("hunter2");
    }

    @Test
    void missingPasswordVariableIsNamed() throws IOException {
        Path config = usersConfig("ALICE_WEB_PASSWORD");
        CliRun run = CliRun.of(Map.of(), "serve", "--config", config.toString(), "--work-dir", tmp.resolve("w").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("password for web user 'alice' is missing: environment variable ALICE_WEB_PASSWORD is not set");
    }

    @Test
    void serveWithoutWebUsersIsRefused() {
        CliRun run = CliRun.of("serve", "--work-dir", tmp.resolve("w").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("no web user is configured");
    }

    @Test
    void unwritableWorkDirectoryIsNamed() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "not a directory");
        Path config = usersConfig("ALICE_WEB_PASSWORD");
        CliRun run = CliRun.of(Map.of("ALICE_WEB_PASSWORD", "pw-for-test"), "serve", "--config", config.toString(),
                "--work-dir", file.resolve("work").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("error: work directory " + file.resolve("work") + " is not writable")
                .contains("--work-dir");
        assertThat(file).hasContent("not a directory");
    }

    @Test
    void portInUseIsOneClearLine() throws IOException {
        Path config = usersConfig("ALICE_WEB_PASSWORD");
        try (ServerSocket taken = new ServerSocket(0)) {
            int port = taken.getLocalPort();
            CliRun run = CliRun.of(Map.of("ALICE_WEB_PASSWORD", "pw-for-test"), "serve", "--config", config.toString(),
                    "--work-dir", tmp.resolve("w").toString(), "--server.port=" + port);
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err().strip()).isEqualTo("error: port " + port + " for the web app is already in use;"
                    + " stop the process holding it or start with --server.port=PORT");
            assertThat(run.outcome().keepRunning()).isFalse();
        }
    }

    @Test
    void invalidPortIsRefused() {
        CliRun run = CliRun.of("serve", "--server.port=99999");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("invalid server.port '99999'");
    }

    @Test
    void environmentSettingsApplyAndFlagsWin() {
        var resolver = new io.bascule.config.SettingsResolver(Map.of(
                "BASCULE_SOURCE_URL", "jdbc:mysql://env-host/db", "BASCULE_TARGET_URL", "jdbc:postgresql://env/db")::get);
        Map<String, String> settings = resolver.resolve(null, Map.of("bascule.target.url", "jdbc:postgresql://flag/db"));
        assertThat(settings).containsEntry("bascule.source.url", "jdbc:mysql://env-host/db")
                .containsEntry("bascule.target.url", "jdbc:postgresql://flag/db");
    }

    private Path usersConfig(String passwordEnv) throws IOException {
        Path config = tmp.resolve("users.yml");
        Files.writeString(config, """
                bascule:
                  web:
                    users:
                      - id: alice
                        groups: [camunda-admin, dba]
                        password-env: %s
                """.formatted(passwordEnv));
        return config;
    }
}
