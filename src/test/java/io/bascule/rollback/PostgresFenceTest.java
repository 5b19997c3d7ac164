package io.bascule.rollback;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The application's login read from its database URL, never its password. */
class PostgresFenceTest {

    @Test
    void userOfReadsTheUserFromEveryFormAnApplicationHolds() {
        assertThat(userOf("postgresql://shop:s3cret@db.example:5432/shop")).isEqualTo("shop");
        assertThat(userOf("postgres://shop@db.example/shop")).isEqualTo("shop");
        assertThat(userOf("jdbc:postgresql://db.example/shop?user=shop_app&password=s3cret")).isEqualTo("shop_app");
        assertThat(userOf("jdbc:postgresql://db.example/shop?ssl=true&password=s3cret&user=shop_app")).isEqualTo("shop_app");
        assertThat(userOf("  postgresql://shop:pw@host/db  ")).isEqualTo("shop");
        assertThat(userOf("postgresql://shop@host/db?sslmode=require")).isEqualTo("shop");
        assertThat(userOf("postgresql://host/db?user=q%40x")).isEqualTo("q@x");
    }

    @Test
    void userOfDecodesPercentEscapesAndKeepsPlus() {
        assertThat(userOf("postgresql://m%C3%BCller%2Bapp:pw@host/db")).isEqualTo("müller+app");
        assertThat(userOf("postgresql://a+b:pw@host/db")).isEqualTo("a+b");
    }

    @Test
    void userOfIsNullWhenTheUrlNamesNoUser() {
        assertThat(userOf(null)).isNull();
        assertThat(userOf("")).isNull();
        assertThat(userOf("postgresql://host:5432/db")).isNull();
        assertThat(userOf("jdbc:postgresql://host/db")).isNull();
        assertThat(userOf("jdbc:postgresql://host/db?password=only")).isNull();
        assertThat(userOf("postgresql://:pw@host/db")).isNull();
        assertThat(userOf("jdbc:postgresql://host/db?user=")).isNull();
    }

    @Test
    void userOfNeverReturnsThePasswordEvenWithRawAtAndSlash() {
        String url = "postgresql://app:p@ss/w:rd@host:5432/db?password=other";
        String user = userOf(url);
        assertThat(user).isEqualTo("app");
        for (String u : List.of(
                "postgresql://app:topsecret@host/db",
                "postgres://app:top%40secret@host/db",
                "jdbc:postgresql://host/db?password=topsecret&user=app",
                "postgresql://app:top@secret@host/db")) {
            assertThat(userOf(u)).isEqualTo("app").doesNotContain("secret");
        }
    }

    @Test
    void aReadOnlySettingIsRecognisedInEveryWayPostgresqlStoresIt() {
        assertThat(PostgresFence.isReadOnlySetting(List.of("default_transaction_read_only=on"))).isTrue();
        assertThat(PostgresFence.isReadOnlySetting(List.of("search_path=x", "default_transaction_read_only=true"))).isTrue();
        assertThat(PostgresFence.isReadOnlySetting(List.of("default_transaction_read_only=off"))).isFalse();
        assertThat(PostgresFence.isReadOnlySetting(List.of("search_path=default_transaction_read_only=on"))).isFalse();
        assertThat(PostgresFence.isReadOnlySetting(List.of())).isFalse();
    }

    /** The user of an application's URL as the rollback's fence takes it (one parser: AppDatabaseUrl). */
    private static String userOf(String url) {
        return io.bascule.appswitch.AppDatabaseUrl.parse(url).map(io.bascule.appswitch.AppDatabaseUrl::user).orElse(null);
    }
}
