package dev.switchboard.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/** The secondary index of {@link KeyedMemoryBackend}, checked against the backend it extends, which scans. */
class FirstKeyIndexTest {

    private static final Date EPOCH = Date.from(Instant.parse("2026-01-01T00:00:00Z"));

    private KeyedMemoryBackend backend;
    private final List<MongoServer> servers = new ArrayList<>();
    private final List<MongoClient> clients = new ArrayList<>();
    private MongoCollection<Document> keyed;
    private MongoCollection<Document> scanned;

    @BeforeEach
    void start() {
        backend = new KeyedMemoryBackend();
        keyed = collection(backend);
        scanned = collection(new MemoryBackend());
    }

    private MongoCollection<Document> collection(MemoryBackend of) {
        var server = new MongoServer(of);
        servers.add(server);
        var client = MongoClients.create("mongodb://127.0.0.1:" + server.bind().getPort());
        clients.add(client);
        return client.getDatabase("test").getCollection("deliveries");
    }

    @AfterEach
    void stop() {
        clients.forEach(MongoClient::close);
        servers.forEach(MongoServer::shutdownNow);
    }

    /** Both collections get the same writes. */
    private void both(java.util.function.Consumer<MongoCollection<Document>> write) {
        write.accept(keyed);
        write.accept(scanned);
    }

    private void indexes() {
        both(c -> c.createIndex(Indexes.ascending("status", "nextAttemptAt"), new IndexOptions().name("due")));
        both(c -> c.createIndex(Indexes.ascending("pendingEvents.createdAt"),
                new IndexOptions().name("outbox_pending").sparse(true)));
    }

    private static Document delivery(int i) {
        var document = new Document("_id", "d" + i).append("status", i % 50 == 0 ? "SENDING" : "SENT")
                .append("nextAttemptAt", at(i)).append("attempts", i % 3);
        document.append("pendingEvents", i % 40 == 0 ? List.of(new Document("eventId", "e" + i).append("createdAt", at(i)))
                : List.of());
        return document;
    }

    private static Date at(int seconds) {
        return new Date(EPOCH.getTime() + seconds * 1000L);
    }

    @Test
    void aQueryPinningTheFirstKeyMatchesOnlyThatValuesDocuments() {
        indexes();
        List<Document> documents = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            documents.add(delivery(i));
        }
        both(c -> c.insertMany(documents));
        long before = backend.documentsMatched();

        var claimed = keyed.findOneAndUpdate(Filters.and(Filters.eq("status", "SENDING"), Filters.lte("nextAttemptAt", at(500))),
                Updates.set("owner", "me"), new FindOneAndUpdateOptions().sort(Sorts.ascending("nextAttemptAt"))
                        .returnDocument(ReturnDocument.AFTER));

        assertThat(claimed.getString("_id")).isEqualTo("d0");
        assertThat(backend.documentsMatched() - before).as("the 40 SENDING deliveries, not 2000").isLessThanOrEqualTo(40);
    }

    @Test
    void aSweepForOldPendingEventsReadsOnlyTheDocumentsWithPendingEvents() {
        List<Document> documents = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            documents.add(delivery(i));
        }
        both(c -> c.insertMany(documents));
        // declared after the documents exist: the index is built from them
        indexes();
        long before = backend.documentsMatched();

        var stragglers = keyed.find(Filters.elemMatch("pendingEvents", Filters.lt("createdAt", at(1_000))))
                .projection(new Document("_id", 1)).into(new ArrayList<>());

        assertThat(stragglers).extracting(d -> d.getString("_id")).containsExactlyInAnyOrder(
                "d0", "d40", "d80", "d120", "d160", "d200", "d240", "d280", "d320", "d360", "d400", "d440", "d480",
                "d520", "d560", "d600", "d640", "d680", "d720", "d760", "d800", "d840", "d880", "d920", "d960");
        assertThat(backend.documentsMatched() - before).as("the 50 with something pending").isLessThanOrEqualTo(50);
    }

    @Test
    void whatEveryQueryFindsIsWhatTheScanningBackendFindsAfterAnyWrites() {
        indexes();
        var random = new Random(7);
        for (int r = 0; r < 1_500; r++) {
            int i = random.nextInt(300);
            int round = r;
            switch (random.nextInt(6)) {
                case 0, 1 -> both(c -> c.replaceOne(Filters.eq("_id", "d" + i), delivery(i),
                        new com.mongodb.client.model.ReplaceOptions().upsert(true)));
                case 2 -> both(c -> c.updateOne(Filters.eq("_id", "d" + i), Updates.combine(Updates.set("status", "SENDING"),
                        Updates.push("pendingEvents", new Document("eventId", "x" + round).append("createdAt", at(round))))));
                case 3 -> both(c -> c.updateOne(Filters.and(Filters.eq("_id", "d" + i), Filters.eq("status", "SENDING")),
                        Updates.combine(Updates.set("status", "SENT"), Updates.set("pendingEvents", List.of()))));
                case 4 -> both(c -> c.updateMany(Filters.eq("attempts", i % 3), Updates.inc("attempts", 1)));
                default -> both(c -> c.deleteOne(Filters.eq("_id", "d" + i)));
            }
        }
        List<Bson> queries = List.of(
                Filters.eq("status", "SENDING"),
                Filters.eq("status", "SENT"),
                Filters.eq("status", "GONE"),
                Filters.and(Filters.eq("status", "SENDING"), Filters.lte("nextAttemptAt", at(150))),
                Filters.and(Filters.eq("status", "SENDING"), Filters.or(Filters.exists("owner", false), Filters.eq("attempts", 2))),
                Filters.elemMatch("pendingEvents", Filters.lt("createdAt", at(700))),
                Filters.elemMatch("pendingEvents", Filters.gte("createdAt", at(700))),
                Filters.and(Filters.elemMatch("pendingEvents", Filters.lt("createdAt", at(1_200))), Filters.eq("attempts", 1)),
                Filters.gt("pendingEvents.createdAt", at(300)),
                Filters.eq("attempts", 2),
                Filters.in("status", List.of("SENDING", "SENT")));
        for (Bson query : queries) {
            assertThat(ids(keyed, query)).as(query.toString()).isEqualTo(ids(scanned, query));
        }
    }

    private static List<String> ids(MongoCollection<Document> collection, Bson query) {
        return collection.find(query).sort(Sorts.ascending("_id")).map(d -> d.getString("_id")).into(new ArrayList<>());
    }
}
