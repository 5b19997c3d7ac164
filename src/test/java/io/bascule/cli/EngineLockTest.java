package io.bascule.cli;

import io.bascule.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One job-executing node per work directory: the lock across processes, in one JVM, its message, its release on kill -9. */
class EngineLockTest {

    /** A separate process holding the lock as {@code migrate} until it is killed. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            Map<String, String> settings = new HashMap<>(Map.of("bascule.work-dir", args[0]));
            EngineLock.acquire(settings, "migrate");
            System.out.println("held");
            System.out.flush();
            Thread.sleep(120_000);
        }
    }

    private static Map<String, String> settings(Path work) {
        return new HashMap<>(Map.of("bascule.work-dir", work.toString()));
    }

    @Test
    @Timeout(60)
    void anotherProcessHoldingTheWorkDirectoryIsNamedAndItsDeathFreesIt() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "engine-lock-" + ProcessHandle.current().pid() + "-" + System.nanoTime())
                .toAbsolutePath());
        Process holder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Holder.class.getName(), work.toString()))
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.equals("held")) {
                // the JVM's own lines, if any
            }
            assertThat(line).isEqualTo("held");
            assertThatThrownBy(() -> EngineLock.acquire(settings(work), "serve"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("work directory " + work + " is in use by migrate (pid " + holder.pid() + " on host ")
                    .hasMessageContaining("wait for it to end, or stop it (kill " + holder.pid() + "), then start serve again");
        } finally {
            holder.destroyForcibly().waitFor();
        }
        try (EngineLock lock = EngineLock.acquire(settings(work), "serve")) {
            assertThat(EngineLock.heldFor(work)).isSameAs(lock);
            lock.recordPort(8123);
            assertThat(EngineLock.readHolder(work.resolve(EngineLock.FILE))).containsEntry("command", "serve")
                    .containsEntry("port", 8123).containsKey("since");
            // a second command of this JVM (in-process tests, a serve and a CLI run) is refused too
            assertThatThrownBy(() -> EngineLock.acquire(settings(work), "migrate"))
                    .hasMessageContaining("is in use by serve (pid " + ProcessHandle.current().pid())
                    .hasMessageContaining("start the run in its Tasklist at http://localhost:8123/camunda/app/tasklist/, or stop"
                            + " serve and run migrate again");
        }
        assertThat(EngineLock.heldFor(work)).isNull();
        EngineLock.acquire(settings(work), "verify").close();
    }
}
