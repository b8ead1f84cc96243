package dev.switchboard.platform.events;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import dev.switchboard.events.EventMetadata;
import dev.switchboard.schemas.EventCatalog;

/**
 * The one class that turns events into bytes and back.
 *
 * <p>Wire format: Avro single-object encoding (marker {@code C3 01}, the 8-byte CRC-64-AVRO
 * fingerprint of the writer schema, Avro binary), plus a header naming the event type. Any released
 * writer version is resolved to the reader's current schema through {@link EventCatalog}. A
 * registry-based format would replace this class and nothing else.
 */
public final class EventSerde {

    private final EventCatalog catalog = EventCatalog.get();
    private final Map<Class<?>, BinaryMessageEncoder<SpecificRecord>> encoders = new ConcurrentHashMap<>();
    private final Map<Class<?>, BinaryMessageDecoder<SpecificRecord>> decoders = new ConcurrentHashMap<>();

    public byte[] encode(SpecificRecord event) {
        try {
            ByteBuffer buffer = encoders.computeIfAbsent(event.getClass(), this::encoderFor).encode(event);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode " + event.getSchema().getFullName(), e);
        }
    }

    /** Decodes a record using its type header; an unknown type or broken payload is not retryable. */
    public SpecificRecord decode(ConsumerRecord<?, byte[]> record) {
        Header type = record.headers().lastHeader(EventHeaders.TYPE);
        if (type == null) {
            throw new UndecodableEventException("Record without " + EventHeaders.TYPE + " header");
        }
        return decode(new String(type.value(), StandardCharsets.UTF_8), record.value());
    }

    public SpecificRecord decode(String typeName, byte[] payload) {
        Class<? extends SpecificRecord> type = catalog.typeNamed(typeName)
                .orElseThrow(() -> new UndecodableEventException("Unknown event type " + typeName));
        if (payload == null) {
            throw new UndecodableEventException("Empty payload for " + typeName);
        }
        try {
            return decoders.computeIfAbsent(type, this::decoderFor).decode(payload);
        } catch (IOException | RuntimeException e) {
            throw new UndecodableEventException("Cannot decode " + typeName + ": " + e.getMessage());
        }
    }

    /** The metadata every event carries. */
    public static EventMetadata metadataOf(SpecificRecord event) {
        Object metadata = event.get(event.getSchema().getField("metadata").pos());
        return (EventMetadata) metadata;
    }

    @SuppressWarnings("unchecked")
    private BinaryMessageEncoder<SpecificRecord> encoderFor(Class<?> type) {
        return catalog.encoder((Class<SpecificRecord>) type);
    }

    @SuppressWarnings("unchecked")
    private BinaryMessageDecoder<SpecificRecord> decoderFor(Class<?> type) {
        return catalog.decoder((Class<SpecificRecord>) type);
    }
}
