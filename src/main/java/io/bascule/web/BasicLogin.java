package io.bascule.web;

import org.camunda.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;
import org.springframework.boot.web.servlet.FilterRegistrationBean;

/**
 * The one login of Bascule's own web endpoints (REST API, audit page, surveillance page and API, Actuator): HTTP Basic
 * against the engine's users, checked by Camunda's {@link ProcessEngineAuthenticationFilter} with the REST module's
 * provider, which makes the user the engine's authenticated user for the request (so Camunda authorization decides
 * what queries return).
 */
public final class BasicLogin {

    static final String PROVIDER = "org.camunda.bpm.engine.rest.security.auth.impl.HttpBasicAuthenticationProvider";

    private BasicLogin() {
    }

    /**
     * The filter for these URL patterns.
     *
     * @param wholePath true for a path of Bascule's own: the whole path is checked (the filter's default strips the
     *                  servlet path, which is all of it there, and would then take every request for the unauthenticated
     *                  root of the REST API); false for the REST API under its own servlet
     */
    public static FilterRegistrationBean<ProcessEngineAuthenticationFilter> filter(String name, boolean wholePath,
                                                                                 String... urlPatterns) {
        FilterRegistrationBean<ProcessEngineAuthenticationFilter> registration =
                new FilterRegistrationBean<>(new ProcessEngineAuthenticationFilter());
        registration.setName(name);
        registration.addUrlPatterns(urlPatterns);
        registration.addInitParameter("authentication-provider", PROVIDER);
        if (wholePath) {
            registration.addInitParameter("rest-url-pattern-prefix", "");
        }
        registration.setOrder(0);
        return registration;
    }
}
