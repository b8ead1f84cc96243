package dev.switchboard.notification.delivery;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Date;
import java.util.Deque;
import java.util.Map;

import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.springframework.mail.MailAuthenticationException;
import org.springframework.mail.MailSendException;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import jakarta.mail.internet.MimeMessage;

/**
 * Open SMTP connections to one server, kept between mails: opening a connection (TCP, greeting, EHLO, TLS, AUTH)
 * costs more than the mail itself. At most {@code maxIdle} are kept, none longer than {@code idleTimeout} or for
 * more than {@code maxUses} mails; a connection that saw any failure is closed, never handed out again.
 *
 * <p>Every send calls back at SMTP's commit point: after the message body went out and just before the final
 * {@code .} that asks the server to take it. Once the server answers that, the mail is the server's; whoever
 * records the callback knows a crash from here on may have left a delivered mail behind, and must not send it
 * again. A callback that throws aborts the transaction (the connection closes without the {@code .}, and the
 * server discards the message).
 */
final class SmtpPool implements AutoCloseable {

    /**
     * The session for one new connection: where the host is checked and the connection pinned to the address
     * checked. Throws a {@code MailException} when the server may not be connected to.
     */
    @FunctionalInterface
    interface Connector {
        Session session();
    }

    /** Called on the sending thread at the commit point. */
    @FunctionalInterface
    interface CommitPoint {
        void reached() throws MessagingException;
    }

    private final Connector connector;
    private final Session session;
    private final String protocol;
    private final String host;
    private final int port;
    private final String username;
    private final String password;
    private final int maxIdle;
    private final long idleTimeoutNanos;
    private final int maxUses;
    private final long maxAgeNanos;
    /** How long a connection is used at most: long-lived connections pick up no DNS or certificate change. */
    static final Duration MAX_AGE = Duration.ofMinutes(5);

    private final Deque<Connection> idle = new ArrayDeque<>();
    private boolean closed;

    SmtpPool(Session session, boolean implicitTls, String host, int port, String username, String password,
             int maxIdle, Duration idleTimeout, int maxUses) {
        this(() -> session, session, implicitTls, host, port, username, password, maxIdle, idleTimeout, maxUses,
                MAX_AGE);
    }

    /**
     * @param connector the session each new connection is made with
     * @param session   the session messages are built with (no connection is made through it)
     * @param maxAge    how long one connection is used at most
     */
    SmtpPool(Connector connector, Session session, boolean implicitTls, String host, int port, String username,
             String password, int maxIdle, Duration idleTimeout, int maxUses, Duration maxAge) {
        this.connector = connector;
        this.session = session;
        this.protocol = implicitTls ? "smtps" : "smtp";
        this.host = host;
        this.port = port;
        this.username = username;
        this.password = password;
        this.maxIdle = maxIdle;
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.maxUses = maxUses;
        this.maxAgeNanos = maxAge.toNanos();
    }

    Session session() {
        return session;
    }

    /**
     * Sends one message; failures as Spring's {@code JavaMailSenderImpl} reports them. A kept connection the server
     * closed meanwhile fails before anything was handed over; the mail then goes through a new one at once.
     */
    void send(MimeMessage message, CommitPoint commit) {
        try {
            if (message.getSentDate() == null) {
                message.setSentDate(new Date());
            }
            message.saveChanges();
        } catch (MessagingException e) {
            throw new MailSendException(Map.of(message, e));
        }
        Connection kept = borrow();
        if (kept != null) {
            try {
                transmit(kept, message, commit);
                return;
            } catch (MessagingException e) {
                if (kept.transport.reachedCommitPoint() || repliedByServer(e) || Thread.currentThread().isInterrupted()) {
                    throw new MailSendException(Map.of(message, e));
                }
                // the connection had gone stale while kept: nothing was handed over, try a fresh one
            }
        }
        Connection fresh = open();
        try {
            transmit(fresh, message, commit);
        } catch (MessagingException e) {
            throw new MailSendException(Map.of(message, e));
        }
    }

    private void transmit(Connection connection, MimeMessage message, CommitPoint commit) throws MessagingException {
        boolean reusable = false;
        try {
            connection.transport.begin(commit);
            connection.transport.sendMessage(message, message.getAllRecipients());
            connection.uses++;
            reusable = !Thread.currentThread().isInterrupted();
        } finally {
            connection.transport.begin(null);
            if (reusable) {
                giveBack(connection);
            } else {
                quietlyClose(connection);
            }
        }
    }

    private Connection open() {
        var transport = new CommitPointTransport(connector.session(), protocol);
        try {
            transport.connect(host, port, username, password);
        } catch (AuthenticationFailedException e) {
            throw new MailAuthenticationException(e);
        } catch (MessagingException e) {
            throw new MailSendException("Mail server connection failed", e);
        }
        return new Connection(transport);
    }

    private synchronized Connection borrow() {
        long now = System.nanoTime();
        while (!idle.isEmpty()) {
            Connection connection = idle.pollFirst();
            if (now - connection.idleSince < idleTimeoutNanos) {
                return connection;
            }
            quietlyClose(connection);
        }
        return null;
    }

    private void giveBack(Connection connection) {
        synchronized (this) {
            if (!closed && connection.uses < maxUses && idle.size() < maxIdle
                    && System.nanoTime() - connection.openedAt < maxAgeNanos) {
                connection.idleSince = System.nanoTime();
                idle.addFirst(connection);
                return;
            }
        }
        quietlyClose(connection);
    }

    /** Closes the kept connections; a send in flight finishes on its own and closes its connection after. */
    @Override
    public void close() {
        Deque<Connection> drained;
        synchronized (this) {
            closed = true;
            drained = new ArrayDeque<>(idle);
            idle.clear();
        }
        drained.forEach(SmtpPool::quietlyClose);
    }

    synchronized int idleConnections() {
        return idle.size();
    }

    private static void quietlyClose(Connection connection) {
        try {
            connection.transport.close();
        } catch (MessagingException e) {
            // the mail's fate was decided before; a failed QUIT changes nothing
        }
    }

    /** Whether the server answered with a reply of its own: then the connection itself was fine. */
    private static boolean repliedByServer(MessagingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            // Angus reports a connection that ended before the reply as the command's failure with code -1
            // ("[EOF]"): nothing was answered, so a kept connection that went stale is not a server's refusal
            if (t instanceof SMTPSendFailedException sendFailed) {
                return sendFailed.getReturnCode() > 0;
            }
            if (t instanceof SMTPAddressFailedException addressFailed) {
                return addressFailed.getReturnCode() > 0;
            }
            if (t == t.getCause()) {
                break;
            }
        }
        return false;
    }

    private static final class Connection {
        private final CommitPointTransport transport;
        private final long openedAt = System.nanoTime();
        private long idleSince;
        private int uses;

        Connection(CommitPointTransport transport) {
            this.transport = transport;
        }
    }

    private static final class CommitPointTransport extends SMTPTransport {

        private CommitPoint commit;
        private boolean reached;

        CommitPointTransport(Session session, String protocol) {
            super(session, new URLName(protocol, null, -1, null, null, null), protocol, "smtps".equals(protocol));
        }

        void begin(CommitPoint commit) {
            this.commit = commit;
            this.reached = false;
        }

        boolean reachedCommitPoint() {
            return reached;
        }

        @Override
        protected void finishData() throws IOException, MessagingException {
            if (commit != null) {
                commit.reached();
            }
            reached = true;
            super.finishData();
        }
    }
}
