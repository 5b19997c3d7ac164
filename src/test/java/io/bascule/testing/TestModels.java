package io.bascule.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * The built-in models and forms (the project's {@code bpmn/} and {@code forms/}) with the process {@code platinumReport}
 * replaced by its test stand-in ({@code src/test/resources/bpmn-test/platinumReportStub.bpmn}: one DBA task "Review
 * PLATINUM report" with the form {@code placeholderAcknowledge}, then the end "Step acknowledged", as the placeholder
 * model was), copied into folders a {@code serve} deploys with {@code --bpmn-dir} and {@code --forms-dir}: for the tests
 * that need a runbook whose first step is a DBA task under a runbook's key (the access control grants the runbook keys),
 * now that every runbook of Bascule is built.
 */
public final class TestModels {

    /** The stand-in's source in the test resources. */
    public static final Path PLATINUM_STUB = Path.of("src/test/resources/bpmn-test/platinumReportStub.bpmn");
    /** Its form's source in the test resources. */
    public static final Path PLACEHOLDER_FORM = Path.of("src/test/resources/forms-test/placeholderAcknowledge.form");

    private TestModels() {
    }

    /** The two folders, filled. */
    public record Folders(Path bpmnDir, Path formsDir) {
        /** The command-line options that deploy them. */
        public List<String> args() {
            return List.of("--bpmn-dir", bpmnDir.toString(), "--forms-dir", formsDir.toString());
        }
    }

    /** {@code root/bpmn} and {@code root/forms}: the built-in models and forms, platinumReport the stand-in. */
    public static Folders withPlatinumStub(Path root) {
        try {
            Path bpmn = Files.createDirectories(root.resolve("bpmn"));
            Path forms = Files.createDirectories(root.resolve("forms"));
            copyAll(Path.of("bpmn"), ".bpmn", bpmn);
            copyAll(Path.of("forms"), ".form", forms);
            Files.copy(PLATINUM_STUB, bpmn.resolve("platinumReport.bpmn"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(PLACEHOLDER_FORM, forms.resolve(PLACEHOLDER_FORM.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            return new Folders(bpmn, forms);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyAll(Path from, String suffix, Path to) throws IOException {
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(suffix)).toList()) {
                Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
