package dev.switchboard.account.external;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Properties;

import org.springframework.stereotype.Component;

import dev.switchboard.account.config.AccountProperties;
import dev.switchboard.platform.net.ConnectionDeadline;
import dev.switchboard.platform.net.MailHostGuard;
import dev.switchboard.platform.net.PinnedSockets;
import jakarta.mail.MessagingException;
import jakarta.mail.Service;
import jakarta.mail.Session;
import reactor.core.scheduler.Schedulers;

/**
 * Logs in to a mail server (IMAP for fetching, SMTP for sending) with short timeouts and an overall
 * deadline, and says precisely why it could not. The host is checked by {@link MailHostGuard} first, the
 * connection goes to the very address that was checked ({@link PinnedSockets}), and the password only
 * crosses the network inside TLS (see {@link #settings}).
 */
@Component
class MailVerifier {

    /** The outcome of a login attempt; {@code failure} is null on success and never contains the password. */
    record Outcome(String failure) {
        boolean ok() {
            return failure == null;
        }
    }

    /** Which server a login is for. */
    enum Protocol {
        IMAP("imap", "imaps"), SMTP("smtp", "smtps");

        private final String plain;
        private final String tls;

        Protocol(String plain, String tls) {
            this.plain = plain;
            this.tls = tls;
        }
    }

    private final MailHostGuard guard;
    private final AccountProperties properties;

    MailVerifier(MailHostGuard guard, AccountProperties properties) {
        this.guard = guard;
        this.properties = properties;
    }

    /** An IMAP login. Blocking network I/O: callers run it on a bounded scheduler, never on an event loop. */
    Outcome imap(String host, int port, boolean ssl, String user, String password) {
        return login(Protocol.IMAP, host, port, ssl, user, password);
    }

    /** An SMTP login (AUTH); without implicit TLS, STARTTLS as {@link #settings} says. */
    Outcome smtp(String host, int port, boolean ssl, String user, String password) {
        return login(Protocol.SMTP, host, port, ssl, user, password);
    }

    private Outcome login(Protocol kind, String host, int port, boolean ssl, String user, String password) {
        InetAddress address;
        try {
            address = guard.check(host);
        } catch (MailHostGuard.RefusedHostException e) {
            return new Outcome(MailFailure.refused(e.getMessage()).detail());
        } catch (UnknownHostException e) {
            return new Outcome(MailFailure.unknownHost(host).detail());
        }
        String protocol = ssl ? kind.tls : kind.plain;
        try (var deadline = new ConnectionDeadline(properties.mailLoginDeadline(), Schedulers.parallel())) {
            Session session = MailSessions.create(settings(kind, ssl, address, deadline));
            try (Service service = kind == Protocol.IMAP ? session.getStore(protocol) : session.getTransport(protocol)) {
                service.connect(host, port, user, password);
                return new Outcome(null);
            } catch (MessagingException e) {
                return new Outcome((deadline.expired() ? MailFailure.deadline(host, port, deadline.limit())
                        : MailFailure.of(e, host, port)).detail());
            }
        }
    }

    /**
     * The mail client's settings for one login: short timeouts, sockets pinned to the checked address and
     * closed at the deadline, the server's identity checked. Without TLS from the first byte, STARTTLS is
     * used whenever the server offers it, and then TLS must succeed before the login (the client fails,
     * it does not fall back); a server that does not offer it gets no password in clear, unless it is a
     * loopback server the operator allowed (the local stack's GreenMail).
     */
    Properties settings(Protocol kind, boolean ssl, InetAddress address, ConnectionDeadline deadline) {
        String prefix = "mail." + (ssl ? kind.tls : kind.plain);
        Properties config = new Properties();
        String timeout = Long.toString(properties.mailReadTimeout().toMillis());
        config.put(prefix + ".connectiontimeout", Long.toString(properties.mailConnectTimeout().toMillis()));
        config.put(prefix + ".timeout", timeout);
        config.put(prefix + ".writetimeout", timeout);
        config.put(prefix + ".ssl.checkserveridentity", "true");
        config.put(prefix + ".socketFactory", PinnedSockets.plain(address, deadline));
        config.put(prefix + ".socketFactory.fallback", "false");
        config.put(prefix + ".ssl.socketFactory", PinnedSockets.tls(address, deadline));
        if (!ssl) {
            config.put(prefix + ".starttls.enable", "true");
            // "required" fails when the server does not offer STARTTLS, before any password is sent
            config.put(prefix + ".starttls.required", Boolean.toString(!guard.mayLoginInClear(address)));
        }
        if (kind == Protocol.SMTP) {
            config.put(prefix + ".auth", "true");
        }
        return config;
    }
}
