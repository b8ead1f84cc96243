package dev.switchboard.notification.delivery;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;

import dev.switchboard.events.ticket.TicketCreated;
import dev.switchboard.events.ticket.TicketReplied;
import dev.switchboard.platform.events.EventSerde;
import dev.switchboard.platform.events.PlatformKafkaProperties;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Adapter from the ticket topic to the mail queue: each event that owes a mail enqueues it (one write, keyed by
 * the delivery id, so a redelivered event owes nothing new) and hands the new delivery, leased to this instance,
 * to the dispatcher. Sending happens apart from the topic, so a slow mail server holds up no partition.
 *
 * <p>The records of one poll are enqueued side by side: the listener returns the enqueue, and the container
 * commits a record's offset once it completed, in order (Spring Kafka's async returns). One at a time, each
 * partition's rate was one database round trip per record, which on a busy machine held acknowledgements back
 * by seconds while the CPU had room. At most {@value #IN_FLIGHT_PER_PARTITION} records of a partition are
 * under way at once (the poll's size).
 *
 * <p>While the database is away an enqueue is tried again here, for as long as the retry topics would keep a
 * record ({@code switchboard.kafka.retry-attempts} times {@code retry-interval}), so its offset is not
 * committed before the mail is owed; only then, or for any other failure, does the record go the way of every
 * failed record (this service's retry topic, then its dead letters).
 */
@Component
class TicketEventsListener {

    /** One enqueue; longer means the database is away. */
    private static final Duration WAIT = Duration.ofSeconds(30);
    static final int IN_FLIGHT_PER_PARTITION = 256;

    private final EventSerde serde;
    private final TicketMail tickets;
    private final DeliveryService deliveries;
    private final MailDispatcher dispatcher;
    private final Retry whileTheDatabaseIsAway;
    /** How long an enqueue is tried while the database is away: as long as the retry topics would keep it. */
    private final Duration patience;

    TicketEventsListener(EventSerde serde, TicketMail tickets, DeliveryService deliveries, MailDispatcher dispatcher,
                         PlatformKafkaProperties kafka) {
        this.serde = serde;
        this.tickets = tickets;
        this.deliveries = deliveries;
        this.dispatcher = dispatcher;
        this.whileTheDatabaseIsAway = Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1))
                .maxBackoff(kafka.retryInterval())
                .filter(TicketEventsListener::databaseAway);
        this.patience = kafka.retryInterval().multipliedBy(kafka.retryAttempts());
    }

    @KafkaListener(id = "notification-ticket-events", groupId = "notification-service",
            topics = "#{T(dev.switchboard.schemas.Topic).TICKET_EVENTS.topicName()}",
            concurrency = "#{T(dev.switchboard.schemas.Topic).TICKET_EVENTS.partitions()}",
            properties = "max.poll.records=" + IN_FLIGHT_PER_PARTITION)
    Mono<Void> onRecord(ConsumerRecord<String, byte[]> record) {
        SpecificRecord event;
        try {
            event = serde.decode(record);
        } catch (RuntimeException undecodable) {
            // an async listener hands every failure over as its result
            return Mono.error(undecodable);
        }
        if (!(event instanceof TicketCreated) && !(event instanceof TicketReplied)) {
            return Mono.empty();
        }
        return Mono.defer(() -> tickets.owedBy(event, record.value()).flatMap(deliveries::enqueue))
                .timeout(WAIT)
                .retryWhen(whileTheDatabaseIsAway)
                .timeout(patience)
                .doOnNext(dispatcher::offer)
                .then();
    }

    /** A failure that passes once the database is back: it did not answer, or could not be reached. */
    static boolean databaseAway(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof TimeoutException || cause instanceof MongoTimeoutException
                    || cause instanceof MongoSocketException || cause instanceof DataAccessResourceFailureException
                    || cause instanceof TransientDataAccessException) {
                return true;
            }
        }
        return false;
    }
}
