package dev.switchboard.ticket.ticket;

import java.time.Instant;
import java.util.List;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import dev.switchboard.platform.outbox.PendingEvent;

/**
 * A customer inquiry and its state; every change carries its events in {@code pendingEvents}. {@code idempotency}
 * is the tenant and the {@code Idempotency-Key} it was created with (see {@link IdempotencyKeys}), absent without.
 */
@Document(Ticket.COLLECTION)
record Ticket(@Id String ticketId, String serviceId, Long categoryId, String subject, String content, String status,
              EndUser endUser, List<AttachmentRef> attachments, String typeOne, String typeTwo, String language,
              String source, List<UserField> userFields, List<Reply> replies, Instant createdAt,
              Instant updatedAt, List<PendingEvent> pendingEvents, String idempotency) {

    static final String COLLECTION = "tickets";

    /** The customer; e-mail and phone are kept sealed, the name when the form marks it {@code encrypt}. */
    record EndUser(String usercode, Personal email, Personal username, Personal phone) {
    }

    /**
     * A piece of personal data: {@code clear} or {@code sealed} (never both), and the keyed hash of its
     * normalized form when lists filter on it.
     */
    record Personal(String clear, byte[] sealed, String hash) {
    }

    record AttachmentRef(String attachmentId) {
    }

    /** An agent's answer or the customer's re-inquiry, in the order they came, with the files it attached. */
    record Reply(String replyId, String author, String comment, Instant createdAt, List<AttachmentRef> attachments) {
        static final String AGENT = "agent";
        static final String CUSTOMER = "customer";

        List<AttachmentRef> attachmentsOrEmpty() {
            return attachments == null ? List.of() : attachments;
        }
    }

    List<Reply> repliesOrEmpty() {
        return replies == null ? List.of() : replies;
    }

    List<UserField> userFieldsOrEmpty() {
        return userFields == null ? List.of() : userFields;
    }

    /**
     * A user field value as checked and normalized; when its field says {@code encrypt} only {@code sealed} (the
     * value as JSON) is kept.
     */
    record UserField(long fieldId, String code, String type, Object value, boolean encrypt, byte[] sealed) {
    }
}
