package io.bascule.database;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Connections of one endpoint kept for the length of one step (the copy, the index builds, the verification), so that
 * its parallel tasks do not each log in again: a PostgreSQL login (SCRAM) and a new server process cost ~10 ms of CPU,
 * and a step of a large migration runs dozens of tasks. A connection comes back only in good order (no transaction
 * left open); a task that failed closes its connection instead ({@link #discard}). {@link #close} closes them all.
 */
public final class ConnectionPool implements AutoCloseable {

    /** Work on a connection of the pool. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final DatabaseEndpoint endpoint;
    private final Deque<Connection> idle = new ArrayDeque<>();
    private final List<Connection> all = new ArrayList<>();
    private boolean closed;

    public ConnectionPool(DatabaseEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** An idle connection, or a new one ({@link DatabaseEndpoint#open}, with its session settings). */
    public Connection take() {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("connection pool of " + endpoint.redactedUrl() + " is closed");
            }
            Connection c = idle.poll();
            if (c != null) {
                return c;
            }
        }
        Connection c = endpoint.open();
        synchronized (this) {
            all.add(c);
        }
        return c;
    }

    /** Gives a connection back after work that ended in good order; a transaction still open is rolled back. */
    public void release(Connection c) {
        try {
            if (c.isClosed()) {
                return;
            }
            if (!c.getAutoCommit()) {
                c.rollback();
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            discard(c);
            return;
        }
        synchronized (this) {
            if (!closed) {
                idle.push(c);
                return;
            }
        }
        discard(c);
    }

    /** Closes a connection whose state is not known (the work on it failed). */
    public void discard(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // it is dropped either way
        }
    }

    /** Runs work on a connection: given back when the work returns, closed when it throws. */
    public <T> T with(Work<T> work) throws SQLException {
        Connection c = take();
        boolean ok = false;
        try {
            T result = work.run(c);
            ok = true;
            return result;
        } finally {
            if (ok) {
                release(c);
            } else {
                discard(c);
            }
        }
    }

    @Override
    public void close() {
        List<Connection> toClose;
        synchronized (this) {
            closed = true;
            toClose = new ArrayList<>(all);
            idle.clear();
        }
        toClose.forEach(this::discard);
    }
}
