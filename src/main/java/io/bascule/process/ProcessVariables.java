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
    /** The warnings of the conversion plan as text, one per line (shortened to fit a variable; the plan file has all). */
    public static final String WARNINGS = "warnings";
    /** One line: rows and tables copied. */
    public static final String COPY_SUMMARY = "copySummary";

    // ---- rollback (the model sets dryRun and reason at its start, or the call activity maps them in)
    /** true: every step checks and simulates, nothing is changed (rollback, cutover). */
    public static final String DRY_RUN = "dryRun";
    /** Why the rollback runs (one line: the cutover's failure, an emergency playbook, a DBA's words). */
    public static final String REASON = "reason";
    /** Who decided the rollback (the calling process maps its own decider in; otherwise the initiator). */
    public static final String DECIDED_BY = "decidedBy";
    /** When the rollback started (ISO-8601), the origin of timeToSourceSeconds. */
    public static final String ROLLBACK_STARTED_AT = "rollbackStartedAt";
    /** What the check step found (one line per check), shown in Tasklist and in the report. */
    public static final String ROLLBACK_CHECKS = "rollbackChecks";
    /** true when the application's config file is no longer what the switch wrote (changed by hand). */
    public static final String APP_CONFIG_CHANGED = "appConfigChanged";
    /** The unified diff "as written at the switch" vs "now", secrets shown as ***. */
    public static final String APP_CONFIG_DIFF = "appConfigDiff";
    /** The DBA's decision on a hand-edited config file: true = keep the edited file aside and restore the original. */
    public static final String RESTORE_ANYWAY = "restoreAnyway";
    /** Changes captured on PostgreSQL and not yet applied into MySQL, and the age of the oldest, in seconds. */
    public static final String REVERSE_LAG_CHANGES = "reverseLagChanges";
    public static final String REVERSE_LAG_SECONDS = "reverseLagSeconds";
    /** One line: the changes carried back into MySQL, per table. */
    public static final String CHANGES_CARRIED_BACK = "changesCarriedBack";
    /** Rows compared on both sides by the touched-rows verification. */
    public static final String ROWS_VERIFIED = "rowsVerified";
    /** Seconds from the rollback's start to "application on MySQL and MySQL writable". */
    public static final String TIME_TO_SOURCE_SECONDS = "timeToSourceSeconds";
    public static final String FORENSIC_BACKUP = "forensicBackup";
    public static final String INCIDENT_REPORT_FILE = "incidentReportFile";
    /** One line: how the rollback (or its dry run) went. */
    public static final String ROLLBACK_SUMMARY = "rollbackSummary";

    // ---- cutover (the model's start listeners default dryRun, goTimeout, freezeTimeout and fourEyes; the rest the
    // steps, the forms and the GO listener set)
    /** How long the GO task waits for the GO before the cutover is abandoned (ISO-8601 duration; default PT30M). */
    public static final String GO_TIMEOUT = "goTimeout";
    /** The bound of the write freeze, from the GO to MySQL kept read-only (ISO-8601 duration; default PT15M): rollback when exceeded. */
    public static final String FREEZE_TIMEOUT = "freezeTimeout";
    /** true: the DBA who gives the GO must not be the one who started the cutover (default false). */
    public static final String FOUR_EYES = "fourEyes";
    /** What the prerequisites check found (one line per check), shown read-only in the war room task. */
    public static final String PREREQUISITES_REPORT = "prerequisitesReport";
    /** The war room task's checkboxes: all four must be ticked, else NO-GO. */
    public static final String WAR_ROOM_DBA_PRESENT = "dbaPresent";
    public static final String WAR_ROOM_DEVOPS_PRESENT = "devopsPresent";
    public static final String WAR_ROOM_APP_OWNER_PRESENT = "appOwnerPresent";
    public static final String WAR_ROOM_STAKEHOLDERS_INFORMED = "stakeholdersInformed";
    /** The outcome code and message of the rollback dry run the cutover runs as a prerequisite (mapped out of the call). */
    public static final String ROLLBACK_DRY_RUN_OUTCOME = "rollbackDryRunOutcome";
    public static final String ROLLBACK_DRY_RUN_MESSAGE = "rollbackDryRunMessage";
    /** The word typed in the GO task; only exactly "GO" passes its task listener (GoWordListener). */
    public static final String GO_WORD = "goWord";
    /** Who gave the GO (user id, or "cli" without a signed-in user) and when (ISO-8601 instant), set by GoWordListener. */
    public static final String GO_BY = "goBy";
    public static final String GO_AT = "goAt";
    /** true once the application's connection points at PostgreSQL (set by the switch step): an abort then rolls back. */
    public static final String APPLICATION_SWITCHED = "applicationSwitched";
    /** One line: how the cutover (or its dry run) went; the message of "Dry run passed" and "CUTOVER SUCCESSFUL". */
    public static final String CUTOVER_SUMMARY = "cutoverSummary";
    /** The outcome code and message of the rollback the cutover called after a failure or an abort (mapped out of the call). */
    public static final String ROLLBACK_OUTCOME = "rollbackOutcome";
    public static final String ROLLBACK_MESSAGE = "rollbackMessage";
    /** The cutover report's Markdown file (its HTML twin next to it). */
    public static final String CUTOVER_REPORT_FILE = "cutoverReportFile";
    /** Why the report of a run that did not succeed could not be written (the run ended as it would have). */
    public static final String CUTOVER_REPORT_PROBLEM = "cutoverReportProblem";
    /** The cutover a surveillance or PLATINUM run belongs to (its process instance id; also their business key). */
    public static final String CUTOVER_ID = "cutoverId";
    /** The runs a successful cutover started ("surveillance 123, platinumReport 456"). */
    public static final String FOLLOW_UP_RUNS = "followUpRuns";
    /** The message that aborts a running cutover (interrupting event sub-process "Abort cutover"). */
    public static final String MESSAGE_ABORT_CUTOVER = "abortCutover";
    /** Why and by whom an abort was asked (variables of the abort message; defaults "aborted by <user>" and the signed-in user). */
    public static final String ABORT_REASON = "abortReason";
    public static final String ABORTED_BY = "abortedBy";

    // The model contract of every runbook: its end events set these (execution listeners), the CLI reads them.
    /** A code for how the run ended: CERTIFIED, COPIED_UNVERIFIED, REJECTED, ROWS_DIFFER, IDENTICAL, FAILED, ... */
    public static final String OUTCOME = "outcome";
    /** true only for an end the runbook counts as success (the CLI then exits 0). */
    public static final String OUTCOME_SUCCESS = "outcomeSuccess";
    /** One line saying what the end means for this run (a summary, or the reason of a failure). */
    public static final String OUTCOME_MESSAGE = "outcomeMessage";

    // One BPMN error code per process (RunbookError): a business failure of any step of that process.
    public static final String ERROR_MIGRATION_FAILED = "MIGRATION_FAILED";
    public static final String ERROR_VERIFICATION_FAILED = "VERIFICATION_FAILED";
    public static final String ERROR_CUTOVER_FAILED = "CUTOVER_FAILED";
    public static final String ERROR_ROLLBACK_FAILED = "ROLLBACK_FAILED";
    public static final String ERROR_SURVEILLANCE_FAILED = "SURVEILLANCE_FAILED";
    public static final String ERROR_PLATINUM_REPORT_FAILED = "PLATINUM_REPORT_FAILED";

    private ProcessVariables() {
    }
}
