package dev.switchboard.platform.outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A sweep that runs on every instance until the application stops, whatever one round does. The next
 * round starts one interval after the previous one ended (a slow round delays the next, it never ends the
 * task); a round longer than its timeout is cancelled; a failed round, including a failed preparation such
 * as index creation, is logged and tried again next time. {@link PeriodicTaskHealth} reports it: DOWN once it
 * stopped or no round ended for {@link #staleAfter()}; its last success and failed rounds are details and metrics.
 */
public final class PeriodicTask implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PeriodicTask.class);

    private final String name;
    private final Duration interval;
    private final Duration roundTimeout;
    private final Supplier<Mono<?>> round;
    private final Mono<?> preparation;
    private final Clock clock;
    private final Scheduler scheduler;
    private final AtomicLong rounds = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean prepared;
    private volatile Instant startedAt;
    private volatile Instant lastSuccess;
    private volatile Instant lastRoundEnd;
    private volatile Disposable running;

    /**
     * @param preparation  runs before the first round and is repeated before each round until it succeeded once
     * @param roundTimeout how long one round may take before it is cancelled and counted as failed
     */
    public PeriodicTask(String name, Duration interval, Duration roundTimeout, Mono<?> preparation,
                        Supplier<Mono<?>> round, Clock clock, Scheduler scheduler) {
        this.name = name;
        this.interval = interval;
        this.roundTimeout = roundTimeout;
        this.preparation = preparation;
        this.round = round;
        this.clock = clock;
        this.scheduler = scheduler;
    }

    public PeriodicTask(String name, Duration interval, Duration roundTimeout, Mono<?> preparation,
                        Supplier<Mono<?>> round) {
        this(name, interval, roundTimeout, preparation, round, Clock.systemUTC(), Schedulers.parallel());
    }

    /** A task without preparation whose rounds may take up to ten intervals, at least 30 s. */
    public PeriodicTask(String name, Duration interval, Supplier<Mono<?>> round) {
        this(name, interval, defaultTimeout(interval), Mono.empty(), round);
    }

    static Duration defaultTimeout(Duration interval) {
        Duration tenIntervals = interval.multipliedBy(10);
        return tenIntervals.compareTo(Duration.ofSeconds(30)) > 0 ? tenIntervals : Duration.ofSeconds(30);
    }

    @Override
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        startedAt = clock.instant();
        // repeat() subscribes anew only after a round completed, so rounds never overlap or queue up
        running = Mono.defer(this::oneRound)
                .delaySubscription(interval, scheduler)
                .repeat()
                .subscribe(null, error -> log.error("{} ended unexpectedly", name, error));
    }

    private Mono<Void> oneRound() {
        Mono<?> prepare = prepared ? Mono.empty() : preparation.doOnSuccess(done -> prepared = true);
        return prepare.then(Mono.defer(round))
                .timeout(roundTimeout, scheduler)
                .doOnSuccess(done -> {
                    rounds.incrementAndGet();
                    lastSuccess = clock.instant();
                })
                .onErrorResume(error -> {
                    failures.incrementAndGet();
                    log.warn("{} round failed, trying again in {}: {}", name, interval, error.toString());
                    return Mono.empty();
                })
                .doFinally(signal -> lastRoundEnd = clock.instant())
                .then();
    }

    @Override
    public synchronized void stop() {
        Disposable current = running;
        if (current != null) {
            current.dispose();
        }
        running = null;
    }

    @Override
    public boolean isRunning() {
        Disposable current = running;
        return current != null && !current.isDisposed();
    }

    public String name() {
        return name;
    }

    /** How long without a successful round before the task counts as stuck. */
    public Duration staleAfter() {
        Duration rounds = interval.plus(roundTimeout).multipliedBy(2);
        return rounds.compareTo(Duration.ofMinutes(1)) > 0 ? rounds : Duration.ofMinutes(1);
    }

    /** The last successful round, if any. */
    public Instant lastSuccess() {
        return lastSuccess;
    }

    public long successfulRounds() {
        return rounds.get();
    }

    public long failedRounds() {
        return failures.get();
    }

    /**
     * Whether the task is alive: it runs and a round ended recently enough. A round that fails because a
     * dependency is down still ends (it is counted, and {@link #lastSuccess} ages, for alerting), so an outage
     * the task is built to ride out does not mark the service DOWN; a task that stopped or stopped finishing
     * rounds does.
     */
    public boolean healthy() {
        if (!isRunning()) {
            return false;
        }
        Instant reference = lastRoundEnd != null ? lastRoundEnd : startedAt;
        return reference != null && reference.plus(staleAfter()).isAfter(clock.instant());
    }
}
