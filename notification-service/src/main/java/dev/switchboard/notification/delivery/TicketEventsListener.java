package dev.switchboard.notification.delivery;

import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.switchboard.events.ticket.TicketCreated;
import dev.switchboard.events.ticket.TicketReplied;
import dev.switchboard.platform.events.EventSerde;

/** Adapter from the ticket topic to the mail the ticket events cause. */
@Component
class TicketEventsListener {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final EventSerde serde;
    private final TicketAcknowledgements acknowledgements;

    TicketEventsListener(EventSerde serde, TicketAcknowledgements acknowledgements) {
        this.serde = serde;
        this.acknowledgements = acknowledgements;
    }

    // Kafka listener threads are not event-loop threads, so waiting here (bounded) is safe.
    @KafkaListener(id = "notification-ticket-events", groupId = "notification-service",
            topics = "#{T(dev.switchboard.schemas.Topic).TICKET_EVENTS.topicName()}")
    void onRecord(ConsumerRecord<String, byte[]> record) {
        switch (serde.decode(record)) {
            case TicketCreated created -> acknowledgements.onTicketCreated(created).block(TIMEOUT);
            case TicketReplied replied -> acknowledgements.onTicketReplied(replied).block(TIMEOUT);
            default -> {
            }
        }
    }
}
