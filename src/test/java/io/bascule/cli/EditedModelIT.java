package io.bascule.cli;

import io.bascule.demo.SampleDatabase;
import io.bascule.testing.EmbeddedDatabases;
import io.bascule.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A DBA edits goldMigration in Camunda Modeler: renames its activities and end events and their ids change. Deployed
 * with {@code --bpmn-dir}, {@code migrate --yes} still runs it end to end on real MariaDB and PostgreSQL, answers the
 * renamed review task, prints the new names, and exits 0 because the model says GOLD certified: no Java code names an
 * element id.
 */
@ExtendWith(EmbeddedDatabases.class)
class EditedModelIT {

    /** Old id → new id, as Modeler generates them. */
    static final Map<String, String> IDS = new LinkedHashMap<>();
    /** Old name → new name. */
    static final Map<String, String> NAMES = new LinkedHashMap<>();

    static {
        IDS.put("StartEvent_Requested", "StartEvent_1q2w3e");
        IDS.put("SubProcess_Migration", "Activity_0migr8");
        IDS.put("Task_Preflight", "Activity_1k9x2p0");
        IDS.put("Task_ReadSchema", "Activity_0r7d3s1");
        IDS.put("Task_ReviewConversion", "Activity_1apprv9");
        IDS.put("Task_CreateTables", "Activity_0tbl4c2");
        IDS.put("Task_CopyData", "Activity_1c0py77");
        IDS.put("Task_BuildConstraints", "Activity_0k3ys55");
        IDS.put("Task_VerifyRows", "Activity_1cmp4r3");
        IDS.put("Task_WriteCertificate", "Activity_0c3rt11");
        IDS.put("EndEvent_GoldCertified", "Event_0g0ld42");
        IDS.put("EndEvent_RunEnded", "Event_1f1n15h");
        IDS.put("EndEvent_ConversionRejected", "Event_0n0pe00");
        IDS.put("Gateway_Approved", "Gateway_1ok2go3");
        NAMES.put("Run pre-flight checks", "Check both servers");
        NAMES.put("Read schema and plan conversion", "Plan the schema conversion");
        NAMES.put("Review schema conversion", "Approve the conversion plan");
        NAMES.put("Create target tables", "Create the PostgreSQL tables");
        NAMES.put("Copy table data", "Copy all rows");
        NAMES.put("Create indexes, constraints and sequences", "Build keys and indexes");
        NAMES.put("Verify every row", "Compare every row");
        NAMES.put("Write GOLD certificate", "Issue the GOLD certificate");
        NAMES.put("GOLD certified", "Target certified GOLD");
        NAMES.put("Migration run ended", "Runbook finished");
    }

    /** The built-in model as a DBA leaves it after renaming in Modeler (ids in the process and in its diagram). */
    static String edited(String model) {
        String out = model;
        for (var e : IDS.entrySet()) {
            out = out.replaceAll("(?<![\\w-])" + Pattern.quote(e.getKey()) + "(?![\\w-])", Matcher.quoteReplacement(e.getValue()));
        }
        for (var e : NAMES.entrySet()) {
            out = out.replace("name=\"" + e.getKey() + "\"", "name=\"" + e.getValue() + "\"");
        }
        return out.replaceFirst("camunda:versionTag=\"([^\"]*)\"", "camunda:versionTag=\"$1-edited\"");
    }

    @Test
    void migrateRunsARenamedModelEndToEnd(TestDatabases dbs) throws Exception {
        try (Connection c = dbs.source()) {
            SampleDatabase.load(c);
        }
        Path work = Path.of("target", "edited-model-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime()).toAbsolutePath();
        Path bpmnDir = Files.createDirectories(work.resolve("my-models"));
        String original = Files.readString(Path.of("bpmn", "goldMigration.bpmn"));
        String model = edited(original);
        for (String oldId : IDS.keySet()) {
            assertThat(original).contains("\"" + oldId + "\"");
            assertThat(model).as("every old id is gone").doesNotContain("\"" + oldId + "\"");
        }
        for (String oldName : NAMES.keySet()) {
            assertThat(model).doesNotContain("name=\"" + oldName + "\"");
        }
        Files.writeString(bpmnDir.resolve("goldMigration.bpmn"), model);

        CliRun run = CliRun.of(Map.of(), "migrate", "--yes", "--bpmn-dir", bpmnDir.toString(),
                "--source-url", dbs.sourceUrl(), "--source-user", "root", "--target-url", dbs.targetUrl(),
                "--target-user", "postgres", "--work-dir", work.toString());
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).containsSubsequence("GOLD migration started", "Check both servers ✅",
                "Plan the schema conversion ✅", "Approve the conversion plan waits for a decision:",
                "Approved from the CLI (--yes)", "Approve the conversion plan ✅ (cli)", "Create the PostgreSQL tables ✅",
                "Copy all rows ✅", "Build keys and indexes ✅", "Compare every row ✅", "Issue the GOLD certificate ✅",
                "Target certified GOLD ✅", "Runbook finished ✅",
                "Target certified GOLD: GOLD: 105,711 rows in 4 tables verified identical");
        assertThat(run.out()).matches("(?s).*\\n\\[\\d\\d:\\d\\d] Copy all rows ✅\\n.*");
        for (String oldName : NAMES.keySet()) {
            assertThat(run.out()).as("old name printed").doesNotContain("] " + oldName + " ");
        }
        assertThat(Files.readString(work.resolve("gold-certificate.json"))).contains("\"certificate\" : \"GOLD\"", "\"rows\" : 105711");
        try (Connection pg = dbs.target(); Statement st = pg.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM disbursements")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(211);
        }
        // the run used the edited model (its version tag), and its history names the new ids
        String jdbc = "jdbc:h2:file:" + work.resolve("engine/bascule-engine") + ";AUTO_SERVER=TRUE";
        try (Connection h2 = java.sql.DriverManager.getConnection(jdbc, "sa", "");
             Statement st = h2.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM ACT_HI_ACTINST a JOIN ACT_RE_PROCDEF d ON a.PROC_DEF_ID_ = d.ID_"
                     + " WHERE a.ACT_ID_ = 'Activity_1c0py77' AND d.VERSION_TAG_ LIKE '%-edited'")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1);
        }
    }
}
