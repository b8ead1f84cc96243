package dev.switchboard.platform.crypto;

import java.nio.ByteBuffer;

import tools.jackson.databind.json.JsonMapper;

/**
 * Where a customer is mailed, as ticket events carry it: address and name, sealed by {@link ContactSeal} for
 * notification-service, the one consumer that mails customers, bound to the tenant and ticket.
 */
public record SealedContact(String email, String username) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A contact an earlier version sealed: JSON, sealed with Tink HPKE for notification-service's public key. */
    static SealedContact openHpke(HybridSeal.Opener opener, ByteBuffer sealed, String serviceId, String ticketId) {
        byte[] bytes = new byte[sealed.remaining()];
        sealed.duplicate().get(bytes);
        return JSON.readValue(opener.open(bytes, context(serviceId, ticketId)), SealedContact.class);
    }

    static String context(String serviceId, String ticketId) {
        return "contact:" + serviceId + ":" + ticketId;
    }

    @Override
    public String toString() {
        return "SealedContact[********]";
    }
}
