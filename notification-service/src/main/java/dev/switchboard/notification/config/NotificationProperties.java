package dev.switchboard.notification.config;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

/**
 * Outbound mail settings of the platform.
 *
 * <p>The time bounds nest, so nothing gives up on a mail that is still being sent: each SMTP step is bounded
 * by the socket timeouts, one whole SMTP conversation by {@code relay.sendTimeout}, one attempt by the file
 * fetch plus that ({@link #attemptTime()}, which shutdown waits for), and a claimed delivery's lease is longer.
 *
 * @param relay           the platform's SMTP relay, used for tenants without their own transport
 * @param defaultFromName sender name when a tenant has not set one
 * @param defaultFromMail sender address when a tenant has not set one
 * @param messageIdDomain right-hand side of the Message-IDs Switchboard generates
 * @param contactKey      the Tink AEAD keyset shared with ticket-service only, opening the customer contacts
 *                        ticket events carry sealed (secret store: {@code SWITCHBOARD_NOTIFICATION_CONTACTKEY})
 * @param contactKeyset   the private Tink HPKE keyset contacts were sealed for before the shared key; optional, needed
 *                        only while such events may still be on the ticket topic or in the delivery log (secret
 *                        store: {@code SWITCHBOARD_NOTIFICATION_CONTACTKEYSET})
 * @param attachments     where answer mails get the files their reply attached
 * @param sending         how many mails are sent at once and how long a claimed delivery is reserved
 */
@ConfigurationProperties("switchboard.notification")
@Validated
public record NotificationProperties(@DefaultValue Relay relay,
                                     @DefaultValue("Switchboard") String defaultFromName,
                                     @DefaultValue("no-reply@switchboard.local") @NotBlank String defaultFromMail,
                                     @DefaultValue("switchboard.local") @NotBlank String messageIdDomain,
                                     @NotBlank String contactKey,
                                     String contactKeyset,
                                     @DefaultValue Attachments attachments,
                                     @DefaultValue Sending sending) {

    /** Time an attempt needs beyond the file fetch and the send: the Mongo writes and the outbox relay. */
    static final Duration BOOKKEEPING = Duration.ofSeconds(15);

    public NotificationProperties {
        if (sending.lease().compareTo(attemptTime(attachments, relay)) < 0) {
            // a lease that can expire while its send still runs lets another sender send a second copy
            throw new IllegalArgumentException("switchboard.notification.sending.lease (" + sending.lease()
                    + ") must be at least attachments.fetch-timeout (" + attachments.fetchTimeout()
                    + ") + relay.send-timeout (" + relay.sendTimeout() + ") + " + BOOKKEEPING);
        }
    }

    private static Duration attemptTime(Attachments attachments, Relay relay) {
        return attachments.fetchTimeout().plus(relay.sendTimeout()).plus(BOOKKEEPING);
    }

    /**
     * The longest one attempt may take: fetching the answer's files, then the send, then the bookkeeping. Shutdown
     * waits this long for the sends under way, so their outcome is recorded.
     */
    public Duration attemptTime() {
        return attemptTime(attachments, relay);
    }

    /**
     * @param baseUrl      attachment-service, called with an edge token for the event's tenant
     * @param maxMailSize  the most file content one mail carries; files beyond it are named in the text instead
     * @param timeout      per request to attachment-service
     * @param fetchTimeout all the files of one mail together; a slower fetch fails the delivery (retried)
     */
    public record Attachments(@DefaultValue("http://127.0.0.1:8083") String baseUrl,
                              @DefaultValue("10MB") DataSize maxMailSize, @DefaultValue("10s") Duration timeout,
                              @DefaultValue("30s") Duration fetchTimeout) {
    }

    /**
     * @param concurrency           mails sent at once per instance (virtual threads: each waits on its server)
 * @param answerConcurrency     of those, the most that are agents' answers, which may carry up to
 *                              {@code attachments.maxMailSize} of files in memory each (acknowledgements carry none)
     * @param perTenantConcurrency  of those, the most one tenant's mail may have in conversation with a mail server
     *                              at once (recording an outcome holds none), so a slow server of one tenant
     *                              leaves the rest to the others; also the connections kept open per server
     * @param lease                 how long a claimed delivery is reserved for the instance sending it; longer
     *                              than an attempt, so it runs out only when its sender died
     * @param pollInterval          how often due retries and run-out leases are looked for (new mail is sent at once)
     * @param connectionIdleTimeout how long an open connection to a server is kept unused
     * @param connectionMaxMails    mails sent over one connection before it is closed
     * @param retry                 when transient failures are tried again, and when they are given up
     * @param rate                  each tenant's send rate per instance
     */
    public record Sending(@DefaultValue("64") @Min(1) int concurrency, @DefaultValue("4") @Min(1) int perTenantConcurrency,
                          @DefaultValue("120s") Duration lease, @DefaultValue("1s") Duration pollInterval,
                          @DefaultValue("30s") Duration connectionIdleTimeout,
                          @DefaultValue("100") @Min(1) int connectionMaxMails, @DefaultValue Retry retry,
                          @DefaultValue Rate rate, @DefaultValue("16") @Min(1) int answerConcurrency) {
    }

    /**
     * Exponential back-off for transient failures (4xx replies, timeouts, refused connections, failed logins):
     * {@code initial}, then times {@code multiplier} up to {@code max}; a mail whose next attempt would come later
     * than {@code giveUpAfter} after it was owed ends as {@code EmailFailed}.
     */
    public record Retry(@DefaultValue("30s") Duration initial, @DefaultValue("2.0") double multiplier,
                        @DefaultValue("30m") Duration max, @DefaultValue("8h") Duration giveUpAfter) {

        public Retry {
            if (multiplier < 1.0) {
                throw new IllegalArgumentException("switchboard.notification.sending.retry.multiplier must be at least 1");
            }
        }

        /** The wait after the given number of failed attempts (1 for the first). */
        public Duration backoff(int failedAttempts) {
            double factor = Math.pow(multiplier, Math.max(0, failedAttempts - 1));
            double millis = Math.min(initial.toMillis() * factor, (double) max.toMillis());
            return Duration.ofMillis((long) millis);
        }
    }

    /**
     * @param perSecond mails per second a tenant may send, refilled continuously
     * @param burst     how many may go at once after a quiet spell
     */
    public record Rate(@DefaultValue("100") @Min(1) int perSecond, @DefaultValue("200") @Min(1) int burst) {
    }

    /**
     * @param host           SMTP host
     * @param port           SMTP port
     * @param username       login, if the relay needs one
     * @param password       password, if the relay needs one (from the secret store)
     * @param startTls       require STARTTLS
     * @param connectTimeout connect timeout
     * @param readTimeout    timeout of each read (each SMTP reply)
     * @param writeTimeout   timeout of each write
     * @param sendTimeout    the whole SMTP conversation of one mail; the sending thread is interrupted then, which
     *                       closes its socket
     */
    public record Relay(@DefaultValue("127.0.0.1") String host, @DefaultValue("25") int port, String username,
                        String password, @DefaultValue("false") boolean startTls,
                        @DefaultValue("5s") Duration connectTimeout, @DefaultValue("10s") Duration readTimeout,
                        @DefaultValue("10s") Duration writeTimeout, @DefaultValue("60s") Duration sendTimeout) {

        @Override
        public String toString() {
            return "Relay[" + host + ":" + port + ", username=" + username + ", password=********]";
        }
    }

    /**
     * Tenants' own SMTP transports (the Webitel email-settings API), bound on their own from
     * {@code switchboard.notification.transports}, so the constructor of the properties above stays as it is.
     *
     * @param secretsKeyset    Tink AEAD keyset (JSON) sealing tenants' SMTP passwords at rest (secret store:
     *                         {@code SWITCHBOARD_NOTIFICATION_TRANSPORTS_SECRETSKEYSET})
     * @param mailHostsAllowed networks (CIDR) of SMTP servers that may be private, loopback or link-local; every
     *                         other such address is refused before storing or connecting (as account-service's
     *                         {@code mail-hosts-allowed} for mailboxes)
     * @param connectTimeout   connect timeout towards a tenant's SMTP server
     * @param readTimeout      timeout of each read and write (each SMTP reply)
     * @param testDeadline     the whole conversation of a test mail (connect, TLS, login, send); a server that
     *                         answers a byte at a time within the read timeout is cut off here
     * @param cacheTtl         how long an instance keeps using settings it read; another instance's change is
     *                         seen after at most this long (this instance's own changes at once)
     */
    @ConfigurationProperties("switchboard.notification.transports")
    @Validated
    public record Transports(@NotBlank String secretsKeyset,
                             @DefaultValue List<String> mailHostsAllowed,
                             @DefaultValue("10s") Duration connectTimeout,
                             @DefaultValue("10s") Duration readTimeout,
                             @DefaultValue("30s") Duration testDeadline,
                             @DefaultValue("10s") Duration cacheTtl) {

        @Override
        public String toString() {
            return "Transports[mailHostsAllowed=" + mailHostsAllowed + ", connectTimeout=" + connectTimeout
                    + ", readTimeout=" + readTimeout + ", testDeadline=" + testDeadline + ", cacheTtl=" + cacheTtl
                    + ", secretsKeyset=********]";
        }
    }

    @Override
    public String toString() {
        return "NotificationProperties[relay=" + relay + ", defaultFromMail=" + defaultFromMail + ", contactKey=********]";
    }
}
