package dev.switchboard.notification.settings;

import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.switchboard.events.mail.MailSettingsChanged;
import dev.switchboard.platform.events.EventSerde;

/** Adapter from the mail-settings topic to {@link SenderSettingsService}. */
@Component
class MailSettingsListener {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final EventSerde serde;
    private final SenderSettingsService settings;

    MailSettingsListener(EventSerde serde, SenderSettingsService settings) {
        this.serde = serde;
        this.settings = settings;
    }

    // Kafka listener threads are not event-loop threads, so waiting here (bounded) is safe.
    @KafkaListener(id = "notification-mail-settings", groupId = "notification-service",
            topics = "#{T(dev.switchboard.schemas.Topic).MAIL_SETTINGS.topicName()}")
    void onRecord(ConsumerRecord<String, byte[]> record) {
        if (serde.decode(record) instanceof MailSettingsChanged changed) {
            settings.onMailSettingsChanged(changed).block(TIMEOUT);
        }
    }
}
