package io.bascule.platinum;

import io.bascule.appswitch.AppDatabaseUrl;
import io.bascule.appswitch.AppSwitch;
import io.bascule.appswitch.SwitchRecord;
import io.bascule.process.ProcessKeys;
import io.bascule.process.ProcessVariables;
import io.bascule.report.ReportDocuments;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * Whether the cutover a PLATINUM report judges still stands: the application still runs on PostgreSQL. It does not when
 * <ul>
 * <li>a {@code rollback} run started since the cutover did ended {@code ROLLED_BACK} (a dry run ends otherwise), or</li>
 * <li>the application's config file ({@code bascule.app.env-file}, read as the switch reads it, {@link AppSwitch})
 * holds a MySQL/MariaDB URL under its key again, or Bascule's switch record says the file was restored.</li>
 * </ul>
 * Without a configured file the history alone decides; a file that cannot be read (or holds a URL Bascule cannot
 * read) is said so and does not decide. A rollback still running is listed and does not decide either: until it ends,
 * the application is still on PostgreSQL. Reads only; no secret is shown (URLs redacted).
 */
public final class CutoverStanding {

    /** The outcome of a rollback that put the application back on MySQL. */
    static final String ROLLED_BACK = "ROLLED_BACK";

    /**
     * What was found: whether the cutover stands, and one line per finding (the run's message when it does not).
     *
     * @param since the cutover's start (the rollbacks looked at started after it)
     */
    public record Standing(boolean stands, Instant since, List<String> findings) {
        public Standing {
            findings = List.copyOf(findings);
        }

        /** The findings in one line (the run's {@code cutoverCheck}, the message of "PLATINUM not applicable"). */
        public String line() {
            return String.join("; ", findings);
        }
    }

    private final HistoryService history;
    private final AppSwitch appSwitch;

    /**
     * @param history   the engine's history (the cutover and the rollback runs)
     * @param appSwitch the application's config file and Bascule's switch record, or null when none is configured
     */
    public CutoverStanding(HistoryService history, AppSwitch appSwitch) {
        this.history = history;
        this.appSwitch = appSwitch;
    }

    /**
     * @param cutoverId the cutover run's id, or null (started by hand): then {@code startedAt} marks the cutover
     * @param startedAt since when the application runs on PostgreSQL (the run's {@code startedAt})
     */
    public Standing check(String cutoverId, Instant startedAt) {
        List<String> findings = new ArrayList<>();
        Instant since = startedAt;
        if (cutoverId != null && !cutoverId.isBlank()) {
            Optional<CutoverHistory> cutover = new PlatinumHistory(history).cutover(cutoverId);
            if (cutover.isPresent()) {
                since = cutover.get().startedAt();
                findings.add("cutover " + cutoverId + " started at " + ReportDocuments.time(since));
            } else {
                findings.add("cutover " + cutoverId + " is not in the engine's history: rollbacks since "
                        + ReportDocuments.time(since) + " (startedAt) are looked at");
            }
        }
        boolean rolledBack = rollbacks(since, findings);
        boolean fileOnMySql = appFile(findings);
        boolean stands = !rolledBack && !fileOnMySql;
        if (stands) {
            findings.add(0, "the cutover still stands: the application runs on PostgreSQL");
        } else {
            findings.add(0, "PLATINUM NOT APPLICABLE: the cutover was rolled back since "
                    + ReportDocuments.time(since) + "; the application runs on MySQL again");
        }
        return new Standing(stands, since, findings);
    }

    /** Adds a line per rollback run started since; true when one of them ended ROLLED_BACK. */
    private boolean rollbacks(Instant since, List<String> findings) {
        boolean rolledBack = false;
        List<HistoricProcessInstance> runs = history.createHistoricProcessInstanceQuery()
                .processDefinitionKey(ProcessKeys.ROLLBACK).startedAfter(Date.from(since))
                .orderByProcessInstanceStartTime().asc().list();
        for (HistoricProcessInstance pi : runs) {
            String outcome = text(variable(pi.getId(), ProcessVariables.OUTCOME));
            if (pi.getEndTime() == null) {
                findings.add("rollback " + pi.getId() + " started at " + ReportDocuments.time(pi.getStartTime().toInstant())
                        + " is still running");
            } else if (ROLLED_BACK.equals(outcome)) {
                rolledBack = true;
                findings.add("rollback " + pi.getId() + " ended ROLLED_BACK at " + ReportDocuments.time(pi.getEndTime().toInstant())
                        + (text(variable(pi.getId(), ProcessVariables.REASON)) == null ? ""
                        : " (reason: " + text(variable(pi.getId(), ProcessVariables.REASON)) + ")"));
            } else {
                findings.add("rollback " + pi.getId() + " ended " + (outcome == null ? "without an outcome" : outcome)
                        + ": the application was not put back on MySQL");
            }
        }
        if (runs.isEmpty()) {
            findings.add("no rollback run since " + ReportDocuments.time(since));
        }
        return rolledBack;
    }

    /** Adds what the application's file says; true when it points to MySQL again (or the switch was restored). */
    private boolean appFile(List<String> findings) {
        if (appSwitch == null) {
            findings.add("no application config file is configured (bascule.app.env-file): the engine's history alone decides");
            return false;
        }
        String where = appSwitch.key() + " in " + appSwitch.file();
        try {
            Optional<SwitchRecord> record = appSwitch.record();
            if (record.isPresent() && record.get().restoredAt() != null && !appSwitch.isSwitched()) {
                findings.add(where + ": Bascule's switch record says it was restored to MySQL at "
                        + ReportDocuments.time(record.get().restoredAt()));
                return true;
            }
            Optional<AppDatabaseUrl> url = AppDatabaseUrl.parse(appSwitch.currentValue());
            if (url.isEmpty()) {
                findings.add(where + " holds no database URL Bascule can read: it does not decide");
                return false;
            }
            if ("postgresql".equals(url.get().engine())) {
                findings.add(where + " points to PostgreSQL (" + url.get() + ")");
                return false;
            }
            findings.add(where + " points to MySQL again (" + url.get() + ")");
            return true;
        } catch (RuntimeException e) {
            findings.add(where + " could not be read (" + e.getMessage() + "): it does not decide");
            return false;
        }
    }

    private Object variable(String instanceId, String name) {
        return io.bascule.process.HistoryVariables.value(history, instanceId, name);
    }

    private static String text(Object v) {
        String s = v == null ? null : String.valueOf(v).strip();
        return s == null || s.isEmpty() ? null : s;
    }
}
