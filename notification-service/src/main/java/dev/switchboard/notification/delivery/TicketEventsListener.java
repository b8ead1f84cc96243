package dev.switchboard.notification.delivery;

import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.switchboard.events.ticket.TicketCreated;
import dev.switchboard.events.ticket.TicketReplied;
import dev.switchboard.notification.config.NotificationProperties;
import dev.switchboard.platform.events.EventSerde;

/**
 * Adapter from the ticket topic to the mail the ticket events cause. One consumer per partition (as many as the
 * mail-send pool has threads), so a slow mail holds up only the tickets of its own partition.
 */
@Component
class TicketEventsListener {

    private final EventSerde serde;
    private final TicketAcknowledgements acknowledgements;
    private final Duration wait;

    TicketEventsListener(EventSerde serde, TicketAcknowledgements acknowledgements, NotificationProperties properties) {
        this.serde = serde;
        this.acknowledgements = acknowledgements;
        this.wait = properties.listenerWait();
    }

    // Kafka listener threads are not event-loop threads, so waiting here is safe. The wait outlasts the bounded
    // file fetch and send: giving up earlier would have the record retried while its mail is still being sent.
    // One record per poll, so a few slow mails in a row cannot exceed max.poll.interval.ms (5 min by default).
    @KafkaListener(id = "notification-ticket-events", groupId = "notification-service",
            topics = "#{T(dev.switchboard.schemas.Topic).TICKET_EVENTS.topicName()}",
            concurrency = "#{@mailSendPool.concurrency()}", containerPostProcessor = "mailListenerShutdown",
            properties = "max.poll.records=1")
    void onRecord(ConsumerRecord<String, byte[]> record) {
        switch (serde.decode(record)) {
            case TicketCreated created -> acknowledgements.onTicketCreated(created).block(wait);
            case TicketReplied replied -> acknowledgements.onTicketReplied(replied).block(wait);
            default -> {
            }
        }
    }
}
