package dev.switchboard.platform.mongo;

import java.time.Duration;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.switchboard.platform.reactive.Detached;
import reactor.core.publisher.Mono;

/**
 * A tenant's configuration document (its category tree, its form fields) held for a short while, because every
 * ticket and every help-center read needs it and it changes rarely. A write through this instance invalidates it
 * at once; a write through another instance shows here within the time to live. Concurrent misses of one tenant
 * share one read; a failed read is not kept. Bounded, so ids nobody has can never fill it.
 *
 * @param <T> the document
 */
public final class TenantReadCache<T> {

    private final AsyncCache<String, T> cache;

    public TenantReadCache(Duration timeToLive, long maximumTenants) {
        this.cache = Caffeine.newBuilder().expireAfterWrite(timeToLive).maximumSize(maximumTenants).buildAsync();
    }

    /** The tenant's document, read with {@code load} when not held; {@code load} must not complete empty. */
    public Mono<T> get(String serviceId, Function<String, Mono<T>> load) {
        // a cancelled request must not cancel the read other requests share
        return Mono.defer(() -> Detached.await(cache.get(serviceId, (key, executor) -> load.apply(key).toFuture())));
    }

    /** Forgets the tenant's document: the next {@link #get} reads it again. Call after every write of it. */
    public void invalidate(String serviceId) {
        cache.synchronous().invalidate(serviceId);
    }
}
