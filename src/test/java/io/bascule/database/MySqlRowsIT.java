package io.bascule.database;

import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** MySqlRows reads Connector/J's rows directly and hands over exactly what ResultSet.getBytes does. */
@ExtendWith(EmbeddedDatabases.class)
class MySqlRowsIT {

    private static List<List<byte[]>> read(Connection c, boolean direct) throws Exception {
        List<List<byte[]>> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, t, b, CAST(d AS CHAR) FROM r ORDER BY id",
                ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            ps.setFetchSize(Integer.MIN_VALUE);   // streaming, as the copy reads
            try (ResultSet rs = ps.executeQuery()) {
                MySqlRows rows = direct ? MySqlRows.of(rs) : null;
                if (direct) {
                    assertThat(rows.getClass().getSimpleName()).isEqualTo("DriverRows");
                }
                while (direct ? rows.next() : rs.next()) {
                    List<byte[]> row = new ArrayList<>();
                    for (int i = 1; i <= 4; i++) {
                        row.add(direct ? rows.get(i) : rs.getBytes(i));
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }

    @Test
    void givesTheBytesGetBytesGives(TestDatabases dbs) throws Exception {
        try (Connection c = dbs.source(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE r (id INT PRIMARY KEY, t TEXT, b VARBINARY(10), d DECIMAL(30,10))");
            st.execute("INSERT INTO r VALUES (1, 'émoji 😀', X'00FF00', -12.5), (2, NULL, NULL, NULL), (3, '', '', 0)");
            StringBuilder many = new StringBuilder("INSERT INTO r VALUES ");
            for (int i = 4; i < 3000; i++) {
                many.append(i > 4 ? "," : "").append("(").append(i).append(", REPEAT('x', ").append(i % 300).append("), NULL, ").append(i).append(".25)");
            }
            st.execute(many.toString());
            List<List<byte[]>> viaJdbc = read(c, false);
            List<List<byte[]>> direct = read(c, true);
            assertThat(direct).hasSize(2999).hasSameSizeAs(viaJdbc);
            for (int r = 0; r < direct.size(); r++) {
                for (int i = 0; i < 4; i++) {
                    assertThat(direct.get(r).get(i)).as("row %d column %d", r, i).isEqualTo(viaJdbc.get(r).get(i));
                }
            }
            assertThat(direct.get(1).subList(1, 4)).containsOnlyNulls();
        }
    }
}
