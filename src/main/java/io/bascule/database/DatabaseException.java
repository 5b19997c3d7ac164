package io.bascule.database;

import java.sql.SQLException;

/**
 * A database operation failed. Carries what Bascule was doing ({@link Code}), the SQL state and vendor code,
 * and the redacted URL, so that one line says what went wrong and where; never a password.
 */
public class DatabaseException extends RuntimeException {

    /** What failed, so callers (and BPMN error mapping) can tell the cases apart. */
    public enum Code {
        UNREACHABLE, AUTHENTICATION_FAILED, UNKNOWN_DATABASE, MISSING_PRIVILEGE, QUERY_FAILED, COPY_FAILED, DISK_FULL
    }

    private final Code code;
    private final String sqlState;
    private final int vendorCode;
    private final String redactedUrl;

    public DatabaseException(Code code, String message, String redactedUrl, SQLException cause) {
        super(message, cause);
        this.code = code;
        this.sqlState = cause == null ? null : cause.getSQLState();
        this.vendorCode = cause == null ? 0 : cause.getErrorCode();
        this.redactedUrl = redactedUrl;
    }

    public Code code() {
        return code;
    }

    public String sqlState() {
        return sqlState;
    }

    public int vendorCode() {
        return vendorCode;
    }

    public String redactedUrl() {
        return redactedUrl;
    }

    /**
     * What to do about a full disk, to follow the error's own text ("" for any other failure). PostgreSQL reports it
     * as SQLSTATE 53100; MySQL as error 1021 (disk full) or 1114 (table full).
     */
    public static String diskFullHint(SQLException e) {
        if (classify(e) != Code.DISK_FULL) {
            return "";
        }
        String side = "53100".equals(e.getSQLState()) ? "target" : "source";
        return "; the disk of the " + side + " server is full: free space there (or give the tablespace more room),"
                + " then run migrate again: the copy resumes after its last committed chunk";
    }

    /** Classifies a failure to connect or to run a statement on either engine. */
    public static Code classify(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        int vendor = e.getErrorCode();
        if (state.startsWith("08") || vendor == 2003 || vendor == 2002) {
            return Code.UNREACHABLE;
        }
        if (state.equals("28000") || state.equals("28P01") || vendor == 1045) {
            return Code.AUTHENTICATION_FAILED;
        }
        if (state.equals("3D000") || vendor == 1049) {
            return Code.UNKNOWN_DATABASE;
        }
        if (state.equals("42501") || vendor == 1142 || vendor == 1143 || vendor == 1227 || vendor == 1044) {
            return Code.MISSING_PRIVILEGE;
        }
        if (state.equals("53100") || vendor == 1114 || vendor == 1021) {
            return Code.DISK_FULL;
        }
        return Code.QUERY_FAILED;
    }
}
