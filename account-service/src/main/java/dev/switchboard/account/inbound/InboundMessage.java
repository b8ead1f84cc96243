package dev.switchboard.account.inbound;

import java.time.Instant;
import java.util.List;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import dev.switchboard.platform.outbox.PendingEvent;

/**
 * What became of one fetched message, kept under its one key ({@link FetchedMessage#key()}), so a message is
 * handled once however often it is fetched. A published message carries its {@code InboundEmailReceived} in
 * {@code pendingEvents} until the outbox relay has published it. Holds no addresses and no bodies.
 *
 * @param key             {@code mailboxId:uidValidity:uid}
 * @param tenantMessageId {@link #tenantMessageId(String, String)} of the Message-ID, unique (sparse): a Message-ID
 *                        the tenant already imported is not imported again, in whatever mailbox or folder generation
 *                        it turns up; absent for duplicates and messages without a Message-ID
 * @param reason          why the message was ignored, set aside or found a duplicate
 * @param subject         the decoded subject, when the message could be read; shown with set-aside messages
 * @param receivedAt      when the fetcher read the message
 */
@Document(InboundMessage.COLLECTION)
record InboundMessage(@Id String key, String serviceId, String mailboxId, Integer accountId, long uidValidity,
                      long uid, String messageId, String tenantMessageId, Status status, String reason, String subject,
                      Instant receivedAt, Instant recordedAt, List<PendingEvent> pendingEvents) {

    static final String COLLECTION = "inbound_messages";

    enum Status { PUBLISHED, DUPLICATE, IGNORED, SET_ASIDE }

    /** The tenant-wide identity of a Message-ID. */
    static String tenantMessageId(String serviceId, String messageId) {
        return messageId == null ? null : serviceId + " " + messageId;
    }

    InboundOutcome outcome() {
        return new InboundOutcome(InboundOutcome.Kind.valueOf(status.name()), reason);
    }
}
