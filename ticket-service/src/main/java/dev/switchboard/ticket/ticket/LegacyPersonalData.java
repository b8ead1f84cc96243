package dev.switchboard.ticket.ticket;

import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Mono;

/**
 * Seals personal data that tickets written before sealing existed still keep in clear (e-mail, phone and name
 * as plain strings, {@code encrypt} user fields with a plain value), once, at start-up. Each ticket is
 * rewritten only if it has not changed since it was read, so instances starting together do not interfere,
 * and a ticket already sealed is never selected again. A marker in {@code migrations} records that the pass
 * finished, so later starts skip the scan over every ticket.
 */
@Component
class LegacyPersonalData implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(LegacyPersonalData.class);
    static final String MIGRATIONS = "migrations";
    static final String MARKER = "seal-ticket-personal-data";

    private final ReactiveMongoTemplate mongo;
    private final PersonalData personal;

    LegacyPersonalData(ReactiveMongoTemplate mongo, PersonalData personal) {
        this.mongo = mongo;
        this.personal = personal;
    }

    @Override
    public void afterPropertiesSet() {
        // start-up runs on the main thread, so waiting here is safe; the service opens only afterwards
        Long sealed = runOnce().block(Duration.ofMinutes(30));
        if (sealed != null && sealed > 0) {
            log.info("Sealed the personal data of {} tickets kept in clear by an older version", sealed);
        }
    }

    /** The pass, unless a finished one is recorded; then records it. */
    Mono<Long> runOnce() {
        return mongo.exists(Query.query(Criteria.where("_id").is(MARKER)), MIGRATIONS)
                .flatMap(done -> done ? Mono.just(0L) : sealAll().flatMap(count -> mongo.upsert(
                        Query.query(Criteria.where("_id").is(MARKER)),
                        new Update().setOnInsert("finishedAt", Instant.now()).setOnInsert("sealed", count),
                        MIGRATIONS).thenReturn(count)));
    }

    Mono<Long> sealAll() {
        var clear = new Criteria().orOperator(
                clearText("endUser.email"), clearText("endUser.username"), clearText("endUser.phone"),
                Criteria.where("userFields").elemMatch(Criteria.where("encrypt").is(true).and("value").exists(true)));
        return mongo.find(Query.query(clear), Ticket.class)
                .concatMap(this::seal)
                .count();
    }

    /** What {@link PersonalData#legacy} means, as a query: a value neither sealed nor hashed (a plain string). */
    private static Criteria clearText(String path) {
        return new Criteria().andOperator(Criteria.where(path).exists(true).ne(null),
                Criteria.where(path + ".hash").exists(false), Criteria.where(path + ".sealed").exists(false));
    }

    /** Tickets of the old form read through {@link PersonalDataConversions}: clear values without hashes. */
    private Mono<Boolean> seal(Ticket ticket) {
        var converter = mongo.getConverter();
        var update = new Update();
        if (ticket.userFields() != null) {
            update.set("userFields", converter.convertToMongoType(
                    personal.seal(ticket.serviceId(), ticket.ticketId(), ticket.userFields())));
        }
        if (ticket.endUser() != null) {
            update.set("endUser", converter.convertToMongoType(personal.protectClear(ticket)));
        }
        var unchanged = Query.query(Criteria.where("_id").is(ticket.ticketId()).and("updatedAt").is(ticket.updatedAt()));
        return mongo.updateFirst(unchanged, update, Ticket.COLLECTION)
                .map(result -> result.getModifiedCount() == 1);
    }
}
