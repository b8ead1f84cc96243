package dev.switchboard.account.inbound;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Inbound mail: how tenants' mailboxes are watched, and how their messages become {@code InboundEmailReceived}.
 *
 * @param platformImapHost       the platform's IMAP server holding the representative accounts' mailboxes
 * @param platformImapPort       its port
 * @param platformImapSsl        TLS from the first byte
 * @param platformImapPassword   the password of a representative account's mailbox; {@code {address}} stands for
 *                               the mailbox address (GreenMail's rule in the local stack)
 * @param pollInterval           how often a mailbox without IMAP IDLE is looked at
 * @param idleRenewal            how long one IDLE lasts before it is issued again (RFC 2177 allows 29 minutes)
 * @param lease                  how long an instance's claim on a mailbox lasts without renewal; another instance
 *                               takes the mailbox after that
 * @param claimInterval          how often an instance renews its claims and looks for unclaimed mailboxes
 * @param backoffInitial         the wait after a mailbox's first failed fetch, doubling with each further one
 * @param backoffMax             the longest wait between attempts at a failing mailbox
 * @param disableAfterFailures   consecutive failed fetches after which a mailbox is disabled (Failed 3)
 * @param maxMessageSize         a larger message is set aside, not fetched whole
 * @param attachmentsBaseUrl     attachment-service, where a message's parts are stored
 * @param maxAttachmentSize      a larger part is skipped with a note on the ticket
 * @param ticketPublicKeyset     public Tink hybrid keyset of ticket-service, sealing the envelope's addresses for
 *                               it (secret store: {@code SWITCHBOARD_ACCOUNT_INBOUND_TICKETPUBLICKEYSET})
 * @param ownMessageIdDomain     the right-hand side of the Message-IDs Switchboard's own mail carries
 *                               (notification-service's {@code message-id-domain}): mail carrying one is ours
 * @param senderRatePerHour      messages one sender may turn into tickets per tenant and hour; more are ignored
 * @param importExisting         whether a newly watched mailbox imports the mail it already holds (else it starts
 *                               from the moment it is first watched)
 */
@ConfigurationProperties("switchboard.account.inbound")
@Validated
public record InboundProperties(String platformImapHost,
                                @DefaultValue("993") int platformImapPort,
                                @DefaultValue("true") boolean platformImapSsl,
                                String platformImapPassword,
                                @DefaultValue("60s") Duration pollInterval,
                                @DefaultValue("25m") Duration idleRenewal,
                                @DefaultValue("20s") Duration lease,
                                @DefaultValue("5s") Duration claimInterval,
                                @DefaultValue("30s") Duration backoffInitial,
                                @DefaultValue("30m") Duration backoffMax,
                                @DefaultValue("5") int disableAfterFailures,
                                @DefaultValue("25MB") DataSize maxMessageSize,
                                @DefaultValue("http://127.0.0.1:8083") String attachmentsBaseUrl,
                                @DefaultValue("10MB") DataSize maxAttachmentSize,
                                String ticketPublicKeyset,
                                @DefaultValue("switchboard.local") String ownMessageIdDomain,
                                @DefaultValue("20") int senderRatePerHour,
                                @DefaultValue("false") boolean importExisting) {

    @Override
    public String toString() {
        return "InboundProperties[platformImapHost=" + platformImapHost + ", platformImapPort=" + platformImapPort
                + ", pollInterval=" + pollInterval + ", lease=" + lease + ", platformImapPassword=********]";
    }
}
