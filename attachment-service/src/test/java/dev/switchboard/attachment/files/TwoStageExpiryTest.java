package dev.switchboard.attachment.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.util.unit.DataSize;

import dev.switchboard.events.EventMetadata;
import dev.switchboard.events.attachment.AttachmentDeleted;
import dev.switchboard.events.ticket.EndUser;
import dev.switchboard.events.ticket.TicketCreated;
import dev.switchboard.platform.events.EventHeaders;
import dev.switchboard.platform.events.EventSerde;
import dev.switchboard.platform.outbox.PendingEvent;
import dev.switchboard.platform.web.NhnApiException;
import reactor.core.publisher.Flux;

/**
 * Expiry never removes a file a late ticket event could still reference: it retires it, a reference restores it,
 * and only a file unreferenced for the whole purge retention loses its bytes.
 */
class TwoStageExpiryTest {

    private static final String TENANT = "svc";

    private final MovableClock clock = new MovableClock(Instant.parse("2025-03-01T10:00:00Z"));
    private final Storage storage = new Storage(DataSize.ofMegabytes(10), clock);
    private final Attachments attachments = storage.attachments;
    private final EventSerde serde = new EventSerde();

    @AfterEach
    void stop() {
        storage.close();
    }

    @Test
    void anExpiredUnreferencedUploadIsRetiredWithItsBytesKept() {
        String id = upload("loose.png");
        clock.move(Storage.TTL.minusMinutes(1));
        assertThat(attachments.expire().block()).isZero();

        clock.move(Duration.ofMinutes(2));
        assertThat(attachments.expire().block()).isEqualTo(1);

        var retired = storage.attachment(id);
        assertThat(retired.state()).isEqualTo(Attachment.RETIRED);
        assertThat(retired.retiredAt()).isEqualTo(clock.instant());
        assertThat(storage.files()).isEqualTo(1);
        assertThat(reasons(retired)).containsExactly("expired");
        // neither shown, nor served, nor deletable: for the API it is gone
        assertThatThrownBy(() -> attachments.find(TENANT, id).block()).isInstanceOf(NhnApiException.class)
                .hasMessageContaining("No attachment");
        assertThatThrownBy(() -> attachments.download(TENANT, id).block()).isInstanceOf(NhnApiException.class);
        assertThatThrownBy(() -> attachments.delete(TENANT, id, null).block()).isInstanceOf(NhnApiException.class);
        // a later sweep leaves it alone
        clock.move(Duration.ofDays(1));
        assertThat(attachments.expire().block()).isZero();
        assertThat(reasons(storage.attachment(id))).containsExactly("expired");
    }

    @Test
    void aReferenceArrivingAfterRetirementRestoresTheFileWithItsBytes() {
        String id = upload("late.png");
        clock.move(Storage.TTL.plusDays(3));
        attachments.expire().block();
        assertThat(storage.attachment(id).state()).isEqualTo(Attachment.RETIRED);

        attachments.referenced(TENANT, List.of(id), "T1").block();

        var restored = storage.attachment(id);
        assertThat(restored.state()).isEqualTo(Attachment.STORED);
        assertThat(restored.ticketId()).isEqualTo("T1");
        assertThat(restored.expiresAt()).isNull();
        assertThat(restored.retiredAt()).isNull();
        assertThat(download(id)).isEqualTo(FileChecksTest.PNG);
        // referenced, it is never retired nor purged again
        clock.move(Storage.PURGE_RETENTION.multipliedBy(2));
        assertThat(attachments.expire().block()).isZero();
        assertThat(download(id)).isEqualTo(FileChecksTest.PNG);
    }

    @Test
    void onlyAFileUnreferencedForTheWholeRetentionLosesItsBytes() {
        String forgotten = upload("forgotten.png");
        String lateReferenced = upload("referenced.png");
        clock.move(Storage.TTL.plusMinutes(1));
        assertThat(attachments.expire().block()).isEqualTo(2);

        clock.move(Storage.PURGE_RETENTION.minusMinutes(1));
        assertThat(attachments.expire().block()).isZero();
        assertThat(storage.files()).isEqualTo(2);
        attachments.referenced(TENANT, List.of(lateReferenced), "T2").block();

        clock.move(Duration.ofMinutes(2));
        assertThat(attachments.expire().block()).isEqualTo(1);

        var purged = storage.attachment(forgotten);
        assertThat(purged.state()).isEqualTo(Attachment.DELETED);
        // the retirement announced it; the purge adds no second event
        assertThat(reasons(purged)).containsExactly("expired");
        assertThat(storage.files()).isEqualTo(1);
        assertThat(download(lateReferenced)).isEqualTo(FileChecksTest.PNG);
        // a reference after the purge cannot bring it back
        attachments.referenced(TENANT, List.of(forgotten), "T3").block();
        assertThat(storage.attachment(forgotten).state()).isEqualTo(Attachment.DELETED);
    }

    @Test
    void aRedeliveredTicketEventChangesNothing() {
        String id = upload("kept.png");
        var listener = new TicketEventsListener(serde, attachments);
        var created = ticketCreated("T4", id);

        listener.onRecord(record(created));
        var first = storage.attachment(id);
        listener.onRecord(record(created));

        assertThat(storage.attachment(id)).usingRecursiveComparison().isEqualTo(first);
        assertThat(first.ticketId()).isEqualTo("T4");
        // another ticket naming the same file does not take it over either
        listener.onRecord(record(ticketCreated("T5", id)));
        assertThat(storage.attachment(id).ticketId()).isEqualTo("T4");
        clock.move(Storage.TTL.plus(Storage.PURGE_RETENTION).plusDays(1));
        assertThat(attachments.expire().block()).isZero();
    }

    @Test
    void aRemovalClaimedBeforeRetirementExistedIsFinishedAndAnnouncedAsExpired() {
        String id = upload("old.png");
        // what the previous sweep left when its instance died: claimed, bytes still there, no reason recorded
        storage.mongo.updateFirst(org.springframework.data.mongodb.core.query.Query.query(
                        org.springframework.data.mongodb.core.query.Criteria.where("_id").is(id)),
                new org.springframework.data.mongodb.core.query.Update().set("state", Attachment.EXPIRING)
                        .set("claimedAt", clock.instant()), Attachment.class).block();
        clock.move(Duration.ofMinutes(6));

        assertThat(attachments.expire().block()).isEqualTo(1);

        assertThat(storage.attachment(id).state()).isEqualTo(Attachment.DELETED);
        assertThat(reasons(storage.attachment(id))).containsExactly("expired");
        assertThat(storage.files()).isZero();
    }

    private String upload(String name) {
        Flux<DataBuffer> content = Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(FileChecksTest.PNG.clone()));
        return attachments.store(TENANT, name, content, null).block().attachmentId();
    }

    private byte[] download(String id) {
        DataBuffer joined = DataBufferUtils.join(attachments.download(TENANT, id).block().content()).block();
        byte[] bytes = new byte[joined.readableByteCount()];
        joined.read(bytes);
        return bytes;
    }

    /** The reasons of the AttachmentDeleted events the document carries for the outbox. */
    private List<String> reasons(Attachment attachment) {
        return attachment.pendingEvents().stream()
                .filter(pending -> pending.type().equals(AttachmentDeleted.class.getName()))
                .map(PendingEvent::payload)
                .map(payload -> ((AttachmentDeleted) serde.decode(AttachmentDeleted.class.getName(), payload))
                        .getReason().toString())
                .toList();
    }

    private TicketCreated ticketCreated(String ticketId, String attachmentId) {
        return TicketCreated.newBuilder()
                .setMetadata(EventMetadata.newBuilder().setEventId("event-" + ticketId).setOccurredAt(clock.instant())
                        .setServiceId(TENANT).setCorrelationId(null).setProducer("ticket-service").build())
                .setTicketId(ticketId).setSubject("s").setContent("c").setStatus("new")
                .setEndUser(EndUser.newBuilder().build()).setAttachmentIds(List.of(attachmentId)).setSource("api")
                .setCreatedAt(clock.instant()).build();
    }

    private ConsumerRecord<String, byte[]> record(TicketCreated event) {
        var headers = new RecordHeaders();
        headers.add(EventHeaders.TYPE, event.getSchema().getFullName().getBytes(StandardCharsets.UTF_8));
        return new ConsumerRecord<>("ticket-events", 0, 0L, 0L, TimestampType.CREATE_TIME, 0, 0,
                event.getTicketId().toString(), serde.encode(event), headers, java.util.Optional.empty());
    }

    /** A clock the test moves forward. */
    static final class MovableClock extends Clock {

        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void move(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
