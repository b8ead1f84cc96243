package dev.switchboard.account.external;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;

import javax.net.ssl.SSLException;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;

/**
 * Why a conversation with a mail server failed, in words a tenant can act on and never with the password: the
 * one classification the login check and the fetcher share, so a wrong password is told apart from a server
 * that cannot be reached.
 *
 * @param kind   what went wrong, as the fetch health reports it
 * @param detail the precise message
 */
public record MailFailure(Kind kind, String detail) {

    /** What went wrong, from the tenant's point of view. */
    public enum Kind {
        /** The server refused the user name or password. */
        AUTHENTICATION_FAILED,
        /** Nothing accepts connections there, or the name does not resolve. */
        UNREACHABLE,
        /** TLS could not be set up, or the server offers none and the password would travel in clear. */
        TLS,
        /** The server did not answer, or did not complete the conversation, in time. */
        TIMEOUT,
        /** The host is a private or reserved address the operator did not allow. */
        REFUSED_HOST,
        /** Anything else the server or the connection did. */
        PROTOCOL
    }

    /** How fetch health shows it: the kind first, so tenants and alerts can tell the cases apart. */
    public String reason() {
        return kind + ": " + detail;
    }

    static MailFailure refused(String message) {
        return new MailFailure(Kind.REFUSED_HOST, "host refused: " + message);
    }

    static MailFailure unknownHost(String host) {
        return new MailFailure(Kind.UNREACHABLE, "host unreachable: unknown host " + host);
    }

    static MailFailure deadline(String host, int port, Duration limit) {
        return new MailFailure(Kind.TIMEOUT, "timeout: " + host + ":" + port + " did not complete the login within "
                + limit.toSeconds() + " s");
    }

    /** Classifies a failure of the mail client. */
    public static MailFailure of(MessagingException error, String host, int port) {
        if (error instanceof AuthenticationFailedException) {
            return new MailFailure(Kind.AUTHENTICATION_FAILED, "authentication failed");
        }
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            String text = cause.getMessage();
            if (text != null && text.contains("STARTTLS") && text.contains("not support")) {
                return new MailFailure(Kind.TLS, "TLS required: the server at " + host + ":" + port
                        + " offers neither TLS nor STARTTLS, and passwords are not sent in clear");
            }
            if (cause instanceof SSLException) {
                return new MailFailure(Kind.TLS, "TLS failure: the server at " + host + ":" + port
                        + " did not complete a TLS handshake");
            }
            if (cause instanceof SocketTimeoutException) {
                return new MailFailure(Kind.TIMEOUT, "timeout: " + host + ":" + port + " did not answer in time");
            }
            if (cause instanceof ConnectException || cause instanceof NoRouteToHostException
                    || cause instanceof UnknownHostException) {
                return new MailFailure(Kind.UNREACHABLE, "host unreachable: nothing accepts connections at "
                        + host + ":" + port);
            }
        }
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        return new MailFailure(Kind.PROTOCOL, "connection failed: " + message.replaceAll("[\\r\\n]+", " "));
    }
}
