package dev.switchboard.notification.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.switchboard.platform.crypto.Keysets;
import dev.switchboard.platform.crypto.SecretBox;

/** The settings collection and the sender's read side, against the Mongo wire server the local stack runs. */
class SmtpSettingsStoreTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private MongoServer mongoServer;
    private MongoClient client;
    private ReactiveMongoTemplate mongo;
    private final SecretBox secrets = new SecretBox(Keysets.newAeadKeyset());

    @BeforeEach
    void start() {
        mongoServer = new MongoServer(new MemoryBackend());
        client = MongoClients.create("mongodb://127.0.0.1:" + mongoServer.bind().getPort());
        mongo = new ReactiveMongoTemplate(client, "notification");
    }

    @AfterEach
    void stop() {
        client.close();
        mongoServer.shutdownNow();
    }

    private SmtpSettingsStore store(Duration cacheTtl) {
        var store = new SmtpSettingsStore(mongo, cacheTtl);
        store.afterPropertiesSet();
        return store;
    }

    private SmtpSettings settings(String serviceId, String host, String password, long version) {
        var now = Instant.now();
        return new SmtpSettings(new ObjectId().toHexString(), serviceId, "my.webitel.com", "smtp", "My Setting",
                "my@webitel.com", host, 465, true, false, false, "my@webitel.com",
                secrets.seal(password, SmtpSettings.passwordContext(serviceId, host, 465, "my@webitel.com")),
                version, now, now);
    }

    @Test
    void keepsOneDocumentPerTenantWithAnObjectIdAndNoClearPassword() {
        var store = store(Duration.ofSeconds(10));
        var first = settings("svc-a", "m.webitel.com", "itte574dsts485", 1);
        store.insert(first).block(WAIT);

        assertThatThrownBy(() -> store.insert(settings("svc-a", "other.example.com", "x", 1)).block(WAIT))
                .isInstanceOf(DuplicateKeyException.class);
        store.insert(settings("svc-b", "m.webitel.com", "y", 1)).block(WAIT);

        Document raw = mongo.getCollection(SmtpSettings.COLLECTION)
                .flatMap(collection -> reactor.core.publisher.Mono.from(collection.find(new Document("serviceId", "svc-a")).first()))
                .block(WAIT);
        assertThat(raw.get("_id")).isEqualTo(new ObjectId(first.id()));
        assertThat(raw.toJson()).doesNotContain("itte574dsts485");
        assertThat(raw.getString("host")).isEqualTo("m.webitel.com");
        assertThat(raw.getLong("version")).isEqualTo(1L);
    }

    @Test
    void replacesOnlyTheVersionItRead() {
        var store = store(Duration.ofSeconds(10));
        var first = settings("svc-a", "m.webitel.com", "one", 1);
        store.insert(first).block(WAIT);
        var second = settings("svc-a", "m.webitel.com", "two", 2);
        var next = new SmtpSettings(first.id(), "svc-a", second.domain(), "smtp", "changed", second.from(), second.host(),
                second.port(), second.secure(), second.debug(), second.rejectUnauthorized(), second.user(),
                second.sealedPassword(), 2, first.createdAt(), Instant.now());

        assertThat(store.replace(next, 1).block(WAIT)).extracting(SmtpSettings::description).isEqualTo("changed");
        // a writer that read version 1 too finds it gone
        assertThat(store.replace(next, 1).blockOptional(WAIT)).isEmpty();
        assertThat(store.find("svc-a").block(WAIT).version()).isEqualTo(2);
    }

    @Test
    void deleteSaysHowManyDocumentsItRemoved() {
        var store = store(Duration.ofSeconds(10));
        store.insert(settings("svc-a", "m.webitel.com", "one", 1)).block(WAIT);

        assertThat(store.delete("svc-a").block(WAIT)).isEqualTo(1L);
        assertThat(store.delete("svc-a").block(WAIT)).isZero();
    }

    @Test
    void senderGetsTheClearPasswordOfItsOwnTenantOnly() {
        var store = store(Duration.ofSeconds(10));
        var tenants = new TenantSmtpSettings(store, secrets);
        store.insert(settings("svc-a", "m.webitel.com", "itte574dsts485", 1)).block(WAIT);

        var transport = tenants.settingsFor("svc-a").block(WAIT);
        assertThat(transport).isEqualTo(new SmtpTransportSettings("svc-a", "my@webitel.com", "m.webitel.com", 465, true,
                false, false, "my@webitel.com", "itte574dsts485", 1));
        assertThat(transport.toString()).doesNotContain("itte574dsts485");
        assertThat(tenants.settingsFor("svc-none").blockOptional(WAIT)).isEmpty();

        // svc-a's sealed password copied into svc-b's document does not open there
        var copied = settings("svc-b", "m.webitel.com", "ignored", 1);
        store.insert(new SmtpSettings(copied.id(), "svc-b", copied.domain(), "smtp", null, copied.from(), copied.host(),
                copied.port(), copied.secure(), copied.debug(), copied.rejectUnauthorized(), copied.user(),
                store.find("svc-a").block(WAIT).sealedPassword(), 1, copied.createdAt(), copied.updatedAt())).block(WAIT);
        assertThatThrownBy(() -> tenants.settingsFor("svc-b").block(WAIT)).hasMessageContaining("does not open");
    }

    @Test
    void aPasswordSealedForOneServerDoesNotOpenForAnother() {
        var store = store(Duration.ofSeconds(10));
        var tenants = new TenantSmtpSettings(store, secrets);
        var original = settings("svc-a", "m.webitel.com", "secret", 1);
        store.insert(new SmtpSettings(original.id(), "svc-a", original.domain(), "smtp", null, original.from(),
                "evil.example.com", original.port(), original.secure(), original.debug(), original.rejectUnauthorized(),
                original.user(), original.sealedPassword(), 1, original.createdAt(), original.updatedAt())).block(WAIT);

        assertThatThrownBy(() -> tenants.settingsFor("svc-a").block(WAIT)).hasMessageContaining("does not open");
    }

    @Test
    void ownWritesAreSeenAtOnceAnotherInstancesWithinTheCacheTtl() {
        var here = store(Duration.ofMillis(500));
        var elsewhere = store(Duration.ofMillis(500));
        var tenants = new TenantSmtpSettings(here, secrets);
        assertThat(tenants.settingsFor("svc-a").blockOptional(WAIT)).isEmpty();

        // this instance's own write: no stale "none" from the cache
        var first = settings("svc-a", "m.webitel.com", "one", 1);
        here.insert(first).block(WAIT);
        assertThat(tenants.settingsFor("svc-a").block(WAIT).password()).isEqualTo("one");

        // another instance's write: seen once the cached entry is older than the TTL
        var second = settings("svc-a", "m.webitel.com", "two", 2);
        elsewhere.replace(new SmtpSettings(first.id(), "svc-a", second.domain(), "smtp", null, second.from(),
                second.host(), second.port(), second.secure(), second.debug(), second.rejectUnauthorized(),
                second.user(), second.sealedPassword(), 2, first.createdAt(), Instant.now()), 1).block(WAIT);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(tenants.settingsFor("svc-a").block(WAIT).password()).isEqualTo("two"));

        here.delete("svc-a").block(WAIT);
        assertThat(tenants.settingsFor("svc-a").blockOptional(WAIT)).isEmpty();
    }
}
