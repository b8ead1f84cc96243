package dev.switchboard.notification.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.stereotype.Component;

import dev.switchboard.notification.config.NotificationProperties;
import dev.switchboard.platform.outbox.PeriodicTask;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import reactor.core.publisher.Mono;

/**
 * Sends what the mail queue holds: claims due deliveries as long as senders are free and hands each to
 * {@link DeliveryService#attempt}. Woken when a mail is enqueued and when a send ends, and every
 * {@code sending.pollInterval} for retries that came due and leases that ran out.
 *
 * <p>Tenants cannot hold each other up: one tenant has at most {@code sending.perTenantConcurrency} of the
 * {@code sending.concurrency} senders, so a slow server of one tenant leaves the rest to the others; and each
 * tenant's sends are limited to {@code sending.rate} (Bucket4j, per instance): a delivery over the rate is given
 * back and due again when the bucket has refilled, without counting as an attempt.
 */
@Component
class MailDispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(MailDispatcher.class);

    private final DeliveryService deliveries;
    private final NotificationProperties.Sending sending;
    private final Duration stopWait;
    private final PeriodicTask poll;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, AtomicInteger> perTenant = new ConcurrentHashMap<>();
    private final Map<String, Bucket> rates = new ConcurrentHashMap<>();
    private final Map<String, Instant> throttledUntil = new ConcurrentHashMap<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private volatile boolean running;

    MailDispatcher(DeliveryService deliveries, ReactiveMongoTemplate mongo, NotificationProperties properties) {
        this.deliveries = deliveries;
        this.sending = properties.sending();
        this.stopWait = properties.attemptTime();
        Mono<?> indexes = mongo.indexOps(Delivery.class).createIndex(new Index().on("status", Sort.Direction.ASC)
                .on("nextAttemptAt", Sort.Direction.ASC).named("due"));
        this.poll = new PeriodicTask("mail-dispatch", sending.pollInterval(), Duration.ofSeconds(30), indexes,
                () -> Mono.fromRunnable(this::wake));
    }

    /** Looks for due mail now, unless a look is under way; then that one looks once more when it ends. */
    void wake() {
        if (!running) {
            return;
        }
        again.set(true);
        if (draining.compareAndSet(false, true)) {
            again.set(false);
            claimNext();
        }
    }

    private void claimNext() {
        if (!running || inFlight.get() >= sending.concurrency()) {
            endDrain();
            return;
        }
        deliveries.claimNext(busyTenants())
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .subscribe(found -> {
                    if (found.isEmpty()) {
                        endDrain();
                    } else {
                        dispatch(found.get());
                        claimNext();
                    }
                }, error -> {
                    // the next poll tries again; no tight loop while the database is away
                    log.warn("Could not claim due mail: {}", error.toString());
                    draining.set(false);
                });
    }

    private void endDrain() {
        draining.set(false);
        if (again.get()) {
            wake();
        }
    }

    private void dispatch(Delivery claimed) {
        String tenant = claimed.serviceId();
        var probe = rates.computeIfAbsent(tenant, id -> newBucket()).tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            Duration wait = Duration.ofNanos(Math.max(probe.getNanosToWaitForRefill(), 1_000_000));
            throttledUntil.put(tenant, Instant.now().plus(wait));
            deliveries.defer(claimed, wait).subscribe(null,
                    error -> log.warn("Could not defer delivery {}: {}", claimed.deliveryId(), error.toString()));
            return;
        }
        inFlight.incrementAndGet();
        perTenant.computeIfAbsent(tenant, id -> new AtomicInteger()).incrementAndGet();
        deliveries.attempt(claimed)
                .timeout(sending.lease())
                .doFinally(signal -> {
                    perTenant.get(tenant).decrementAndGet();
                    inFlight.decrementAndGet();
                    wake();
                })
                .subscribe(null, error -> log.warn("Delivery {} attempt {} not recorded; retried once its lease "
                        + "runs out: {}", claimed.deliveryId(), claimed.attempts(), error.toString()));
    }

    /** Tenants that get no sender now: all of their share in use, or over their send rate. */
    private Set<String> busyTenants() {
        Set<String> busy = new HashSet<>();
        perTenant.forEach((tenant, count) -> {
            if (count.get() >= sending.perTenantConcurrency()) {
                busy.add(tenant);
            }
        });
        var now = Instant.now();
        throttledUntil.entrySet().removeIf(entry -> !entry.getValue().isAfter(now));
        busy.addAll(throttledUntil.keySet());
        return busy;
    }

    private Bucket newBucket() {
        var rate = sending.rate();
        return Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(rate.burst()).refillGreedy(rate.perSecond(), Duration.ofSeconds(1))
                        .build())
                .build();
    }

    int inFlight() {
        return inFlight.get();
    }

    @Override
    public void start() {
        running = true;
        poll.start();
    }

    /** Claims nothing more and waits for the sends under way, so their outcome is recorded. */
    @Override
    public void stop() {
        running = false;
        poll.stop();
        long deadline = System.nanoTime() + stopWait.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (inFlight.get() > 0) {
            log.warn("{} mail(s) still being sent at shutdown; their leases run out and another sender takes them",
                    inFlight.get());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
