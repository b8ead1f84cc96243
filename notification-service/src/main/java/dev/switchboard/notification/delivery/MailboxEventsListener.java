package dev.switchboard.notification.delivery;

import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.switchboard.events.mailbox.ExternalAccountDisabled;
import dev.switchboard.platform.events.EventSerde;

/** Adapter from the mailbox topic to the mail queue: a disabled mailbox owes its tenant's administrators a notice. */
@Component
class MailboxEventsListener {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final EventSerde serde;
    private final AdministratorNotices notices;
    private final DeliveryService deliveries;
    private final MailDispatcher dispatcher;

    MailboxEventsListener(EventSerde serde, AdministratorNotices notices, DeliveryService deliveries,
                          MailDispatcher dispatcher) {
        this.serde = serde;
        this.notices = notices;
        this.deliveries = deliveries;
        this.dispatcher = dispatcher;
    }

    @KafkaListener(id = "notification-mailbox-events", groupId = "notification-service",
            topics = "#{T(dev.switchboard.schemas.Topic).MAILBOX_EVENTS.topicName()}")
    void onRecord(ConsumerRecord<String, byte[]> record) {
        if (serde.decode(record) instanceof ExternalAccountDisabled disabled) {
            var added = notices.owedBy(disabled, record.value()).concatMap(deliveries::enqueue).collectList().block(WAIT);
            if (added != null) {
                added.forEach(dispatcher::offer);
            }
        }
    }
}
