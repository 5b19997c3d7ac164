package io.bascule.platinum;

import io.bascule.backup.BackupFiles;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.DatabaseException;
import io.bascule.embedded.EmbeddedMariaDbServer;
import io.bascule.migration.MigrationOptions;
import io.bascule.migration.MigrationService;
import io.bascule.schema.ConversionPlan;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.GrantTables;
import io.bascule.testing.StaleTestDirs;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The archive of MySQL with {@code stop-source}, on a MariaDB 10.11 of its own with grant tables on (read_only is
 * global, and the test stops the server: the shared test server must not be touched), the archive's login
 * {@code archiver} holding SELECT on the database only: a writable MySQL is refused with nothing written; read-only,
 * the dump is written and its checksums verified, and SHUTDOWN is refused for want of the privilege (the error names
 * the GRANT); once granted, the retried archive resumes from its verified dump and stops the server.
 */
@ExtendWith(EmbeddedDatabases.class)
class SourceArchiveIT {

    static final String DB = "shop";
    static EmbeddedMariaDbServer mariaDb;
    static Path home;

    @BeforeAll
    static void start() throws Exception {
        StaleTestDirs.clean();
        home = Path.of("target", "source-archive-it-" + ProcessHandle.current().pid()).toAbsolutePath();
        mariaDb = EmbeddedMariaDbServer.start(home.resolve("mariadb"), 0, false);
        mariaDb.createDatabaseIfMissing(DB);
        try (Connection c = mariaDb.connect(DB); Statement st = c.createStatement()) {
            GrantTables.enable(st); // grant tables on for every new connection; no anonymous accounts
            st.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, note TEXT NULL)");
            st.execute("INSERT INTO customers VALUES (1, 'Ada', 'tab\there'), (2, 'Bob', NULL), (3, 'Zoé', 'line\nbreak')");
            st.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id INT NOT NULL, amount DECIMAL(10,2) NOT NULL)");
            st.execute("INSERT INTO orders VALUES (10, 1, 12.50), (11, 3, 99.99)");
            st.execute("CREATE USER 'archiver'@'%' IDENTIFIED BY 'archiver-secret'");
            st.execute("GRANT SELECT ON `" + DB + "`.* TO 'archiver'@'%'");
            st.execute("CREATE USER 'boss'@'%' IDENTIFIED BY 'boss-secret'");
            st.execute("GRANT ALL PRIVILEGES ON *.* TO 'boss'@'%' WITH GRANT OPTION");
        }
    }

    @AfterAll
    static void stop() {
        if (mariaDb != null) {
            try {
                mariaDb.close();
            } catch (RuntimeException e) {
                // stopped by the test's SHUTDOWN already
            }
        }
    }

    static Connection boss() throws SQLException {
        return DriverManager.getConnection(mariaDb.jdbcUrl(DB), "boss", "boss-secret");
    }

    static DatabaseEndpoint archiver() {
        return DatabaseEndpoint.of(DatabaseEndpoint.Side.SOURCE, mariaDb.jdbcUrl(DB), "archiver", "archiver-secret");
    }

    @Test
    void aReadOnlyMySqlIsArchivedVerifiedAndStoppedOnceTheLoginMayShutItDown(TestDatabases dbs) throws Exception {
        Path work = Files.createDirectories(home.resolve("work"));
        DatabaseEndpoint target = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, dbs.targetUrl(), "postgres", null);
        MigrationService migration = new MigrationService(archiver(), target, MigrationOptions.defaults("public"), work);
        ConversionPlan plan = migration.plan(migration.readSchema());
        SourceArchive archive = new SourceArchive(archiver(), target, work, () -> plan, () -> null, Duration.ofSeconds(30),
                true, Duration.ofSeconds(60), Clock.systemUTC());
        Map<String, Object> about = Map.of("platinumVerdict", "GRANTED", "archiveDecidedBy", "dora");
        Path dir = archive.directoryOf("run-1");

        // writable: refused before anything is done
        assertThatThrownBy(() -> archive.archive("run-1", about, false, line -> { }))
                .isInstanceOf(SourceArchive.Refused.class).hasMessageContaining("is writable (read_only is OFF)")
                .hasMessageContaining("Nothing was archived, disarmed or stopped");
        assertThat(dir).doesNotExist();
        SourceArchive.Result dry;
        try (Connection c = boss(); Statement st = c.createStatement()) {
            st.execute("SET GLOBAL read_only = ON");
        }
        dry = archive.archive("run-1", about, true, line -> { });
        assertThat(dry.summary()).startsWith("dry run: would disarm the reverse channel (not armed), dump 2 table(s)")
                .endsWith("would be stopped (SHUTDOWN); nothing was changed");
        assertThat(dir).doesNotExist();

        // SHUTDOWN without the privilege: the dump is written and verified, the stop refused naming the GRANT
        DatabaseException refused = catchThrowableOfType(() -> archive.archive("run-1", about, false, line -> { }),
                DatabaseException.class);
        assertThat(refused.code()).isEqualTo(DatabaseException.Code.MISSING_PRIVILEGE);
        assertThat(refused.getMessage()).contains("stopping the server (SHUTDOWN) (needs the SHUTDOWN privilege: GRANT SHUTDOWN"
                + " ON *.* TO archiver)").doesNotContain("archiver-secret");
        assertThat(dir.resolve("archive.json")).exists();
        assertThat(Files.readString(dir.resolve("archive.json"))).contains("\"archiveDecidedBy\" : \"dora\"")
                .doesNotContain("sourceAfter");
        long dumpTime = Files.getLastModifiedTime(dir.resolve("mysql/orders.tsv.gz")).toMillis();

        // the checksums: every file as SHA256SUMS says, and the archive's checksum that of SHA256SUMS
        Path dump = dir.resolve("mysql");
        List<String> sums = Files.readAllLines(dump.resolve("SHA256SUMS"));
        assertThat(sums).hasSize(5);   // two tables (data and CREATE TABLE) and the manifest
        for (String line : sums) {
            String[] parts = line.split("  ");
            assertThat(sha256(dump.resolve(parts[1]))).as(parts[1]).isEqualTo(parts[0]);
        }
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(dump.resolve("customers.tsv.gz")))) {
            assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo("1\tAda\ttab\\there\n2\tBob\t\\N\n3\tZoé\tline\\nbreak\n");
        }

        // granted: the retried archive resumes (the dump verified again, not redone) and stops the server
        try (Connection c = boss(); Statement st = c.createStatement()) {
            st.execute("GRANT SHUTDOWN ON *.* TO 'archiver'@'%'");
        }
        SourceArchive.Result r = archive.archive("run-1", about, false, line -> { });
        assertThat(r.resumed()).isTrue();
        assertThat(r.source()).isEqualTo("stopped (SHUTDOWN)");
        assertThat(r.sha256()).isEqualTo(sha256(dump.resolve("SHA256SUMS")));
        assertThat(r.filesVerified()).isEqualTo(5);
        assertThat(r.tables()).isEqualTo(2);
        assertThat(r.rows()).isEqualTo(5);
        assertThat(r.summary()).contains("MySQL archived (dump of an earlier attempt, verified again): 2 table(s), 5 rows")
                .contains("MySQL stopped (SHUTDOWN)");
        assertThat(Files.getLastModifiedTime(dir.resolve("mysql/orders.tsv.gz")).toMillis()).isEqualTo(dumpTime);
        assertThat(Files.readString(dir.resolve("archive.json"))).contains("\"sourceAfter\" : \"stopped (SHUTDOWN)\"",
                "\"sha256sumsSha256\" : \"" + r.sha256() + "\"");
        DatabaseException gone = catchThrowableOfType(() -> archiver().open(), DatabaseException.class);
        assertThat(gone.code()).isEqualTo(DatabaseException.Code.UNREACHABLE);

        // retried once more (the job's commit lost, say): the server already gone counts as stopped
        assertThat(archive.archive("run-1", about, false, line -> { }).source()).isEqualTo("stopped (already gone when the step was retried)");
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(BackupFiles.sha256().digest(Files.readAllBytes(file)));
    }
}
