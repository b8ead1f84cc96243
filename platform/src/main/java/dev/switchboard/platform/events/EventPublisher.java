package dev.switchboard.platform.events;

import java.nio.charset.StandardCharsets;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;

import dev.switchboard.events.EventMetadata;
import dev.switchboard.platform.reactive.Detached;
import dev.switchboard.schemas.Topic;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Publishes encoded events with their headers and completes when the broker acknowledged them.
 * {@code KafkaTemplate.send} blocks while it waits for metadata or buffer space (up to
 * {@code max.block.ms}), so it is called on a scheduler of its own, never on the thread that delivered
 * a Mongo result or an HTTP request: a broker outage must not freeze database or web I/O.
 */
public final class EventPublisher {

    private final KafkaTemplate<String, byte[]> kafka;
    private final EventSerde serde;
    private final Scheduler sending;

    public EventPublisher(KafkaTemplate<String, byte[]> kafka, EventSerde serde, Scheduler sending) {
        this.kafka = kafka;
        this.serde = serde;
        this.sending = sending;
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
        // the send goes on by itself: a caller that stops waiting (a timeout) must not interrupt the thread blocked
        // in send()
        return Mono.defer(() -> Detached.await(Mono.fromFuture(() -> kafka.send(record)).subscribeOn(sending)
                .toFuture())).then();
    }
}
