package io.bascule.process;

import io.bascule.config.BasculeProperties;
import io.bascule.config.Secrets;
import io.bascule.config.SettingsResolver;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The decision whether a command takes over an active run: owner alive, dead, reused pid, other host, other settings. */
class StaleRunsTest {

    private static final Instant DEAD_START = Instant.parse("2026-12-01T10:00:00Z");

    private static BasculeProperties props(String targetSchema) {
        Map<String, String> s = new HashMap<>();
        s.put("bascule.work-dir", "/srv/bascule-work");
        s.put("bascule.source.url", "jdbc:mysql://db1:3306/shop?password=hunter2");
        s.put("bascule.source.user", "root");
        s.put("bascule.target.url", "jdbc:postgresql://pg1:5432/shop");
        s.put("bascule.target.user", "postgres");
        if (targetSchema != null) {
            s.put("bascule.target.schema", targetSchema);
        }
        return SettingsResolver.bind(s, null);
    }

    private static RunOwner owner(String host, long pid, Instant started, String command, BasculeProperties p) {
        Map<String, String[]> lines = RunOwner.settingLines(host, p, new Secrets(Map.of("BASCULE_TARGET_PASSWORD", "pw")::get));
        return new RunOwner(host, pid, started, command, RunOwner.fingerprint(lines), RunOwner.summary(lines));
    }

    private final RunOwner self = owner("dbhost", 200, Instant.parse("2026-12-01T12:00:00Z"), "migrate", props(null));

    @Test
    void aDeadOwnerOfThisHostWithTheSameSettingsIsTakenOver() {
        RunOwner run = owner("dbhost", 100, DEAD_START, "migrate", props("public"));
        StaleRuns.Decision d = StaleRuns.decide("pi-1", run, self, pid -> Optional.empty());
        assertThat(d.takeOver()).as(d.reason()).isTrue();
        assertThat(d.reason()).contains("migrate (pid 100 on host dbhost").contains("no process 100 is running");
    }

    @Test
    void aReusedProcessIdIsNotTheOwner() {
        RunOwner run = owner("dbhost", 100, DEAD_START, "serve", props(null));
        StaleRuns.Decision d = StaleRuns.decide("pi-1", run, self,
                pid -> Optional.of(Optional.of(DEAD_START.plusSeconds(3600))));
        assertThat(d.takeOver()).as(d.reason()).isTrue();
        assertThat(d.reason()).contains("process id 100 now belongs to a process started at");
    }

    @Test
    void aLivingOwnerIsNotTakenOver() {
        RunOwner run = owner("dbhost", 100, DEAD_START, "serve", props(null));
        StaleRuns.Decision d = StaleRuns.decide("pi-1", run, self, pid -> Optional.of(Optional.of(DEAD_START.plusMillis(900))));
        assertThat(d.takeOver()).isFalse();
        assertThat(d.reason()).contains("serve (pid 100 on host dbhost").contains("still running").contains("kill 100");
        StaleRuns.Decision unknownStart = StaleRuns.decide("pi-1", run, self, pid -> Optional.of(Optional.empty()));
        assertThat(unknownStart.takeOver()).as("alive, start unknown: cannot be told apart from the owner").isFalse();
    }

    @Test
    void anOwnerOnAnotherHostIsNotTakenOver() {
        RunOwner run = owner("otherhost", 100, DEAD_START, "migrate", props(null));
        StaleRuns.Decision d = StaleRuns.decide("pi-1", run, self, pid -> Optional.empty());
        assertThat(d.takeOver()).isFalse();
        assertThat(d.reason()).contains("another host").contains("otherhost").contains("--cancel-stale");
    }

    @Test
    void otherSettingsAreNamedAndRefused() {
        RunOwner run = owner("dbhost", 100, DEAD_START, "migrate", props("sales"));
        StaleRuns.Decision d = StaleRuns.decide("pi-1", run, self, pid -> Optional.empty());
        assertThat(d.takeOver()).isFalse();
        assertThat(d.reason()).contains("is gone").contains("target schema: 'public' here, 'sales' in the run")
                .contains("--cancel-stale").doesNotContain("hunter2");
    }

    @Test
    void aRunWithoutOwnerCannotBeDecided() {
        StaleRuns.Decision d = StaleRuns.decide("pi-1", null, self, pid -> Optional.empty());
        assertThat(d.takeOver()).isFalse();
        assertThat(d.reason()).contains("records no owner").contains("--cancel-stale");
    }

    @Test
    void theSummaryHoldsNoSecretAndTheFingerprintSeesHiddenParts() {
        assertThat(self.settings()).contains("source url: jdbc:mysql://db1:3306/shop?password=***")
                .contains("target password: given").contains("source password: not given")
                .contains("work dir: /srv/bascule-work").contains("target schema: public").doesNotContain("hunter2");
        Map<String, String> s = new HashMap<>(Map.of("bascule.work-dir", "/srv/bascule-work",
                "bascule.source.url", "jdbc:mysql://db1:3306/shop?password=other", "bascule.source.user", "root",
                "bascule.target.url", "jdbc:postgresql://pg1:5432/shop", "bascule.target.user", "postgres"));
        RunOwner otherPassword = owner("dbhost", 200, self.started(), "migrate", SettingsResolver.bind(s, null));
        assertThat(otherPassword.settings()).isEqualTo(self.settings());
        assertThat(otherPassword.fingerprint()).isNotEqualTo(self.fingerprint());
        assertThat(otherPassword.differencesFrom(self)).singleElement().asString().contains("not shown");
    }

    @Test
    void variablesRoundTrip() {
        Map<String, Object> v = self.variables();
        RunOwner back = RunOwner.fromVariables(v::get);
        assertThat(back).isEqualTo(self);
        assertThat(back.sameProcess(self)).isTrue();
        assertThat(RunOwner.fromVariables(name -> null)).isNull();
    }

    @Test
    void aRunThisVeryProcessStartedInAnEarlierCommandIsNobodysNowAndItsSettingsDecide() {
        RunOwner sameSettings = owner("dbhost", 200, Instant.parse("2026-12-01T12:00:01Z"), "rollback", props(null));
        StaleRuns.Decision taken = StaleRuns.decide("pi-1", sameSettings, self, pid -> Optional.of(Optional.of(self.started())));
        assertThat(taken.takeOver()).as(taken.reason()).isTrue();
        assertThat(taken.reason()).contains("this process ran it in an earlier command");
        RunOwner otherSettings = owner("dbhost", 200, self.started(), "rollback", props("other"));
        StaleRuns.Decision refused = StaleRuns.decide("pi-1", otherSettings, self, pid -> Optional.of(Optional.of(self.started())));
        assertThat(refused.takeOver()).isFalse();
        assertThat(refused.reason()).contains("other settings").contains("--cancel-stale");
    }
}
