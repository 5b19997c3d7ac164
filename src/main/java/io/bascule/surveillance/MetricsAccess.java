package io.bascule.surveillance;

import org.camunda.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Actuator ({@code /actuator}, {@code /actuator/*}: health and the Prometheus metrics of {@link SurveillanceMetrics})
 * needs a login, as the REST API and the audit page do: HTTP Basic against the engine's users (any of them, viewers
 * included), checked by Camunda's {@link ProcessEngineAuthenticationFilter}. A Prometheus server scrapes it with
 * {@code basic_auth}. The web app has no Spring Security, so this filter is the gate: Actuator stays on the web app's
 * port (a separate {@code management.server.port} would run outside this filter; bind it to 127.0.0.1 with
 * {@code management.server.address} if you move it).
 */
@Configuration
@ConditionalOnWebApplication
public class MetricsAccess {

    @Bean
    FilterRegistrationBean<ProcessEngineAuthenticationFilter> actuatorAuthenticationFilter() {
        return io.bascule.web.BasicLogin.filter("bascule-actuator-basic-auth", true, "/actuator", "/actuator/*");
    }
}
