package dev.switchboard.ticket.ticket;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.function.Function;

import org.bson.Document;
import org.bson.types.Binary;

import dev.switchboard.platform.outbox.PendingEvent;

/**
 * A ticket as the document the template's mapping writes for it, built directly: every created ticket is one, and
 * the mapping (reflection over seven nested record types, type checks per value) was 7% of ticket-service's CPU at
 * 500 tickets/s. It writes what the mapping writes, field for field and type for type (absent for null, dates,
 * binary for bytes), so the template reads these documents as its own; {@code TicketDocumentTest} holds the two
 * side by side. A new field of {@link Ticket} or its parts needs its line here.
 */
final class TicketDocument {

    private TicketDocument() {
    }

    static Document of(Ticket ticket) {
        var document = new Document();
        put(document, "_id", ticket.ticketId());
        // the type hint the mapping writes at the top
        document.put("_class", Ticket.class.getName());
        put(document, "serviceId", ticket.serviceId());
        put(document, "categoryId", ticket.categoryId());
        put(document, "subject", ticket.subject());
        put(document, "content", ticket.content());
        put(document, "status", ticket.status());
        put(document, "endUser", ticket.endUser() == null ? null : endUser(ticket.endUser()));
        put(document, "attachments", list(ticket.attachments(), TicketDocument::attachment));
        put(document, "typeOne", ticket.typeOne());
        put(document, "typeTwo", ticket.typeTwo());
        put(document, "language", ticket.language());
        put(document, "source", ticket.source());
        put(document, "userFields", list(ticket.userFields(), TicketDocument::userField));
        put(document, "replies", list(ticket.replies(), TicketDocument::reply));
        put(document, "createdAt", date(ticket.createdAt()));
        put(document, "updatedAt", date(ticket.updatedAt()));
        put(document, "pendingEvents", list(ticket.pendingEvents(), TicketDocument::pendingEvent));
        put(document, "idempotency", ticket.idempotency());
        put(document, "htmlContent", ticket.htmlContent());
        put(document, "mailMessageIds", ticket.mailMessageIds());
        put(document, "inboundKeys", ticket.inboundKeys());
        put(document, "inboundMessageIds", ticket.inboundMessageIds());
        return document;
    }

    private static Document endUser(Ticket.EndUser endUser) {
        var document = new Document();
        put(document, "usercode", endUser.usercode());
        put(document, "email", personal(endUser.email()));
        put(document, "username", personal(endUser.username()));
        put(document, "phone", personal(endUser.phone()));
        return document;
    }

    private static Document personal(Ticket.Personal personal) {
        if (personal == null) {
            return null;
        }
        var document = new Document();
        put(document, "clear", personal.clear());
        put(document, "sealed", binary(personal.sealed()));
        put(document, "hash", personal.hash());
        return document;
    }

    private static Document attachment(Ticket.AttachmentRef attachment) {
        var document = new Document();
        put(document, "attachmentId", attachment.attachmentId());
        put(document, "contentId", attachment.contentId());
        document.put("inline", attachment.inline());
        return document;
    }

    private static Document userField(Ticket.UserField field) {
        var document = new Document("fieldId", field.fieldId());
        put(document, "code", field.code());
        put(document, "type", field.type());
        put(document, "value", value(field.value()));
        document.put("encrypt", field.encrypt());
        put(document, "sealed", binary(field.sealed()));
        return document;
    }

    private static Document reply(Ticket.Reply reply) {
        var document = new Document();
        put(document, "replyId", reply.replyId());
        put(document, "author", reply.author());
        put(document, "comment", reply.comment());
        put(document, "createdAt", date(reply.createdAt()));
        put(document, "attachments", list(reply.attachments(), TicketDocument::attachment));
        put(document, "matchedBy", reply.matchedBy());
        put(document, "htmlContent", reply.htmlContent());
        return document;
    }

    private static Document pendingEvent(PendingEvent event) {
        var document = new Document();
        put(document, "eventId", event.eventId());
        put(document, "topic", event.topic());
        put(document, "key", event.key());
        put(document, "type", event.type());
        put(document, "serviceId", event.serviceId());
        put(document, "payload", binary(event.payload()));
        put(document, "createdAt", date(event.createdAt()));
        return document;
    }

    /** A user field's checked value: text, a choice of texts or file ids, or an agreement. */
    private static Object value(Object value) {
        return switch (value) {
            case null -> null;
            case String text -> text;
            case Boolean agreed -> agreed;
            case List<?> items -> items.stream().map(TicketDocument::value).toList();
            default -> throw new Unmapped(value.getClass());
        };
    }

    /** A value this class does not know how the mapping writes: the caller lets the mapping write the ticket. */
    static final class Unmapped extends RuntimeException {
        Unmapped(Class<?> type) {
            super("A user field value of type " + type.getName(), null, false, false);
        }
    }

    private static <T> List<Object> list(List<T> items, Function<T, Object> each) {
        if (items == null) {
            return null;
        }
        List<Object> written = new ArrayList<>(items.size());
        items.forEach(item -> written.add(item == null ? null : each.apply(item)));
        return written;
    }

    private static void put(Document document, String key, Object value) {
        if (value != null) {
            document.put(key, value);
        }
    }

    private static Date date(Instant instant) {
        return instant == null ? null : Date.from(instant);
    }

    private static Binary binary(byte[] bytes) {
        return bytes == null ? null : new Binary(bytes);
    }
}
