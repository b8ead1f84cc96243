package dev.switchboard.ticket.ticket;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.bson.Document;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Service;

import dev.switchboard.events.ticket.TicketCreated;
import dev.switchboard.platform.events.EventMetadataFactory;
import dev.switchboard.platform.outbox.Outbox;
import dev.switchboard.platform.outbox.OutboxRelay;
import dev.switchboard.platform.reactive.Detached;
import dev.switchboard.platform.web.NhnApiException;
import dev.switchboard.platform.web.NhnResponse;
import dev.switchboard.ticket.attachment.AttachmentFile;
import dev.switchboard.ticket.attachment.AttachmentFiles;
import dev.switchboard.ticket.category.Categories;
import dev.switchboard.ticket.category.Lineages;
import dev.switchboard.ticket.field.FieldInput;
import dev.switchboard.ticket.field.Fields;
import dev.switchboard.ticket.ticket.TicketRequests.AttachmentView;
import dev.switchboard.ticket.ticket.TicketRequests.CreateTicketRequest;
import dev.switchboard.ticket.ticket.TicketRequests.TicketView;
import dev.switchboard.ticket.ticket.TicketRequests.ValidationFailure;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Creates tickets; the ticket and its {@code TicketCreated} are written in one document insert. A creation with an
 * {@code Idempotency-Key} happens once per tenant and key: a repeat answers with the first ticket.
 */
@Service
class TicketService implements InitializingBean {

    static final String STATUS_NEW = "new";

    private final ReactiveMongoTemplate mongo;
    private final TicketValidator validator;
    private final Fields fields;
    private final Categories categories;
    private final AttachmentFiles files;
    private final EventMetadataFactory metadata;
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final PersonalData personal;
    private final Clock clock = Clock.systemUTC();

    TicketService(ReactiveMongoTemplate mongo, TicketValidator validator, Fields fields, Categories categories,
                  AttachmentFiles files, EventMetadataFactory metadata, Outbox outbox, OutboxRelay relay,
                  PersonalData personal) {
        this.mongo = mongo;
        this.validator = validator;
        this.fields = fields;
        this.categories = categories;
        this.files = files;
        this.metadata = metadata;
        this.outbox = outbox;
        this.relay = relay;
        this.personal = personal;
    }

    /** {@code idempotencyKey} as checked by {@link IdempotencyKeys#check}, or null. */
    Mono<TicketView> create(String serviceId, CreateTicketRequest request, String idempotencyKey, String correlationId) {
        String idempotency = IdempotencyKeys.scoped(serviceId, idempotencyKey);
        if (idempotency == null) {
            return createNew(serviceId, request, null, correlationId);
        }
        // before validating: the files the first request named may have changed since, its ticket has not
        return createdWith(serviceId, idempotency).flatMap(this::repeat)
                .switchIfEmpty(Mono.defer(() -> createNew(serviceId, request, idempotency, correlationId)));
    }

    private Mono<TicketView> createNew(String serviceId, CreateTicketRequest request, String idempotency,
                                       String correlationId) {
        return fields.form(serviceId, request.categoryId(), request.language()).flatMap(form -> {
            var outcome = validator.validate(request, form);
            Map<String, Owner> wanted = attachmentOwners(request, outcome.userFields());
            return files.usable(serviceId, wanted.keySet()).flatMap(usable -> {
                List<ValidationFailure> failures = new ArrayList<>(outcome.failures());
                // a file the tenant never uploaded, another tenant's, deleted or about to expire
                wanted.forEach((id, owner) -> {
                    if (!usable.containsKey(id)) {
                        failures.add(ValidationFailure.of(owner.code(), owner.fieldId(), "invalid", id));
                    }
                });
                if (!failures.isEmpty()) {
                    return Mono.error(NhnApiException.invalid("Invalid ticket", failures));
                }
                boolean nameSealed = form.system("name").encrypt();
                return storeAndRelay(() -> newTicket(serviceId, request, outcome.userFields(), nameSealed,
                                wanted.keySet(), idempotency, correlationId), serviceId, idempotency)
                        .flatMap(stored -> !stored.created() ? repeat(stored.ticket())
                                : files.referenced(serviceId, wanted.keySet())
                                        .thenReturn(view(stored.ticket(), form.categoryName(), form.categoryFullName(),
                                                usable, false).asCreated()));
            });
        });
    }

    /**
     * Stores a new ticket (see {@link #store}) and relays its events. Once started it runs to its end whether or not
     * the request still waits: a ticket inserted for a request that was cancelled meanwhile (the gateway's timeout,
     * a client that left) has its events published now, not by the sweep once the insert's claim has run out.
     */
    Mono<Stored> storeAndRelay(Supplier<Ticket> fresh, String serviceId, String idempotency) {
        return Mono.defer(() -> Detached.await(store(fresh, serviceId, idempotency)
                .flatMap(stored -> !stored.created() ? Mono.just(stored)
                        : relay.relayInserted(Ticket.COLLECTION, stored.ticket().ticketId(), stored.claim(),
                                stored.ticket().pendingEvents()).thenReturn(stored))
                .toFuture()));
    }

    /**
     * A ticket as stored: the new one, inserted with its relay {@code claim}, or ({@code created} false, no claim)
     * the one an earlier request with the key made.
     */
    record Stored(Ticket ticket, boolean created, OutboxRelay.InsertClaim claim) {
    }

    /**
     * Inserts a new ticket, claimed for this instance's relay in the same write. A colliding random id is retried
     * with a fresh one; a key another request stored a ticket with in the meantime (the unique index decides the
     * race) answers with that ticket.
     */
    Mono<Stored> store(Supplier<Ticket> fresh, String serviceId, String idempotency) {
        return Mono.fromSupplier(fresh).flatMap(this::insertClaimed)
                .onErrorResume(DuplicateKeyException.class, e -> idempotency == null ? Mono.error(e)
                        : createdWith(serviceId, idempotency).map(earlier -> new Stored(earlier, false, null))
                                .switchIfEmpty(Mono.error(e)))
                .retryWhen(Retry.max(3).filter(DuplicateKeyException.class::isInstance));
    }

    private Mono<Stored> insertClaimed(Ticket ticket) {
        var claim = relay.claimForInsert();
        return mongo.insert(claim.into(document(ticket)), Ticket.COLLECTION).thenReturn(new Stored(ticket, true, claim));
    }

    /** The ticket as stored: built directly, or by the mapping for a value {@link TicketDocument} does not know. */
    private Document document(Ticket ticket) {
        try {
            return TicketDocument.of(ticket);
        } catch (TicketDocument.Unmapped e) {
            var document = new Document();
            mongo.getConverter().write(ticket, document);
            return document;
        }
    }

    private Mono<Ticket> createdWith(String serviceId, String idempotency) {
        return mongo.findOne(Query.query(Criteria.where("idempotency").is(idempotency).and("serviceId").is(serviceId)),
                Ticket.class);
    }

    /**
     * The create answer again, for a repeated request. What followed the first insert is done again (both are
     * idempotent), as that request may have failed right after it: publishing the event, keeping the files.
     */
    private Mono<TicketView> repeat(Ticket ticket) {
        List<String> fileIds = Stream.concat(ticket.attachments().stream().map(Ticket.AttachmentRef::attachmentId),
                        ticket.userFieldsOrEmpty().stream()
                                .filter(field -> "file".equals(field.type()) && field.value() instanceof List<?>)
                                .flatMap(field -> ((List<?>) field.value()).stream().map(String::valueOf)))
                .distinct().toList();
        return relay.relay(Ticket.COLLECTION, ticket.ticketId())
                .then(files.referenced(ticket.serviceId(), fileIds))
                .then(views(ticket.serviceId(), List.of(ticket), false))
                .map(views -> views.getFirst().asCreated());
    }

    /** Which field each referenced file came in: the attachment list or a file-type user field. */
    private record Owner(String code, String fieldId) {
    }

    private static Map<String, Owner> attachmentOwners(CreateTicketRequest request, List<Ticket.UserField> userFields) {
        Map<String, Owner> owners = new LinkedHashMap<>();
        var attachments = request.attachments();
        if (attachments != null && attachments.size() <= TicketValidator.MAX_ATTACHMENTS) {
            // ids that cannot name an upload are the validator's failures, not looked up
            attachments.stream().filter(a -> a != null && FieldInput.isAttachmentId(a.attachmentId()))
                    .forEach(a -> owners.putIfAbsent(a.attachmentId(), new Owner("attachment", TicketValidator.ATTACHMENT_FIELD)));
        }
        for (Ticket.UserField field : userFields) {
            if ("file".equals(field.type()) && field.value() instanceof List<?> ids) {
                ids.forEach(id -> owners.putIfAbsent((String) id,
                        new Owner(field.code(), String.valueOf(field.fieldId()))));
            }
        }
        return owners;
    }

    /** A page of the tenant's tickets with the vendor's paging fields. */
    Mono<NhnResponse> list(TicketQuery query) {
        var filter = query.toQuery(personal);
        var page = Query.of(filter).with(query.sort()).skip((long) (query.page() - 1) * query.pageSize())
                .limit(query.pageSize());
        return Mono.zip(mongo.count(filter, Ticket.class),
                        mongo.find(page, Ticket.class).collectList()
                                .flatMap(found -> views(query.serviceId(), found, false)))
                .map(both -> NhnResponse.page(both.getT2(), both.getT1(), query.page(), query.pageSize()));
    }

    /** The indexes the ticket queries use (production MongoDB uses them; the local wire server scans). */
    @Override
    public void afterPropertiesSet() {
        // start-up runs on the main thread, so waiting here is safe
        var indexes = mongo.indexOps(Ticket.class);
        Mono.when(indexes.createIndex(new Index().on("serviceId", Sort.Direction.ASC).on("updatedAt", Sort.Direction.DESC)
                                .named("tenant_updated")),
                        // startDt/endDt and the createdDt sort
                        indexes.createIndex(new Index().on("serviceId", Sort.Direction.ASC).on("createdAt", Sort.Direction.DESC)
                                .named("tenant_created")),
                        // an agent's queue: the tenant's new (or open) tickets, latest change first
                        indexes.createIndex(new Index().on("serviceId", Sort.Direction.ASC).on("status", Sort.Direction.ASC)
                                .on("updatedAt", Sort.Direction.DESC).named("tenant_status_updated")),
                        indexes.createIndex(new Index().on("serviceId", Sort.Direction.ASC).on("endUser.usercode", Sort.Direction.ASC)
                                .named("tenant_usercode")),
                        indexes.createIndex(new Index().on("serviceId", Sort.Direction.ASC).on("categoryId", Sort.Direction.ASC)
                                .named("tenant_category")),
                        // the e-mail and name filters match keyed hashes, never the sealed values
                        indexes.createIndex(new Index().on("serviceId", Sort.Direction.ASC)
                                .on("endUser.email.hash", Sort.Direction.ASC).named("tenant_email")),
                        indexes.createIndex(new Index().on("serviceId", Sort.Direction.ASC)
                                .on("endUser.username.hash", Sort.Direction.ASC).named("tenant_username")),
                        // one ticket per tenant and Idempotency-Key; tickets without a key are not in it
                        indexes.createIndex(new Index().on("idempotency", Sort.Direction.ASC).unique().sparse()
                                .named("tenant_idempotency")),
                        // each inbound message (tenant, mailbox, UIDVALIDITY, UID) and each Message-ID a tenant
                        // received becomes one ticket or reply; tickets no mail reached are not in them
                        indexes.createIndex(new Index().on("inboundKeys", Sort.Direction.ASC).unique().sparse()
                                .named("tenant_inbound_key")),
                        indexes.createIndex(new Index().on("inboundMessageIds", Sort.Direction.ASC).unique().sparse()
                                .named("tenant_inbound_message_id")),
                        // replies threading by the Message-ID of mail we sent for a ticket
                        indexes.createIndex(new Index().on("serviceId", Sort.Direction.ASC)
                                .on("mailMessageIds", Sort.Direction.ASC).named("tenant_mail_message_ids")))
                .block(Duration.ofSeconds(30));
    }

    /** One ticket of the tenant; another tenant's ticket id is simply not found. */
    Mono<TicketView> find(String serviceId, String ticketId) {
        return find(serviceId, ticketId, null);
    }

    /** One ticket of the tenant, and of that customer when {@code usercode} is given, with the customer's data. */
    Mono<TicketView> find(String serviceId, String ticketId, String usercode) {
        return load(serviceId, ticketId, usercode)
                .flatMap(ticket -> views(serviceId, List.of(ticket), true))
                .map(List::getFirst);
    }

    /** The stored ticket of the tenant (and of that customer when {@code usercode} is given), else 404. */
    Mono<Ticket> load(String serviceId, String ticketId, String usercode) {
        var criteria = Criteria.where("_id").is(ticketId).and("serviceId").is(serviceId);
        if (usercode != null) {
            criteria.and("endUser.usercode").is(usercode);
        }
        return mongo.findOne(Query.query(criteria), Ticket.class)
                .switchIfEmpty(Mono.error(() -> NhnApiException.notFound("No ticket " + ticketId)));
    }

    /**
     * Tickets as the vendor shows them: category names in the ticket's language, file metadata; with
     * {@code withCustomer}, the customer and the user fields opened.
     */
    private Mono<List<TicketView>> views(String serviceId, List<Ticket> tickets, boolean withCustomer) {
        Set<String> ids = tickets.stream()
                .flatMap(t -> Stream.concat(t.attachments().stream(),
                        t.repliesOrEmpty().stream().flatMap(r -> r.attachmentsOrEmpty().stream())))
                .map(Ticket.AttachmentRef::attachmentId).collect(Collectors.toSet());
        return Mono.zip(categories.lineages(serviceId), files.known(serviceId, ids)).map(both -> tickets.stream()
                .map(ticket -> {
                    var lineage = ticket.categoryId() == null ? Optional.<Lineages.Lineage>empty()
                            : both.getT1().of(ticket.categoryId(), ticket.language());
                    return view(ticket, lineage.map(Lineages.Lineage::name).orElse(null),
                            lineage.map(Lineages.Lineage::fullName).orElse(null), both.getT2(),
                            withCustomer);
                })
                .toList());
    }

    private Ticket newTicket(String serviceId, CreateTicketRequest request, List<Ticket.UserField> userFields,
                             boolean nameSealed, Set<String> referencedFiles, String idempotency, String correlationId) {
        var now = clock.instant();
        String ticketId = TicketIds.next(clock);
        var endUser = request.endUser();
        List<Ticket.AttachmentRef> attachments = request.attachments() == null ? List.of()
                : request.attachments().stream().map(a -> new Ticket.AttachmentRef(a.attachmentId())).toList();
        String source = request.source() == null ? "web" : request.source();
        var event = created(serviceId, ticketId, request.categoryId(), request.subject(), request.content(), endUser,
                List.copyOf(referencedFiles), request.language(), source, now, correlationId);
        return new Ticket(ticketId, serviceId, request.categoryId(), request.subject(), request.content(), STATUS_NEW,
                personal.seal(serviceId, ticketId, endUser, nameSealed), attachments, request.typeOne(),
                request.typeTwo(), request.language(), source, personal.seal(serviceId, ticketId, userFields),
                List.of(), now, now, List.of(outbox.pending(ticketId, event)), idempotency);
    }

    /** The event of a new ticket, whatever channel it came through. */
    TicketCreated created(String serviceId, String ticketId, Long categoryId, String subject, String content,
                          TicketRequests.EndUserBody endUser, List<String> attachmentIds, String language,
                          String source, Instant now, String correlationId) {
        return TicketCreated.newBuilder()
                .setMetadata(metadata.create(serviceId, correlationId))
                .setTicketId(ticketId)
                .setCategoryId(categoryId)
                .setSubject(subject)
                .setContent(content)
                .setStatus(STATUS_NEW)
                // personal data travels sealed for the mailer only; analytics sees the member id
                .setEndUser(dev.switchboard.events.ticket.EndUser.newBuilder()
                        .setUsercode(endUser.usercode()).build())
                .setSealedContact(personal.contactForEvents(serviceId, ticketId, endUser.email(), endUser.username()))
                .setAttachmentIds(attachmentIds)
                .setLanguage(language)
                .setSource(source)
                .setCreatedAt(now)
                .build();
    }

    private TicketView view(Ticket ticket, String categoryName, String categoryFullName,
                            Map<String, AttachmentFile> files, boolean withCustomer) {
        List<AttachmentView> attachments = ticket.attachments().stream()
                .map(a -> attachmentView(a, files.get(a.attachmentId())))
                .toList();
        return new TicketView(ticket.ticketId(), ticket.subject(), ticket.categoryId(), categoryName, categoryFullName,
                ticket.status(),
                null, ticket.content(), ticket.createdAt().toEpochMilli(), ticket.updatedAt().toEpochMilli(),
                ticket.repliesOrEmpty().stream().map(r -> new TicketRequests.ReplyView(r.replyId(),
                        Ticket.Reply.AGENT.equals(r.author()) ? "answer" : "inquiry", r.comment(),
                        r.createdAt().toEpochMilli(), r.attachmentsOrEmpty().stream()
                                .map(a -> attachmentView(a, files.get(a.attachmentId()))).toList(),
                        r.matchedBy(), withCustomer ? r.htmlContent() : null))
                        .toList(),
                attachments, null, withCustomer ? personal.open(ticket) : null,
                withCustomer ? personal.openFields(ticket) : null, withCustomer ? ticket.source() : null,
                withCustomer ? ticket.htmlContent() : null);
    }

    /** A file as the vendor shows it; a mail's inline image says so and names its Content-ID. */
    static AttachmentView attachmentView(Ticket.AttachmentRef ref, AttachmentFile file) {
        String disposition = ref.inline() ? "inline" : "attachment";
        return file == null ? new AttachmentView(ref.attachmentId(), null, null, disposition, null, null, ref.contentId())
                : new AttachmentView(ref.attachmentId(), file.fileName(), file.contentType(), disposition, file.size(),
                        file.createdAt().toEpochMilli(), ref.contentId());
    }
}
