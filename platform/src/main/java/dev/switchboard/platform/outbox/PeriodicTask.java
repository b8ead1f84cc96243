package dev.switchboard.platform.outbox;

import java.time.Duration;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A sweep that runs at a fixed interval on every instance until stopped: a failed round is logged and the
 * next one tries again. Lifecycle beans start and stop it.
 */
public final class PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(PeriodicTask.class);

    private final String name;
    private final Duration interval;
    private final Supplier<Mono<?>> round;
    private volatile Disposable running;

    public PeriodicTask(String name, Duration interval, Supplier<Mono<?>> round) {
        this.name = name;
        this.interval = interval;
        this.round = round;
    }

    /** Starts after {@code first} completed (for example, once indexes exist). */
    public void start(Mono<?> first) {
        running = first.thenMany(Flux.interval(interval, Schedulers.parallel())
                        .concatMap(tick -> round.get().onErrorResume(error -> {
                            log.warn("{} failed, retrying next interval: {}", name, error.toString());
                            return Mono.empty();
                        })))
                .subscribe(null, error -> log.error("{} stopped", name, error));
    }

    public void stop() {
        Disposable current = running;
        if (current != null) {
            current.dispose();
        }
        running = null;
    }

    public boolean isRunning() {
        return running != null && !running.isDisposed();
    }
}
