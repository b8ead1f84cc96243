package dev.switchboard.ticket.inbound;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;

/**
 * Inbound mail as ticket-service receives it from account-service's fetcher.
 *
 * @param privateKeyset   the private Tink HPKE keyset that opens the envelopes of {@code InboundEmailReceived}
 *                        (sender and recipients), whose public half account-service seals with (secret store:
 *                        {@code SWITCHBOARD_TICKET_INBOUND_PRIVATEKEYSET})
 * @param messageIdDomain the right-hand side of the Message-IDs Switchboard's mail carries (notification-service's
 *                        {@code message-id-domain}): {@code <ticketId.ack@domain>} and {@code <ticketId.replyId@domain>}
 *                        thread a reply even before the {@code EmailSent} of that mail was consumed
 * @param maxHtmlLength   a message's sanitized HTML longer than this is not kept (its text is, with a note), so a
 *                        ticket's replies stay well inside one document
 */
@ConfigurationProperties("switchboard.ticket.inbound")
@Validated
record InboundMailProperties(@NotBlank String privateKeyset,
                             @DefaultValue("switchboard.local") @NotBlank String messageIdDomain,
                             @DefaultValue("262144") @Positive int maxHtmlLength) {

    @Override
    public String toString() {
        return "InboundMailProperties[messageIdDomain=" + messageIdDomain + ", maxHtmlLength=" + maxHtmlLength
                + ", privateKeyset=********]";
    }
}
