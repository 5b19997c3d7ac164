package io.bascule.migration;

import io.bascule.database.DatabaseEndpoint;
import io.bascule.database.MySqlDialect;
import io.bascule.database.PostgresDialect;
import io.bascule.schema.SourceSchema.Column;
import io.bascule.schema.SourceSchema.Table;
import io.bascule.schema.ColumnMapping;
import io.bascule.schema.ConversionPlan;
import io.bascule.schema.SourceSchema;
import io.bascule.schema.TablePlan;
import io.bascule.schema.ValueKind;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.bascule.database.PostgresDialect.literal;
import static io.bascule.database.PostgresDialect.quote;

/**
 * Turns a source schema into a {@link ConversionPlan}: the type mapping of docs/type-mapping.md, defaults,
 * identities, indexes, keys and constraints. Where the right choice depends on the data (TIME values beyond
 * 24 h, TINYINT(1) as boolean, unsigned BIGINT identities), it asks the source with a small query and says so.
 */
public final class ConversionPlanner {

    private static final Pattern ENUM_VALUES = Pattern.compile("'((?:[^']|'')*)'");
    private static final Pattern NOW = Pattern.compile("(?i)(current_timestamp|now|localtimestamp|localtime)(\\((\\d*)\\))?");
    private static final Pattern SAFE_CHECK = Pattern.compile("[\\w`\\s<>=!'.,()+\\-*/]*");

    private final DatabaseEndpoint sourceEndpoint;
    private final MigrationOptions options;

    public ConversionPlanner(DatabaseEndpoint sourceEndpoint, MigrationOptions options) {
        this.sourceEndpoint = sourceEndpoint;
        this.options = options;
    }

    public ConversionPlan plan(SourceSchema schema, Connection source) {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<TablePlan> tables = new ArrayList<>();
        Set<String> indexNames = new HashSet<>();
        Map<String, String> targetTableNames = new HashMap<>();
        for (Table t : schema.tables()) {
            String targetName = name(t.name());
            String clash = targetTableNames.put(targetName.toLowerCase(Locale.ROOT), t.name());
            if (options.lowerCaseNames() && clash != null) {
                errors.add("tables " + clash + " and " + t.name() + " both become " + targetName
                        + " when lower-cased; rename one or keep names as they are");
            }
            if (!PostgresDialect.fits(targetName)) {
                errors.add("table " + t.name() + ": name longer than 63 bytes, which PostgreSQL cuts; rename it first");
            }
        }
        Map<String, Map<String, Long>> probes = probeAll(schema);
        for (Table t : schema.tables()) {
            tables.add(planTable(schema, t, source, errors, indexNames, probes.get(t.name())));
        }
        if (!schema.tables().isEmpty() && tables.stream().noneMatch(p -> p.source().hasPrimaryKey())) {
            warnings.add("no table has a primary key: copies cannot resume mid-table and verification compares multisets");
        }
        return new ConversionPlan(schema, options.targetSchema(), List.copyOf(tables), warnings,
                schema.otherObjects(), List.copyOf(errors), false);
    }

    private String name(String sourceName) {
        return options.lowerCaseNames() ? sourceName.toLowerCase(Locale.ROOT) : sourceName;
    }

    /**
     * The data facts the mapping depends on, read from the tables that need them, in parallel: TIME values outside
     * 00:00-24:00 (keys "time:column"). Other tables are not scanned: zero dates are found by the copy itself.
     */
    private Map<String, Map<String, Long>> probeAll(SourceSchema schema) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(Math.max(1, options.parallelism()));
        try {
            Map<String, java.util.concurrent.Future<Map<String, Long>>> futures = new java.util.LinkedHashMap<>();
            for (Table t : schema.tables()) {
                if (t.columns().stream().noneMatch(col -> col.dataType().equals("time"))) {
                    futures.put(t.name(), java.util.concurrent.CompletableFuture.completedFuture(new HashMap<>()));
                    continue;
                }
                futures.put(t.name(), pool.submit(() -> {
                    try (Connection c = sourceEndpoint.open()) {
                        Map<String, Long> facts = new HashMap<>();
                        for (Column col : t.columns()) {
                            if (col.dataType().equals("time")) {
                                facts.put("time:" + col.name(), new MySqlDialect(sourceEndpoint).countTimesBeyondOneDay(c, t.name(), col.name()));
                            }
                        }
                        return facts;
                    }
                }));
            }
            Map<String, Map<String, Long>> result = new HashMap<>();
            for (Map.Entry<String, java.util.concurrent.Future<Map<String, Long>>> e : futures.entrySet()) {
                try {
                    result.put(e.getKey(), e.getValue().get());
                } catch (java.util.concurrent.ExecutionException ex) {
                    throw ex.getCause() instanceof RuntimeException r ? r : new IllegalStateException(ex.getCause());
                }
            }
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("planning interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private TablePlan planTable(SourceSchema schema, Table t, Connection source, List<String> errors, Set<String> indexNames,
                                Map<String, Long> facts) {
        String target = name(t.name());
        List<String> warnings = new ArrayList<>();
        List<ColumnMapping> columns = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Set<String> jsonChecks = new HashSet<>();
        for (SourceSchema.Check ch : t.checks()) {
            Matcher m = Pattern.compile("(?i)^json_valid\\(`([^`]+)`\\)$").matcher(ch.clause().strip());
            if (m.matches()) {
                jsonChecks.add(m.group(1));
            }
        }
        List<String> notNullAfterLoad = new ArrayList<>();
        for (Column c : t.columns()) {
            ColumnMapping m = mapColumn(t, c, jsonChecks.contains(c.name()), source, warnings, errors, facts);
            if (m == null) {
                continue;
            }
            boolean dateKind = m.kind() == ValueKind.DATE || m.kind() == ValueKind.DATETIME || m.kind() == ValueKind.TIMESTAMP;
            if (dateKind && !m.nullable() && !t.primaryKey().contains(c.name())) {
                // a zero date becomes NULL: the column is loaded nullable, and NOT NULL is set after the load
                // unless a zero date did turn into NULL (then it stays nullable and the certificate says so)
                m = new ColumnMapping(m.source(), m.targetName(), m.targetType(), m.kind(), true, m.defaultSql(),
                        m.identity(), m.check());
                notNullAfterLoad.add(m.targetName());
            }
            if (!seen.add(m.targetName().toLowerCase(Locale.ROOT)) && options.lowerCaseNames()) {
                errors.add(t.name() + "." + c.name() + ": two columns become " + m.targetName() + " when lower-cased");
            }
            columns.add(m);
        }
        List<String> pk = t.primaryKey().stream().map(this::name).toList();
        if (!t.hasPrimaryKey()) {
            warnings.add("no primary key: copied in one transaction (a resumed copy reloads the whole table) and"
                    + " verified as a multiset of rows");
        }
        List<String> post = new ArrayList<>();
        String schemaName = options.targetSchema();
        if (!pk.isEmpty()) {
            String pkName = target + "_pkey";   // PostgreSQL's own name for it
            for (int n = 1; !PostgresDialect.fits(pkName) || !indexNames.add(pkName); n++) {
                pkName = target.substring(0, Math.min(40, target.length())) + "_pkey" + n;
            }
            post.addAll(PostgresDialect.addPrimaryKeyByIndex(schemaName, target, pkName, pk));
        }
        for (SourceSchema.Index idx : t.indexes()) {
            if (idx.expression() != null) {
                warnings.add("index " + idx.name() + " is a functional index: not converted; recreate it by hand");
                continue;
            }
            if ("FULLTEXT".equalsIgnoreCase(idx.type()) || "SPATIAL".equalsIgnoreCase(idx.type())) {
                warnings.add(idx.type() + " index " + idx.name() + " not converted (PostgreSQL uses GIN/GiST indexes: "
                        + "e.g. a tsvector GIN index for full text)");
                continue;
            }
            String indexName = name(idx.name());
            if (!indexNames.add(indexName)) {
                indexName = target + "_" + indexName;
                warnings.add("index " + idx.name() + " renamed " + indexName + " (PostgreSQL index names are unique per schema)");
                indexNames.add(indexName);
            }
            if (!PostgresDialect.fits(indexName)) {
                indexName = target.substring(0, Math.min(20, target.length())) + "_idx_" + Integer.toHexString((t.name() + idx.name()).hashCode());
                warnings.add("index " + idx.name() + " renamed " + indexName + " (name over 63 bytes)");
                indexNames.add(indexName);
            }
            List<String> exprs = new ArrayList<>();
            for (int i = 0; i < idx.columns().size(); i++) {
                ColumnMapping col = find(columns, idx.columns().get(i));
                int prefix = idx.prefixLengths().get(i);
                if (prefix > 0 && col.kind() == ValueKind.TEXT) {
                    exprs.add("left(" + quote(col.targetName()) + ", " + prefix + ")");
                } else if (prefix > 0 && col.kind() == ValueKind.BINARY) {
                    exprs.add("substring(" + quote(col.targetName()) + " from 1 for " + prefix + ")");
                } else {
                    exprs.add(quote(col.targetName()));
                }
            }
            post.add(PostgresDialect.createIndex(schemaName, target, indexName, idx.unique(), exprs));
        }
        for (SourceSchema.Check ch : t.checks()) {
            if (jsonChecks.contains(ch.name()) && ch.clause().toLowerCase().startsWith("json_valid")) {
                continue;
            }
            String clause = ch.clause().strip();
            if (SAFE_CHECK.matcher(clause).matches() && !clause.contains("\"")) {
                post.add(PostgresDialect.addCheck(schemaName, target, name(ch.name()), clause.replace('`', '"')));
            } else {
                warnings.add("CHECK " + ch.name() + " (" + clause + ") not converted: translate it by hand");
            }
        }
        for (SourceSchema.ForeignKey fk : t.foreignKeys()) {
            post.add(PostgresDialect.addForeignKey(schemaName, target, name(fk.name()),
                    fk.columns().stream().map(this::name).toList(), name(fk.referencedTable()),
                    fk.referencedColumns().stream().map(this::name).toList(), fk.onUpdate(), fk.onDelete()));
        }
        for (ColumnMapping c : columns) {
            if (c.identity()) {
                post.add(PostgresDialect.restartIdentity(schemaName, target, c.targetName(), t.autoIncrement()));
            }
        }
        List<ColumnMapping> onUpdate = columns.stream().filter(c -> c.source().onUpdateCurrentTimestamp()).toList();
        if (!onUpdate.isEmpty()) {
            post.addAll(PostgresDialect.onUpdateTrigger(schemaName, target, onUpdate));
            warnings.add("ON UPDATE CURRENT_TIMESTAMP of " + onUpdate.stream().map(c -> c.source().name()).toList()
                    + " converted to a BEFORE UPDATE trigger");
        }
        if (t.collation() != null && t.collation().contains("_ci")) {
            warnings.add("collation " + t.collation() + " compares case-insensitively; PostgreSQL compares text"
                    + " case-sensitively (queries relying on it need lower() or citext)");
        }
        if (!notNullAfterLoad.isEmpty()) {
            warnings.add("NOT NULL of " + notNullAfterLoad + " is set after the load, unless a zero date (0000-00-00 or a zero"
                    + " month/day) became NULL there: then the column stays nullable and the certificate names it");
        }
        return new TablePlan(t, target, List.copyOf(columns), pk, List.copyOf(post), List.copyOf(notNullAfterLoad),
                List.copyOf(warnings));
    }

    private static ColumnMapping find(List<ColumnMapping> columns, String sourceName) {
        return columns.stream().filter(c -> c.source().name().equals(sourceName)).findFirst()
                .orElseThrow(() -> new IllegalStateException("index column " + sourceName + " not mapped"));
    }

    private ColumnMapping mapColumn(Table t, Column c, boolean mariaJson, Connection source,
                                    List<String> warnings, List<String> errors, Map<String, Long> facts) {
        String where = t.name() + "." + c.name();
        String override = options.typeOverrides().get(where);
        String type = c.dataType();
        boolean unsigned = c.unsigned();
        String pgType;
        ValueKind kind;
        String check = null;
        boolean identity = c.autoIncrement();
        String col = quote(name(c.name()));
        switch (type) {
            case "tinyint" -> {
                if (c.columnType().startsWith("tinyint(1)") && options.wantsBoolean(t.name(), c.name())) {
                    long others = new MySqlDialect(sourceEndpoint).countOtherThanZeroOrOne(source, t.name(), c.name());
                    if (others > 0) {
                        errors.add(where + ": TINYINT(1) asked as boolean, but " + others + " rows hold a value other"
                                + " than 0/1; keep it numeric (remove it from boolean columns) or clean the data");
                    }
                    pgType = "boolean";
                    kind = ValueKind.BOOLEAN;
                } else {
                    pgType = "smallint";
                    kind = ValueKind.INTEGER;
                    check = unsigned ? col + " BETWEEN 0 AND 255" : col + " BETWEEN -128 AND 127";
                }
            }
            case "smallint" -> {
                pgType = unsigned ? "integer" : "smallint";
                kind = ValueKind.INTEGER;
                check = unsigned ? col + " BETWEEN 0 AND 65535" : null;
            }
            case "mediumint" -> {
                pgType = "integer";
                kind = ValueKind.INTEGER;
                check = unsigned ? col + " BETWEEN 0 AND 16777215" : col + " BETWEEN -8388608 AND 8388607";
            }
            case "int", "integer" -> {
                pgType = unsigned ? "bigint" : "integer";
                kind = ValueKind.INTEGER;
                check = unsigned ? col + " BETWEEN 0 AND 4294967295" : null;
            }
            case "bigint" -> {
                kind = ValueKind.INTEGER;
                if (unsigned) {
                    if (identity) {
                        pgType = "bigint";
                        long beyond = new MySqlDialect(sourceEndpoint).countAboveSignedBigint(source, t.name(), c.name());
                        if (beyond > 0) {
                            errors.add(where + ": unsigned BIGINT AUTO_INCREMENT holds values beyond 9223372036854775807,"
                                    + " which no PostgreSQL identity can; override its type to numeric(20,0)");
                        }
                        check = col + " >= 0";
                        warnings.add(c.name() + ": unsigned BIGINT AUTO_INCREMENT becomes bigint identity (all values fit)");
                    } else {
                        pgType = "numeric(20,0)";
                        check = col + " BETWEEN 0 AND 18446744073709551615";
                    }
                } else {
                    pgType = "bigint";
                }
            }
            case "decimal", "numeric" -> {
                pgType = "numeric(" + c.precision() + "," + c.scale() + ")";
                kind = ValueKind.DECIMAL;
                check = unsigned ? col + " >= 0" : null;
            }
            case "float" -> {
                pgType = "real";
                kind = ValueKind.FLOAT4;
                check = unsigned ? col + " >= 0" : null;
            }
            case "double", "real" -> {
                pgType = "double precision";
                kind = ValueKind.FLOAT8;
                check = unsigned ? col + " >= 0" : null;
            }
            case "bit" -> {
                pgType = "bit(" + c.precision() + ")";
                kind = ValueKind.BIT;
            }
            case "date" -> {
                pgType = "date";
                kind = ValueKind.DATE;
            }
            case "datetime" -> {
                pgType = "timestamp(" + dtPrecision(c) + ")";
                kind = ValueKind.DATETIME;
            }
            case "timestamp" -> {
                pgType = "timestamptz(" + dtPrecision(c) + ")";
                kind = ValueKind.TIMESTAMP;
            }
            case "time" -> {
                long outside = facts.getOrDefault("time:" + c.name(), 0L);
                if (outside > 0) {
                    pgType = "interval";
                    warnings.add(c.name() + ": TIME holds " + outside + " values outside 00:00-24:00 (negative or"
                            + " beyond 24 h): mapped to interval, which holds them exactly");
                } else {
                    pgType = "time(" + dtPrecision(c) + ")";
                }
                kind = ValueKind.TIME;
            }
            case "year" -> {
                pgType = "smallint";
                kind = ValueKind.YEAR;
                check = col + " = 0 OR " + col + " BETWEEN 1901 AND 2155";
            }
            case "char", "varchar" -> {
                pgType = "varchar(" + c.charLength() + ")";
                kind = ValueKind.TEXT;
                if (type.equals("char")) {
                    warnings.add(c.name() + ": CHAR(" + c.charLength() + ") becomes varchar(" + c.charLength()
                            + ") (MySQL returns CHAR values without trailing spaces; so does varchar)");
                }
            }
            case "tinytext", "text", "mediumtext", "longtext" -> {
                if (mariaJson) {
                    pgType = "jsonb";
                    kind = ValueKind.JSON;
                } else {
                    pgType = "text";
                    kind = ValueKind.TEXT;
                }
            }
            case "json" -> {
                pgType = "jsonb";
                kind = ValueKind.JSON;
            }
            case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob" -> {
                pgType = "bytea";
                kind = ValueKind.BINARY;
            }
            case "enum" -> {
                List<String> values = enumValues(c.columnType());
                int max = values.stream().mapToInt(v -> v.codePointCount(0, v.length())).max().orElse(1);
                pgType = "varchar(" + Math.max(1, max) + ")";
                kind = ValueKind.TEXT;
                if (values.stream().anyMatch(v -> v.indexOf('\0') >= 0)) {
                    errors.add(where + ": an ENUM value holds a NUL character, which PostgreSQL text cannot hold; give a"
                            + " type override (bytea) for " + where + " in bascule.migration.type-overrides");
                    return null;
                }
                if (values.stream().anyMatch(v -> v.indexOf('?') >= 0) && fourByteCharset(c.charset())) {
                    // information_schema is utf8mb3: it shows a character beyond the BMP (an emoji) as '?', so the
                    // values read are not known exactly; a CHECK of them could refuse the rows
                    warnings.add(c.name() + ": ENUM becomes varchar without a CHECK of its values: a value holds '?',"
                            + " which information_schema also shows for a 4-byte character, so the exact values are"
                            + " unknown; add the CHECK by hand");
                } else {
                    List<String> allowed = new ArrayList<>(values);
                    if (!allowed.contains("")) {
                        allowed.add("");
                    }
                    check = col + " IN (" + String.join(", ", allowed.stream().map(PostgresDialect::literal).toList()) + ")";
                    warnings.add(c.name() + ": ENUM becomes varchar with a CHECK of its values (plus '', MySQL's invalid-value"
                            + " marker); it sorts alphabetically, MySQL sorted by declaration order");
                }
            }
            case "set" -> {
                pgType = "text";
                kind = ValueKind.TEXT;
                warnings.add(c.name() + ": SET becomes text holding the comma-separated members exactly as MySQL returns them");
            }
            case "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
                 "geometrycollection", "geomcollection" -> {
                pgType = "bytea";
                kind = ValueKind.BINARY;
                warnings.add(c.name() + ": spatial " + type.toUpperCase() + " carried losslessly as bytea in MySQL's"
                        + " internal format (4-byte SRID + WKB); with PostGIS: ST_GeomFromWKB(substring(col from 5), SRID)");
            }
            default -> {
                errors.add(where + ": type " + c.columnType() + " has no exact PostgreSQL mapping; give a type override"
                        + " for " + where + " in bascule.migration.type-overrides");
                return null;
            }
        }
        if (override != null) {
            pgType = override;
            kind = overriddenKind(override, kind);
            check = null;
            warnings.add(c.name() + ": type overridden to " + override);
        }
        if (identity && kind != ValueKind.INTEGER) {
            identity = false;
        }
        if (c.generated()) {
            warnings.add(c.name() + ": generated column (" + c.generationExpression() + ") becomes a plain column"
                    + " holding the copied values; recreate the expression by hand if needed");
        }
        String def = identity ? null : defaultSql(c, kind, pgType, warnings);
        return new ColumnMapping(c, name(c.name()), pgType, kind, c.nullable(), def, identity, check);
    }

    /** How values travel into an overriding type: bytes for bytea, text for text types, else as the source type. */
    static ValueKind overriddenKind(String pgType, ValueKind sourceKind) {
        String t = pgType.strip().toLowerCase(Locale.ROOT);
        if (t.equals("bytea")) {
            return ValueKind.BINARY;
        }
        if (t.equals("text") || t.startsWith("varchar") || t.startsWith("character varying") || t.equals("citext")) {
            return sourceKind == ValueKind.BINARY ? ValueKind.BINARY : ValueKind.TEXT;
        }
        if (t.equals("jsonb") || t.equals("json")) {
            return ValueKind.JSON;
        }
        if (t.startsWith("numeric") || t.startsWith("decimal")) {
            return sourceKind == ValueKind.INTEGER ? ValueKind.INTEGER : ValueKind.DECIMAL;
        }
        return sourceKind;
    }

    private static int dtPrecision(Column c) {
        return c.datetimePrecision() == null ? 0 : c.datetimePrecision();
    }

    /** The members of an ENUM or SET COLUMN_TYPE, byte-exact (case, spaces, quotes, backslashes, non-ASCII kept). */
    static List<String> enumValues(String columnType) {
        String inner = columnType.substring(columnType.indexOf('(') + 1, columnType.lastIndexOf(')'));
        List<String> values = new ArrayList<>();
        Matcher m = ENUM_VALUES.matcher(inner);
        while (m.find()) {
            values.add(MySqlDialect.unescapeLiteral(m.group(1)));
        }
        return values;
    }

    /** A character set that holds characters beyond the BMP, which utf8mb3's information_schema shows as '?'. */
    static boolean fourByteCharset(String charset) {
        String cs = charset == null ? "" : charset.toLowerCase(Locale.ROOT);
        return cs.startsWith("utf8mb4") || cs.startsWith("utf16") || cs.startsWith("utf32") || cs.startsWith("gb18030");
    }

    private String defaultSql(Column c, ValueKind kind, String pgType, List<String> warnings) {
        String d = c.defaultValue();
        if (d == null) {
            return null;
        }
        Matcher now = NOW.matcher(d.strip());
        if (now.matches()) {
            if (kind == ValueKind.TIMESTAMP) {
                return "CURRENT_TIMESTAMP";
            }
            if (kind == ValueKind.DATETIME) {
                return "LOCALTIMESTAMP";
            }
        }
        if (c.defaultIsExpression()) {
            warnings.add(c.name() + ": default expression " + d + " not converted; set it by hand");
            return null;
        }
        return switch (kind) {
            case INTEGER, DECIMAL, FLOAT4, FLOAT8, YEAR -> d.matches("-?[0-9.]+([eE][-+]?[0-9]+)?") ? d : unsupported(c, d, warnings);
            case BOOLEAN -> "0".equals(d) ? "false" : "1".equals(d) ? "true" : unsupported(c, d, warnings);
            case BIT -> d.matches("b'[01]*'") ? "B'" + d.substring(2) : unsupported(c, d, warnings);
            case DATE, DATETIME, TIMESTAMP -> d.startsWith("0000-00-00") || d.contains("-00")
                    ? zeroDefault(c, d, warnings) : literal(kind == ValueKind.TIMESTAMP ? d + "+00" : d);
            case TIME, TEXT, JSON -> literal(d);
            case BINARY -> literal("\\x" + toHex(d));
        };
    }

    private static String toHex(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            sb.append(String.format("%02x", b));
        }
        return sb.toString();
    }

    private static String zeroDefault(Column c, String d, List<String> warnings) {
        warnings.add(c.name() + ": zero-date default " + d + " dropped (PostgreSQL has no zero date)");
        return null;
    }

    private static String unsupported(Column c, String d, List<String> warnings) {
        warnings.add(c.name() + ": default " + d + " not converted; set it by hand");
        return null;
    }
}
