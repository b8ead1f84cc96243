package dev.switchboard.account.external;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Properties;

import org.eclipse.angus.mail.imap.IMAPStore;
import org.springframework.stereotype.Component;

import dev.switchboard.account.config.AccountProperties;
import dev.switchboard.platform.net.ConnectionDeadline;
import dev.switchboard.platform.net.MailHostGuard;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import reactor.core.scheduler.Schedulers;

/**
 * Long-lived IMAP connections for the fetcher and the source deletion, made exactly as {@link MailVerifier}
 * logs in: the host checked by {@link MailHostGuard}, the socket pinned to the checked address, STARTTLS
 * required unless the operator allowed a loopback server, and the login deadline. The deadline covers the
 * login only; after it each read is bounded by the read timeout (Angus Mail lifts it while an IDLE waits).
 */
@Component
public class ImapSessions {

    private final MailHostGuard guard;
    private final MailVerifier verifier;
    private final AccountProperties properties;

    ImapSessions(MailHostGuard guard, MailVerifier verifier, AccountProperties properties) {
        this.guard = guard;
        this.verifier = verifier;
        this.properties = properties;
    }

    /**
     * Connects and logs in. Blocking network I/O: callers run it on a virtual thread or a bounded scheduler.
     *
     * @return the connected store; the caller closes it
     * @throws LoginFailedException with the classified reason
     */
    public IMAPStore connect(String host, int port, boolean ssl, String user, String password)
            throws LoginFailedException {
        return connect(host, port, ssl, user, password, properties.mailReadTimeout());
    }

    /**
     * Connects with a longer read timeout, for a connection that waits in IMAP IDLE: Angus Mail ends an IDLE
     * when a read times out, so the timeout must outlast one IDLE ({@code idleRenewal} plus the usual read
     * timeout). A server that stops answering in the middle of a command then holds its connection that long;
     * the fetcher gives each mailbox its own thread, so it holds up that mailbox only.
     */
    public IMAPStore connect(String host, int port, boolean ssl, String user, String password, Duration readTimeout)
            throws LoginFailedException {
        InetAddress address;
        try {
            address = guard.check(host);
        } catch (MailHostGuard.RefusedHostException e) {
            throw new LoginFailedException(MailFailure.refused(e.getMessage()));
        } catch (UnknownHostException e) {
            throw new LoginFailedException(MailFailure.unknownHost(host));
        }
        try (var deadline = new ConnectionDeadline(properties.mailLoginDeadline(), Schedulers.parallel())) {
            Properties settings = verifier.settings(MailVerifier.Protocol.IMAP, ssl, address, deadline);
            settings.put("mail." + (ssl ? "imaps" : "imap") + ".timeout", Long.toString(readTimeout.toMillis()));
            Session session = MailSessions.create(settings);
            IMAPStore store = null;
            try {
                store = (IMAPStore) session.getStore(ssl ? "imaps" : "imap");
                store.connect(host, port, user, password);
                if (deadline.expired()) {
                    // the login completed just as the deadline closed its socket: the store is unusable
                    throw new MessagingException("login deadline passed");
                }
                return store;
            } catch (MessagingException e) {
                closeQuietly(store);
                throw new LoginFailedException(deadline.expired()
                        ? MailFailure.deadline(host, port, deadline.limit()) : MailFailure.of(e, host, port));
            }
        }
    }

    private static void closeQuietly(IMAPStore store) {
        if (store != null) {
            try {
                store.close();
            } catch (MessagingException alreadyBroken) {
                // the login failed; that failure is the one reported
            }
        }
    }

    /** A connection or login that failed, with the reason fetch health and logs show. */
    public static final class LoginFailedException extends Exception {

        private final transient MailFailure failure;

        public LoginFailedException(MailFailure failure) {
            super(failure.reason(), null, false, false);
            this.failure = failure;
        }

        public MailFailure failure() {
            return failure;
        }
    }
}
