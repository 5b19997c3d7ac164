package io.bascule;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layering the design promises, read from the sources: {@code database/} is the ground floor (it uses the schema
 * model and the configuration records, no feature package), and {@code schema/} is plain data on the JDK alone.
 * Every reference counts: imports, static imports and fully qualified names in the code.
 */
class PackageBoundariesTest {

    private static final Path MAIN = Path.of("src/main/java/io/bascule");
    /** A reference to a class of Bascule: io.bascule.PACKAGE.Class (imports and qualified names alike). */
    private static final Pattern BASCULE_REF = Pattern.compile("\\bio\\.bascule\\.([a-z][a-z0-9_]*)\\.");
    private static final Pattern IMPORT = Pattern.compile("(?m)^import\\s+(?:static\\s+)?([\\w.]+)");

    @Test
    void databaseImportsNoFeaturePackage() throws IOException {
        Set<String> allowed = Set.of("database", "schema", "config");
        List<String> violations = new ArrayList<>();
        for (Path file : javaFiles("database")) {
            Matcher m = BASCULE_REF.matcher(code(file));
            while (m.find()) {
                if (!allowed.contains(m.group(1))) {
                    violations.add(file.getFileName() + " uses io.bascule." + m.group(1));
                }
            }
        }
        assertThat(violations).as("database/ may use only " + allowed).isEmpty();
    }

    @Test
    void schemaUsesTheJdkOnly() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : javaFiles("schema")) {
            String code = code(file);
            Matcher imports = IMPORT.matcher(code);
            while (imports.find()) {
                if (!imports.group(1).startsWith("java.")) {
                    violations.add(file.getFileName() + " imports " + imports.group(1));
                }
            }
            Matcher refs = BASCULE_REF.matcher(code);
            while (refs.find()) {
                if (!refs.group(1).equals("schema")) {
                    violations.add(file.getFileName() + " uses io.bascule." + refs.group(1));
                }
            }
        }
        assertThat(violations).as("schema/ imports the JDK only").isEmpty();
    }

    @Test
    void theScanSeesTheSources() throws IOException {
        // guards the two tests above against passing on an empty folder (run from another directory, files moved)
        assertThat(javaFiles("database")).extracting(p -> p.getFileName().toString())
                .contains("MySqlDialect.java", "PostgresDialect.java");
        assertThat(javaFiles("schema")).extracting(p -> p.getFileName().toString())
                .contains("SourceSchema.java", "TablePlan.java", "ColumnMapping.java");
        assertThat(BASCULE_REF.matcher("x = io.bascule.migration.Verifier.run();").find()).isTrue();
    }

    private static List<Path> javaFiles(String pkg) throws IOException {
        try (Stream<Path> files = Files.list(MAIN.resolve(pkg))) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** The file without its comments (a Javadoc may name a feature class). */
    private static String code(Path file) throws IOException {
        String text = Files.readString(file);
        return text.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ");
    }
}
