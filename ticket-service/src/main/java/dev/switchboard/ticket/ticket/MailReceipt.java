package dev.switchboard.ticket.ticket;

/**
 * Which inbound message a ticket or reply was made of, exactly, and what the answer to its fetcher
 * ({@code InboundEmailHandled}) names.
 *
 * @param serviceId     the tenant the message arrived for
 * @param mailboxId     the mailbox it was fetched from
 * @param uidValidity   the folder's UIDVALIDITY when it was fetched
 * @param uid           its UID
 * @param messageId     its Message-ID as {@link MailTickets#messageId} normalizes it; null when it had none
 * @param correlationId the correlation id of the event that carried it
 * @param mailbox       the address of the mailbox it arrived in, where answers about its ticket should go; or null
 */
public record MailReceipt(String serviceId, String mailboxId, long uidValidity, long uid, String messageId,
                          String correlationId, String mailbox) {

    /** The message's one key within the tenant, as the unique index {@code tenant_inbound_key} holds it. */
    String key() {
        return scoped(serviceId, mailboxId + ":" + uidValidity + ":" + uid);
    }

    /** The Message-ID within the tenant, as the unique index {@code tenant_inbound_message_id} holds it; or null. */
    String scopedMessageId() {
        return messageId == null ? null : scoped(serviceId, messageId);
    }

    /**
     * A value bound to its tenant in one field (a serviceId has no space), so a sparse unique index over that one
     * field holds exactly the tickets mail reached: an index over serviceId and the value would hold every ticket,
     * and the local Mongo wire server ignores partial filters (as with {@link IdempotencyKeys#scoped}).
     */
    static String scoped(String serviceId, String value) {
        return serviceId + " " + value;
    }
}
