package io.bascule.rollback;

import io.bascule.backup.BackupFiles;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bascule.config.ConfigException;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.DatabaseException;
import io.bascule.database.PostgresDialect;
import io.bascule.database.PostgresDialect.RelationEstimate;
import io.bascule.database.PostgresDialect.SnapshotFacts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

/**
 * A logical backup of the migrated tables on PostgreSQL, for forensics before a rollback leaves them: every table read
 * in one read-only REPEATABLE READ transaction (one snapshot, so the tables agree with each other) with
 * {@code COPY (SELECT * FROM schema.table) TO STDOUT} in COPY's text format, gzip-compressed into
 * {@code <directory>/<table>.copy.gz}, with a {@code manifest.json} (time, server version, snapshot, per table: file,
 * rows, bytes, SHA-256), a {@code SHA256SUMS} for {@code sha256sum -c} and a {@code README.txt} saying how to load a
 * table back. No pg_dump: the embedded PostgreSQL has no client binaries, and a pg_dump older than the server refuses
 * it. No DDL is written: the tables are those of the migration's plan.
 *
 * <p>The directory is created when missing and refused when it holds anything; its files are readable by their owner
 * only (where the file system has POSIX permissions). A backup that fails removes what it wrote.
 */
public final class ForensicBackup {

    private static final Logger log = LoggerFactory.getLogger(ForensicBackup.class);

    static final String MANIFEST = "manifest.json";
    static final String README = "README.txt";
    static final String SHA256SUMS = "SHA256SUMS";
    static final String SUFFIX = ".copy.gz";

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /**
     * One table's file: {@code rows} counted in the COPY text written (one line per row), {@code bytes} the size of the
     * .gz file, {@code copyBytes} the COPY text's size before compression, {@code sha256} that of the .gz file.
     */
    public record TableFile(String table, String file, long rows, long bytes, long copyBytes, String sha256) {
    }

    /** What a backup wrote. */
    public record Result(Path directory, List<TableFile> tables, long totalRows, long totalBytes, String manifestSha256,
                         double seconds) {
    }

    /** One table as the dry run found it: -1 rows when never analyzed. */
    public record TableEstimate(String table, boolean exists, boolean readable, long estimatedRows, long bytesOnDisk) {
    }

    /**
     * The dry run: the tables, the estimated rows and size (the tables' size on disk, a bound of what gzip writes for
     * all but incompressible values) against the free space where the directory would be. Nothing is created.
     */
    public record DryRun(Path directory, List<TableEstimate> tables, long estimatedRows, long estimatedBytes,
                         long freeBytes, List<String> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private final DatabaseEndpoint target;
    private final String schema;
    private final List<String> tableNames;
    private final Path directory;
    private final PostgresDialect pg;

    /**
     * @param target     the target PostgreSQL
     * @param schema     the target schema of the migration
     * @param tableNames the target names of its tables
     * @param directory  where the backup goes: missing or empty
     */
    public ForensicBackup(DatabaseEndpoint target, String schema, List<String> tableNames, Path directory) {
        this.target = target;
        this.schema = schema;
        this.tableNames = List.copyOf(new LinkedHashSet<>(tableNames));
        this.directory = directory.toAbsolutePath().normalize();
        this.pg = new PostgresDialect(target);
    }

    /**
     * Writes the backup. Refuses, writing nothing, a directory that holds anything and tables that do not exist or may
     * not be read.
     *
     * @param progress one line per table written ({@code table x: n rows})
     * @throws ConfigException   the directory is not empty, or is not a directory
     * @throws DatabaseException a table is missing or unreadable, or the copy failed (what was written is removed)
     * @throws UncheckedIOException the files could not be written (what was written is removed)
     */
    public Result write(Consumer<String> progress) {
        long t0 = System.nanoTime();
        String dirProblem = directoryProblem();
        if (dirProblem != null) {
            throw new ConfigException("cannot write the forensic backup: " + dirProblem + "; nothing was written");
        }
        try (Connection c = target.open()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            SnapshotFacts facts = pg.snapshotFacts(c);   // the first statement: the snapshot of every table
            List<String> tableProblems = tableProblems(pg.relationEstimates(c, schema, tableNames));
            if (!tableProblems.isEmpty()) {
                throw new DatabaseException(DatabaseException.Code.QUERY_FAILED, "cannot write the forensic backup: "
                        + String.join("; ", tableProblems) + "; nothing was written", target.redactedUrl(), null);
            }
            boolean created = !Files.exists(directory);
            List<Path> written = new ArrayList<>();
            try {
                createDirectory();
                Map<String, String> files = fileNames(tableNames);
                List<TableFile> tables = new ArrayList<>();
                for (String table : tableNames) {
                    Path file = directory.resolve(files.get(table));
                    written.add(file);
                    TableFile tf = writeTable(c, table, file);
                    tables.add(tf);
                    progress.accept("table " + table + ": " + tf.rows() + " rows");
                }
                c.commit();
                byte[] manifest = manifest(facts, tables);
                String manifestSha = BackupFiles.sha256(manifest);
                Path manifestFile = directory.resolve(MANIFEST);
                written.add(manifestFile);
                BackupFiles.writeOwnerOnly(manifestFile, manifest);
                Path sums = directory.resolve(SHA256SUMS);
                written.add(sums);
                BackupFiles.writeOwnerOnly(sums, sha256sums(tables, manifestSha));
                Path readme = directory.resolve(README);
                written.add(readme);
                BackupFiles.writeOwnerOnly(readme, readme(tables).getBytes(StandardCharsets.UTF_8));
                long rows = tables.stream().mapToLong(TableFile::rows).sum();
                long bytes = tables.stream().mapToLong(TableFile::bytes).sum();
                double seconds = Math.round((System.nanoTime() - t0) / 1e7) / 100.0;
                log.info("forensic backup of {} tables ({} rows, {} bytes) written to {} in {} s", tables.size(), rows,
                        bytes, directory, seconds);
                return new Result(directory, List.copyOf(tables), rows, bytes, manifestSha, seconds);
            } catch (IOException e) {
                String removed = BackupFiles.removeWritten(written, created ? directory : null);
                throw new UncheckedIOException("cannot write the forensic backup into " + directory + ": " + e
                        + " (free space there, or choose another directory); " + removed, e);
            } catch (RuntimeException e) {
                String removed = BackupFiles.removeWritten(written, created ? directory : null);
                if (e instanceof DatabaseException d) {
                    throw new DatabaseException(d.code(), d.getMessage() + "; " + removed, d.redactedUrl(),
                            d.getCause() instanceof SQLException s ? s : null);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw target.failure("reading the tables for the forensic backup", e);
        }
    }

    private TableFile writeTable(Connection c, String table, Path file) throws IOException {
        MessageDigest sha = BackupFiles.sha256();
        LineCounter counter;
        long serverRows;
        BackupFiles.createOwnerOnlyFile(file);
        try (OutputStream fileOut = Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
             DigestOutputStream digestOut = new DigestOutputStream(new BufferedOutputStream(fileOut, 1 << 16), sha);
             GZIPOutputStream gzip = new GZIPOutputStream(digestOut, 1 << 16);
             LineCounter lines = new LineCounter(gzip)) {
            counter = lines;
            serverRows = pg.copyTableOut(c, schema, table, lines);
        }
        if (counter.lines != serverRows) {
            throw new DatabaseException(DatabaseException.Code.COPY_FAILED, "the forensic backup of " + table + " holds "
                    + counter.lines + " lines where the server copied " + serverRows + " rows", target.redactedUrl(), null);
        }
        BackupFiles.sync(file);
        return new TableFile(table, file.getFileName().toString(), counter.lines, Files.size(file), counter.bytes,
                HexFormat.of().formatHex(sha.digest()));
    }

    /** Counts the bytes and the newlines of COPY's text format: one per row (a newline inside a value is written \n). */
    private static final class LineCounter extends FilterOutputStream {
        long lines;
        long bytes;

        LineCounter(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            bytes++;
            if (b == '\n') {
                lines++;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            bytes += len;
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    lines++;
                }
            }
        }
    }

    private byte[] manifest(SnapshotFacts facts, List<TableFile> tables) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("created", Instant.now().toString());
        root.put("snapshotTakenAt", facts.startedAt().toString());
        root.put("snapshot", facts.snapshot());
        root.put("serverVersion", facts.serverVersion());
        root.put("database", facts.database());
        root.put("url", target.redactedUrl());
        root.put("schema", schema);
        root.put("format", "PostgreSQL COPY text format (tab-separated, \\N for NULL), UTF-8, gzip; columns in table order");
        ArrayNode list = root.putArray("tables");
        for (TableFile t : tables) {
            ObjectNode n = list.addObject();
            n.put("table", t.table());
            n.put("file", t.file());
            n.put("rows", t.rows());
            n.put("bytes", t.bytes());
            n.put("copyBytes", t.copyBytes());
            n.put("sha256", t.sha256());
        }
        return JSON.writeValueAsBytes(root);
    }

    private static byte[] sha256sums(List<TableFile> tables, String manifestSha) {
        StringBuilder sb = new StringBuilder();
        for (TableFile t : tables) {
            sb.append(t.sha256()).append("  ").append(t.file()).append('\n');
        }
        sb.append(manifestSha).append("  ").append(MANIFEST).append('\n');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private String readme(List<TableFile> tables) {
        StringBuilder sb = new StringBuilder();
        sb.append("Forensic backup of the PostgreSQL tables of a Bascule migration (schema ").append(schema).append(").\n\n")
                .append("Each <table>.copy.gz holds one table in PostgreSQL's COPY text format (tab-separated, \\N for NULL,\n")
                .append("UTF-8), gzip-compressed, all tables read in one snapshot. manifest.json lists per table its rows,\n")
                .append("bytes and SHA-256; check the files with:\n\n    sha256sum -c ").append(SHA256SUMS).append("\n\n")
                .append("Load a table back into a table of the same columns (an empty copy of the schema, say) with psql\n")
                .append("(add the connection options: -h HOST -U USER -d DATABASE):\n\n");
        for (TableFile t : tables) {
            String target = PostgresDialect.qualified(schema, t.table());
            sb.append("    gunzip -c ").append(shellQuote(t.file())).append(" | psql -c ")
                    .append(shellQuote("\\copy " + target + " FROM STDIN")).append('\n');
        }
        sb.append("\nor look at the rows without loading them:\n\n    gunzip -c ").append(tables.isEmpty() ? "TABLE" + SUFFIX
                : shellQuote(tables.get(0).file())).append(" | less\n");
        return sb.toString();
    }

    private static String shellQuote(String s) {
        return s.matches("[A-Za-z0-9_.,/-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    /**
     * File names of the tables: the name itself when it is plain ({@code [a-z0-9_-]}, so that no two differ in case
     * only), otherwise a plain form with a short hash of the name.
     */
    static Map<String, String> fileNames(List<String> tables) {
        Map<String, String> names = new java.util.LinkedHashMap<>();
        BackupFiles.fileNames(tables).forEach((t, name) -> names.put(t, name + SUFFIX));
        return names;
    }


    /**
     * Checks, creating nothing, that the backup can be written: the directory (or the nearest folder above it that
     * exists) writable and empty, the tables there and readable, enough free space for their estimated size.
     */
    public DryRun dryRun() {
        List<String> problems = new ArrayList<>();
        String dirProblem = directoryProblem();
        if (dirProblem != null) {
            problems.add(dirProblem);
        }
        List<RelationEstimate> found;
        try (Connection c = target.open()) {
            found = pg.relationEstimates(c, schema, tableNames);
        } catch (SQLException e) {
            throw target.failure("closing the connection", e);
        }
        problems.addAll(tableProblems(found));
        Map<String, RelationEstimate> byName = found.stream().collect(Collectors.toMap(RelationEstimate::name, Function.identity()));
        List<TableEstimate> tables = new ArrayList<>();
        long rows = 0;
        long bytes = 0;
        for (String t : tableNames) {
            RelationEstimate r = byName.get(t);
            tables.add(r == null ? new TableEstimate(t, false, false, 0, 0)
                    : new TableEstimate(t, true, r.readable(), r.estimatedRows(), r.bytesOnDisk()));
            if (r != null) {
                rows += Math.max(0, r.estimatedRows());
                bytes += r.bytesOnDisk();
            }
        }
        long free = -1;
        Path existing = BackupFiles.nearestExisting(directory);
        if (existing != null) {
            try {
                free = Files.getFileStore(existing).getUsableSpace();
            } catch (IOException e) {
                problems.add("cannot read the free space of " + existing + ": " + e);
            }
        }
        if (free >= 0 && free < bytes) {
            problems.add("the tables take " + bytes + " bytes on disk and " + existing + " has " + free + " bytes free:"
                    + " the backup may not fit; free space there or choose another directory");
        }
        return new DryRun(directory, List.copyOf(tables), rows, bytes, free, List.copyOf(problems));
    }

    private List<String> tableProblems(List<RelationEstimate> found) {
        Set<String> present = found.stream().map(RelationEstimate::name).collect(Collectors.toSet());
        List<String> problems = new ArrayList<>();
        List<String> missing = tableNames.stream().filter(t -> !present.contains(t)).toList();
        if (!missing.isEmpty()) {
            problems.add("schema " + schema + " of the target has no table " + String.join(", ", missing)
                    + ": check the target schema and the migration's tables");
        }
        List<String> unreadable = found.stream().filter(r -> !r.readable()).map(RelationEstimate::name).toList();
        if (!unreadable.isEmpty()) {
            problems.add("login '" + target.user() + "' may not read " + String.join(", ", unreadable) + " in schema " + schema
                    + ": GRANT SELECT ON them TO it");
        }
        return problems;
    }

    /** Why the directory cannot take the backup, or null. Creates nothing. */
    private String directoryProblem() {
        return BackupFiles.directoryProblem(directory);
    }

    private void createDirectory() throws IOException {
        BackupFiles.createOwnerOnlyDirectory(directory);
    }





}
