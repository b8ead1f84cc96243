package dev.switchboard.notification.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.stereotype.Component;

import dev.switchboard.events.ticket.TicketCreated;
import dev.switchboard.events.ticket.TicketReplied;
import dev.switchboard.platform.events.EventSerde;
import dev.switchboard.platform.events.PlatformKafkaConfiguration;
import dev.switchboard.platform.events.PlatformKafkaProperties;
import dev.switchboard.platform.reactive.Detached;
import dev.switchboard.platform.web.NhnErrorHandler;
import dev.switchboard.schemas.Topic;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;
import reactor.util.retry.RetryBackoffSpec;

/**
 * Adapter from the ticket topic to the mail queue: each event that owes a mail enqueues it (one write, keyed by
 * the delivery id, so a redelivered event owes nothing new) and hands the new delivery, leased to this instance,
 * to the dispatcher. Sending happens apart from the topic, so a slow mail server holds up no partition.
 *
 * <p>The records of a poll are enqueued side by side (at most {@value #IN_FLIGHT} under way): the listener
 * returns the enqueue, and the container commits a record's offset, in order, once it completed (Spring Kafka's
 * async returns). One record at a time per partition, the rate was one database round trip per record, which on a
 * busy machine held acknowledgements back by seconds while the CPU had room. The events of one ticket still go
 * one after the other: a ticket's answer is enqueued after the ticket.
 *
 * <p>The result never fails, because the container would commit a failed record's offset before handing it to the
 * retry topics, and a crash in between would lose it. While the database is away an enqueue is tried again here,
 * with backoff, until it is owed (its partitions wait; a redelivered record owes nothing new). Any other failure
 * (an event that cannot be read, a mail that cannot be owed) puts the record into this service's dead letters, and
 * the result completes once the broker has it; an operator re-drives it from there ({@code /actuator/deadletters}).
 */
@Component
class TicketEventsListener {

    private static final Logger log = LoggerFactory.getLogger(TicketEventsListener.class);
    /** One enqueue; longer means the database is away. */
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration QUIET = Duration.ofSeconds(10);
    static final int IN_FLIGHT = 256;

    private final EventSerde serde;
    private final TicketMail tickets;
    private final DeliveryService deliveries;
    private final MailDispatcher dispatcher;
    private final KafkaTemplate<String, byte[]> kafka;
    private final RetryBackoffSpec untilItWorks;
    private final String deadLetters;
    /** Per ticket, the enqueue under way, so the next event of the ticket starts after it. */
    private final Map<String, CompletableFuture<Void>> lastOfTicket = new ConcurrentHashMap<>();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - QUIET.toNanos() - 1);

    TicketEventsListener(EventSerde serde, TicketMail tickets, DeliveryService deliveries, MailDispatcher dispatcher,
                         KafkaTemplate<String, byte[]> kafka, PlatformKafkaProperties properties,
                         @Value("${spring.application.name}") String service) {
        this.serde = serde;
        this.tickets = tickets;
        this.deliveries = deliveries;
        this.dispatcher = dispatcher;
        this.kafka = kafka;
        this.untilItWorks = Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1))
                .maxBackoff(properties.retryInterval())
                .doBeforeRetry(signal -> warnNowAndThen(signal.failure()));
        this.deadLetters = Topic.TICKET_EVENTS.topicName()
                + PlatformKafkaConfiguration.deadLetterSuffix(service);
    }

    @KafkaListener(id = "notification-ticket-events", groupId = "notification-service",
            topics = "#{T(dev.switchboard.schemas.Topic).TICKET_EVENTS.topicName()}",
            concurrency = "#{T(dev.switchboard.schemas.Topic).TICKET_EVENTS.partitions()}",
            properties = "max.poll.records=" + IN_FLIGHT)
    Mono<Void> onRecord(ConsumerRecord<String, byte[]> record) {
        String key = record.key() == null ? "" : record.key();
        CompletableFuture<Void> before = lastOfTicket.get(key);
        CompletableFuture<Void> mine = (before == null ? CompletableFuture.<Void>completedFuture(null) : before)
                .thenCompose(previous -> handle(record).toFuture());
        lastOfTicket.put(key, mine);
        mine.whenComplete((done, error) -> lastOfTicket.remove(key, mine));
        return Detached.await(mine);
    }

    private Mono<Void> handle(ConsumerRecord<String, byte[]> record) {
        return Mono.defer(() -> {
                    SpecificRecord event = serde.decode(record);
                    if (!(event instanceof TicketCreated) && !(event instanceof TicketReplied)) {
                        return Mono.<Delivery>empty();
                    }
                    return enqueue(event, record.value());
                })
                .publishOn(Schedulers.parallel())
                .doOnNext(dispatcher::offer)
                .then()
                .onErrorResume(failure -> deadLetter(record, failure));
    }

    /** The mail the event owes, enqueued; tried again while the database is away. */
    private Mono<Delivery> enqueue(SpecificRecord event, byte[] payload) {
        return Mono.defer(() -> tickets.owedBy(event, payload).flatMap(deliveries::enqueue))
                .timeout(WAIT)
                .retryWhen(untilItWorks.filter(TicketEventsListener::databaseAway));
    }

    /** The record into this service's dead letters, done once the broker has it (tried again until then). */
    private Mono<Void> deadLetter(ConsumerRecord<String, byte[]> record, Throwable failure) {
        log.warn("Ticket event {}-{}@{} goes to the dead letters: {}", record.topic(), record.partition(),
                record.offset(), failure.toString());
        var letter = new ProducerRecord<>(deadLetters, null, record.key(), record.value(),
                new RecordHeaders(record.headers().toArray()));
        letter.headers().add(KafkaHeaders.DLT_EXCEPTION_FQCN, bytes(failure.getClass().getName()))
                .add(KafkaHeaders.DLT_EXCEPTION_MESSAGE, bytes(String.valueOf(failure.getMessage())))
                .add(KafkaHeaders.DLT_ORIGINAL_TOPIC, bytes(record.topic()))
                .add(KafkaHeaders.DLT_ORIGINAL_PARTITION, bytes(Integer.toString(record.partition())))
                .add(KafkaHeaders.DLT_ORIGINAL_OFFSET, bytes(Long.toString(record.offset())));
        return Mono.defer(() -> Mono.fromFuture(kafka.send(letter)))
                .timeout(WAIT)
                .retryWhen(untilItWorks)
                .then();
    }

    private void warnNowAndThen(Throwable failure) {
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last > QUIET.toNanos() && lastWarning.compareAndSet(last, now)) {
            log.warn("Ticket events wait: {}; trying again", failure.toString());
        }
    }

    /**
     * A failure that passes once the database (or whatever else did not answer) is back: the platform's one list of
     * those, the same failures an API answers with a 503.
     */
    static boolean databaseAway(Throwable error) {
        return NhnErrorHandler.unavailable(error);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
