package io.bascule.demo;

import io.bascule.database.SqlScript;

import java.sql.Connection;
import java.sql.SQLException;

/** The AKIG sample legacy database: the demo's source and a fixture for tests. */
public final class SampleDatabase {

    public static final String SCRIPT = "demo/akig_legacy.sql";
    public static final String SOURCE_DATABASE = "akig_legacy";
    public static final String TARGET_DATABASE = "akig_immobilier";

    private SampleDatabase() {
    }

    /** Loads the sample tables and rows into the (empty) database the connection points at. */
    public static void load(Connection connection) throws SQLException {
        SqlScript.fromClasspath(SCRIPT).run(connection);
    }
}
