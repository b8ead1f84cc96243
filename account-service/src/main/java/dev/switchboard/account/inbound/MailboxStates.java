package dev.switchboard.account.inbound;

import java.time.Clock;
import java.time.Instant;

import org.bson.Document;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

import dev.switchboard.account.external.AccountStatus;
import dev.switchboard.account.external.ExternalAccounts;
import reactor.core.publisher.Mono;

/**
 * How far the fetcher got in each mailbox ({@value #COLLECTION}: {@code _id} mailboxId, {@code uidValidity},
 * {@code lastUid}, {@code updatedAt}), and the fetch health of representative mailboxes, which have no external
 * account to keep it. Every write carries the lease epoch of the instance that makes it and matches only while no
 * later holder of the mailbox wrote ({@link MailboxLeases}).
 */
final class MailboxStates {

    static final String COLLECTION = "mailbox_state";

    private final ReactiveMongoTemplate mongo;
    private final Clock clock;

    MailboxStates(ReactiveMongoTemplate mongo, Clock clock) {
        this.mongo = mongo;
        this.clock = clock;
    }

    /**
     * Where a mailbox's fetching stands.
     *
     * @param uidValidity    null for a mailbox never fetched
     * @param lastUid        the highest UID whose outcome is recorded
     * @param importExisting the tenant asked, when registering it, to import what the mailbox already holds
     */
    record Position(Long uidValidity, long lastUid, boolean importExisting) {

        Position(Long uidValidity, long lastUid) {
            this(uidValidity, lastUid, false);
        }
    }

    /**
     * Marks the mailbox's state with the holder's epoch, so that writes of earlier holders no longer match, and
     * reads where fetching stands.
     *
     * @return empty when a later holder already marked it: this instance lost the mailbox
     */
    Mono<Position> stamp(String mailboxId, long epoch) {
        var notLater = Query.query(Criteria.where("_id").is(mailboxId).orOperator(
                Criteria.where("epoch").lte(epoch), Criteria.where("epoch").is(null)));
        // no upsert: a state a later holder marked would make it an insert that fails on the _id, which the
        // local stack's Mongo wire server logs as an error; only a mailbox never fetched is inserted
        return mongo.findAndModify(notLater, new Update().set("epoch", epoch),
                        FindAndModifyOptions.options().returnNew(true), Document.class, COLLECTION)
                .switchIfEmpty(Mono.defer(() -> mongo.exists(Query.query(Criteria.where("_id").is(mailboxId)),
                                COLLECTION)
                        .flatMap(exists -> exists ? Mono.<Document>empty()
                                : mongo.insert(new Document("_id", mailboxId).append("epoch", epoch), COLLECTION))))
                .map(state -> new Position(number(state, "uidValidity"),
                        state.get("lastUid") == null ? 0 : number(state, "lastUid"),
                        Boolean.TRUE.equals(state.getBoolean(ExternalAccounts.IMPORT_EXISTING))))
                // inserted by a concurrent holder first
                .onErrorResume(DuplicateKeyException.class, e -> Mono.empty());
    }

    /**
     * Records that every message up to {@code lastUid} of the folder generation {@code uidValidity} has its outcome.
     *
     * @return false when the mailbox has a later holder
     */
    Mono<Boolean> advance(String mailboxId, long epoch, long uidValidity, long lastUid) {
        return mongo.updateFirst(held(mailboxId, epoch), new Update().set("uidValidity", uidValidity)
                        .set("lastUid", lastUid).set("updatedAt", clock.instant()), COLLECTION)
                .map(result -> result.getMatchedCount() > 0);
    }

    /** A representative mailbox was fetched: Ok 4, no errors. */
    Mono<Boolean> fetchSucceeded(String mailboxId, long epoch, Instant at) {
        return mongo.updateFirst(held(mailboxId, epoch), new Update().set("status", AccountStatus.OK.code())
                        .set("errorCount", 0).set("errorReason", "").set("lastFetch", at), COLLECTION)
                .map(result -> result.getMatchedCount() > 0);
    }

    /**
     * A representative mailbox failed: Failing 2, one more consecutive failure.
     *
     * @return the consecutive failures now counted; empty when the mailbox has a later holder
     */
    Mono<Integer> fetchFailed(String mailboxId, long epoch, String reason) {
        return mongo.findAndModify(held(mailboxId, epoch), new Update().set("status", AccountStatus.FAILING.code())
                                .inc("errorCount", 1).set("errorReason", reason),
                        FindAndModifyOptions.options().returnNew(true), Document.class, COLLECTION)
                .map(state -> state.get("errorCount", Number.class).intValue());
    }

    /** The stored state of a mailbox, for tests and operators. */
    Mono<Document> find(String mailboxId) {
        return mongo.findById(mailboxId, Document.class, COLLECTION);
    }

    private static Query held(String mailboxId, long epoch) {
        return Query.query(Criteria.where("_id").is(mailboxId).and("epoch").is(epoch));
    }

    private static Long number(Document document, String field) {
        Number value = document.get(field, Number.class);
        return value == null ? null : value.longValue();
    }
}
