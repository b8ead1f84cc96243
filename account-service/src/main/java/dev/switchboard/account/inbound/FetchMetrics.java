package dev.switchboard.account.inbound;

import java.util.function.Supplier;

import dev.switchboard.account.external.MailFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The fetcher's meters: {@code switchboard.inbound.messages.fetched} by mailbox kind,
 * {@code switchboard.inbound.fetch.failures} by reason, and {@code switchboard.inbound.mailboxes.owned}.
 */
final class FetchMetrics {

    private final MeterRegistry registry;

    FetchMetrics(MeterRegistry registry, Supplier<Number> owned) {
        this.registry = registry;
        Gauge.builder("switchboard.inbound.mailboxes.owned", owned).description("Mailboxes this instance fetches")
                .register(registry);
    }

    void fetched(Mailbox mailbox) {
        Counter.builder("switchboard.inbound.messages.fetched").tag("kind", mailbox.kind())
                .description("Messages handed on, each once").register(registry).increment();
    }

    void failed(MailFailure failure) {
        Counter.builder("switchboard.inbound.fetch.failures").tag("reason", failure.kind().name())
                .description("Failed fetch attempts").register(registry).increment();
    }
}
