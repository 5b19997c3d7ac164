package io.bascule.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The GOLD certificate ({@code <work-dir>/gold-certificate.json}): written by a migration whose verification found
 * every row identical, read by the cutover. Per table its rows and checksum; the versions of both servers, their
 * redacted URLs, the timings, the warnings of the reviewed plan and what was not converted.
 *
 * @param certificate            always {@code GOLD}
 * @param rows                   rows of all tables
 * @param zeroDatesWrittenAsNull MySQL zero dates written as NULL by the copy
 * @param dateColumnsLeftNullable {@code table.column} → NULLs: NOT NULL date columns left nullable because zero dates
 *                               became NULL in them
 * @param notConverted           views, triggers, routines and events ({@code KIND name}) to recreate by hand
 */
public record GoldCertificate(String certificate, String tool, String toolVersion, Instant createdAt, Source source,
                              Target target, Timings timings, List<TableEntry> tables, long rows,
                              long zeroDatesWrittenAsNull, Map<String, Long> dateColumnsLeftNullable,
                              List<String> warnings, List<String> notConverted) {

    public static final String KIND = "GOLD";

    /** @param url the JDBC URL, redacted */
    public record Source(String url, String version, String database) {
    }

    /** @param url the JDBC URL, redacted */
    public record Target(String url, String version, String schema) {
    }

    /** When the migration ran, and the seconds of its long phases (those it ran). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Timings(Instant startedAt, Instant finishedAt, Double copySeconds, Double constraintsSeconds,
                          Double verifySeconds, double totalSeconds) {

        static final Set<String> PHASES = Set.of("copySeconds", "constraintsSeconds", "verifySeconds");
    }

    /** One table: its rows and the checksum of their canonical values, as the verification found them on both sides. */
    public record TableEntry(String table, String targetTable, long rows, String checksum, int chunks) {
    }

    /** The certificate's rows of one source table, or null. */
    public TableEntry table(String name) {
        return tables.stream().filter(t -> t.table().equals(name)).findFirst().orElse(null);
    }

    /** Writes the certificate as JSON, atomically (a reader never sees half a certificate). */
    public void write(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            MigrationService.writeAtomically(file, MigrationService.JSON.writeValueAsString(this));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the GOLD certificate " + file, e);
        }
    }

    /** A certificate file that is missing a field, or holds one that is not what a certificate holds. */
    public static final class InvalidCertificateException extends RuntimeException {
        private final Path file;
        private final String field;

        InvalidCertificateException(Path file, String field, String problem) {
            super("the GOLD certificate " + file + " is not valid: " + (field == null ? "" : "field '" + field + "' ")
                    + problem + "; run migrate again to write a new one");
            this.file = file;
            this.field = field;
        }

        public Path file() {
            return file;
        }

        /** The JSON path of the field, e.g. {@code tables[2].rows}; null when the file as a whole is unreadable. */
        public String field() {
            return field;
        }
    }

    /**
     * Reads a certificate back; a field that is missing, null or of the wrong kind is an
     * {@link InvalidCertificateException} naming the file and the field. Unknown fields are ignored (a newer
     * Bascule may add some).
     */
    public static GoldCertificate read(Path file) {
        if (!Files.exists(file)) {
            throw new InvalidCertificateException(file, null, "does not exist (no verified migration wrote it here)");
        }
        JsonNode root;
        try {
            root = MigrationService.JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new InvalidCertificateException(file, null, "is not JSON (" + (e instanceof JsonProcessingException j
                    ? j.getOriginalMessage() : e.getMessage()) + ")");
        }
        return new Reader(file).certificate(root);
    }

    /** Reads the fields with their JSON paths, so that a problem names the one field. */
    private record Reader(Path file) {

        GoldCertificate certificate(JsonNode root) {
            object(root, "");
            String kind = text(root, "", "certificate");
            if (!KIND.equals(kind)) {
                throw invalid("certificate", "is \"" + kind + "\", not \"" + KIND + "\"");
            }
            JsonNode source = object(field(root, "", "source"), "source");
            JsonNode target = object(field(root, "", "target"), "target");
            JsonNode timings = object(field(root, "", "timings"), "timings");
            List<TableEntry> tables = new ArrayList<>();
            JsonNode tableList = array(field(root, "", "tables"), "tables");
            for (int i = 0; i < tableList.size(); i++) {
                String at = "tables[" + i + "]";
                JsonNode t = object(tableList.get(i), at);
                tables.add(new TableEntry(text(t, at, "table"), text(t, at, "targetTable"), count(t, at, "rows"),
                        text(t, at, "checksum"), (int) count(t, at, "chunks")));
            }
            Map<String, Long> nullable = new LinkedHashMap<>();
            JsonNode nullableNode = object(field(root, "", "dateColumnsLeftNullable"), "dateColumnsLeftNullable");
            for (Iterator<String> names = nullableNode.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                nullable.put(name, count(nullableNode, "dateColumnsLeftNullable", name));
            }
            return new GoldCertificate(kind, text(root, "", "tool"), text(root, "", "toolVersion"),
                    instant(root, "", "createdAt"),
                    new Source(text(source, "source", "url"), text(source, "source", "version"), text(source, "source", "database")),
                    new Target(text(target, "target", "url"), text(target, "target", "version"), text(target, "target", "schema")),
                    new Timings(instant(timings, "timings", "startedAt"), instant(timings, "timings", "finishedAt"),
                            optionalSeconds(timings, "copySeconds"), optionalSeconds(timings, "constraintsSeconds"),
                            optionalSeconds(timings, "verifySeconds"), seconds(timings, "timings", "totalSeconds")),
                    List.copyOf(tables), count(root, "", "rows"), count(root, "", "zeroDatesWrittenAsNull"),
                    nullable, texts(root, "warnings"), texts(root, "notConverted"));
        }

        private static String path(String at, String name) {
            return at.isEmpty() ? name : at + "." + name;
        }

        private InvalidCertificateException invalid(String path, String problem) {
            return new InvalidCertificateException(file, path, problem);
        }

        private JsonNode field(JsonNode parent, String at, String name) {
            JsonNode node = parent.get(name);
            if (node == null || node.isNull()) {
                throw invalid(path(at, name), "is missing");
            }
            return node;
        }

        private JsonNode object(JsonNode node, String path) {
            if (!node.isObject()) {
                throw invalid(path.isEmpty() ? null : path, (path.isEmpty() ? "holds " : "is ") + kind(node) + ", not an object");
            }
            return node;
        }

        private JsonNode array(JsonNode node, String path) {
            if (!node.isArray()) {
                throw invalid(path, "is " + kind(node) + ", not a list");
            }
            return node;
        }

        private String text(JsonNode parent, String at, String name) {
            JsonNode node = field(parent, at, name);
            if (!node.isTextual()) {
                throw invalid(path(at, name), "is " + kind(node) + ", not a text");
            }
            return node.textValue();
        }

        private long count(JsonNode parent, String at, String name) {
            JsonNode node = field(parent, at, name);
            if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
                throw invalid(path(at, name), "is " + kind(node) + ", not a count (a whole number, 0 or more)");
            }
            return node.longValue();
        }

        private double seconds(JsonNode parent, String at, String name) {
            JsonNode node = field(parent, at, name);
            if (!node.isNumber() || node.doubleValue() < 0) {
                throw invalid(path(at, name), "is " + kind(node) + ", not a number of seconds");
            }
            return node.doubleValue();
        }

        private Double optionalSeconds(JsonNode timings, String name) {
            return timings.hasNonNull(name) ? seconds(timings, "timings", name) : null;
        }

        private Instant instant(JsonNode parent, String at, String name) {
            String text = text(parent, at, name);
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw invalid(path(at, name), "is \"" + text + "\", not an ISO-8601 instant (2026-01-31T22:05:00Z)");
            }
        }

        private List<String> texts(JsonNode root, String name) {
            JsonNode list = array(field(root, "", name), name);
            List<String> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                JsonNode item = list.get(i);
                if (!item.isTextual()) {
                    throw invalid(name + "[" + i + "]", "is " + kind(item) + ", not a text");
                }
                out.add(item.textValue());
            }
            return List.copyOf(out);
        }

        private static String kind(JsonNode node) {
            String shown = node.toString();
            shown = shown.length() > 40 ? shown.substring(0, 40) + "..." : shown;
            return switch (node.getNodeType()) {
                case OBJECT -> "an object";
                case ARRAY -> "a list";
                case STRING -> "the text " + shown;
                case NUMBER -> "the number " + shown;
                case BOOLEAN -> "the value " + shown;
                default -> shown;
            };
        }
    }
}
