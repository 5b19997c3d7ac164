package io.bascule.database;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class JdbcUrlsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "mysql://user:s3cret@db.example:3306/akig          | mysql://***@db.example:3306/akig",
            "mysql://root@127.0.0.1:3306/akig_legacy           | mysql://***@127.0.0.1:3306/akig_legacy",
            "postgres://app:s3cret@pg:5432/akig?sslmode=require | postgres://***@pg:5432/akig?sslmode=require",
            "postgresql://app:s3cret@h1:5432,h2:5432/akig       | postgresql://***@h1:5432,h2:5432/akig",
            "postgres://app:p@ss/w0rd@pg/akig                  | postgres://***@pg/akig",
            "jdbc:mysql://u:s3cret@h:3306/db?useSSL=true        | jdbc:mysql://***@h:3306/db?useSSL=true",
            "jdbc:postgresql://h:5432/db?user=app&password=s3cret&ssl=true | jdbc:postgresql://h:5432/db?user=app&password=***&ssl=true",
            "jdbc:mysql://h/db?sslPassword=s3cret;PWD=s3cret    | jdbc:mysql://h/db?sslPassword=***;PWD=***",
            "jdbc:postgresql://h:5432/db?contact=a@b.example     | jdbc:postgresql://h:5432/db?contact=a@b.example",
            "jdbc:mysql://h:3306/db                            | jdbc:mysql://h:3306/db",
    })
    void passwordsAndUserInfoAreRemoved(String url, String shown) {
        assertThat(JdbcUrls.redact(url)).isEqualTo(shown).doesNotContain("s3cret");
    }
}
