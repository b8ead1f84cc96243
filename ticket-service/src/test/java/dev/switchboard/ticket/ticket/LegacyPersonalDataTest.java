package dev.switchboard.ticket.ticket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.SimpleReactiveMongoDatabaseFactory;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

import dev.switchboard.ticket.TicketServiceSlice;

/** Tickets an older version kept in clear are sealed once, on the Mongo wire server the local stack runs. */
class LegacyPersonalDataTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private MongoServer server;
    private MongoClient client;
    private ReactiveMongoTemplate mongo;
    private LegacyPersonalData legacy;

    @BeforeEach
    void start() {
        server = new MongoServer(new MemoryBackend());
        var address = server.bind();
        client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort());
        // mapped as the service maps it, with its conversions
        mongo = new ReactiveMongoTemplate(new SimpleReactiveMongoDatabaseFactory(client, "legacy"),
                TicketServiceSlice.mapping(new PersonalDataConversions().mongoCustomConversions()));
        legacy = new LegacyPersonalData(mongo, PersonalDataTest.PERSONAL);
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void clearEndUsersAndEncryptFieldsAreSealedOnceAndStillOpen() {
        Date updated = Date.from(Instant.parse("2026-01-01T00:00:00Z"));
        mongo.insert(new Document("_id", "T1").append("serviceId", "demo").append("subject", "s")
                .append("content", "c").append("status", "new").append("attachments", List.of())
                .append("createdAt", updated).append("updatedAt", updated)
                .append("endUser", new Document("usercode", "u1").append("email", "Kim@Example.com")
                        .append("username", "Kim").append("phone", "010-1234"))
                .append("userFields", List.of(
                        new Document("fieldId", 100L).append("code", "passport").append("type", "text")
                                .append("value", "M123").append("encrypt", true),
                        new Document("fieldId", 101L).append("code", "note").append("type", "text")
                                .append("value", "visible").append("encrypt", false))), Ticket.COLLECTION)
                .block(WAIT);

        assertThat(legacy.runOnce().block(WAIT)).isEqualTo(1);

        Document raw = mongo.findById("T1", Document.class, Ticket.COLLECTION).block(WAIT);
        assertThat(raw.toJson()).doesNotContain("Kim@Example.com").doesNotContain("010-1234").doesNotContain("M123")
                .contains("visible");
        Ticket ticket = mongo.findById("T1", Ticket.class).block(WAIT);
        assertThat(PersonalDataTest.PERSONAL.open(ticket))
                .isEqualTo(new TicketRequests.EndUserView("u1", "Kim@Example.com", "Kim", "010-1234"));
        assertThat(ticket.endUser().email().hash()).isEqualTo(PersonalDataTest.PERSONAL.emailLookup("demo", "kim@example.com"));
        assertThat(PersonalDataTest.PERSONAL.openFields(ticket)).extracting(TicketRequests.UserFieldView::value)
                .containsExactly("M123", "visible");

        // nothing is left to seal: another instance's pass changes nothing, and later starts skip the scan
        assertThat(legacy.sealAll().block(WAIT)).isZero();
        assertThat(mongo.findById("T1", Document.class, Ticket.COLLECTION).block(WAIT)).isEqualTo(raw);
        assertThat(mongo.exists(Query.query(Criteria.where("_id").is(LegacyPersonalData.MARKER)),
                LegacyPersonalData.MIGRATIONS).block(WAIT)).isTrue();
        mongo.insert(new Document("_id", "T2").append("serviceId", "demo").append("subject", "s")
                .append("content", "c").append("status", "new").append("attachments", List.of())
                .append("createdAt", updated).append("updatedAt", updated)
                .append("endUser", new Document("email", "late@example.com")), Ticket.COLLECTION).block(WAIT);
        assertThat(legacy.runOnce().block(WAIT)).isZero();
        // written in the old form after the pass (an old instance in a rolling deploy): still readable
        Ticket late = mongo.findById("T2", Ticket.class).block(WAIT);
        assertThat(PersonalDataTest.PERSONAL.open(late).email()).isEqualTo("late@example.com");
    }
}
