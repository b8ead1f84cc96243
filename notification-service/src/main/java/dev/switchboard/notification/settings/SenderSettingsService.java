package dev.switchboard.notification.settings;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;

import dev.switchboard.events.mail.MailSettingsChanged;
import reactor.core.publisher.Mono;

/** Keeps the sender settings projection; older or repeated snapshots never overwrite newer ones. */
@Service
public class SenderSettingsService {

    private final ReactiveMongoTemplate mongo;

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
                .then();
    }

    public Mono<SenderSettings> find(String serviceId) {
        return mongo.findById(serviceId, SenderSettings.class);
    }
}
