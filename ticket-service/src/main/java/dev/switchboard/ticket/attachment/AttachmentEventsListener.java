package dev.switchboard.ticket.attachment;

import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.switchboard.events.attachment.AttachmentDeleted;
import dev.switchboard.events.attachment.AttachmentUploaded;
import dev.switchboard.platform.events.EventSerde;

/** Adapter from the attachment topic to the projection of stored files. */
@Component
class AttachmentEventsListener {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final EventSerde serde;
    private final AttachmentFiles files;

    AttachmentEventsListener(EventSerde serde, AttachmentFiles files) {
        this.serde = serde;
        this.files = files;
    }

    // Kafka listener threads are not event-loop threads, so waiting here (bounded) is safe.
    @KafkaListener(id = "ticket-attachment-events", groupId = "ticket-service",
            topics = "#{T(dev.switchboard.schemas.Topic).ATTACHMENT_EVENTS.topicName()}")
    void onRecord(ConsumerRecord<String, byte[]> record) {
        switch (serde.decode(record)) {
            case AttachmentUploaded uploaded -> files.uploaded(uploaded).block(TIMEOUT);
            case AttachmentDeleted deleted -> files.deleted(deleted).block(TIMEOUT);
            default -> {
            }
        }
    }
}
