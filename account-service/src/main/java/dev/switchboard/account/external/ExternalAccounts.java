package dev.switchboard.account.external;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

import dev.switchboard.account.external.MailboxDraft.Server;
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
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A tenant's inbound mailboxes, whichever dialect manages them: registered only after a real login, passwords
 * sealed, always shown masked.
 */
@Service
public class ExternalAccounts implements InitializingBean {

    /** The fetcher's per-mailbox state (account-service {@code inbound.MailboxStates}) and its import wish. */
    public static final String FETCH_STATE = "mailbox_state";
    public static final String IMPORT_EXISTING = "importExisting";

    static final String MASK = "********";

    private static final Logger log = LoggerFactory.getLogger(ExternalAccounts.class);

    private final ReactiveMongoTemplate mongo;
    private final MailVerifier verifier;
    private final SecretBox secrets;
    private final EventMetadataFactory metadata;
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final Clock clock = Clock.systemUTC();

    ExternalAccounts(ReactiveMongoTemplate mongo, MailVerifier verifier, SecretBox secrets,
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

    /** The tenant's mailboxes as the NHN API lists them, passwords masked, in id order. */
    public Mono<List<ExternalAccountView>> list(String serviceId) {
        return mongo.find(Query.query(Criteria.where("serviceId").is(serviceId).and("deleted").ne(true))
                                .with(Sort.by("accountId")),
                        ExternalAccount.class)
                .map(ExternalAccountView::of)
                .collectList();
    }

    /** A login with the given server and password, or a 400 saying why it failed. */
    Mono<Void> verify(MailVerifier.Protocol protocol, Server server, String mail) {
        if (!server.hasPassword()) {
            return Mono.error(NhnApiException.badRequest("Invalid request: password is required"));
        }
        return login(protocol, server, mail, server.password());
    }

    /** Whether the login succeeds; the reason when it does not. */
    Mono<MailVerifier.Outcome> check(MailVerifier.Protocol protocol, Server server, String mail, String password) {
        String user = server.login() == null ? mail : server.login();
        // DNS and the mail protocols are blocking I/O: they run on the bounded elastic scheduler
        return Mono.fromCallable(() -> protocol == MailVerifier.Protocol.IMAP
                        ? verifier.imap(server.host(), server.port(), server.ssl(), user, password)
                        : verifier.smtp(server.host(), server.port(), server.ssl(), user, password))
                .subscribeOn(Schedulers.boundedElastic());
    }

    private Mono<Void> login(MailVerifier.Protocol protocol, Server server, String mail, String password) {
        return check(protocol, server, mail, password)
                .flatMap(outcome -> outcome.ok() ? Mono.<Void>empty()
                        : Mono.error(NhnApiException.badRequest((protocol == MailVerifier.Protocol.IMAP
                                ? "Verification failed: " : "Outgoing (SMTP) verification failed: ")
                                + outcome.failure())));
    }

    /** Registers a mailbox after logging in to its servers; the password is sealed bound to the new id. */
    Mono<ExternalAccount> register(String serviceId, MailboxDraft draft, String correlationId) {
        return register(serviceId, draft, correlationId, false);
    }

    /**
     * As {@link #register(String, MailboxDraft, String)}; with {@code importExisting} the fetcher imports what the
     * mailbox already holds instead of starting from the moment it first watches it. The wish is written to the
     * fetcher's state ({@code mailbox_state}) before the account exists, so the fetcher cannot look first.
     */
    Mono<ExternalAccount> register(String serviceId, MailboxDraft draft, String correlationId, boolean importExisting) {
        if (draft.incoming() == null) {
            return Mono.error(NhnApiException.badRequest("Invalid request: incoming (IMAP) credentials are required"));
        }
        Server in = draft.incoming();
        Server out = draft.outgoing();
        Mono<Void> logins = verify(MailVerifier.Protocol.IMAP, in, draft.mail())
                .then(out == null ? Mono.empty() : verify(MailVerifier.Protocol.SMTP, out, draft.mail()));
        return logins
                .then(Mono.defer(() -> nextId(serviceId)))
                .flatMap(accountId -> {
                    var now = clock.instant();
                    String mailboxId = ExternalAccount.mailboxId(serviceId, accountId);
                    boolean mailDel = Boolean.TRUE.equals(draft.mailDel());
                    var outgoing = out == null ? null : new ExternalAccount.OutgoingServer(out.host(), out.port(),
                            out.ssl(), out.login(), secrets.seal(out.password(),
                                    ExternalAccount.outgoingPasswordContext(mailboxId)));
                    var event = ExternalAccountRegistered.newBuilder()
                            .setMetadata(metadata.create(serviceId, correlationId))
                            .setAccountId(accountId).setName(draft.name()).setHost(in.host()).setPort(in.port())
                            .setSsl(in.ssl()).setMail(draft.mail()).setMailDel(mailDel).setActive(true)
                            .setLogin(in.login())
                            .setOutgoingHost(out == null ? null : out.host())
                            .setOutgoingPort(out == null ? null : out.port())
                            .setOutgoingLogin(out == null ? null : out.login())
                            .build();
                    var account = new ExternalAccount(mailboxId, serviceId, accountId, draft.name(), in.host(),
                            in.port(), in.ssl(), draft.mail(), in.login(),
                            secrets.seal(in.password(), ExternalAccount.passwordContext(mailboxId)), outgoing,
                            draft.details(), null, mailDel, true, now, now, List.of(outbox.pending(mailboxId, event)));
                    Mono<?> importWish = !importExisting ? Mono.empty()
                            : mongo.upsert(Query.query(Criteria.where("_id").is(mailboxId)),
                                    new Update().set(IMPORT_EXISTING, true), FETCH_STATE);
                    return relay.writeThenRelay(importWish.then(mongo.insert(account)), ExternalAccount.COLLECTION,
                            mailboxId);
                })
                .onErrorMap(DuplicateKeyException.class, e -> NhnApiException.relatedDataExists(
                        "An external account for " + draft.mail() + " is already registered"));
    }

    /**
     * Edits a mailbox after logging in with the result again. An omitted server keeps the stored one; an
     * omitted or masked password keeps the stored one only while host, port, TLS and user name stay the same
     * ({@link Server#passwordFor}), else it is required and nothing is written. Enabling and disabling have
     * their own operations, so {@code active} is not changed here.
     */
    Mono<ExternalAccount> edit(String serviceId, int accountId, MailboxDraft draft, String correlationId) {
        String mailboxId = ExternalAccount.mailboxId(serviceId, accountId);
        return find(serviceId, accountId).flatMap(account -> {
            Server in = draft.incoming() != null ? draft.incoming() : account.keptIncoming(draft.mail());
            String password = in.passwordFor(draft.mail(), account.incomingServer(), () -> storedPassword(account));
            if (password == null) {
                return Mono.error(NhnApiException.badRequest("Invalid request: password is required when the host,"
                        + " port, TLS setting or login changes"));
            }
            Server out = draft.outgoing();
            String outPassword = out == null ? null
                    : out.passwordFor(draft.mail(), account.outgoingServer(), () -> storedOutgoingPassword(account));
            if (out != null && outPassword == null) {
                return Mono.error(NhnApiException.badRequest("Invalid request: the outgoing (SMTP) password is required"
                        + " for a new outgoing server or when its host, port, TLS setting or login changes"));
            }
            boolean newPassword = in.hasPassword();
            boolean newOutgoingPassword = out != null && out.hasPassword();
            var outgoing = out == null ? account.keptOutgoing(draft.mail()) : new ExternalAccount.OutgoingServer(
                    out.host(), out.port(), out.ssl(), out.login(),
                    secrets.seal(outPassword, ExternalAccount.outgoingPasswordContext(mailboxId)));
            boolean mailDel = draft.mailDel() == null ? account.mailDel() : draft.mailDel();
            String name = draft.name() == null ? account.name() : draft.name();
            var details = draft.details() == null ? account.details() : draft.details();
            var event = ExternalAccountUpdated.newBuilder()
                    .setMetadata(metadata.create(serviceId, correlationId))
                    .setAccountId(accountId).setName(name).setHost(in.host()).setPort(in.port())
                    .setSsl(in.ssl()).setMail(draft.mail()).setMailDel(mailDel).setPasswordChanged(newPassword)
                    .setLogin(in.login())
                    .setOutgoingHost(outgoing == null ? null : outgoing.host())
                    .setOutgoingPort(outgoing == null ? null : outgoing.port())
                    .setOutgoingLogin(outgoing == null ? null : outgoing.login())
                    .setOutgoingPasswordChanged(newOutgoingPassword)
                    .build();
            var update = new Update().set("name", name).set("host", in.host()).set("port", in.port())
                    .set("ssl", in.ssl()).set("mail", draft.mail()).set("login", in.login()).set("mailDel", mailDel)
                    .set("sealedPassword", secrets.seal(password, ExternalAccount.passwordContext(mailboxId)))
                    .set("outgoing", outgoing).set("details", details)
                    .set("updatedAt", clock.instant())
                    .push("pendingEvents", outbox.pending(mailboxId, event));
            return login(MailVerifier.Protocol.IMAP, in, draft.mail(), password)
                    .then(out == null ? Mono.empty() : login(MailVerifier.Protocol.SMTP, out, draft.mail(), outPassword))
                    // a mailbox deleted while the logins ran stays deleted
                    .then(Mono.defer(() -> relay.writeThenRelay(mongo.findAndModify(notDeleted(mailboxId), update,
                            FindAndModifyOptions.options().returnNew(true), ExternalAccount.class),
                            ExternalAccount.COLLECTION, mailboxId)))
                    .switchIfEmpty(Mono.error(() -> NhnApiException.notFound("No external account " + accountId)));
        })
                .onErrorMap(DuplicateKeyException.class, e -> NhnApiException.relatedDataExists(
                        "An external account for " + draft.mail() + " is already registered"));
    }

    /** The stored IMAP password, for a login check of a saved mailbox; never leaves this service. */
    String storedPassword(ExternalAccount account) {
        return secrets.open(account.sealedPassword(), ExternalAccount.passwordContext(account.mailboxId()));
    }

    /** The stored SMTP password, or null when the mailbox has no outgoing server. */
    String storedOutgoingPassword(ExternalAccount account) {
        return account.outgoing() == null ? null : secrets.open(account.outgoing().sealedPassword(),
                ExternalAccount.outgoingPasswordContext(account.mailboxId()));
    }

    /** Enables or disables a mailbox; asking for the state it is in changes nothing and publishes nothing. */
    Mono<ExternalAccount> setActive(String serviceId, int accountId, boolean active, String correlationId) {
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
            if (active) {
                // a mailbox the fetcher disabled starts counting afresh, or its next failure would disable it again
                var health = account.healthOrUnknown();
                update.set("health", new ExternalAccount.FetchHealth(ExternalAccount.FetchHealth.STATUS_UNKNOWN, 0, "",
                        health.lastFetch()));
            }
            // one conditional update: a mailbox deleted meanwhile is neither revived nor changed
            return relay.writeThenRelay(mongo.findAndModify(notDeleted(mailboxId)
                                    .addCriteria(Criteria.where("active").is(!active)),
                            update, FindAndModifyOptions.options().returnNew(true), ExternalAccount.class),
                            ExternalAccount.COLLECTION, mailboxId)
                    // a concurrent request made the same change first (and relays it), or deleted it (not found)
                    .switchIfEmpty(Mono.defer(() -> find(serviceId, accountId)));
        });
    }

    /**
     * Deletes a mailbox. The NHN API deletes only disabled mailboxes ({@code onlyWhenDisabled}); SuperOffice
     * has no such state. The document first becomes a tombstone carrying {@code ExternalAccountDeleted}, so the
     * event cannot be lost; once relayed, the tombstone is removed.
     */
    Mono<Void> delete(String serviceId, int accountId, boolean onlyWhenDisabled, String correlationId) {
        String mailboxId = ExternalAccount.mailboxId(serviceId, accountId);
        return find(serviceId, accountId).flatMap(account -> {
            if (onlyWhenDisabled && account.active()) {
                return Mono.error(NhnApiException.badRequest(
                        "External account " + accountId + " is enabled: disable it before deleting it"));
            }
            var event = ExternalAccountDeleted.newBuilder().setMetadata(metadata.create(serviceId, correlationId))
                    .setAccountId(accountId).build();
            var update = new Update().set("deleted", true).set("active", false).set("updatedAt", clock.instant())
                    .push("pendingEvents", outbox.pending(mailboxId, event));
            Criteria still = Criteria.where("_id").is(mailboxId).and("deleted").ne(true);
            return mongo.updateFirst(Query.query(onlyWhenDisabled ? still.and("active").is(false) : still), update,
                            ExternalAccount.class)
                    .flatMap(result -> result.getMatchedCount() > 0
                            // the tombstone goes once its event is out, so this relay is waited for
                            ? relay.relayAndWait(ExternalAccount.COLLECTION, mailboxId)
                                    // only the tombstone goes, never a mailbox this update did not mark
                                    .then(mongo.remove(Query.query(Criteria.where("_id").is(mailboxId)
                                            .and("deleted").is(true).and("pendingEvents").size(0)), ExternalAccount.class))
                                    .then()
                            // enabled or deleted by a concurrent request since it was read
                            : find(serviceId, accountId).then(Mono.<Void>error(() -> NhnApiException.badRequest(
                                    "External account " + accountId + " is enabled: disable it before deleting it"))));
        });
    }

    /** Every active mailbox of every tenant, as the fetcher watches them. */
    public Flux<WatchedMailbox> watched() {
        return mongo.find(Query.query(Criteria.where("active").is(true).and("deleted").ne(true)), ExternalAccount.class)
                .map(WatchedMailbox::of);
    }

    /**
     * A mailbox (active or not) and its opened IMAP password, read together so the password is only ever used
     * for the server it was stored for; empty when the mailbox is gone.
     */
    public Mono<WatchedMailbox.Credentials> credentials(String mailboxId) {
        return mongo.findOne(notDeleted(mailboxId), ExternalAccount.class)
                .map(account -> new WatchedMailbox.Credentials(WatchedMailbox.of(account), storedPassword(account),
                        account.active()));
    }

    /** A fetch succeeded: Ok 4, no errors, and when. A mailbox disabled or deleted meanwhile stays as it is. */
    public Mono<Void> fetchSucceeded(String mailboxId, Instant at) {
        return mongo.updateFirst(notDeleted(mailboxId).addCriteria(Criteria.where("active").is(true)),
                new Update().set("health", ExternalAccount.FetchHealth.ok(at)), ExternalAccount.class).then();
    }

    /**
     * A fetch failed: Failing 2 with one more consecutive failure and its reason; at {@code disableAfter}
     * consecutive failures the mailbox is disabled instead (Failed 3) and {@code ExternalAccountDisabled} with the
     * reason is published in the same write, as a manual disable does. Only the first of concurrent calls that
     * reach the threshold disables it, so the event is published once.
     *
     * @return the consecutive failures now counted, and whether this call disabled the mailbox; empty when the
     *         mailbox is no longer active
     */
    public Mono<FailureCount> fetchFailed(String mailboxId, MailFailure failure, int disableAfter) {
        return mongo.findOne(notDeleted(mailboxId).addCriteria(Criteria.where("active").is(true)), ExternalAccount.class)
                .flatMap(account -> {
                    var before = account.health();
                    int count = (before == null ? 0 : before.errorCount()) + 1;
                    Instant lastFetch = before == null ? null : before.lastFetch();
                    // written only over the health that was read: a concurrent success or failure wins, not both
                    Query unchanged = notDeleted(mailboxId).addCriteria(Criteria.where("active").is(true))
                            .addCriteria(before == null ? Criteria.where("health").is(null)
                                    : Criteria.where("health.errorCount").is(before.errorCount()));
                    if (count < disableAfter) {
                        var health = new ExternalAccount.FetchHealth(ExternalAccount.FetchHealth.STATUS_FAILING, count,
                                failure.reason(), lastFetch);
                        return mongo.updateFirst(unchanged, new Update().set("health", health), ExternalAccount.class)
                                .map(result -> new FailureCount(count, false));
                    }
                    String reason = failure.reason() + " (" + count + " consecutive failed fetches)";
                    var event = ExternalAccountDisabled.newBuilder()
                            .setMetadata(metadata.create(account.serviceId(), null))
                            .setAccountId(account.accountId()).setMail(account.mail()).setReason(reason).build();
                    var update = new Update().set("active", false).set("updatedAt", clock.instant())
                            .set("health", new ExternalAccount.FetchHealth(ExternalAccount.FetchHealth.STATUS_FAILED,
                                    count, reason, lastFetch))
                            .push("pendingEvents", outbox.pending(mailboxId, event));
                    return mongo.updateFirst(unchanged, update, ExternalAccount.class)
                            .flatMap(result -> {
                                if (result.getModifiedCount() == 0) {
                                    return Mono.just(new FailureCount(count, false));
                                }
                                log.warn("Mailbox {} ({}) disabled after {} consecutive failed fetches: {}", mailboxId,
                                        account.mail(), count, failure.reason());
                                return relay.relay(ExternalAccount.COLLECTION, mailboxId)
                                        .thenReturn(new FailureCount(count, true));
                            });
                });
    }

    /**
     * What a failed fetch made of a mailbox's health.
     *
     * @param consecutive failures since the last success, this one included
     * @param disabled    whether this failure disabled the mailbox
     */
    public record FailureCount(int consecutive, boolean disabled) {
    }

    /** A mailbox of the caller's tenant: another tenant's id is simply not found. */
    Mono<ExternalAccount> find(String serviceId, int accountId) {
        return mongo.findOne(notDeleted(ExternalAccount.mailboxId(serviceId, accountId)), ExternalAccount.class)
                .switchIfEmpty(Mono.error(() -> NhnApiException.notFound("No external account " + accountId)));
    }

    /** The mailbox unless it is deleted (a tombstone waiting for its event to be relayed). */
    private static Query notDeleted(String mailboxId) {
        return Query.query(Criteria.where("_id").is(mailboxId).and("deleted").ne(true));
    }

    /** Integer ids per tenant from a counter document, so ids never repeat even after deletes. */
    private Mono<Integer> nextId(String serviceId) {
        return mongo.findAndModify(Query.query(Criteria.where("_id").is("external-account:" + serviceId)),
                        new Update().inc("seq", 1), FindAndModifyOptions.options().upsert(true).returnNew(true),
                        Document.class, "counters")
                .map(counter -> ((Number) counter.get("seq")).intValue());
    }
}
