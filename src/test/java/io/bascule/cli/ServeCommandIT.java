package io.bascule.cli;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bascule serve}: users from the config file with passwords from the environment and a secret file,
 * models from {@code --bpmn-dir} redeployed without rebuilding (a changed model becomes version 2), and the
 * engine history in the work directory surviving a restart.
 */
class ServeCommandIT {

    @Test
    void serveUsesConfiguredUsersAndRedeploysAnEditedModelAsANewVersion() throws Exception {
        Path root = Path.of("target", "serve-it-" + ProcessHandle.current().pid()).toAbsolutePath();
        Path bpmnDir = Files.createDirectories(root.resolve("bpmn"));
        for (String key : new String[]{"goldMigration", "cutover", "rollback", "surveillance", "platinumReport"}) {
            Files.copy(Path.of("bpmn", key + ".bpmn"), bpmnDir.resolve(key + ".bpmn"));
        }
        Path secretFile = Files.writeString(root.resolve("bob.secret"), "bob-secret-for-test\n");
        Path config = Files.writeString(root.resolve("bascule.yml"), """
                bascule:
                  bpmn-dir: %s
                  web:
                    users:
                      - id: alice
                        groups: [camunda-admin, dba]
                        password-env: TEST_ALICE_PASSWORD
                      - id: bob
                        groups: [dba]
                        password-file: %s
                """.formatted(bpmnDir, secretFile));
        Map<String, String> env = Map.of("TEST_ALICE_PASSWORD", "alice-secret-for-test");
        String[] args = {"serve", "--config", config.toString(), "--work-dir", root.resolve("work").toString(), "--server.port=0"};

        String instanceId;
        CliRun first = CliRun.of(env, args);
        try {
            assertThat(first.exitCode()).as(first.err()).isZero();
            String base = baseUrl(first);
            assertThat(Http.get(base + "/engine-rest/process-definition", null, null).statusCode()).isEqualTo(401);
            assertThat(Http.get(base + "/engine-rest/process-definition/key/platinumReport", "alice", "alice-secret-for-test").body())
                    .contains("\"version\":1");
            HttpResponse<String> started = Http.postJson(base + "/engine-rest/process-definition/key/rollback/start", "{}",
                    "bob", "bob-secret-for-test");
            assertThat(started.statusCode()).isEqualTo(200);
            instanceId = started.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        } finally {
            first.outcome().application().close();
        }

        Path platinum = bpmnDir.resolve("platinumReport.bpmn");
        String model = Files.readString(platinum);
        assertThat(model).contains("name=\"Archive MySQL?\"");
        Files.writeString(platinum, model.replace("name=\"Archive MySQL?\"", "name=\"Archive MySQL? (edited)\""));
        CliRun second = CliRun.of(env, args);
        try {
            assertThat(second.exitCode()).as(second.err()).isZero();
            String base = baseUrl(second);
            assertThat(Http.get(base + "/engine-rest/process-definition/key/platinumReport", "alice", "alice-secret-for-test").body())
                    .contains("\"version\":2");
            assertThat(Http.get(base + "/engine-rest/process-definition/key/rollback", "alice", "alice-secret-for-test").body())
                    .as("unchanged models are not redeployed").contains("\"version\":1");
            assertThat(Http.get(base + "/engine-rest/history/process-instance?processInstanceId=" + instanceId, "alice",
                    "alice-secret-for-test").body()).as("history kept in the work directory").contains(instanceId);
        } finally {
            second.outcome().application().close();
        }
    }

    @Test
    void aBrokenModelIsOneClearLine() throws Exception {
        Path root = Path.of("target", "serve-broken-it-" + ProcessHandle.current().pid()).toAbsolutePath();
        Path bpmnDir = Files.createDirectories(root.resolve("bpmn"));
        Files.writeString(bpmnDir.resolve("cutover.bpmn"), "<definitions>not bpmn");
        Path config = Files.writeString(root.resolve("bascule.yml"), """
                bascule:
                  web:
                    users:
                      - id: alice
                        groups: [camunda-admin]
                        password-env: TEST_ALICE_PASSWORD
                """);
        CliRun run = CliRun.of(Map.of("TEST_ALICE_PASSWORD", "alice-secret-for-test"), "serve", "--config", config.toString(),
                "--bpmn-dir", bpmnDir.toString(), "--work-dir", root.resolve("work").toString(), "--server.port=0");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.outcome().keepRunning()).isFalse();
        assertThat(run.err()).startsWith("error: deploying the BPMN models and forms failed").contains("cutover.bpmn");
        assertThat(run.err().strip()).doesNotContain("\n");
    }

    private static String baseUrl(CliRun run) {
        var ctx = (org.springframework.boot.web.context.WebServerApplicationContext) run.outcome().application();
        return "http://localhost:" + ctx.getWebServer().getPort();
    }
}
