package io.bascule.platinum;

import io.bascule.config.BasculeProperties;
import io.bascule.notify.MailTemplates;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The e-mail platinum-report: its values from an assessment, and the built-in template filled with every one of them. */
class PlatinumMailTest {

    static final List<BasculeProperties.Contact> TEAM = List.of(new BasculeProperties.Contact("Dora", "DBA", "dora@example.org",
            "+33 1 23 45 67 89"));
    static final List<Path> FILES = List.of(Path.of("/work/reports/platinum-20261202T020000Z.md"),
            Path.of("/work/reports/platinum-20261202T020000Z.html"));

    @Test
    void aRefusedReportSaysWhatFailedWhatToDoAndWhenTheNextReportIs() {
        PlatinumAssessment a = PlatinumReportTest.assessment(2);
        Map<String, Object> v = PlatinumMail.values(a, FILES, null, TEAM, "https://meet.example.org/war-room", "pi-7");
        assertThat(v.get("title")).isEqualTo("PLATINUM REFUSED");
        assertThat(v.get("score")).isEqualTo("67 / 100 (4 of 6 criteria passed)");
        assertThat((String) v.get("criteria")).contains("❌ integrity  ", "❌ uptime  ", "✅ incidents  ")
                .contains("value of slowQueries  (threshold: threshold of slowQueries)");
        assertThat(((String) v.get("criteria")).lines()).hasSize(6);
        assertThat((String) v.get("whatToDo")).contains("integrity (GOLD-certified data intact", "  - advice for integrity",
                "  - advice for uptime").doesNotContain("advice for incidents");
        assertThat(v.get("nextReport")).isEqualTo("2026-12-03 02:00:00.000 UTC");
        assertThat((String) v.get("team")).contains("Dora", "dora@example.org");
        assertThat(v.get("auditLink")).isEqualTo("bascule audit pi-7 (web: /audit/instance.html?id=pi-7)");

        MailTemplates.Rendered mail = new MailTemplates(null).render(PlatinumMail.TEMPLATE, v);
        assertThat(mail.missing()).as("every placeholder of the template has a value").isEmpty();
        assertThat(mail.subject()).isEqualTo("PLATINUM REFUSED: score 67 / 100 (4 of 6 criteria passed)");
        assertThat(mail.text()).contains("Next report:  2026-12-03 02:00:00.000 UTC", "What to do:", "- advice for uptime",
                "/work/reports/platinum-20261202T020000Z.html", "jdbc:postgresql://db.example.org:5432/app");
        assertThat(mail.html()).contains("<pre>❌ integrity").contains("War room (https://meet.example.org/war-room)");
    }

    @Test
    void aGrantedReportAndTheLastRefusedOneAnnounceNoNextReport() {
        Map<String, Object> granted = PlatinumMail.values(PlatinumReportTest.assessment(0), FILES, null, List.of(), null, "pi-7");
        assertThat(granted.get("whatToDo")).isEqualTo("Nothing: every criterion passed.");
        assertThat((String) granted.get("nextReport")).startsWith("none: PLATINUM is granted");
        assertThat(granted.get("warRoomLink")).isEqualTo("not configured (bascule.cutover.war-room-link)");

        PlatinumAssessment refused = PlatinumReportTest.assessment(1);
        PlatinumAssessment last = new PlatinumAssessment(refused.at(), refused.target(), refused.schema(), refused.cutover(),
                refused.criteria(), refused.score(), refused.verdict(), null, refused.notes());
        Map<String, Object> v = PlatinumMail.values(last, FILES, "this was the last report of the run", List.of(), null, null);
        assertThat(v.get("nextReport")).isEqualTo("none: this was the last report of the run");
        assertThat(v.get("processInstanceId")).isEqualTo("not a runbook run");
    }
}
