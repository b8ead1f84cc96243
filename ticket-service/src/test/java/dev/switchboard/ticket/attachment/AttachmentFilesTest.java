package dev.switchboard.ticket.attachment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.switchboard.events.EventMetadata;
import dev.switchboard.events.attachment.AttachmentDeleted;
import dev.switchboard.events.attachment.AttachmentUploaded;

/** The projection of attachment-service's files, retirement included, over a real Mongo wire server. */
class AttachmentFilesTest {

    private static final String TENANT = "svc";

    private final MongoServer server = new MongoServer(new MemoryBackend());
    private final MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + server.bind().getPort());
    private final ReactiveMongoTemplate mongo = new ReactiveMongoTemplate(client, "files-test");
    private final AttachmentFiles files = new AttachmentFiles(mongo,
            new AttachmentSettings(Duration.ofMinutes(10), Duration.ZERO));

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void aRetiredUploadCannotBeAttachedAndARedeliveredUploadDoesNotReviveIt() {
        files.uploaded(uploaded("a")).block();
        assertThat(files.usable(TENANT, List.of("a")).block()).containsKey("a");

        files.deleted(deleted("a", "expired")).block();
        files.deleted(deleted("a", "expired")).block();
        files.uploaded(uploaded("a")).block();

        assertThat(files.usable(TENANT, List.of("a")).block()).isEmpty();
        assertThat(mongo.findById("a", AttachmentFile.class).block().retired()).isTrue();
    }

    @Test
    void aRetirementAnnouncedAfterOurTicketReferencedTheFileChangesNothing() {
        files.uploaded(uploaded("b")).block();
        files.referenced(TENANT, List.of("b")).block();

        files.deleted(deleted("b", "expired")).block();

        var file = mongo.findById("b", AttachmentFile.class).block();
        assertThat(file.retired()).isFalse();
        assertThat(file.deleted()).isFalse();
        assertThat(files.known(TENANT, List.of("b")).block()).containsKey("b");
        assertThat(files.usable(TENANT, List.of("b")).block()).containsKey("b");
    }

    @Test
    void aRetirementBetweenTheCheckAndTheReferenceIsUndoneByTheReference() {
        files.uploaded(uploaded("c")).block();
        assertThat(files.usable(TENANT, List.of("c")).block()).containsKey("c");
        files.deleted(deleted("c", "expired")).block();

        // the ticket was already accepted: its event restores the file in attachment-service
        files.referenced(TENANT, List.of("c")).block();

        assertThat(files.known(TENANT, List.of("c")).block().get("c").retired()).isFalse();
        assertThat(files.usable(TENANT, List.of("c")).block()).containsKey("c");
    }

    @Test
    void aFileDeletedThroughTheApiIsGoneEvenWhenReferenced() {
        files.uploaded(uploaded("d")).block();
        files.referenced(TENANT, List.of("d")).block();

        files.deleted(deleted("d", "deleted")).block();

        assertThat(files.known(TENANT, List.of("d")).block()).isEmpty();
        assertThat(files.usable(TENANT, List.of("d")).block()).isEmpty();
    }

    @Test
    void anExpiryOfAFileNeverAnnouncedKeepsItOutOfTickets() {
        files.deleted(deleted("e", "expired")).block();
        files.uploaded(uploaded("e")).block();

        assertThat(files.known(TENANT, List.of("e")).block()).isEmpty();
        assertThat(files.usable(TENANT, List.of("e")).block()).isEmpty();
    }

    private static AttachmentUploaded uploaded(String id) {
        var now = Instant.now();
        return AttachmentUploaded.newBuilder().setMetadata(metadata()).setAttachmentId(id).setFileName(id + ".png")
                .setContentType("image/png").setSize(10).setCreatedAt(now).setExpiresAt(now.plus(Duration.ofHours(24)))
                .build();
    }

    private static AttachmentDeleted deleted(String id, String reason) {
        return AttachmentDeleted.newBuilder().setMetadata(metadata()).setAttachmentId(id).setReason(reason).build();
    }

    private static EventMetadata metadata() {
        return EventMetadata.newBuilder().setEventId(java.util.UUID.randomUUID().toString()).setOccurredAt(Instant.now())
                .setServiceId(TENANT).setProducer("attachment-service").build();
    }
}
