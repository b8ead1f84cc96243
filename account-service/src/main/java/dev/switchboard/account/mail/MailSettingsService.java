package dev.switchboard.account.mail;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.List;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;

import dev.switchboard.account.config.AccountProperties;
import dev.switchboard.account.external.ExternalAccounts;
import dev.switchboard.account.mail.MailSettingsRequests.MailSettingsView;
import dev.switchboard.account.mail.MailSettingsRequests.SaveMailSettingsRequest;
import dev.switchboard.events.mail.MailSettingsChanged;
import dev.switchboard.platform.events.EventMetadataFactory;
import dev.switchboard.platform.outbox.Outbox;
import dev.switchboard.platform.outbox.OutboxRelay;
import dev.switchboard.platform.web.NhnApiException;
import reactor.core.publisher.Mono;

/**
 * Reads and saves sender settings and creates the representative account; every change publishes a
 * {@code MailSettingsChanged} snapshot in the same document write.
 */
@Service
class MailSettingsService implements InitializingBean {

    /** An address local part: dot-atom of the characters mailbox providers accept, 1-64 long. */
    private static final Pattern LOCAL_PART = Pattern.compile("[a-z0-9_+-]+(\\.[a-z0-9_+-]+)*");

    private final ReactiveMongoTemplate mongo;
    private final EventMetadataFactory metadata;
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final Clock clock = Clock.systemUTC();

    private final String platformMailDomain;
    private final ExternalAccounts externalAccounts;

    MailSettingsService(ReactiveMongoTemplate mongo, EventMetadataFactory metadata, Outbox outbox, OutboxRelay relay,
                        AccountProperties properties, ExternalAccounts externalAccounts) {
        this.externalAccounts = externalAccounts;
        this.mongo = mongo;
        this.metadata = metadata;
        this.outbox = outbox;
        this.relay = relay;
        this.platformMailDomain = properties.platformMailDomain();
    }

    /** A representative address belongs to one tenant only; the index makes that hold under races too. */
    @Override
    public void afterPropertiesSet() {
        // start-up runs on the main thread, so waiting here is safe
        mongo.indexOps(MailSettings.class)
                .createIndex(new Index("mail", Sort.Direction.ASC).unique().sparse().named("representative_mail"))
                .block(Duration.ofSeconds(30));
    }

    /** Creates the tenant's representative account {@code localPart@<platform mail domain>}, once. */
    Mono<MailSettingsView> createRepresentative(String serviceId, String localPart, String correlationId) {
        if (localPart == null || localPart.isBlank()) {
            return Mono.error(NhnApiException.badRequest("Query parameter 'mail' is required"));
        }
        String local = localPart.trim().toLowerCase(Locale.ROOT);
        if (local.length() > 64 || !LOCAL_PART.matcher(local).matches()) {
            return Mono.error(NhnApiException.badRequest("'mail' must be the part of an address before the @: "
                    + "letters, digits, '.', '_', '+' or '-', at most 64 characters"));
        }
        String address = local + "@" + platformMailDomain;
        var now = clock.instant();
        return mongo.findById(serviceId, MailSettings.class)
                .defaultIfEmpty(new MailSettings(serviceId, null, null, null, null, null, List.of()))
                .flatMap(current -> {
                    if (current.mail() != null) {
                        return Mono.error(NhnApiException.relatedDataExists(
                                "The representative account already exists: " + current.mail()));
                    }
                    var event = MailSettingsChanged.newBuilder()
                            .setMetadata(metadata.create(serviceId, correlationId))
                            .setMail(address).setName(current.name()).setDisplayMail(current.displayMail())
                            .setTemplate(current.template()).setUpdatedAt(now)
                            .build();
                    var withoutMail = Query.query(Criteria.where("_id").is(serviceId).and("mail").exists(false));
                    var update = new Update().set("mail", address).set("updatedAt", now)
                            .push("pendingEvents", outbox.pending(serviceId, event));
                    return relay.writeThenRelay(mongo.findAndModify(withoutMail, update,
                            FindAndModifyOptions.options().upsert(true).returnNew(true), MailSettings.class),
                            MailSettings.COLLECTION, serviceId);
                })
                // the _id (a concurrent create) or the address (another tenant's) is taken
                .onErrorMap(DuplicateKeyException.class, e -> NhnApiException.relatedDataExists(
                        "The representative account " + address + " is not available"))
                .map(MailSettingsService::view);
    }

    /** Email information with the tenant's external accounts, passwords masked. */
    Mono<MailSettingsView> find(String serviceId) {
        return Mono.zip(mongo.findById(serviceId, MailSettings.class)
                                .defaultIfEmpty(new MailSettings(serviceId, null, null, null, null, null, List.of())),
                        externalAccounts.list(serviceId))
                .map(both -> new MailSettingsView(both.getT1().displayMail(), both.getT2(),
                        both.getT1().mail(), both.getT1().name(), both.getT1().template(),
                        both.getT1().updatedAt() == null ? null : both.getT1().updatedAt().toEpochMilli()));
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
                    return relay.writeThenRelay(mongo.findAndModify(Query.query(Criteria.where("_id").is(serviceId)),
                            update, FindAndModifyOptions.options().upsert(true).returnNew(true), MailSettings.class),
                            MailSettings.COLLECTION, serviceId);
                })
                .map(MailSettingsService::view);
    }

    private static MailSettingsView view(MailSettings settings) {
        return new MailSettingsView(settings.displayMail(), List.of(), settings.mail(), settings.name(),
                settings.template(), settings.updatedAt() == null ? null : settings.updatedAt().toEpochMilli());
    }
}
