package dev.switchboard.ticket.attachment;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.bson.Document;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;

import dev.switchboard.events.attachment.AttachmentDeleted;
import dev.switchboard.events.attachment.AttachmentUploaded;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The tenant's stored files as attachment events announced them: tickets may reference only these, and show
 * their names, types and sizes. A file about to expire, or retired by the expiry, is not offered. A reference this
 * service made is final for it: attachment-service restores a file whose reference reaches it late.
 */
@Service
public class AttachmentFiles {

    private static final Duration POLL = Duration.ofMillis(100);
    /** The reason attachment-service gives when it retires an upload no ticket referenced in time. */
    private static final String EXPIRED = "expired";

    private final ReactiveMongoTemplate mongo;
    private final AttachmentSettings settings;
    private final Clock clock = Clock.systemUTC();

    AttachmentFiles(ReactiveMongoTemplate mongo, AttachmentSettings settings) {
        this.mongo = mongo;
        this.settings = settings;
    }

    /** The usable files among {@code ids}, waiting a moment for ones whose upload event is still on its way. */
    public Mono<Map<String, AttachmentFile>> usable(String serviceId, Collection<String> ids) {
        if (ids.isEmpty()) {
            return Mono.just(Map.of());
        }
        var wanted = Set.copyOf(ids);
        long attempts = settings.arrivalWait().toMillis() / POLL.toMillis();
        return Mono.defer(() -> known(serviceId, wanted))
                .flatMap(found -> found.size() == wanted.size() ? Mono.just(found) : Mono.error(new Incomplete(found)))
                .retryWhen(Retry.fixedDelay(attempts, POLL).filter(Incomplete.class::isInstance))
                // still incomplete after waiting: the missing ones are not the tenant's files
                .onErrorResume(error -> Exceptions.isRetryExhausted(error) && error.getCause() instanceof Incomplete,
                        error -> Mono.just(((Incomplete) error.getCause()).found))
                .map(found -> found.entrySet().stream()
                        .filter(e -> !e.getValue().retired() && (e.getValue().expiresAt() == null
                                || e.getValue().expiresAt().isAfter(clock.instant().plus(settings.expiryMargin()))))
                        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    /** Metadata for showing tickets: whatever is known, also of files referenced long ago. */
    public Mono<Map<String, AttachmentFile>> known(String serviceId, Collection<String> ids) {
        if (ids.isEmpty()) {
            return Mono.just(Map.of());
        }
        return mongo.find(Query.query(Criteria.where("_id").in(ids).and("serviceId").is(serviceId).and("deleted").is(false)),
                        AttachmentFile.class)
                .collectMap(AttachmentFile::attachmentId, Function.identity());
    }

    /**
     * Of {@code ids}, those attachment-service has announced at all (in any tenant, deleted and retired ones too):
     * an id not among them may still be on its way.
     */
    public Mono<Set<String>> announced(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Mono.just(Set.of());
        }
        var query = Query.query(Criteria.where("_id").in(ids));
        query.fields().include("_id");
        return mongo.find(query, Document.class, AttachmentFile.COLLECTION).map(found -> found.getString("_id"))
                .collect(Collectors.toSet());
    }

    /** Idempotent: a redelivered upload changes nothing, and never revives a deleted file. */
    Mono<Void> uploaded(AttachmentUploaded event) {
        var update = new Update().setOnInsert("serviceId", event.getMetadata().getServiceId())
                .setOnInsert("fileName", event.getFileName()).setOnInsert("contentType", event.getContentType())
                .setOnInsert("size", event.getSize()).setOnInsert("createdAt", event.getCreatedAt())
                .setOnInsert("expiresAt", event.getExpiresAt()).setOnInsert("retired", false).setOnInsert("deleted", false);
        return mongo.upsert(Query.query(Criteria.where("_id").is(event.getAttachmentId())), update, AttachmentFile.class)
                .then();
    }

    /**
     * Deleted through the API: gone. Expired: retired, unless a ticket here already references it (its expiry is
     * cleared), since that ticket's event restores it in attachment-service. Repeating either changes nothing.
     */
    Mono<Void> deleted(AttachmentDeleted event) {
        String attachmentId = event.getAttachmentId();
        var gone = new Update().set("deleted", true).setOnInsert("serviceId", event.getMetadata().getServiceId());
        if (!EXPIRED.contentEquals(event.getReason())) {
            return mongo.upsert(Query.query(Criteria.where("_id").is(attachmentId)), gone, AttachmentFile.class).then();
        }
        return mongo.updateFirst(Query.query(Criteria.where("_id").is(attachmentId).and("expiresAt").ne(null)),
                        new Update().set("retired", true), AttachmentFile.class)
                // never announced here (its upload event lost): keep it out of every ticket, as before
                .filter(result -> result.getMatchedCount() == 0)
                .flatMap(unmatched -> mongo.upsert(Query.query(Criteria.where("_id").is(attachmentId)),
                        new Update().setOnInsert("deleted", true).setOnInsert("serviceId", event.getMetadata().getServiceId()),
                        AttachmentFile.class))
                .then();
    }

    /**
     * Referenced files no longer expire (attachment-service clears their expiry on the same ticket event), and one
     * retired meanwhile is usable again, as that event restores it there.
     */
    public Mono<Void> referenced(String serviceId, Collection<String> ids) {
        if (ids.isEmpty()) {
            return Mono.empty();
        }
        return mongo.updateMulti(Query.query(Criteria.where("_id").in(ids).and("serviceId").is(serviceId)),
                new Update().unset("expiresAt").set("retired", false), AttachmentFile.class).then();
    }

    private static final class Incomplete extends RuntimeException {
        private final transient Map<String, AttachmentFile> found;

        Incomplete(Map<String, AttachmentFile> found) {
            super(null, null, false, false);
            this.found = found;
        }
    }
}
