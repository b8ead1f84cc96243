package dev.switchboard.notification.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.SendResult;

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

    private static final String DEAD_LETTERS = "switchboard.ticket.events.notification-service.DLT";

    private final EventSerde serde = new EventSerde();
    private final TicketMail tickets = mock();
    private final DeliveryService deliveries = mock();
    private final MailDispatcher dispatcher = mock();
    @SuppressWarnings("unchecked")
    private final KafkaTemplate<String, byte[]> kafka = mock(KafkaTemplate.class);
    private final TicketEventsListener listener = new TicketEventsListener(serde, tickets, deliveries, dispatcher,
            kafka, new PlatformKafkaProperties((short) 1, 40, Duration.ofSeconds(2), 0, 16), "notification-service");
    private final DeliveryService.Owed owed = new DeliveryService.Owed("ticket-ack:T1", "demo", "T1",
            TicketMail.PURPOSE, TicketCreated.getClassSchema().getFullName(), new byte[0], Instant.EPOCH, "c1");
    private final Delivery delivery = mock();

    @Test
    void aRecordCountsOnlyOnceItsMailIsOwedWhileOtherTicketsGoOn() throws Exception {
        // the container commits a record once its result completes
        var first = firstEnqueueAnsweredLater();

        var pending = listener.onRecord(record("T1")).toFuture();
        listener.onRecord(record("T2")).block(Duration.ofSeconds(30));

        assertThat(pending).isNotDone();
        verify(dispatcher, timeout(30_000)).offer(delivery);
        first.complete(delivery);
        pending.get(30, TimeUnit.SECONDS);
        verify(dispatcher, timeout(30_000).times(2)).offer(delivery);
    }

    @Test
    void theEventsOfOneTicketAreEnqueuedOneAfterTheOther() throws Exception {
        var first = firstEnqueueAnsweredLater();

        var created = listener.onRecord(record("T1")).toFuture();
        var answered = listener.onRecord(record("T1")).toFuture();

        assertThat(answered).isNotDone();
        verify(deliveries, times(1)).enqueue(owed);
        first.complete(delivery);
        created.get(30, TimeUnit.SECONDS);
        answered.get(30, TimeUnit.SECONDS);
        verify(deliveries, times(2)).enqueue(owed);
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
        verify(dispatcher, timeout(30_000)).offer(delivery);
        verify(kafka, never()).send(any(ProducerRecord.class));
    }

    @Test
    void anyOtherFailurePutsTheRecordIntoTheDeadLettersBeforeItCounts() {
        when(tickets.owedBy(any(), any())).thenReturn(Mono.just(owed));
        when(deliveries.enqueue(owed)).thenReturn(Mono.error(new IllegalStateException("a bug")));
        var broker = new CompletableFuture<SendResult<String, byte[]>>();
        when(kafka.send(any(ProducerRecord.class))).thenReturn(broker);

        var result = listener.onRecord(record("T1")).toFuture();

        assertThat(result).as("not before the broker has it").isNotDone();
        broker.complete(mock());
        assertThat(result).succeedsWithin(Duration.ofSeconds(30));
        var letter = deadLetter();
        assertThat(letter.key()).isEqualTo("T1");
        assertThat(new String(letter.headers().lastHeader(KafkaHeaders.DLT_EXCEPTION_FQCN).value()))
                .isEqualTo(IllegalStateException.class.getName());
        assertThat(letter.headers().lastHeader(EventHeaders.TYPE)).as("re-drivable as it was").isNotNull();
        verify(deliveries, times(1)).enqueue(owed);
        verify(dispatcher, never()).offer(any());
    }

    @Test
    void anUndecodableRecordGoesToTheDeadLettersAndADeadLetterIsTriedAgainWhileTheBrokerIsAway() {
        var broken = new ConsumerRecord<String, byte[]>("switchboard.ticket.events", 0, 0, "T1",
                "not avro".getBytes(StandardCharsets.UTF_8));
        broken.headers().add(EventHeaders.TYPE, TicketCreated.getClassSchema().getFullName().getBytes());
        when(kafka.send(any(ProducerRecord.class)))
                .thenReturn(CompletableFuture.failedFuture(new IllegalStateException("broker away")))
                .thenReturn(CompletableFuture.completedFuture(mock()));

        listener.onRecord(broken).block(Duration.ofSeconds(60));

        verify(kafka, times(2)).send(any(ProducerRecord.class));
        assertThat(new String(deadLetter().headers().lastHeader(KafkaHeaders.DLT_EXCEPTION_FQCN).value()))
                .isEqualTo(UndecodableEventException.class.getName());
    }

    @Test
    void theSameEventTwiceOwesOneMail() {
        // the enqueue is keyed by the delivery id: the second time it inserts nothing and answers empty
        when(tickets.owedBy(any(), any())).thenReturn(Mono.just(owed));
        when(deliveries.enqueue(owed)).thenReturn(Mono.just(delivery), Mono.empty());

        listener.onRecord(record("T1")).block(Duration.ofSeconds(30));
        listener.onRecord(record("T1")).block(Duration.ofSeconds(30));

        verify(dispatcher, timeout(30_000).times(1)).offer(delivery);
        verify(dispatcher, times(1)).offer(any());
    }

    @Test
    void theDatabaseBeingAwayIsToldApartFromOtherFailures() {
        assertThat(TicketEventsListener.databaseAway(new DataAccessResourceFailureException("down"))).isTrue();
        assertThat(TicketEventsListener.databaseAway(new IllegalStateException("wrapped",
                new java.util.concurrent.TimeoutException()))).isTrue();
        assertThat(TicketEventsListener.databaseAway(new IllegalStateException("a bug"))).isFalse();
        assertThat(TicketEventsListener.databaseAway(new UndecodableEventException("broken"))).isFalse();
    }

    /** The first enqueue completes when the test says so, every later one at once. */
    private CompletableFuture<Delivery> firstEnqueueAnsweredLater() {
        var first = new CompletableFuture<Delivery>();
        when(tickets.owedBy(any(), any())).thenReturn(Mono.just(owed));
        when(deliveries.enqueue(owed)).thenReturn(Mono.fromFuture(first), Mono.just(delivery));
        return first;
    }

    @SuppressWarnings("unchecked")
    private ProducerRecord<String, byte[]> deadLetter() {
        ArgumentCaptor<ProducerRecord<String, byte[]>> sent = ArgumentCaptor.forClass(ProducerRecord.class);
        verify(kafka, org.mockito.Mockito.atLeastOnce()).send(sent.capture());
        assertThat(sent.getValue().topic()).isEqualTo(DEAD_LETTERS);
        return sent.getValue();
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
