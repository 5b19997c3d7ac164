package io.bascule.migration;

import io.bascule.database.MySqlRows;
import io.bascule.schema.TablePlan;
import org.postgresql.copy.CopyIn;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Source rows of one table into an open PostgreSQL {@code COPY ... FROM STDIN}, converted exactly as the GOLD copy
 * converts them (the same {@link RowEncoder} as the {@link CopyEngine}): for other features that carry rows the copy
 * carried, such as the cutover's final delta. The rows must be read with {@code MySqlDialect.selectList} of the
 * table's columns ({@code MySqlDialect.streamRows} or {@code rowsByKeys}); the COPY must name the table's columns in
 * plan order, in the format {@link #binary(TablePlan)} says.
 */
public final class RowCopy {

    private static final int FLUSH_BYTES = 1 << 20;

    private final RowEncoder encoder;
    private final CopyIn copy;
    private final ByteBuf buf = new ByteBuf(FLUSH_BYTES + 65536);
    private final AtomicLong zeroDates = new AtomicLong();
    private long rows;
    private long bytes;

    /** Starts the COPY's data (the binary signature where binary). */
    public RowCopy(TablePlan table, CopyIn copy) {
        this.encoder = new RowEncoder(table, false);
        this.copy = copy;
        encoder.begin(buf);
    }

    /** True when the table's rows go in COPY's binary format ({@code (FORMAT binary)}), false for the text format. */
    public static boolean binary(TablePlan table) {
        return BinaryCopy.writers(table.columns()) != null;
    }

    /**
     * Writes every row of {@code source} (read to its end); returns the rows written by this call.
     *
     * @throws UncarriableValueException a value PostgreSQL cannot hold exactly (the COPY is cancelled)
     */
    public long add(MySqlRows source) throws SQLException {
        long n = 0;
        while (source.next()) {
            encoder.append(source, buf, copy, zeroDates);
            n++;
            if (buf.length() >= FLUSH_BYTES) {
                flush();
            }
        }
        rows += n;
        return n;
    }

    /** Ends the COPY; returns the rows written in all. */
    public long finish() throws SQLException {
        encoder.end(buf);
        flush();
        copy.endCopy();
        return rows;
    }

    /** MySQL zero dates written as NULL (the GOLD copy's documented conversion). */
    public long zeroDates() {
        return zeroDates.get();
    }

    /** The bytes of COPY data written so far. */
    public long bytes() {
        return bytes;
    }

    private void flush() throws SQLException {
        if (buf.length() > 0) {
            copy.writeToCopy(buf.array(), 0, buf.length());
            bytes += buf.length();
            buf.clear();
        }
    }
}
