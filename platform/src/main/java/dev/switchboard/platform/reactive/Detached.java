package dev.switchboard.platform.reactive;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import reactor.core.publisher.Mono;

/**
 * Waits for work that goes on by itself: a publish to the broker, a read other requests share. A caller that stops
 * waiting (a timeout, a client that left) neither cancels nor interrupts the work, and the work failing after its
 * caller left is nobody's error: its outcome travels as a value, so it can never become an error without a
 * subscriber (which Reactor would log as a dropped error). The caller sees the work's own error, not Java's
 * {@code CompletionException} around it, so it can map failures by their type.
 */
public final class Detached {

    private Detached() {
    }

    /** The outcome of {@code work} when it ends; cancelling the answer leaves {@code work} alone. */
    public static <T> Mono<T> await(CompletableFuture<T> work) {
        CompletableFuture<Outcome<T>> outcome = work.handle(Outcome::new);
        return Mono.fromFuture(outcome, true).flatMap(Outcome::asMono);
    }

    private record Outcome<T>(T value, Throwable error) {

        Mono<T> asMono() {
            if (error == null) {
                return Mono.justOrEmpty(value);
            }
            return Mono.error(error instanceof CompletionException wrapped && wrapped.getCause() != null
                    ? wrapped.getCause() : error);
        }
    }
}
