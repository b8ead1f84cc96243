package dev.switchboard.notification.delivery;

import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Mono;

/**
 * Which mailbox a ticket made from mail arrived in, kept from its {@code TicketCreated}: every mail about the
 * ticket asks the customer to answer there (Reply-To), so the answers come back to the same mailbox and thread.
 */
@Component
class TicketMailboxes {

    static final String COLLECTION = "ticket_mailboxes";

    private final ReactiveMongoTemplate mongo;

    TicketMailboxes(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    /** Idempotent: a redelivered event writes the same value again. */
    Mono<Void> remember(String serviceId, String ticketId, String mailbox) {
        return mongo.upsert(byId(serviceId, ticketId), new Update().set("mailbox", mailbox), COLLECTION).then();
    }

    Mono<String> of(String serviceId, String ticketId) {
        return mongo.findOne(byId(serviceId, ticketId), org.bson.Document.class, COLLECTION)
                .mapNotNull(found -> found.getString("mailbox"));
    }

    private static Query byId(String serviceId, String ticketId) {
        return Query.query(Criteria.where("_id").is(serviceId + " " + ticketId));
    }
}
