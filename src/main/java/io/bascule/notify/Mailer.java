package io.bascule.notify;

import io.bascule.config.BasculeProperties;
import io.bascule.database.JdbcUrls;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.FileSystemResource;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Sends the runbook's e-mails to the configured stakeholders ({@code bascule.notify.*}): through SMTP when a server
 * is configured ({@code spring.mail.host}, Spring's {@link JavaMailSender}), otherwise written as RFC 822
 * {@code .eml} files in the mail folder ({@code <work-dir>/mail/}). A send that fails (server down, refused, no
 * sender) writes the message to that folder instead and says so: {@link #send} never throws and never loses a
 * message, so a rollback is never stopped by its e-mail. Values are shown with the URLs in them redacted.
 */
public final class Mailer {

    private static final Logger log = LoggerFactory.getLogger(Mailer.class);
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final BasculeProperties.Notify settings;
    private final JavaMailSender smtp;
    private final String smtpName;
    private final MailTemplates templates;
    private final Path mailDir;
    private final Clock clock;

    /**
     * @param smtp     the SMTP sender, or null when no server is configured (messages are then written as files)
     * @param smtpName the server as shown in messages ({@code host:port}), no credentials
     * @param mailDir  where {@code .eml} files go ({@code <work-dir>/mail})
     */
    public Mailer(BasculeProperties.Notify settings, JavaMailSender smtp, String smtpName, MailTemplates templates,
                  Path mailDir, Clock clock) {
        this.settings = settings;
        this.smtp = smtp;
        this.smtpName = smtpName == null ? "the SMTP server" : smtpName;
        this.templates = templates;
        this.mailDir = mailDir;
        this.clock = clock;
    }

    public Mailer(BasculeProperties.Notify settings, JavaMailSender smtp, String smtpName, Path mailDir) {
        this(settings, smtp, smtpName, new MailTemplates(settings.templatesDir()), mailDir, Clock.systemUTC());
    }

    public Path mailDir() {
        return mailDir;
    }

    public boolean smtpConfigured() {
        return smtp != null;
    }

    /** One line for a pre-flight or a dry run: where messages go. */
    public String describe() {
        String to = settings.to().isEmpty() ? "no recipients (bascule.notify.to)" : recipients().size() + " recipient(s)";
        return smtp == null ? "e-mail: no SMTP server configured (spring.mail.host); messages to " + to
                + " are written to " + mailDir : "e-mail: through " + smtpName + " to " + to;
    }

    /** What would keep a message from being delivered, before any is sent (empty when nothing). */
    public List<String> warnings() {
        List<String> w = new ArrayList<>();
        if (settings.to().isEmpty()) {
            w.add("no e-mail recipients: set bascule.notify.to (the messages are still written to " + mailDir + ")");
        }
        if (smtp != null && settings.from() == null) {
            w.add("no e-mail sender: set bascule.notify.from (most SMTP servers refuse a message without one)");
        }
        return w;
    }

    /**
     * Renders the template {@code name} with {@code values} and sends it to the stakeholders, with the files in
     * {@code attachments}. Never throws: the returned delivery says whether it was sent or where it was kept.
     */
    public MailDelivery send(String template, Map<String, ?> values, List<Path> attachments) {
        if (values == null) {
            values = Map.of();
        }
        List<String> recipients = recipients();
        String subject = settings.subjectPrefix() == null ? template : prefixed(template);
        List<String> notes = new ArrayList<>();
        MimeMessage message;
        try {
            MailTemplates.Rendered r;
            try {
                r = templates.render(template, values);
                if (!r.missing().isEmpty()) {
                    notes.add("no value for " + String.join(", ", r.missing()));
                }
            } catch (RuntimeException e) {
                // the message still goes out, with every value, rather than not at all
                notes.add("template '" + template + "' not usable: " + e.getMessage());
                r = fallback(template, values, e.getMessage());
            }
            subject = prefixed(r.subject());
            message = build(subject, r, attachments == null ? List.of() : attachments, notes);
        } catch (MessagingException | RuntimeException e) {
            return failed(subject, recipients, "the message could not be built: " + JdbcUrls.redactUrlsIn(String.valueOf(e.getMessage())), values);
        }
        String note = notes.isEmpty() ? null : String.join("; ", notes);
        if (smtp == null) {
            return write(message, subject, recipients, template, false, note, values);
        }
        String refusal = recipients.isEmpty() ? "no recipients configured (bascule.notify.to)" : null;
        if (refusal == null) {
            try {
                smtp.send(message);
                MailDelivery d = new MailDelivery(MailDelivery.Outcome.SENT, subject, recipients, null, note);
                log.info(d.summary());
                return d;
            } catch (RuntimeException e) {
                refusal = "sending through " + smtpName + " failed: " + reason(e);
            }
        }
        return write(message, subject, recipients, template, true, refusal + (note == null ? "" : "; " + note), values);
    }

    private MimeMessage build(String subject, MailTemplates.Rendered r, List<Path> attachments, List<String> notes)
            throws MessagingException {
        MimeMessage message = smtp != null ? smtp.createMimeMessage() : new MimeMessage(Session.getInstance(new Properties()));
        List<Path> present = new ArrayList<>();
        for (Path a : attachments) {
            if (Files.isRegularFile(a)) {
                present.add(a);
            } else {
                notes.add("attachment " + a + " not found");
            }
        }
        boolean multipart = r.html() != null || !present.isEmpty();
        MimeMessageHelper helper = new MimeMessageHelper(message, multipart, "UTF-8");
        if (settings.from() != null) {
            helper.setFrom(new InternetAddress(settings.from(), true));
        }
        for (String to : settings.to()) {
            helper.addTo(new InternetAddress(to, true));
        }
        for (String cc : settings.cc()) {
            helper.addCc(new InternetAddress(cc, true));
        }
        helper.setSubject(subject);
        helper.setSentDate(Date.from(clock.instant()));
        if (r.html() != null) {
            helper.setText(r.text(), r.html());
        } else {
            helper.setText(r.text());
        }
        for (Path a : present) {
            helper.addAttachment(a.getFileName().toString(), new FileSystemResource(a));
        }
        return message;
    }

    private MailDelivery write(MimeMessage message, String subject, List<String> recipients, String template,
                               boolean unsent, String problem, Map<String, ?> values) {
        try {
            Files.createDirectories(mailDir);
            message.saveChanges();
            String base = FILE_TIME.format(clock.instant()) + "-" + template.replaceAll("[^A-Za-z0-9._-]", "_")
                    + (unsent ? "-unsent" : "");
            for (int n = 1; ; n++) {
                Path file = mailDir.resolve(base + (n == 1 ? "" : "-" + n) + ".eml");
                try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    message.writeTo(out);
                } catch (FileAlreadyExistsException e) {
                    continue;
                }
                MailDelivery d = new MailDelivery(unsent ? MailDelivery.Outcome.KEPT_UNSENT : MailDelivery.Outcome.WRITTEN,
                        subject, recipients, file, problem);
                if (unsent) {
                    log.warn(d.summary());
                } else {
                    log.info(d.summary());
                }
                return d;
            }
        } catch (IOException | MessagingException | RuntimeException e) {
            String why = (problem == null ? "" : problem + "; ") + "writing it to " + mailDir + " failed: " + reason(e);
            return failed(subject, recipients, why, values);
        }
    }

    private MailDelivery failed(String subject, List<String> recipients, String problem, Map<String, ?> values) {
        MailDelivery d = new MailDelivery(MailDelivery.Outcome.FAILED, subject, recipients, null, problem);
        StringBuilder text = new StringBuilder(d.summary());
        new TreeMap<String, Object>(values).forEach((k, v) -> text.append("\n  ").append(k).append(": ")
                .append(JdbcUrls.redactUrlsIn(String.valueOf(v))));
        log.error(text.toString());
        return d;
    }

    private static MailTemplates.Rendered fallback(String template, Map<String, ?> values, String why) {
        StringBuilder text = new StringBuilder("The e-mail template '" + template + "' could not be used (" + why
                + "). The message's values:\n\n");
        new TreeMap<String, Object>(values).forEach((k, v) -> text.append(k).append(": ")
                .append(JdbcUrls.redactUrlsIn(String.valueOf(v))).append('\n'));
        return new MailTemplates.Rendered(template, text.toString(), null, List.of());
    }

    private String prefixed(String subject) {
        String prefix = settings.subjectPrefix();
        return prefix == null || prefix.isBlank() ? subject : prefix.strip() + " " + subject;
    }

    private List<String> recipients() {
        List<String> all = new ArrayList<>(settings.to());
        all.addAll(settings.cc());
        return all;
    }

    private static String reason(Throwable e) {
        Throwable root = e;
        StringBuilder why = new StringBuilder(e.getClass().getSimpleName());
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        why.append(": ").append(m.replaceAll("\\s+", " ").strip());
        return JdbcUrls.redactUrlsIn(why.toString());
    }
}
