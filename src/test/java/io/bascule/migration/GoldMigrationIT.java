package io.bascule.migration;

import io.bascule.config.ConfigException;
import io.bascule.demo.SampleDatabase;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import io.bascule.schema.ConversionPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.bascule.migration.MigrationFixture.one;
import static io.bascule.migration.MigrationFixture.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The GOLD migration on real MariaDB and PostgreSQL: every type and naming case, exact values. */
@ExtendWith(EmbeddedDatabases.class)
class GoldMigrationIT {

    @TempDir
    Path work;

    @Test
    void everyTypeAndNamingCaseIsCarriedExactly(TestDatabases dbs) throws Exception {
        MigrationFixture.loadSource(dbs, "ddl/all_types.sql");
        MigrationOptions options = MigrationOptions.defaults("public").withBooleanColumns(Set.of("integers.active"));
        MigrationService service = MigrationFixture.service(dbs, options, work);
        ConversionPlan plan = service.plan(service.readSchema());
        assertThat(plan.errors()).isEmpty();
        assertThat(plan.notConverted()).extracting(o -> o.kind() + " " + o.name())
                .contains("VIEW v_orders", "TRIGGER trg_emp", "PROCEDURE p_noop");
        assertThat(plan.table("temporal").column("t").targetType()).isEqualTo("interval");
        assertThat(plan.table("integers").column("active").targetType()).isEqualTo("boolean");
        assertThat(plan.table("integers").column("flag").targetType()).isEqualTo("smallint");
        assertThat(plan.table("numbers").column("id").identity()).isTrue();
        assertThat(plan.allWarnings()).anyMatch(w -> w.contains("generated column"))
                .anyMatch(w -> w.contains("spatial")).anyMatch(w -> w.contains("ENUM"))
                .anyMatch(w -> w.contains("zero-date default"));

        Verifier.Result verification = MigrationFixture.migrate(service);
        assertThat(verification.tables()).allSatisfy(t -> assertThat(t.matches()).as(t.summary()).isTrue())
                .allSatisfy(t -> assertThat(t.chunksComparedByRow()).as(t.table()).isZero());
        // against the copy's checksums, PostgreSQL computes every type's canonical form and hash itself: every range
        // agrees at once (none is compared row by row) and the checksums are those of reading both engines again
        Verifier.Result againstCopy = service.verify(plan, s -> { }, true);
        assertThat(againstCopy.tables()).allSatisfy(t -> assertThat(t.matches()).as(t.summary()).isTrue())
                .allSatisfy(t -> assertThat(t.chunksComparedByRow()).as(t.table()).isZero());
        assertThat(againstCopy.tables()).extracting(Verifier.TableResult::sourceChecksum)
                .containsExactlyElementsOf(verification.tables().stream().map(Verifier.TableResult::sourceChecksum).toList());

        try (Connection pg = dbs.target(); Connection my = dbs.source()) {
            // integers: every width, signed and unsigned, YEAR, BIT, TINYINT(1) kept and as boolean
            assertThat(rows(pg, "SELECT t_s, t_u, s_s, s_u, m_s, m_u, i_s, i_u, b_s, b_u, y, bits::text, bit1::text, bit64::text, flag, active"
                    + " FROM integers ORDER BY id")).containsExactly(
                    List.of("-128", "255", "-32768", "65535", "-8388608", "16777215", "-2147483648", "4294967295",
                            "-9223372036854775808", "18446744073709551615", "1901", "0000000101", "1", "1".repeat(64), "0", "t"),
                    List.of("127", "0", "32767", "0", "8388607", "0", "2147483647", "0", "9223372036854775807", "0",
                            "2155", "1111111111", "0", "0".repeat(64), "5", "f"),
                    java.util.Arrays.asList("0", "1", "0", "1", "0", "1", "0", "1", "0", "9223372036854775808", "0", "0000000000",
                            null, null, "1", "t"),
                    java.util.Arrays.asList(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, "f"));
            assertThat(one(pg, "SELECT data_type FROM information_schema.columns WHERE table_name = 'integers' AND column_name = 'b_u'"))
                    .isEqualTo("numeric");

            // numbers: DECIMAL(65,30), FLOAT and DOUBLE bit-exact
            try (Statement st = pg.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT d65, d10, f, fu, dbl, r FROM numbers WHERE id IN (1, 2, 3) ORDER BY id")) {
                rs.next();
                assertThat(rs.getBigDecimal(1)).isEqualTo(new BigDecimal("99999999999999999999999999999999999.999999999999999999999999999999"));
                assertThat(rs.getBigDecimal(2)).isEqualTo(new BigDecimal("12345678.90"));
                assertThat(Float.floatToIntBits(rs.getFloat(3))).isEqualTo(Float.floatToIntBits(1.2345678f));
                assertThat(rs.getDouble(5)).isEqualTo(0.1);
                assertThat(rs.getDouble(6)).isEqualTo(1.7976931348623157E308);
                rs.next();
                assertThat(rs.getFloat(3)).isEqualTo(3.4028234E38f);
                assertThat(rs.getFloat(4)).isEqualTo(16777216f);
                assertThat(rs.getDouble(5)).isEqualTo(4.9E-324);
                assertThat(rs.getDouble(6)).isEqualTo(-2.2250738585072014E-308);
                rs.next();
                assertThat(rs.getBigDecimal(1)).isEqualTo(new BigDecimal("0.000000000000000000000000000001"));
                assertThat(rs.getFloat(3)).isEqualTo(1.17549435E-38f);
                assertThat(rs.getFloat(4)).isEqualTo(3.14159274f);
                assertThat(rs.getDouble(5)).isEqualTo(123456789.123456789);
            }

            // temporal: limits, microseconds, TIMESTAMP as UTC instants, TIME beyond 24 h and negative, zero dates to NULL
            assertThat(rows(pg, "SELECT d::text, dt::text, dt6::text, ts, ts3, t::text, t6::text FROM temporal ORDER BY id"))
                    .containsExactly(
                            List.of("1000-01-01", "1000-01-01 00:00:00", "9999-12-31 23:59:59.999999", "1970-01-01 00:00:01+00",
                                    "2038-01-19 03:14:07.999+00", "-838:59:59", "838:59:59"),
                            java.util.Arrays.asList(null, null, null, null, null, "100:00:00", "-00:00:00.000001"),
                            List.of("2024-12-31", "2024-12-31 23:59:59", "2024-06-15 08:30:00.0001", "2024-06-15 08:30:00+00",
                                    "2024-06-15 08:30:00.001+00", "23:59:59", "00:00:00.5"),
                            java.util.Arrays.asList(null, null, null, null, null, null, null));
            try (Statement st = pg.createStatement(); ResultSet rs = st.executeQuery("SELECT ts FROM temporal WHERE id = 1")) {
                rs.next();
                assertThat(rs.getObject(1, java.time.OffsetDateTime.class).toInstant()).isEqualTo(Instant.parse("1970-01-01T00:00:01Z"));
            }

            // text: escapes, charsets, emoji, ENUM (with MySQL's '' for an invalid value), SET, JSON
            Map<String, List<String>> texts = Map.of(
                    "a", List.of("pad", "tab\there\nnewline\\backslash", "Ångström café", "naïve façade", "emoji 😀 🎉 中文", "small", "read,admin"),
                    "z", List.of("z", "carriage\rreturn", "ÿ", "x", "𝄞", "", "read,write"));
            for (Map.Entry<String, List<String>> e : texts.entrySet()) {
                assertThat(rows(pg, "SELECT c, vc, latin, utf3, utf4, e, s FROM texts WHERE id = '" + e.getKey() + "'").get(0))
                        .containsExactlyElementsOf(e.getValue());
            }
            assertThat(one(pg, "SELECT length(tx) FROM texts WHERE id = 'a'")).isEqualTo("5000");
            assertThat(one(pg, "SELECT j -> 'a' ->> 0 FROM texts WHERE id = 'a'")).isEqualTo("1.50");
            assertThat(one(pg, "SELECT pg_typeof(j)::text FROM texts WHERE id = 'a'")).isEqualTo("jsonb");
            // MariaDB keeps JSON as written (key order, duplicates, escapes, exponents); jsonb normalises it, and the
            // verification (which passed, or the migration would have failed) compares them as JSON values
            assertThat(one(pg, "SELECT j::text FROM texts WHERE id = 'z'")).isEqualTo("{\"a\": {\"x\": 2, \"yy\": 3}, \"k\": \"v\", "
                    + "\"zz\": [12300000, 0.0015, 0.0, 12345678901234567890123, {}, [], 1" + "0".repeat(400) + "], \"kéy\": \"café \\t tab 😀\"}");
            assertThat(rows(pg, "SELECT id FROM texts ORDER BY id COLLATE \"C\"")).extracting(r -> r.get(0))
                    .containsExactly("B", "a", "z", "ü-x");

            // ENUM and SET: members byte-exact (upper and mixed case, spaces, quotes, backslash, control characters,
            // non-ASCII), CHECKs of the exact values, defaults as declared; an emoji member (shown as '?' by
            // information_schema) is carried without a CHECK
            assertThat(plan.table("enum_values").column("rating").check())
                    .isEqualTo("\"rating\" IN ('G', 'PG', 'PG-13', 'R', 'NC-17', '')");
            assertThat(plan.table("enum_values").column("odd").check()).contains("'Mixed Case'", "'it''s'", "'say \"hi\"'",
                    "'back\\slash'", "'Ångström'", "'中文'", "'tab\tx'", "' lead'");
            assertThat(plan.table("enum_values").column("emoji").check()).isNull();
            assertThat(plan.allWarnings()).anyMatch(w -> w.startsWith("enum_values: emoji: ENUM becomes varchar without a CHECK"));
            assertThat(rows(pg, "SELECT rating, odd, nl, features, emoji FROM enum_values ORDER BY id")).containsExactly(
                    List.of("G", "Mixed Case", "line\nbreak", "Trailers,Behind the Scenes", "ok"),
                    List.of("PG-13", "two  spaces", "cr\rhere", "Trailers,Deleted Scenes", "😀"),
                    java.util.Arrays.asList("NC-17", " lead", "plain", "", null),
                    java.util.Arrays.asList("R", "it's", null, "Commentaries", "ok"),
                    java.util.Arrays.asList("PG", "say \"hi\"", null, null, null),
                    java.util.Arrays.asList("G", "back\\slash", null, "Trailers,Commentaries,Deleted Scenes,Behind the Scenes", null),
                    java.util.Arrays.asList("G", "Ångström", null, null, null),
                    java.util.Arrays.asList("G", "中文", null, null, null),
                    java.util.Arrays.asList("G", "a,b", null, null, null),
                    java.util.Arrays.asList("G", "x)y", null, null, null),
                    java.util.Arrays.asList("G", "tab\tx", null, null, null),
                    java.util.Arrays.asList("G", null, null, null, null));
            assertThat(rows(pg, "SELECT rating, odd, nl FROM enum_values WHERE id = 13"))
                    .as("nothing there yet").isEmpty();
            pg.createStatement().execute("INSERT INTO enum_values (id) VALUES (13)");
            assertThat(rows(pg, "SELECT rating, odd, nl FROM enum_values WHERE id = 13"))
                    .containsExactly(List.of("PG-13", "it's", "line\nbreak"));
            assertThatThrownBy(() -> pg.createStatement().execute("UPDATE enum_values SET rating = 'pg' WHERE id = 1"))
                    .hasMessageContaining("check constraint");

            // binary: NUL bytes, padding, empty values, spatial carried as MySQL's internal bytes
            try (Statement st = pg.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT id, b, vb, tb, bl, mb, lb, g, p FROM binaries ORDER BY id")) {
                rs.next();
                HexFormat hex = HexFormat.of();
                assertThat(hex.formatHex(rs.getBytes(1))).isEqualTo("00112233445566778899aabbccddeeff");
                assertThat(rs.getBytes(2)).containsExactly(0, 0, 0, 0);
                assertThat(rs.getBytes(3)).containsExactly(0, 0xff, 0);
                assertThat(rs.getBytes(4)).isEmpty();
                assertThat(rs.getBytes(6)).hasSize(1000).containsOnly(0);
                assertThat(rs.getBytes(7)).containsExactly(0x5c, 0x6e, 0x09);
                try (Statement ms = my.createStatement(); ResultSet mr = ms.executeQuery(
                        "SELECT g, p FROM binaries WHERE id = UNHEX('00112233445566778899AABBCCDDEEFF')")) {
                    mr.next();
                    assertThat(rs.getBytes(8)).isEqualTo(mr.getBytes(1));
                    assertThat(rs.getBytes(9)).isEqualTo(mr.getBytes(2));
                }
            }

            // names: reserved words and mixed case kept, quoted; index names; defaults with quotes
            assertThat(rows(pg, "SELECT \"Id\", \"select\", \"Mixed Case Col\", \"user\", \"group\" FROM \"Order\" ORDER BY \"Id\""))
                    .containsExactly(List.of("1", "from", "10", "1", "a"), List.of("2", "where", "20", "2", "b"));
            assertThat(one(pg, "SELECT indexname FROM pg_indexes WHERE tablename = 'Order' AND indexname = 'Idx Mixed'")).isEqualTo("Idx Mixed");
            pg.createStatement().execute("INSERT INTO \"Order\" (\"Id\") VALUES (3)");
            assertThat(one(pg, "SELECT \"group\" FROM \"Order\" WHERE \"Id\" = 3")).isEqualTo("g'1");

            // keys: composite, self-referencing and cyclic foreign keys, table without primary key
            assertThat(one(pg, "SELECT count(*) FROM composite")).isEqualTo("5");
            // every table but no_pk has its primary key as a constraint (built as a unique index, then attached)
            assertThat(one(pg, "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace"
                    + " WHERE c.contype = 'p' AND n.nspname = 'public'")).isEqualTo("13");
            assertThat(one(pg, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'composite_pkey'"))
                    .startsWith("PRIMARY KEY (");
            assertThat(rows(pg, "SELECT conname FROM pg_constraint WHERE contype = 'f' ORDER BY conname"))
                    .extracting(r -> r.get(0)).containsExactly("fk_a_b", "fk_b_a", "fk_manager");
            assertThat(rows(pg, "SELECT a, b FROM no_pk ORDER BY a NULLS LAST, b")).containsExactly(
                    List.of("1", "x"), List.of("1", "x"), java.util.Arrays.asList("2", null), java.util.Arrays.asList(null, null));

            // generated columns carried as values; CHECK constraint converted; unsigned ranges kept as CHECKs
            assertThat(rows(pg, "SELECT total::text, label FROM generated ORDER BY id"))
                    .containsExactly(List.of("10.00", "item-1"), List.of("0.30", "item-2"));
            assertThat(one(pg, "SELECT count(*) FROM pg_constraint WHERE conname = 'qty_positive'")).isEqualTo("1");
            assertThatThrownBy(() -> pg.createStatement().execute("UPDATE integers SET i_u = -1 WHERE id = 1"))
                    .hasMessageContaining("check constraint");

            // AUTO_INCREMENT: identity continues after MySQL's counter; ON UPDATE CURRENT_TIMESTAMP as a trigger
            assertThat(one(pg, "INSERT INTO integers (active) VALUES (true) RETURNING id")).isEqualTo("1000");
            assertThat(one(pg, "INSERT INTO numbers (d0) VALUES (1) RETURNING id")).isEqualTo("6");
            pg.createStatement().execute("UPDATE temporal SET t = '01:00:00' WHERE id = 3");
            assertThat(one(pg, "SELECT updated > '2024-03-01' FROM temporal WHERE id = 3")).isEqualTo("t");
            assertThat(one(pg, "SELECT updated::text FROM temporal WHERE id = 4")).isEqualTo("2024-03-01 00:00:00+00");
            // NOT NULL date columns: set again after the load, except where a zero date became NULL
            assertThat(rows(pg, "SELECT column_name, is_nullable FROM information_schema.columns WHERE table_name = 'temporal'"
                    + " AND column_name IN ('created', 'updated', 'zero_default') ORDER BY column_name"))
                    .containsExactly(List.of("created", "NO"), List.of("updated", "NO"), List.of("zero_default", "YES"));
            assertThat(one(pg, "SELECT count(*) FROM temporal WHERE zero_default IS NULL")).isEqualTo("1");
        }

        Path certificate = service.writeCertificate(plan, "10.11", "17", verification, 4, Map.of(), Instant.now());
        String json = Files.readString(certificate);
        assertThat(json).contains("\"certificate\" : \"GOLD\"", "\"table\" : \"integers\"", "\"checksum\"")
                .contains("\"temporal.zero_default\" : 1");
        assertThat(json).doesNotContain("password");
        GoldCertificate back = service.readCertificate();   // what the cutover reads
        assertThat(back.rows()).isEqualTo(verification.rows());
        assertThat(back.zeroDatesWrittenAsNull()).isEqualTo(4);
        assertThat(back.dateColumnsLeftNullable()).containsEntry("temporal.zero_default", 1L);
        assertThat(back.table("integers").checksum()).isEqualTo(verification.tables().stream()
                .filter(t -> t.table().equals("integers")).findFirst().orElseThrow().sourceChecksum());
        assertThat(back.source().url()).isEqualTo(dbs.sourceUrl().replaceFirst("^jdbc:mariadb:", "jdbc:mysql:"));
    }

    @Test
    void aTextHoldingNulIsCarriedExactlyWithATypeOverrideToBytea(TestDatabases dbs) throws Exception {
        try (Connection c = dbs.source(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE raw_notes (id INT PRIMARY KEY, note VARCHAR(20))");
            st.execute("INSERT INTO raw_notes VALUES (1, CONCAT('a', CHAR(0), 'b')), (2, 'plain'), (3, NULL)");
        }
        MigrationOptions plain = MigrationOptions.defaults("public");
        MigrationService refused = MigrationFixture.service(dbs, plain, work);
        ConversionPlan plan = refused.plan(refused.readSchema());
        refused.createTables(plan);
        assertThatThrownBy(() -> refused.copy(plan, s -> { })).isInstanceOf(UncarriableValueException.class)
                .hasMessageContaining("raw_notes.note (row id=1)").hasMessageContaining("override the column's type to bytea");

        MigrationOptions overridden = plain.withDropExisting(true).withTypeOverrides(Map.of("raw_notes.note", "bytea"));
        MigrationService service = MigrationFixture.service(dbs, overridden, work);
        assertThat(MigrationFixture.migrate(service).matches()).isTrue();
        try (Connection pg = dbs.target(); Statement st = pg.createStatement();
             ResultSet rs = st.executeQuery("SELECT note FROM raw_notes ORDER BY id")) {
            rs.next();
            assertThat(rs.getBytes(1)).containsExactly('a', 0, 'b');
            rs.next();
            assertThat(rs.getBytes(1)).containsExactly("plain".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            rs.next();
            assertThat(rs.getBytes(1)).isNull();
        }
    }

    @Test
    void aDateThatDoesNotExistIsRefusedNamingTheRow(TestDatabases dbs) throws Exception {
        try (Connection c = dbs.source(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE bookings (id INT PRIMARY KEY, day DATE, at DATETIME)");
            st.execute("SET SESSION sql_mode = 'ALLOW_INVALID_DATES'");
            st.execute("INSERT INTO bookings VALUES (1, '2024-02-29', '2024-02-29 10:00:00'), (2, '2023-02-29', '2024-01-01 00:00:00')");
        }
        MigrationService service = MigrationFixture.service(dbs, MigrationOptions.defaults("public"), work);
        ConversionPlan plan = service.plan(service.readSchema());
        service.createTables(plan);
        assertThatThrownBy(() -> service.copy(plan, s -> { })).isInstanceOf(UncarriableValueException.class)
                .hasMessageContaining("bookings.day (row id=2)").hasMessageContaining("2023-02-29 does not exist");
        try (Connection pg = dbs.target()) {
            assertThat(one(pg, "SELECT count(*) FROM bookings")).isEqualTo("0");
        }
    }

    @Test
    void aTypeOverrideWithoutABinaryFormIsCopiedAsText(TestDatabases dbs) throws Exception {
        try (Connection c = dbs.source(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE tokens (id INT PRIMARY KEY, token CHAR(36), note VARCHAR(20))");
            st.execute("INSERT INTO tokens VALUES (1, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'tab\there'), (2, NULL, NULL)");
        }
        MigrationOptions options = MigrationOptions.defaults("public").withTypeOverrides(Map.of("tokens.token", "uuid"));
        MigrationService service = MigrationFixture.service(dbs, options, work);
        ConversionPlan plan = service.plan(service.readSchema());
        assertThat(BinaryCopy.writers(plan.tables().get(0).columns())).isNull();
        assertThat(MigrationFixture.migrate(service).matches()).isTrue();
        // uuid has no server-side canonical form here: the target's rows are read back and hashed by Bascule
        assertThat(ValueCodec.serverHashSql(plan.tables().get(0).columns())).isNull();
        assertThat(service.verify(plan, s -> { }, true).tables())
                .allSatisfy(t -> assertThat(t.matches()).isTrue()).allSatisfy(t -> assertThat(t.chunksComparedByRow()).isZero());
        try (Connection pg = dbs.target()) {
            assertThat(one(pg, "SELECT token::text || '/' || note FROM tokens WHERE id = 1"))
                    .isEqualTo("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11/tab\there");
            assertThat(one(pg, "SELECT pg_typeof(token)::text FROM tokens LIMIT 1")).isEqualTo("uuid");
        }
        // the text path refuses a NUL character too, naming the row
        try (Connection c = dbs.source(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE tokens_nul (id INT PRIMARY KEY, token CHAR(36), note VARCHAR(20))");
            st.execute("INSERT INTO tokens_nul VALUES (7, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', CONCAT('a', CHAR(0), 'b'))");
        }
        MigrationService nul = MigrationFixture.service(dbs, MigrationOptions.defaults("public").withDropExisting(true)
                .withTypeOverrides(Map.of("tokens.token", "uuid", "tokens_nul.token", "uuid")), work);
        ConversionPlan nulPlan = nul.plan(nul.readSchema());
        assertThat(BinaryCopy.writers(nulPlan.table("tokens_nul").columns())).isNull();
        nul.createTables(nulPlan);
        assertThatThrownBy(() -> nul.copy(nulPlan, s -> { })).isInstanceOf(UncarriableValueException.class)
                .hasMessageContaining("tokens_nul.note (row id=7)").hasMessageContaining("NUL");
    }

    @Test
    void booleanOptInIsRefusedWhenAValueIsNotZeroOrOne(TestDatabases dbs) throws Exception {
        MigrationFixture.loadSource(dbs, "ddl/all_types.sql");
        MigrationOptions options = MigrationOptions.defaults("public").withBooleanColumns(Set.of("integers.flag"));
        MigrationService service = MigrationFixture.service(dbs, options, work);
        ConversionPlan plan = service.plan(service.readSchema());
        assertThat(plan.errors()).singleElement().asString().contains("integers.flag").contains("1 rows hold a value other than 0/1");
        assertThatThrownBy(() -> service.createTables(plan)).isInstanceOf(ConfigException.class).hasMessageContaining("nothing was written");
        try (Connection pg = dbs.target()) {
            assertThat(one(pg, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")).isEqualTo("0");
        }
    }

    @Test
    void verificationNamesChangedMissingAndExtraRows(TestDatabases dbs) throws Exception {
        try (Connection c = dbs.source()) {
            SampleDatabase.load(c);
        }
        MigrationService service = MigrationFixture.service(dbs, MigrationOptions.defaults("public"), work);
        Verifier.Result clean = MigrationFixture.migrate(service);
        assertThat(clean.matches()).isTrue();
        assertThat(service.verify(service.loadPlan(), s -> { }, true).matches()).isTrue();
        assertThat(clean.rows()).isGreaterThanOrEqualTo(500 + 5000 + 100_000 + 211);
        try (Connection pg = dbs.target(); Statement st = pg.createStatement()) {
            st.execute("UPDATE disbursements SET montant = montant + 0.01 WHERE id = 17");
            st.execute("DELETE FROM disbursements WHERE id = 42");
            st.execute("INSERT INTO disbursements (id, locataire_id, reference, montant, date_paiement, mode_paiement)"
                    + " VALUES (9999, 1, 'DSB-EXTRA', 1.00, '2026-01-01', 'virement')");
            st.execute("UPDATE audit_logs SET utilisateur = 'intrus' WHERE id = 77777");
        }
        Verifier.Result dirty = service.verify(service.loadPlan(), s -> { });
        assertThat(dirty.matches()).isFalse();
        Verifier.TableResult d = dirty.tables().stream().filter(t -> t.table().equals("disbursements")).findFirst().orElseThrow();
        assertThat(d.changedKeys()).containsExactly("id=17");
        assertThat(d.missingKeys()).containsExactly("id=42");
        assertThat(d.extraKeys()).containsExactly("id=9999");
        assertThat(d.chunksComparedByRow()).isEqualTo(1);
        Verifier.TableResult a = dirty.tables().stream().filter(t -> t.table().equals("audit_logs")).findFirst().orElseThrow();
        assertThat(a.changedKeys()).containsExactly("id=77777");
        // against the checksums taken during the copy, the target alone is read; a range that differs is then
        // compared row by row with the source, naming the same keys
        Verifier.Result againstCopy = service.verify(service.loadPlan(), s -> { }, true);
        assertThat(againstCopy.matches()).isFalse();
        Verifier.TableResult c = againstCopy.tables().stream().filter(t -> t.table().equals("disbursements")).findFirst().orElseThrow();
        assertThat(c.changedKeys()).containsExactly("id=17");
        assertThat(c.missingKeys()).containsExactly("id=42");
        assertThat(c.extraKeys()).containsExactly("id=9999");
        assertThat(c.chunksComparedByRow()).isEqualTo(1);
        Verifier.TableResult l = againstCopy.tables().stream().filter(t -> t.table().equals("locataires")).findFirst().orElseThrow();
        assertThat(l.matches()).isTrue();
        assertThat(l.chunksComparedByRow()).isZero();
        assertThat(dirty.tables().stream().filter(t -> t.table().equals("locataires")).findFirst().orElseThrow().matches()).isTrue();
    }

    @Test
    void aCopyWithoutChecksumsIsVerifiedAgainstTheSourceAgain(TestDatabases dbs) throws Exception {
        try (Connection c = dbs.source()) {
            SampleDatabase.load(c);
        }
        MigrationService service = MigrationFixture.service(dbs, MigrationOptions.defaults("public"), work);
        ConversionPlan plan = service.plan(service.readSchema());
        service.createTables(plan);
        service.copy(plan, s -> { }, false);   // migrate --no-verify
        service.buildConstraints(plan);
        try (Connection pg = dbs.target()) {
            assertThat(one(pg, "SELECT count(*) FROM bascule_state.copy_checkpoint WHERE source_hash IS NOT NULL")).isEqualTo("0");
            pg.createStatement().execute("UPDATE locataires SET nom = nom || '!' WHERE id = 3");
        }
        // the verification of a migrate finds no checksums of the copy: it reads the source again, table by table
        Verifier.Result r = service.verify(plan, s -> { }, true);
        assertThat(r.rows()).isEqualTo(105_711);
        assertThat(r.matches()).isFalse();
        Verifier.TableResult l = r.tables().stream().filter(t -> t.table().equals("locataires")).findFirst().orElseThrow();
        assertThat(l.changedKeys()).containsExactly("id=3");
        assertThat(r.tables().stream().filter(t -> !t.table().equals("locataires")).allMatch(Verifier.TableResult::matches)).isTrue();
    }

    @Test
    void aCopyStoppedMidTableResumesWithoutDuplicates(TestDatabases dbs) throws Exception {
        try (Connection c = dbs.source(); Statement st = c.createStatement()) {
            SampleDatabase.load(c);
            // a value PostgreSQL cannot hold stops the copy in the middle of audit_logs
            st.execute("UPDATE audit_logs SET utilisateur = CONCAT('nul', CHAR(0)) WHERE id = 60001");
        }
        MigrationOptions options = MigrationOptions.defaults("public").withChunkRows(5_000).withParallelism(2);
        MigrationService service = MigrationFixture.service(dbs, options, work);
        ConversionPlan plan = service.plan(service.readSchema());
        service.createTables(plan);
        assertThatThrownBy(() -> service.copy(plan, s -> { })).isInstanceOf(UncarriableValueException.class)
                .hasMessageContaining("audit_logs.utilisateur (row id=60001)").hasMessageContaining("NUL");
        long partial;
        try (Connection pg = dbs.target()) {
            partial = Long.parseLong(one(pg, "SELECT count(*) FROM audit_logs"));
            assertThat(partial).as("committed chunks before the failure").isGreaterThan(0).isLessThan(100_000);
            assertThat(Long.parseLong(one(pg, "SELECT max(id) FROM audit_logs"))).isLessThan(60001);
        }
        try (Connection c = dbs.source(); Statement st = c.createStatement()) {
            st.execute("UPDATE audit_logs SET utilisateur = 'nul' WHERE id = 60001");
        }
        MigrationService again = MigrationFixture.service(dbs, options, work);
        ConversionPlan plan2 = again.plan(again.readSchema());
        again.createTables(plan2);
        CopyEngine.Result result = again.copy(plan2, s -> { });
        assertThat(result.rowsCopied().get("audit_logs")).isEqualTo(100_000);
        again.buildConstraints(plan2);
        String autovacuumOff = "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"
                + " AND reloptions @> ARRAY['autovacuum_enabled=false']";
        try (Connection pg = dbs.target()) {
            assertThat(one(pg, "SELECT count(*) FROM audit_logs")).isEqualTo("100000");
            assertThat(one(pg, "SELECT count(DISTINCT id) FROM audit_logs")).isEqualTo("100000");
            // autovacuum stays off while the tables load, and until the verification is done
            assertThat(one(pg, autovacuumOff)).isEqualTo(String.valueOf(plan2.tables().size()));
        }
        assertThat(again.verify(plan2, s -> { }).matches()).isTrue();
        try (Connection pg = dbs.target()) {
            assertThat(one(pg, autovacuumOff)).isEqualTo("0");
            assertThat(one(pg, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'"
                    + " AND reloptions IS NOT NULL")).isEqualTo("0");
        }
    }

    @Test
    void aNonEmptyTargetTableIsRefusedAndLeftAsItWas(TestDatabases dbs) throws Exception {
        try (Connection c = dbs.source()) {
            SampleDatabase.load(c);
        }
        try (Connection pg = dbs.target(); Statement st = pg.createStatement()) {
            st.execute("CREATE TABLE disbursements (id int PRIMARY KEY, note text)");
            st.execute("INSERT INTO disbursements VALUES (1, 'precious')");
        }
        MigrationService service = MigrationFixture.service(dbs, MigrationOptions.defaults("public"), work);
        ConversionPlan plan = service.plan(service.readSchema());
        assertThatThrownBy(() -> service.createTables(plan)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("[disbursements]").hasMessageContaining("--drop-existing");
        try (Connection pg = dbs.target()) {
            assertThat(one(pg, "SELECT note FROM disbursements WHERE id = 1")).isEqualTo("precious");
            assertThat(one(pg, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")).isEqualTo("1");
        }
        MigrationService dropping = MigrationFixture.service(dbs, MigrationOptions.defaults("public").withDropExisting(true), work);
        dropping.createTables(plan);
        dropping.copy(plan, s -> { });
        try (Connection pg = dbs.target()) {
            assertThat(one(pg, "SELECT count(*) FROM disbursements")).isEqualTo("211");
        }
    }
}
