package io.bascule.testing;

import io.bascule.embedded.EmbeddedMariaDbServer;
import io.bascule.embedded.EmbeddedPostgresServer;

import java.sql.Connection;
import java.sql.SQLException;

/** The databases of one test: a MariaDB database (source) and a PostgreSQL database (target) of the same name. */
public record TestDatabases(EmbeddedMariaDbServer mariaDb, EmbeddedPostgresServer postgres, String name) {

    public String sourceDatabase() {
        return name;
    }

    public String targetDatabase() {
        return name;
    }

    public String sourceUrl() {
        return mariaDb.jdbcUrl(name);
    }

    public String targetUrl() {
        return postgres.jdbcUrl(name);
    }

    public Connection source() throws SQLException {
        return mariaDb.connect(name);
    }

    public Connection target() throws SQLException {
        return postgres.connect(name);
    }
}
