package dev.switchboard.notification.transport;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Properties;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import dev.switchboard.notification.config.NotificationProperties;
import dev.switchboard.notification.transport.EmailSettingsBodies.Accepted;
import dev.switchboard.notification.transport.EmailSettingsBodies.Authenticated;
import dev.switchboard.notification.transport.EmailSettingsBodies.Connected;
import dev.switchboard.notification.transport.EmailSettingsBodies.Failed;
import dev.switchboard.notification.transport.EmailSettingsBodies.TestReport;
import dev.switchboard.notification.transport.EmailSettingsBodies.TlsReport;
import dev.switchboard.platform.net.ConnectionDeadline;
import dev.switchboard.platform.net.MailHostGuard;
import dev.switchboard.platform.net.PinnedSockets;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import reactor.core.scheduler.Schedulers;

/**
 * Sends one test mail through a tenant's SMTP settings and reports each step of the conversation: connected
 * (greeting), TLS (protocol, cipher, whether the certificate is valid), authenticated, accepted; or the step
 * that failed with the server's reply. The host is checked by the platform's {@link MailHostGuard} first and
 * the connection pinned to the checked address; connect and read timeouts bound each step, the test deadline
 * the whole conversation. A password crosses the network in clear only to an allowed loopback server (the
 * local stack's GreenMail); everywhere else STARTTLS is required before a login. No reply or reason ever
 * contains the password.
 */
@Component
class SmtpProbe {

    static final String SUBJECT = "Switchboard: test of your SMTP settings";
    /** The most of a server reply a report repeats. */
    static final int MAX_REPLY = 500;

    private final MailHostGuard guard;
    private final NotificationProperties.Transports properties;
    private final X509ExtendedTrustManager trusted;

    @Autowired
    SmtpProbe(MailHostGuard guard, NotificationProperties.Transports properties) {
        this(guard, properties, RecordingTrust.jvmDefault());
    }

    /** @param trusted what decides whether a certificate is valid (the JVM's authorities outside tests) */
    SmtpProbe(MailHostGuard guard, NotificationProperties.Transports properties, X509ExtendedTrustManager trusted) {
        this.guard = guard;
        this.properties = properties;
        this.trusted = trusted;
    }

    /** Which step a conversation is in, so a failure names it. */
    enum Step {
        CONNECT("connect"), TLS("tls"), AUTHENTICATE("authenticate"), SEND("send");

        final String wire;

        Step(String wire) {
            this.wire = wire;
        }
    }

    /**
     * One SMTP conversation. Blocking DNS and network I/O: callers run it on a bounded scheduler, never on an
     * event loop.
     */
    TestReport probe(SmtpTransportSettings settings, String to) {
        InetAddress address;
        try {
            address = guard.check(settings.host());
        } catch (MailHostGuard.RefusedHostException e) {
            return failure(null, null, null, new Failed(Step.CONNECT.wire, null, null, "host refused: " + e.getMessage()));
        } catch (UnknownHostException e) {
            return failure(null, null, null, new Failed(Step.CONNECT.wire, null, null,
                    "unknown host: " + settings.host() + " does not resolve"));
        }
        var trust = new RecordingTrust(trusted, settings.rejectUnauthorized());
        var tls = new RecordingTlsSockets(trust);
        String protocol = settings.secure() ? "smtps" : "smtp";
        try (var deadline = new ConnectionDeadline(properties.testDeadline(), Schedulers.parallel())) {
            Session session = Session.getInstance(sessionProperties(settings, protocol, address, deadline, tls));
            var transport = new ProbingTransport(session, protocol, settings);
            Connected connected = null;
            TlsReport tlsReport = null;
            Authenticated authenticated = null;
            try {
                transport.connect(settings.host(), settings.port(), settings.user(), settings.password());
                connected = connected(settings, address, transport);
                tlsReport = tlsReport(settings, transport, trust, tls);
                if (settings.authenticates()) {
                    if (!transport.supportsExtension("AUTH") && !transport.supportsExtension("AUTH=LOGIN")) {
                        return failure(connected, tlsReport, null, new Failed(Step.AUTHENTICATE.wire, null, null,
                                "the server offers no login (AUTH), so the user and password cannot be used"));
                    }
                    authenticated = new Authenticated(settings.user(), reply(transport.getLastServerResponse(), settings));
                }
                transport.step = Step.SEND;
                MimeMessage message = testMail(session, settings, to);
                transport.sendMessage(message, message.getAllRecipients());
                var accepted = new Accepted(to, reply(transport.getLastServerResponse(), settings));
                return new TestReport("OK", "The test mail to " + to + " was accepted by " + settings.host() + ":"
                        + settings.port(), connected, tlsReport, authenticated, accepted, null);
            } catch (MessagingException e) {
                if (connected == null && transport.greeting != null) {
                    connected = connected(settings, address, transport);
                }
                if (tlsReport == null) {
                    tlsReport = tlsSoFar(settings, transport, trust, tls);
                }
                return failure(connected, tlsReport, authenticated, failed(e, transport, deadline, trust, settings));
            } finally {
                closeQuietly(transport);
            }
        }
    }

    /**
     * The mail client's settings: short timeouts, sockets pinned to the checked address and closed at the
     * deadline, TLS through {@code tls} (which decides on the certificate, including its host name, through
     * the endpoint identification Angus asks for). Without implicit TLS, STARTTLS is used whenever offered;
     * it is required before a login unless the server is a loopback server the operator allowed.
     */
    Properties sessionProperties(SmtpTransportSettings settings, String protocol, InetAddress address,
                                 ConnectionDeadline deadline, RecordingTlsSockets tls) {
        String prefix = "mail." + protocol;
        Properties config = new Properties();
        String timeout = Long.toString(properties.readTimeout().toMillis());
        config.put(prefix + ".connectiontimeout", Long.toString(properties.connectTimeout().toMillis()));
        config.put(prefix + ".timeout", timeout);
        config.put(prefix + ".writetimeout", timeout);
        config.put(prefix + ".socketFactory", PinnedSockets.plain(address, deadline));
        config.put(prefix + ".socketFactory.fallback", "false");
        config.put(prefix + ".ssl.socketFactory", PinnedSockets.tls(address, deadline, tls));
        // Angus then asks the trust manager to check the host name too; RecordingTrust enforces it or only records it
        config.put(prefix + ".ssl.checkserveridentity", "true");
        if (!settings.secure()) {
            config.put(prefix + ".starttls.enable", "true");
            config.put(prefix + ".starttls.required",
                    Boolean.toString(settings.authenticates() && !guard.mayLoginInClear(address)));
        }
        config.put(prefix + ".auth", Boolean.toString(settings.authenticates()));
        config.put(prefix + ".from", settings.from());
        // once the mail is accepted, a server that does not answer QUIT changes nothing
        config.put(prefix + ".quitwait", "false");
        return config;
    }

    private static MimeMessage testMail(Session session, SmtpTransportSettings settings, String to) throws MessagingException {
        var message = new MimeMessage(session);
        message.setFrom(new InternetAddress(settings.from(), true));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
        message.setSubject(SUBJECT, StandardCharsets.UTF_8.name());
        message.setSentDate(new Date());
        message.setHeader("Auto-Submitted", "auto-generated");
        message.setText("This mail was sent by Switchboard to test the SMTP settings of your account ("
                + settings.host() + ":" + settings.port() + "). No answer is needed.", StandardCharsets.UTF_8.name());
        return message;
    }

    private static Connected connected(SmtpTransportSettings settings, InetAddress address, ProbingTransport transport) {
        return new Connected(settings.host(), address.getHostAddress(), settings.port(),
                reply(transport.greeting, settings));
    }

    private static TlsReport tlsReport(SmtpTransportSettings settings, ProbingTransport transport, RecordingTrust trust,
                                       RecordingTlsSockets tls) {
        SSLSocket socket = tls.last();
        if (!settings.secure() && !transport.upgraded || socket == null) {
            return new TlsReport("none", null, null, null, null);
        }
        SSLSession session = socket.getSession();
        return new TlsReport(settings.secure() ? "implicit" : "starttls", session.getProtocol(),
                session.getCipherSuite(), trust.valid(), trust.problem());
    }

    /** TLS as far as a failed conversation got: complete, judged but refused, not used, or unknown (null). */
    private static TlsReport tlsSoFar(SmtpTransportSettings settings, ProbingTransport transport, RecordingTrust trust,
                                      RecordingTlsSockets tls) {
        if (transport.greeting != null && (settings.secure() || transport.upgraded)) {
            return tlsReport(settings, transport, trust, tls); // the handshake completed before the greeting or EHLO
        }
        if (trust.valid() != null) {
            return new TlsReport(settings.secure() ? "implicit" : "starttls", null, null, trust.valid(), trust.problem());
        }
        if (transport.greeting != null && transport.step != Step.TLS) {
            return new TlsReport("none", null, null, null, null);
        }
        return null;
    }

    private static TestReport failure(Connected connected, TlsReport tls, Authenticated authenticated, Failed failed) {
        String info = "The test failed at step '" + failed.step() + "': " + failed.reason()
                + (failed.reply() == null ? "" : " (" + failed.reply() + ")");
        return new TestReport("error", info, connected, tls, authenticated, null, failed);
    }

    /** Which step failed and why, from what Angus threw and what the server last said. */
    static Failed failed(MessagingException error, ProbingTransport transport, ConnectionDeadline deadline,
                         RecordingTrust trust, SmtpTransportSettings settings) {
        Step step = transport.step;
        String where = settings.host() + ":" + settings.port();
        if (deadline.expired()) {
            return new Failed(step.wire, null, null, "timeout: " + where + " did not complete the conversation within "
                    + deadline.limit().toSeconds() + " s");
        }
        if (error instanceof AuthenticationFailedException) {
            return serverSaid(Step.AUTHENTICATE, transport.getLastReturnCode(), transport.getLastServerResponse(),
                    "the server refused the user and password", settings);
        }
        for (Throwable cause = error; cause != null; cause = next(cause)) {
            if (cause instanceof SMTPAddressFailedException refused) {
                return serverSaid(Step.SEND, refused.getReturnCode(), refused.getMessage(),
                        "the server refused the recipient " + refused.getAddress(), settings);
            }
            if (cause instanceof SMTPSenderFailedException refused) {
                return serverSaid(Step.SEND, refused.getReturnCode(), refused.getMessage(),
                        "the server refused the sender " + refused.getAddress(), settings);
            }
            if (cause instanceof SMTPSendFailedException refused) {
                return serverSaid(Step.SEND, refused.getReturnCode(), refused.getMessage(),
                        "the server refused the mail", settings);
            }
            if (cause instanceof SSLException) {
                return new Failed(Step.TLS.wire, null, null, trust.valid() == Boolean.FALSE
                        ? "the certificate was refused: " + trust.problem()
                        : "the TLS handshake with " + where + " failed: " + firstLine(cause.getMessage()));
            }
            if (cause instanceof SocketTimeoutException) {
                return new Failed(step.wire, null, null, "timeout: " + where + " did not answer in time");
            }
            if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
                return new Failed(Step.CONNECT.wire, null, null, "nothing accepts connections at " + where);
            }
            String text = String.valueOf(cause.getMessage());
            if (text.contains("STARTTLS") && text.contains("not support")) {
                return new Failed(Step.TLS.wire, null, null, "the server at " + where
                        + " does not offer STARTTLS, and passwords are not sent in clear");
            }
        }
        int code = transport.getLastReturnCode();
        if (code > 0 && transport.greeting == null && step == Step.CONNECT) {
            return serverSaid(Step.CONNECT, code, transport.getLastServerResponse(), "the server refused the connection",
                    settings);
        }
        if (code >= 400) {
            return serverSaid(step, code, transport.getLastServerResponse(), "the server refused", settings);
        }
        return new Failed(step.wire, null, null, "the conversation with " + where + " failed: "
                + reply(firstLine(error.getMessage()), settings));
    }

    private static Failed serverSaid(Step step, int code, String reply, String reason, SmtpTransportSettings settings) {
        return new Failed(step.wire, code > 0 ? code : null, reply(reply, settings), reason);
    }

    private static Throwable next(Throwable cause) {
        Throwable next = cause instanceof MessagingException messaging && messaging.getNextException() != null
                ? messaging.getNextException() : cause.getCause();
        return next == cause ? null : next;
    }

    /** A server reply on one line, bounded, and never with the password in it. */
    static String reply(String text, SmtpTransportSettings settings) {
        if (text == null) {
            return null;
        }
        String line = text.replaceAll("[\\r\\n]+", " ").strip();
        if (settings.password() != null && !settings.password().isEmpty()) {
            line = line.replace(settings.password(), EmailSettingsBodies.MASK);
        }
        return line.length() <= MAX_REPLY ? line : line.substring(0, MAX_REPLY) + "...";
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.lines().findFirst().orElse("");
    }

    private static void closeQuietly(SMTPTransport transport) {
        try {
            transport.close();
        } catch (MessagingException alreadyBroken) {
            // the report is made; a connection that fails to close changes nothing in it
        }
    }

    /**
     * Angus's SMTP transport, noting the server's greeting, whether STARTTLS upgraded the connection, and which
     * step the conversation is in (EHLO comes after the greeting, and the login after the last EHLO).
     */
    static final class ProbingTransport extends SMTPTransport {

        String greeting;
        boolean upgraded;
        Step step = Step.CONNECT;

        ProbingTransport(Session session, String protocol, SmtpTransportSettings settings) {
            super(session, new URLName(protocol, settings.host(), settings.port(), null, null, null), protocol,
                    settings.secure());
        }

        @Override
        protected boolean ehlo(String domain) throws MessagingException {
            noteGreeting();
            boolean accepted = super.ehlo(domain);
            step = Step.AUTHENTICATE;
            return accepted;
        }

        @Override
        protected void helo(String domain) throws MessagingException {
            noteGreeting();
            step = Step.CONNECT;
            super.helo(domain);
            step = Step.AUTHENTICATE;
        }

        @Override
        protected void startTLS() throws MessagingException {
            step = Step.TLS;
            super.startTLS();
            upgraded = true;
        }

        private void noteGreeting() {
            if (greeting == null) {
                greeting = getLastServerResponse();
            }
        }
    }
}
