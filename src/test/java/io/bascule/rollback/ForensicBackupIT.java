package io.bascule.rollback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bascule.config.ConfigException;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.DatabaseException;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static io.bascule.testing.QueryRows.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The forensic backup on the embedded PostgreSQL: awkward values, one snapshot, files that check and load back. */
@ExtendWith(EmbeddedDatabases.class)
class ForensicBackupIT {

    @TempDir
    Path work;

    private static final List<String> TABLES = List.of("customers", "Order Lines", "empty_one");

    private static void fixture(TestDatabases dbs) throws SQLException {
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE customers (id int PRIMARY KEY, name text, note text, photo bytea, born date, score numeric)");
            st.execute("INSERT INTO customers VALUES"
                    + " (1, 'Zoë ✓ 😀', E'tab\\there\\nnew line\\r\\nwindows', '\\x00ff0a5c', '2024-02-29', 1.50),"
                    + " (2, NULL, E'back\\\\slash \\\\N not null', NULL, NULL, NULL),"
                    + " (3, '', E'\\\\.', '\\x', '0001-01-01', -0.0001),"
                    + " (4, E'line\\nbreak', 'quote '' \" ,;', '\\x0d0a09', '9999-12-31', 1e20)");
            st.execute("CREATE TABLE \"Order Lines\" (id bigint, customer int, qty int, doc jsonb)");
            st.execute("INSERT INTO \"Order Lines\" SELECT g, g % 4 + 1, g, jsonb_build_object('k', E'v\\t' || g)"
                    + " FROM generate_series(1, 500) g");
            st.execute("CREATE TABLE empty_one (id int)");
        }
    }

    private static DatabaseEndpoint target(TestDatabases dbs) {
        return DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, dbs.targetUrl(), "postgres", null);
    }

    private static byte[] gunzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return in.readAllBytes();
        }
    }

    private static long lines(byte[] copyText) {
        long n = 0;
        for (byte b : copyText) {
            if (b == '\n') {
                n++;
            }
        }
        return n;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void everyTableIsWrittenInOneSnapshotAndLoadsBackIdentically(TestDatabases dbs) throws Exception {
        fixture(dbs);
        Path dir = work.resolve("forensics").resolve("run-1");
        List<String> progress = new ArrayList<>();
        ForensicBackup backup = new ForensicBackup(target(dbs), "public", TABLES, dir);
        ForensicBackup.Result result = backup.write(line -> {
            progress.add(line);
            if (progress.size() == 1) {
                // written after the snapshot: the backup must not see it
                try (Connection c = dbs.target(); Statement st = c.createStatement()) {
                    st.execute("INSERT INTO \"Order Lines\" VALUES (9999, 1, 1, '{}')");
                    st.execute("DELETE FROM empty_one");
                    st.execute("INSERT INTO empty_one VALUES (1)");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        });

        assertThat(progress).containsExactly("table customers: 4 rows", "table Order Lines: 500 rows", "table empty_one: 0 rows");
        assertThat(result.directory()).isEqualTo(dir.toAbsolutePath().normalize());
        assertThat(result.tables()).extracting(ForensicBackup.TableFile::table).containsExactlyElementsOf(TABLES);
        assertThat(result.tables()).extracting(ForensicBackup.TableFile::rows).containsExactly(4L, 500L, 0L);
        assertThat(result.totalRows()).isEqualTo(504);
        assertThat(result.totalBytes()).isEqualTo(result.tables().stream().mapToLong(ForensicBackup.TableFile::bytes).sum());
        assertThat(result.tables().get(0).file()).isEqualTo("customers.copy.gz");
        assertThat(result.tables().get(1).file()).matches("order_lines-[0-9a-f]{8}\\.copy\\.gz");

        List<String> expectedFiles = new ArrayList<>(result.tables().stream().map(ForensicBackup.TableFile::file).toList());
        expectedFiles.addAll(List.of("manifest.json", "README.txt", "SHA256SUMS"));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(expectedFiles);
        }
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
            for (String f : expectedFiles) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f)))).as(f).isEqualTo("rw-------");
            }
        }

        // the manifest: what the files are, their SHA-256 as computed from the files
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
        assertThat(sha256(dir.resolve("manifest.json"))).isEqualTo(result.manifestSha256());
        assertThat(manifest.get("schema").asText()).isEqualTo("public");
        assertThat(manifest.get("serverVersion").asText()).startsWith("17");
        assertThat(manifest.get("created").asText()).isNotBlank();
        assertThat(manifest.get("snapshot").asText()).matches("\\d+:\\d+:.*");
        assertThat(manifest.get("tables")).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonNode t = manifest.get("tables").get(i);
            ForensicBackup.TableFile tf = result.tables().get(i);
            Path file = dir.resolve(t.get("file").asText());
            assertThat(t.get("table").asText()).isEqualTo(TABLES.get(i));
            assertThat(t.get("sha256").asText()).isEqualTo(sha256(file)).isEqualTo(tf.sha256());
            assertThat(t.get("bytes").asLong()).isEqualTo(Files.size(file)).isEqualTo(tf.bytes());
            byte[] copy = gunzip(file);
            assertThat(lines(copy)).isEqualTo(t.get("rows").asLong()).isEqualTo(tf.rows());
            assertThat(t.get("copyBytes").asLong()).isEqualTo(copy.length);
        }
        String sums = Files.readString(dir.resolve("SHA256SUMS"));
        assertThat(sums).contains(result.tables().get(0).sha256() + "  customers.copy.gz\n")
                .contains(result.manifestSha256() + "  manifest.json\n");
        assertThat(Files.readString(dir.resolve("README.txt")))
                .contains("gunzip -c customers.copy.gz | psql -c '\\copy \"public\".\"customers\" FROM STDIN'")
                .contains("sha256sum -c SHA256SUMS");

        // the COPY text holds the awkward values escaped, one line per row
        String customers = new String(gunzip(dir.resolve("customers.copy.gz")), StandardCharsets.UTF_8);
        assertThat(customers).contains("Zoë ✓ 😀\ttab\\there\\nnew line\\r\\nwindows\t\\\\x00ff0a5c\t2024-02-29\t1.50\n")
                .contains("2\t\\N\tback\\\\slash \\\\N not null\t\\N\t\\N\t\\N\n");

        // loaded back into empty copies of the tables, they equal the originals as they were at the snapshot
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA restored");
            for (String t : TABLES) {
                st.execute("CREATE TABLE restored.\"" + t + "\" (LIKE public.\"" + t + "\")");
            }
            for (int i = 0; i < 3; i++) {
                byte[] copy = gunzip(dir.resolve(result.tables().get(i).file()));
                c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY restored.\"" + TABLES.get(i) + "\" FROM STDIN",
                        new ByteArrayInputStream(copy));
            }
            assertThat(rows(c, "SELECT count(*) FROM (SELECT * FROM public.customers EXCEPT SELECT * FROM restored.customers) d"
                    + " UNION ALL SELECT count(*) FROM (SELECT * FROM restored.customers EXCEPT SELECT * FROM public.customers) d"))
                    .containsExactly(List.of("0"), List.of("0"));
            assertThat(rows(c, "SELECT photo IS NULL, encode(photo, 'hex'), note FROM restored.customers ORDER BY id"))
                    .containsExactly(List.of("f", "00ff0a5c", "tab\there\nnew line\r\nwindows"),
                            java.util.Arrays.asList("t", null, "back\\slash \\N not null"),
                            List.of("f", "", "\\."),
                            List.of("f", "0d0a09", "quote ' \" ,;"));
            // the snapshot: the row inserted after the first table was written is not in the backup
            assertThat(rows(c, "SELECT count(*), max(id) FROM restored.\"Order Lines\"")).containsExactly(List.of("500", "500"));
            assertThat(rows(c, "SELECT count(*) FROM public.\"Order Lines\"")).containsExactly(List.of("501"));
            assertThat(rows(c, "SELECT count(*) FROM restored.empty_one")).containsExactly(List.of("0"));
        }
    }

    @Test
    void aDirectoryThatIsNotEmptyIsRefusedAndNothingIsWritten(TestDatabases dbs) throws Exception {
        fixture(dbs);
        Path dir = Files.createDirectories(work.resolve("used"));
        Files.writeString(dir.resolve("old.copy.gz"), "old");
        ForensicBackup backup = new ForensicBackup(target(dbs), "public", TABLES, dir);
        assertThatThrownBy(() -> backup.write(s -> { })).isInstanceOf(ConfigException.class)
                .hasMessageContaining(dir.toString()).hasMessageContaining("is not empty").hasMessageContaining("nothing was written");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("old.copy.gz");
        }
        assertThat(Files.readString(dir.resolve("old.copy.gz"))).isEqualTo("old");
        ForensicBackup.DryRun dry = backup.dryRun();
        assertThat(dry.ok()).isFalse();
        assertThat(dry.problems()).singleElement().asString().contains("is not empty");
    }

    @Test
    void aMissingTableIsRefusedBeforeTheDirectoryIsCreated(TestDatabases dbs) throws Exception {
        fixture(dbs);
        Path dir = work.resolve("never");
        ForensicBackup backup = new ForensicBackup(target(dbs), "public", List.of("customers", "gone"), dir);
        assertThatThrownBy(() -> backup.write(s -> { })).isInstanceOf(DatabaseException.class)
                .hasMessageContaining("no table gone").hasMessageContaining("nothing was written");
        assertThat(dir).doesNotExist();
    }

    @Test
    void dryRunEstimatesAndCreatesNothing(TestDatabases dbs) throws Exception {
        fixture(dbs);
        try (Connection c = dbs.target(); Statement st = c.createStatement()) {
            st.execute("ANALYZE customers");
            st.execute("ANALYZE \"Order Lines\"");
        }
        Path dir = work.resolve("a").resolve("b");
        ForensicBackup.DryRun dry = new ForensicBackup(target(dbs), "public", TABLES, dir).dryRun();
        assertThat(dry.ok()).as(dry.problems().toString()).isTrue();
        assertThat(dry.directory()).isEqualTo(dir.toAbsolutePath().normalize());
        assertThat(dry.tables()).extracting(ForensicBackup.TableEstimate::table).containsExactlyElementsOf(TABLES);
        assertThat(dry.tables()).allSatisfy(t -> assertThat(t.exists() && t.readable()).isTrue());
        assertThat(dry.tables().get(1).estimatedRows()).isEqualTo(500);
        assertThat(dry.estimatedRows()).isEqualTo(504);
        assertThat(dry.estimatedBytes()).isPositive();
        assertThat(dry.freeBytes()).isGreaterThan(dry.estimatedBytes());
        assertThat(work.resolve("a")).doesNotExist();

        ForensicBackup.DryRun missing = new ForensicBackup(target(dbs), "public", List.of("customers", "gone"), dir).dryRun();
        assertThat(missing.ok()).isFalse();
        assertThat(missing.problems()).singleElement().asString().contains("no table gone");
        assertThat(missing.tables().get(1).exists()).isFalse();
        assertThat(work.resolve("a")).doesNotExist();
    }
}
