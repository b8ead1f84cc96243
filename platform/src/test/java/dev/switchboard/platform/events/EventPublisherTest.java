package dev.switchboard.platform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

class EventPublisherTest {

    @SuppressWarnings("unchecked")
    private final KafkaTemplate<String, byte[]> kafka = mock();
    private final List<Throwable> dropped = new CopyOnWriteArrayList<>();
    private final Scheduler sending = Schedulers.newBoundedElastic(2, 10, "test-kafka-send");
    private final EventPublisher publisher = new EventPublisher(kafka, new EventSerde(), sending);

    @BeforeEach
    void watchForDroppedErrors() {
        Hooks.onErrorDropped(dropped::add);
    }

    @AfterEach
    void stop() {
        Hooks.resetOnErrorDropped();
        sending.dispose();
    }

    private Mono<Void> publish(String eventId) {
        return publisher.publishEncoded("topic", "key", "Type", eventId, "tenant", new byte[] {1});
    }

    @Test
    void aSendThatBlocksForMetadataNeverBlocksTheSubscribingThread() throws Exception {
        CountDownLatch brokerBack = new CountDownLatch(1);
        AtomicReference<String> sendingThread = new AtomicReference<>();
        when(kafka.send(any(ProducerRecord.class))).thenAnswer(call -> {
            sendingThread.set(Thread.currentThread().getName());
            brokerBack.await(10, TimeUnit.SECONDS); // as send() does while the broker is unreachable
            return CompletableFuture.completedFuture(mock(SendResult.class));
        });

        long started = System.nanoTime();
        var done = publish("event-1").toFuture();
        long subscribeNanos = System.nanoTime() - started;

        assertThat(done).isNotDone();
        assertThat(Duration.ofNanos(subscribeNanos)).isLessThan(Duration.ofSeconds(5));
        brokerBack.countDown();
        done.get(10, TimeUnit.SECONDS);
        assertThat(sendingThread.get()).startsWith("test-kafka-send");
    }

    @Test
    void aCallerThatStopsWaitingLeavesTheSendToFinishAndNoErrorIsDropped() throws Exception {
        CountDownLatch brokerBack = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        CountDownLatch sendReturned = new CountDownLatch(1);
        when(kafka.send(any(ProducerRecord.class))).thenAnswer(call -> {
            try {
                brokerBack.await(10, TimeUnit.SECONDS); // blocked for metadata, as during a broker outage
            } catch (InterruptedException e) {
                interrupted.set(true);
                // what KafkaProducer.send does when interrupted
                throw new org.apache.kafka.common.errors.InterruptException(e);
            } finally {
                sendReturned.countDown();
            }
            return CompletableFuture.completedFuture(mock(SendResult.class));
        });

        assertThatThrownBy(() -> publish("event-1").timeout(Duration.ofMillis(200)).block(Duration.ofSeconds(5)))
                .hasCauseInstanceOf(TimeoutException.class);

        brokerBack.countDown();
        assertThat(sendReturned.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(interrupted).isFalse();
        assertThat(dropped).isEmpty();
    }

    @Test
    void aSendThatFailsAfterTheCallerStoppedWaitingIsNoDroppedError() throws Exception {
        CompletableFuture<SendResult<String, byte[]>> result = new CompletableFuture<>();
        when(kafka.send(any(ProducerRecord.class))).thenReturn(result);

        assertThatThrownBy(() -> publish("event-1").timeout(Duration.ofMillis(200)).block(Duration.ofSeconds(5)))
                .hasCauseInstanceOf(TimeoutException.class);
        // the batch expires in the producer long after the caller gave up
        result.completeExceptionally(new org.apache.kafka.common.errors.TimeoutException("Expiring 1 record(s)"));
        assertThat(dropped).isEmpty();

        // a caller still waiting gets the failure itself
        CompletableFuture<SendResult<String, byte[]>> failing = new CompletableFuture<>();
        when(kafka.send(any(ProducerRecord.class))).thenReturn(failing);
        var waiting = publish("event-2").toFuture();
        failing.completeExceptionally(new org.apache.kafka.common.errors.TimeoutException("Expiring"));
        assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS))
                .hasCauseExactlyInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
    }
}
