package io.bascule.cutover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.QueryRows;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Phase 4 on the embedded servers: both backups written, their manifests true, the MySQL dump loads back identically. */
@ExtendWith(EmbeddedDatabases.class)
class FinalBackupsIT {

    @TempDir
    Path work;

    @TempDir
    Path scratch;

    /** A row order per table that is total (log_lines has no key, and two equal rows). */
    private static final Map<String, String> ORDER = Map.of("customers", "id", "order_lines", "customer_id, line",
            "notes", "code", "log_lines", "at, msg", "untouched", "id", "readings", "taken, sensor", "blobs", "k");

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void writesBothBackupsWhoseManifestsHoldAndWhoseMySqlDumpLoadsBackIdentically(TestDatabases dbs) throws Exception {
        CutoverFixture.Gold gold = CutoverFixture.migrate(dbs, work);
        // awkward values for the dump's format: every escape, a backslash before N, an empty string, binary zeros
        CutoverFixture.mysql(dbs, "INSERT INTO notes VALUES ('esc', 'tab\\there\\nnew line\\r\\\\N back\\\\slash \\0 nul \\Z end',"
                + " '2024-05-05 05:05:05'), ('empty', '', '2024-05-05 05:05:05'), ('null', NULL, '2024-05-05 05:05:05')",
                "UPDATE customers SET photo = X'000A090D5C4E1A' WHERE id = 2");
        List<String> progress = new ArrayList<>();

        FinalBackups.Result r = new FinalBackups(gold.source(), gold.target(), gold.options(), gold.work()).run(false, progress::add);

        assertThat(r.ok()).as(r.lines().toString()).isTrue();
        Path dir = r.directory();
        assertThat(dir.getParent()).isEqualTo(work.toAbsolutePath().normalize().resolve("cutover"));
        assertThat(dir.getFileName().toString()).startsWith("backup-");
        assertThat(r.seconds()).isPositive();
        assertThat(progress).hasSize(2 * CutoverFixture.TABLES.size());
        assertThat(r.mysql().rows()).isEqualTo(3 + 3 + 6 + 3 + 2 + 3 + 3);
        assertThat(r.postgres().rows()).isEqualTo(3 + 3 + 3 + 3 + 2 + 3 + 3);   // PostgreSQL as the GOLD copy left it

        // the MySQL side: files, manifest and SHA256SUMS true to the files and the tables
        Path my = dir.resolve("mysql");
        JsonNode manifest = new ObjectMapper().readTree(my.resolve("manifest.json").toFile());
        assertThat(manifest.get("database").asText()).isEqualTo(dbs.sourceDatabase());
        assertThat(sha256(my.resolve("manifest.json"))).isEqualTo(r.mysql().manifestSha256());
        Map<String, JsonNode> entries = new LinkedHashMap<>();
        manifest.get("tables").forEach(t -> entries.put(t.get("table").asText(), t));
        assertThat(entries.keySet()).containsExactlyInAnyOrderElementsOf(CutoverFixture.TABLES);
        for (JsonNode t : entries.values()) {
            String table = t.get("table").asText();
            long count = Long.parseLong(CutoverFixture.mysqlRows(dbs, "SELECT COUNT(*) FROM `" + table + "`").get(0).get(0));
            assertThat(t.get("rows").asLong()).as(table).isEqualTo(count);
            Path data = my.resolve(t.get("file").asText());
            assertThat(sha256(data)).as(table).isEqualTo(t.get("sha256").asText());
            assertThat(Files.size(data)).isEqualTo(t.get("bytes").asLong());
            assertThat(sha256(my.resolve(t.get("createFile").asText()))).isEqualTo(t.get("createSha256").asText());
            assertThat(Files.readString(my.resolve(t.get("createFile").asText()))).startsWith("CREATE TABLE `" + table + "`");
        }
        assertThat(entries.get("customers").get("columns")).extracting(JsonNode::asText).doesNotContain("name_upper");
        for (String line : Files.readAllLines(my.resolve("SHA256SUMS"))) {
            String[] parts = line.split("  ", 2);
            assertThat(sha256(my.resolve(parts[1]))).as(parts[1]).isEqualTo(parts[0]);
        }
        assertThat(Files.readString(my.resolve("README.txt"))).contains("LOAD DATA LOCAL INFILE 'notes.tsv'");

        // the PostgreSQL side: the rollback's forensic backup, its manifest true to the tables
        Path pg = dir.resolve("postgresql");
        JsonNode pgManifest = new ObjectMapper().readTree(pg.resolve("manifest.json").toFile());
        assertThat(sha256(pg.resolve("manifest.json"))).isEqualTo(r.postgres().manifestSha256());
        for (JsonNode t : pgManifest.get("tables")) {
            String table = t.get("table").asText();
            long count = Long.parseLong(CutoverFixture.pgRows(dbs, "SELECT count(*) FROM \"" + table + "\"").get(0).get(0));
            assertThat(t.get("rows").asLong()).as(table).isEqualTo(count);
            assertThat(sha256(pg.resolve(t.get("file").asText()))).isEqualTo(t.get("sha256").asText());
        }

        // the whole: a manifest over both sides
        JsonNode top = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
        assertThat(top.get("mysql").get("manifestSha256").asText()).isEqualTo(r.mysql().manifestSha256());
        assertThat(top.get("postgresql").get("rows").asLong()).isEqualTo(r.postgres().rows());

        // the MySQL dump loads back into a scratch database with every row identical
        String reload = "reload_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        dbs.mariaDb().createDatabaseIfMissing(reload);
        try (Connection c = DriverManager.getConnection(dbs.mariaDb().jdbcUrl(reload)
                + "?allowPublicKeyRetrieval=true&useSSL=false&allowLoadLocalInfile=true", "root", "");
             Statement st = c.createStatement()) {
            st.execute("SET time_zone = '+00:00'");
            st.execute("SET foreign_key_checks = 0");
            for (JsonNode t : entries.values()) {
                st.execute(Files.readString(my.resolve(t.get("createFile").asText())).replaceFirst(";\\s*$", ""));
            }
            for (JsonNode t : entries.values()) {
                Path tsv = scratch.resolve(t.get("table").asText() + ".tsv");
                try (InputStream in = new GZIPInputStream(Files.newInputStream(my.resolve(t.get("file").asText())))) {
                    Files.copy(in, tsv);
                }
                String file = t.get("file").asText().replace(".gz", "");
                String load = t.get("load").asText().replace("'" + file + "'", "'" + tsv.toAbsolutePath() + "'");
                long loaded = st.executeLargeUpdate(load);
                assertThat(loaded).as(t.get("table").asText()).isEqualTo(t.get("rows").asLong());
                assertThat(QueryRows.rows(c, "SHOW WARNINGS")).as("warnings loading " + t.get("table").asText()).isEmpty();
            }
            for (String table : CutoverFixture.TABLES) {
                String order = ORDER.get(table);
                List<List<String>> original = CutoverFixture.mysqlRows(dbs, "SELECT * FROM `" + table + "` ORDER BY " + order);
                List<List<String>> reloaded = QueryRows.rows(c, "SELECT * FROM `" + table + "` ORDER BY " + order);
                assertThat(reloaded).as(table).isEqualTo(original);
            }
            // binary, bits, FLOAT and DOUBLE exactly (a FLOAT's own text is rounded to 6 digits)
            String exact = "SELECT GROUP_CONCAT(CONCAT_WS('/', HEX(photo), bits + 0, CAST(ratio AS DOUBLE), score, HEX(name),"
                    + " HEX(doc), changed, wake) ORDER BY id SEPARATOR ';') FROM customers";
            assertThat(QueryRows.rows(c, exact)).isEqualTo(CutoverFixture.mysqlRows(dbs, exact));
            Map<String, String> sums = new LinkedHashMap<>();
            for (String table : CutoverFixture.TABLES) {
                sums.put(table, QueryRows.rows(c, "CHECKSUM TABLE `" + table + "`").get(0).get(1));
            }
            try (Connection o = dbs.source()) {
                for (String table : CutoverFixture.TABLES) {
                    assertThat(QueryRows.rows(o, "CHECKSUM TABLE `" + table + "`").get(0).get(1)).as("CHECKSUM TABLE " + table)
                            .isEqualTo(sums.get(table));
                }
            }
        } finally {
            dbs.mariaDb().dropDatabase(reload);
        }
    }

    @Test
    void theDryRunEstimatesAndWritesNothing(TestDatabases dbs) throws Exception {
        CutoverFixture.Gold gold = CutoverFixture.migrate(dbs, work);

        FinalBackups.Result r = new FinalBackups(gold.source(), gold.target(), gold.options(), gold.work()).run(true, s -> { });

        assertThat(r.ok()).as(r.lines().toString()).isTrue();
        assertThat(r.dryRun()).isTrue();
        assertThat(r.mysql()).isNull();
        assertThat(r.estimatedBytes()).isPositive();
        assertThat(r.freeBytes()).isPositive();
        assertThat(work.resolve("cutover")).doesNotExist();
        assertThat(r.lines()).extracting(CheckLine::text)
                .anyMatch(l -> l.startsWith("MySQL backup: 7 tables readable"))
                .anyMatch(l -> l.startsWith("PostgreSQL backup: 7 tables readable"))
                .anyMatch(l -> l.startsWith("disk space: "));
    }
}
