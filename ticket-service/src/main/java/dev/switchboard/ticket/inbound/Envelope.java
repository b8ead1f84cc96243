package dev.switchboard.ticket.inbound;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The addresses of an inbound message, as they travel sealed in {@code InboundEmailReceived}: {@code from}, and the
 * {@code to}, {@code cc} and {@code replyTo} lists.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record Envelope(Address from, List<Address> to, List<Address> cc, List<Address> replyTo) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Address(String address, String name) {

        boolean hasAddress() {
            return address != null && !address.isBlank();
        }
    }

    /** Who the answer goes to: the first Reply-To address when there is one, else the sender. */
    Address customer() {
        if (replyTo != null) {
            for (Address candidate : replyTo) {
                if (candidate != null && candidate.hasAddress()) {
                    // a Reply-To without a name still belongs to the sender when it is the sender's address
                    boolean sameAsSender = from != null && candidate.address().equalsIgnoreCase(from.address());
                    return candidate.name() == null || candidate.name().isBlank()
                            ? new Address(candidate.address(), sameAsSender ? from.name() : null) : candidate;
                }
            }
        }
        return from;
    }

    @Override
    public String toString() {
        return "Envelope[********]";
    }
}
