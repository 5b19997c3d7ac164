package io.bascule.cli;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EngineTemplateTest {

    @TempDir
    Path dir;

    @Test
    void aNewWorkDirectoryStartsFromTheTemplateAndAnExistingOneIsLeftAlone() throws Exception {
        JdbcDataSource source = new JdbcDataSource();
        source.setURL("jdbc:h2:file:" + dir.resolve("installed/engine/bascule-engine") + ";AUTO_SERVER=TRUE");
        source.setUser("sa");
        try (Connection c = source.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE act_marker (v VARCHAR(10))");
            st.execute("INSERT INTO act_marker VALUES ('template')");
            EngineTemplate.write(source, dir.resolve(EngineTemplate.FILE));
        }
        Path template = dir.resolve(EngineTemplate.FILE);
        assertThat(template).isRegularFile();

        Path work = dir.resolve("work");
        assertThat(EngineTemplate.install(template, work)).isTrue();
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + work.resolve("engine/bascule-engine"), "sa", "");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT v FROM act_marker")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("template");
        }
        // an engine database already there is never replaced
        long before = Files.size(work.resolve("engine/bascule-engine.mv.db"));
        assertThat(EngineTemplate.install(template, work)).isFalse();
        assertThat(Files.size(work.resolve("engine/bascule-engine.mv.db"))).isEqualTo(before);
        // no template, or one that is not a zip: the directory stays as it was
        Path other = dir.resolve("other");
        assertThat(EngineTemplate.install(dir.resolve("missing.zip"), other)).isFalse();
        Path broken = Files.writeString(dir.resolve("broken.zip"), "not a zip");
        assertThat(EngineTemplate.install(broken, other)).isFalse();
        assertThat(other.resolve("engine/bascule-engine.mv.db")).doesNotExist();
        assertThat(other.resolve("engine/bascule-engine.mv.db.tmp")).doesNotExist();
    }

    @Test
    void onlyTheDefaultEngineDatabaseStartsFromIt() {
        assertThat(EngineTemplate.defaultEngineDatabase(Map.of("bascule.work-dir", "/w"))).isTrue();
        assertThat(EngineTemplate.defaultEngineDatabase(Map.of("bascule.engine.db-url", "jdbc:postgresql://db/engine"))).isFalse();
        assertThat(EngineTemplate.defaultEngineDatabase(Map.of("spring.datasource.url", "jdbc:h2:mem:x"))).isFalse();
        // tests and the packed jar run from classes or a nested jar: no template
        assertThat(EngineTemplate.location()).isNull();
    }
}
