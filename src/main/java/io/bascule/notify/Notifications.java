package io.bascule.notify;

import io.bascule.config.BasculeProperties;
import io.bascule.config.Secrets;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.stereotype.Component;

import java.util.Properties;

/**
 * Builds the {@link Mailer} of the configuration: Spring Boot's {@link JavaMailSender} when {@code spring.mail.host}
 * is set (its password from {@code bascule.notify.password-env}, default {@code BASCULE_SMTP_PASSWORD}, or
 * {@code password-file}; {@code SPRING_MAIL_PASSWORD} in the environment works too), otherwise none: the messages
 * are then written to {@code <work-dir>/mail/}.
 */
@Component
public class Notifications {

    /** Read by the SMTP password lookup when {@code bascule.notify.password-env} is not set. */
    public static final String DEFAULT_PASSWORD_ENV = "BASCULE_SMTP_PASSWORD";
    /** JavaMail waits forever by default: a server that does not answer must not hold a rollback. */
    static final String TIMEOUT_MS = "10000";

    private final BasculeProperties properties;
    private final Secrets secrets;
    private final ObjectProvider<JavaMailSender> smtp;

    public Notifications(BasculeProperties properties, Secrets secrets, ObjectProvider<JavaMailSender> smtp) {
        this.properties = properties;
        this.secrets = secrets;
        this.smtp = smtp;
    }

    public Mailer mailer() {
        BasculeProperties.Notify notify = properties.notifications();
        JavaMailSender sender = smtp.getIfAvailable();
        String name = null;
        if (sender instanceof JavaMailSenderImpl impl) {
            prepare(impl, notify, secrets);
            name = impl.getHost() + (impl.getPort() > 0 ? ":" + impl.getPort() : "");
        }
        return new Mailer(notify, sender, name, properties.workDir().toAbsolutePath().resolve("mail"));
    }

    /** Sets the password from the environment or the secret file when the server asks a login, and the timeouts. */
    static void prepare(JavaMailSenderImpl impl, BasculeProperties.Notify notify, Secrets secrets) {
        if (impl.getUsername() != null && impl.getPassword() == null) {
            String env = notify.passwordEnv() != null ? notify.passwordEnv() : DEFAULT_PASSWORD_ENV;
            impl.setPassword(secrets.optional(env, notify.passwordFile(), "the SMTP server (spring.mail.username "
                    + impl.getUsername() + ")"));
        }
        Properties p = impl.getJavaMailProperties();
        for (String key : new String[]{"mail.smtp.connectiontimeout", "mail.smtp.timeout", "mail.smtp.writetimeout"}) {
            p.putIfAbsent(key, TIMEOUT_MS);
        }
    }
}
