package dev.switchboard.platform.crypto;

import java.nio.ByteBuffer;

import tools.jackson.databind.json.JsonMapper;

/**
 * Where a customer is mailed, as ticket events carry it: address and name as JSON, sealed (Tink HPKE) for notification-service,
 * the one consumer that mails customers, bound to the tenant and ticket. The event stream, which analytics
 * also reads and Kafka keeps on disk, never holds the address in clear.
 */
public record SealedContact(String email, String username) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public byte[] seal(HybridSeal.Sealer sealer, String serviceId, String ticketId) {
        return sealer.seal(JSON.writeValueAsString(this), context(serviceId, ticketId));
    }

    public static SealedContact open(HybridSeal.Opener opener, ByteBuffer sealed, String serviceId, String ticketId) {
        byte[] bytes = new byte[sealed.remaining()];
        sealed.duplicate().get(bytes);
        return JSON.readValue(opener.open(bytes, context(serviceId, ticketId)), SealedContact.class);
    }

    private static String context(String serviceId, String ticketId) {
        return "contact:" + serviceId + ":" + ticketId;
    }

    @Override
    public String toString() {
        return "SealedContact[********]";
    }
}
