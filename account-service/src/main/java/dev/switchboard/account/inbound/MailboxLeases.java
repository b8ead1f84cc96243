package dev.switchboard.account.inbound;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.bson.Document;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Which instance fetches which mailbox. Each instance heartbeats in {@value #INSTANCES}; a mailbox belongs to the
 * live instance that rendezvous hashing over the live ones prefers, so mailboxes spread evenly and only the
 * mailboxes of an instance that comes or goes move. Ownership itself is a lease in {@value #COLLECTION}
 * ({@code owner}, {@code leaseUntil}), renewed every round and taken only once it expired or was released: so
 * two instances never fetch one mailbox at once, even while they disagree about who is live. Every take raises
 * the lease's {@code epoch}, the fencing token that the mailbox's fetch state is written with
 * ({@link MailboxStates}): a holder that lost its lease without noticing can no longer write.
 */
final class MailboxLeases {

    static final String COLLECTION = "mailbox_leases";
    static final String INSTANCES = "fetcher_instances";

    private final ReactiveMongoTemplate mongo;
    private final Duration lease;
    private final Clock clock;
    private final String instanceId;

    MailboxLeases(ReactiveMongoTemplate mongo, Duration lease, Clock clock) {
        this.mongo = mongo;
        this.lease = lease;
        this.clock = clock;
        this.instanceId = newInstanceId();
    }

    String instanceId() {
        return instanceId;
    }

    /**
     * One round: heartbeats, renews what this instance holds, and takes what it is preferred for and is free.
     *
     * @param mailboxIds  every mailbox there is to watch
     * @param handingOver mailboxes this instance holds but no longer fetches (their worker ended), to release
     *                    when another instance is preferred for them
     * @return what this instance holds after the round, with each lease's epoch, and which of those another
     *         live instance is preferred for
     */
    Mono<Claims> claim(Collection<String> mailboxIds, Set<String> handingOver) {
        Instant now = clock.instant();
        return heartbeat(now)
                .then(liveInstances(now))
                .flatMap(live -> mongo.find(Query.query(Criteria.where("_id").in(mailboxIds)), Document.class,
                                COLLECTION).collectList()
                        .flatMap(leases -> {
                            Map<String, Document> byId = new HashMap<>();
                            leases.forEach(l -> byId.put(l.getString("_id"), l));
                            Set<String> notPreferred = new HashSet<>();
                            List<Mono<?>> writes = new java.util.ArrayList<>();
                            for (String mailboxId : mailboxIds) {
                                Document held = byId.get(mailboxId);
                                boolean mine = held != null && instanceId.equals(held.getString("owner"));
                                boolean preferred = instanceId.equals(preferred(mailboxId, live));
                                if (mine && !preferred) {
                                    notPreferred.add(mailboxId);
                                    if (handingOver.contains(mailboxId)) {
                                        writes.add(release(mailboxId));
                                    }
                                } else if (!mine && preferred && free(held, now)) {
                                    writes.add(take(mailboxId, now));
                                }
                            }
                            return Flux.concat(writes).then(renew(mailboxIds, now)).then(held(now))
                                    .map(held -> {
                                        notPreferred.retainAll(held.keySet());
                                        return new Claims(held, notPreferred);
                                    });
                        }));
    }

    /** Gives up every lease this instance holds, so other instances take its mailboxes at once. */
    Mono<Void> releaseAll() {
        return mongo.updateMulti(Query.query(Criteria.where("owner").is(instanceId)),
                        new Update().set("owner", null).set("leaseUntil", clock.instant()), COLLECTION)
                .then(mongo.remove(Query.query(Criteria.where("_id").is(instanceId)), INSTANCES))
                .then();
    }

    /** Gives up one lease, if this instance still holds it. */
    Mono<Void> release(String mailboxId) {
        return mongo.updateFirst(Query.query(Criteria.where("_id").is(mailboxId).and("owner").is(instanceId)),
                new Update().set("owner", null).set("leaseUntil", clock.instant()), COLLECTION).then();
    }

    private Mono<Void> heartbeat(Instant now) {
        return mongo.upsert(Query.query(Criteria.where("_id").is(instanceId)),
                        new Update().set("aliveUntil", now.plus(lease)), INSTANCES)
                // instances that ended without saying so
                .then(mongo.remove(Query.query(Criteria.where("aliveUntil").lt(now.minus(lease))), INSTANCES))
                .then();
    }

    private Mono<List<String>> liveInstances(Instant now) {
        return mongo.find(Query.query(Criteria.where("aliveUntil").gt(now)), Document.class, INSTANCES)
                .map(instance -> instance.getString("_id"))
                .concatWithValues(instanceId)
                .distinct()
                .collectList();
    }

    private static boolean free(Document held, Instant now) {
        if (held == null || held.get("owner") == null) {
            return true;
        }
        var until = held.getDate("leaseUntil");
        return until == null || !until.toInstant().isAfter(now);
    }

    /** Takes a free or expired lease; a lease another instance renewed meanwhile is left alone. */
    private Mono<Long> take(String mailboxId, Instant now) {
        var expired = Query.query(Criteria.where("_id").is(mailboxId).orOperator(
                Criteria.where("leaseUntil").lte(now), Criteria.where("owner").is(null)));
        return mongo.findAndModify(expired,
                        new Update().set("owner", instanceId).set("leaseUntil", now.plus(lease)).inc("epoch", 1L),
                        FindAndModifyOptions.options().upsert(true).returnNew(true), Document.class, COLLECTION)
                .map(taken -> taken.get("epoch", Number.class).longValue())
                // the insert of the upsert met the lease another instance holds
                .onErrorResume(DuplicateKeyException.class, e -> Mono.empty());
    }

    /** Renews the leases of mailboxes still to watch, and gives up those of mailboxes that went away. */
    private Mono<Void> renew(Collection<String> mailboxIds, Instant now) {
        return mongo.updateMulti(Query.query(Criteria.where("owner").is(instanceId).and("_id").in(mailboxIds)),
                        new Update().set("leaseUntil", now.plus(lease)), COLLECTION)
                .then(mongo.updateMulti(Query.query(Criteria.where("owner").is(instanceId).and("_id").nin(mailboxIds)),
                        new Update().set("owner", null).set("leaseUntil", now), COLLECTION))
                .then();
    }

    private Mono<Map<String, Long>> held(Instant now) {
        return mongo.find(Query.query(Criteria.where("owner").is(instanceId).and("leaseUntil").gt(now)), Document.class,
                        COLLECTION)
                .collectMap(lease -> lease.getString("_id"), lease -> lease.get("epoch", Number.class).longValue());
    }

    /** Rendezvous (highest random weight) hashing: the live instance with the highest hash of (mailbox, instance). */
    static String preferred(String mailboxId, Collection<String> live) {
        return live.stream().max(Comparator.comparingLong((String instance) -> weight(mailboxId, instance))
                .thenComparing(Comparator.naturalOrder())).orElseThrow();
    }

    private static long weight(String mailboxId, String instance) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((mailboxId + '\n' + instance).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
    }

    /** The host (pod) name and a random part, so a restarted process never mistakes its predecessor's leases. */
    private static String newInstanceId() {
        String host = System.getenv("HOSTNAME");
        String name = host == null || host.isBlank() ? "pid-" + ProcessHandle.current().pid() : host;
        return name + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * What an instance holds after a round.
     *
     * @param held         mailbox id to lease epoch
     * @param notPreferred held mailboxes another live instance is preferred for: to hand over
     */
    record Claims(Map<String, Long> held, Set<String> notPreferred) {
    }
}
