package dev.switchboard.ticket.inbound;

import java.nio.ByteBuffer;

import org.springframework.stereotype.Component;

import dev.switchboard.events.inbound.InboundEmailReceived;
import dev.switchboard.platform.crypto.HybridSeal;
import dev.switchboard.platform.events.UndecodableEventException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Opens the sealed envelope of an inbound message with ticket-service's private keyset. The envelope is bound to its
 * message ({@code inbound:<serviceId>:<mailboxId>:<uidValidity>:<uid>}), so one copied into another event, tenant or
 * message does not open.
 */
@Component
class Envelopes {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HybridSeal.Opener opener;

    Envelopes(InboundMailProperties properties) {
        this.opener = new HybridSeal.Opener(properties.privateKeyset());
    }

    /**
     * The addresses; an envelope that does not open (another keyset, another message's) or does not parse can never
     * be read here, so the event goes to the dead-letter topic at once, to be re-driven once the keys are right.
     */
    Envelope open(InboundEmailReceived event) {
        ByteBuffer sealed = event.getSealedEnvelope();
        byte[] bytes = new byte[sealed.remaining()];
        sealed.duplicate().get(bytes);
        try {
            return JSON.readValue(opener.open(bytes, context(event)), Envelope.class);
        } catch (IllegalStateException | JacksonException e) {
            throw new UndecodableEventException("The envelope of inbound message " + event.getMailboxId() + ":"
                    + event.getUidValidity() + ":" + event.getUid() + " does not open: " + e.getMessage());
        }
    }

    /** The associated data account-service seals an envelope with. */
    static String context(InboundEmailReceived event) {
        return "inbound:" + event.getMetadata().getServiceId() + ":" + event.getMailboxId() + ":"
                + event.getUidValidity() + ":" + event.getUid();
    }
}
