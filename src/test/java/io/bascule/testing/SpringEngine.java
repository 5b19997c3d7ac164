package io.bascule.testing;

import io.bascule.process.ProcessWatch;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.spring.boot.starter.rest.CamundaBpmRestJerseyAutoConfiguration;
import org.camunda.bpm.spring.boot.starter.webapp.CamundaBpmWebappAutoConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import java.util.Map;
import java.util.UUID;

/**
 * An in-memory engine as the application runs it: the Camunda Spring Boot starter (its engine commands in Spring
 * transactions, its eventing bridge) with {@link ProcessWatch}, lazy like the CLI context, without the web parts.
 * {@code beans} are the delegates the models name, registered as Spring beans.
 */
public final class SpringEngine implements AutoCloseable {

    // deliberately not a @Configuration (nor @SpringBootConfiguration): the application's component scan covers
    // io.bascule.* on the test class path, and would take this class's exclusions (no REST, no webapps) into
    // every `serve` a test starts; as a primary source it is processed all the same
    @EnableAutoConfiguration(exclude = {CamundaBpmWebappAutoConfiguration.class, CamundaBpmRestJerseyAutoConfiguration.class})
    @Import(ProcessWatch.class)
    static class App {
    }

    private final ConfigurableApplicationContext context;

    private SpringEngine(ConfigurableApplicationContext context) {
        this.context = context;
    }

    public static SpringEngine start(String name, boolean jobExecutor, Map<String, Object> beans) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE)
                .logStartupInfo(false)
                .initializers(ctx -> beans.forEach(ctx.getBeanFactory()::registerSingleton))
                .run( // arguments, since config/application.yml overrides default properties
                        "--spring.datasource.url=jdbc:h2:mem:" + name + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                        "--spring.main.lazy-initialization=true",
                        "--spring.main.banner-mode=off",
                        "--spring.jmx.enabled=false",
                        "--camunda.bpm.history-level=full",
                        "--camunda.bpm.authorization.enabled=false", // as in the CLI (SpringLauncher)
                        "--camunda.bpm.auto-deployment-enabled=false",
                        "--camunda.bpm.generate-unique-process-engine-name=true",
                        "--camunda.bpm.generate-unique-process-application-name=true",
                        "--camunda.bpm.job-execution.enabled=" + jobExecutor);
        return new SpringEngine(context);
    }

    public ProcessEngine engine() {
        return context.getBean(ProcessEngine.class);
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    @Override
    public void close() {
        context.close();
    }
}
