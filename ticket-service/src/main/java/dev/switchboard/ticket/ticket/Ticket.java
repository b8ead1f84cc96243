package dev.switchboard.ticket.ticket;

import java.time.Instant;
import java.util.List;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import dev.switchboard.platform.outbox.PendingEvent;

/** A customer inquiry and its state; every change carries its events in {@code pendingEvents}. */
@Document(Ticket.COLLECTION)
record Ticket(@Id String ticketId, String serviceId, Long categoryId, String subject, String content, String status,
              EndUser endUser, List<AttachmentRef> attachments, String typeOne, String typeTwo, String language,
              String source, List<UserField> userFields, List<Reply> replies, Instant createdAt,
              Instant updatedAt, List<PendingEvent> pendingEvents) {

    static final String COLLECTION = "tickets";

    record EndUser(String usercode, String email, String username, String phone) {
    }

    record AttachmentRef(String attachmentId) {
    }

    /** An agent's answer or the customer's re-inquiry, in the order they came. */
    record Reply(String replyId, String author, String comment, Instant createdAt) {
        static final String AGENT = "agent";
        static final String CUSTOMER = "customer";
    }

    List<Reply> repliesOrEmpty() {
        return replies == null ? List.of() : replies;
    }

    /** A user field value as checked and normalized; sealed at rest when its field says {@code encrypt}. */
    record UserField(long fieldId, String code, String type, Object value, boolean encrypt) {
    }
}
