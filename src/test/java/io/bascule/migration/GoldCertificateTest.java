package io.bascule.migration;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The GOLD certificate is written and read back whole; a damaged one is refused naming the file and the field. */
class GoldCertificateTest {

    @TempDir
    Path dir;

    static GoldCertificate sample() {
        Instant started = Instant.parse("2026-12-01T21:00:00.123456Z");
        return new GoldCertificate("GOLD", "bascule", "development", Instant.parse("2026-12-01T21:04:30Z"),
                new GoldCertificate.Source("jdbc:mysql://db1:3306/shop", "10.11.9-MariaDB", "shop"),
                new GoldCertificate.Target("jdbc:postgresql://***@pg1:5432/shop", "17.2", "public"),
                new GoldCertificate.Timings(started, Instant.parse("2026-12-01T21:04:30Z"), 201.5, 31.25, 27.0, 270.0),
                List.of(new GoldCertificate.TableEntry("orders", "orders", 2_000_000, "00ff", 8),
                        new GoldCertificate.TableEntry("Mixed Case", "Mixed Case", 0, "0", 1)),
                2_000_000, 4, Map.of("temporal.zero_default", 1L), List.of("orders: a warning, with \"quotes\""),
                List.of("VIEW v_totals", "TRIGGER trg_audit"));
    }

    @Test
    void roundTripsEveryField() {
        Path file = dir.resolve("gold-certificate.json");
        GoldCertificate cert = sample();
        cert.write(file);
        GoldCertificate back = GoldCertificate.read(file);
        assertThat(back).isEqualTo(cert);
        assertThat(back.table("orders").checksum()).isEqualTo("00ff");
        assertThat(back.table("nope")).isNull();
    }

    @Test
    void keepsTheFormatTheEarlierMapWrote() throws Exception {
        Path file = dir.resolve("gold-certificate.json");
        sample().write(file);
        String json = Files.readString(file);
        assertThat(json).contains("\"certificate\" : \"GOLD\"", "\"toolVersion\" : \"development\"",
                "\"createdAt\" : \"2026-12-01T21:04:30Z\"", "\"startedAt\" : \"2026-12-01T21:00:00.123456Z\"",
                "\"copySeconds\" : 201.5", "\"constraintsSeconds\" : 31.25", "\"totalSeconds\" : 270.0",
                "\"table\" : \"orders\"", "\"targetTable\" : \"orders\"", "\"rows\" : 2000000", "\"checksum\" : \"00ff\"",
                "\"chunks\" : 8", "\"zeroDatesWrittenAsNull\" : 4", "\"temporal.zero_default\" : 1",
                "\"notConverted\" : [ \"VIEW v_totals\", \"TRIGGER trg_audit\" ]");
        // a certificate as the earlier version wrote it (a map: its own key order, no phase it did not run)
        Files.writeString(file, """
                {
                  "certificate" : "GOLD", "tool" : "bascule", "toolVersion" : "0.9", "createdAt" : "2026-11-30T10:00:00.5Z",
                  "source" : { "version" : "8.4.3", "database" : "shop", "url" : "jdbc:mysql://db1:3306/shop" },
                  "target" : { "schema" : "public", "url" : "jdbc:postgresql://pg1:5432/shop", "version" : "17" },
                  "timings" : { "startedAt" : "2026-11-30T09:58:00Z", "finishedAt" : "2026-11-30T10:00:00.5Z",
                                "copySeconds" : 90.1, "totalSeconds" : 120.5 },
                  "tables" : [ { "table" : "t", "targetTable" : "t", "rows" : 3, "checksum" : "ab", "chunks" : 1 } ],
                  "rows" : 3, "zeroDatesWrittenAsNull" : 0, "dateColumnsLeftNullable" : { },
                  "warnings" : [ ], "notConverted" : [ ], "addedByALaterVersion" : true
                }
                """);
        GoldCertificate old = GoldCertificate.read(file);
        assertThat(old.source().version()).isEqualTo("8.4.3");
        assertThat(old.timings().copySeconds()).isEqualTo(90.1);
        assertThat(old.timings().verifySeconds()).isNull();
        assertThat(old.tables()).containsExactly(new GoldCertificate.TableEntry("t", "t", 3, "ab", 1));
        old.write(file);
        assertThat(Files.readString(file)).doesNotContain("verifySeconds").doesNotContain("null");
    }

    private void refused(Consumer<ObjectNode> damage, String field, String problem) throws Exception {
        Path file = dir.resolve("damaged-" + field.replaceAll("\\W", "_") + ".json");
        sample().write(file);
        ObjectNode root = (ObjectNode) MigrationService.JSON.readTree(file.toFile());
        damage.accept(root);
        Files.writeString(file, MigrationService.JSON.writeValueAsString(root));
        assertThatThrownBy(() -> GoldCertificate.read(file))
                .isInstanceOfSatisfying(GoldCertificate.InvalidCertificateException.class, e -> {
                    assertThat(e.file()).isEqualTo(file);
                    assertThat(e.field()).isEqualTo(field);
                })
                .hasMessageContaining(file.toString()).hasMessageContaining("field '" + field + "'").hasMessageContaining(problem);
    }

    @Test
    void aMissingOrMalformedFieldIsNamedWithTheFile() throws Exception {
        refused(r -> r.remove("rows"), "rows", "is missing");
        refused(r -> r.putNull("toolVersion"), "toolVersion", "is missing");
        refused(r -> ((ObjectNode) r.get("tables").get(1)).remove("checksum"), "tables[1].checksum", "is missing");
        refused(r -> ((ObjectNode) r.get("tables").get(0)).put("rows", "many"), "tables[0].rows", "the text \"many\", not a count");
        refused(r -> ((ObjectNode) r.get("tables").get(0)).put("rows", -1), "tables[0].rows", "not a count");
        refused(r -> r.put("createdAt", "yesterday"), "createdAt", "not an ISO-8601 instant");
        refused(r -> ((ObjectNode) r.get("timings")).put("copySeconds", "fast"), "timings.copySeconds", "not a number of seconds");
        refused(r -> ((ObjectNode) r.get("source")).remove("url"), "source.url", "is missing");
        refused(r -> r.put("target", "pg1"), "target", "not an object");
        refused(r -> r.put("tables", 3), "tables", "not a list");
        refused(r -> r.withArray("warnings").add(7), "warnings[1]", "not a text");
        refused(r -> ((ObjectNode) r.get("dateColumnsLeftNullable")).put("t.c", 1.5), "dateColumnsLeftNullable.t.c", "not a count");
        refused(r -> r.put("certificate", "SILVER"), "certificate", "not \"GOLD\"");
    }

    @Test
    void aFileThatIsNoCertificateAtAllSaysSo() throws Exception {
        Path missing = dir.resolve("none.json");
        assertThatThrownBy(() -> GoldCertificate.read(missing))
                .isInstanceOf(GoldCertificate.InvalidCertificateException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
        Path garbage = Files.writeString(dir.resolve("garbage.json"), "{ \"certificate\" : \"GOLD\", ");
        assertThatThrownBy(() -> GoldCertificate.read(garbage))
                .isInstanceOf(GoldCertificate.InvalidCertificateException.class)
                .hasMessageContaining(garbage.toString()).hasMessageContaining("is not JSON");
        Path list = Files.writeString(dir.resolve("list.json"), "[1, 2]");
        assertThatThrownBy(() -> GoldCertificate.read(list))
                .isInstanceOf(GoldCertificate.InvalidCertificateException.class)
                .hasMessageContaining(list.toString()).hasMessageContaining("holds a list, not an object");
    }
}
