package io.bascule.cli;

import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The engine database a new work directory starts from: the launcher's warm-up (an installation step, like the
 * class-data-sharing archive) leaves a backup of its freshly created H2 engine database next to the unpacked jar, its
 * tables created and the built-in models deployed; a command that finds no engine database in its work directory
 * starts from a copy of it instead of creating the ~50 tables and parsing the models again (~0.2 s of every first
 * run). Only for the default H2 engine database and only from the launcher's unpacked application; the deployments in
 * it are dated from the installation. Unchanged models are then not deployed again; changed ones (a new build,
 * --bpmn-dir) become new versions as always.
 */
final class EngineTemplate {

    static final String FILE = "engine-template.zip";
    static final String DB_FILE = "bascule-engine.mv.db";

    private EngineTemplate() {
    }

    /** Where the template of the running build is (next to the launcher's unpacked jar), or null. */
    static Path location() {
        try {
            Path jar = Path.of(EngineTemplate.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(jar) && jar.getFileName().toString().endsWith(".jar") ? jar.resolveSibling(FILE) : null;
        } catch (Exception e) {
            return null; // run from classes or a packed jar: no template
        }
    }

    /** True when the settings leave the engine on its default H2 file in the work directory. */
    static boolean defaultEngineDatabase(Map<String, String> settings) {
        return settings.get("bascule.engine.db-url") == null && settings.get("spring.datasource.url") == null;
    }

    /** Writes the template from the running engine's H2 database (the warm-up). */
    static void write(DataSource engine, Path template) throws SQLException, IOException {
        Path tmp = template.resolveSibling(template.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try (Connection c = engine.getConnection(); Statement st = c.createStatement()) {
            st.execute("BACKUP TO '" + tmp.toString().replace("'", "''") + "'");
        }
        Files.move(tmp, template, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Gives a work directory without an engine database a copy of the template; returns whether it did. A template
     * that cannot be read leaves the directory as it was (the engine then creates its database itself).
     */
    static boolean install(Path template, Path workDir) {
        Path db = workDir.resolve("engine").resolve(DB_FILE);
        if (template == null || !Files.isRegularFile(template) || Files.exists(db)) {
            return false;
        }
        Path tmp = db.resolveSibling(DB_FILE + ".tmp");
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(template))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.getName().equals(DB_FILE)) {
                    Files.createDirectories(db.getParent());
                    Files.copy(zip, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, db, StandardCopyOption.ATOMIC_MOVE);
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing to undo then
            }
            LoggerFactory.getLogger(EngineTemplate.class).warn("engine database template {} not used: {}", template, e.toString());
            return false;
        }
    }
}
