package io.bascule.cutover;

import io.bascule.config.BasculeProperties;
import org.springframework.stereotype.Component;

/**
 * The configured cutover bounds as the model reads them (bean {@code cutoverSettings}): its start listeners default
 * {@code goTimeout} and {@code freezeTimeout} to these (ISO-8601 durations), so a cutover started from Tasklist or
 * REST runs with {@code bascule.cutover.go-timeout} / {@code freeze-timeout} as the command line's does.
 */
@Component("cutoverSettings")
public class CutoverSettings {

    private final BasculeProperties properties;

    public CutoverSettings(BasculeProperties properties) {
        this.properties = properties;
    }

    public String goTimeout() {
        return properties.cutover().goTimeout().toString();
    }

    public String freezeTimeout() {
        return properties.cutover().freezeTimeout().toString();
    }
}
