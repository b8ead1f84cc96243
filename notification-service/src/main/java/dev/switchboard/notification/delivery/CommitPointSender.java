package dev.switchboard.notification.delivery;

import java.io.IOException;
import java.util.Date;
import java.util.Map;

import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.springframework.mail.MailAuthenticationException;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSenderImpl;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import jakarta.mail.internet.MimeMessage;

/**
 * Sends through the relay's settings like {@link JavaMailSenderImpl#send}, but calls back at SMTP's commit point:
 * after the message body went out and just before the final {@code .} that asks the server to take it. Once the
 * server answers that, the mail is the server's; whoever records the callback knows a crash from here on may
 * have left a delivered mail behind, and must not send it again. A callback that throws aborts the transaction
 * (the connection closes without the {@code .}, and the server discards the message).
 */
final class CommitPointSender {

    /** Called on the sending thread at the commit point. */
    @FunctionalInterface
    interface CommitPoint {
        void reached() throws MessagingException;
    }

    private final JavaMailSenderImpl relay;

    CommitPointSender(JavaMailSenderImpl relay) {
        this.relay = relay;
    }

    /** Sends one message; failures as {@link JavaMailSenderImpl} reports them (Spring's mail exceptions). */
    void send(MimeMessage message, CommitPoint commit) {
        String protocol = relay.getProtocol() == null ? "smtp" : relay.getProtocol();
        var transport = new CommitPointTransport(relay.getSession(), protocol, commit);
        try {
            transport.connect(relay.getHost(), relay.getPort(), relay.getUsername(), relay.getPassword());
        } catch (AuthenticationFailedException e) {
            throw new MailAuthenticationException(e);
        } catch (MessagingException e) {
            throw new MailSendException("Mail server connection failed", e);
        }
        try {
            if (message.getSentDate() == null) {
                message.setSentDate(new Date());
            }
            message.saveChanges();
            transport.sendMessage(message, message.getAllRecipients());
        } catch (MessagingException e) {
            throw new MailSendException(Map.of(message, e));
        } finally {
            try {
                transport.close();
            } catch (MessagingException e) {
                // the mail's fate was decided before; a failed QUIT changes nothing
            }
        }
    }

    private static final class CommitPointTransport extends SMTPTransport {

        private final CommitPoint commit;

        CommitPointTransport(Session session, String protocol, CommitPoint commit) {
            super(session, new URLName(protocol, null, -1, null, null, null), protocol, "smtps".equals(protocol));
            this.commit = commit;
        }

        @Override
        protected void finishData() throws IOException, MessagingException {
            commit.reached();
            super.finishData();
        }
    }
}
