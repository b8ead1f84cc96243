package dev.switchboard.account.mail;

import java.time.Clock;
import java.util.List;

import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;

import dev.switchboard.account.mail.MailSettingsRequests.MailSettingsView;
import dev.switchboard.account.mail.MailSettingsRequests.SaveMailSettingsRequest;
import dev.switchboard.events.mail.MailSettingsChanged;
import dev.switchboard.platform.events.EventMetadataFactory;
import dev.switchboard.platform.outbox.Outbox;
import dev.switchboard.platform.outbox.OutboxRelay;
import reactor.core.publisher.Mono;

/** Reads and saves sender settings; every save publishes a {@code MailSettingsChanged} snapshot. */
@Service
class MailSettingsService {

    private final ReactiveMongoTemplate mongo;
    private final EventMetadataFactory metadata;
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final Clock clock = Clock.systemUTC();

    MailSettingsService(ReactiveMongoTemplate mongo, EventMetadataFactory metadata, Outbox outbox, OutboxRelay relay) {
        this.mongo = mongo;
        this.metadata = metadata;
        this.outbox = outbox;
        this.relay = relay;
    }

    Mono<MailSettingsView> find(String serviceId) {
        return mongo.findById(serviceId, MailSettings.class)
                .map(MailSettingsService::view)
                .defaultIfEmpty(new MailSettingsView(null, List.of(), null, null, null, null));
    }

    Mono<MailSettingsView> save(String serviceId, SaveMailSettingsRequest request, String correlationId) {
        var now = clock.instant();
        String name = request.name() == null ? "" : request.name();
        return mongo.findById(serviceId, MailSettings.class)
                .map(existing -> existing.mail() == null ? "" : existing.mail())
                .defaultIfEmpty("")
                .flatMap(mail -> {
                    var event = MailSettingsChanged.newBuilder()
                            .setMetadata(metadata.create(serviceId, correlationId))
                            .setMail(mail.isEmpty() ? null : mail)
                            .setName(name)
                            .setDisplayMail(request.displayMail())
                            .setTemplate(request.template())
                            .setUpdatedAt(now)
                            .build();
                    var update = new Update()
                            .set("name", name)
                            .set("displayMail", request.displayMail())
                            .set("template", request.template())
                            .set("updatedAt", now)
                            .push("pendingEvents", outbox.pending(serviceId, event));
                    return mongo.findAndModify(Query.query(Criteria.where("_id").is(serviceId)), update,
                            FindAndModifyOptions.options().upsert(true).returnNew(true), MailSettings.class);
                })
                .flatMap(saved -> relay.relay(MailSettings.COLLECTION, serviceId).thenReturn(saved))
                .map(MailSettingsService::view);
    }

    private static MailSettingsView view(MailSettings settings) {
        return new MailSettingsView(settings.displayMail(), List.of(), settings.mail(), settings.name(),
                settings.template(), settings.updatedAt() == null ? null : settings.updatedAt().toEpochMilli());
    }
}
