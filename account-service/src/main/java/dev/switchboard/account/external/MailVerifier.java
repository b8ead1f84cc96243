package dev.switchboard.account.external;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Properties;

import javax.net.ssl.SSLException;

import org.springframework.stereotype.Component;

import dev.switchboard.account.config.AccountProperties;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;

/** Logs in to a mailbox over IMAP with short timeouts and says precisely why it could not. */
@Component
class ImapVerifier {

    /** The outcome of a login attempt; {@code failure} is null on success and never contains the password. */
    record Outcome(String failure) {
        boolean ok() {
            return failure == null;
        }
    }

    private final MailHostGuard guard;
    private final AccountProperties properties;

    ImapVerifier(MailHostGuard guard, AccountProperties properties) {
        this.guard = guard;
        this.properties = properties;
    }

    /** Blocking network I/O: callers run it on a bounded scheduler, never on an event loop. */
    Outcome verify(String host, int port, boolean ssl, String user, String password) {
        try {
            guard.check(host);
        } catch (MailHostGuard.RefusedHostException e) {
            return new Outcome("host refused: " + e.getMessage());
        } catch (UnknownHostException e) {
            return new Outcome("host unreachable: unknown host " + host);
        }
        String protocol = ssl ? "imaps" : "imap";
        Properties config = new Properties();
        String timeout = Long.toString(properties.mailReadTimeout().toMillis());
        config.put("mail." + protocol + ".connectiontimeout", Long.toString(properties.mailConnectTimeout().toMillis()));
        config.put("mail." + protocol + ".timeout", timeout);
        config.put("mail." + protocol + ".writetimeout", timeout);
        if (ssl) {
            config.put("mail.imaps.ssl.checkserveridentity", "true");
        }
        Session session = Session.getInstance(config);
        try (Store store = session.getStore(protocol)) {
            store.connect(host, port, user, password);
            return new Outcome(null);
        } catch (AuthenticationFailedException e) {
            return new Outcome("authentication failed");
        } catch (MessagingException e) {
            return new Outcome(classify(e, host, port));
        }
    }

    private static String classify(MessagingException error, String host, int port) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException) {
                return "TLS failure: the server at " + host + ":" + port + " did not complete a TLS handshake";
            }
            if (cause instanceof SocketTimeoutException) {
                return "timeout: " + host + ":" + port + " did not answer in time";
            }
            if (cause instanceof ConnectException || cause instanceof NoRouteToHostException
                    || cause instanceof UnknownHostException) {
                return "host unreachable: nothing accepts connections at " + host + ":" + port;
            }
        }
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        return "connection failed: " + message.replaceAll("[\\r\\n]+", " ");
    }
}
