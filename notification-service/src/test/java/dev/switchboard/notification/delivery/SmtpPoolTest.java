package dev.switchboard.notification.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import java.time.Duration;
import java.util.Properties;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.MimeMessageHelper;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;

import dev.switchboard.notification.ScriptedSmtpServer;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

class SmtpPoolTest {

    private GreenMail greenMail;
    private Session session;

    @BeforeEach
    void start() {
        greenMail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        greenMail.start();
        var smtp = new Properties();
        smtp.put("mail.smtp.connectiontimeout", "5000");
        smtp.put("mail.smtp.timeout", "2000");
        smtp.put("mail.smtp.quitwait", "false");
        session = Session.getInstance(smtp);
    }

    @AfterEach
    void stop() {
        greenMail.stop();
    }

    @Test
    void mailsInARowShareOneConnection() throws Exception {
        try (var server = new ScriptedSmtpServer(ScriptedSmtpServer.Script.SILENT_AFTER_DATA);
             var pool = pool(server.port())) {
            for (int i = 0; i < 10; i++) {
                pool.send(message(i), () -> { });
            }
            assertThat(server.accepted()).isEqualTo(10);
            assertThat(server.connectionsOpened()).isEqualTo(1);
            assertThat(pool.idleConnections()).isEqualTo(1);
        }
    }

    @Test
    void mailTheServerAcceptedIsSentEvenIfItNeverAnswersQuit() throws Exception {
        try (var server = new ScriptedSmtpServer(ScriptedSmtpServer.Script.SILENT_AFTER_DATA)) {
            var pool = new SmtpPool(session, false, "127.0.0.1", server.port(), null, null, 0, Duration.ofSeconds(30), 100);
            // no connection is kept (maxIdle 0): QUIT follows the mail at once, and nobody waits for its answer
            assertDoesNotThrow(() -> pool.send(message(1), () -> { }));
            assertThat(server.accepted()).isEqualTo(1);
        }
    }

    @Test
    void aKeptConnectionTheServerDroppedIsReplacedWithoutFailingTheMail() throws Exception {
        try (var pool = pool(greenMail.getSmtp().getPort())) {
            pool.send(message(1), () -> { });
            assertThat(pool.idleConnections()).isEqualTo(1);
            int port = greenMail.getSmtp().getPort();
            greenMail.stop();
            greenMail = new GreenMail(ServerSetupTest.SMTP.withPort(port));
            greenMail.start();

            pool.send(message(2), () -> { });

            assertThat(greenMail.getReceivedMessages()).hasSize(1);
        }
    }

    @Test
    void aKeptConnectionEndingBeforeTheServerRepliedIsNotTakenForARefusal() throws Exception {
        // the server hangs up on the second MAIL FROM of a connection: Angus reports that as the command failing
        // with code -1 ("[EOF]"), which is no server's answer, so the mail goes out on a fresh connection
        try (var server = new ScriptedSmtpServer(ScriptedSmtpServer.Script.HANG_UP_AFTER_FIRST_MAIL)) {
            var pool = new SmtpPool(session, false, "127.0.0.1", server.port(), null, null, 4, Duration.ofSeconds(30), 100);
            pool.send(message(1), () -> { });
            assertThat(pool.idleConnections()).isEqualTo(1);

            assertDoesNotThrow(() -> pool.send(message(2), () -> { }));

            assertThat(server.accepted()).isEqualTo(2);
        }
    }

    @Test
    void aCommitPointThatRefusesAbortsTheMailBeforeTheServerTakesIt() throws Exception {
        try (var pool = pool(greenMail.getSmtp().getPort())) {
            assertThatThrownBy(() -> pool.send(message(1), () -> {
                throw new MessagingException("lease lost");
            })).isInstanceOf(MailSendException.class);

            assertThat(greenMail.getReceivedMessages()).isEmpty();
            assertThat(pool.idleConnections()).as("a failed connection is not kept").isZero();
            pool.send(message(2), () -> { });
            assertThat(greenMail.getReceivedMessages()).hasSize(1);
        }
    }

    @Test
    void aClosedPoolKeepsNoConnection() throws Exception {
        var pool = pool(greenMail.getSmtp().getPort());
        pool.send(message(1), () -> { });
        pool.close();
        assertThat(pool.idleConnections()).isZero();
    }

    private SmtpPool pool(int port) {
        return new SmtpPool(session, false, "127.0.0.1", port, null, null, 2, Duration.ofSeconds(30), 100);
    }

    private MimeMessage message(int n) throws MessagingException {
        var message = new MimeMessage(session);
        var helper = new MimeMessageHelper(message, "UTF-8");
        helper.setFrom("support@demo.example");
        helper.setTo("customer" + n + "@demo.example");
        helper.setSubject("s" + n);
        helper.setText("t");
        return message;
    }
}
