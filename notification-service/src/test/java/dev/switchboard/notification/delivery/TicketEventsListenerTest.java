package dev.switchboard.notification.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;

import com.mongodb.MongoSocketOpenException;
import com.mongodb.ServerAddress;

import dev.switchboard.events.EventMetadata;
import dev.switchboard.events.ticket.EndUser;
import dev.switchboard.events.ticket.TicketCreated;
import dev.switchboard.platform.events.EventHeaders;
import dev.switchboard.platform.events.EventSerde;
import dev.switchboard.platform.events.PlatformKafkaProperties;
import dev.switchboard.platform.events.UndecodableEventException;
import reactor.core.publisher.Mono;

/** The adapter alone: what it hands the container for each record (the ITs run it in the real container). */
class TicketEventsListenerTest {

    private final EventSerde serde = new EventSerde();
    private final TicketMail tickets = mock();
    private final DeliveryService deliveries = mock();
    private final MailDispatcher dispatcher = mock();
    private final TicketEventsListener listener = new TicketEventsListener(serde, tickets, deliveries, dispatcher,
            new PlatformKafkaProperties((short) 1, 40, Duration.ofSeconds(2), 0, 16));
    private final DeliveryService.Owed owed = new DeliveryService.Owed("ticket-ack:T1", "demo", "T1",
            TicketMail.PURPOSE, TicketCreated.getClassSchema().getFullName(), new byte[0], Instant.EPOCH, "c1");
    private final Delivery delivery = mock();

    @Test
    void recordsAreEnqueuedSideBySideNotOneAfterTheOther() {
        // the container commits a record once its result completes; a listener that waited would never return here
        var first = new CompletableFuture<Delivery>();
        when(tickets.owedBy(any(), any())).thenReturn(Mono.just(owed));
        when(deliveries.enqueue(owed)).thenReturn(Mono.fromFuture(first), Mono.just(delivery));

        var pending = listener.onRecord(record("T1")).toFuture();
        listener.onRecord(record("T2")).block(Duration.ofSeconds(30));

        assertThat(pending).isNotDone();
        verify(dispatcher, times(1)).offer(delivery);
        first.complete(delivery);
        pending.join();
        verify(dispatcher, times(2)).offer(delivery);
    }

    @Test
    void anEnqueueRefusedWhileTheDatabaseIsAwayIsTriedAgainBeforeTheRecordCounts() {
        var attempts = new AtomicInteger();
        when(tickets.owedBy(any(), any())).thenReturn(Mono.just(owed));
        when(deliveries.enqueue(owed)).thenAnswer(call -> attempts.incrementAndGet() < 3
                ? Mono.error(new MongoSocketOpenException("refused", new ServerAddress()))
                : Mono.just(delivery));

        listener.onRecord(record("T1")).block(Duration.ofSeconds(60));

        assertThat(attempts).hasValue(3);
        verify(dispatcher).offer(delivery);
    }

    @Test
    void anyOtherFailureIsHandedToTheContainerAtOnce() {
        when(tickets.owedBy(any(), any())).thenReturn(Mono.just(owed));
        when(deliveries.enqueue(owed)).thenReturn(Mono.error(new IllegalStateException("a bug")));

        assertThatThrownBy(() -> listener.onRecord(record("T1")).block(Duration.ofSeconds(30)))
                .isInstanceOf(IllegalStateException.class);

        verify(deliveries, times(1)).enqueue(owed);
        verify(dispatcher, never()).offer(any());
    }

    @Test
    void anUndecodableRecordIsAFailedResultNotAThrow() {
        var broken = new ConsumerRecord<String, byte[]>("switchboard.ticket.events", 0, 0, "T1",
                "not avro".getBytes(StandardCharsets.UTF_8));
        broken.headers().add(EventHeaders.TYPE, TicketCreated.getClassSchema().getFullName().getBytes());

        var result = listener.onRecord(broken);

        assertThatThrownBy(() -> result.block(Duration.ofSeconds(30))).isInstanceOf(UndecodableEventException.class);
    }

    @Test
    void theSameEventTwiceOwesOneMail() {
        // the enqueue is keyed by the delivery id: the second time it inserts nothing and answers empty
        when(tickets.owedBy(any(), any())).thenReturn(Mono.just(owed));
        when(deliveries.enqueue(owed)).thenReturn(Mono.just(delivery), Mono.empty());

        listener.onRecord(record("T1")).block(Duration.ofSeconds(30));
        listener.onRecord(record("T1")).block(Duration.ofSeconds(30));

        verify(dispatcher, times(1)).offer(delivery);
    }

    @Test
    void theDatabaseBeingAwayIsToldApartFromOtherFailures() {
        assertThat(TicketEventsListener.databaseAway(new DataAccessResourceFailureException("down"))).isTrue();
        assertThat(TicketEventsListener.databaseAway(new IllegalStateException("wrapped",
                new java.util.concurrent.TimeoutException()))).isTrue();
        assertThat(TicketEventsListener.databaseAway(new IllegalStateException("a bug"))).isFalse();
        assertThat(TicketEventsListener.databaseAway(new UndecodableEventException("broken"))).isFalse();
    }

    private ConsumerRecord<String, byte[]> record(String ticketId) {
        var event = TicketCreated.newBuilder()
                .setMetadata(EventMetadata.newBuilder().setEventId("e-" + ticketId).setOccurredAt(Instant.now())
                        .setServiceId("demo").setProducer("ticket-service").build())
                .setTicketId(ticketId).setSubject("Subject").setContent("Content").setStatus("new")
                .setEndUser(EndUser.newBuilder().setEmail("customer@example.com").build()).setSource("api")
                .setCreatedAt(Instant.now()).build();
        var record = new ConsumerRecord<>("switchboard.ticket.events", 0, 0, ticketId, serde.encode(event));
        record.headers().add(EventHeaders.TYPE, event.getSchema().getFullName().getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
