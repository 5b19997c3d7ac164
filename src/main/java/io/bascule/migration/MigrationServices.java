package io.bascule.migration;

import io.bascule.config.BasculeProperties;
import io.bascule.config.Secrets;
import io.bascule.database.DatabaseEndpoint;
import org.springframework.stereotype.Component;

import java.util.HashSet;

/** Builds the {@link MigrationService} of the configured source, target and options (passwords from {@link Secrets}). */
@Component
public class MigrationServices {

    private final BasculeProperties properties;
    private final Secrets secrets;

    public MigrationServices(BasculeProperties properties, Secrets secrets) {
        this.properties = properties;
        this.secrets = secrets;
    }

    public MigrationService create(boolean dropExisting) {
        DatabaseEndpoint source = DatabaseEndpoint.of(DatabaseEndpoint.Side.SOURCE, properties.source(), secrets);
        DatabaseEndpoint target = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, properties.target(), secrets);
        return new MigrationService(source, target, options(dropExisting), properties.workDir().toAbsolutePath());
    }

    public MigrationOptions options(boolean dropExisting) {
        BasculeProperties.Migration m = properties.migration();
        String schema = properties.target().schema() == null ? "public" : properties.target().schema();
        MigrationOptions o = MigrationOptions.defaults(schema).withDropExisting(dropExisting)
                .withLowerCaseNames(m.lowerCaseNames()).withBooleanColumns(new HashSet<>(m.booleanColumns()))
                .withChunkRows(m.chunkRows()).withTypeOverrides(m.typeOverrides()).withProgressInterval(m.progressInterval());
        return m.parallelism() > 0 ? o.withParallelism(m.parallelism()) : o;
    }
}
