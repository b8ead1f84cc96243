package dev.switchboard.ticket.ticket;

import java.time.Instant;
import java.util.List;

import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.PersistenceCreator;
import org.springframework.data.mongodb.core.mapping.Document;

import dev.switchboard.platform.outbox.PendingEvent;

/**
 * A customer inquiry and its state; every change carries its events in {@code pendingEvents}. {@code idempotency}
 * is the tenant and the {@code Idempotency-Key} it was created with (see {@link IdempotencyKeys}), absent without.
 * <p>
 * Mail threads into a ticket through the Message-IDs it knows: {@code mailMessageIds} of the mail sent for it (from
 * notification-service's {@code EmailSent}), {@code inboundMessageIds} of the messages that became it or its replies.
 * {@code inboundKeys} names those messages exactly (tenant, mailbox, UIDVALIDITY, UID). The inbound fields hold values
 * scoped to the tenant (see {@link MailReceipt}), each at most once among all tickets (unique indexes), and are absent
 * on tickets no mail ever reached. {@code htmlContent} is the sanitized HTML of a ticket that came by mail.
 */
@Document(Ticket.COLLECTION)
record Ticket(@Id String ticketId, String serviceId, Long categoryId, String subject, String content, String status,
              EndUser endUser, List<AttachmentRef> attachments, String typeOne, String typeTwo, String language,
              String source, List<UserField> userFields, List<Reply> replies, Instant createdAt,
              Instant updatedAt, List<PendingEvent> pendingEvents, String idempotency, String htmlContent,
              List<String> mailMessageIds, List<String> inboundKeys, List<String> inboundMessageIds) {

    static final String COLLECTION = "tickets";
    /** The channel of a ticket that came by mail. */
    static final String SOURCE_EMAIL = "email";

    @PersistenceCreator
    Ticket {
    }

    /** A ticket as the API and the help center create it: nothing of mail. */
    Ticket(String ticketId, String serviceId, Long categoryId, String subject, String content, String status,
           EndUser endUser, List<AttachmentRef> attachments, String typeOne, String typeTwo, String language,
           String source, List<UserField> userFields, List<Reply> replies, Instant createdAt, Instant updatedAt,
           List<PendingEvent> pendingEvents, String idempotency) {
        this(ticketId, serviceId, categoryId, subject, content, status, endUser, attachments, typeOne, typeTwo,
                language, source, userFields, replies, createdAt, updatedAt, pendingEvents, idempotency, null, null,
                null, null);
    }

    /** The customer; e-mail and phone are kept sealed, the name when the form marks it {@code encrypt}. */
    record EndUser(String usercode, Personal email, Personal username, Personal phone) {
    }

    /**
     * A piece of personal data: {@code clear} or {@code sealed} (never both), and the keyed hash of its
     * normalized form when lists filter on it.
     */
    record Personal(String clear, byte[] sealed, String hash) {
    }

    /**
     * A file of a ticket or reply; {@code contentId} and {@code inline} for a part of a mail, which its HTML shows
     * where it says {@code cid:<contentId>}.
     */
    record AttachmentRef(String attachmentId, String contentId, boolean inline) {

        @PersistenceCreator
        AttachmentRef {
        }

        AttachmentRef(String attachmentId) {
            this(attachmentId, null, false);
        }
    }

    /**
     * An agent's answer or the customer's re-inquiry, in the order they came, with the files it attached. A reply
     * that came by mail keeps its sanitized HTML and {@code matchedBy}, how it found this ticket ({@code in-reply-to},
     * {@code references} or {@code subject-token}).
     */
    record Reply(String replyId, String author, String comment, Instant createdAt, List<AttachmentRef> attachments,
                 String matchedBy, String htmlContent) {
        static final String AGENT = "agent";
        static final String CUSTOMER = "customer";

        @PersistenceCreator
        Reply {
        }

        Reply(String replyId, String author, String comment, Instant createdAt, List<AttachmentRef> attachments) {
            this(replyId, author, comment, createdAt, attachments, null, null);
        }

        List<AttachmentRef> attachmentsOrEmpty() {
            return attachments == null ? List.of() : attachments;
        }
    }

    List<Reply> repliesOrEmpty() {
        return replies == null ? List.of() : replies;
    }

    List<String> inboundKeysOrEmpty() {
        return inboundKeys == null ? List.of() : inboundKeys;
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
