package io.bascule.process;

/**
 * Names of the variables of the process {@code platinumReport} (the model's documentation says who sets each). Shared
 * names stay in {@link ProcessVariables}: {@code cutoverId}, {@code startedAt}, {@code dryRun}, {@code failureReason},
 * the outcome variables.
 */
public final class PlatinumVariables {

    // ---- the run (starter, start form platinumStart, start listeners with the bean platinumSettings)
    /** How long after startedAt the report falls due, ISO-8601 ("PT24H"; bascule.platinum.after unless given). */
    public static final String REPORT_AFTER = "reportAfter";
    /** How long a refused report waits before the next one, ISO-8601 (bascule.platinum.retry-after unless given). */
    public static final String RETRY_AFTER = "retryAfter";
    /** How many times a refused report is made again (bascule.platinum.max-retries unless given). */
    public static final String MAX_RETRIES = "maxRetries";
    /** How long MySQL is kept before its archive is offered, ISO-8601 (bascule.platinum.keep-source unless given). */
    public static final String KEEP_SOURCE = "keepSource";
    /** Reports made again so far after a refusal (0 at the start; the flow "yes" of "Retries left?" adds one). */
    public static final String RETRIES = "retries";

    // ---- "Check the cutover still stands" (checkCutoverStandsDelegate)
    /** false when the cutover was rolled back since, or the application's file no longer points to PostgreSQL. */
    public static final String CUTOVER_STANDS = "cutoverStands";
    /** What the check found, one line per finding (the message of "PLATINUM not applicable"). */
    public static final String CUTOVER_CHECK = "cutoverCheck";

    // ---- "Compute the PLATINUM report" (computePlatinumReportDelegate)
    /** 0-100. */
    public static final String SCORE = "platinumScore";
    /** GRANTED or REFUSED. */
    public static final String VERDICT = "platinumVerdict";
    /** "5/6": criteria passed of six. */
    public static final String PASSED = "platinumPassed";
    /** The failed criteria's names, comma-separated; empty when none failed. */
    public static final String FAILED = "platinumFailed";
    /** The report's Markdown file (its HTML twin next to it). */
    public static final String REPORT_FILE = "platinumReportFile";
    /** On REFUSED with retries left: when the next report is made (ISO-8601 UTC); null otherwise. */
    public static final String NEXT_REPORT_AT = "platinumNextReportAt";
    /** One line: verdict, score, failed criteria, next report, the report's file (the end events' message). */
    public static final String SUMMARY = "platinumSummary";
    /** What became of the report's e-mail (one line). */
    public static final String MAIL = "platinumMail";

    // ---- "Archive MySQL?" (form platinumArchive; archiveDecisionListener)
    /** "yes" or "no". */
    public static final String ARCHIVE_DECISION = "archiveDecision";
    /** Who decided (the signed-in user who completed the task, else its assignee, else "cli") and when (ISO-8601). */
    public static final String ARCHIVE_DECIDED_BY = "archiveDecidedBy";
    public static final String ARCHIVE_DECIDED_AT = "archiveDecidedAt";
    /** Who signed the verdict off (the same DBA), and that MySQL's decommission was decided: the cutover's checklist reads them. */
    public static final String APPROVED_BY = "platinumApprovedBy";
    public static final String DECOMMISSION_DECIDED = "sourceDecommissionDecided";

    // ---- "Archive MySQL" (archiveSourceDelegate)
    /** The archive's folder ({@code <work-dir>/archive/mysql-<run>}). */
    public static final String ARCHIVE_DIRECTORY = "archiveDirectory";
    /** SHA-256 of the archive's SHA256SUMS file (which holds every file's SHA-256): one checksum for the whole archive. */
    public static final String ARCHIVE_SHA256 = "archiveSha256";
    /** One line: what the archive step did (dump, checksums verified, channel disarmed, MySQL read-only or stopped). */
    public static final String ARCHIVE_SUMMARY = "archiveSummary";

    private PlatinumVariables() {
    }
}
