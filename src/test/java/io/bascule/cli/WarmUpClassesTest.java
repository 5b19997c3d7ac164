package io.bascule.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The class list the warm-up loads into the class-data-sharing archive is current and loadable. */
class WarmUpClassesTest {

    @Test
    void theListedClassesStillExistAndCanBeArchived() throws Exception {
        assertThat(WarmUpCommand.class.getClassLoader().getResource(WarmUpCommand.CLASSES_AFTER_START))
                .as(WarmUpCommand.CLASSES_AFTER_START + " on the class path").isNotNull();
        List<String> names = WarmUpCommand.listedClasses(WarmUpCommand.class.getClassLoader());
        assertThat(names).hasSizeGreaterThan(500)
                .as("the drivers and the migration code").anyMatch(n -> n.startsWith("com.mysql.cj."))
                .anyMatch(n -> n.startsWith("org.postgresql.")).anyMatch(n -> n.startsWith("io.bascule.migration."))
                .as("class files CDS cannot archive, or classes generated at run time")
                .noneMatch(n -> n.startsWith("picocli.") || n.contains("$$") || n.contains("Lambda") || n.contains("/"));
        int[] loaded = WarmUpCommand.loadListed(WarmUpCommand.class.getClassLoader());
        assertThat(loaded[1]).isEqualTo(names.size());
        // after a dependency upgrade some names may be gone; many gone means: run bench/record-warm-up-classes.sh
        assertThat(loaded[0]).as("listed classes that still load").isGreaterThanOrEqualTo(names.size() * 95 / 100);
    }
}
