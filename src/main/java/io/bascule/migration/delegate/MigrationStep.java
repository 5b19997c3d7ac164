package io.bascule.migration.delegate;

import io.bascule.config.ConfigException;
import io.bascule.database.DatabaseException;
import io.bascule.migration.MigrationService;
import io.bascule.migration.MigrationServices;
import io.bascule.migration.Progress;
import io.bascule.migration.UncarriableValueException;
import io.bascule.process.ProcessVariables;
import io.bascule.process.RunOwnership;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.EnumSet;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Glue shared by the GOLD migration delegates: builds the service, and turns a user-facing failure (bad input,
 * a refused login, a missing privilege, a value that cannot be carried, a full disk) into the BPMN error the
 * model routes to its "Migration failed" end with the reason. Other faults stay technical: the job is retried
 * from its save point and becomes an incident in Cockpit.
 */
abstract class MigrationStep implements JavaDelegate {

    private static final Logger log = LoggerFactory.getLogger(MigrationStep.class);
    private static final EnumSet<DatabaseException.Code> FINAL = EnumSet.of(DatabaseException.Code.AUTHENTICATION_FAILED,
            DatabaseException.Code.UNKNOWN_DATABASE, DatabaseException.Code.MISSING_PRIVILEGE, DatabaseException.Code.DISK_FULL);

    private final MigrationServices services;
    private final RuntimeService runtimeService;
    /** Refuses a step on a node whose settings are not its run's (see RunOwnership). */
    @Autowired
    private RunOwnership ownership;

    MigrationStep(MigrationServices services, RuntimeService runtimeService) {
        this.services = services;
        this.runtimeService = runtimeService;
    }

    @Override
    public final void execute(DelegateExecution execution) {
        ownership.checkOwner(execution);
        boolean drop = Boolean.TRUE.equals(execution.getVariable(ProcessVariables.DROP_EXISTING));
        try {
            run(execution, services.create(drop));
        } catch (ConfigException | UncarriableValueException e) {
            throw failed(e.getMessage());
        } catch (DatabaseException e) {
            if (FINAL.contains(e.code()) || everyDatabaseFailureIsFinal()) {
                throw failed(e.getMessage());
            }
            throw e;
        }
    }

    /** A step whose purpose is to find out whether the servers can be used fails for good on any database error. */
    boolean everyDatabaseFailureIsFinal() {
        return false;
    }

    static BpmnError failed(String reason) {
        log.error("GOLD migration failed: {}", reason);
        return new BpmnError(ProcessVariables.ERROR_MIGRATION_FAILED, reason);
    }

    abstract void run(DelegateExecution execution, MigrationService service);

    /**
     * Progress reports of a long step as process variables, written in their own transactions (from the report
     * thread) so that Cockpit shows them while the step runs. The variables exist from the pre-flight on, so a
     * report only updates their rows and never the execution the running job holds; and no step writes them
     * itself (its job would hold a stale revision of them and fail with an optimistic-locking conflict).
     */
    Consumer<Progress.Snapshot> progressVariables(DelegateExecution execution) {
        String instance = execution.getProcessInstanceId();
        return s -> {
            try {
                runtimeService.setVariables(instance, Map.of(ProcessVariables.PROGRESS, s.line(),
                        ProcessVariables.PROGRESS_PERCENT, s.percent()));
            } catch (RuntimeException e) {
                log.debug("progress variable not written: {}", e.toString());
            }
        };
    }
}
