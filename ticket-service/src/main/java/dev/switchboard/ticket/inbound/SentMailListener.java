package dev.switchboard.ticket.inbound;

import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.switchboard.events.notification.EmailSent;
import dev.switchboard.platform.events.EventSerde;
import dev.switchboard.ticket.ticket.MailTickets;

/** Adapter from the notification topic: the Message-ID of each mail sent for a ticket, so replies to it thread. */
@Component
class SentMailListener {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final EventSerde serde;
    private final MailTickets mail;

    SentMailListener(EventSerde serde, MailTickets mail) {
        this.serde = serde;
        this.mail = mail;
    }

    // Kafka listener threads are not event-loop threads, so waiting here (bounded) is safe.
    @KafkaListener(id = "ticket-sent-mail", groupId = "ticket-service",
            topics = "#{T(dev.switchboard.schemas.Topic).NOTIFICATION_EVENTS.topicName()}")
    void onRecord(ConsumerRecord<String, byte[]> record) {
        if (serde.decode(record) instanceof EmailSent sent) {
            mail.mailSent(sent.getMetadata().getServiceId(), sent.getTicketId(), sent.getMessageId()).block(WAIT);
        }
    }
}
