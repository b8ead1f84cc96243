package dev.switchboard.notification.delivery;

/**
 * The server a mail leaves through, with its kept connections.
 *
 * @param name {@code tenant} (the tenant's own SMTP settings) or {@code relay} (the platform relay), as analytics sees it
 */
record MailTransport(String name, SmtpPool pool) {

    static final String TENANT = "tenant";
    static final String RELAY = "relay";
}
