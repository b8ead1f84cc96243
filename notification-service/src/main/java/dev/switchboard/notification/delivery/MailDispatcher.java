package dev.switchboard.notification.delivery;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
import reactor.core.scheduler.Schedulers;

/**
 * Sends what the mail queue holds. A new delivery comes leased from {@link DeliveryService#enqueue} and is
 * {@link #offer offered} here at once; every {@code sending.pollInterval} (and while that finds more) due retries
 * and deliveries whose sender died are claimed from the log. Claimed deliveries wait here, per tenant, for a
 * sender and their tenant's rate, and each is handed to {@link DeliveryService#attempt}.
 *
 * <p>Tenants cannot hold each other up: one tenant's mail is in at most {@code sending.perTenantConcurrency}
 * conversations with a mail server at once, of the {@code sending.concurrency} senders, so a slow server of one
 * tenant leaves the rest to the others; and each
 * tenant's sends are limited to {@code sending.rate} (Bucket4j, per instance). An attempt's time counts from its
 * claim, so a delivery that waited here longer than a sixth of {@code relay.sendTimeout} takes its lease anew before
 * it starts (one write by id); stopping gives back whatever still waits.
 *
 * <p>Agents' answers may carry files (up to {@code attachments.maxMailSize} each, in memory from their fetch to
 * the end of the attempt), so at most {@code sending.answerConcurrency} of the senders work on answers;
 * acknowledgements, which carry none, may use them all.
 *
 * <p>A sender (and its tenant's share) is free for the next mail as soon as the server is done with one: the
 * outcome (publishing {@code EmailSent}, the delivery's update) is recorded meanwhile, for at most
 * {@value #RECORDING_PER_SENDER} times as many mails as there are senders. Holding the sender until then made the
 * broker's and the database's round trips part of every sender's time, which at a few hundred mails a second was
 * what bounded the whole pipeline.
 */
@Component
class MailDispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(MailDispatcher.class);


    private final DeliveryService deliveries;
    private final NotificationProperties.Sending sending;
    private final Duration stopWait;
    /** A wait after which an attempt would keep too little of {@code relay.sendTimeout}: its lease is taken anew. */
    private final long renewAfterNanos;
    private final PeriodicTask poll;
    /** How many outcomes may be being recorded per sender before no further send starts. */
    static final int RECORDING_PER_SENDER = 4;
    private final int maxRecording;

    // guarded by this
    private final Map<String, Tenant> tenants = new LinkedHashMap<>();
    private int inFlight;
    /** Attempts whose server is done and whose outcome is being recorded. */
    private int recording;
    /** Attempts at agents' answers under way, from start to end: their files are in memory all along. */
    private int answers;
    private boolean claiming;
    /** Whether the log may hold more due mail than the last claim found: a claim round stopped for want of senders. */
    private boolean moreDue = true;
    private boolean claimAgain;
    private boolean pumpScheduled;
    private volatile boolean running;

    MailDispatcher(DeliveryService deliveries, ReactiveMongoTemplate mongo, NotificationProperties properties) {
        this.deliveries = deliveries;
        this.sending = properties.sending();
        this.stopWait = properties.attemptTime();
        this.renewAfterNanos = properties.relay().sendTimeout().dividedBy(6).toNanos();
        this.maxRecording = sending.concurrency() * RECORDING_PER_SENDER;
        Mono<?> indexes = mongo.indexOps(Delivery.class).createIndex(new Index().on("status", Sort.Direction.ASC)
                .on("nextAttemptAt", Sort.Direction.ASC).named("due"));
        this.poll = new PeriodicTask("mail-dispatch", sending.pollInterval(), Duration.ofSeconds(30), indexes,
                () -> Mono.fromRunnable(this::wake));
    }

    /** Takes a delivery this instance holds the lease of (a new one from {@link DeliveryService#enqueue}) to send. */
    void offer(Delivery claimed) {
        if (!running) {
            giveBack(List.of(claimed), "offered while stopping");
            return;
        }
        synchronized (this) {
            tenant(claimed.serviceId()).waiting.add(new Held(claimed, System.nanoTime()));
        }
        pump();
    }

    /** Looks for due mail in the log now (retries, run-out leases), besides sending what waits here. */
    void wake() {
        synchronized (this) {
            moreDue = true;
        }
        pump();
        claim();
    }

    /** Starts what may start: per tenant in turn, one at a time, while senders, tenant shares and rates allow. */
    private void pump() {
        List<Held> start = new ArrayList<>();
        long refillNanos = Long.MAX_VALUE;
        synchronized (this) {
            boolean started = running;
            while (started && senderFree()) {
                started = false;
                for (var tenant : tenants.values()) {
                    if (!senderFree()) {
                        break;
                    }
                    if (tenant.waiting.isEmpty() || tenant.sending >= sending.perTenantConcurrency()) {
                        continue;
                    }
                    // while enough answers' files are in memory, the tenant's next mail that is not an answer
                    Held next = next(tenant.waiting, answers < sending.answerConcurrency());
                    if (next == null) {
                        continue;
                    }
                    boolean answer = isAnswer(next.delivery());
                    var probe = tenant.rate.tryConsumeAndReturnRemaining(1);
                    if (!probe.isConsumed()) {
                        refillNanos = Math.min(refillNanos, probe.getNanosToWaitForRefill());
                        continue;
                    }
                    // taken from the queue only now: one over the rate stays where it was
                    tenant.waiting.removeFirstOccurrence(next);
                    start.add(next);
                    tenant.sending++;
                    inFlight++;
                    if (answer) {
                        answers++;
                    }
                    started = true;
                }
            }
            if (refillNanos != Long.MAX_VALUE && !pumpScheduled && running) {
                pumpScheduled = true;
            } else {
                refillNanos = Long.MAX_VALUE;
            }
        }
        if (refillNanos != Long.MAX_VALUE) {
            Schedulers.parallel().schedule(() -> {
                synchronized (this) {
                    pumpScheduled = false;
                }
                pump();
            }, Math.max(refillNanos, 1_000_000), TimeUnit.NANOSECONDS);
        }
        long now = System.nanoTime();
        start.forEach(next -> send(next.delivery(), now - next.since() > renewAfterNanos));
    }

    private void send(Delivery claimed, boolean renew) {
        // the sender and the tenant's share are about the mail server: free once it is done, while the outcome is
        // still being recorded; an attempt that never reached a server frees them when it ends
        var stage = new AtomicInteger(SENDING);
        Runnable serverDone = () -> {
            boolean claimMore;
            synchronized (this) {
                // the stage moves with the counters, so the attempt's end sees both or neither
                if (!stage.compareAndSet(SENDING, RECORDING)) {
                    return;
                }
                tenants.get(claimed.serviceId()).sending--;
                inFlight--;
                recording++;
                claimMore = moreDue;
            }
            pump();
            if (claimMore) {
                claim();
            }
        };
        (renew ? deliveries.renew(claimed) : Mono.just(claimed))
                .flatMap(held -> deliveries.attempt(held, serverDone))
                .timeout(sending.lease())
                .doFinally(signal -> {
                    boolean claimMore;
                    synchronized (this) {
                        if (stage.getAndSet(ENDED) == RECORDING) {
                            recording--;
                        } else {
                            tenants.get(claimed.serviceId()).sending--;
                            inFlight--;
                        }
                        if (isAnswer(claimed)) {
                            answers--;
                        }
                        claimMore = moreDue;
                    }
                    pump();
                    if (claimMore) {
                        claim();
                    }
                })
                .subscribe(null, error -> log.warn("Delivery {} attempt {} not recorded; retried once its lease "
                        + "runs out: {}", claimed.deliveryId(), claimed.attempts(), error.toString()));
    }

    private static final int SENDING = 0;
    private static final int RECORDING = 1;
    private static final int ENDED = 2;

    /**
     * The first waiting mail, or, when no answer may start, the first that is not an answer among the next
     * {@value #LOOK_AHEAD} (a pump stays cheap however many answers wait); null if none. It stays in the queue.
     */
    private static Held next(Deque<Held> waiting, boolean answerMayStart) {
        int looked = 0;
        for (Held held : waiting) {
            if (answerMayStart || !isAnswer(held.delivery())) {
                return held;
            }
            if (++looked == LOOK_AHEAD) {
                break;
            }
        }
        return null;
    }

    /** How far past waiting answers a tenant's next acknowledgement is looked for. */
    static final int LOOK_AHEAD = 64;

    private static boolean isAnswer(Delivery delivery) {
        return TicketMail.ANSWER.equals(delivery.purpose());
    }

    synchronized int answers() {
        return answers;
    }

    /** Whether another send may start: a sender is free, and not too many outcomes are still being recorded. */
    private boolean senderFree() {
        return inFlight < sending.concurrency() && recording < maxRecording;
    }

    /**
     * Claims due deliveries from the log, one after the other, while there are senders for them; a call during a
     * round makes that round look once more when it ends.
     */
    private void claim() {
        Set<String> busy;
        synchronized (this) {
            if (!running) {
                return;
            }
            if (claiming) {
                claimAgain = true;
                return;
            }
            if (!senderFree()) {
                moreDue = true;
                return;
            }
            claiming = true;
            claimAgain = false;
            busy = busyTenants();
        }
        deliveries.claimNext(busy)
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .subscribe(found -> {
                    boolean again;
                    synchronized (this) {
                        claiming = false;
                        moreDue = found.isPresent();
                        again = found.isPresent() || claimAgain;
                    }
                    found.ifPresent(this::offer);
                    if (again) {
                        claim();
                    }
                }, error -> {
                    // the next poll tries again; no tight loop while the database is away
                    log.warn("Could not claim due mail: {}", error.toString());
                    synchronized (this) {
                        claiming = false;
                    }
                });
    }

    /** Tenants whose mail is not claimed now: their share of the senders taken, or over their send rate. */
    private Set<String> busyTenants() {
        Set<String> busy = new HashSet<>();
        tenants.forEach((id, tenant) -> {
            if (tenant.sending + tenant.waiting.size() >= sending.perTenantConcurrency()
                    || tenant.rate.getAvailableTokens() < 1) {
                busy.add(id);
            }
        });
        return busy;
    }

    private void giveBack(List<Delivery> claimed, String why) {
        if (claimed.isEmpty()) {
            return;
        }
        log.info("{} claimed mail(s) given back, due again: {}", claimed.size(), why);
        deliveries.giveBack(claimed).subscribe(null,
                error -> log.warn("Could not give back {} claimed mail(s); their leases run out: {}", claimed.size(),
                        error.toString()));
    }

    private Tenant tenant(String serviceId) {
        return tenants.computeIfAbsent(serviceId, id -> new Tenant(newBucket()));
    }

    private Bucket newBucket() {
        var rate = sending.rate();
        return Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(rate.burst()).refillGreedy(rate.perSecond(), Duration.ofSeconds(1))
                        .build())
                .build();
    }

    synchronized int inFlight() {
        return inFlight;
    }

    synchronized int recording() {
        return recording;
    }

    private synchronized boolean busy() {
        return inFlight + recording > 0;
    }

    @Override
    public void start() {
        running = true;
        poll.start();
    }

    /**
     * Claims and starts nothing more, gives back what waits here (so another instance sends it at once instead of
     * after its lease), and waits for the sends under way, so their outcome is recorded.
     */
    @Override
    public void stop() {
        running = false;
        poll.stop();
        List<Delivery> waiting = new ArrayList<>();
        synchronized (this) {
            tenants.values().forEach(tenant -> {
                tenant.waiting.forEach(h -> waiting.add(h.delivery()));
                tenant.waiting.clear();
            });
        }
        if (!waiting.isEmpty()) {
            try {
                deliveries.giveBack(waiting).block(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.warn("Could not give back {} claimed mail(s) at shutdown; their leases run out: {}",
                        waiting.size(), e.toString());
            }
        }
        long deadline = System.nanoTime() + stopWait.toNanos();
        while (busy() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (busy()) {
            log.warn("{} mail(s) still being sent, {} being recorded at shutdown; their leases run out and another "
                    + "sender takes them", inFlight(), recording());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private record Held(Delivery delivery, long since) {
    }

    /** One tenant's mail here: waiting for a sender, and being sent. */
    private static final class Tenant {
        private final Deque<Held> waiting = new ArrayDeque<>();
        private final Bucket rate;
        private int sending;

        Tenant(Bucket rate) {
            this.rate = rate;
        }
    }
}
