package dev.switchboard.ticket.ticket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.switchboard.platform.events.EventMetadataFactory;
import dev.switchboard.platform.events.EventSerde;
import dev.switchboard.platform.outbox.Outbox;
import dev.switchboard.platform.outbox.OutboxRelay;
import reactor.core.publisher.Mono;

/** A status change against the Mongo wire server: the write and its relay outlive a request that left. */
class TicketLifecycleTest {

    private final MongoServer server = new MongoServer(new MemoryBackend());
    private final MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + server.bind().getPort());
    private final ReactiveMongoTemplate mongo = new ReactiveMongoTemplate(client, "lifecycle-test");

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void aChangeWrittenForARequestThatLeftStillHasItsEventsRelayedAtOnce() {
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        var ticket = new Ticket("T1", "demo", null, "s", "c", TicketService.STATUS_NEW, null, List.of(), null, null,
                null, "api", List.of(), List.of(), at, at, List.of(), null);
        mongo.insert(ticket).block(Duration.ofSeconds(10));
        var tickets = mock(TicketService.class);
        when(tickets.load("demo", "T1", null)).thenReturn(mongo.findById("T1", Ticket.class));
        when(tickets.find(any(), any())).thenReturn(Mono.empty());
        var relay = mock(OutboxRelay.class);
        var relayed = new AtomicInteger();
        when(relay.relay(any(), any())).thenReturn(Mono.fromRunnable(relayed::incrementAndGet));
        var lifecycle = new TicketLifecycle(mongo, new EventMetadataFactory("ticket-service", Clock.systemUTC()),
                new Outbox(new EventSerde()), relay, tickets, null, null);

        // the client leaves (or the gateway's timeout fires) while the ticket is being read and written
        lifecycle.transition("demo", "T1", TicketLifecycle.Transition.CLOSE, "c1").subscribe().dispose();

        await().atMost(Duration.ofSeconds(10)).until(() -> relayed.get() == 1);
        assertThat(mongo.findById("T1", Ticket.class).block(Duration.ofSeconds(10)).status())
                .isEqualTo(TicketLifecycle.CLOSED);
    }
}
