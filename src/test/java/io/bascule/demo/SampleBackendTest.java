package io.bascule.demo;

import io.bascule.appswitch.AppRestart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The sample backend without a database: its restart script in an awkward folder, its refusal codes. */
class SampleBackendTest {

    @Test
    void theRestartScriptWorksInAFolderWithSpacesAndQuotes(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("it's a $HOME \"dir\""));
        Path env = dir.resolve(".env");
        Files.writeString(env, "DATABASE_URL=postgresql://app:pw@127.0.0.1:1/nowhere\n");
        try (SampleBackend backend = SampleBackend.start(env, "DATABASE_URL", 0)) {
            Files.writeString(env, "DATABASE_URL=mysql://app:pw@127.0.0.1:1/elsewhere\n");
            AppRestart.RestartResult r = new AppRestart(backend.restartCommand(), Duration.ofSeconds(20), null,
                    Duration.ofMillis(100), Map.of("PATH", System.getenv("PATH")), dir).restart();
            assertThat(r.status()).as(r.message()).isEqualTo(AppRestart.RestartStatus.SUCCEEDED);
            assertThat(r.lastLines()).containsExactly("demo backend restarted: it writes to mysql://***@127.0.0.1:1/elsewhere now");
            SampleBackend.Status s = backend.status();
            assertThat(s.database()).isEqualTo("mysql");
            assertThat(s.restarts()).isEqualTo(1);
            assertThat(s.healthy()).isFalse();
            assertThat(backend.requestFile()).doesNotExist();
        }
    }

    @Test
    void readOnlyRefusalsAreToldFromOtherFailures() {
        assertThat(SampleBackend.isRefusal(new SQLException("cannot execute INSERT in a read-only transaction", "25006"))).isTrue();
        assertThat(SampleBackend.isRefusal(new SQLException("The MariaDB server is running with the --read-only option", "HY000", 1290))).isTrue();
        assertThat(SampleBackend.isRefusal(new SQLException("read only mode", "HY000", 1836))).isTrue();
        assertThat(SampleBackend.isRefusal(new SQLException("wrapped", new SQLException("ro", "25006")))).isTrue();
        assertThat(SampleBackend.isRefusal(new SQLException("Table 'akig.audit_logs' doesn't exist", "42S02", 1146))).isFalse();
        assertThat(SampleBackend.isRefusal(new SQLException("terminating connection due to administrator command", "57P01"))).isFalse();
    }
}
