package io.bascule.surveillance;

import java.util.List;
import java.util.Map;

import static io.bascule.surveillance.EmergencyVariables.*;

/**
 * The "backend down" diagnosis for the decision "roll back?": what the application's config file holds under its key
 * (redacted), whether it points to PostgreSQL (the target) or MySQL, whether PostgreSQL answers the URL's own login,
 * and the health URL probed a few times.
 *
 * @param url             the key's value, redacted (null when the key is missing or the value is no database URL)
 * @param engine          {@code postgresql} or {@code mysql}, or null
 * @param pointsToTarget  the URL names the target's host, port and database
 * @param postgresAnswers a direct connection with the URL's login answered (false when not tried)
 * @param connectMillis   its time, or null
 * @param login           the login PostgreSQL reported, or null
 * @param probes          the health requests (empty when no health URL is configured)
 * @param rollbackSuggested the application points to PostgreSQL and PostgreSQL does not answer its login
 */
public record BackendDiagnosis(String envFile, String envKey, boolean keyPresent, String url, String engine,
                               boolean pointsToTarget, boolean postgresAnswers, Long connectMillis, String login,
                               List<HealthProbe> probes, boolean rollbackSuggested, List<String> lines) {

    public BackendDiagnosis {
        probes = List.copyOf(probes);
        lines = List.copyOf(lines);
    }

    public int healthyProbes() {
        return (int) probes.stream().filter(HealthProbe::healthy).count();
    }

    /** The process variables ({@link EmergencyVariables}, {@code backend*}). */
    public Map<String, Object> variables() {
        Map<String, Object> v = VariableText.map();
        VariableText.put(v, BACKEND_ENV_FILE, envFile);
        VariableText.put(v, BACKEND_ENV_KEY, envKey);
        v.put(BACKEND_ENV_KEY_PRESENT, keyPresent);
        VariableText.put(v, BACKEND_URL, url);
        VariableText.put(v, BACKEND_ENGINE, engine);
        v.put(BACKEND_POINTS_TO_TARGET, pointsToTarget);
        v.put(BACKEND_POSTGRES_ANSWERS, postgresAnswers);
        VariableText.put(v, BACKEND_CONNECT_MILLIS, connectMillis);
        v.put(BACKEND_HEALTH_PROBES, probes.size());
        v.put(BACKEND_HEALTHY_PROBES, healthyProbes());
        v.put(BACKEND_HEALTH_JSON, VariableText.jsonList(probes.stream().map(p -> {
            Map<String, Object> m = VariableText.map();
            m.put("probe", p.probe());
            VariableText.put(m, "httpStatus", p.httpStatus());
            m.put("millis", p.millis());
            VariableText.put(m, "error", p.error());
            return m;
        }).toList()));
        v.put(BACKEND_ROLLBACK_SUGGESTED, rollbackSuggested);
        v.put(BACKEND_REPORT, VariableText.lines(lines));
        return v;
    }
}
