package io.bascule.platinum;

import io.bascule.config.BasculeProperties;
import io.bascule.config.Secrets;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.migration.MigrationOptions;
import io.bascule.migration.MigrationServices;
import org.camunda.bpm.engine.HistoryService;
import org.springframework.stereotype.Component;

import java.nio.file.Path;

/**
 * Builds the PLATINUM report's services from the configuration: the criteria ({@link PlatinumCriteria}: target and,
 * when {@code bascule.source.url} is set, source logins with passwords from {@link Secrets}; the migration's options;
 * {@code bascule.platinum.*}), the history lookup ({@link PlatinumHistory}) and the writer ({@link PlatinumReport} into
 * {@code <work-dir>/reports}, with the war room of {@code bascule.cutover.team}). The static {@link #criteria} and
 * {@link #report} serve the command line, which builds them without the Spring context when there is no engine.
 */
@Component
public class PlatinumServices {

    private final BasculeProperties properties;
    private final Secrets secrets;
    private final HistoryService history;

    public PlatinumServices(BasculeProperties properties, Secrets secrets, HistoryService history) {
        this.properties = properties;
        this.secrets = secrets;
        this.history = history;
    }

    public PlatinumCriteria criteria() {
        return criteria(properties, secrets);
    }

    public PlatinumHistory history() {
        return new PlatinumHistory(history);
    }

    /** The writer, with the charts read from {@code samples} (a {@link StoredSamples} of the work directory, or {@link PlatinumSamples#NONE}). */
    public PlatinumReport report(PlatinumSamples samples) {
        return report(properties, samples);
    }

    /** The criteria of a configuration: the target required, the source only when its URL is set. */
    public static PlatinumCriteria criteria(BasculeProperties properties, Secrets secrets) {
        DatabaseEndpoint target = DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, properties.target(), secrets);
        BasculeProperties.Connection s = properties.source();
        DatabaseEndpoint source = s == null || s.url() == null || s.url().isBlank() ? null
                : DatabaseEndpoint.of(DatabaseEndpoint.Side.SOURCE, s, secrets);
        MigrationOptions options = new MigrationServices(properties, secrets).options(false);
        return new PlatinumCriteria(target, source, options, workDir(properties), properties.platinum());
    }

    public static PlatinumReport report(BasculeProperties properties, PlatinumSamples samples) {
        BasculeProperties.Cutover cutover = properties.cutover();
        return new PlatinumReport(workDir(properties).resolve("reports"), cutover == null ? null : cutover.team(), samples);
    }

    private static Path workDir(BasculeProperties properties) {
        return properties.workDir().toAbsolutePath().normalize();
    }
}
