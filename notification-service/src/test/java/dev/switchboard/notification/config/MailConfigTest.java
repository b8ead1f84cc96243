package dev.switchboard.notification.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.mail.javamail.MimeMessageHelper;

import dev.switchboard.notification.ScriptedSmtpServer;

class MailConfigTest {

    @Test
    void mailTheServerAcceptedIsSentEvenIfItNeverAnswersQuit() throws Exception {
        try (var server = new ScriptedSmtpServer(ScriptedSmtpServer.Script.SILENT_AFTER_DATA)) {
            JavaMailSenderImpl relay = new MailConfig().platformRelay(properties(server.port()));
            var message = relay.createMimeMessage();
            var helper = new MimeMessageHelper(message, "UTF-8");
            helper.setFrom("support@demo.example");
            helper.setTo("customer@demo.example");
            helper.setSubject("s");
            helper.setText("t");

            // waiting for the QUIT reply would fail the send after the read timeout, and the retry mail it again
            assertDoesNotThrow(() -> relay.send(message));
            assertThat(server.accepted()).isEqualTo(1);
        }
    }

    private static NotificationProperties properties(int port) {
        return new NotificationProperties(
                new NotificationProperties.Relay("127.0.0.1", port, null, null, false, Duration.ofSeconds(2),
                        Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(60)),
                "Switchboard", "no-reply@switchboard.local", "switchboard.local", "keyset",
                new NotificationProperties.Attachments("http://127.0.0.1:8083",
                        org.springframework.util.unit.DataSize.ofMegabytes(10), Duration.ofSeconds(10),
                        Duration.ofSeconds(30)),
                new NotificationProperties.Sending(0, Duration.ofSeconds(90)));
    }
}
