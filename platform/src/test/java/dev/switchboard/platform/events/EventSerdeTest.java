package dev.switchboard.platform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import dev.switchboard.events.EventMetadata;
import dev.switchboard.events.ticket.EndUser;
import dev.switchboard.events.ticket.TicketCreated;

class EventSerdeTest {

    final EventSerde serde = new EventSerde();

    static TicketCreated ticketCreated() {
        return TicketCreated.newBuilder()
                .setMetadata(EventMetadata.newBuilder().setEventId("e-1").setOccurredAt(Instant.ofEpochMilli(1000))
                        .setServiceId("demo").setCorrelationId(null).setProducer("test").build())
                .setTicketId("T1658199661153IXTfw").setCategoryId(2542L).setSubject("subject").setContent("content")
                .setStatus("new")
                .setEndUser(EndUser.newBuilder().setEmail("a@example.com").setUsername("A").build())
                .setAttachmentIds(List.of("x")).setSource("web").setCreatedAt(Instant.ofEpochMilli(1000))
                .build();
    }

    @Test
    void writesAvroSingleObjectEncodingAndReadsItBack() {
        byte[] bytes = serde.encode(ticketCreated());
        assertThat(Arrays.copyOfRange(bytes, 0, 2)).containsExactly(0xC3 - 256, 0x01);
        long fingerprint = org.apache.avro.SchemaNormalization.parsingFingerprint64(TicketCreated.getClassSchema());
        byte[] expected = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(fingerprint).array();
        assertThat(Arrays.copyOfRange(bytes, 2, 10)).containsExactly(expected);
        assertThat(serde.decode(TicketCreated.getClassSchema().getFullName(), bytes)).isEqualTo(ticketCreated());
    }

    @Test
    void refusesUnknownTypesAndBrokenPayloadsAsUndecodable() {
        assertThatThrownBy(() -> serde.decode("no.such.Event", new byte[] {1}))
                .isInstanceOf(UndecodableEventException.class);
        assertThatThrownBy(() -> serde.decode(TicketCreated.getClassSchema().getFullName(), new byte[] {(byte) 0xC3, 1, 2}))
                .isInstanceOf(UndecodableEventException.class);
        var noHeader = new ConsumerRecord<String, byte[]>("t", 0, 0, "k", new byte[] {1});
        assertThatThrownBy(() -> serde.decode(noHeader)).isInstanceOf(UndecodableEventException.class);
    }
}
