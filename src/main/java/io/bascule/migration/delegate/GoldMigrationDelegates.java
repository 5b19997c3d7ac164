package io.bascule.migration.delegate;

import io.bascule.schema.ConversionPlan;
import io.bascule.migration.CopyEngine;
import io.bascule.migration.MigrationService;
import io.bascule.migration.MigrationServices;
import io.bascule.migration.PreflightReport;
import io.bascule.schema.SourceSchema;
import io.bascule.migration.Verifier;
import io.bascule.process.ProcessVariables;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.bascule.process.ProcessVariables.*;

/** The delegates of the goldMigration model, one per service task; each calls one step of {@link MigrationService}. */
final class GoldMigrationDelegates {

    private GoldMigrationDelegates() {
    }

    @Component("runPreflightDelegate")
    static class RunPreflightDelegate extends MigrationStep {
        RunPreflightDelegate(MigrationServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        boolean everyDatabaseFailureIsFinal() {
            return true; // an unreachable server is what the pre-flight is there to report, at once
        }

        @Override
        void run(DelegateExecution execution, MigrationService service) {
            if (execution.getVariable(STARTED_AT) == null) {
                execution.setVariable(STARTED_AT, Instant.now().toString());
            }
            // created here, before any report, so that the reports of later steps only update their rows (MigrationStep);
            // later steps never write them themselves
            execution.setVariable(PROGRESS, "pre-flight");
            execution.setVariable(PROGRESS_PERCENT, 0);
            PreflightReport report = service.preflight();
            execution.setVariable(SOURCE_VERSION, report.sourceVersion());
            execution.setVariable(TARGET_VERSION, report.targetVersion());
            execution.setVariable(PREFLIGHT_REPORT, report.render());
            if (!report.ok()) {
                throw failed("pre-flight found " + report.problems().size() + " problem(s), nothing was written: "
                        + String.join("; ", report.problems()));
            }
        }
    }

    @Component("readSchemaDelegate")
    static class ReadSchemaDelegate extends MigrationStep {
        ReadSchemaDelegate(MigrationServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        void run(DelegateExecution execution, MigrationService service) {
            SourceSchema schema = service.readSchema();
            execution.setVariable(TABLE_COUNT, schema.tables().size());
            ConversionPlan plan = service.plan(schema);
            execution.setVariable(PLAN_FILE, service.goldDir().resolve(MigrationService.PLAN_TEXT).toString());
            execution.setVariable(PLAN_SUMMARY, summary(plan));
            execution.setVariable(WARNING_COUNT, plan.allWarnings().size());
            execution.setVariable(WARNINGS, warningsText(plan.allWarnings()));
            if (plan.hasErrors()) {
                throw failed("the conversion plan has " + plan.errors().size() + " error(s), nothing was written: "
                        + String.join("; ", plan.errors()));
            }
        }

        /**
         * The warnings as text for the review form, one per line, shortened to what a string variable holds
         * (the plan file has every one).
         */
        static String warningsText(java.util.List<String> warnings) {
            if (warnings.isEmpty()) {
                return "none";
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < warnings.size(); i++) {
                String line = "- " + warnings.get(i).replaceAll("\\s+", " ").strip() + "\n";
                if (sb.length() + line.length() > 3_700) {
                    sb.append("... and ").append(warnings.size() - i).append(" more: see the full plan file");
                    return sb.toString();
                }
                sb.append(line);
            }
            return sb.toString().strip();
        }

        private static String summary(ConversionPlan plan) {
            long rows = plan.tables().stream().mapToLong(t -> t.source().estimatedRows()).sum();
            return String.format("%d tables (~%,d rows), %d warnings, %d objects not converted", plan.tables().size(),
                    rows, plan.allWarnings().size(), plan.notConverted().size())
                    + (plan.createsSchema() ? "; " + plan.schemaAction() : "");
        }
    }

    @Component("createTablesDelegate")
    static class CreateTablesDelegate extends MigrationStep {
        CreateTablesDelegate(MigrationServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        void run(DelegateExecution execution, MigrationService service) {
            if (!Boolean.TRUE.equals(execution.getVariable(APPROVED))) {
                // the model routes a rejection to its own end before this step; reaching it unapproved is a failure
                throw failed("the schema conversion was not approved; nothing was written");
            }
            service.createTables(service.loadPlan());
        }
    }

    @Component("copyDataDelegate")
    static class CopyDataDelegate extends MigrationStep {
        CopyDataDelegate(MigrationServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        void run(DelegateExecution execution, MigrationService service) {
            CopyEngine.Result r = service.copy(service.loadPlan(), progressVariables(execution), verifiesRows(execution));
            long rows = r.rowsCopied().values().stream().mapToLong(Long::longValue).sum();
            execution.setVariable(ROWS_COPIED, rows);
            execution.setVariable(COPY_SUMMARY, String.format("%,d rows copied in %d tables", rows, r.rowsCopied().size()));
            execution.setVariable(ZERO_DATES, r.zeroDates());
            execution.setVariable(COPY_SECONDS, round(r.seconds()));
        }
    }

    @Component("buildConstraintsDelegate")
    static class BuildConstraintsDelegate extends MigrationStep {
        BuildConstraintsDelegate(MigrationServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        void run(DelegateExecution execution, MigrationService service) {
            ConversionPlan plan = service.loadPlan();
            execution.setVariable(CONSTRAINTS_SECONDS, round(service.buildConstraints(plan)));
            if (!verifiesRows(execution)) {
                service.restoreAutovacuum(plan);   // otherwise the verification turns it back on when it is done
            }
        }
    }

    @Component("verifyRowsDelegate")
    static class VerifyRowsDelegate extends MigrationStep {
        VerifyRowsDelegate(MigrationServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        void run(DelegateExecution execution, MigrationService service) {
            Verifier.Result r = service.verify(service.loadPlan(), progressVariables(execution), true);
            execution.setVariable(VERIFY_SECONDS, round(r.seconds()));
            execution.setVariable(ROWS_IDENTICAL, r.matches());
            StringBuilder sb = new StringBuilder();
            r.tables().stream().filter(t -> !t.matches()).forEach(t -> sb.append(t.summary()).append('\n'));
            execution.setVariable(VERIFICATION_SUMMARY, r.matches()
                    ? String.format("%,d rows in %d tables identical", r.rows(), r.tables().size()) : sb.toString().strip());
        }
    }

    /**
     * The step of the goldVerification model: both engines read again (not the checksums of the copy), with the
     * plan of the last migration, or a new plan when there is none in the work directory.
     */
    @Component("verifyAgainDelegate")
    static class VerifyAgainDelegate extends MigrationStep {
        VerifyAgainDelegate(MigrationServices s, RuntimeService r) {
            super(s, r);
        }

        /** A verification is run again by hand in a moment: a database it cannot use ends it with the reason, no retries. */
        @Override
        boolean everyDatabaseFailureIsFinal() {
            return true;
        }

        @Override
        void run(DelegateExecution execution, MigrationService service) {
            ConversionPlan plan = java.nio.file.Files.exists(service.goldDir().resolve(MigrationService.PLAN_FILE))
                    ? service.loadPlan() : service.plan(service.readSchema());
            Verifier.Result r = service.verify(plan, progressVariables(execution), false);
            execution.setVariable(VERIFY_SECONDS, round(r.seconds()));
            execution.setVariable(ROWS_IDENTICAL, r.matches());
            execution.setVariable(TABLE_SUMMARIES, String.join("\n", r.tables().stream().map(Verifier.TableResult::summary).toList()));
            execution.setVariable(VERIFICATION_REPORT_FILE, service.goldDir().resolve(MigrationService.VERIFICATION_FILE).toString());
            long differing = r.tables().stream().filter(t -> !t.matches()).count();
            execution.setVariable(VERIFICATION_SUMMARY, r.matches()
                    ? String.format("%,d rows in %d tables identical (%.1f s)", r.rows(), r.tables().size(), r.seconds())
                    : differing + " table(s) differ between source and target");
        }
    }

    @Component("writeCertificateDelegate")
    static class WriteCertificateDelegate extends MigrationStep {
        WriteCertificateDelegate(MigrationServices s, RuntimeService r) {
            super(s, r);
        }

        @Override
        void run(DelegateExecution execution, MigrationService service) {
            ConversionPlan plan = service.loadPlan();
            Verifier.Result verification = service.loadVerification();
            Map<String, Double> phases = new LinkedHashMap<>();
            for (String v : new String[]{COPY_SECONDS, CONSTRAINTS_SECONDS, VERIFY_SECONDS}) {
                Object value = execution.getVariable(v);
                if (value instanceof Number n) {
                    phases.put(v, n.doubleValue());
                }
            }
            Object zero = execution.getVariable(ZERO_DATES);
            String started = (String) execution.getVariable(STARTED_AT);
            var file = service.writeCertificate(plan, (String) execution.getVariable(SOURCE_VERSION),
                    (String) execution.getVariable(TARGET_VERSION), verification,
                    zero instanceof Number n ? n.longValue() : 0, phases,
                    started == null ? Instant.now() : Instant.parse(started));
            execution.setVariable(CERTIFICATE_FILE, file.toString());
            execution.setVariable(CERTIFICATE_SUMMARY, String.format("GOLD: %,d rows in %d tables verified identical",
                    verification.rows(), verification.tables().size()));
        }
    }

    /** Whether this migration verifies its rows ({@code verifyRows}; absent: yes). */
    static boolean verifiesRows(DelegateExecution execution) {
        return !Boolean.FALSE.equals(execution.getVariable(VERIFY_ROWS));
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
