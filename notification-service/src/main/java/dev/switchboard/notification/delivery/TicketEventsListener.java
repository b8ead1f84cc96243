package dev.switchboard.notification.delivery;

import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.switchboard.events.ticket.TicketCreated;
import dev.switchboard.events.ticket.TicketReplied;
import dev.switchboard.platform.events.EventSerde;

/**
 * Adapter from the ticket topic to the mail queue: each event that owes a mail enqueues it (one write, keyed by
 * the delivery id, so a redelivered event owes nothing new) and hands the new delivery, leased to this instance,
 * to the dispatcher. Sending happens apart from the topic, so a slow mail server holds up no partition.
 */
@Component
class TicketEventsListener {

    /** One upsert; longer means the database is away, and the record is retried through the retry topic. */
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final EventSerde serde;
    private final TicketMail tickets;
    private final DeliveryService deliveries;
    private final MailDispatcher dispatcher;

    TicketEventsListener(EventSerde serde, TicketMail tickets, DeliveryService deliveries, MailDispatcher dispatcher) {
        this.serde = serde;
        this.tickets = tickets;
        this.deliveries = deliveries;
        this.dispatcher = dispatcher;
    }

    // Kafka listener threads are not event-loop threads, so waiting here is safe.
    @KafkaListener(id = "notification-ticket-events", groupId = "notification-service",
            topics = "#{T(dev.switchboard.schemas.Topic).TICKET_EVENTS.topicName()}",
            concurrency = "#{T(dev.switchboard.schemas.Topic).TICKET_EVENTS.partitions()}")
    void onRecord(ConsumerRecord<String, byte[]> record) {
        var event = serde.decode(record);
        if (!(event instanceof TicketCreated) && !(event instanceof TicketReplied)) {
            return;
        }
        tickets.owedBy(event, record.value()).flatMap(deliveries::enqueue).blockOptional(WAIT)
                .ifPresent(dispatcher::offer);
    }
}
