package io.bascule.cutover;

import io.bascule.migration.MigrationOptions;
import io.bascule.migration.MigrationService;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Phase 0 on the embedded servers: a valid certificate passes; a target changed since GOLD fails naming the table. */
@ExtendWith(EmbeddedDatabases.class)
class GoldCheckIT {

    @TempDir
    Path work;

    private static GoldCheck check(CutoverFixture.Gold gold) {
        return new GoldCheck(gold.source(), gold.target(), gold.options(), gold.work());
    }

    @Test
    void aFreshCertificateHoldsAndMySqlChangesDoNotMatter(TestDatabases dbs) throws Exception {
        CutoverFixture.Gold gold = CutoverFixture.migrate(dbs, work);
        // MySQL keeps changing until the freeze: the final delta carries that, the certificate is about PostgreSQL
        CutoverFixture.mysql(dbs, "INSERT INTO notes VALUES ('z', 'later', '2024-02-01 00:00:00')");

        GoldCheck.Result r = check(gold).check();

        assertThat(r.ok()).as(r.lines().toString()).isTrue();
        assertThat(r.sourceVersion()).containsIgnoringCase("mariadb");
        assertThat(r.targetVersion()).matches("\\d+.*");
        assertThat(r.tables()).hasSize(CutoverFixture.TABLES.size()).allMatch(GoldCheck.TableCheck::ok);
        assertThat(r.tables()).filteredOn(t -> t.table().equals("customers")).singleElement()
                .satisfies(t -> assertThat(t.rows()).isEqualTo(3));
        assertThat(r.lines().get(0).render()).startsWith("✅ MySQL reachable: ");
        assertThat(r.lines().get(1).render()).startsWith("✅ PostgreSQL reachable: ");
        assertThat(r.summary()).startsWith("GOLD certificate of ").contains("valid");
        assertThat(r.requireOk()).isSameAs(r);
    }

    @Test
    void aRowChangedOnPostgresAfterGoldMakesTheCertificateStaleNamingTheTable(TestDatabases dbs) throws Exception {
        CutoverFixture.Gold gold = CutoverFixture.migrate(dbs, work);
        CutoverFixture.pg(dbs, "UPDATE order_lines SET qty = qty + 1 WHERE customer_id = 1 AND line = 1");

        GoldCheck.Result r = check(gold).check();

        assertThat(r.ok()).isFalse();
        assertThat(r.problems()).singleElement().satisfies(p -> assertThat(p)
                .startsWith("table order_lines (order_lines on PostgreSQL) has changed since the GOLD certificate")
                .contains("3 rows as certified, but checksum").contains("stale").contains("run migrate again"));
        assertThat(r.tables()).filteredOn(t -> !t.ok()).extracting(GoldCheck.TableCheck::table).containsExactly("order_lines");
        assertThatThrownBy(r::requireOk).isInstanceOf(CutoverPhaseException.class).hasMessageContaining("NO-GO")
                .hasMessageContaining("order_lines");
    }

    @Test
    void aRowAddedOrATableDroppedOnPostgresIsNamed(TestDatabases dbs) throws Exception {
        CutoverFixture.Gold gold = CutoverFixture.migrate(dbs, work);
        CutoverFixture.pg(dbs, "INSERT INTO notes VALUES ('x', 'sneaked in', now())", "DROP TABLE untouched");

        GoldCheck.Result r = check(gold).check();

        assertThat(r.problems()).hasSize(2);
        assertThat(r.problems()).anySatisfy(p -> assertThat(p).startsWith("table notes ").contains("4 rows where the"
                + " certificate recorded 3"));
        assertThat(r.problems()).anySatisfy(p -> assertThat(p).startsWith("untouched: table").contains("no longer exists"));
    }

    @Test
    void aCertificateForOtherDatabasesOrNoneIsRefused(TestDatabases dbs) throws Exception {
        CutoverFixture.Gold gold = CutoverFixture.migrate(dbs, work);

        MigrationOptions o = gold.options();
        MigrationOptions other = new MigrationOptions("other", o.lowerCaseNames(), o.booleanColumns(), o.typeOverrides(),
                o.parallelism(), o.chunkRows(), o.dropExisting(), o.progressInterval());
        GoldCheck.Result otherSchema = new GoldCheck(gold.source(), gold.target(), other, gold.work()).check();
        assertThat(otherSchema.problems()).singleElement().satisfies(p -> assertThat(p)
                .contains("the GOLD certificate is for target schema public, this cutover uses other"));

        Files.delete(work.resolve(MigrationService.CERTIFICATE_FILE));
        GoldCheck.Result none = check(gold).check();
        assertThat(none.problems()).singleElement().satisfies(p -> assertThat(p).startsWith("no valid GOLD certificate")
                .contains("does not exist"));
    }
}
