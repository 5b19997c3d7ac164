package io.bascule.cli;

import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.StaleTestDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;

/**
 * The base of the tests that need the state a cutover works on ({@link RollbackWorld}: a MariaDB of their own with
 * grant tables on, the shared embedded PostgreSQL): started once per test class, MySQL made writable again after each
 * test (read_only is global), stopped after the class.
 */
@ExtendWith(EmbeddedDatabases.class)
abstract class WithRollbackWorld {

    static RollbackWorld world;

    @BeforeAll
    static void startWorld() throws Exception {
        StaleTestDirs.clean();
        world = RollbackWorld.start(Path.of("target", "world-" + ProcessHandle.current().pid() + "-" + System.nanoTime())
                .toAbsolutePath());
    }

    @AfterAll
    static void stopWorld() {
        if (world != null) {
            world.close();
            world = null;
        }
    }

    @AfterEach
    void writableAgain() throws Exception {
        world.setWritable();
    }
}
