package dev.switchboard.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.bson.Document;
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
import com.mongodb.client.model.Updates;

import de.bwaldvogel.mongo.MongoServer;

class KeyedMemoryBackendTest {

    private static final int DOCUMENTS = 2_000;

    private KeyedMemoryBackend backend;
    private MongoServer server;
    private MongoClient client;
    private MongoCollection<Document> tickets;

    @BeforeEach
    void start() {
        backend = new KeyedMemoryBackend();
        server = new MongoServer(backend);
        // the server's own loopback address, a port the system chose
        var address = server.bind();
        client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort());
        tickets = client.getDatabase("test").getCollection("tickets");
        tickets.createIndex(Indexes.ascending("idempotency"), new IndexOptions().unique(true).sparse(true));
        List<Document> documents = new ArrayList<>();
        for (int i = 0; i < DOCUMENTS; i++) {
            var document = new Document("_id", "t" + i).append("serviceId", i % 2 == 0 ? "a" : "b")
                    .append("status", "NEW").append("pendingEvents", List.of(new Document("eventId", "e" + i)));
            if (i % 10 == 0) {
                document.append("idempotency", "key" + i);
            }
            documents.add(document);
        }
        tickets.insertMany(documents);
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void aConditionalWriteByIdMatchesOneDocumentNotTheCollection() {
        long before = backend.documentsMatched();

        var claimed = tickets.findOneAndUpdate(
                Filters.and(Filters.eq("_id", "t42"), Filters.exists("pendingEvents.0"),
                        Filters.or(Filters.exists("relayClaim", false), Filters.eq("relayClaim", null))),
                Updates.set("relayClaim", "c1"), new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));

        assertThat(claimed).isNotNull();
        assertThat(claimed.getString("relayClaim")).isEqualTo("c1");
        assertThat(backend.documentsMatched() - before).isLessThanOrEqualTo(1);
    }

    @Test
    void theWholeQueryStillDecidesWhatMatches() {
        assertThat(tickets.find(new Document("_id", "t7").append("status", "NEW")).first()).isNotNull();
        assertThat(tickets.find(new Document("_id", "t7").append("status", "SOLVED")).first()).isNull();
        assertThat(tickets.find(Filters.and(Filters.eq("_id", "t7"), Filters.eq("serviceId", "a"))).first())
                .as("t7 is tenant b's").isNull();
        assertThat(tickets.find(Filters.and(Filters.eq("_id", "missing"), Filters.eq("status", "NEW"))).first())
                .isNull();

        var update = tickets.updateOne(Filters.and(Filters.eq("_id", "t8"), Filters.eq("relayClaim", "other")),
                Updates.unset("pendingEvents"));
        assertThat(update.getMatchedCount()).isZero();
        assertThat(tickets.find(Filters.eq("_id", "t8")).first().getList("pendingEvents", Document.class)).hasSize(1);
    }

    @Test
    void anyUniqueFieldPinnedNextToOthersIsLookedUp() {
        long before = backend.documentsMatched();

        var found = tickets.find(Filters.and(Filters.eq("idempotency", "key40"), Filters.eq("serviceId", "a"))).first();

        assertThat(found.getString("_id")).isEqualTo("t40");
        assertThat(backend.documentsMatched() - before).isLessThanOrEqualTo(1);
        assertThat(tickets.find(Filters.and(Filters.eq("idempotency", "key40"), Filters.eq("serviceId", "b"))).first())
                .isNull();
    }

    @Test
    void aFewIdsInAnInListAreLookedUpOneByOne() {
        long before = backend.documentsMatched();

        var found = tickets.find(Filters.and(Filters.in("_id", List.of("t1", "t2", "t3", "missing")),
                Filters.eq("serviceId", "b"))).map(d -> d.getString("_id")).into(new ArrayList<>());

        assertThat(found).containsExactly("t1", "t3");
        assertThat(backend.documentsMatched() - before).isLessThanOrEqualTo(3);
    }

    @Test
    void queriesThatPinNothingStillScanAndFindEverything() {
        assertThat(tickets.countDocuments(Filters.eq("serviceId", "a"))).isEqualTo(DOCUMENTS / 2);
        assertThat(tickets.countDocuments(Filters.and(Filters.in("_id", List.of("t1", "t2", "t3")),
                Filters.eq("serviceId", "b")))).isEqualTo(2);
        assertThat(tickets.countDocuments(Filters.and(Filters.regex("_id", "^t1"), Filters.eq("serviceId", "a"))))
                .isEqualTo(tickets.countDocuments(Filters.regex("_id", "^t1[0-9]*[02468]$")));
    }

    @Test
    void aDatabaseIsCreatedListedAndDroppedLikeOnTheBackendItExtends() {
        var other = client.getDatabase("other");
        other.getCollection("probe").insertOne(new Document("_id", 1));
        assertThat(other.listCollectionNames().into(new ArrayList<>())).contains("probe");

        other.drop();

        assertThat(client.listDatabaseNames().into(new ArrayList<>())).doesNotContain("other");
    }
}
