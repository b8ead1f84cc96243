package dev.switchboard.notification.transport;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndReplaceOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

import dev.switchboard.notification.config.NotificationProperties;
import reactor.core.publisher.Mono;

/**
 * The {@value SmtpSettings#COLLECTION} collection, and a short-lived cache of it for the sender. Several
 * instances write it, so a cached read is at most {@code transports.cacheTtl} old; this instance's own writes
 * are seen at once.
 */
@Component
class SmtpSettingsStore implements InitializingBean {

    /** Beyond this many cached tenants, expired entries are dropped (and all of them if none had expired). */
    static final int MAX_CACHED = 10_000;

    private final ReactiveMongoTemplate mongo;
    private final long ttlNanos;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
    /** Counts writes, so a read that raced with one does not put what it read into the cache. */
    private final AtomicLong writes = new AtomicLong();

    private record Cached(Optional<SmtpSettings> settings, long readAt) {
    }

    @Autowired
    SmtpSettingsStore(ReactiveMongoTemplate mongo, NotificationProperties.Transports properties) {
        this(mongo, properties.cacheTtl());
    }

    SmtpSettingsStore(ReactiveMongoTemplate mongo, Duration cacheTtl) {
        this.mongo = mongo;
        this.ttlNanos = cacheTtl.toNanos();
    }

    /** One document per tenant. */
    @Override
    public void afterPropertiesSet() {
        // start-up runs on the main thread, so waiting here is safe
        mongo.indexOps(SmtpSettings.class)
                .createIndex(new Index().on("serviceId", Sort.Direction.ASC).unique().named("tenant"))
                .block(Duration.ofSeconds(30));
    }

    Mono<SmtpSettings> find(String serviceId) {
        return mongo.findOne(byTenant(serviceId), SmtpSettings.class);
    }

    /** The tenant's settings, at most the cache's time to live old; empty Optional when it has none. */
    Mono<Optional<SmtpSettings>> cached(String serviceId) {
        Cached hit = cache.get(serviceId);
        long now = System.nanoTime();
        if (hit != null && now - hit.readAt() < ttlNanos) {
            return Mono.just(hit.settings());
        }
        long writesBefore = writes.get();
        return find(serviceId).map(Optional::of).defaultIfEmpty(Optional.empty())
                .doOnNext(settings -> {
                    if (writes.get() == writesBefore) {
                        remember(serviceId, new Cached(settings, now));
                    }
                });
    }

    /** Fails with {@link org.springframework.dao.DuplicateKeyException} when the tenant has settings already. */
    Mono<SmtpSettings> insert(SmtpSettings settings) {
        return written(settings.serviceId(), mongo.insert(settings));
    }

    /** Replaces the tenant's settings if they are still at {@code expectedVersion}; empty if not. */
    Mono<SmtpSettings> replace(SmtpSettings settings, long expectedVersion) {
        Query current = Query.query(Criteria.where("serviceId").is(settings.serviceId()).and("version").is(expectedVersion));
        return written(settings.serviceId(), mongo.findAndReplace(current, settings,
                FindAndReplaceOptions.options().returnNew()));
    }

    /** How many documents were removed: 1, or 0 when the tenant had none. */
    Mono<Long> delete(String serviceId) {
        return written(serviceId, mongo.remove(byTenant(serviceId), SmtpSettings.class).map(result -> result.getDeletedCount()));
    }

    private <T> Mono<T> written(String serviceId, Mono<T> write) {
        // forgotten before and after, before the caller sees the outcome: no read that overlapped the write
        // leaves the old settings in the cache
        return Mono.defer(() -> {
            forget(serviceId);
            return write;
        }).doOnSuccess(done -> forget(serviceId)).doOnError(failed -> forget(serviceId))
                .doOnCancel(() -> forget(serviceId));
    }

    private void forget(String serviceId) {
        writes.incrementAndGet();
        cache.remove(serviceId);
    }

    private void remember(String serviceId, Cached entry) {
        if (cache.size() >= MAX_CACHED) {
            long now = System.nanoTime();
            cache.values().removeIf(cached -> now - cached.readAt() >= ttlNanos);
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
        }
        cache.put(serviceId, entry);
    }

    private static Query byTenant(String serviceId) {
        return Query.query(Criteria.where("serviceId").is(serviceId));
    }
}
