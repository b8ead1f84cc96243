package dev.switchboard.platform.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import reactor.core.publisher.Mono;

class TenantReadCacheTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void aTenantsDocumentIsReadOnceUntilInvalidatedAndTenantsAreKeptApart() {
        var cache = new TenantReadCache<String>(Duration.ofMinutes(1), 100);
        var reads = new AtomicInteger();
        Function<String, Mono<String>> load = id -> Mono.fromSupplier(() -> id + "#" + reads.incrementAndGet());

        assertThat(cache.get("t1", load).block(WAIT)).isEqualTo("t1#1");
        assertThat(cache.get("t1", load).block(WAIT)).isEqualTo("t1#1");
        assertThat(cache.get("t2", load).block(WAIT)).isEqualTo("t2#2");

        cache.invalidate("t1");
        assertThat(cache.get("t1", load).block(WAIT)).isEqualTo("t1#3");
        assertThat(cache.get("t2", load).block(WAIT)).isEqualTo("t2#2");
    }

    @Test
    void aFailedReadIsNotKept() {
        var cache = new TenantReadCache<String>(Duration.ofMinutes(1), 100);
        var reads = new AtomicInteger();
        Function<String, Mono<String>> load = id -> reads.incrementAndGet() == 1
                ? Mono.error(new IllegalStateException("database down")) : Mono.just("tree");

        // the error itself, not wrapped: callers map database failures to 503 by their type
        assertThatThrownBy(() -> cache.get("t1", load).block(WAIT)).isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("database down");
        assertThat(cache.get("t1", load).block(WAIT)).isEqualTo("tree");
        assertThat(reads).hasValue(2);
    }

    @Test
    void aDocumentIsReadAgainOnceItsTimeToLivePassed() {
        var cache = new TenantReadCache<String>(Duration.ofMillis(1), 100);
        var reads = new AtomicInteger();
        Function<String, Mono<String>> load = id -> Mono.fromSupplier(reads::incrementAndGet).map(String::valueOf);
        cache.get("t1", load).block(WAIT);
        await().atMost(WAIT).until(() -> {
            cache.get("t1", load).block(WAIT);
            return reads.get() >= 2;
        });
    }

    @Test
    void aReadFailingAfterItsCallerLeftIsNoDroppedError() throws Exception {
        var cache = new TenantReadCache<String>(Duration.ofMinutes(1), 100);
        var database = new java.util.concurrent.CompletableFuture<String>();
        java.util.List<Throwable> dropped = new java.util.concurrent.CopyOnWriteArrayList<>();
        reactor.core.publisher.Hooks.onErrorDropped(dropped::add);
        try {
            assertThatThrownBy(() -> cache.get("t1", id -> Mono.fromFuture(database))
                    .timeout(Duration.ofMillis(100)).block(WAIT))
                    .hasCauseInstanceOf(java.util.concurrent.TimeoutException.class);
            // the failure runs through the cache's future on this thread: a dropped error would be reported here
            database.completeExceptionally(new IllegalStateException("database down"));
            assertThat(dropped).isEmpty();
        } finally {
            reactor.core.publisher.Hooks.resetOnErrorDropped();
        }
    }
}
