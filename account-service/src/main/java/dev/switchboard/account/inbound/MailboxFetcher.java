package dev.switchboard.account.inbound;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.stereotype.Component;

import dev.switchboard.account.external.ExternalAccounts;
import dev.switchboard.account.external.ImapSessions;
import dev.switchboard.platform.outbox.PeriodicTask;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The mail fetcher of one instance. Every {@code claimInterval} it lists the mailboxes to watch, claims its share
 * through {@link MailboxLeases}, and runs one {@link MailboxWorker} per mailbox it holds: it starts workers for
 * mailboxes it took, stops those it lost or must hand over (releasing the lease once the worker ended), and
 * restarts a worker whose mailbox settings changed. On shutdown it stops every worker (bounded) and releases its
 * leases, so other instances take the mailboxes at once instead of after the lease.
 */
@Component
class MailboxFetcher implements SmartLifecycle, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(MailboxFetcher.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);
    /** How much longer than one IDLE a read may wait before the connection counts as dead. */
    private static final Duration IDLE_READ_MARGIN = Duration.ofSeconds(30);

    private final MailboxDirectory directory;
    private final MailboxLeases leases;
    private final MessageSink sink;
    private final MailboxWorker.Deps deps;
    private final PeriodicTask claiming;
    private final ScheduledExecutorService timer;
    private final Map<String, MailboxWorker> workers = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration lease;
    private volatile Instant leasesValidUntil = Instant.MIN;
    private volatile boolean running;

    @Autowired
    MailboxFetcher(MailboxDirectory directory, ImapSessions sessions, ExternalAccounts accounts,
                   ReactiveMongoTemplate mongo, InboundProperties properties, ObjectProvider<MessageSink> sinks,
                   ObjectProvider<MeterRegistry> registry) {
        this(directory, sessions, accounts, mongo, properties, sinks.getIfAvailable(),
                registry.getIfAvailable(SimpleMeterRegistry::new), Clock.systemUTC());
    }

    MailboxFetcher(MailboxDirectory directory, ImapSessions sessions, ExternalAccounts accounts,
                   ReactiveMongoTemplate mongo, InboundProperties properties, MessageSink sink, MeterRegistry registry,
                   Clock clock) {
        this.directory = directory;
        this.sink = sink;
        this.clock = clock;
        this.lease = properties.lease();
        this.leases = new MailboxLeases(mongo, properties.lease(), clock);
        var states = new MailboxStates(mongo, clock);
        var metrics = new FetchMetrics(registry, this::ownedCount);
        // the timer only schedules the end of an IDLE; the command that ends it runs on a virtual thread
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("idle-renewal")
                .factory());
        this.deps = new MailboxWorker.Deps(directory, sessions, states,
                new MailboxHealth(accounts, states, metrics, properties.disableAfterFailures()), sink, metrics,
                properties, timer, clock, properties.idleRenewal().plus(IDLE_READ_MARGIN));
        Duration interval = properties.claimInterval();
        // a round must end well within a lease, or this instance's leases would run out under it
        Duration roundTimeout = properties.lease().minus(interval).isNegative() ? interval
                : properties.lease().minus(interval);
        this.claiming = new PeriodicTask("mailbox-claims", interval, roundTimeout, Mono.empty(), this::claimRound,
                clock, Schedulers.parallel());
    }

    /** This instance's id as its leases name it. */
    String instanceId() {
        return leases.instanceId();
    }

    /** The mailboxes this instance fetches now. */
    Set<String> owned() {
        Set<String> owned = new HashSet<>();
        workers.forEach((id, worker) -> {
            if (!worker.done()) {
                owned.add(id);
            }
        });
        return owned;
    }

    private int ownedCount() {
        return owned().size();
    }

    private Mono<?> claimRound() {
        var roundStart = clock.instant();
        return directory.active().flatMap(mailboxes -> {
            Map<String, Mailbox> byId = new LinkedHashMap<>();
            mailboxes.forEach(mailbox -> byId.put(mailbox.mailboxId(), mailbox));
            Set<String> idle = new HashSet<>(byId.keySet());
            idle.removeAll(owned());
            return leases.claim(byId.keySet(), idle).doOnNext(claims -> {
                leasesValidUntil = roundStart.plus(lease);
                reconcile(byId, claims);
            });
        }).doOnError(error -> {
            // without renewals the leases run out: then another instance may take the mailboxes, so stop first
            if (clock.instant().isAfter(leasesValidUntil)) {
                workers.values().forEach(MailboxWorker::stop);
            }
        });
    }

    private synchronized void reconcile(Map<String, Mailbox> mailboxes, MailboxLeases.Claims claims) {
        if (!running) {
            return;
        }
        for (var entry : List.copyOf(workers.entrySet())) {
            String id = entry.getKey();
            MailboxWorker worker = entry.getValue();
            Long epoch = claims.held().get(id);
            boolean keep = epoch != null && epoch == worker.epoch() && worker.mailbox().equals(mailboxes.get(id))
                    && !claims.notPreferred().contains(id);
            if (!keep) {
                worker.stop();
            }
            if (worker.done()) {
                workers.remove(id, worker);
            }
        }
        claims.held().forEach((id, epoch) -> {
            Mailbox mailbox = mailboxes.get(id);
            // a mailbox still handed over, or whose previous worker has not ended yet, waits for the next round
            if (mailbox == null || claims.notPreferred().contains(id) || workers.containsKey(id)) {
                return;
            }
            var worker = new MailboxWorker(mailbox, epoch, deps);
            workers.put(id, worker);
            worker.start();
        });
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        if (sink == null) {
            log.warn("No MessageSink: inbound mail is not fetched on this instance");
            return;
        }
        running = true;
        claiming.start();
        log.info("Mail fetcher {} started", leases.instanceId());
    }

    @Override
    public void stop() {
        List<MailboxWorker> stopping;
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            claiming.stop();
            stopping = List.copyOf(workers.values());
            stopping.forEach(MailboxWorker::stop);
        }
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        try {
            for (MailboxWorker worker : stopping) {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!worker.await(Duration.ofNanos(left))) {
                    log.warn("Mailbox {} did not stop within {}; its lease is released anyway, and its state is"
                            + " fenced by the lease epoch", worker.mailbox().mailboxId(), STOP_WAIT);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.clear();
        try {
            // shutting down on the caller's thread, not an event loop: waiting (bounded) is safe
            leases.releaseAll().block(STOP_WAIT);
        } catch (RuntimeException e) {
            log.warn("Releasing the mailbox leases failed; other instances take them when they expire: {}",
                    e.toString());
        }
        log.info("Mail fetcher {} stopped", leases.instanceId());
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
