package dev.switchboard.notification.transport;

/**
 * A tenant's own SMTP transport, ready to send with: what the sender reads through
 * {@link TenantSmtpSettings#settingsFor}. The password is in clear: keep it in memory only, never log it
 * ({@link #toString()} masks it) and never put it in an event or an answer.
 *
 * <p>Connect only to an address the platform's {@code MailHostGuard} accepted for {@link #host()} (the
 * {@code MailHostGuard} bean of this service carries its allow-list), through {@code PinnedSockets}.
 *
 * @param serviceId          the tenant
 * @param from               the sender address the tenant configured (a bare address, {@code local@domain})
 * @param host               SMTP server host name or IP literal, as the tenant gave it
 * @param port               SMTP server port
 * @param secure             TLS from the first byte (implicit TLS, usually port 465); otherwise STARTTLS is used
 *                           whenever the server offers it
 * @param debug              the tenant's nodemailer {@code debug} flag, kept as given; Switchboard does not log SMTP
 *                           conversations for it (they carry the login)
 * @param rejectUnauthorized whether the server's certificate must be valid for {@link #host()}; false accepts any
 *                           certificate (nodemailer's {@code tls.rejectUnauthorized})
 * @param user               login, or null when the server is used without authentication
 * @param password           the password in clear, or null without authentication
 * @param version            grows with every change of the tenant's settings, also across deleting and creating
 *                           them again: equal versions mean equal settings
 */
public record SmtpTransportSettings(String serviceId, String from, String host, int port, boolean secure, boolean debug,
                                    boolean rejectUnauthorized, String user, String password, long version) {

    /** Whether the server is logged in to (AUTH) before sending. */
    public boolean authenticates() {
        return user != null;
    }

    @Override
    public String toString() {
        return "SmtpTransportSettings[serviceId=" + serviceId + ", from=" + from + ", host=" + host + ", port=" + port
                + ", secure=" + secure + ", debug=" + debug + ", rejectUnauthorized=" + rejectUnauthorized
                + ", user=" + user + ", password=" + (password == null ? null : "********") + ", version="
                + version + "]";
    }
}
