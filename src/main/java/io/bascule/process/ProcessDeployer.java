package io.bascule.process;

import io.bascule.config.BasculeProperties;
import io.bascule.config.ConfigException;
import jakarta.annotation.PostConstruct;
import org.camunda.bpm.engine.ManagementService;
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
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.TreeMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Deploys the BPMN models and Camunda forms at start-up, each model with the forms it uses: from {@code --bpmn-dir}/{@code --forms-dir} when
 * given (so a model edited in Camunda Modeler is used without rebuilding), else the built-in copies of the
 * project's top-level {@code bpmn/} and {@code forms/} folders. Unchanged models are not redeployed;
 * a changed model (or form it uses) becomes a new version, and the engine keeps the old ones for running instances.
 */
@Component
public class ProcessDeployer {

    static final String DEPLOYMENT_NAME = "bascule";
    /** Engine property holding the fingerprint of the models and forms deployed last. */
    static final String DEPLOYED_PROPERTY = "bascule.deployed-models";
    private static final Logger log = LoggerFactory.getLogger(ProcessDeployer.class);

    private final RepositoryService repositoryService;
    private final ManagementService managementService;
    private final BasculeProperties properties;

    public ProcessDeployer(RepositoryService repositoryService, ManagementService managementService, BasculeProperties properties) {
        this.repositoryService = repositoryService;
        this.managementService = managementService;
        this.properties = properties;
    }

    record NamedResource(String name, byte[] content) {
    }

    /**
     * One deployment per model file, holding the model and the forms it references ({@code camunda:formRef}), so that
     * a model binding its forms to its deployment ({@code formRefBinding="deployment"}: an instance keeps the form it
     * started with) finds them in every version. Unchanged deployments are not deployed again; a changed model, or a
     * changed form it uses, makes a new version of that model only.
     */
    @PostConstruct
    void deploy() {
        List<NamedResource> models = collect(properties.bpmnDir(), "bpmn", ".bpmn", "--bpmn-dir");
        Map<String, NamedResource> forms = formsById(collect(properties.formsDir(), "forms", ".form", "--forms-dir"));
        String source = "bascule " + (properties.bpmnDir() == null ? "built-in models" : properties.bpmnDir().toString());
        String fingerprint = fingerprint(source, models, forms);
        if (fingerprint.equals(managementService.getProperties().get(DEPLOYED_PROPERTY))) {
            // exactly these files were deployed last: two queries instead of a duplicate check per model (~0.1 s a start),
            // unless a deployment was deleted since (in Cockpit)
            List<ProcessDefinition> latest = latestDefinitions();
            Set<String> deployed = new java.util.HashSet<>();
            latest.forEach(d -> deployed.add(d.getResourceName()));
            if (models.stream().allMatch(m -> deployed.contains(m.name()))) {
                log(latest);
                return;
            }
        }
        for (NamedResource model : models) {
            DeploymentBuilder builder = repositoryService.createDeployment()
                    .name(DEPLOYMENT_NAME + ": " + model.name())
                    .source(source)
                    .enableDuplicateFiltering(false);   // any resource changed: all of them again, so the forms come along
            builder.addString(model.name(), new String(model.content(), StandardCharsets.UTF_8));
            for (String ref : formRefs(model)) {
                NamedResource form = forms.get(ref);
                if (form == null) {
                    throw new ConfigException("the model " + model.name() + " uses the form '" + ref + "', which no *.form file"
                            + (properties.formsDir() == null ? " built in" : " of --forms-dir " + properties.formsDir())
                            + " defines (its \"id\"); add the form or fix camunda:formRef in the model");
                }
                builder.addString(form.name(), new String(form.content(), StandardCharsets.UTF_8));
            }
            try {
                builder.deploy();
            } catch (RuntimeException e) {
                throw new ConfigException("deploying the BPMN models and forms failed: " + model.name() + ": "
                        + e.getMessage().replaceAll("\\s+", " ") + "; fix the model (Camunda Modeler shows the problem) and start again", e);
            }
        }
        managementService.setProperty(DEPLOYED_PROPERTY, fingerprint);
        log(latestDefinitions());
    }

    private List<ProcessDefinition> latestDefinitions() {
        return repositoryService.createProcessDefinitionQuery().latestVersion().orderByProcessDefinitionKey().asc().list();
    }

    private static void log(List<ProcessDefinition> definitions) {
        for (ProcessDefinition d : definitions) {
            log.info("Process definition {} version {} ({})", d.getKey(), d.getVersion(), d.getResourceName());
        }
    }

    /** What was deployed: the source and every model and form, name and content. */
    static String fingerprint(String source, List<NamedResource> models, Map<String, NamedResource> forms) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(source.getBytes(StandardCharsets.UTF_8));
            List<NamedResource> all = new ArrayList<>(models);
            all.addAll(new TreeMap<>(forms).values());
            for (NamedResource r : all) {
                digest.update((byte) 0);
                digest.update(r.name().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(r.content());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final Pattern FORM_REF = Pattern.compile("camunda:formRef=\"([^\"$#{}]+)\"");
    private static final Pattern FORM_ID = Pattern.compile("\\A\\s*\\{\\s*\"id\"\\s*:\\s*\"([^\"]+)\"");

    /** The forms a model references by a fixed key (an expression is resolved at run time and cannot be known here). */
    static Set<String> formRefs(NamedResource model) {
        Set<String> refs = new TreeSet<>();
        Matcher m = FORM_REF.matcher(new String(model.content(), StandardCharsets.UTF_8));
        while (m.find()) {
            refs.add(m.group(1));
        }
        return refs;
    }

    /** The forms by their id (the key a model's camunda:formRef names), read from each form's JSON. */
    static Map<String, NamedResource> formsById(List<NamedResource> forms) {
        Map<String, NamedResource> byId = new HashMap<>();
        for (NamedResource f : forms) {
            String json = new String(f.content(), StandardCharsets.UTF_8);
            Matcher m = FORM_ID.matcher(json);
            String id = m.find() ? m.group(1) : idAnywhere(json);
            if (id != null) {
                byId.putIfAbsent(id, f);
            }
        }
        return byId;
    }

    private static String idAnywhere(String json) {
        try {
            var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get("id");
            return node == null ? null : node.asText();
        } catch (IOException e) {
            return null;
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
