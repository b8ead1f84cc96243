package dev.switchboard.ticket.ticket;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;

import dev.switchboard.events.inbound.InboundEmailHandled;
import dev.switchboard.platform.events.EventMetadataFactory;
import dev.switchboard.platform.outbox.Outbox;
import dev.switchboard.platform.outbox.OutboxRelay;
import dev.switchboard.ticket.attachment.AttachmentFiles;
import dev.switchboard.ticket.field.Fields;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Tickets and customer replies made of inbound mail, each message exactly once: a message (tenant, mailbox,
 * UIDVALIDITY, UID) or a Message-ID the tenant received before is a duplicate of what it became then. The ticket or
 * reply and the answer to the fetcher ({@code InboundEmailHandled}, keyed by the mailbox) are one write; the unique
 * indexes {@code tenant_inbound_key} and {@code tenant_inbound_message_id} decide between concurrent deliveries.
 * <p>
 * Mail is never refused: an email ticket has no category even where the tenant's form requires one (a mail names
 * none, and an agent can file it), text over the ticket's limits is cut with a note, and a one-line field loses its
 * line breaks instead of failing.
 */
@Service
public class MailTickets {

    public static final String TICKET = "ticket";
    public static final String REPLY = "reply";
    public static final String DUPLICATE = "duplicate";
    public static final String IN_REPLY_TO = "in-reply-to";
    public static final String REFERENCES = "references";
    public static final String SUBJECT_TOKEN = "subject-token";

    /** A stored part of the message; {@code contentId} and {@code inline} for an image its HTML shows. */
    public record MailFile(String attachmentId, String contentId, boolean inline) {
    }

    /**
     * What a ticket or reply is made of: the message's subject (unused by a reply), text, sanitized HTML (or null),
     * the customer's address and name (unused by a reply), its files, and notes for the agent (parts not attached).
     */
    public record MailMessage(String subject, String text, String html, String email, String name,
                              List<MailFile> files, List<String> notes) {
    }

    /** What became of a message: outcome ticket, reply or duplicate, the ticket, and how a reply found it. */
    public record Handled(String outcome, String ticketId, String matchedBy) {
    }

    private final ReactiveMongoTemplate mongo;
    private final TicketService tickets;
    private final TicketLifecycle lifecycle;
    private final PersonalData personal;
    private final Fields fields;
    private final AttachmentFiles files;
    private final EventMetadataFactory metadata;
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final Clock clock = Clock.systemUTC();

    MailTickets(ReactiveMongoTemplate mongo, TicketService tickets, TicketLifecycle lifecycle, PersonalData personal,
                Fields fields, AttachmentFiles files, EventMetadataFactory metadata, Outbox outbox,
                OutboxRelay relay) {
        this.mongo = mongo;
        this.tickets = tickets;
        this.lifecycle = lifecycle;
        this.personal = personal;
        this.fields = fields;
        this.files = files;
        this.metadata = metadata;
        this.outbox = outbox;
        this.relay = relay;
    }

    /** A Message-ID as it is compared: trimmed, in angle brackets; null when there is none. */
    public static String messageId(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String id = raw.strip();
        return id.startsWith("<") && id.endsWith(">") ? id : "<" + id + ">";
    }

    /** The ticket the message became before, if it did: the same message first, then the same Message-ID. */
    public Mono<String> importedAs(MailReceipt receipt) {
        Mono<String> sameMessage = ticketIdWhere(Criteria.where("inboundKeys").is(receipt.key()));
        return receipt.messageId() == null ? sameMessage : sameMessage.switchIfEmpty(Mono.defer(() ->
                ticketIdWhere(Criteria.where("inboundMessageIds").is(receipt.scopedMessageId()))));
    }

    /**
     * Of {@code messageIds}, those that name one of the tenant's tickets (a mail we sent for it, or a message that
     * became it or one of its replies), each with its ticket; one query for all of them.
     */
    public Mono<Map<String, String>> threadedBy(String serviceId, Collection<String> messageIds) {
        if (messageIds.isEmpty()) {
            return Mono.just(Map.of());
        }
        List<String> scoped = messageIds.stream().map(id -> MailReceipt.scoped(serviceId, id)).toList();
        var query = Query.query(Criteria.where("serviceId").is(serviceId).orOperator(
                Criteria.where("mailMessageIds").in(messageIds), Criteria.where("inboundMessageIds").in(scoped)));
        query.fields().include("_id", "mailMessageIds", "inboundMessageIds");
        return mongo.find(query, Document.class, Ticket.COLLECTION).collectList().map(found -> {
            Map<String, String> tickets = new HashMap<>();
            for (Document ticket : found) {
                List<String> sent = ticket.getList("mailMessageIds", String.class, List.of());
                List<String> received = ticket.getList("inboundMessageIds", String.class, List.of());
                for (String id : messageIds) {
                    if (sent.contains(id) || received.contains(MailReceipt.scoped(serviceId, id))) {
                        tickets.putIfAbsent(id, ticket.getString("_id"));
                    }
                }
            }
            return tickets;
        });
    }

    /** Whether the tenant has the ticket (another tenant's ticket id is not the tenant's). */
    public Mono<Boolean> exists(String serviceId, String ticketId) {
        return mongo.exists(Query.query(Criteria.where("_id").is(ticketId).and("serviceId").is(serviceId)),
                Ticket.class);
    }

    /** Whether the tenant's ticket has the reply (whose mail carried {@code <ticketId.replyId@domain>}). */
    public Mono<Boolean> hasReply(String serviceId, String ticketId, String replyId) {
        return mongo.exists(Query.query(Criteria.where("_id").is(ticketId).and("serviceId").is(serviceId)
                .and("replies.replyId").is(replyId)), Ticket.class);
    }

    /**
     * Records the Message-ID of a mail sent for a ticket of the tenant, so a reply to it threads. Repeating it
     * changes nothing; an unknown ticket or another tenant's is left alone.
     */
    public Mono<Void> mailSent(String serviceId, String ticketId, String messageId) {
        String id = messageId(messageId);
        if (ticketId == null || id == null) {
            return Mono.empty();
        }
        // one per mail sent: through the driver, without the template's mapping of the query and update
        return mongo.getCollection(Ticket.COLLECTION).flatMap(tickets -> Mono.from(tickets.updateOne(
                new Document("_id", ticketId).append("serviceId", serviceId),
                new Document("$addToSet", new Document("mailMessageIds", id))))).then();
    }

    /** A new ticket with source {@code email} made of the message, unless the message became one before. */
    public Mono<Handled> open(MailReceipt receipt, MailMessage mail) {
        String serviceId = receipt.serviceId();
        return fields.form(serviceId, null, null).map(form -> form.system("name").encrypt())
                .flatMap(nameSealed -> once(receipt, () -> insert(receipt, mail, nameSealed)));
    }

    /**
     * A customer reply on the tenant's ticket made of the message, through the re-inquiry path (a closed ticket opens
     * again), unless the message became something before.
     */
    public Mono<Handled> reply(MailReceipt receipt, String ticketId, String matchedBy, MailMessage mail) {
        var refs = refs(mail.files());
        var handled = handled(receipt, REPLY, ticketId, matchedBy);
        return once(receipt, () -> lifecycle.mailReply(ticketId, receipt,
                        MailText.content(mail.text(), mail.notes()), mail.html(), refs, matchedBy, handled)
                .flatMap(written -> written
                        ? files.referenced(receipt.serviceId(), fileIds(refs))
                                .thenReturn(new Handled(REPLY, ticketId, matchedBy))
                        // a concurrent delivery of the same message recorded it on this ticket meanwhile
                        : duplicate(receipt, ticketId)));
    }

    /**
     * Answers a message that became {@code ticketId} before: {@code InboundEmailHandled} with outcome duplicate, put in
     * that ticket's outbox (the ticket itself does not change).
     */
    public Mono<Handled> duplicate(MailReceipt receipt, String ticketId) {
        var pending = outbox.pending(receipt.mailboxId(), handled(receipt, DUPLICATE, ticketId, null));
        return mongo.updateFirst(Query.query(Criteria.where("_id").is(ticketId)),
                        new Update().push("pendingEvents", pending), Ticket.class)
                .then(relay.relay(Ticket.COLLECTION, ticketId))
                .thenReturn(new Handled(DUPLICATE, ticketId, null));
    }

    /**
     * {@code write} unless the message became something before. The caller looked just before (an inbound message
     * is checked as it arrives), so the write goes first and the unique indexes on the message's key and Message-ID
     * decide: a write that collides on them finds what the earlier delivery wrote, and answers with that; a random
     * ticket id that collided is drawn anew. Two lookups fewer for every message that is new.
     */
    private Mono<Handled> once(MailReceipt receipt, java.util.function.Supplier<Mono<Handled>> write) {
        return Mono.defer(write)
                .onErrorResume(DuplicateKeyException.class, collided -> importedAs(receipt)
                        .flatMap(earlier -> duplicate(receipt, earlier))
                        .switchIfEmpty(Mono.error(collided)))
                .retryWhen(Retry.max(3).filter(DuplicateKeyException.class::isInstance));
    }

    private Mono<Handled> insert(MailReceipt receipt, MailMessage mail, boolean nameSealed) {
        String serviceId = receipt.serviceId();
        Instant now = clock.instant();
        String ticketId = TicketIds.next(clock);
        String subject = MailText.subject(mail.subject());
        String content = MailText.content(mail.text(), mail.notes());
        var customer = new TicketRequests.EndUserBody(null, MailText.address(mail.email()), MailText.name(mail.name()),
                null);
        var refs = refs(mail.files());
        List<String> fileIds = fileIds(refs);
        var created = tickets.created(serviceId, ticketId, null, subject, content, customer, fileIds, null,
                Ticket.SOURCE_EMAIL, now, receipt.correlationId());
        // the acknowledgement asks the customer to answer to the mailbox the mail arrived in
        created.setSourceMailbox(receipt.mailbox());
        var ticket = new Ticket(ticketId, serviceId, null, subject, content, TicketService.STATUS_NEW,
                personal.seal(serviceId, ticketId, customer, nameSealed), refs, null, null, null, Ticket.SOURCE_EMAIL,
                null, List.of(), now, now, List.of(outbox.pending(ticketId, created),
                        outbox.pending(receipt.mailboxId(), handled(receipt, TICKET, ticketId, null))), null,
                mail.html(), null, List.of(receipt.key()),
                receipt.scopedMessageId() == null ? null : List.of(receipt.scopedMessageId()));
        return mongo.insert(ticket)
                .flatMap(saved -> relay.relay(Ticket.COLLECTION, ticketId)
                        .then(files.referenced(serviceId, fileIds))
                        .thenReturn(new Handled(TICKET, ticketId, null)));
    }

    private InboundEmailHandled handled(MailReceipt receipt, String outcome, String ticketId, String matchedBy) {
        return InboundEmailHandled.newBuilder()
                .setMetadata(metadata.create(receipt.serviceId(), receipt.correlationId()))
                .setMailboxId(receipt.mailboxId()).setUidValidity(receipt.uidValidity()).setUid(receipt.uid())
                .setMessageId(receipt.messageId()).setOutcome(outcome).setTicketId(ticketId).setMatchedBy(matchedBy)
                .build();
    }

    private Mono<String> ticketIdWhere(Criteria criteria) {
        var query = Query.query(criteria);
        query.fields().include("_id");
        return mongo.findOne(query, Document.class, Ticket.COLLECTION).map(found -> found.getString("_id"));
    }

    private static List<Ticket.AttachmentRef> refs(List<MailFile> files) {
        List<Ticket.AttachmentRef> refs = new ArrayList<>();
        for (MailFile file : files == null ? List.<MailFile>of() : files) {
            if (refs.stream().noneMatch(r -> r.attachmentId().equals(file.attachmentId()))) {
                refs.add(new Ticket.AttachmentRef(file.attachmentId(), file.contentId(), file.inline()));
            }
        }
        return refs;
    }

    private static List<String> fileIds(List<Ticket.AttachmentRef> refs) {
        return refs.stream().map(Ticket.AttachmentRef::attachmentId).toList();
    }
}
