package dev.switchboard.attachment.files;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.time.Duration;

import org.bson.Document;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.util.unit.DataSize;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.switchboard.platform.events.EventMetadataFactory;
import dev.switchboard.platform.events.EventSerde;
import dev.switchboard.platform.outbox.Outbox;
import dev.switchboard.platform.outbox.OutboxRelay;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Attachments over a real Mongo wire server (GridFS included); the outbox relay is a stand-in. */
final class Storage implements AutoCloseable {

    static final Duration TTL = Duration.ofHours(24);
    static final Duration PURGE_RETENTION = Duration.ofDays(30);

    final MongoServer server = new MongoServer(new MemoryBackend());
    final MongoClient client;
    final ReactiveMongoTemplate mongo;
    final Attachments attachments;
    final AttachmentController controller;

    Storage(DataSize maxSize, Clock clock) {
        var address = server.bind();
        client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort());
        mongo = new ReactiveMongoTemplate(client, "attachments-test");
        OutboxRelay relay = mock();
        when(relay.relay(any(), any())).thenReturn(Mono.empty());
        when(relay.relayAndWait(any(), any())).thenReturn(Mono.empty());
        // the real write-then-relay, over the stubbed relay
        when(relay.writeThenRelay(any(), any(), any())).thenCallRealMethod();
        var properties = new AttachmentProperties(maxSize, TTL, PURGE_RETENTION, Duration.ofMinutes(1),
                Duration.ofMinutes(5), Duration.ofMinutes(15), "k".repeat(32));
        attachments = new Attachments(mongo, properties, new EventMetadataFactory("attachment-service", clock),
                new Outbox(new EventSerde()), relay, clock);
        controller = new AttachmentController(attachments, new DownloadLinks(properties));
    }

    /** The GridFS chunks stored, of every file. */
    long chunks() {
        return mongo.getCollection("files.chunks").flatMap(c -> Mono.from(c.countDocuments())).block();
    }

    long files() {
        return mongo.getCollection("files.files").flatMap(c -> Mono.from(c.countDocuments())).block();
    }

    Attachment attachment(String id) {
        return mongo.findById(id, Attachment.class).block();
    }

    Flux<Document> raw() {
        return mongo.getCollection(Attachment.COLLECTION).flatMapMany(c -> c.find());
    }

    @Override
    public void close() {
        client.close();
        server.shutdownNow();
    }
}
