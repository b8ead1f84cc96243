package dev.switchboard.attachment.files;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.switchboard.events.ticket.CustomerReplied;
import dev.switchboard.events.ticket.TicketCreated;
import dev.switchboard.events.ticket.TicketReplied;
import dev.switchboard.platform.events.EventSerde;

/** Adapter from the ticket topic: files a ticket or reply references stop expiring, or are restored if retired. */
@Component
class TicketEventsListener {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final EventSerde serde;
    private final Attachments attachments;

    TicketEventsListener(EventSerde serde, Attachments attachments) {
        this.serde = serde;
        this.attachments = attachments;
    }

    // Kafka listener threads are not event-loop threads, so waiting here (bounded) is safe.
    @KafkaListener(id = "attachment-ticket-events", groupId = "attachment-service",
            topics = "#{T(dev.switchboard.schemas.Topic).TICKET_EVENTS.topicName()}")
    void onRecord(ConsumerRecord<String, byte[]> record) {
        switch (serde.decode(record)) {
            case TicketCreated created -> reference(created.getMetadata().getServiceId(), created.getAttachmentIds(),
                    created.getTicketId());
            case TicketReplied replied -> reference(replied.getMetadata().getServiceId(), replied.getAttachmentIds(),
                    replied.getTicketId());
            case CustomerReplied replied -> reference(replied.getMetadata().getServiceId(), replied.getAttachmentIds(),
                    replied.getTicketId());
            default -> {
            }
        }
    }

    private void reference(String serviceId, List<String> attachmentIds, String ticketId) {
        attachments.referenced(serviceId, attachmentIds, ticketId).block(TIMEOUT);
    }
}
