package dev.switchboard.ticket.ticket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.bson.Document;
import org.bson.types.Binary;
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
                        new Update().setOnInsert("finishedAt", java.time.Instant.now()).setOnInsert("sealed", count),
                        MIGRATIONS).thenReturn(count)));
    }

    Mono<Long> sealAll() {
        var clear = new Criteria().orOperator(
                clearText("endUser.email"), clearText("endUser.username"), clearText("endUser.phone"),
                Criteria.where("userFields").elemMatch(Criteria.where("encrypt").is(true).and("value").exists(true)));
        return mongo.find(Query.query(clear), Document.class, Ticket.COLLECTION)
                .concatMap(this::seal)
                .count();
    }

    /** A value kept as a plain string has no {@code hash} (nor any other) sub-field. */
    private static Criteria clearText(String path) {
        return new Criteria().andOperator(Criteria.where(path).exists(true).ne(null),
                Criteria.where(path + ".hash").exists(false), Criteria.where(path + ".sealed").exists(false),
                Criteria.where(path + ".clear").exists(false));
    }

    private Mono<Boolean> seal(Document ticket) {
        String ticketId = ticket.getString("_id");
        String serviceId = ticket.getString("serviceId");
        var update = new Update();
        Document endUser = ticket.get("endUser", Document.class);
        // the old form keeps all three as strings; anything else was written by this version and stays
        if (endUser != null && oldForm(endUser)) {
            var body = new TicketRequests.EndUserBody(endUser.getString("usercode"), endUser.getString("email"),
                    endUser.getString("username"), endUser.getString("phone"));
            update.set("endUser", mongo.getConverter().convertToMongoType(
                    personal.seal(serviceId, ticketId, body, false)));
        }
        List<Document> fields = ticket.getList("userFields", Document.class, List.of());
        List<Ticket.UserField> kept = new ArrayList<>();
        for (Document field : fields) {
            kept.add(new Ticket.UserField(((Number) field.get("fieldId")).longValue(), field.getString("code"),
                    field.getString("type"), field.get("value"), Boolean.TRUE.equals(field.get("encrypt")),
                    field.get("sealed") instanceof Binary binary ? binary.getData() : null));
        }
        if (!fields.isEmpty()) {
            List<Ticket.UserField> resealed = kept.stream()
                    .map(f -> f.sealed() != null ? f : personal.seal(serviceId, ticketId, List.of(f)).getFirst())
                    .toList();
            update.set("userFields", mongo.getConverter().convertToMongoType(resealed));
        }
        var unchanged = Query.query(Criteria.where("_id").is(ticketId).and("updatedAt").is(ticket.get("updatedAt")));
        return mongo.updateFirst(unchanged, update, Ticket.COLLECTION)
                .map(result -> result.getModifiedCount() == 1);
    }

    private static boolean oldForm(Document endUser) {
        return List.of("email", "username", "phone").stream()
                .map(endUser::get).allMatch(value -> value == null || value instanceof String);
    }
}
