package io.bascule.database;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain SQL script: statements end with a semicolon at the end of a line, lines starting with
 * {@code --} are comments. Enough for fixtures and sample data; not a general SQL parser.
 */
public final class SqlScript {

    private final String name;
    private final List<String> statements;

    private SqlScript(String name, List<String> statements) {
        this.name = name;
        this.statements = statements;
    }

    public static SqlScript fromClasspath(String resource) {
        try (InputStream in = SqlScript.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("SQL script not found on the class path: " + resource);
            }
            return parse(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read SQL script " + resource, e);
        }
    }

    public static SqlScript parse(String name, String text) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\r?\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                statements.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            statements.add(current.toString().strip());
        }
        return new SqlScript(name, List.copyOf(statements));
    }

    public List<String> statements() {
        return statements;
    }

    /** Runs every statement in order on the connection; the first failure names the statement. */
    public void run(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            int i = 0;
            for (String sql : statements) {
                i++;
                try {
                    st.execute(sql);
                } catch (SQLException e) {
                    String head = sql.length() > 80 ? sql.substring(0, 80) + "..." : sql;
                    throw new SQLException(name + ": statement " + i + " failed (" + e.getMessage() + "): "
                            + head.replace('\n', ' '), e.getSQLState(), e.getErrorCode(), e);
                }
            }
        }
    }
}
