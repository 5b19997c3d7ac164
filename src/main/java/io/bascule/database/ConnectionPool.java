package io.bascule.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Connections of one endpoint kept for the length of one step (the copy, the index builds, the verification), so that
 * its parallel tasks do not each log in again: a PostgreSQL login (SCRAM) and a new server process cost ~10 ms of CPU,
 * and a step of a large migration runs dozens of tasks. A HikariCP pool whose connections are opened by
 * {@link DatabaseEndpoint#open} (its credentials from the secrets, its session settings, its error messages with the
 * redacted URL). A connection comes back only in good order (no transaction left open); a task that failed throws its
 * connection away instead ({@link #discard}). {@link #close} closes them all, at the end of the step.
 */
public final class ConnectionPool implements AutoCloseable {

    /** Work on a connection of the pool. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final DatabaseEndpoint endpoint;
    private final EndpointDataSource source;
    private final HikariDataSource pool;

    /**
     * A pool for up to {@code size} connections at once: one per worker thread of the step (a task holds at most one
     * connection of each endpoint at a time). Connections are opened when a worker first needs one, never ahead.
     */
    public ConnectionPool(DatabaseEndpoint endpoint, int size) {
        this.endpoint = endpoint;
        // the first connection is opened here, by the endpoint itself: a wrong password or an unreachable server is
        // its one clear line at once (from Hikari it would come after its connection timeout); the first take() gets it
        this.source = new EndpointDataSource(endpoint, endpoint.open());
        HikariConfig config = new HikariConfig();
        config.setPoolName("bascule-" + endpoint.side().name().toLowerCase() + "-" + POOLS.incrementAndGet());
        config.setDataSource(source);
        config.setMaximumPoolSize(Math.max(1, size));
        config.setMinimumIdle(0);                  // no connection opened ahead of a worker's need
        config.setInitializationFailTimeout(-1);   // checked above, by the endpoint
        config.setAutoCommit(true);
        config.setConnectionTimeout(30_000);
        try {
            this.pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            source.closeUnused();
            throw e;
        }
    }

    /** An idle connection, or a new one ({@link DatabaseEndpoint#open}, with its session settings). */
    public Connection take() {
        if (pool.isClosed()) {
            throw new IllegalStateException("connection pool of " + endpoint.redactedUrl() + " is closed");
        }
        try {
            return pool.getConnection();
        } catch (SQLException e) {
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof DatabaseException d) {
                    throw d;   // the endpoint's own message: which server, what to do
                }
            }
            throw endpoint.failure("taking a connection from the pool", e);
        }
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
            c.close();   // back to the pool
        } catch (SQLException e) {
            discard(c);
        }
    }

    /**
     * Throws away a connection whose state is not known (the work on it failed): the server connection is aborted
     * (a MySQL result set still streaming is not read to its end) and the pool forgets it.
     */
    public void discard(Connection c) {
        try {
            c.unwrap(Connection.class).abort(Runnable::run);
        } catch (SQLException | RuntimeException ignored) {
            // it is dropped either way
        }
        pool.evictConnection(c);
    }

    /** Runs work on a connection: given back when the work returns, thrown away when it throws. */
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
        try {
            pool.close();
        } finally {
            source.closeUnused();
        }
    }

    /** Hikari's source of new connections: the endpoint's {@link DatabaseEndpoint#open}, the first one given. */
    private static final class EndpointDataSource implements DataSource {
        private final DatabaseEndpoint endpoint;
        private Connection first;
        private volatile int loginTimeout = 30;

        EndpointDataSource(DatabaseEndpoint endpoint, Connection first) {
            this.endpoint = endpoint;
            this.first = first;
        }

        @Override
        public synchronized Connection getConnection() throws SQLException {
            Connection c = first;
            if (c != null) {
                first = null;
                return c;
            }
            try {
                return endpoint.open();
            } catch (DatabaseException e) {
                // Hikari retries and reports the cause when a borrower times out; take() unwraps it
                throw new SQLException(e.getMessage(), e.sqlState(), e.vendorCode(), e);
            }
        }

        /** Closes the first connection if no worker took it. */
        synchronized void closeUnused() {
            if (first != null) {
                try {
                    first.close();
                } catch (SQLException ignored) {
                    // closing is all that is left to do with it
                }
                first = null;
            }
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        /** Hikari sets it from its connection timeout, and waits that long for a login under way when it closes. */
        @Override
        public void setLoginTimeout(int seconds) {
            loginTimeout = seconds;
        }

        @Override
        public int getLoginTimeout() {
            return loginTimeout;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
