package dev.switchboard.platform.events;

import java.nio.charset.StandardCharsets;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;

import dev.switchboard.events.EventMetadata;
import dev.switchboard.schemas.Topic;
import reactor.core.publisher.Mono;

/** Publishes encoded events with their headers and completes when the broker acknowledged them. */
public final class EventPublisher {

    private final KafkaTemplate<String, byte[]> kafka;
    private final EventSerde serde;

    public EventPublisher(KafkaTemplate<String, byte[]> kafka, EventSerde serde) {
        this.kafka = kafka;
        this.serde = serde;
    }

    public Mono<Void> publish(String key, SpecificRecord event) {
        EventMetadata metadata = EventSerde.metadataOf(event);
        return publishEncoded(Topic.of(event.getClass()).topicName(), key, event.getSchema().getFullName(),
                metadata.getEventId(), metadata.getServiceId(), serde.encode(event));
    }

    /** Publishes an already encoded event (the outbox relay stores events encoded). */
    public Mono<Void> publishEncoded(String topic, String key, String type, String eventId, String serviceId,
                                     byte[] payload) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, payload);
        record.headers().add(EventHeaders.TYPE, type.getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventHeaders.ID, eventId.getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventHeaders.TENANT, serviceId.getBytes(StandardCharsets.UTF_8));
        return Mono.fromFuture(() -> kafka.send(record)).then();
    }
}
