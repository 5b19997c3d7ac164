package io.bascule.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The lines every benchmark prints about where it ran: the machine, and both servers' durability settings. */
public final class BenchMachine {

    private BenchMachine() {
    }

    /**
     * {@code machine: N CPUs (model), R GB RAM, load average ..., JVM}, then {@code postgres: ...} and
     * {@code mariadb: ...} lines (version, fsync / synchronous_commit / shared_buffers, flush at commit, buffer pool).
     */
    public static String describe(Connection postgres, Connection mariaDb) throws IOException, SQLException {
        StringBuilder sb = new StringBuilder("machine: ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs");
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                sb.append(" (").append(line.replaceAll("^.*:\\s*", "")).append(")");
                break;
            }
        }
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal")) {
                sb.append(", ").append(Math.round(Long.parseLong(line.replaceAll("\\D", "")) / 1024.0 / 1024.0)).append(" GB RAM");
            }
        }
        sb.append(", load average ").append(Files.readString(Path.of("/proc/loadavg")).trim())
                .append(", ").append(System.getProperty("java.vm.name")).append(" ").append(System.getProperty("java.version"));
        try (Statement st = postgres.createStatement();
             ResultSet rs = st.executeQuery("SELECT version(), current_setting('fsync'), current_setting('synchronous_commit'),"
                     + " current_setting('shared_buffers')")) {
            rs.next();
            sb.append("\npostgres: ").append(rs.getString(1).replaceAll(" on .*", "")).append(", fsync=").append(rs.getString(2))
                    .append(", synchronous_commit=").append(rs.getString(3)).append(", shared_buffers=").append(rs.getString(4));
        }
        try (Statement st = mariaDb.createStatement();
             ResultSet rs = st.executeQuery("SELECT VERSION(), @@innodb_flush_log_at_trx_commit, @@innodb_buffer_pool_size")) {
            rs.next();
            sb.append("\nmariadb: ").append(rs.getString(1)).append(", innodb_flush_log_at_trx_commit=").append(rs.getString(2))
                    .append(", buffer pool ").append(rs.getLong(3) / 1024 / 1024).append(" MB");
        }
        return sb.toString();
    }
}
