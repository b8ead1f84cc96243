package dev.switchboard.ticket.ticket;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

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
import dev.switchboard.platform.web.NhnApiException;
import dev.switchboard.platform.web.NhnResponse;
import dev.switchboard.ticket.field.Fields;
import dev.switchboard.ticket.ticket.TicketRequests.AttachmentView;
import dev.switchboard.ticket.ticket.TicketRequests.CreateTicketRequest;
import dev.switchboard.ticket.ticket.TicketRequests.TicketView;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/** Creates tickets; the ticket and its {@code TicketCreated} are written in one document insert. */
@Service
class TicketService implements InitializingBean {

    static final String STATUS_NEW = "new";

    private final ReactiveMongoTemplate mongo;
    private final TicketValidator validator;
    private final Fields fields;
    private final EventMetadataFactory metadata;
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final Clock clock = Clock.systemUTC();

    TicketService(ReactiveMongoTemplate mongo, TicketValidator validator, Fields fields,
                  EventMetadataFactory metadata, Outbox outbox, OutboxRelay relay) {
        this.mongo = mongo;
        this.validator = validator;
        this.fields = fields;
        this.metadata = metadata;
        this.outbox = outbox;
        this.relay = relay;
    }

    Mono<TicketView> create(String serviceId, CreateTicketRequest request, String correlationId) {
        return fields.form(serviceId, request.categoryId(), request.language()).flatMap(form -> {
            var outcome = validator.validate(request, form);
            if (!outcome.failures().isEmpty()) {
                return Mono.error(NhnApiException.invalid("Invalid ticket", outcome.failures()));
            }
            return Mono.fromSupplier(() -> newTicket(serviceId, request, outcome.userFields(), correlationId))
                    .flatMap(mongo::insert)
                    // a colliding random id is retried with a fresh one
                    .retryWhen(Retry.max(3).filter(DuplicateKeyException.class::isInstance))
                    .flatMap(saved -> relay.relay(Ticket.COLLECTION, saved.ticketId()).thenReturn(saved))
                    .map(saved -> view(saved, form.categoryName(), form.categoryFullName()));
        });
    }

    /** A page of the tenant's tickets with the vendor's paging fields. */
    Mono<NhnResponse> list(TicketQuery query) {
        var filter = query.toQuery();
        var page = Query.of(filter).with(query.sort()).skip((long) (query.page() - 1) * query.pageSize())
                .limit(query.pageSize());
        return Mono.zip(mongo.count(filter, Ticket.class), mongo.find(page, Ticket.class).map(TicketService::view).collectList())
                .map(both -> NhnResponse.page(both.getT2(), both.getT1(), query.page(), query.pageSize()));
    }

    /** The indexes the ticket queries use (production MongoDB uses them; the local wire server scans). */
    @Override
    public void afterPropertiesSet() {
        // start-up runs on the main thread, so waiting here is safe
        var indexes = mongo.indexOps(Ticket.class);
        Mono.when(indexes.createIndex(new Index().on("serviceId", Sort.Direction.ASC).on("updatedAt", Sort.Direction.DESC)
                                .named("tenant_updated")),
                        indexes.createIndex(new Index().on("serviceId", Sort.Direction.ASC).on("endUser.usercode", Sort.Direction.ASC)
                                .named("tenant_usercode")),
                        indexes.createIndex(new Index().on("serviceId", Sort.Direction.ASC).on("categoryId", Sort.Direction.ASC)
                                .named("tenant_category")))
                .block(Duration.ofSeconds(30));
    }

    /** One ticket of the tenant; another tenant's ticket id is simply not found. */
    Mono<TicketView> find(String serviceId, String ticketId) {
        return mongo.findOne(Query.query(Criteria.where("_id").is(ticketId).and("serviceId").is(serviceId)), Ticket.class)
                .switchIfEmpty(Mono.error(() -> NhnApiException.notFound("No ticket " + ticketId)))
                .map(TicketService::view);
    }

    private Ticket newTicket(String serviceId, CreateTicketRequest request, List<Ticket.UserField> userFields,
                             String correlationId) {
        var now = clock.instant();
        String ticketId = TicketIds.next(clock);
        var endUser = new Ticket.EndUser(request.endUser().usercode(), request.endUser().email(),
                request.endUser().username(), request.endUser().phone());
        List<Ticket.AttachmentRef> attachments = request.attachments() == null ? List.of()
                : request.attachments().stream().map(a -> new Ticket.AttachmentRef(a.attachmentId())).toList();
        String source = request.source() == null ? "web" : request.source();
        var event = TicketCreated.newBuilder()
                .setMetadata(metadata.create(serviceId, correlationId))
                .setTicketId(ticketId)
                .setCategoryId(request.categoryId())
                .setSubject(request.subject())
                .setContent(request.content())
                .setStatus(STATUS_NEW)
                .setEndUser(dev.switchboard.events.ticket.EndUser.newBuilder()
                        .setUsercode(endUser.usercode()).setEmail(endUser.email())
                        .setUsername(endUser.username()).setPhone(endUser.phone()).build())
                .setAttachmentIds(attachments.stream().map(Ticket.AttachmentRef::attachmentId).toList())
                .setLanguage(request.language())
                .setSource(source)
                .setCreatedAt(now)
                .build();
        return new Ticket(ticketId, serviceId, request.categoryId(), request.subject(), request.content(), STATUS_NEW,
                endUser, attachments, request.typeOne(), request.typeTwo(), request.language(), source, userFields,
                now, now, List.of(outbox.pending(ticketId, event)));
    }

    private static TicketView view(Ticket ticket) {
        return view(ticket, null, null);
    }

    private static TicketView view(Ticket ticket, String categoryName, String categoryFullName) {
        List<AttachmentView> attachments = ticket.attachments().stream()
                .map(a -> new AttachmentView(a.attachmentId(), null, null, "attachment", null, null))
                .toList();
        return new TicketView(ticket.ticketId(), ticket.subject(), ticket.categoryId(), categoryName, categoryFullName,
                ticket.status(),
                null, ticket.content(), ticket.createdAt().toEpochMilli(), ticket.updatedAt().toEpochMilli(), null,
                attachments, null);
    }
}
