package dev.switchboard.ticket.ticket;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

import org.apache.avro.specific.SpecificRecord;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;

import dev.switchboard.events.ticket.CustomerReplied;
import dev.switchboard.events.ticket.TicketReplied;
import dev.switchboard.events.ticket.TicketStatusChanged;
import dev.switchboard.platform.events.EventMetadataFactory;
import dev.switchboard.platform.outbox.Outbox;
import dev.switchboard.platform.outbox.OutboxRelay;
import dev.switchboard.platform.outbox.PendingEvent;
import dev.switchboard.platform.reactive.Detached;
import dev.switchboard.platform.web.NhnApiException;
import dev.switchboard.ticket.attachment.AttachmentFiles;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * What happens to a ticket after it exists: an agent solves it (an answer that closes it and is mailed), the
 * customer asks again (reopening a closed ticket), and explicit moves new -> open -> closed and reopen. Each
 * change and its events are one conditional update on the state that was read; a concurrent change retries.
 */
@Service
class TicketLifecycle {

    static final String OPEN = "open";
    static final String CLOSED = "closed";

    /** The explicit moves and the states each may start from. */
    enum Transition {
        OPEN_TICKET("open", Set.of(TicketService.STATUS_NEW), TicketLifecycle.OPEN),
        CLOSE("close", Set.of(TicketService.STATUS_NEW, TicketLifecycle.OPEN), TicketLifecycle.CLOSED),
        REOPEN("reopen", Set.of(TicketLifecycle.CLOSED), TicketLifecycle.OPEN);

        private final String reason;
        private final Set<String> from;
        private final String to;

        Transition(String reason, Set<String> from, String to) {
            this.reason = reason;
            this.from = from;
            this.to = to;
        }
    }

    /**
     * What one change writes: the new status, the reply it adds (or null) and its events, keyed by the ticket.
     * {@code guard} narrows the state it may be written on and {@code more} adds to the update, both optional.
     */
    private record Change(String status, Ticket.Reply reply, List<SpecificRecord> events, List<PendingEvent> alsoPending,
                          Criteria guard, Consumer<Update> more) {

        Change(String status, Ticket.Reply reply, List<SpecificRecord> events) {
            this(status, reply, events, List.of(), null, null);
        }
    }

    private final ReactiveMongoTemplate mongo;
    private final EventMetadataFactory metadata;
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final TicketService tickets;
    private final PersonalData personal;
    private final AttachmentFiles files;
    private final Clock clock = Clock.systemUTC();

    TicketLifecycle(ReactiveMongoTemplate mongo, EventMetadataFactory metadata, Outbox outbox, OutboxRelay relay,
                    TicketService tickets, PersonalData personal, AttachmentFiles files) {
        this.mongo = mongo;
        this.metadata = metadata;
        this.outbox = outbox;
        this.relay = relay;
        this.tickets = tickets;
        this.personal = personal;
        this.files = files;
    }

    /** The agent's answer: kept as a reply, mailed to the customer ({@code TicketReplied}), the ticket closed. */
    Mono<TicketRequests.TicketView> solve(String serviceId, String ticketId, TicketRequests.CommentRequest request,
                                          String correlationId) {
        return replyFiles(serviceId, request.attachments())
                .flatMap(fileIds -> change(serviceId, ticketId, null,
                                ticket -> answer(ticket, request.comment(), fileIds, correlationId))
                        .then(files.referenced(serviceId, fileIds)))
                .then(tickets.find(serviceId, ticketId));
    }

    /** The customer's re-inquiry on their own ticket; a closed ticket opens again. */
    Mono<TicketRequests.TicketView> comment(String serviceId, String usercode, String ticketId,
                                            TicketRequests.CommentRequest request, String correlationId) {
        return replyFiles(serviceId, request.attachments())
                .flatMap(fileIds -> change(serviceId, ticketId, usercode,
                                ticket -> reinquiry(ticket, usercode, reply(Ticket.Reply.CUSTOMER, request.comment(),
                                        fileIds), correlationId))
                        .then(files.referenced(serviceId, fileIds)))
                .then(tickets.find(serviceId, ticketId, usercode));
    }

    private Change answer(Ticket ticket, String comment, List<String> fileIds, String correlationId) {
        var reply = reply(Ticket.Reply.AGENT, comment, fileIds);
        var customer = personal.open(ticket);
        List<SpecificRecord> events = new ArrayList<>();
        events.add(TicketReplied.newBuilder().setMetadata(metadata.create(ticket.serviceId(), correlationId))
                .setTicketId(ticket.ticketId()).setReplyId(reply.replyId()).setSubject(ticket.subject())
                .setComment(comment).setAttachmentIds(fileIds)
                .setSealedContact(customer == null ? null : personal.contactForEvents(ticket.serviceId(),
                        ticket.ticketId(), customer.email(), customer.username()))
                .setLanguage(ticket.language()).setStatus(CLOSED).setRepliedAt(reply.createdAt()).build());
        statusEvent(ticket, CLOSED, "solve", correlationId, reply.createdAt()).ifPresent(events::add);
        return new Change(CLOSED, reply, events);
    }

    /**
     * The customer's reply that came by mail ({@link MailTickets}): a re-inquiry like {@link #comment}, on any of the
     * tenant's tickets, that also records the message on the ticket and puts {@code handled} (the answer to the
     * fetcher) in the same write. False when the ticket holds the message already; another ticket holding it fails
     * on the unique index ({@code DuplicateKeyException}).
     */
    Mono<Boolean> mailReply(String ticketId, MailReceipt receipt, String comment, String htmlContent,
                            List<Ticket.AttachmentRef> files, String matchedBy, SpecificRecord handled) {
        String key = receipt.key();
        return change(receipt.serviceId(), ticketId, null, ticket -> {
            if (ticket.inboundKeysOrEmpty().contains(key)) {
                return null;
            }
            var reply = new Ticket.Reply(replyId(), Ticket.Reply.CUSTOMER, comment, clock.instant(), files, matchedBy,
                    htmlContent);
            var base = reinquiry(ticket, ticket.endUser() == null ? null : ticket.endUser().usercode(), reply,
                    receipt.correlationId());
            return new Change(base.status(), reply, base.events(),
                    List.of(outbox.pending(receipt.mailboxId(), handled)),
                    Criteria.where("inboundKeys").ne(key), update -> {
                        update.push("inboundKeys", key);
                        if (receipt.scopedMessageId() != null) {
                            update.push("inboundMessageIds", receipt.scopedMessageId());
                        }
                    });
        });
    }

    private Change reinquiry(Ticket ticket, String usercode, Ticket.Reply reply, String correlationId) {
        String status = CLOSED.equals(ticket.status()) ? OPEN : ticket.status();
        List<String> fileIds = reply.attachmentsOrEmpty().stream().map(Ticket.AttachmentRef::attachmentId).toList();
        List<SpecificRecord> events = new ArrayList<>();
        events.add(CustomerReplied.newBuilder().setMetadata(metadata.create(ticket.serviceId(), correlationId))
                .setTicketId(ticket.ticketId()).setReplyId(reply.replyId()).setComment(reply.comment())
                .setUsercode(usercode).setAttachmentIds(fileIds).setRepliedAt(reply.createdAt()).build());
        statusEvent(ticket, status, "reinquiry", correlationId, reply.createdAt()).ifPresent(events::add);
        return new Change(status, reply, events);
    }

    private Ticket.Reply reply(String author, String comment, List<String> fileIds) {
        return new Ticket.Reply(replyId(), author, comment, clock.instant(),
                fileIds.stream().map(Ticket.AttachmentRef::new).toList());
    }

    /**
     * The files a reply attaches, checked as on a new ticket: at most 5, each one of the tenant's uploads that is
     * not about to expire; failures in the vendor's validation shape.
     */
    private Mono<List<String>> replyFiles(String serviceId, List<TicketRequests.AttachmentBody> attachments) {
        if (attachments == null || attachments.isEmpty()) {
            return Mono.just(List.of());
        }
        var malformed = TicketValidator.attachmentFailures(attachments);
        if (!malformed.isEmpty()) {
            return Mono.error(invalidFiles(malformed));
        }
        List<String> ids = attachments.stream().map(TicketRequests.AttachmentBody::attachmentId).distinct().toList();
        return files.usable(serviceId, ids).flatMap(usable -> {
            var failures = ids.stream().filter(id -> !usable.containsKey(id))
                    .map(id -> TicketValidator.fileFailure("invalid", id)).toList();
            return failures.isEmpty() ? Mono.just(ids) : Mono.error(invalidFiles(failures));
        });
    }

    private static NhnApiException invalidFiles(List<TicketRequests.ValidationFailure> failures) {
        return NhnApiException.invalid("Invalid reply", failures);
    }

    Mono<TicketRequests.TicketView> transition(String serviceId, String ticketId, Transition transition,
                                               String correlationId) {
        return change(serviceId, ticketId, null, ticket -> {
            if (!transition.from.contains(ticket.status())) {
                throw NhnApiException.badRequest("Ticket " + ticketId + " is " + ticket.status() + "; "
                        + transition.reason + " applies to a ticket that is " + String.join(" or ", transition.from.stream()
                        .sorted().toList()));
            }
            var event = statusEvent(ticket, transition.to, transition.reason, correlationId, clock.instant())
                    .orElseThrow();
            return new Change(transition.to, null, List.of(event));
        }).then(tickets.find(serviceId, ticketId));
    }

    private Optional<SpecificRecord> statusEvent(Ticket ticket, String to, String reason,
                                                           String correlationId, Instant at) {
        if (to.equals(ticket.status())) {
            return Optional.empty();
        }
        return Optional.of(TicketStatusChanged.newBuilder()
                .setMetadata(metadata.create(ticket.serviceId(), correlationId)).setTicketId(ticket.ticketId())
                .setFrom(ticket.status()).setTo(to).setReason(reason).setChangedAt(at).build());
    }

    /**
     * Writes what {@code change} makes of the ticket as read, only if nobody changed the ticket since; true when it
     * wrote, false when {@code change} found nothing to do (returned null).
     */
    private Mono<Boolean> change(String serviceId, String ticketId, String usercode, Function<Ticket, Change> change) {
        // once started, the write and its relay run to their end whether or not the request still waits: a change
        // written for a request that was cancelled meanwhile has its events published now, not by the sweep
        return Mono.defer(() -> Detached.await(written(serviceId, ticketId, usercode, change).toFuture()));
    }

    private Mono<Boolean> written(String serviceId, String ticketId, String usercode, Function<Ticket, Change> change) {
        return Mono.defer(() -> tickets.load(serviceId, ticketId, usercode)
                            .flatMap(current -> {
                                Change next = change.apply(current);
                                if (next == null) {
                                    return Mono.just(false);
                                }
                                var update = new Update().set("status", next.status()).set("updatedAt", clock.instant())
                                        .push("pendingEvents").each(Stream.concat(next.events().stream()
                                                        .map(e -> outbox.pending(ticketId, e)), next.alsoPending().stream())
                                                .toArray());
                                if (next.reply() != null) {
                                    update.push("replies", next.reply());
                                }
                                if (next.more() != null) {
                                    next.more().accept(update);
                                }
                                // written only if nobody changed the ticket since it was read
                                var unchanged = Criteria.where("_id").is(ticketId)
                                        .and("status").is(current.status()).and("updatedAt").is(current.updatedAt());
                                var query = Query.query(next.guard() == null ? unchanged
                                        : new Criteria().andOperator(unchanged, next.guard()));
                                return mongo.updateFirst(query, update, Ticket.class).flatMap(result ->
                                        result.getModifiedCount() == 1 ? Mono.just(true)
                                                : Mono.error(new OptimisticLockingFailureException(ticketId)));
                            }))
                .retryWhen(Retry.max(5).filter(OptimisticLockingFailureException.class::isInstance))
                .onErrorMap(OptimisticLockingFailureException.class,
                        e -> NhnApiException.relatedDataExists("Ticket " + ticketId + " changed concurrently; try again"))
                .flatMap(written -> relay.relay(Ticket.COLLECTION, ticketId).thenReturn(written));
    }

    private static String replyId() {
        return UUID.randomUUID().toString().replace("-", "");
    }
}
