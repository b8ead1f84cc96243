package dev.switchboard.account.inbound;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.switchboard.events.inbound.InboundEmailHandled;
import dev.switchboard.platform.events.EventSerde;

/** Adapter from the inbound mail topic: once ticket-service handled a fetched message, its source may go. */
@Component
class InboundHandledListener {

    private final EventSerde serde;
    private final SourceDeletion deletion;

    InboundHandledListener(EventSerde serde, SourceDeletion deletion) {
        this.serde = serde;
        this.deletion = deletion;
    }

    // Kafka listener threads are not event-loop threads, so the IMAP conversation (bounded) may run here.
    @KafkaListener(id = "account-inbound-handled", groupId = "account-service",
            topics = "#{T(dev.switchboard.schemas.Topic).MAIL_INBOUND.topicName()}")
    void onRecord(ConsumerRecord<String, byte[]> record) {
        if (serde.decode(record) instanceof InboundEmailHandled handled) {
            deletion.onHandled(handled);
        }
    }
}
