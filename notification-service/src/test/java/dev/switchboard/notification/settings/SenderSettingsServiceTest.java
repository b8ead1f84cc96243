package dev.switchboard.notification.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.switchboard.events.EventMetadata;
import dev.switchboard.events.mail.MailSettingsChanged;

/** The sender settings projection against the Mongo wire server the local stack runs. */
class SenderSettingsServiceTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private MongoServer mongoServer;
    private MongoClient client;
    private ReactiveMongoTemplate mongo;
    private SenderSettingsService settings;

    @BeforeEach
    void start() {
        mongoServer = new MongoServer(new MemoryBackend());
        client = MongoClients.create("mongodb://127.0.0.1:" + mongoServer.bind().getPort());
        mongo = new ReactiveMongoTemplate(client, "notification");
        settings = new SenderSettingsService(mongo);
    }

    @AfterEach
    void stop() {
        client.close();
        mongoServer.shutdownNow();
    }

    @Test
    void eachMailDoesNotReadTheSettingsAgainButASnapshotConsumedHereShowsAtOnce() {
        settings.onMailSettingsChanged(changed("Support", Instant.parse("2026-11-27T10:00:00Z"))).block(WAIT);
        assertThat(settings.find("demo").block(WAIT).name()).isEqualTo("Support");

        // written through another instance: seen here once the cache time has passed, not on every mail
        mongo.updateFirst(Query.query(Criteria.where("_id").is("demo")), new Update().set("name", "Elsewhere"),
                SenderSettings.class).block(WAIT);
        assertThat(settings.find("demo").block(WAIT).name()).isEqualTo("Support");

        settings.onMailSettingsChanged(changed("Help desk", Instant.parse("2026-11-27T11:00:00Z"))).block(WAIT);
        assertThat(settings.find("demo").block(WAIT).name()).isEqualTo("Help desk");
    }

    @Test
    void aTenantWithoutSettingsHasNoneAndGetsThemOnceConsumed() {
        assertThat(settings.find("demo").blockOptional(WAIT)).isEmpty();

        settings.onMailSettingsChanged(changed("Support", Instant.parse("2026-11-27T10:00:00Z"))).block(WAIT);

        assertThat(settings.find("demo").block(WAIT).name()).isEqualTo("Support");
    }

    private static MailSettingsChanged changed(String name, Instant at) {
        return MailSettingsChanged.newBuilder()
                .setMetadata(EventMetadata.newBuilder().setEventId(at.toString()).setOccurredAt(at).setServiceId("demo")
                        .setProducer("account-service").build())
                .setName(name).setMail("help@demo.example").setUpdatedAt(at).build();
    }
}
