package dev.switchboard.platform.outbox;

import static com.mongodb.client.model.Filters.elemMatch;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.lt;

import java.time.Clock;
import java.util.Date;
import java.util.List;

import org.bson.Document;
import org.bson.types.Binary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoCollection;

import dev.switchboard.platform.events.EventPublisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Publishes the events waiting in aggregate documents, in their order, and removes each once the
 * broker has acknowledged it. It runs right after every write ({@link #relay}) and, for whatever
 * that missed (a crash, a broker outage), on a periodic sweep. Delivery is at least once: a crash
 * between publishing and removing publishes again, and consumers deduplicate by event id.
 */
public final class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private final ReactiveMongoTemplate mongo;
    private final EventPublisher publisher;
    private final OutboxProperties properties;
    private final Clock clock;
    private final PeriodicTask sweeping;

    public OutboxRelay(ReactiveMongoTemplate mongo, EventPublisher publisher, OutboxProperties properties, Clock clock) {
        this.mongo = mongo;
        this.publisher = publisher;
        this.properties = properties;
        this.clock = clock;
        this.sweeping = new PeriodicTask("Outbox sweep", properties.sweepInterval(), this::sweep);
    }

    /**
     * Publishes the pending events of one document. Failures are logged and left to the sweep: the
     * state change is already durable, so the caller's request has succeeded.
     */
    public Mono<Void> relay(String collection, Object id) {
        return publishPending(collection, id)
                .timeout(properties.relayTimeout())
                .onErrorResume(error -> {
                    log.warn("Relay of {} {} failed, the sweep will retry: {}", collection, id, describe(error));
                    return Mono.empty();
                });
    }

    private Mono<Void> publishPending(String collection, Object id) {
        return mongo.getCollection(collection).flatMap(documents ->
                Mono.from(documents.find(eq("_id", id)).projection(Projections.include("pendingEvents")).first())
                        .flatMap(document -> publishAll(documents, id, document)));
    }

    private Mono<Void> publishAll(MongoCollection<Document> documents, Object id, Document document) {
        List<Document> pending = document.getList("pendingEvents", Document.class, List.of());
        if (pending.isEmpty()) {
            return Mono.empty();
        }
        return Flux.fromIterable(pending)
                .concatMap(event -> publisher.publishEncoded(event.getString("topic"), event.getString("key"),
                                event.getString("type"), event.getString("eventId"), event.getString("serviceId"),
                                bytes(event.get("payload")))
                        .thenReturn(event.getString("eventId")))
                .collectList()
                .flatMap(published -> Mono.from(documents.updateOne(eq("_id", id),
                        Updates.pullByFilter(new Document("pendingEvents", new Document("eventId", new Document("$in", published)))))))
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
                        .concatMap(document -> relay(collection, document.get("_id"))))
                .then();
    }

    /** Declares the index the sweep's query uses (real MongoDB uses it; the local wire server scans). */
    Mono<Void> declareIndexes() {
        return Flux.fromIterable(properties.collections())
                .concatMap(collection -> mongo.getCollection(collection)
                        .flatMap(documents -> Mono.from(documents.createIndex(Indexes.ascending("pendingEvents.createdAt"),
                                new IndexOptions().name("outbox_pending").sparse(true)))))
                .then();
    }

    @Override
    public void start() {
        sweeping.start(declareIndexes());
    }

    @Override
    public void stop() {
        sweeping.stop();
    }

    @Override
    public boolean isRunning() {
        return sweeping.isRunning();
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
