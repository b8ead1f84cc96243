package dev.switchboard.ticket.inbound;

import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.switchboard.events.inbound.InboundEmailReceived;
import dev.switchboard.platform.events.EventSerde;

/**
 * Adapter from the inbound mail topic to {@link InboundMail}. The topic also carries this service's own answers
 * ({@code InboundEmailHandled}), which are for account-service.
 */
@Component
class InboundMailListener {

    /** A message's files may wait for their upload events, then one write and the relay. */
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final EventSerde serde;
    private final InboundMail inbound;

    InboundMailListener(EventSerde serde, InboundMail inbound) {
        this.serde = serde;
        this.inbound = inbound;
    }

    // Kafka listener threads are not event-loop threads, so waiting here (bounded) is safe.
    @KafkaListener(id = "ticket-inbound-mail", groupId = "ticket-service",
            topics = "#{T(dev.switchboard.schemas.Topic).MAIL_INBOUND.topicName()}",
            concurrency = "#{T(dev.switchboard.schemas.Topic).MAIL_INBOUND.partitions()}")
    void onRecord(ConsumerRecord<String, byte[]> record) {
        if (serde.decode(record) instanceof InboundEmailReceived received) {
            inbound.receive(received).block(WAIT);
        }
    }
}
