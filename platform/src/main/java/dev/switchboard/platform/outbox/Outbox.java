package dev.switchboard.platform.outbox;

import org.apache.avro.specific.SpecificRecord;

import dev.switchboard.events.EventMetadata;
import dev.switchboard.platform.events.EventSerde;
import dev.switchboard.schemas.Topic;

/** Turns an event into the {@link PendingEvent} an aggregate stores with its change. */
public final class Outbox {

    private final EventSerde serde;

    public Outbox(EventSerde serde) {
        this.serde = serde;
    }

    public PendingEvent pending(String key, SpecificRecord event) {
        EventMetadata metadata = EventSerde.metadataOf(event);
        return new PendingEvent(metadata.getEventId(), Topic.of(event.getClass()).topicName(), key,
                event.getSchema().getFullName(), metadata.getServiceId(), serde.encode(event),
                metadata.getOccurredAt());
    }
}
