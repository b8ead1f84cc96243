package dev.switchboard.notification.settings;

import java.time.Duration;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;

import dev.switchboard.events.mail.MailSettingsChanged;
import dev.switchboard.platform.mongo.TenantReadCache;
import reactor.core.publisher.Mono;

/**
 * Keeps the sender settings projection; older or repeated snapshots never overwrite newer ones. Every mail is
 * rendered with them, so they are answered from a short cache: a snapshot this instance consumed shows at once, one
 * another instance consumed within {@link #CACHE_TTL}.
 */
@Service
public class SenderSettingsService {

    static final Duration CACHE_TTL = Duration.ofSeconds(10);

    private final ReactiveMongoTemplate mongo;
    private final TenantReadCache<Optional<SenderSettings>> cache = new TenantReadCache<>(CACHE_TTL, 10_000);

    SenderSettingsService(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    Mono<Void> onMailSettingsChanged(MailSettingsChanged event) {
        String serviceId = event.getMetadata().getServiceId();
        var newer = Query.query(new Criteria().andOperator(Criteria.where("_id").is(serviceId),
                new Criteria().orOperator(Criteria.where("updatedAt").lt(event.getUpdatedAt()),
                        Criteria.where("updatedAt").exists(false))));
        var update = new Update()
                .set("mail", event.getMail())
                .set("name", event.getName())
                .set("displayMail", event.getDisplayMail())
                .set("template", event.getTemplate())
                .set("updatedAt", event.getUpdatedAt());
        return mongo.upsert(newer, update, SenderSettings.class)
                // the upsert's insert collides when a newer snapshot is already stored: nothing to do
                .onErrorResume(DuplicateKeyException.class, e -> Mono.empty())
                .then(Mono.fromRunnable(() -> cache.invalidate(serviceId)));
    }

    public Mono<SenderSettings> find(String serviceId) {
        return cache.get(serviceId, id -> mongo.findById(id, SenderSettings.class).map(Optional::of)
                        .defaultIfEmpty(Optional.empty()))
                .flatMap(Mono::justOrEmpty);
    }
}
