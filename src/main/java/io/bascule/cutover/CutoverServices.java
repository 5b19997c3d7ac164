package io.bascule.cutover;

import io.bascule.appswitch.AppRestart;
import io.bascule.appswitch.AppSwitch;
import io.bascule.config.BasculeProperties;
import io.bascule.config.Secrets;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.migration.MigrationService;
import io.bascule.migration.MigrationServices;
import io.bascule.rollback.SourceFreeze;
import org.springframework.stereotype.Component;


/**
 * Builds the {@link CutoverService} of the configuration: the logins (passwords from {@link Secrets}), the
 * application's file and the URL it gets (its PostgreSQL password from {@code bascule.app.target-password-env},
 * default {@code BASCULE_APP_TARGET_PASSWORD}, or {@code target-password-file}, when set), and the plan and GOLD
 * certificate of the migration in the work directory.
 */
@Component
public class CutoverServices {

    static final String DEFAULT_APP_TARGET_PASSWORD_ENV = "BASCULE_APP_TARGET_PASSWORD";

    private final BasculeProperties properties;
    private final Secrets secrets;
    private final MigrationServices migrations;

    public CutoverServices(BasculeProperties properties, Secrets secrets, MigrationServices migrations) {
        this.properties = properties;
        this.secrets = secrets;
        this.migrations = migrations;
    }

    public CutoverService create() {
        DatabaseEndpoint source = DatabaseEndpoint.of(DatabaseEndpoint.Side.SOURCE, properties.source(), secrets);
        DatabaseEndpoint target = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, properties.target(), secrets);
        MigrationService migration = migrations.create(false);
        BasculeProperties.App app = properties.app();
        String passwordEnv = app.targetPasswordEnv() != null ? app.targetPasswordEnv() : DEFAULT_APP_TARGET_PASSWORD_ENV;
        String appPassword = secrets.optional(passwordEnv, app.targetPasswordFile(), "the application's PostgreSQL login");
        // MySQL 8: a SUPER/CONNECTION_ADMIN applier writes through read_only only while super_read_only is off; MariaDB
        // has READ ONLY ADMIN and ignores it
        SourceFreeze.Options freeze = SourceFreeze.Options.defaults().withAllowPrivilegedWrites(true);
        String schema = properties.target().schema() == null ? "public" : properties.target().schema();
        return new CutoverService(new CutoverService.Setup(source, target, schema, AppSwitch.from(properties), app.targetUrl(),
                appPassword, AppRestart.from(properties), properties.rollback().healthTimeout(), migration::planIfAny,
                migration::certificateIfAny, properties.businessChecks(), properties.rollback().allowBypassingAppLogin(), freeze,
                migrations.options(false), properties.workDir().toAbsolutePath(), properties.cutover().backupInsideFreeze()));
    }
}
