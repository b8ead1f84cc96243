package dev.switchboard.platform.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import reactor.core.publisher.Hooks;

class DetachedTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void theCallerGetsTheValueOrNothing() {
        assertThat(Detached.await(CompletableFuture.completedFuture("sent")).block(WAIT)).isEqualTo("sent");
        assertThat(Detached.await(CompletableFuture.<String>completedFuture(null)).blockOptional(WAIT)).isEmpty();
    }

    @Test
    void theCallerGetsTheWorksOwnErrorNotItsWrapper() {
        var work = new CompletableFuture<String>();
        work.completeExceptionally(new CompletionException(new IllegalStateException("broker down")));

        assertThatThrownBy(() -> Detached.await(work).block(WAIT)).isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("broker down");
    }

    @Test
    void aCallerThatStopsWaitingLeavesTheWorkAloneAndItsLateFailureIsNoDroppedError() throws Exception {
        var work = new CompletableFuture<String>();
        List<Throwable> dropped = new CopyOnWriteArrayList<>();
        Hooks.onErrorDropped(dropped::add);
        try {
            assertThatThrownBy(() -> Detached.await(work).timeout(Duration.ofMillis(50)).block(WAIT))
                    .hasCauseInstanceOf(TimeoutException.class);
            assertThat(work).as("not cancelled by the caller's timeout").isNotCancelled();

            work.completeExceptionally(new IllegalStateException("broker down"));

            assertThat(work).isCompletedExceptionally();
            assertThat(dropped).isEmpty();
        } finally {
            Hooks.resetOnErrorDropped();
        }
    }
}
