package io.bascule.web;

import io.bascule.config.Secrets;
import org.camunda.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Web access control. The Camunda webapps (Tasklist, Cockpit, Admin) have their own login against the
 * engine's identity store; the REST API ({@code /engine-rest}) is open by default in Camunda, so it is put
 * behind HTTP Basic authentication against the same users here.
 */
@Configuration
public class WebConfiguration {

    /**
     * Password lookups when the CLI did not register its own (it registers one reading the environment it was
     * given): the process environment, and properties of the same name.
     */
    @Bean
    @ConditionalOnMissingBean
    Secrets secrets(Environment environment) {
        return new Secrets(environment::getProperty);
    }

    /** A refused GO answers 400/403 over REST, not Camunda's 500 ({@link GoRefusalResponses}). */
    @Bean
    @ConditionalOnWebApplication
    org.springframework.boot.autoconfigure.jersey.ResourceConfigCustomizer goRefusalResponses() {
        return config -> config.register(GoRefusalResponses.class);
    }

    @Bean
    @ConditionalOnWebApplication
    FilterRegistrationBean<ProcessEngineAuthenticationFilter> restAuthenticationFilter() {
        return BasicLogin.filter("bascule-rest-basic-auth", false, "/engine-rest/*");
    }
}
