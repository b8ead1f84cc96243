package dev.switchboard.account.external;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.bson.Document;
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

import dev.switchboard.account.external.ExternalAccountRequests.ExternalAccountBody;
import dev.switchboard.events.mailbox.ExternalAccountDeleted;
import dev.switchboard.events.mailbox.ExternalAccountDisabled;
import dev.switchboard.events.mailbox.ExternalAccountEnabled;
import dev.switchboard.events.mailbox.ExternalAccountRegistered;
import dev.switchboard.events.mailbox.ExternalAccountUpdated;
import dev.switchboard.platform.crypto.SecretBox;
import dev.switchboard.platform.events.EventMetadataFactory;
import dev.switchboard.platform.outbox.Outbox;
import dev.switchboard.platform.outbox.OutboxRelay;
import dev.switchboard.platform.web.NhnApiException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** A tenant's external mailboxes: registered only after a real login, passwords sealed, always shown masked. */
@Service
public class ExternalAccounts implements InitializingBean {

    static final String MASK = "********";

    private final ReactiveMongoTemplate mongo;
    private final ImapVerifier verifier;
    private final SecretBox secrets;
    private final EventMetadataFactory metadata;
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final Clock clock = Clock.systemUTC();

    ExternalAccounts(ReactiveMongoTemplate mongo, ImapVerifier verifier, SecretBox secrets,
                     EventMetadataFactory metadata, Outbox outbox, OutboxRelay relay) {
        this.mongo = mongo;
        this.verifier = verifier;
        this.secrets = secrets;
        this.metadata = metadata;
        this.outbox = outbox;
        this.relay = relay;
    }

    /** One registration per address and tenant; every query is by tenant. */
    @Override
    public void afterPropertiesSet() {
        // start-up runs on the main thread, so waiting here is safe
        mongo.indexOps(ExternalAccount.class)
                .createIndex(new Index().on("serviceId", Sort.Direction.ASC).on("mail", Sort.Direction.ASC)
                        .unique().named("tenant_mail"))
                .block(Duration.ofSeconds(30));
    }

    /** The tenant's mailboxes, passwords masked, in id order. */
    public Mono<List<ExternalAccountView>> list(String serviceId) {
        return mongo.find(Query.query(Criteria.where("serviceId").is(serviceId).and("deleted").ne(true))
                                .with(Sort.by("accountId")),
                        ExternalAccount.class)
                .map(ExternalAccounts::view)
                .collectList();
    }

    Mono<Void> verify(ExternalAccountBody body) {
        if (!given(body.password())) {
            return Mono.error(NhnApiException.badRequest("Invalid request: password is required"));
        }
        return login(body, body.password());
    }

    private Mono<Void> login(ExternalAccountBody body, String password) {
        // DNS and IMAP are blocking I/O: they run on the bounded elastic scheduler
        return Mono.fromCallable(() -> verifier.verify(body.host(), body.port(), body.ssl(), body.mail(), password))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(outcome -> outcome.ok() ? Mono.<Void>empty()
                        : Mono.error(NhnApiException.badRequest("Verification failed: " + outcome.failure())));
    }

    Mono<ExternalAccountView> register(String serviceId, ExternalAccountBody body, String correlationId) {
        if (body.name() == null || body.name().isBlank()) {
            return Mono.error(NhnApiException.badRequest("Invalid request: name must be 1-20 characters"));
        }
        return verify(body)
                .then(Mono.defer(() -> nextId(serviceId)))
                .flatMap(accountId -> {
                    var now = clock.instant();
                    String mailboxId = ExternalAccount.mailboxId(serviceId, accountId);
                    boolean mailDel = Boolean.TRUE.equals(body.mailDel());
                    var event = ExternalAccountRegistered.newBuilder()
                            .setMetadata(metadata.create(serviceId, correlationId))
                            .setAccountId(accountId).setName(body.name()).setHost(body.host()).setPort(body.port())
                            .setSsl(body.ssl()).setMail(body.mail()).setMailDel(mailDel).setActive(true)
                            .build();
                    var account = new ExternalAccount(mailboxId, serviceId, accountId, body.name(), body.host(),
                            body.port(), body.ssl(), body.mail(),
                            secrets.seal(body.password(), ExternalAccount.passwordContext(mailboxId)), mailDel, true,
                            now, now, List.of(outbox.pending(mailboxId, event)));
                    return mongo.insert(account);
                })
                .onErrorMap(DuplicateKeyException.class, e -> NhnApiException.relatedDataExists(
                        "An external account for " + body.mail() + " is already registered"))
                .flatMap(saved -> relay.relay(ExternalAccount.COLLECTION, saved.mailboxId()).thenReturn(saved))
                .map(ExternalAccounts::view);
    }

    /**
     * Edits name and connection after logging in with them again. An omitted or masked password keeps the
     * stored one. Enabling and disabling have their own operations, so {@code active} is not changed here.
     */
    Mono<ExternalAccountView> edit(String serviceId, int accountId, ExternalAccountBody body, String correlationId) {
        if (body.name() == null || body.name().isBlank()) {
            return Mono.error(NhnApiException.badRequest("Invalid request: name must be 1-20 characters"));
        }
        String mailboxId = ExternalAccount.mailboxId(serviceId, accountId);
        boolean newPassword = given(body.password());
        return find(serviceId, accountId).flatMap(account -> {
            String password = newPassword ? body.password()
                    : secrets.open(account.sealedPassword(), ExternalAccount.passwordContext(mailboxId));
            boolean mailDel = body.mailDel() == null ? account.mailDel() : body.mailDel();
            var event = ExternalAccountUpdated.newBuilder()
                    .setMetadata(metadata.create(serviceId, correlationId))
                    .setAccountId(accountId).setName(body.name()).setHost(body.host()).setPort(body.port())
                    .setSsl(body.ssl()).setMail(body.mail()).setMailDel(mailDel).setPasswordChanged(newPassword)
                    .build();
            var update = new Update().set("name", body.name()).set("host", body.host()).set("port", body.port())
                    .set("ssl", body.ssl()).set("mail", body.mail()).set("mailDel", mailDel)
                    .set("sealedPassword", secrets.seal(password, ExternalAccount.passwordContext(mailboxId)))
                    .set("updatedAt", clock.instant())
                    .push("pendingEvents", outbox.pending(mailboxId, event));
            return login(body, password)
                    .then(Mono.defer(() -> mongo.findAndModify(Query.query(Criteria.where("_id").is(mailboxId)), update,
                            FindAndModifyOptions.options().returnNew(true), ExternalAccount.class)));
        })
                .onErrorMap(DuplicateKeyException.class, e -> NhnApiException.relatedDataExists(
                        "An external account for " + body.mail() + " is already registered"))
                .flatMap(saved -> relay.relay(ExternalAccount.COLLECTION, mailboxId).thenReturn(saved))
                .map(ExternalAccounts::view);
    }

    /** A password is given unless it is missing, blank or the mask a client read back. */
    private static boolean given(String password) {
        return password != null && !password.isBlank() && !MASK.equals(password);
    }

    /** Enables or disables a mailbox; asking for the state it is in changes nothing and publishes nothing. */
    Mono<ExternalAccountView> setActive(String serviceId, int accountId, boolean active, String correlationId) {
        String mailboxId = ExternalAccount.mailboxId(serviceId, accountId);
        return find(serviceId, accountId).flatMap(account -> {
            if (account.active() == active) {
                return Mono.just(account);
            }
            var meta = metadata.create(serviceId, correlationId);
            var event = active
                    ? ExternalAccountEnabled.newBuilder().setMetadata(meta).setAccountId(accountId).build()
                    : ExternalAccountDisabled.newBuilder().setMetadata(meta).setAccountId(accountId)
                            .setMail(account.mail()).setReason("manual").build();
            var update = new Update().set("active", active).set("updatedAt", clock.instant())
                    .push("pendingEvents", outbox.pending(mailboxId, event));
            return mongo.findAndModify(Query.query(Criteria.where("_id").is(mailboxId).and("active").is(!active)),
                            update, FindAndModifyOptions.options().returnNew(true), ExternalAccount.class)
                    // a concurrent request made the same change first
                    .switchIfEmpty(Mono.defer(() -> find(serviceId, accountId)))
                    .flatMap(saved -> relay.relay(ExternalAccount.COLLECTION, mailboxId).thenReturn(saved));
        }).map(ExternalAccounts::view);
    }

    /**
     * Deletes a disabled mailbox. The document first becomes a tombstone carrying {@code ExternalAccountDeleted},
     * so the event cannot be lost; once relayed, the tombstone is removed.
     */
    Mono<Void> delete(String serviceId, int accountId, String correlationId) {
        String mailboxId = ExternalAccount.mailboxId(serviceId, accountId);
        return find(serviceId, accountId).flatMap(account -> {
            if (account.active()) {
                return Mono.error(NhnApiException.badRequest(
                        "External account " + accountId + " is enabled: disable it before deleting it"));
            }
            var event = ExternalAccountDeleted.newBuilder().setMetadata(metadata.create(serviceId, correlationId))
                    .setAccountId(accountId).build();
            var update = new Update().set("deleted", true).set("updatedAt", clock.instant())
                    .push("pendingEvents", outbox.pending(mailboxId, event));
            return mongo.updateFirst(Query.query(Criteria.where("_id").is(mailboxId).and("active").is(false)), update,
                            ExternalAccount.class)
                    .then(relay.relay(ExternalAccount.COLLECTION, mailboxId))
                    .then(mongo.remove(Query.query(Criteria.where("_id").is(mailboxId).and("pendingEvents").size(0)),
                            ExternalAccount.class))
                    .then();
        });
    }

    private Mono<ExternalAccount> find(String serviceId, int accountId) {
        // the id is looked up inside the caller's tenant only: another tenant's id is simply not found
        return mongo.findOne(Query.query(Criteria.where("_id").is(ExternalAccount.mailboxId(serviceId, accountId))
                        .and("deleted").ne(true)), ExternalAccount.class)
                .switchIfEmpty(Mono.error(() -> NhnApiException.notFound("No external account " + accountId)));
    }

    /** Integer ids per tenant from a counter document, so ids never repeat even after deletes. */
    private Mono<Integer> nextId(String serviceId) {
        return mongo.findAndModify(Query.query(Criteria.where("_id").is("external-account:" + serviceId)),
                        new Update().inc("seq", 1), FindAndModifyOptions.options().upsert(true).returnNew(true),
                        Document.class, "counters")
                .map(counter -> ((Number) counter.get("seq")).intValue());
    }

    private static ExternalAccountView view(ExternalAccount account) {
        return new ExternalAccountView(account.accountId(), account.name(), account.active(), account.host(),
                account.port(), account.ssl(), account.mail(), MASK, account.mailDel(),
                account.createdAt().toEpochMilli(), account.updatedAt().toEpochMilli());
    }
}
