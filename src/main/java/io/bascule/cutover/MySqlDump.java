package io.bascule.cutover;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bascule.config.ConfigException;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.DatabaseException;
import io.bascule.database.MySqlDialect;
import io.bascule.database.MySqlReadOnly;
import io.bascule.database.MySqlRows;
import io.bascule.schema.ColumnMapping;
import io.bascule.schema.TablePlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;

/**
 * A logical backup of tables of the MySQL/MariaDB database, in Java (no mysqldump, no client binary): every table read
 * in one read-only transaction WITH CONSISTENT SNAPSHOT (the tables agree with each other), each written as
 * {@code <table>.tsv.gz}, the format LOAD DATA reads by default (tab-separated, backslash escapes, {@code \N} for
 * NULL, UTF-8; binary columns as hex, BIT as numbers, FLOAT widened to its exact double, TIMESTAMP in UTC: see
 * {@code MySqlDialect.dumpExpression}), with its {@code <table>.create.sql} (SHOW CREATE TABLE), a
 * {@code manifest.json} (time, server, binary log position where readable, per table: files, rows, bytes, SHA-256,
 * columns and the LOAD DATA statement that loads it back), a {@code SHA256SUMS} and a {@code README.txt}. Generated
 * columns are left out (MySQL computes them again on load).
 *
 * <p>The directory must be new or empty; files are readable by their owner only. A dump that fails removes what it
 * wrote.
 */
public final class MySqlDump {

    private static final Logger log = LoggerFactory.getLogger(MySqlDump.class);
    static final String MANIFEST = "manifest.json";
    static final String SHA256SUMS = "SHA256SUMS";
    static final String README = "README.txt";
    static final String DATA_SUFFIX = ".tsv.gz";
    static final String CREATE_SUFFIX = ".create.sql";

    private final DatabaseEndpoint source;
    private final List<TablePlan> tables;
    private final Path directory;
    private final MySqlDialect mysql;

    /**
     * @param source    the MySQL/MariaDB database (a login with SELECT on the tables)
     * @param tables    the tables (their plans name the columns and how each is read)
     * @param directory where the dump goes: missing or empty
     */
    public MySqlDump(DatabaseEndpoint source, List<TablePlan> tables, Path directory) {
        this.source = source;
        this.tables = List.copyOf(tables);
        this.directory = directory.toAbsolutePath().normalize();
        this.mysql = new MySqlDialect(source);
    }

    /**
     * One table: {@code rows} written, {@code bytes} of the .gz file, {@code dataBytes} of the text before compression,
     * SHA-256 of both files, the columns in file order and the statement that loads the file back.
     */
    public record TableFile(String table, String file, String createFile, long rows, long bytes, long dataBytes,
                            String sha256, String createSha256, List<String> columns, String loadStatement) {
    }

    /** What the dump wrote. */
    public record Result(Path directory, List<TableFile> tables, long totalRows, long totalBytes, String manifestSha256,
                         double seconds) {
    }

    /** The dry run: the estimated size (the tables' data length) and what stands in the way. */
    public record DryRun(Path directory, long estimatedRows, long estimatedBytes, List<String> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /** The stored columns of a table, in table order (generated ones left out: LOAD DATA may not set them). */
    static List<ColumnMapping> storedColumns(TablePlan t) {
        return t.columns().stream().filter(c -> !c.source().generated()).toList();
    }

    /**
     * Writes the dump.
     *
     * @param progress one line per table written
     * @throws ConfigException      the directory is not empty or not a directory
     * @throws DatabaseException    a table could not be read (what was written is removed)
     * @throws UncheckedIOException the files could not be written (what was written is removed)
     */
    public Result write(Consumer<String> progress) {
        long t0 = System.nanoTime();
        String dirProblem = directoryProblem();
        if (dirProblem != null) {
            throw new ConfigException("cannot write the MySQL backup: " + dirProblem + "; nothing was written");
        }
        boolean created = !Files.exists(directory);
        List<Path> written = new ArrayList<>();
        try (Connection c = source.open()) {
            String version = mysql.version(c);
            Instant snapshotAt = Instant.now();
            mysql.startConsistentSnapshot(c);
            String binlog = binlogPosition(c);
            CutoverFiles.createOwnerOnlyDirectory(directory);
            Map<String, String> names = fileNames(tables.stream().map(t -> t.source().name()).toList());
            List<TableFile> files = new ArrayList<>();
            for (TablePlan t : tables) {
                String base = names.get(t.source().name());
                TableFile f = writeTable(c, t, base, written);
                files.add(f);
                progress.accept("MySQL table " + t.source().name() + ": " + f.rows() + " rows");
            }
            c.commit();
            byte[] manifest = manifest(version, snapshotAt, binlog, files);
            String manifestSha = CutoverFiles.sha256(manifest);
            writeFile(directory.resolve(MANIFEST), manifest, written);
            writeFile(directory.resolve(SHA256SUMS), sha256sums(files, manifestSha), written);
            writeFile(directory.resolve(README), readme(files).getBytes(StandardCharsets.UTF_8), written);
            long rows = files.stream().mapToLong(TableFile::rows).sum();
            long bytes = files.stream().mapToLong(TableFile::bytes).sum();
            double seconds = CutoverFiles.seconds(t0);
            log.info("MySQL backup of {} tables ({} rows, {} bytes) written to {} in {} s", files.size(), rows, bytes,
                    directory, seconds);
            return new Result(directory, List.copyOf(files), rows, bytes, manifestSha, seconds);
        } catch (IOException e) {
            String removed = io.bascule.backup.BackupFiles.removeWritten(written, created ? directory : null);
            throw new UncheckedIOException("cannot write the MySQL backup into " + directory + ": " + e
                    + " (free space there, or choose another directory); " + removed, e);
        } catch (SQLException e) {
            String removed = io.bascule.backup.BackupFiles.removeWritten(written, created ? directory : null);
            DatabaseException d = source.failure("reading the tables for the MySQL backup", e);
            throw new DatabaseException(d.code(), d.getMessage() + "; " + removed, d.redactedUrl(), e);
        } catch (RuntimeException e) {
            String removed = io.bascule.backup.BackupFiles.removeWritten(written, created ? directory : null);
            if (e instanceof DatabaseException d) {
                throw new DatabaseException(d.code(), d.getMessage() + "; " + removed, d.redactedUrl(),
                        d.getCause() instanceof SQLException s ? s : null);
            }
            throw e;
        }
    }

    private String binlogPosition(Connection c) {
        try {
            MySqlReadOnly.BinlogPosition p = mysql.binlogPosition(c);
            return p == null || p.file() == null ? "binary log off" : p.file() + ":" + p.position()
                    + (p.gtid() == null || p.gtid().isBlank() ? "" : " (GTID " + p.gtid() + ")");
        } catch (RuntimeException e) {
            return "not readable: " + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        }
    }

    private TableFile writeTable(Connection c, TablePlan t, String base, List<Path> written) throws IOException, SQLException {
        String create = mysql.showCreateTable(c, t.source().name()) + ";\n";
        Path createFile = directory.resolve(base + CREATE_SUFFIX);
        byte[] createBytes = create.getBytes(StandardCharsets.UTF_8);
        writeFile(createFile, createBytes, written);
        List<ColumnMapping> columns = storedColumns(t);
        Path file = directory.resolve(base + DATA_SUFFIX);
        written.add(file);
        CutoverFiles.createOwnerOnlyFile(file);
        MessageDigest sha = CutoverFiles.sha256();
        long rows = 0;
        long dataBytes;
        try (OutputStream fileOut = Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
             DigestOutputStream digestOut = new DigestOutputStream(new BufferedOutputStream(fileOut, 1 << 16), sha);
             GZIPOutputStream gzip = new GZIPOutputStream(digestOut, 1 << 16);
             CountingBuffer out = new CountingBuffer(gzip);
             MySqlDialect.RowStream stream = mysql.dumpRows(c, t, columns)) {
            MySqlRows r = stream.rows();
            int n = columns.size();
            while (r.next()) {
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        out.write('\t');
                    }
                    writeValue(r.get(i + 1), out);
                }
                out.write('\n');
                rows++;
            }
            out.flushBuffer();
            dataBytes = out.count;
        }
        io.bascule.backup.BackupFiles.sync(file);
        List<String> names = columns.stream().map(col -> col.source().name()).toList();
        return new TableFile(t.source().name(), file.getFileName().toString(), createFile.getFileName().toString(), rows,
                Files.size(file), dataBytes, HexFormat.of().formatHex(sha.digest()), CutoverFiles.sha256(createBytes),
                names, MySqlDialect.loadDataSql(base + ".tsv", t.source().name(), columns));
    }

    /** One value in LOAD DATA's default format: {@code \N} for NULL, backslash escapes for the bytes it would misread. */
    static void writeValue(byte[] v, CountingBuffer out) throws IOException {
        if (v == null) {
            out.write('\\');
            out.write('N');
            return;
        }
        int run = 0;
        for (int i = 0; i < v.length; i++) {
            byte b = v[i];
            byte escaped = switch (b) {
                case '\\' -> '\\';
                case '\t' -> 't';
                case '\n' -> 'n';
                case '\r' -> 'r';
                case 0 -> '0';
                case 0x1a -> 'Z';
                default -> -1;
            };
            if (escaped != -1) {
                out.write(v, run, i - run);
                out.write('\\');
                out.write(escaped);
                run = i + 1;
            }
        }
        out.write(v, run, v.length - run);
    }

    /** A buffer in front of the gzip stream that counts the bytes written through it. */
    static final class CountingBuffer extends OutputStream {
        private final OutputStream out;
        private final byte[] buf = new byte[1 << 16];
        private int length;
        long count;

        CountingBuffer(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            if (length == buf.length) {
                flushBuffer();
            }
            buf[length++] = (byte) b;
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len >= buf.length) {
                flushBuffer();
                out.write(b, off, len);
            } else {
                if (length + len > buf.length) {
                    flushBuffer();
                }
                System.arraycopy(b, off, buf, length, len);
                length += len;
            }
            count += len;
        }

        void flushBuffer() throws IOException {
            if (length > 0) {
                out.write(buf, 0, length);
                length = 0;
            }
        }

        @Override
        public void close() throws IOException {
            flushBuffer();
            out.close();
        }
    }

    private byte[] manifest(String version, Instant snapshotAt, String binlog, List<TableFile> files) throws IOException {
        ObjectNode root = CutoverFiles.JSON.createObjectNode();
        root.put("created", Instant.now().toString());
        root.put("snapshotTakenAt", snapshotAt.toString());
        root.put("serverVersion", version);
        root.put("database", source.databaseName());
        root.put("url", source.redactedUrl());
        root.put("binlogPosition", binlog);
        root.put("format", "LOAD DATA's default: tab-separated, backslash escapes, \\N for NULL, UTF-8 (utf8mb4), one"
                + " line per row, gzip; binary columns as hex (UNHEX on load), BIT as numbers, FLOAT as its exact double,"
                + " TIMESTAMP in UTC (load with time_zone = '+00:00'); generated columns left out");
        ArrayNode list = root.putArray("tables");
        for (TableFile t : files) {
            ObjectNode n = list.addObject();
            n.put("table", t.table());
            n.put("file", t.file());
            n.put("createFile", t.createFile());
            n.put("rows", t.rows());
            n.put("bytes", t.bytes());
            n.put("dataBytes", t.dataBytes());
            n.put("sha256", t.sha256());
            n.put("createSha256", t.createSha256());
            ArrayNode cols = n.putArray("columns");
            t.columns().forEach(cols::add);
            n.put("load", t.loadStatement());
        }
        return CutoverFiles.JSON.writeValueAsBytes(root);
    }

    private static byte[] sha256sums(List<TableFile> files, String manifestSha) {
        StringBuilder sb = new StringBuilder();
        for (TableFile t : files) {
            sb.append(t.createSha256()).append("  ").append(t.createFile()).append('\n');
            sb.append(t.sha256()).append("  ").append(t.file()).append('\n');
        }
        sb.append(manifestSha).append("  ").append(MANIFEST).append('\n');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private String readme(List<TableFile> files) {
        StringBuilder sb = new StringBuilder();
        sb.append("Logical backup of the MySQL/MariaDB database ").append(source.databaseName())
                .append(" taken by Bascule during the cutover, all tables read in one consistent snapshot.\n\n")
                .append("Each <table>.create.sql holds the table's CREATE TABLE; each <table>.tsv.gz its rows in LOAD DATA's\n")
                .append("default format (see manifest.json). Check the files with:\n\n    sha256sum -c ").append(SHA256SUMS)
                .append("\n\nLoad a table back: create it, unpack its rows, then in the mysql client started with\n")
                .append("--local-infile=1 (the server needs local_infile=ON), in the database:\n\n")
                .append("    SET time_zone = '+00:00';\n");
        for (TableFile t : files) {
            sb.append("\n    -- ").append(t.table()).append(": mysql DATABASE < ").append(t.createFile())
                    .append("; gunzip -k ").append(t.file()).append('\n')
                    .append("    ").append(t.loadStatement()).append(";\n");
        }
        return sb.toString();
    }

    /**
     * Checks, writing nothing, that the dump can be written: the directory new or empty and writable, every table
     * readable by the login; estimates its size from the tables' data length (the text is about as large; gzip writes
     * less).
     */
    public DryRun dryRun() {
        List<String> problems = new ArrayList<>();
        String dirProblem = directoryProblem();
        if (dirProblem != null) {
            problems.add(dirProblem);
        }
        long rows = 0;
        long bytes = 0;
        try (Connection c = source.open()) {
            Map<String, MySqlDialect.TableStatus> status = new LinkedHashMap<>();
            mysql.tableStatus(c, source.databaseName()).forEach(s -> status.put(s.name(), s));
            for (TablePlan t : tables) {
                MySqlDialect.TableStatus s = status.get(t.source().name());
                if (s == null) {
                    problems.add("MySQL database " + source.databaseName() + " has no table " + t.source().name());
                    continue;
                }
                String refusal = mysql.readRefusal(c, t.source().name());
                if (refusal != null) {
                    problems.add("login '" + source.user() + "' cannot read " + t.source().name() + " (" + refusal
                            + "): GRANT SELECT ON " + MySqlDialect.quote(source.databaseName()) + ".* TO it");
                }
                rows += s.rowsEstimate() == null ? 0 : s.rowsEstimate();
                bytes += s.dataLength() == null ? 0 : s.dataLength();
            }
        } catch (SQLException e) {
            throw source.failure("estimating the MySQL backup", e);
        }
        return new DryRun(directory, rows, bytes, List.copyOf(problems));
    }

    /** Why the directory cannot take the dump, or null. Creates nothing. */
    private String directoryProblem() {
        return io.bascule.backup.BackupFiles.directoryProblem(directory);
    }

    /**
     * File names of the tables: the name itself when it is plain ({@code [a-z0-9_-]}, so that no two differ in case
     * only), otherwise a plain form with a short hash of the name.
     */
    static Map<String, String> fileNames(List<String> tables) {
        return io.bascule.backup.BackupFiles.fileNames(tables);
    }


    private static void writeFile(Path file, byte[] bytes, List<Path> written) throws IOException {
        written.add(file);
        io.bascule.backup.BackupFiles.writeOwnerOnly(file, bytes);
    }
}
