package io.bascule.migration;

import io.bascule.schema.ColumnMapping;
import io.bascule.schema.ConversionPlan;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;

import static io.bascule.migration.MigrationFixture.one;
import static io.bascule.migration.MigrationFixture.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * MySQL's Sakila sample schema (reduced: film with its ENUM rating and SET special_features, and the tables around
 * it; src/test/resources/ddl/sakila-*.sql) migrated end to end, every row verified.
 */
@ExtendWith(EmbeddedDatabases.class)
class SakilaMigrationIT {

    static final int SAKILA_ROWS = 6 + 16 + 60 + 120 + 360 + 140;

    @TempDir
    Path work;

    static void loadSakila(TestDatabases dbs) throws Exception {
        MigrationFixture.loadSource(dbs, "ddl/sakila-schema.sql");
        MigrationFixture.loadSource(dbs, "ddl/sakila-data.sql");
    }

    @Test
    void sakilaIsMigratedWithItsEnumAndSetValuesByteExact(TestDatabases dbs) throws Exception {
        loadSakila(dbs);
        MigrationService service = MigrationFixture.service(dbs, MigrationOptions.defaults("public"), work);
        ConversionPlan plan = service.plan(service.readSchema());
        assertThat(plan.errors()).isEmpty();
        assertThat(plan.tables()).extracting(t -> t.source().name())
                .containsExactlyInAnyOrder("actor", "category", "film", "film_actor", "film_category", "language");
        ColumnMapping rating = plan.table("film").column("rating");
        assertThat(rating.targetType()).isEqualTo("varchar(5)");
        assertThat(rating.check()).isEqualTo("\"rating\" IN ('G', 'PG', 'PG-13', 'R', 'NC-17', '')");
        assertThat(rating.defaultSql()).isEqualTo("'G'");
        assertThat(plan.table("film").column("special_features").targetType()).isEqualTo("text");

        Verifier.Result verification = MigrationFixture.migrate(service);
        assertThat(verification.tables()).hasSize(6)
                .allSatisfy(t -> assertThat(t.matches()).as(t.summary()).isTrue());
        assertThat(verification.rows()).isEqualTo(SAKILA_ROWS);

        try (Connection pg = dbs.target(); Connection my = dbs.source()) {
            // every film, column by column as each engine prints it: the same text on both sides
            // (YEAR as a number: the JDBC driver prints it as a date)
            String filmColumns = "film_id, title, description, %s, language_id, original_language_id,"
                    + " rental_duration, rental_rate, length, replacement_cost, rating, special_features";
            List<List<String>> source = rows(my, "SELECT " + filmColumns.formatted("release_year + 0") + " FROM film ORDER BY film_id");
            assertThat(source).hasSize(120);
            assertThat(rows(pg, "SELECT " + filmColumns.formatted("release_year") + " FROM film ORDER BY film_id")).isEqualTo(source);
            // every rating, every subset of special_features (in declaration order, declared case), '' and NULL
            assertThat(rows(pg, "SELECT DISTINCT rating FROM film WHERE rating IS NOT NULL ORDER BY 1")).extracting(r -> r.get(0))
                    .containsExactly("G", "NC-17", "PG", "PG-13", "R");
            assertThat(one(pg, "SELECT count(DISTINCT special_features) FROM film")).isEqualTo("16");
            assertThat(one(pg, "SELECT special_features FROM film WHERE film_id = 18")).isEqualTo("Trailers,Commentaries,Behind the Scenes");
            assertThat(one(pg, "SELECT count(*) FROM film WHERE special_features = ''")).isEqualTo("7");
            assertThat(one(pg, "SELECT count(*) FROM film WHERE special_features IS NULL")).isEqualTo("6");
            for (String table : List.of("actor", "category", "language", "film_actor", "film_category")) {
                assertThat(one(pg, "SELECT count(*) FROM " + table)).as(table).isEqualTo(one(my, "SELECT count(*) FROM " + table));
            }
            assertThat(rows(pg, "SELECT last_name FROM actor WHERE last_name LIKE '%''%' LIMIT 1")).isNotEmpty();

            // the keys, identities and defaults a Sakila application relies on
            assertThat(rows(pg, "SELECT conname FROM pg_constraint WHERE contype = 'f' ORDER BY conname")).extracting(r -> r.get(0))
                    .containsExactly("fk_film_actor_actor", "fk_film_actor_film", "fk_film_category_category",
                            "fk_film_category_film", "fk_film_language", "fk_film_language_original");
            assertThat(one(pg, "INSERT INTO film (title, language_id) VALUES ('NEW RELEASE', 1) RETURNING rating || '/' || rental_rate"))
                    .isEqualTo("G/4.99");
            assertThatThrownBy(() -> pg.createStatement().execute("UPDATE film SET rating = 'pg-13' WHERE film_id = 1"))
                    .hasMessageContaining("check constraint");
            pg.createStatement().execute("UPDATE film SET rating = 'PG-13' WHERE film_id = 1");
        }
    }
}
