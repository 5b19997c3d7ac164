package io.bascule.migration;

import io.bascule.database.DatabaseException;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import io.bascule.schema.ConversionPlan;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

import static io.bascule.migration.MigrationFixture.one;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A target disk that fills up during the copy: a real one, a 2 MB tmpfs holding the target's tablespace. The
 * migration stops with an error that says the disk is full and what to do, nothing is certified, and once there
 * is room again a rerun resumes and ends identical. Needs root and a kernel that lets it mount tmpfs (as on the
 * CI machines); elsewhere it is skipped, saying why.
 */
@ExtendWith(EmbeddedDatabases.class)
class FullDiskIT {

    @TempDir
    Path work;

    private static boolean run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    @Test
    void aFullTargetDiskStopsTheCopyClearlyAndARerunResumesOnceThereIsRoom(TestDatabases dbs) throws Exception {
        Path mountPoint = Path.of("target", "full-disk-it", dbs.name()).toAbsolutePath();
        Files.createDirectories(mountPoint);
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mountPoint.toString()),
                "cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN): the full-disk test is skipped");
        String tablespace = "tiny_" + dbs.name().replaceAll("\\W", "_");
        try {
            try (Connection pg = dbs.target(); Statement st = pg.createStatement()) {
                Path dataDir = Path.of(one(pg, "SHOW data_directory"));
                UserPrincipal owner = Files.getOwner(dataDir);
                Path location = Files.createDirectories(mountPoint.resolve("pg"));
                Files.setOwner(location, owner);
                Files.setPosixFilePermissions(location, PosixFilePermissions.fromString("rwx------"));
                st.execute("CREATE TABLESPACE " + tablespace + " LOCATION '" + location + "'");
                st.execute("ALTER DATABASE \"" + dbs.targetDatabase() + "\" SET default_tablespace = " + tablespace);
            }
            try (Connection c = dbs.source(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE notes (id INT PRIMARY KEY, body VARCHAR(400))");
                st.execute("INSERT INTO notes SELECT seq, REPEAT(CONCAT('note ', seq, ' '), 30) FROM seq_1_to_20000");
            }
            MigrationService service = MigrationFixture.service(dbs, MigrationOptions.defaults("public"), work);
            assertThat(service.preflight().ok()).isTrue();
            ConversionPlan plan = service.plan(service.readSchema());
            service.createTables(plan);
            assertThatThrownBy(() -> service.copy(plan, s -> { }))
                    .isInstanceOfSatisfying(DatabaseException.class, e -> assertThat(e.code()).isEqualTo(DatabaseException.Code.DISK_FULL))
                    .hasMessageContaining("copying notes failed")
                    .hasMessageContaining("disk of the target server is full")
                    .hasMessageContaining("resumes");
            assertThat(Files.exists(work.resolve("gold-certificate.json"))).isFalse();

            // room again: the same migration resumes after its last committed chunk and ends identical
            assertThat(run("mount", "-o", "remount,size=64m", mountPoint.toString())).isTrue();
            MigrationService again = MigrationFixture.service(dbs, MigrationOptions.defaults("public"), work);
            ConversionPlan plan2 = again.plan(again.readSchema());
            again.createTables(plan2);
            again.copy(plan2, s -> { });
            again.buildConstraints(plan2);
            assertThat(again.verify(plan2, s -> { }).matches()).isTrue();
            try (Connection pg = dbs.target()) {
                assertThat(one(pg, "SELECT count(*) FROM notes")).isEqualTo("20000");
                assertThat(one(pg, "SELECT count(DISTINCT id) FROM notes")).isEqualTo("20000");
            }
        } finally {
            try (Connection pg = dbs.target(); Statement st = pg.createStatement()) {
                st.execute("DROP TABLE IF EXISTS notes");
                st.execute("DROP SCHEMA IF EXISTS bascule_state CASCADE");
                st.execute("ALTER DATABASE \"" + dbs.targetDatabase() + "\" RESET default_tablespace");
            }
            try (Connection pg = dbs.target(); Statement st = pg.createStatement()) {
                st.execute("DROP TABLESPACE IF EXISTS " + tablespace);
            } catch (Exception ignored) {
                // the database is dropped after the test anyway; the unmount below frees the space
            }
            run("umount", "-l", mountPoint.toString());
        }
    }
}
