package dev.switchboard.platform.events;

import java.time.Clock;
import java.util.UUID;

import dev.switchboard.events.EventMetadata;

/** Builds the metadata of a new event, naming this service as its producer. */
public final class EventMetadataFactory {

    private final String producer;
    private final Clock clock;

    public EventMetadataFactory(String producer, Clock clock) {
        this.producer = producer;
        this.clock = clock;
    }

    public EventMetadata create(String serviceId, String correlationId) {
        return EventMetadata.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOccurredAt(clock.instant())
                .setServiceId(serviceId)
                .setCorrelationId(correlationId)
                .setProducer(producer)
                .build();
    }
}
