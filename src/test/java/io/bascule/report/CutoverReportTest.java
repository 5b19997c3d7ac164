package io.bascule.report;

import io.bascule.config.BasculeProperties;
import io.bascule.config.ConfigException;
import io.bascule.migration.GoldCertificate;
import io.bascule.notify.MailDelivery;
import io.bascule.notify.MailTemplates;
import io.bascule.notify.Mailer;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cutover report from its facts, without an engine: the title per outcome, the write-freeze window (computed, or
 * not reached), the rows and checksums of the GOLD certificate with the final delta, the war room's contacts in every
 * report, the built-in checklist ticked with who and when or left open with what is missing, no credentials of a URL
 * anywhere; the checklist file's shape checked; the start and success e-mails rendered (values escaped in HTML) and
 * written as .eml files without SMTP.
 */
class CutoverReportTest {

    static final String SECRET = "hunter2-s3cr3t";
    static final String URL_WITH_SECRET = "jdbc:postgresql://app:" + SECRET + "@db.example:5432/shop?password=" + SECRET;
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T17:00:00Z"), ZoneOffset.UTC);
    static final List<BasculeProperties.Contact> TEAM = List.of(
            new BasculeProperties.Contact("Alice Martin", "DBA", "alice@example.org", "+33 6 12 34 56 78"),
            new BasculeProperties.Contact("Dev <Ops> & Co", "DevOps", "devops@example.org", null));

    @TempDir
    Path dir;

    static GoldCertificate certificate() {
        return new GoldCertificate("GOLD", "bascule", "0.1.0", Instant.parse("2026-11-30T22:00:00Z"),
                new GoldCertificate.Source("jdbc:mysql://db.example:3306/shop", "8.4.3", "shop"),
                new GoldCertificate.Target("jdbc:postgresql://pg.example:5432/shop", "17.6", "public"),
                new GoldCertificate.Timings(Instant.parse("2026-11-30T21:50:00Z"), Instant.parse("2026-11-30T22:00:00Z"),
                        300.0, 60.0, 240.0, 600.0),
                List.of(new GoldCertificate.TableEntry("invoices", "invoices", 10_000, "a1b2c3d4", 1),
                        new GoldCertificate.TableEntry("tenants", "tenants", 250, "e5f6a7b8", 1)),
                10_250, 0, Map.of(), List.of(), List.of());
    }

    /** A successful run's variables: the GO, the freeze 4.2 s, a final delta, backups, checks; some checklist items open. */
    static Map<String, Object> successVariables() {
        Map<String, Object> v = new HashMap<>();
        v.put("goBy", "bob");
        v.put("goAt", "2026-12-01T16:00:00Z");
        v.put("freezeStartedAt", "2026-12-01T16:00:01.250Z");
        v.put("appHealthyAt", "2026-12-01T16:00:05.450Z");
        v.put("binlogPosition", "binlog.000042:1337");
        v.put("writersEnded", 1);
        v.put("finalDeltaSummary", "{\"invoices\": [12, 3, 1], \"audit_logs\": [40, 0, 0]}");
        v.put("backupFiles", "mysql: /work/backups/mysql (12.0 MiB, sha256 aa11)\npostgres: /work/backups/pg (14.2 MiB, sha256 bb22)");
        v.put("endToEndPassed", true);
        v.put("endToEndResults", "read 3 tables: ok\nwrite probe: ok, no trace\ndashboard-7-days: 42 ms ok");
        v.put("prerequisitesReport", "GOLD certificate valid\nPostgreSQL at " + URL_WITH_SECRET);
        v.put("dbaPresent", true);
        v.put("devopsPresent", true);
        v.put("appOwnerPresent", false);
        v.put("stakeholdersInformed", true);
        v.put("rollbackDryRunOutcome", "DRY_RUN_PASSED");
        v.put("applicationSwitched", true);
        v.put("monitoringChecked", true);
        return v;
    }

    /** When and by whom some variables were set, as the history tells it. */
    static Map<String, AuditTrail.VariableSet> history() {
        return Map.of("dbaPresent", new AuditTrail.VariableSet("dbaPresent", true, "2026-12-01T15:40:00.000Z", "Confirm the war room", "carol"),
                "applicationSwitched", new AuditTrail.VariableSet("applicationSwitched", true, "2026-12-01T16:00:03.000Z",
                        "Phase 5: Switch the application to PostgreSQL", null),
                "goAt", new AuditTrail.VariableSet("goAt", "2026-12-01T16:00:00Z", "2026-12-01T16:00:00.010Z", "Phase 2: Set MySQL read-only", "bob"));
    }

    static ReportFacts facts(String code, Map<String, Object> vars, List<BasculeProperties.Contact> team) {
        List<CutoverChecklist.Result> checklist = CutoverChecklist.builtIn().evaluate(vars, history());
        Instant t0 = Instant.parse("2026-12-01T15:30:00Z");
        List<ReportFacts.Step> timeline = List.of(
                new ReportFacts.Step("Cutover requested", t0, t0, "alice", "completed"),
                new ReportFacts.Step("Phase 2: Freeze MySQL", t0.plusSeconds(1801), t0.plusMillis(1_802_250), null, "completed"));
        return CutoverReport.facts("pi-11", code, vars, certificate(), timeline, checklist, team, List.of(),
                List.of("Target was " + URL_WITH_SECRET));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "CUTOVER_SUCCESSFUL;CUTOVER SUCCESSFUL",
            "ROLLED_BACK;CUTOVER FAILED – ROLLED BACK",
            "NOT_ROLLED_BACK;CUTOVER FAILED – ROLLBACK STOPPED",
            "NO_GO;CUTOVER NO-GO – NOTHING CHANGED",
            "DRY_RUN_PASSED;CUTOVER DRY RUN PASSED",
            "ABANDONED;CUTOVER ABANDONED – NO GO GIVEN",
            "ABORTED;CUTOVER ABORTED",
            "ABORTED_ROLLED_BACK;CUTOVER ABORTED – ROLLED BACK",
            "SOMETHING_NEW;'CUTOVER: SOMETHING_NEW'"})
    void theTitleFollowsTheOutcomeAndTheContactsStandInEveryReport(String code, String title) {
        Map<String, Object> vars = successVariables();
        vars.put("failureReason", "phase 7: dashboard-7-days took 480 ms (max 100 ms)");
        ReportFacts f = facts(code, vars, TEAM);
        String md = ReportDocuments.markdown(f);
        String html = ReportDocuments.html(f);

        assertThat(f.kind()).isEqualTo("cutover");
        assertThat(f.processKey()).isEqualTo("cutover");
        assertThat(md).startsWith("# " + title + "\n");
        assertThat(html).contains("<h1>" + MailTemplates.escapeHtml(title) + "</h1>");
        assertThat(md).contains("## War room\n\n| name | role | e-mail | phone |\n|---|---|---|---|\n"
                + "| Alice Martin | DBA | alice@example.org | +33 6 12 34 56 78 |\n| Dev <Ops> & Co | DevOps | devops@example.org |  |\n");
        assertThat(html).contains("<td>Alice Martin</td><td>DBA</td><td>alice@example.org</td><td>+33 6 12 34 56 78</td>")
                .contains("<td>Dev &lt;Ops&gt; &amp; Co</td>").doesNotContain("Dev <Ops>");
        if (code.equals("CUTOVER_SUCCESSFUL") || code.equals("DRY_RUN_PASSED")) {
            assertThat(md).doesNotContain("| reason |");
        } else {
            assertThat(md).contains("| reason | phase 7: dashboard-7-days took 480 ms (max 100 ms) |");
        }
        // in progress: no code, no outcome variable
        assertThat(CutoverReport.title(null)).isEqualTo("CUTOVER IN PROGRESS");
        vars.put("outcome", "ROLLED_BACK");
        assertThat(facts(null, vars, TEAM).title()).isEqualTo("CUTOVER FAILED – ROLLED BACK");
    }

    @Test
    void aSuccessfulReportShowsTheGoTheFreezeWindowRowsChecksumsFiguresAndTheChecklist() {
        ReportFacts f = facts("CUTOVER_SUCCESSFUL", successVariables(), TEAM);
        String md = ReportDocuments.markdown(f);
        String html = ReportDocuments.html(f);

        assertThat(md).contains("| decided by | bob at 2026-12-01 16:00:00.000 UTC |")
                .contains("| outcome | the application runs on PostgreSQL; MySQL is kept read-only |")
                .contains("| write-freeze window | 4.200 s, from MySQL read-only at 2026-12-01 16:00:01.250 UTC to the"
                        + " application healthy on PostgreSQL at 2026-12-01 16:00:05.450 UTC |")
                .contains("| binary log position after the freeze | binlog.000042:1337 |")
                .contains("| open write transactions ended at the freeze | 1 |")
                .contains("| final delta | 52 inserted, 3 updated, 1 deleted in 2 table(s) |")
                .contains("| rows certified (GOLD) | 10,250 rows in 2 table(s), certificate of 2026-11-30 22:00:00.000 UTC |")
                .contains("| final backups | mysql: /work/backups/mysql (12.0 MiB, sha256 aa11) <br> postgres: /work/backups/pg")
                .contains("| end-to-end checks | all passed <br> read 3 tables: ok <br> write probe: ok, no trace <br> dashboard-7-days: 42 ms ok |");
        // the final delta per table, and the rows and checksums of the certificate with it
        assertThat(md).contains("| audit_logs | 40 | 0 | 0 | 40 |").contains("| invoices | 12 | 3 | 1 | 16 |")
                .contains("## Rows and checksums\n\nGOLD certificate of 2026-11-30 22:00:00.000 UTC: 10,250 rows in 2 table(s);"
                        + " source jdbc:mysql://db.example:3306/shop (8.4.3); target jdbc:postgresql://pg.example:5432/shop (17.6).")
                .contains("| table | PostgreSQL table | rows at GOLD | checksum at GOLD | final delta (inserted / updated / deleted) | rows after the final delta |\n"
                        + "|---|---|--:|---|---|--:|\n")
                .contains("| invoices | invoices | 10,000 | a1b2c3d4 | 12 / 3 / 1 | 10,011 |")
                .contains("| tenants | tenants | 250 | e5f6a7b8 | none | 250 |")
                .contains("| audit_logs |  | not certified |  | 40 / 0 / 0 |  |");
        assertThat(html).contains("<td>invoices</td><td>invoices</td><td class=\"n\">10,000</td><td>a1b2c3d4</td><td>12 / 3 / 1</td><td class=\"n\">10,011</td>");

        // the checklist: sections in the playbook's order, ticked with who and when, or open with what is missing
        assertThat(md.indexOf("## Execution checklist")).isGreaterThan(md.indexOf("## War room"));
        assertThat(md.indexOf("## Notes")).isGreaterThan(md.indexOf("## Execution checklist"));
        List<String> headings = md.lines().filter(l -> l.startsWith("### ")).toList();
        assertThat(headings).containsExactly("### Pre-cutover", "### Cutover", "### Immediate validation", "### H+1",
                "### Post-cutover", "### PLATINUM");
        assertThat(md).contains("- [x] DBA present in the war room — by carol at 2026-12-01 15:40:00.000 UTC (Confirm the war room)\n")
                .contains("- [ ] Application owner present in the war room — still missing: the war room's confirmation"
                        + " that the application owner is present (appOwnerPresent is false)\n")
                .contains("- [x] Rollback rehearsed: its dry run passed — done\n")
                .contains("- [ ] Start e-mail sent: window, expected downtime, team, war-room link — still missing: the start e-mail\n")
                .contains("- [x] GO typed by a DBA and checked on the server (four-eyes when configured) — by bob at"
                        + " 2026-12-01 16:00:00.000 UTC (Phase 2: Set MySQL read-only)\n")
                .contains("- [x] Phase 2: MySQL read-only, long write transactions ended, the application's write refused — at"
                        + " 2026-12-01 16:00:01.250 UTC\n")
                .contains("- [x] Phase 5: reverse channel armed and self-tested, the application's connection switched to"
                        + " PostgreSQL — at 2026-12-01 16:00:03.000 UTC (Phase 5: Switch the application to PostgreSQL)\n")
                .contains("- [x] Phase 6: direct PostgreSQL connection and the application's health URL answer — at 2026-12-01 16:00:05.450 UTC\n")
                .contains("- [ ] Phase 9: MySQL kept read-only (decommissioned after the 24 h report) — still missing: MySQL kept read-only (phase 9)\n")
                .contains("- [ ] T+60: no rollback trigger hit during the first hour, slow statements reviewed — still missing:"
                        + " the surveillance run (T+60 checklist)\n")
                .contains("- [ ] PLATINUM report written (T+24h verdict) — still missing: the PLATINUM report (runbook platinumReport)\n");
        assertThat(html).contains("<h2>Execution checklist</h2>").contains("<h3>H+1</h3>")
                .contains("<li class=\"done\"><span class=\"box\">&#9745;</span> DBA present in the war room <span class=\"detail\">—"
                        + " by carol at 2026-12-01 15:40:00.000 UTC (Confirm the war room)</span></li>")
                .contains("<li class=\"open\"><span class=\"box\">&#9744;</span> T+15: error rate, latency and connections normal on"
                        + " PostgreSQL <span class=\"detail\">— still missing: the surveillance run (T+15 checklist)</span></li>");
    }

    @Test
    void theFreezeWindowIsNotReachedWithoutItsEndsAndABadValueIsSaidNotThrown() {
        Map<String, Object> vars = successVariables();
        vars.remove("appHealthyAt");
        assertThat(CutoverReport.freezeWindow(vars).seconds()).isNull();
        assertThat(ReportDocuments.markdown(facts("ROLLED_BACK", vars, TEAM))).contains("| write-freeze window | not reached: MySQL"
                + " read-only since 2026-12-01 16:00:01.250 UTC, the application was not found healthy on PostgreSQL (appHealthyAt not set) |");
        vars.remove("freezeStartedAt");
        assertThat(ReportDocuments.markdown(facts("NO_GO", vars, TEAM)))
                .contains("| write-freeze window | not reached: MySQL was not set read-only (freezeStartedAt not set) |");

        Map<String, Object> ok = successVariables();
        assertThat(CutoverReport.freezeWindow(ok).seconds()).isEqualTo(4.2);
        assertThat(CutoverReport.freezeWindow(ok).duration()).isEqualTo(Duration.ofMillis(4200));
        ok.put("appHealthyAt", java.util.Date.from(Instant.parse("2026-12-01T16:02:01.250Z")));
        assertThat(CutoverReport.freezeWindow(ok).describe()).startsWith("120.000 s (2m00s), from MySQL read-only at");

        Map<String, Object> bad = successVariables();
        bad.put("appHealthyAt", "five past four");
        bad.put("finalDeltaSummary", "12 rows");
        ReportFacts f = facts("CUTOVER_SUCCESSFUL", bad, List.of());
        String md = ReportDocuments.markdown(f);
        assertThat(md).contains("| write-freeze window | unknown: the variable appHealthyAt is 'five past four', not an ISO-8601 instant")
                .contains("- The variable finalDeltaSummary is not the JSON {\"table\": [inserted, updated, deleted]}")
                .doesNotContain("| final delta |")
                .contains("## War room\n\nNo war-room contacts are configured: set bascule.cutover.team (name, role, email, phone).\n");
        bad.put("finalDeltaSummary", "{\"invoices\": [1, 2]}");
        assertThat(ReportDocuments.markdown(facts("CUTOVER_SUCCESSFUL", bad, TEAM)))
                .contains("The variable finalDeltaSummary holds invoices: [1, 2], not [inserted, updated, deleted]");
    }

    @Test
    void noCredentialOfAUrlReachesTheFilesOrTheEmails() throws Exception {
        Map<String, Object> vars = successVariables();
        vars.put("failureReason", "the target " + URL_WITH_SECRET + " refused");
        vars.put("backupFiles", "dump of " + URL_WITH_SECRET);
        vars.put("rollbackOutcome", "ROLLED_BACK");
        vars.put("rollbackMessage", "back on jdbc:mysql://app:" + SECRET + "@db.example:3306/shop");
        vars.put("dbaPresent", false);
        List<BasculeProperties.Contact> team = List.of(new BasculeProperties.Contact("Ops bridge", "call",
                null, "https://ops:" + SECRET + "@bridge.example/room"));
        Map<String, Object> history = new HashMap<>(vars);
        ReportFacts f = CutoverReport.facts("pi-12", "ROLLED_BACK", history, certificate(), List.of(),
                CutoverChecklist.builtIn().evaluate(vars, Map.of()), team, List.of(), List.of("Target was " + URL_WITH_SECRET));
        CutoverReport report = new CutoverReport(null, dir.resolve("reports"), team, CutoverChecklist.builtIn(), CLOCK);

        List<Path> files = report.write(f);

        assertThat(files).containsExactly(dir.resolve("reports/cutover-pi-12.md"), dir.resolve("reports/cutover-pi-12.html"));
        String md = Files.readString(files.get(0));
        assertThat(md).startsWith("# CUTOVER FAILED – ROLLED BACK\n")
                .contains("| reason | the target jdbc:postgresql://***@db.example:5432/shop?password=*** refused |")
                .contains("| rollback | ROLLED_BACK: back on jdbc:mysql://***@db.example:3306/shop |")
                .contains("(dbaPresent is false)");
        Mailer mailer = mailer();
        MailDelivery d = mailer.send("cutover-success", CutoverReport.successMailValues(f, files, team,
                "https://meet:" + SECRET + "@meet.example/war-room", "MySQL", "PostgreSQL"), files);
        MailDelivery start = mailer.send("cutover-start", CutoverReport.startMailValues(cutover(team), "pi-12", "alice",
                Instant.parse("2026-12-01T15:30:00Z"), false, "MySQL", "PostgreSQL"), List.of());
        for (Path p : List.of(files.get(0), files.get(1), d.file(), start.file())) {
            assertThat(Files.readString(p, StandardCharsets.ISO_8859_1)).as(p.toString()).doesNotContain(SECRET);
        }
    }

    @Test
    void theChecklistIsDataAndItsShapeIsChecked() {
        CutoverChecklist builtIn = CutoverChecklist.builtIn();
        assertThat(builtIn.sections()).extracting(CutoverChecklist.Section::name)
                .containsExactly("Pre-cutover", "Cutover", "Immediate validation", "H+1", "Post-cutover", "PLATINUM");
        assertThat(builtIn.sections()).allSatisfy(s -> assertThat(s.items()).isNotEmpty());
        assertThat(builtIn.variables()).contains("dbaPresent", "goAt", "goBy", "freezeStartedAt", "applicationSwitched",
                "appHealthyAt", "endToEndPassed", "monitoringChecked", "surveillanceT60Passed");

        CutoverChecklist own = CutoverChecklist.parse("""
                sections:
                  - name: Before
                    items:
                      - text: Coffee made
                        done-when: coffee
                        equals: "yes please"
                      - text: Backup checked
                        done-when: backupChecked
                        by: checkedBy
                        at: checkedAt
                """, "test");
        List<CutoverChecklist.Result> r = own.evaluate(Map.of("coffee", "no", "backupChecked", "ok", "checkedBy", "dora",
                "checkedAt", "2026-12-01T10:00:00Z"), Map.of());
        assertThat(r.get(0).done()).isFalse();
        assertThat(r.get(0).detail()).isEqualTo("still missing: the variable coffee (coffee is no, not yes please)");
        assertThat(r.get(1).detail()).isEqualTo("by dora at 2026-12-01 10:00:00.000 UTC");
        assertThat(own.evaluate(Map.of("coffee", "yes please", "backupChecked", " "), Map.of()))
                .extracting(CutoverChecklist.Result::done).containsExactly(true, false);

        assertThatThrownBy(() -> CutoverChecklist.parse("sections:\n  - name: A\n    items:\n      - text: X\n        done_when: y\n", "f.yml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("the checklist f.yml: sections[0].items[0] (A) has an unknown key 'done_when'; the keys are at, by,"
                        + " done-when, equals, missing, text");
        assertThatThrownBy(() -> CutoverChecklist.parse("sections:\n  - name: A\n    items:\n      - text: X\n", "f.yml"))
                .isInstanceOf(ConfigException.class).hasMessage("the checklist f.yml: sections[0].items[0] (A) has no 'done-when'; give it one");
        assertThatThrownBy(() -> CutoverChecklist.parse("sections: [a: b", "f.yml"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("the checklist f.yml is not valid YAML");
        assertThatThrownBy(() -> CutoverChecklist.parse("items: []", "f.yml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'items'");
    }

    // ------------------------------------------------------------------------------------------------ e-mails

    static BasculeProperties.Cutover cutover(List<BasculeProperties.Contact> team) {
        return new BasculeProperties.Cutover(Duration.ofMinutes(30), Duration.ofMinutes(15), false, false,
                "Sunday 02:00-04:00 CET", "under 5 minutes <writes only>", "https://meet.example/war-room", team);
    }

    private Mailer mailer() {
        BasculeProperties.Notify notify = new BasculeProperties.Notify(List.of("ops@example.org"), List.of(), "bascule@example.org",
                "[Bascule]", null, null, null);
        return new Mailer(notify, null, null, new MailTemplates(null), dir.resolve("mail"), CLOCK);
    }

    @Test
    void theStartEmailCarriesTheWindowTheTeamTheWarRoomAndWhoStarted() throws Exception {
        Map<String, Object> values = CutoverReport.startMailValues(cutover(TEAM), "pi-11", "alice",
                Instant.parse("2026-12-01T15:30:00Z"), false, "MySQL", "PostgreSQL");
        MailTemplates.Rendered r = new MailTemplates(null).render("cutover-start", values);
        assertThat(r.missing()).as("every placeholder has a value").isEmpty();
        assertThat(r.subject()).isEqualTo("Cutover starting: MySQL to PostgreSQL");
        assertThat(r.text()).contains("Window:             Sunday 02:00-04:00 CET")
                .contains("Expected downtime:  under 5 minutes <writes only> (writes frozen")
                .contains("War room:           https://meet.example/war-room")
                .contains("Started by:         alice at 2026-12-01 15:30:00.000 UTC")
                .contains("Runbook:            pi-11 (follow it: bascule audit pi-11 (web: /audit/instance.html?id=pi-11))")
                .contains("without a GO within 30m00s").contains("bounded at 15m00s")
                .contains("Alice Martin, DBA, alice@example.org, +33 6 12 34 56 78\nDev <Ops> & Co, DevOps, devops@example.org\n")
                .contains("This is the real cutover");
        assertThat(r.html()).contains("under 5 minutes &lt;writes only&gt;").contains("Dev &lt;Ops&gt; &amp; Co")
                .doesNotContain("<writes only>").doesNotContain("Dev <Ops>").doesNotContain("${");

        // settings not made are said so, not left as placeholders
        Map<String, Object> bare = CutoverReport.startMailValues(new BasculeProperties.Cutover(Duration.ofMinutes(30),
                Duration.ofMinutes(15), false, false, null, null, null, List.of()), "pi-11", null, null, true, "MySQL", "PostgreSQL");
        assertThat(bare).containsEntry("window", "not configured (bascule.cutover.window)")
                .containsEntry("warRoomLink", "not configured (bascule.cutover.war-room-link)")
                .containsEntry("team", "no war-room contacts configured (bascule.cutover.team)")
                .containsEntry("startedBy", "an unknown user")
                .containsEntry("mode", "a DRY RUN: every phase is simulated, nothing is changed");

        MailDelivery d = mailer().send("cutover-start", values, List.of());
        assertThat(d.outcome()).isEqualTo(MailDelivery.Outcome.WRITTEN);
        assertThat(d.problem()).isNull();
        assertThat(d.file().getFileName().toString()).isEqualTo("20261201T170000Z-cutover-start.eml");
        MimeMessage m = parse(d.file());
        assertThat(m.getSubject()).isEqualTo("[Bascule] Cutover starting: MySQL to PostgreSQL");
        assertThat(text(m, "text/plain")).contains("Sunday 02:00-04:00 CET").contains("Alice Martin, DBA");
        assertThat(text(m, "text/html")).contains("Dev &lt;Ops&gt; &amp; Co");
    }

    @Test
    void theSuccessEmailCarriesTheSummaryTheFreezeWindowTheReportFilesAndTheContacts() throws Exception {
        ReportFacts f = facts("CUTOVER_SUCCESSFUL", successVariables(), TEAM);
        List<Path> files = new CutoverReport(null, dir.resolve("reports"), TEAM, CutoverChecklist.builtIn(), CLOCK).write(f);
        Map<String, Object> values = CutoverReport.successMailValues(f, files, TEAM, "https://meet.example/war-room", "MySQL", "PostgreSQL");
        assertThat(values).containsEntry("finalDelta", "52 inserted, 3 updated, 1 deleted in 2 table(s)")
                .containsEntry("goBy", "bob").containsEntry("goAt", "2026-12-01 16:00:00.000 UTC");

        MailTemplates.Rendered r = new MailTemplates(null).render("cutover-success", values);
        assertThat(r.missing()).isEmpty();
        assertThat(r.subject()).isEqualTo("CUTOVER SUCCESSFUL: the application runs on PostgreSQL");
        assertThat(r.text()).contains("Summary:            the application runs on PostgreSQL; MySQL is kept read-only")
                .contains("Write freeze:       4.200 s, from MySQL read-only at 2026-12-01 16:00:01.250 UTC")
                .contains("Rows certified:     10,250 rows in 2 table(s)")
                .contains("End-to-end checks:  all passed\nread 3 tables: ok")
                .contains("GO given by:        bob at 2026-12-01 16:00:00.000 UTC")
                .contains(files.get(0) + "\n" + files.get(1))
                .contains("War room (https://meet.example/war-room):\nAlice Martin, DBA, alice@example.org, +33 6 12 34 56 78");
        assertThat(r.html()).contains("Dev &lt;Ops&gt; &amp; Co").doesNotContain("${");

        MailDelivery d = mailer().send("cutover-success", values, files);
        assertThat(d.outcome()).isEqualTo(MailDelivery.Outcome.WRITTEN);
        assertThat(d.problem()).isNull();
        MimeMessage m = parse(d.file());
        assertThat(m.getSubject()).isEqualTo("[Bascule] CUTOVER SUCCESSFUL: the application runs on PostgreSQL");
        assertThat(attachmentNames(m)).containsExactly("cutover-pi-11.md", "cutover-pi-11.html");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static MimeMessage parse(Path eml) throws Exception {
        try (InputStream in = Files.newInputStream(eml)) {
            return new MimeMessage(Session.getInstance(new Properties()), in);
        }
    }

    /** The concatenated content of the inline parts of that type (not attachments). */
    private static String text(Part p, String type) throws Exception {
        if (p.isMimeType("multipart/*")) {
            Multipart mp = (Multipart) p.getContent();
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < mp.getCount(); i++) {
                all.append(text(mp.getBodyPart(i), type));
            }
            return all.toString();
        }
        return p.isMimeType(type) && !Part.ATTACHMENT.equalsIgnoreCase(p.getDisposition()) ? p.getContent().toString() : "";
    }

    private static List<String> attachmentNames(Part p) throws Exception {
        if (p.isMimeType("multipart/*")) {
            Multipart mp = (Multipart) p.getContent();
            List<String> names = new java.util.ArrayList<>();
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart b = mp.getBodyPart(i);
                names.addAll(attachmentNames(b));
            }
            return names;
        }
        return Part.ATTACHMENT.equalsIgnoreCase(p.getDisposition()) ? List.of(p.getFileName()) : List.of();
    }
}
