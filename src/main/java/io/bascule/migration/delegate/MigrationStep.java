package io.bascule.migration.delegate;

import io.bascule.config.ConfigException;
import io.bascule.database.DatabaseException;
import io.bascule.migration.MigrationService;
import io.bascule.migration.MigrationServices;
import io.bascule.migration.Progress;
import io.bascule.migration.UncarriableValueException;
import io.bascule.process.ProcessVariables;
import io.bascule.process.RunbookStep;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;

import java.util.EnumSet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The steps of the GOLD migration and verification models ({@link RunbookStep}): builds the service, and counts as
 * business failures (the model's "... failed" end, with the reason) bad input, a refused login, a missing privilege,
 * a value that cannot be carried and a full disk. Other faults stay technical: retried, then an incident.
 */
abstract class MigrationStep extends RunbookStep {

    private static final EnumSet<DatabaseException.Code> FINAL = EnumSet.of(DatabaseException.Code.AUTHENTICATION_FAILED,
            DatabaseException.Code.UNKNOWN_DATABASE, DatabaseException.Code.MISSING_PRIVILEGE, DatabaseException.Code.DISK_FULL);

    private final MigrationServices services;

    MigrationStep(MigrationServices services, RuntimeService runtimeService) {
        super(runtimeService);
        this.services = services;
    }

    @Override
    protected final void runStep(DelegateExecution execution) {
        boolean drop = Boolean.TRUE.equals(execution.getVariable(ProcessVariables.DROP_EXISTING));
        run(execution, services.create(drop));
    }

    @Override
    protected String businessFailure(RuntimeException e) {
        if (e instanceof ConfigException || e instanceof UncarriableValueException) {
            return e.getMessage();
        }
        if (e instanceof DatabaseException d && (FINAL.contains(d.code()) || everyDatabaseFailureIsFinal())) {
            return e.getMessage();
        }
        return null;
    }

    /** A step whose purpose is to find out whether the servers can be used fails for good on any database error. */
    boolean everyDatabaseFailureIsFinal() {
        return false;
    }

    abstract void run(DelegateExecution execution, MigrationService service);

    /** The progress reports of {@link Progress} as the process variables of {@link RunbookStep#progress}. */
    Consumer<Progress.Snapshot> progressVariables(DelegateExecution execution) {
        BiConsumer<String, Integer> progress = progress(execution);
        return s -> progress.accept(s.line(), s.percent());
    }
}
