package io.bascule.process;

/** Names of process variables and BPMN error codes, one place for every id the code and the models share. */
public final class ProcessVariables {

    public static final String DROP_EXISTING = "dropExisting";
    /** false: copy without checksums, skip the row verification and the certificate (absent: true). */
    public static final String VERIFY_ROWS = "verifyRows";
    public static final String INITIATOR = "initiator";
    public static final String SOURCE_VERSION = "sourceVersion";
    public static final String TARGET_VERSION = "targetVersion";
    public static final String PREFLIGHT_REPORT = "preflightReport";
    public static final String TABLE_COUNT = "tableCount";
    public static final String PLAN_FILE = "planFile";
    public static final String PLAN_SUMMARY = "planSummary";
    public static final String WARNING_COUNT = "warningCount";
    public static final String APPROVED = "approved";
    public static final String REVIEW_COMMENT = "reviewComment";
    public static final String PROGRESS = "progress";
    public static final String PROGRESS_PERCENT = "progressPercent";
    public static final String ROWS_COPIED = "rowsCopied";
    public static final String ZERO_DATES = "zeroDatesWrittenAsNull";
    public static final String COPY_SECONDS = "copySeconds";
    public static final String CONSTRAINTS_SECONDS = "constraintsSeconds";
    public static final String VERIFY_SECONDS = "verifySeconds";
    public static final String STARTED_AT = "startedAt";
    public static final String ROWS_IDENTICAL = "rowsIdentical";
    public static final String VERIFICATION_SUMMARY = "verificationSummary";
    /** One line per table (rows on both sides, and the keys that differ), for the report of a verification. */
    public static final String TABLE_SUMMARIES = "tableSummaries";
    public static final String VERIFICATION_REPORT_FILE = "verificationReportFile";
    public static final String CERTIFICATE_FILE = "certificateFile";
    public static final String CERTIFICATE_SUMMARY = "certificateSummary";
    public static final String FAILURE_REASON = "failureReason";
    /** The node that owns a run (see RunOwner): host, process id, the JVM's start, the command, its settings. */
    public static final String OWNER_HOST = "ownerHost";
    public static final String OWNER_PID = "ownerPid";
    public static final String OWNER_STARTED = "ownerStarted";
    public static final String OWNER_COMMAND = "ownerCommand";
    public static final String SETTINGS_FINGERPRINT = "settingsFingerprint";
    public static final String SETTINGS_SUMMARY = "settingsSummary";
    /** Who owned the run before a takeover or a hand-over (one line), kept so that the history shows each change. */
    public static final String OWNER_BEFORE = "ownerBefore";

    public static final String ERROR_MIGRATION_FAILED = "MIGRATION_FAILED";
    public static final String ERROR_CONVERSION_REJECTED = "CONVERSION_REJECTED";
    public static final String ERROR_CHECKSUM_MISMATCH = "CHECKSUM_MISMATCH";

    private ProcessVariables() {
    }
}
