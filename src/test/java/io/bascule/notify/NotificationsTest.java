package io.bascule.notify;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.bascule.config.BasculeProperties;
import io.bascule.config.Secrets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.mail.MailSenderAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Spring wiring: {@code spring.mail.host} set → Spring Boot's sender, SMTP; not set → .eml files in the work dir. */
class NotificationsTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    @Configuration
    @EnableConfigurationProperties(BasculeProperties.class)
    @Import(Notifications.class)
    static class App {
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(MailSenderAutoConfiguration.class))
                .withUserConfiguration(App.class)
                .withBean(Secrets.class, () -> new Secrets(k -> null))
                .withPropertyValues("bascule.work-dir=" + dir, "bascule.notify.to[0]=ops@example.org",
                        "bascule.notify.from=bascule@example.org", "bascule.notify.subject-prefix=[Test]");
    }

    @Test
    void withSpringMailHostTheMessageGoesThroughSmtp() {
        runner().withPropertyValues("spring.mail.host=127.0.0.1", "spring.mail.port=" + greenMail.getSmtp().getPort())
                .run(ctx -> {
                    Mailer mailer = ctx.getBean(Notifications.class).mailer();
                    assertThat(mailer.smtpConfigured()).isTrue();
                    assertThat(mailer.describe()).isEqualTo("e-mail: through 127.0.0.1:" + greenMail.getSmtp().getPort()
                            + " to 1 recipient(s)");
                    MailDelivery d = mailer.send("rollback-incident", Map.of("sourceName", "MySQL"), List.of());
                    assertThat(d.outcome()).isEqualTo(MailDelivery.Outcome.SENT);
                    assertThat(greenMail.getReceivedMessages()).singleElement()
                            .satisfies(m -> assertThat(m.getSubject()).isEqualTo("[Test] Rollback done: the application is back on MySQL"));
                });
    }

    @Test
    void withoutSpringMailHostTheMessageIsWrittenInTheWorkDirectory() {
        runner().run(ctx -> {
            Mailer mailer = ctx.getBean(Notifications.class).mailer();
            assertThat(mailer.smtpConfigured()).isFalse();
            assertThat(mailer.mailDir()).isEqualTo(dir.toAbsolutePath().resolve("mail"));
            MailDelivery d = mailer.send("rollback-incident", Map.of("sourceName", "MySQL"), List.of());
            assertThat(d.outcome()).isEqualTo(MailDelivery.Outcome.WRITTEN);
            assertThat(d.file()).exists().hasParent(dir.toAbsolutePath().resolve("mail"));
            assertThat(greenMail.getReceivedMessages()).isEmpty();
        });
    }
}
