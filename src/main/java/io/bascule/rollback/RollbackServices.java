package io.bascule.rollback;

import io.bascule.appswitch.AppRestart;
import io.bascule.appswitch.AppSwitch;
import io.bascule.config.BasculeProperties;
import io.bascule.config.Secrets;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.migration.MigrationService;
import io.bascule.migration.MigrationServices;
import org.springframework.stereotype.Component;


/**
 * Builds the {@link RollbackService} of the configuration: the source and target logins (passwords from
 * {@link Secrets}), the application's file ({@code bascule.app.*}), and the plan and GOLD certificate the migration
 * left in the work directory (absent: null, and the steps that need them say so).
 */
@Component
public class RollbackServices {

    private final BasculeProperties properties;
    private final Secrets secrets;
    private final MigrationServices migrations;

    public RollbackServices(BasculeProperties properties, Secrets secrets, MigrationServices migrations) {
        this.properties = properties;
        this.secrets = secrets;
        this.migrations = migrations;
    }

    public RollbackService create() {
        DatabaseEndpoint source = DatabaseEndpoint.of(DatabaseEndpoint.Side.SOURCE, properties.source(), secrets);
        DatabaseEndpoint target = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, properties.target(), secrets);
        MigrationService migration = migrations.create(false);
        String schema = properties.target().schema() == null ? "public" : properties.target().schema();
        return new RollbackService(new RollbackService.Setup(source, target, schema, AppSwitch.from(properties),
                properties.app().targetUrl(), AppRestart.from(properties), properties.workDir().toAbsolutePath(),
                migration::planIfAny,
                migration::certificateIfAny, properties.rollback().drainTimeout(),
                properties.rollback().healthTimeout()));
    }
}
