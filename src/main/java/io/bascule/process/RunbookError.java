package io.bascule.process;

import java.util.Arrays;
import java.util.Optional;

/**
 * The one BPMN error code of each runbook process: a step of that process that fails for a business reason throws
 * it ({@link RunbookStep}), and the model catches it with its one error boundary ("... failed"), which stores the
 * reason in {@link ProcessVariables#FAILURE_REASON}. The code is what a model's {@code bpmn:error} must name.
 */
public enum RunbookError {

    GOLD_MIGRATION(ProcessKeys.GOLD_MIGRATION, ProcessVariables.ERROR_MIGRATION_FAILED),
    GOLD_VERIFICATION(ProcessKeys.GOLD_VERIFICATION, ProcessVariables.ERROR_VERIFICATION_FAILED),
    CUTOVER(ProcessKeys.CUTOVER, ProcessVariables.ERROR_CUTOVER_FAILED),
    ROLLBACK(ProcessKeys.ROLLBACK, ProcessVariables.ERROR_ROLLBACK_FAILED),
    SURVEILLANCE(ProcessKeys.SURVEILLANCE, ProcessVariables.ERROR_SURVEILLANCE_FAILED),
    PLATINUM_REPORT(ProcessKeys.PLATINUM_REPORT, ProcessVariables.ERROR_PLATINUM_REPORT_FAILED);

    private final String processKey;
    private final String errorCode;

    RunbookError(String processKey, String errorCode) {
        this.processKey = processKey;
        this.errorCode = errorCode;
    }

    public String processKey() {
        return processKey;
    }

    public String errorCode() {
        return errorCode;
    }

    public static Optional<RunbookError> forProcessKey(String processKey) {
        return Arrays.stream(values()).filter(e -> e.processKey.equals(processKey)).findFirst();
    }
}
