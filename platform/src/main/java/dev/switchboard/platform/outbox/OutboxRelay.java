package dev.switchboard.platform.outbox;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.elemMatch;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.exists;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.or;

import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.bson.Document;
import org.bson.types.Binary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoCollection;

import dev.switchboard.platform.events.EventPublisher;
import dev.switchboard.platform.reactive.Detached;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Publishes the events waiting in aggregate documents, in their order, and removes each once the
 * broker has acknowledged it. It runs right after every write ({@link #relay}) and, for whatever
 * that missed (a crash, a broker outage), on a periodic sweep. Delivery is at least once: a crash
 * between publishing and removing publishes again, and consumers deduplicate by event id.
 * <p>
 * One relay at a time per document, across all instances: a relay first claims the document
 * ({@code relayClaim}, with an expiry so a crashed relay's claim lapses), so two instances never publish
 * the same events concurrently and never reorder the events of one key. Whoever holds the claim publishes
 * what is pending, releases it, and goes again while events arrived meanwhile.
 * <p>
 * The caller of a relay (a request) is answered as soon as the relay started: its write is durable and the relay
 * runs to its end by itself. Only while more than {@code backgroundRelays} relays are running does a caller wait
 * for its own (at most the relay timeout), so a slow broker slows the writers down rather than piling up relays.
 * At shutdown, after the web server stopped and before the Kafka producer closes, {@link #stop} waits (at most the
 * relay timeout) for those still running.
 */
public final class OutboxRelay implements SmartLifecycle {

    /** Stops after the web server's graceful shutdown and stop, and before the Kafka producer factory closes. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    static final String CLAIM = "relayClaim";
    private static final int MAX_PASSES = 20;
    private static final Duration CLAIM_POLL = Duration.ofMillis(25);

    private final ReactiveMongoTemplate mongo;
    private final EventPublisher publisher;
    private final OutboxProperties properties;
    private final Clock clock;
    /** Relays started by {@link #relay}, {@link #relayAndWait} and {@link #relayInserted} that have not ended. */
    private final AtomicInteger running = new AtomicInteger();
    private volatile boolean started;

    public OutboxRelay(ReactiveMongoTemplate mongo, EventPublisher publisher, OutboxProperties properties, Clock clock) {
        this.mongo = mongo;
        this.publisher = publisher;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Publishes the pending events of one document. The caller (a request) is answered once the relay started, or,
     * while too many relays are running, when it ended or the relay timeout passed; the relay itself goes on in the
     * background and keeps its claim until it finished, so a slow broker neither holds the request nor leaves
     * half-published events to a concurrent sweep. Failures are logged and left to the sweep: the state change is
     * already durable, so the caller's request has succeeded.
     */
    public Mono<Void> relay(String collection, Object id) {
        // deferred: callers chain it after their write (write.then(relay(...))), so it must start on subscription
        return Mono.defer(() -> answerCaller(relayNow(collection, id, true), false));
    }

    /**
     * What {@link #relay} does, but its caller always waits for the end (at most the relay timeout): for a step
     * that needs the events gone, such as removing a tombstone once its event is out.
     */
    public Mono<Void> relayAndWait(String collection, Object id) {
        return Mono.defer(() -> answerCaller(relayNow(collection, id, true), true));
    }

    /**
     * A write that leaves pending events in a document, then their {@link #relay}, as one piece of work: once
     * subscribed it runs to its end whether or not the caller still waits. Chained as two steps, a request cancelled
     * between them (the gateway's timeout, a client that left) leaves its events to the sweep, a claim timeout
     * later. The caller gets the write's value (empty when it wrote nothing: then nothing is relayed) or its error,
     * once the events are out ({@link #relayAndWait}, at most the relay timeout): these are the rarer writes (settings,
     * tenants, mailboxes, uploads) whose callers may act on the event next, such as a ticket naming a file just
     * uploaded, which ticket-service waits for only briefly.
     */
    public <T> Mono<T> writeThenRelay(Mono<T> write, String collection, Object id) {
        return Mono.defer(() -> Detached.await(write.flatMap(written -> relayAndWait(collection, id)
                        .thenReturn(written))
                .toFuture()));
    }

    /**
     * A claim for a document about to be inserted with pending events: the insert carries it
     * ({@link InsertClaim#into}), so the document is claimed from its first moment and {@link #relayInserted}
     * publishes it without a claiming write of its own. If this instance dies before relaying, the claim lapses
     * after the claim timeout and the sweep takes the events then.
     */
    public InsertClaim claimForInsert() {
        return new InsertClaim(UUID.randomUUID().toString(), Date.from(clock.instant().plus(properties.claimTimeout())));
    }

    /**
     * What {@link #relay} does, for a document just inserted with {@code claim} and {@code events} (those it was
     * inserted with): they are published from memory, then removed and the claim released in one write that also
     * says whether more arrived meanwhile. One round trip fewer than {@link #relay}; the same waiting and failure
     * rules.
     */
    public Mono<Void> relayInserted(String collection, Object id, InsertClaim claim, List<PendingEvent> events) {
        return Mono.defer(() -> {
            long deadline = System.nanoTime() + properties.relayTimeout().toNanos();
            Document inserted = new Document("pendingEvents", events.stream().map(OutboxRelay::document).toList());
            return answerCaller(leftToTheSweepOnFailure(mongo.getCollection(collection)
                    .flatMap(documents -> publishAll(documents, id, claim.id(), inserted)
                            .flatMap(pass -> pass == Pass.NOTHING_PENDING ? Mono.<Void>empty()
                                    : drain(documents, id, 1, deadline))), collection, id), false);
        });
    }

    /** The claim a new document is inserted with; see {@link #claimForInsert}. */
    public record InsertClaim(String id, Date until) {

        /** Puts the claim into the document about to be inserted. */
        public Document into(Document document) {
            document.put(CLAIM, new Document("id", id).append("until", until));
            return document;
        }
    }

    /**
     * Starts a relay and answers its caller: at once while at most {@code backgroundRelays} relays are running
     * (unless {@code callerWaits}), else when it ended or the relay timeout passed. Either way the relay goes on
     * by itself and keeps its claim until it finished.
     */
    private Mono<Void> answerCaller(Mono<Void> relaying, boolean callerWaits) {
        int now = running.incrementAndGet();
        CompletableFuture<Void> relay = relaying.doFinally(signal -> running.decrementAndGet()).toFuture();
        if (!callerWaits && now <= properties.backgroundRelays()) {
            return Mono.empty();
        }
        return Detached.await(relay)
                .timeout(properties.relayTimeout())
                .onErrorResume(TimeoutException.class, error -> Mono.empty());
    }

    /** How many relays have not ended; for tests and operations. */
    public int running() {
        return running.get();
    }

    @Override
    public void start() {
        started = true;
    }

    /**
     * Waits, at most the relay timeout, for the relays still publishing for callers already answered, so a graceful
     * shutdown publishes what its last requests wrote; whatever is left the sweep publishes once its claim lapsed.
     */
    @Override
    public void stop() {
        started = false;
        long deadline = System.nanoTime() + properties.relayTimeout().toNanos();
        while (running.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
        if (running.get() > 0) {
            log.warn("{} relays still running at shutdown; the sweep publishes their events once their claims lapse",
                    running.get());
        }
    }

    @Override
    public boolean isRunning() {
        return started;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** A relay that fails leaves its events to the sweep: logged, never an error of the caller's. */
    private Mono<Void> leftToTheSweepOnFailure(Mono<Void> relaying, String collection, Object id) {
        return relaying.onErrorResume(error -> {
            log.warn("Relay of {} {} failed, the sweep will retry: {}", collection, id, describe(error));
            return Mono.empty();
        });
    }

    private static Document document(PendingEvent event) {
        return new Document("eventId", event.eventId()).append("topic", event.topic()).append("key", event.key())
                .append("type", event.type()).append("serviceId", event.serviceId()).append("payload", event.payload());
    }

    /** Relays until the document has nothing pending, or another relay holds it; never fails. */
    Mono<Void> relayNow(String collection, Object id) {
        return relayNow(collection, id, false);
    }

    /**
     * Relays until the document has nothing pending; never fails. While another relay holds the document
     * (typically the relay of the previous write to it, still publishing), it waits for that claim to end when
     * {@code waitWhileClaimed}, so a caller that relays after its write knows its events went out once this
     * completes; the sweep does not wait, it comes back.
     */
    Mono<Void> relayNow(String collection, Object id, boolean waitWhileClaimed) {
        // waiting for another relay's claim is only worth it while a caller waits for this one
        long deadline = System.nanoTime() + properties.relayTimeout().toNanos();
        return leftToTheSweepOnFailure(mongo.getCollection(collection)
                .flatMap(documents -> drain(documents, id, 0, waitWhileClaimed ? deadline : 0)), collection, id);
    }

    private enum Pass { PUBLISHED, NOTHING_PENDING, CLAIMED_ELSEWHERE }

    private Mono<Void> drain(MongoCollection<Document> documents, Object id, int passes, long waitUntil) {
        return publishClaimed(documents, id).flatMap(pass -> switch (pass) {
            case NOTHING_PENDING -> Mono.<Void>empty();
            case PUBLISHED -> passes + 1 >= MAX_PASSES ? Mono.<Void>empty() : drain(documents, id, passes + 1, waitUntil);
            case CLAIMED_ELSEWHERE -> System.nanoTime() >= waitUntil ? Mono.<Void>empty()
                    : Mono.delay(CLAIM_POLL).then(drain(documents, id, passes, waitUntil));
        });
    }

    /** One pass: claim, publish what is pending, release. */
    private Mono<Pass> publishClaimed(MongoCollection<Document> documents, Object id) {
        String claim = UUID.randomUUID().toString();
        Date now = Date.from(clock.instant());
        Date until = Date.from(clock.instant().plus(properties.claimTimeout()));
        var pending = and(eq("_id", id), exists("pendingEvents.0"));
        var claimable = and(pending, or(exists(CLAIM, false), eq(CLAIM, null), lt(CLAIM + ".until", now)));
        return Mono.from(documents.findOneAndUpdate(claimable,
                        Updates.set(CLAIM, new Document("id", claim).append("until", until)),
                        new FindOneAndUpdateOptions().projection(Projections.include("pendingEvents"))
                                .returnDocument(ReturnDocument.AFTER)))
                .flatMap(document -> publishAll(documents, id, claim, document))
                .switchIfEmpty(Mono.defer(() -> Mono.from(documents.find(pending).projection(Projections.include("_id")).first())
                        .map(busy -> Pass.CLAIMED_ELSEWHERE)
                        .defaultIfEmpty(Pass.NOTHING_PENDING)));
    }

    /**
     * Publishes the claimed events, then removes them and releases the claim in one write that also tells
     * whether events arrived meanwhile, so the common case (nothing new) needs no further round trip.
     */
    private Mono<Pass> publishAll(MongoCollection<Document> documents, Object id, String claim, Document document) {
        List<Document> pending = document.getList("pendingEvents", Document.class, List.of());
        return Flux.fromIterable(pending)
                .concatMap(event -> publisher.publishEncoded(event.getString("topic"), event.getString("key"),
                                event.getString("type"), event.getString("eventId"), event.getString("serviceId"),
                                bytes(event.get("payload")))
                        .thenReturn(event.getString("eventId")))
                .collectList()
                // give up well before the claim lapses, so no other relay publishes these events at the same time
                .timeout(publishDeadline())
                .flatMap(published -> Mono.from(documents.findOneAndUpdate(
                        and(eq("_id", id), eq(CLAIM + ".id", claim)),
                        Updates.combine(
                                Updates.pullByFilter(new Document("pendingEvents",
                                        new Document("eventId", new Document("$in", published)))),
                                Updates.unset(CLAIM)),
                        new FindOneAndUpdateOptions().projection(Projections.include("pendingEvents"))
                                .returnDocument(ReturnDocument.AFTER))))
                .map(after -> after.getList("pendingEvents", Document.class, List.of()).isEmpty()
                        ? Pass.NOTHING_PENDING : Pass.PUBLISHED)
                // the claim lapsed meanwhile (another relay may hold the document now): look again
                .defaultIfEmpty(Pass.PUBLISHED)
                .onErrorResume(error -> release(documents, id, claim).then(Mono.error(error)));
    }

    private Duration publishDeadline() {
        Duration margin = properties.claimTimeout().dividedBy(6);
        return properties.claimTimeout().minus(margin);
    }

    /** Gives a claim back after a failed publish, so the sweep need not wait for it to lapse. */
    private Mono<Void> release(MongoCollection<Document> documents, Object id, String claim) {
        return Mono.from(documents.updateOne(and(eq("_id", id), eq(CLAIM + ".id", claim)), Updates.unset(CLAIM)))
                .onErrorResume(error -> Mono.empty())
                .then();
    }

    /** One sweep over every outbox collection; public for tests and operations. */
    public Mono<Void> sweep() {
        Date cutoff = Date.from(clock.instant().minus(properties.sweepMinAge()));
        return Flux.fromIterable(properties.collections())
                .concatMap(collection -> mongo.getCollection(collection)
                        .flatMapMany(documents -> documents.find(elemMatch("pendingEvents", lt("createdAt", cutoff)))
                                .projection(Projections.include("_id"))
                                .limit(properties.sweepBatch()))
                        .concatMap(document -> relayNow(collection, document.get("_id"))))
                .then();
    }

    /** Declares the index the sweep's query uses (real MongoDB uses it; the local wire server scans). */
    public Mono<Void> declareIndexes() {
        return Flux.fromIterable(properties.collections())
                .concatMap(collection -> mongo.getCollection(collection)
                        .flatMap(documents -> Mono.from(documents.createIndex(Indexes.ascending("pendingEvents.createdAt"),
                                new IndexOptions().name("outbox_pending").sparse(true)))))
                .then();
    }

    private static String describe(Throwable error) {
        StringBuilder text = new StringBuilder(error.toString());
        for (Throwable cause = error.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append(" <- ").append(cause);
        }
        return text.toString();
    }

    private static byte[] bytes(Object payload) {
        if (payload instanceof Binary binary) {
            return binary.getData();
        }
        if (payload instanceof byte[] raw) {
            return raw;
        }
        throw new IllegalStateException("Pending event without a binary payload");
    }
}
