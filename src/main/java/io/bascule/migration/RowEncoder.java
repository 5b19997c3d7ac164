package io.bascule.migration;

import io.bascule.database.MySqlRows;
import io.bascule.schema.ColumnMapping;
import io.bascule.schema.TablePlan;
import io.bascule.schema.ValueKind;
import org.postgresql.copy.CopyIn;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One table's source rows (read with {@code MySqlDialect.selectList}) as PostgreSQL COPY data, converted as the GOLD
 * copy converts them: binary COPY where every column's type has a binary writer ({@link BinaryCopy}), COPY text
 * otherwise ({@link ValueCodec#appendCopy}); a value PostgreSQL cannot hold exactly is refused naming the table, the
 * column and the row's key. Optionally the row's checksum ({@link RangeSum}) is taken on the way. Used by the
 * {@link CopyEngine} and by {@link RowCopy} (the cutover's final delta), so both write the same bytes.
 */
final class RowEncoder {

    private final String table;
    private final ColumnMapping[] cols;
    private final List<ColumnMapping> keys;
    private final int[] keyIndex;
    private final BinaryCopy.Writer[] writers;
    private final boolean checksum;
    private final JsonCanonical json = new JsonCanonical();   // JSON's canonical form, written into one buffer again and again
    private final boolean[] isJson;
    private final boolean[] nulToCheck;   // text whose NUL bytes binary COPY would carry (PostgreSQL text holds
    private final int[] keyOf;            // none; the text format's escaping refuses them itself); column -> key place or -1
    private final byte[][] row;
    private final byte[][] lastKey;

    RowEncoder(TablePlan t, boolean checksum) {
        this.table = t.source().name();
        List<ColumnMapping> columns = t.columns();
        this.cols = columns.toArray(new ColumnMapping[0]);
        this.keys = t.keyColumns();
        this.keyIndex = keys.stream().mapToInt(columns::indexOf).toArray();
        this.writers = BinaryCopy.writers(columns);
        this.checksum = checksum;
        int n = cols.length;
        this.isJson = new boolean[n];
        this.nulToCheck = new boolean[n];
        for (int i = 0; i < n; i++) {
            isJson[i] = cols[i].kind() == ValueKind.JSON;
            nulToCheck[i] = writers != null && (isJson[i] || cols[i].kind() == ValueKind.TEXT);
        }
        this.keyOf = new int[n];
        Arrays.fill(keyOf, -1);
        for (int k = 0; k < keyIndex.length; k++) {
            keyOf[keyIndex[k]] = k;
        }
        this.row = new byte[n][];
        this.lastKey = new byte[keys.size()][];
    }

    /** True for binary COPY ({@code COPY ... (FORMAT binary)}), false for COPY text. */
    boolean binary() {
        return writers != null;
    }

    /** What a COPY's data begins with (binary: the signature), appended to {@code buf}. */
    void begin(ByteBuf buf) {
        if (writers != null) {
            buf.put(BinaryCopy.HEADER);
        }
    }

    /** What a COPY's data ends with (binary: the trailer), appended to {@code buf}. */
    void end(ByteBuf buf) {
        if (writers != null) {
            buf.put(BinaryCopy.TRAILER);
        }
    }

    /** The key values of the last row appended (as the source sent them); overwritten by the next row. */
    byte[][] lastKey() {
        return lastKey;
    }

    /**
     * Appends the current row of {@code rows} to {@code buf}. Returns the row's hash ({@link RangeSum}; 0 without
     * checksum). A zero date written as NULL counts in {@code zeroDates}. A value PostgreSQL cannot hold cancels
     * {@code copy} and throws {@link UncarriableValueException} naming the table, the column and the row's key.
     */
    long append(MySqlRows rows, ByteBuf buf, CopyIn copy, AtomicLong zeroDates) throws SQLException {
        int n = cols.length;
        long rowHash = 0;
        boolean nul = false;
        if (writers != null) {
            BinaryCopy.startRow(buf, n);
        }
        for (int i = 0; i < n; i++) {
            if (i > 0 && writers == null) {
                buf.put((byte) '\t');
            }
            byte[] v = rows.get(i + 1);
            try {
                boolean carried = writers == null ? ValueCodec.appendCopy(cols[i], v, buf)
                        : BinaryCopy.append(writers[i], cols[i], v, buf);
                if (!carried) {
                    zeroDates.incrementAndGet();
                }
            } catch (UncarriableValueException e) {
                copy.cancelCopy();
                throw new UncarriableValueException(table + "." + cols[i].source().name() + " (row "
                        + keyDescription(rows) + "): " + e.getMessage());
            }
            if (checksum) {
                int jsonLength = isJson[i] && v != null ? json.canonicalize(v, 0, v.length) : -1;
                rowHash ^= jsonLength >= 0 ? RangeSum.column(json.array(), 0, jsonLength, i + 1)
                        : RangeSum.column(ValueCodec.canonicalSource(cols[i], v), i + 1);
            }
            nul |= nulToCheck[i] && v != null && BinaryCopy.hasNul(v);
            row[i] = v;
            if (keyOf[i] >= 0) {
                lastKey[keyOf[i]] = v;
            }
        }
        if (nul) {
            for (int i = 0; i < n; i++) {   // a text value holds a byte 0: which one?
                try {
                    BinaryCopy.refuseNul(cols[i], row[i]);
                } catch (UncarriableValueException e) {
                    copy.cancelCopy();
                    throw new UncarriableValueException(table + "." + cols[i].source().name() + " (row "
                            + keyDescription(rows) + "): " + e.getMessage());
                }
            }
        }
        if (writers == null) {
            buf.put((byte) '\n');
        }
        return rowHash;
    }

    private String keyDescription(MySqlRows rows) throws SQLException {
        if (keys.isEmpty()) {
            return "without primary key";
        }
        List<String> parts = new ArrayList<>();
        for (int k = 0; k < keys.size(); k++) {
            byte[] v = rows.get(keyIndex[k] + 1);
            parts.add(keys.get(k).source().name() + "=" + (v == null ? "NULL" : new String(v, StandardCharsets.UTF_8)));
        }
        return String.join(", ", parts);
    }
}
