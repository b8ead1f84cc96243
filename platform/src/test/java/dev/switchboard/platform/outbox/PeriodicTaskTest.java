package dev.switchboard.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

class PeriodicTaskTest {

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(time.now(TimeUnit.MILLISECONDS));
        }
    };
    private PeriodicTask task;

    @AfterEach
    void stop() {
        if (task != null) {
            task.stop();
        }
        time.dispose();
    }

    @Test
    void aRoundSlowerThanTheIntervalDelaysTheNextOneInsteadOfEndingTheTask() {
        AtomicInteger started = new AtomicInteger();
        task = new PeriodicTask("slow", Duration.ofSeconds(2), Duration.ofMinutes(1), Mono.empty(),
                () -> Mono.fromRunnable(started::incrementAndGet).then(Mono.delay(Duration.ofSeconds(7), time)),
                clock, time);
        task.start();

        time.advanceTimeBy(Duration.ofSeconds(60));

        // each round: 2 s pause + 7 s work; the old Flux.interval version died on the second tick
        assertThat(started.get()).isBetween(6, 7);
        assertThat(task.isRunning()).isTrue();
        assertThat(task.successfulRounds()).isGreaterThanOrEqualTo(6);
        assertThat(task.healthy()).isTrue();
    }

    @Test
    void failingAndHangingRoundsAreCountedAndTheTaskGoesOn() {
        AtomicInteger started = new AtomicInteger();
        task = new PeriodicTask("flaky", Duration.ofSeconds(1), Duration.ofSeconds(5), Mono.empty(), () -> {
            int round = started.incrementAndGet();
            if (round == 1) {
                throw new IllegalStateException("thrown while building the round");
            }
            if (round == 2) {
                return Mono.error(new IllegalStateException("failed round"));
            }
            if (round == 3) {
                return Mono.never();
            }
            return Mono.empty();
        }, clock, time);
        task.start();

        time.advanceTimeBy(Duration.ofSeconds(30));

        assertThat(task.failedRounds()).isEqualTo(3);
        assertThat(task.successfulRounds()).isGreaterThan(10);
        assertThat(task.isRunning()).isTrue();
    }

    @Test
    void aFailedPreparationIsRetriedBeforeTheFirstRound() {
        AtomicInteger preparations = new AtomicInteger();
        AtomicInteger rounds = new AtomicInteger();
        Mono<Object> indexes = Mono.defer(() -> preparations.incrementAndGet() < 3
                ? Mono.error(new IllegalStateException("index creation failed"))
                : Mono.empty());
        task = new PeriodicTask("prepared", Duration.ofSeconds(1), Duration.ofSeconds(5), indexes,
                () -> Mono.fromRunnable(rounds::incrementAndGet), clock, time);
        task.start();

        time.advanceTimeBy(Duration.ofSeconds(10));

        assertThat(preparations.get()).isEqualTo(3);
        assertThat(rounds.get()).isEqualTo(8);
    }

    @Test
    void aTaskWhoseRoundsFailBecauseADependencyIsDownStaysAliveAndShowsIt() {
        task = new PeriodicTask("outage", Duration.ofSeconds(1), Duration.ofSeconds(5), Mono.empty(),
                () -> Mono.error(new IllegalStateException("database down")), clock, time);
        task.start();

        time.advanceTimeBy(task.staleAfter().plusMinutes(5));

        assertThat(task.healthy()).isTrue();
        assertThat(task.lastSuccess()).isNull();
        assertThat(task.failedRounds()).isGreaterThan(100);
    }

    @Test
    void aStoppedTaskRunsNoMoreRoundsAndIsUnhealthy() {
        AtomicInteger rounds = new AtomicInteger();
        task = new PeriodicTask("stopped", Duration.ofSeconds(1), Duration.ofSeconds(5), Mono.empty(),
                () -> Mono.fromRunnable(rounds::incrementAndGet), clock, time);
        task.start();
        time.advanceTimeBy(Duration.ofSeconds(3));
        task.stop();
        int before = rounds.get();

        time.advanceTimeBy(Duration.ofSeconds(10));

        assertThat(rounds.get()).isEqualTo(before);
        assertThat(task.healthy()).isFalse();
    }
}
