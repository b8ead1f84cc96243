package dev.switchboard.account.external;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.bson.Document;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

import dev.switchboard.account.config.AccountProperties;
import dev.switchboard.platform.crypto.Keysets;
import dev.switchboard.platform.crypto.SecretBox;
import dev.switchboard.platform.events.EventMetadataFactory;
import dev.switchboard.platform.events.EventSerde;
import dev.switchboard.platform.net.MailHostGuard;
import dev.switchboard.platform.outbox.Outbox;
import dev.switchboard.platform.outbox.OutboxRelay;
import reactor.core.publisher.Mono;

/**
 * External accounts on a real Mongo (the wire server) for the fetcher's tests in other packages: the service as
 * the application builds it, loopback mail servers allowed, the outbox relay left out (events stay pending in the
 * document, where tests count them).
 */
public final class ExternalAccountsFixture {

    private final ReactiveMongoTemplate mongo;
    private final SecretBox secrets = new SecretBox(Keysets.newAeadKeyset());
    private final AccountProperties properties = new AccountProperties("t", "k", "e", "oc.example",
            List.of("127.0.0.1/32"), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10));
    private final MailHostGuard guard = new MailHostGuard(properties.mailHostsAllowed());
    private final ExternalAccounts accounts;

    public ExternalAccountsFixture(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
        OutboxRelay relay = mock(OutboxRelay.class);
        when(relay.relay(any(), any())).thenReturn(Mono.empty());
        when(relay.relayAndWait(any(), any())).thenReturn(Mono.empty());
        // the real write-then-relay, over the stubbed relay
        when(relay.writeThenRelay(any(), any(), any())).thenCallRealMethod();
        this.accounts = new ExternalAccounts(mongo, new MailVerifier(guard, properties), secrets,
                new EventMetadataFactory("account-service", Clock.systemUTC()), new Outbox(new EventSerde()), relay);
    }

    public ExternalAccounts accounts() {
        return accounts;
    }

    public ImapSessions sessions() {
        return new ImapSessions(guard, new MailVerifier(guard, properties), properties);
    }

    /** Stores an active mailbox on an IMAP server without a login check, as if registered earlier. */
    public String insert(String serviceId, int accountId, String mail, int imapPort, String password, boolean mailDel) {
        String mailboxId = ExternalAccount.mailboxId(serviceId, accountId);
        var now = Instant.now();
        mongo.insert(new ExternalAccount(mailboxId, serviceId, accountId, "Support", "127.0.0.1", imapPort, false,
                mail, null, secrets.seal(password, ExternalAccount.passwordContext(mailboxId)), null, null, null,
                mailDel, true, now, now, List.of())).block(Duration.ofSeconds(10));
        return mailboxId;
    }

    /** Enables a mailbox as the API does. */
    public void enable(String serviceId, int accountId) {
        accounts.setActive(serviceId, accountId, true, null).block(Duration.ofSeconds(10));
    }

    /** Disables a mailbox as the API does. */
    public void disable(String serviceId, int accountId) {
        accounts.setActive(serviceId, accountId, false, null).block(Duration.ofSeconds(10));
    }

    /** The mailbox as the NHN API shows it. */
    public ExternalAccountView view(String mailboxId) {
        return ExternalAccountView.of(stored(mailboxId));
    }

    /** The event types waiting in the mailbox's outbox, oldest first. */
    public List<String> pendingEventTypes(String mailboxId) {
        return stored(mailboxId).pendingEvents().stream().map(event -> event.type()).toList();
    }

    /** The reason of the mailbox's pending {@code ExternalAccountDisabled}, decoded from its payload. */
    public List<String> disabledReasons(String mailboxId) {
        var serde = new EventSerde();
        return stored(mailboxId).pendingEvents().stream()
                .filter(event -> event.type().endsWith("ExternalAccountDisabled"))
                .map(event -> ((dev.switchboard.events.mailbox.ExternalAccountDisabled) serde.decode(event.type(),
                        event.payload())).getReason())
                .toList();
    }

    private ExternalAccount stored(String mailboxId) {
        return mongo.findById(mailboxId, ExternalAccount.class).blockOptional(Duration.ofSeconds(10)).orElseThrow();
    }

    /** A raw view of the stored document, for assertions on fields no API shows. */
    public Document document(String mailboxId) {
        return mongo.findById(mailboxId, Document.class, ExternalAccount.COLLECTION).block(Duration.ofSeconds(10));
    }
}
