package io.bascule.surveillance;

import io.bascule.config.BasculeProperties;
import io.bascule.config.Secrets;
import io.bascule.database.DatabaseEndpoint;
import io.bascule.process.RunOwnership;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import java.util.Set;

/**
 * The {@link SurveillanceService} of this node (one per application, so that closing knows whether opening started
 * the loop): the target of the configuration (its password from {@link Secrets}) and this application's
 * {@link SurveillanceLoop}. Only the web app's node ({@code serve}, {@code demo}; or an engine without a registered
 * command, as in tests) may start the loop; a one-shot command takes single samples.
 */
@Component
public class SurveillanceServices {

    /** The commands whose node samples continuously: they run the web app, its timers and its live page. */
    static final Set<String> SAMPLING_NODES = Set.of("serve", "demo");

    private final BasculeProperties properties;
    private final Secrets secrets;
    private final SurveillanceLoop loop;
    private final ObjectProvider<RunOwnership.Node> node;
    private volatile SurveillanceService service;

    public SurveillanceServices(BasculeProperties properties, Secrets secrets, SurveillanceLoop loop,
                                ObjectProvider<RunOwnership.Node> node) {
        this.properties = properties;
        this.secrets = secrets;
        this.loop = loop;
        this.node = node;
    }

    public SurveillanceService get() {
        SurveillanceService s = service;
        if (s == null) {
            synchronized (this) {
                if (service == null) {
                    RunOwnership.Node n = node.getIfAvailable();
                    String command = n == null ? null : n.command();
                    service = new SurveillanceService(properties,
                            () -> DatabaseEndpoint.of(DatabaseEndpoint.Side.TARGET, properties.target(), secrets), loop,
                            command == null || SAMPLING_NODES.contains(command), command == null ? "this engine" : command);
                }
                s = service;
            }
        }
        return s;
    }

    public BasculeProperties properties() {
        return properties;
    }
}
