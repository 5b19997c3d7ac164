package io.bascule.appswitch;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The diff shown when the app config file was changed by hand: the same hunks as {@code diff -u}, secrets redacted. */
class UnifiedDiffTest {

    private static String diff(String a, String b) {
        return UnifiedDiff.of("a", a.getBytes(StandardCharsets.UTF_8), "b", b.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void hunksAreThoseOfDiffU() {
        assertThat(diff("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n", "new\na\nb\nc\nd\ne\nF\ng\nh\ni\nj\nk\nl\n"))
                .isEqualTo("--- a\n+++ b\n@@ -1,13 +1,13 @@\n+new\n a\n b\n c\n d\n e\n-f\n+F\n g\n h\n i\n j\n k\n l\n-m\n");
        assertThat(diff("x\n", "")).isEqualTo("--- a\n+++ b\n@@ -1 +0,0 @@\n-x\n");
        assertThat(diff("", "x\n")).isEqualTo("--- a\n+++ b\n@@ -0,0 +1 @@\n+x\n");
        assertThat(diff("same\n", "same\n")).isEqualTo("--- a\n+++ b\n");
    }

    @Test
    void farApartChangesMakeTwoHunks() {
        String a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n";
        String b = "1\ntwo\n3\n4\n5\n6\n7\n8\n9\n10\neleven\n12\n";
        assertThat(diff(a, b)).isEqualTo("--- a\n+++ b\n"
                + "@@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n 4\n 5\n"
                + "@@ -8,5 +8,5 @@\n 8\n 9\n 10\n-11\n+eleven\n 12\n");
    }

    @Test
    void aChangedLineEndingIsMarkedAndSecretsAreRedacted() {
        assertThat(diff("DATABASE_URL=mysql://app:pw1@h/db\nAPI_TOKEN=abc\n",
                "DATABASE_URL=mysql://app:pw1@h/db\r\nAPI_TOKEN=abcd\nDB_PASSWORD=pw2\n"))
                .isEqualTo("--- a\n+++ b\n@@ -1,2 +1,3 @@\n"
                        + "-DATABASE_URL=mysql://***@h/db\n-API_TOKEN=***\n"
                        + "+DATABASE_URL=mysql://***@h/db    [CRLF]\n+API_TOKEN=***\n+DB_PASSWORD=***\n");
    }
}
