package dev.switchboard.account.inbound;

import java.util.List;

import dev.switchboard.platform.crypto.HybridSeal;
import tools.jackson.databind.json.JsonMapper;

/**
 * Seals a message's addresses and display names for ticket-service, the one consumer that needs them (to know
 * the customer): the event stream, which analytics also reads and Kafka keeps on disk, never holds them in
 * clear. Bound to the message's place ({@link #context}), so a sealed envelope cannot be passed off as
 * another message's.
 */
final class EnvelopeSeal {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The sealed JSON: {@code {"from":{"address","name"},"to":[...],"cc":[...],"replyTo":[...]}}. */
    record Envelope(Contact from, List<Contact> to, List<Contact> cc, List<Contact> replyTo) {

        static Envelope of(ParsedMessage message) {
            return new Envelope(Contact.of(message.from()), message.to().stream().map(Contact::of).toList(),
                    message.cc().stream().map(Contact::of).toList(),
                    message.replyTo().stream().map(Contact::of).toList());
        }

        @Override
        public String toString() {
            return "Envelope[********]";
        }
    }

    record Contact(String address, String name) {

        static Contact of(ParsedMessage.Address address) {
            return new Contact(address.address(), address.name());
        }

        @Override
        public String toString() {
            return "Contact[********]";
        }
    }

    private final HybridSeal.Sealer sealer;

    EnvelopeSeal(HybridSeal.Sealer sealer) {
        this.sealer = sealer;
    }

    byte[] seal(FetchedMessage fetched, ParsedMessage message) {
        return sealer.seal(JSON.writeValueAsString(Envelope.of(message)), context(fetched));
    }

    /** Opens what {@link #seal} sealed; ticket-service's side, here for tests. */
    static Envelope open(HybridSeal.Opener opener, byte[] sealed, String context) {
        return JSON.readValue(opener.open(sealed, context), Envelope.class);
    }

    /** Associated data: {@code inbound:<serviceId>:<mailboxId>:<uidValidity>:<uid>}. */
    static String context(FetchedMessage fetched) {
        return "inbound:" + fetched.serviceId() + ":" + fetched.mailboxId() + ":" + fetched.uidValidity() + ":"
                + fetched.uid();
    }
}
