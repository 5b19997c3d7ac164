package io.bascule.notify;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.bascule.config.BasculeProperties;
import io.bascule.config.ConfigException;
import io.bascule.config.ConfigFile;
import io.bascule.config.Secrets;
import io.bascule.config.SettingsResolver;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mail.javamail.JavaMailSenderImpl;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The stakeholder e-mail: a real SMTP exchange with GreenMail (subject, recipients, text and HTML parts, an escaped
 * value, an attachment), an .eml file without SMTP that parses back, a server that is down (the message kept as an
 * .eml file, nothing thrown), no credentials of a URL anywhere, and the settings' checks.
 */
class MailerTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    static final String SECRET = "hunter2-s3cr3t";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T15:30:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    static BasculeProperties.Notify settings() {
        return new BasculeProperties.Notify(List.of("ops@example.org", "Product Owner <po@example.org>"),
                List.of("cto@example.org"), "bascule@example.org", "[Bascule]", null, null, null);
    }

    static Map<String, Object> values() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("sourceName", "MySQL");
        v.put("targetName", "PostgreSQL");
        v.put("reason", "checks <failed> & \"invoices\" missing; target jdbc:postgresql://app:" + SECRET
                + "@db.example:5432/shop?password=" + SECRET);
        v.put("decidedBy", "alice");
        v.put("decidedAt", "2026-12-01T15:29:00Z");
        v.put("processInstanceId", "pi-42");
        v.put("auditLink", "bascule audit pi-42");
        v.put("timeToSource", "3.2 s");
        v.put("changesCarriedBack", "12 inserts, 3 updates, 1 delete in 2 tables");
        v.put("outcome", "application on MySQL, MySQL writable");
        v.put("reportFiles", "/work/reports/incident.md");
        v.put("team", "Dana (DBA), dana@example.org");
        return v;
    }

    private Path attachment() throws IOException {
        return Files.writeString(dir.resolve("incident-pi-42.md"), "# Incident report\n");
    }

    private static JavaMailSenderImpl smtp(int port) {
        JavaMailSenderImpl impl = new JavaMailSenderImpl();
        impl.setHost("127.0.0.1");
        impl.setPort(port);
        Notifications.prepare(impl, settings(), new Secrets(k -> null));
        return impl;
    }

    @Test
    void aRealSmtpMessageHasSubjectRecipientsBothPartsAndEscapedValues() throws Exception {
        int port = greenMail.getSmtp().getPort();
        Mailer mailer = new Mailer(settings(), smtp(port), "127.0.0.1:" + port, new MailTemplates(null), dir.resolve("mail"), CLOCK);

        MailDelivery d = mailer.send("rollback-incident", values(), List.of(attachment()));

        assertThat(d.outcome()).isEqualTo(MailDelivery.Outcome.SENT);
        assertThat(d.file()).isNull();
        assertThat(d.problem()).isNull();
        assertThat(dir.resolve("mail")).doesNotExist();
        MimeMessage[] received = greenMail.getReceivedMessages();
        assertThat(received).hasSize(3); // one per envelope recipient: 2 To, 1 Cc
        MimeMessage m = received[0];
        assertThat(m.getSubject()).isEqualTo("[Bascule] Rollback done: the application is back on MySQL");
        assertThat(addresses(m, Message.RecipientType.TO)).containsExactly("ops@example.org", "po@example.org");
        assertThat(addresses(m, Message.RecipientType.CC)).containsExactly("cto@example.org");
        assertThat(m.getFrom()[0].toString()).isEqualTo("bascule@example.org");
        checkParts(m);
    }

    @Test
    void withoutSmtpTheMessageIsAnEmlFileThatParsesBack() throws Exception {
        Mailer mailer = new Mailer(settings(), null, null, new MailTemplates(null), dir.resolve("mail"), CLOCK);
        assertThat(mailer.describe()).contains("no SMTP server configured").contains(dir.resolve("mail").toString());

        MailDelivery d = mailer.send("rollback-incident", values(), List.of(attachment()));

        assertThat(d.outcome()).isEqualTo(MailDelivery.Outcome.WRITTEN);
        assertThat(d.file()).exists().hasParent(dir.resolve("mail"));
        assertThat(d.file().getFileName().toString()).isEqualTo("20261201T153000Z-rollback-incident.eml");
        assertThat(d.summary()).contains("written to " + d.file());
        MimeMessage m = parse(d.file());
        assertThat(m.getSubject()).isEqualTo("[Bascule] Rollback done: the application is back on MySQL");
        assertThat(addresses(m, Message.RecipientType.TO)).containsExactly("ops@example.org", "po@example.org");
        assertThat(addresses(m, Message.RecipientType.CC)).containsExactly("cto@example.org");
        checkParts(m);
        assertThat(Files.readString(d.file(), StandardCharsets.ISO_8859_1)).doesNotContain(SECRET);

        // a second message of the same second gets its own file
        MailDelivery second = mailer.send("rollback-incident", values(), List.of());
        assertThat(second.file()).isNotEqualTo(d.file()).exists();
        assertThat(second.file().getFileName().toString()).isEqualTo("20261201T153000Z-rollback-incident-2.eml");
    }

    @Test
    void aServerThatIsDownKeepsTheMessageAsAnEmlFileAndThrowsNothing() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Mailer mailer = new Mailer(settings(), smtp(closed), "127.0.0.1:" + closed, new MailTemplates(null), dir.resolve("mail"), CLOCK);

        MailDelivery d = mailer.send("rollback-incident", values(), List.of(attachment()));

        assertThat(d.outcome()).isEqualTo(MailDelivery.Outcome.KEPT_UNSENT);
        assertThat(d.sent()).isFalse();
        assertThat(d.problem()).contains("sending through 127.0.0.1:" + closed + " failed");
        assertThat(d.summary()).contains("NOT sent").contains("send it by hand").contains(d.file().toString());
        assertThat(d.file().getFileName().toString()).endsWith("-rollback-incident-unsent.eml");
        MimeMessage m = parse(d.file());
        assertThat(m.getSubject()).isEqualTo("[Bascule] Rollback done: the application is back on MySQL");
        checkParts(m);
    }

    @Test
    void noRecipientsIsNotSentButKept() throws Exception {
        int port = greenMail.getSmtp().getPort();
        BasculeProperties.Notify none = new BasculeProperties.Notify(List.of(), List.of(), "bascule@example.org", "[X]", null, null, null);
        Mailer mailer = new Mailer(none, smtp(port), "127.0.0.1:" + port, new MailTemplates(null), dir.resolve("mail"), CLOCK);
        assertThat(mailer.warnings()).singleElement().asString().contains("bascule.notify.to");

        MailDelivery d = mailer.send("rollback-incident", values(), List.of());

        assertThat(d.outcome()).isEqualTo(MailDelivery.Outcome.KEPT_UNSENT);
        assertThat(d.problem()).contains("no recipients configured (bascule.notify.to)");
        assertThat(greenMail.getReceivedMessages()).isEmpty();
        assertThat(parse(d.file()).getSubject()).startsWith("[X] Rollback done");
    }

    @Test
    void aMissingTemplateStillSendsEveryValueAndAMissingValueStaysVisible() throws Exception {
        Path templates = Files.createDirectories(dir.resolve("templates"));
        Files.writeString(templates.resolve("short.txt"), "Subject: About ${sourceName}\n\nBack on ${sourceName}, ticket ${ticket}.\n");
        Mailer mailer = new Mailer(settings(), null, null, new MailTemplates(templates), dir.resolve("mail"), CLOCK);

        MailDelivery own = mailer.send("short", values(), List.of());
        assertThat(own.problem()).isEqualTo("no value for ticket");
        MimeMessage m = parse(own.file());
        assertThat(m.getSubject()).isEqualTo("[Bascule] About MySQL");
        assertThat(text(m, "text/plain")).contains("Back on MySQL, ticket ${ticket}.");
        assertThat(text(m, "text/html")).isEmpty();

        MailDelivery none = mailer.send("no-such-template", values(), List.of());
        assertThat(none.outcome()).isEqualTo(MailDelivery.Outcome.WRITTEN);
        assertThat(none.problem()).contains("template 'no-such-template' not usable").contains("no-such-template.txt not found");
        String body = text(parse(none.file()), "text/plain");
        assertThat(body).contains("decidedBy: alice").contains("timeToSource: 3.2 s").doesNotContain(SECRET);
    }

    @Test
    void settingsRefuseABadAddressAndAnSmtpPasswordInTheConfigFile() throws IOException {
        assertThatThrownBy(() -> SettingsResolver.bind(Map.of("bascule.notify.to[0]", "ops@example.org",
                "bascule.notify.to[1]", "not an address"), null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'not an address' is not an e-mail address");
        BasculeProperties p = SettingsResolver.bind(Map.of("bascule.notify.to[0]", "Ops <ops@example.org>",
                "bascule.notify.from", "bascule@example.org", "bascule.notify.password-env", "MY_SMTP_PW"), null);
        assertThat(p.notifications().to()).containsExactly("Ops <ops@example.org>");
        assertThat(p.notifications().subjectPrefix()).isEqualTo("[Bascule]");
        assertThat(SettingsResolver.bind(Map.of(), null).notifications().to()).isEmpty();

        Path config = Files.writeString(dir.resolve("c.yml"), "spring:\n  mail:\n    host: smtp.example.org\n    password: " + SECRET + "\n");
        assertThatThrownBy(() -> ConfigFile.load(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'spring.mail.password' holds a password").hasMessageContaining("bascule.notify.password-env")
                .hasMessageNotContaining(SECRET);

        Path example = Path.of("config/akig.example.yml");
        BasculeProperties sample = SettingsResolver.bind(ConfigFile.load(example), example);
        assertThat(sample.notifications().to()).hasSize(2).allMatch(a -> a.contains("@example.org"));
        assertThat(sample.notifications().subjectPrefix()).isEqualTo("[AKIG migration]");
    }

    @Test
    void theSmtpPasswordComesFromTheEnvironmentOrASecretFileAndTimeoutsAreSet() throws IOException {
        JavaMailSenderImpl impl = new JavaMailSenderImpl();
        impl.setHost("smtp.example.org");
        impl.setUsername("bascule");
        Notifications.prepare(impl, settings(), new Secrets(k -> k.equals(Notifications.DEFAULT_PASSWORD_ENV) ? "pw-env" : null));
        assertThat(impl.getPassword()).isEqualTo("pw-env");
        assertThat(impl.getJavaMailProperties()).containsEntry("mail.smtp.connectiontimeout", "10000")
                .containsEntry("mail.smtp.timeout", "10000").containsEntry("mail.smtp.writetimeout", "10000");

        Path file = Files.writeString(dir.resolve("smtp-password"), "pw-file\n");
        JavaMailSenderImpl fromFile = new JavaMailSenderImpl();
        fromFile.setUsername("bascule");
        fromFile.getJavaMailProperties().put("mail.smtp.timeout", "2000");
        Notifications.prepare(fromFile, new BasculeProperties.Notify(List.of(), List.of(), null, null, null, "UNSET_VAR", file),
                new Secrets(k -> null));
        assertThat(fromFile.getPassword()).isEqualTo("pw-file");
        assertThat(fromFile.getJavaMailProperties()).containsEntry("mail.smtp.timeout", "2000");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** Text and HTML parts as expected, the value escaped in HTML, the attachment there, no password anywhere. */
    private static void checkParts(MimeMessage m) throws Exception {
        String plain = text(m, "text/plain");
        String html = text(m, "text/html");
        assertThat(plain).contains("Reason:       checks <failed> & \"invoices\" missing")
                .contains("Decided by:   alice at 2026-12-01T15:29:00Z").contains("12 inserts, 3 updates, 1 delete in 2 tables")
                .contains("jdbc:postgresql://***@db.example:5432/shop?password=***").doesNotContain(SECRET).doesNotContain("${");
        assertThat(html).contains("checks &lt;failed&gt; &amp; &quot;invoices&quot; missing").doesNotContain("<failed>")
                .contains("<h2>Rollback done: the application is back on MySQL</h2>").doesNotContain(SECRET).doesNotContain("${");
        assertThat(attachmentNames(m)).containsExactly("incident-pi-42.md");
        try (var out = new java.io.ByteArrayOutputStream()) {
            m.writeTo(out);
            assertThat(out.toString(StandardCharsets.ISO_8859_1)).doesNotContain(SECRET);
        }
    }

    private static MimeMessage parse(Path eml) throws Exception {
        try (InputStream in = Files.newInputStream(eml)) {
            return new MimeMessage(Session.getInstance(new Properties()), in);
        }
    }

    private static List<String> addresses(MimeMessage m, Message.RecipientType type) throws Exception {
        return Arrays.stream(m.getRecipients(type)).map(a -> ((jakarta.mail.internet.InternetAddress) a).getAddress()).toList();
    }

    /** The concatenated content of the inline parts of that type (not attachments). */
    static String text(Part p, String type) throws Exception {
        if (p.isMimeType("multipart/*")) {
            Multipart mp = (Multipart) p.getContent();
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < mp.getCount(); i++) {
                all.append(text(mp.getBodyPart(i), type));
            }
            return all.toString();
        }
        if (p.isMimeType(type) && !Part.ATTACHMENT.equalsIgnoreCase(p.getDisposition())) {
            return p.getContent().toString();
        }
        return "";
    }

    private static List<String> attachmentNames(Part p) throws Exception {
        List<String> names = new ArrayList<>();
        if (p.isMimeType("multipart/*")) {
            Multipart mp = (Multipart) p.getContent();
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart b = mp.getBodyPart(i);
                names.addAll(attachmentNames(b));
            }
        } else if (Part.ATTACHMENT.equalsIgnoreCase(p.getDisposition())) {
            names.add(p.getFileName());
        }
        return names;
    }
}
