package dev.switchboard.account.inbound;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Service;
import org.springframework.web.reactive.function.client.WebClientException;

import com.mongodb.MongoException;

import dev.switchboard.account.inbound.InboundMessage.Status;
import dev.switchboard.events.inbound.InboundEmailReceived;
import dev.switchboard.platform.events.EventMetadataFactory;
import dev.switchboard.platform.outbox.Outbox;
import dev.switchboard.platform.outbox.OutboxRelay;
import dev.switchboard.platform.outbox.PendingEvent;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Turns each fetched message into exactly one recorded outcome: {@code InboundEmailReceived} for ticket-service
 * (through the outbox), or the reason it was not published. The record's key is the message's place (mailbox,
 * UIDVALIDITY, UID), so fetching a message again answers {@code DUPLICATE}; a Message-ID the tenant already
 * imported is a {@code DUPLICATE} too, so a folder re-read after a UIDVALIDITY change imports nothing twice.
 * <p>
 * {@link #accept} completes only once the outcome is stored, and fails only on transient trouble (Mongo or
 * attachment-service unavailable); then nothing is recorded and the fetcher tries the message again. Whatever is
 * wrong with the message itself is recorded: it never blocks the messages after it.
 */
@Service
class InboundMessages implements MessageSink, InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(InboundMessages.class);
    static final String IGNORED_METRIC = "switchboard.inbound.ignored";
    static final String SET_ASIDE_METRIC = "switchboard.inbound.setaside";
    private static final int MAX_REASON = 300;

    private final ReactiveMongoTemplate mongo;
    private final MessageParser parser;
    private final NoiseFilter noise;
    private final InboundParts parts;
    private final EnvelopeSeal seal;
    private final EventMetadataFactory metadata;
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final MeterRegistry meters;
    private final String maxMessageSize;
    private final Clock clock = Clock.systemUTC();

    InboundMessages(ReactiveMongoTemplate mongo, MessageParser parser, NoiseFilter noise, InboundParts parts,
                    EnvelopeSeal seal, EventMetadataFactory metadata, Outbox outbox, OutboxRelay relay,
                    MeterRegistry meters, InboundProperties properties) {
        this.mongo = mongo;
        this.parser = parser;
        this.noise = noise;
        this.parts = parts;
        this.seal = seal;
        this.metadata = metadata;
        this.outbox = outbox;
        this.relay = relay;
        this.meters = meters;
        this.maxMessageSize = InboundParts.shown(properties.maxMessageSize());
    }

    @Override
    public void afterPropertiesSet() {
        // start-up runs on the main thread, so waiting here is safe
        var indexes = mongo.indexOps(InboundMessage.class);
        indexes.createIndex(new Index().on("tenantMessageId", Sort.Direction.ASC).unique().sparse()
                        .named("tenant_message_id"))
                .then(indexes.createIndex(new Index().on("serviceId", Sort.Direction.ASC)
                        .on("status", Sort.Direction.ASC).on("receivedAt", Sort.Direction.DESC)
                        .named("tenant_status_received")))
                .block(Duration.ofSeconds(30));
    }

    /** Handles one fetched message once; answers what became of it, after it is stored. */
    @Override
    public Mono<InboundOutcome> accept(FetchedMessage message) {
        return mongo.findById(message.key(), InboundMessage.class)
                .map(recorded -> new InboundOutcome(InboundOutcome.Kind.DUPLICATE,
                        "already handled: " + recorded.status().name().toLowerCase(Locale.ROOT)))
                .switchIfEmpty(Mono.defer(() -> firstTime(message)));
    }

    private Mono<InboundOutcome> firstTime(FetchedMessage message) {
        if (message.oversize()) {
            return setAside(message, "too-large", "the message is larger than " + maxMessageSize
                    + " and was not downloaded; it stays in the mailbox");
        }
        // parsing is CPU-bound work on up to maxMessageSize bytes: it runs on the bounded elastic scheduler
        return Mono.fromCallable(() -> parse(message))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(parsed -> classify(message, parsed))
                .onErrorResume(UnparseableMessageException.class,
                        unparseable -> setAside(message, "unparseable", "the message cannot be read: "
                                + unparseable.getMessage() + "; it stays in the mailbox"));
    }

    private ParsedMessage parse(FetchedMessage message) throws UnparseableMessageException {
        try {
            return parser.parse(message.raw());
        } catch (RuntimeException unexpected) {
            // the parser's libraries fail on some malformed input with runtime exceptions; the message is at fault
            log.warn("Inbound message {} failed to parse with {}", message.key(), unexpected.getClass().getName());
            throw new UnparseableMessageException("its structure is malformed (" + unexpected.getClass().getSimpleName()
                    + ")", unexpected);
        }
    }

    private Mono<InboundOutcome> classify(FetchedMessage message, ParsedMessage parsed) {
        String tenantMessageId = InboundMessage.tenantMessageId(message.serviceId(), parsed.messageId());
        Mono<Boolean> imported = tenantMessageId == null ? Mono.just(false)
                : mongo.exists(Query.query(Criteria.where("tenantMessageId").is(tenantMessageId)), InboundMessage.class);
        return imported.flatMap(seen -> {
            if (seen) {
                return duplicate(message, parsed);
            }
            Optional<NoiseFilter.Noise> rule = noise.check(parsed);
            if (rule.isPresent()) {
                return ignored(message, parsed, tenantMessageId, rule.get());
            }
            String sender = parsed.from().address();
            Optional<NoiseFilter.Noise> rate = noise.takeRate(message.serviceId(), sender);
            if (rate.isPresent()) {
                return ignored(message, parsed, tenantMessageId, rate.get());
            }
            return publish(message, parsed, tenantMessageId)
                    .onErrorResume(error -> !transientFailure(error), error -> {
                        log.warn("Inbound message {} cannot be stored, setting it aside", message.key(), error);
                        return setAside(message, "unstorable", "the message cannot be stored ("
                                + error.getClass().getSimpleName() + "); it stays in the mailbox");
                    })
                    // the allowance is given back when the message will be fetched again
                    .doOnError(error -> noise.refund(message.serviceId(), sender));
        });
    }

    /**
     * Trouble that passes: Mongo or attachment-service unavailable or slow, attachment-service misconfigured. The
     * fetcher tries the message again later. Anything else is the message's own (an event that cannot be encoded, a
     * document Mongo refuses): retrying would block the mailbox, so the message is set aside.
     */
    static boolean transientFailure(Throwable error) {
        if (error instanceof DataIntegrityViolationException) {
            return false;
        }
        return error instanceof DataAccessException || error instanceof MongoException
                || error instanceof WebClientException || error instanceof TimeoutException
                || error instanceof IOException || error instanceof InboundParts.UploadFailedException;
    }

    private Mono<InboundOutcome> publish(FetchedMessage message, ParsedMessage parsed, String tenantMessageId) {
        String correlationId = UUID.randomUUID().toString();
        return parts.store(message.serviceId(), parsed.parts(), parsed.skippedParts(), correlationId)
                .flatMap(stored -> {
                    var event = InboundEmailReceived.newBuilder()
                            .setMetadata(metadata.create(message.serviceId(), correlationId))
                            .setMailboxId(message.mailboxId())
                            .setMailbox(message.mailboxAddress())
                            .setAccountId(message.accountId())
                            .setUidValidity(message.uidValidity())
                            .setUid(message.uid())
                            .setSealedEnvelope(ByteBuffer.wrap(seal.seal(message, parsed)))
                            .setSenderDomain(parsed.from().domain())
                            .setSubject(parsed.subject())
                            .setTextBody(parsed.textBody())
                            .setHtmlBody(parsed.htmlBody())
                            .setMessageId(parsed.messageId())
                            .setInReplyTo(parsed.inReplyTo())
                            .setReferences(parsed.references())
                            .setSentAt(parsed.sentAt())
                            .setReceivedAt(receivedAt(message))
                            .setAttachments(stored.attachments())
                            .setSkippedParts(stored.skipped())
                            .build();
                    return store(record(message, parsed.messageId(), tenantMessageId, Status.PUBLISHED, null,
                            parsed.subject(), List.of(outbox.pending(message.mailboxId(), event))));
                });
    }

    private Mono<InboundOutcome> duplicate(FetchedMessage message, ParsedMessage parsed) {
        return store(record(message, parsed.messageId(), null, Status.DUPLICATE,
                "the Message-ID was imported before", parsed.subject(), List.of()));
    }

    private Mono<InboundOutcome> ignored(FetchedMessage message, ParsedMessage parsed, String tenantMessageId,
                                         NoiseFilter.Noise rule) {
        return store(record(message, parsed.messageId(), tenantMessageId, Status.IGNORED, rule.reason(),
                parsed.subject(), List.of()))
                .doOnNext(outcome -> {
                    if (outcome.kind() == InboundOutcome.Kind.IGNORED) {
                        meters.counter(IGNORED_METRIC, "reason", rule.code()).increment();
                        log.info("Inbound message {} ignored: {}", message.key(), rule.code());
                    }
                });
    }

    private Mono<InboundOutcome> setAside(FetchedMessage message, String code, String reason) {
        return store(record(message, null, null, Status.SET_ASIDE, reason, null, List.of()))
                .doOnNext(outcome -> {
                    if (outcome.kind() == InboundOutcome.Kind.SET_ASIDE) {
                        meters.counter(SET_ASIDE_METRIC, "reason", code).increment();
                        log.warn("Inbound message {} set aside: {}", message.key(), code);
                    }
                });
    }

    /**
     * Inserts the record (and relays its event); a record written meanwhile under the same key wins (then this is
     * a duplicate), and so does one that claimed the same Message-ID (then this one is kept as a duplicate).
     */
    private Mono<InboundOutcome> store(InboundMessage record) {
        return mongo.insert(record)
                .flatMap(saved -> saved.pendingEvents().isEmpty() ? Mono.just(saved.outcome())
                        : relay.relay(InboundMessage.COLLECTION, saved.key()).thenReturn(saved.outcome()))
                .onErrorResume(DuplicateKeyException.class, taken -> mongo.findById(record.key(), InboundMessage.class)
                        .map(recorded -> new InboundOutcome(InboundOutcome.Kind.DUPLICATE,
                                "already handled: " + recorded.status().name().toLowerCase(Locale.ROOT)))
                        .switchIfEmpty(Mono.defer(() -> record.tenantMessageId() == null
                                ? Mono.error(taken)
                                : store(new InboundMessage(record.key(), record.serviceId(), record.mailboxId(),
                                        record.accountId(), record.uidValidity(), record.uid(), record.messageId(),
                                        null, Status.DUPLICATE, "the Message-ID was imported before",
                                        record.subject(), record.receivedAt(), record.recordedAt(), List.of())))));
    }

    private InboundMessage record(FetchedMessage message, String messageId, String tenantMessageId, Status status,
                                  String reason, String subject, List<PendingEvent> events) {
        String shown = reason == null || reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON);
        return new InboundMessage(message.key(), message.serviceId(), message.mailboxId(), message.accountId(),
                message.uidValidity(), message.uid(), messageId, tenantMessageId, status, shown, subject,
                receivedAt(message), clock.instant(), events);
    }

    private Instant receivedAt(FetchedMessage message) {
        return message.fetchedAt() == null ? clock.instant() : message.fetchedAt();
    }

    /** A page of the tenant's set-aside and ignored messages, newest first. */
    Mono<Page> setAside(String serviceId, int page, int pageSize) {
        Criteria criteria = Criteria.where("serviceId").is(serviceId).and("status").in(Status.SET_ASIDE, Status.IGNORED);
        Query query = Query.query(criteria)
                .with(Sort.by(Sort.Direction.DESC, "receivedAt").and(Sort.by(Sort.Direction.DESC, "_id")))
                .skip((long) (page - 1) * pageSize).limit(pageSize);
        return Mono.zip(mongo.count(Query.query(criteria), InboundMessage.class),
                        mongo.find(query, InboundMessage.class).map(SetAsideView::of).collectList())
                .map(both -> new Page(both.getT2(), both.getT1()));
    }

    record Page(List<SetAsideView> contents, long total) {
    }
}
