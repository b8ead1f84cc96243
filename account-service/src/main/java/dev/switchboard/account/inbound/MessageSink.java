package dev.switchboard.account.inbound;

import reactor.core.publisher.Mono;

/**
 * Where the fetcher hands each message, in UID order: {@code InboundMessages::accept} in the service. It processes a
 * message exactly once per {@link FetchedMessage#key()} and completes only once the outcome is recorded (then the
 * fetcher moves past the message); it fails only for transient trouble, and then the fetcher keeps the message and
 * tries again after a back-off. A message larger than {@code maxMessageSize} arrives without its bytes
 * ({@link FetchedMessage#oversize()}), to be set aside with that reason.
 */
@FunctionalInterface
interface MessageSink {

    Mono<InboundOutcome> accept(FetchedMessage message);
}
