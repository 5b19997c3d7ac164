package io.bascule.migration;

import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.PostgresDialect;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** PgHash gives what PostgreSQL's hashtextextended gives, for every length of the tail and for any seed. */
@ExtendWith(EmbeddedDatabases.class)
class PgHashIT {

    @Test
    void hashesLikeTheServer(TestDatabases dbs) throws Exception {
        Random random = new Random(20261125);
        String alphabet = "abcXYZ019 -_.:\"\\\t\néüßΩ€😀\u0001";
        List<String> texts = new ArrayList<>(List.of("", "a", "bascule"));
        for (int i = 0; i < 600; i++) {
            StringBuilder sb = new StringBuilder();
            int n = i < 100 ? i : random.nextInt(300);
            while (sb.length() < n) {
                sb.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0,
                        random.nextInt(alphabet.codePointCount(0, alphabet.length())))));
            }
            texts.add(sb.toString());
        }
        long[] seeds = {0, 1, 7, -1, Long.MIN_VALUE, 0x1234_5678_9abc_def0L};
        try (Connection c = dbs.target()) {
            for (long seed : seeds) {
                Array array = c.createArrayOf("text", texts.toArray());
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT hashtextextended(t, ?) FROM unnest(?::text[]) WITH ORDINALITY AS u(t, n) ORDER BY n")) {
                    ps.setLong(1, seed);
                    ps.setArray(2, array);
                    try (ResultSet rs = ps.executeQuery()) {
                        for (String t : texts) {
                            assertThat(rs.next()).isTrue();
                            assertThat(PgHash.hash(t.getBytes(StandardCharsets.UTF_8), seed))
                                    .as("hashtextextended('%s', %d)", t, seed).isEqualTo(rs.getLong(1));
                        }
                    }
                }
            }
            DatabaseEndpoint target = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, dbs.targetUrl(), "postgres", null);
            assertThat(new PostgresDialect(target).hashTextExtended(c, PgHash.PROBE_TEXT, PgHash.PROBE_SEED))
                    .isEqualTo(PgHash.probe());
        }
    }

    @Test
    void aSliceHashesLikeTheWholeArray() {
        byte[] all = "xx-the middle part-yy".getBytes(StandardCharsets.UTF_8);
        byte[] middle = "the middle part".getBytes(StandardCharsets.UTF_8);
        assertThat(PgHash.hash(all, 3, 3 + middle.length, 5)).isEqualTo(PgHash.hash(middle, 5));
    }
}
