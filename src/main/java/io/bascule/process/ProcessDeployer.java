package io.bascule.process;

import io.bascule.config.BasculeProperties;
import io.bascule.config.ConfigException;
import jakarta.annotation.PostConstruct;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.DeploymentBuilder;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Deploys the BPMN models and Camunda forms at start-up: from {@code --bpmn-dir}/{@code --forms-dir} when
 * given (so a model edited in Camunda Modeler is used without rebuilding), else the built-in copies of the
 * project's top-level {@code bpmn/} and {@code forms/} folders. Unchanged resources are not redeployed;
 * a changed model becomes a new version, and the engine keeps the old ones for running instances.
 */
@Component
public class ProcessDeployer {

    static final String DEPLOYMENT_NAME = "bascule";
    private static final Logger log = LoggerFactory.getLogger(ProcessDeployer.class);

    private final RepositoryService repositoryService;
    private final BasculeProperties properties;

    public ProcessDeployer(RepositoryService repositoryService, BasculeProperties properties) {
        this.repositoryService = repositoryService;
        this.properties = properties;
    }

    record NamedResource(String name, byte[] content) {
    }

    @PostConstruct
    void deploy() {
        List<NamedResource> resources = new ArrayList<>();
        resources.addAll(collect(properties.bpmnDir(), "bpmn", ".bpmn", "--bpmn-dir"));
        resources.addAll(collect(properties.formsDir(), "forms", ".form", "--forms-dir"));
        DeploymentBuilder builder = repositoryService.createDeployment()
                .name(DEPLOYMENT_NAME)
                .source("bascule " + (properties.bpmnDir() == null ? "built-in models" : properties.bpmnDir().toString()))
                .enableDuplicateFiltering(true);
        for (NamedResource r : resources) {
            builder.addString(r.name(), new String(r.content(), java.nio.charset.StandardCharsets.UTF_8));
        }
        try {
            builder.deploy();
        } catch (RuntimeException e) {
            throw new ConfigException("deploying the BPMN models and forms failed: "
                    + e.getMessage().replaceAll("\\s+", " ") + "; fix the model (Camunda Modeler shows the problem) and start again", e);
        }
        for (ProcessDefinition d : repositoryService.createProcessDefinitionQuery().latestVersion().orderByProcessDefinitionKey().asc().list()) {
            log.info("Process definition {} version {} ({})", d.getKey(), d.getVersion(), d.getResourceName());
        }
    }

    private static List<NamedResource> collect(Path dir, String classpathFolder, String suffix, String flag) {
        return dir == null ? fromClasspath(classpathFolder, suffix) : fromDirectory(dir, suffix, flag);
    }

    static List<NamedResource> fromDirectory(Path dir, String suffix, String flag) {
        if (!Files.isDirectory(dir)) {
            throw new ConfigException(flag + " " + dir + " is not a directory; give the folder holding the *" + suffix + " files");
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<NamedResource> list = new ArrayList<>();
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList()) {
                list.add(new NamedResource(f.getFileName().toString(), Files.readAllBytes(f)));
            }
            if (list.isEmpty()) {
                throw new ConfigException(flag + " " + dir + " holds no *" + suffix + " file");
            }
            return list;
        } catch (IOException e) {
            throw new ConfigException("cannot read " + flag + " " + dir + ": " + e.getMessage(), e);
        }
    }

    private static List<NamedResource> fromClasspath(String folder, String suffix) {
        try {
            Resource[] found = new PathMatchingResourcePatternResolver().getResources("classpath*:" + folder + "/*" + suffix);
            List<NamedResource> list = new ArrayList<>();
            for (Resource r : found) {
                try (InputStream in = r.getInputStream()) {
                    list.add(new NamedResource(r.getFilename(), in.readAllBytes()));
                }
            }
            list.sort(java.util.Comparator.comparing(NamedResource::name));
            return list;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read built-in " + folder + " resources", e);
        }
    }
}
