package io.bascule.platinum;

import io.bascule.appswitch.AppSwitch;
import io.bascule.process.ProcessKeys;
import io.bascule.process.ProcessVariables;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whether the cutover still stands, on the in-memory engine with stand-ins of the cutover and rollback runbooks (same
 * process keys) and an application's {@code .env} in a temporary folder: a rollback since that ended ROLLED_BACK, or the
 * file pointing to MySQL again (by hand, or restored by Bascule), means it does not; a rollback's dry run, a rollback
 * before the cutover, one still running and an unreadable file do not decide.
 */
class CutoverStandingTest {

    @RegisterExtension
    static ProcessEngineExtension engine = ProcessEngineExtension.builder().configurationResource("camunda-unit.cfg.xml").build();

    static final Instant T0 = Instant.parse("2026-12-01T02:00:00Z");
    static final String PG_URL = "postgresql://app:app-secret@pg.example.org:5432/shop";
    static final String MYSQL_URL = "mysql://app:app-secret@mysql.example.org:3306/shop";

    ProcessEngine processEngine;
    String deploymentId;

    @TempDir
    Path dir;

    @BeforeEach
    void deploy() {
        deploymentId = processEngine.getRepositoryService().createDeployment()
                .addModelInstance("cutover.bpmn", PlatinumHistoryTest.model(ProcessKeys.CUTOVER))
                .addModelInstance("rollback.bpmn", PlatinumHistoryTest.model(ProcessKeys.ROLLBACK)).deploy().getId();
    }

    @AfterEach
    void undeploy() {
        ClockUtil.reset();
        processEngine.getRepositoryService().deleteDeployment(deploymentId, true);
    }

    private void at(int minutes) {
        ClockUtil.setCurrentTime(Date.from(T0.plusSeconds(60L * minutes)));
    }

    /** A run of the stand-in started at minute {@code startAt}; ended with the outcome unless {@code outcome} is null. */
    private String run(String key, int startAt, String outcome) {
        at(startAt);
        ProcessInstance pi = processEngine.getRuntimeService().startProcessInstanceByKey(key,
                Map.of(ProcessVariables.REASON, "users report errors"));
        if (outcome != null) {
            processEngine.getRuntimeService().setVariable(pi.getId(), ProcessVariables.OUTCOME, outcome);
            processEngine.getTaskService().complete(processEngine.getTaskService().createTaskQuery().processInstanceId(pi.getId())
                    .singleResult().getId());
        }
        return pi.getId();
    }

    private CutoverStanding standing(AppSwitch file) {
        return new CutoverStanding(processEngine.getHistoryService(), file);
    }

    private Path env(String url) throws Exception {
        return Files.writeString(dir.resolve(".env"), "NODE_ENV=production\nDATABASE_URL=" + url + "\n");
    }

    @Test
    void withoutRollbackOrFileTheCutoverStands() {
        String cutover = run(ProcessKeys.CUTOVER, 0, "CUTOVER_SUCCESSFUL");
        at(60);
        CutoverStanding.Standing s = standing(null).check(cutover, T0.plusSeconds(600));
        assertThat(s.stands()).isTrue();
        assertThat(s.since()).as("the cutover's start from the history").isEqualTo(T0);
        assertThat(s.line()).startsWith("the cutover still stands: the application runs on PostgreSQL")
                .contains("no rollback run since 2026-12-01 02:00:00.000 UTC")
                .contains("no application config file is configured (bascule.app.env-file)");
    }

    @Test
    void aRollbackSinceThatRolledBackMeansItNoLongerStands() {
        run(ProcessKeys.ROLLBACK, 0, "ROLLED_BACK");   // a rollback before this cutover: not this one's
        String cutover = run(ProcessKeys.CUTOVER, 10, "CUTOVER_SUCCESSFUL");
        run(ProcessKeys.ROLLBACK, 20, "DRY_RUN_PASSED");
        String running = run(ProcessKeys.ROLLBACK, 30, null);
        assertThat(standing(null).check(cutover, T0).stands()).as("a dry run and a running rollback do not decide").isTrue();
        assertThat(standing(null).check(cutover, T0).line()).contains("ended DRY_RUN_PASSED: the application was not put back",
                "rollback " + running + " started at 2026-12-01 02:30:00.000 UTC is still running");

        String rolledBack = run(ProcessKeys.ROLLBACK, 40, "ROLLED_BACK");
        CutoverStanding.Standing s = standing(null).check(cutover, T0);
        assertThat(s.stands()).isFalse();
        assertThat(s.line()).startsWith("PLATINUM NOT APPLICABLE: the cutover was rolled back since 2026-12-01 02:10:00.000 UTC")
                .contains("rollback " + rolledBack + " ended ROLLED_BACK at 2026-12-01 02:40:00.000 UTC (reason: users report errors)");

        // started by hand, without a cutover id: startedAt marks the cutover
        assertThat(standing(null).check(null, T0.plusSeconds(45 * 60)).stands()).isTrue();
        assertThat(standing(null).check("no-such-cutover", T0.plusSeconds(35 * 60)).line())
                .contains("cutover no-such-cutover is not in the engine's history");
        assertThat(standing(null).check("no-such-cutover", T0.plusSeconds(35 * 60)).stands()).isFalse();
    }

    @Test
    void theApplicationsFilePointingToMySqlAgainMeansItNoLongerStands() throws Exception {
        String cutover = run(ProcessKeys.CUTOVER, 0, "CUTOVER_SUCCESSFUL");
        Path env = env(PG_URL);
        CutoverStanding.Standing on = standing(new AppSwitch(env, "DATABASE_URL", dir.resolve("work"))).check(cutover, T0);
        assertThat(on.stands()).isTrue();
        assertThat(on.line()).contains("DATABASE_URL in " + env + " points to PostgreSQL").doesNotContain("app-secret");

        env(MYSQL_URL);   // put back by hand
        CutoverStanding.Standing off = standing(new AppSwitch(env, "DATABASE_URL", dir.resolve("work"))).check(cutover, T0);
        assertThat(off.stands()).isFalse();
        assertThat(off.line()).contains("points to MySQL again").doesNotContain("app-secret");

        // an unreadable file (or key) does not decide
        Files.delete(env);
        CutoverStanding.Standing unknown = standing(new AppSwitch(env, "DATABASE_URL", dir.resolve("work"))).check(cutover, T0);
        assertThat(unknown.stands()).isTrue();
        assertThat(unknown.line()).contains("could not be read").contains("it does not decide");
    }

    @Test
    void aSwitchRestoredByBasculeMeansItNoLongerStands() throws Exception {
        String cutover = run(ProcessKeys.CUTOVER, 0, "CUTOVER_SUCCESSFUL");
        Path env = env(MYSQL_URL);
        AppSwitch file = new AppSwitch(env, "DATABASE_URL", dir.resolve("work"));
        file.switchTo(PG_URL);
        assertThat(standing(file).check(cutover, T0).stands()).isTrue();
        file.restore();
        CutoverStanding.Standing s = standing(file).check(cutover, T0);
        assertThat(s.stands()).isFalse();
        assertThat(s.line()).contains("Bascule's switch record says it was restored to MySQL at");
    }
}
