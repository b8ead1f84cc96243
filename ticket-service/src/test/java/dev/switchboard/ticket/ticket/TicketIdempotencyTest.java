package dev.switchboard.ticket.ticket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Query;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.switchboard.platform.outbox.OutboxProperties;
import dev.switchboard.platform.outbox.OutboxRelay;
import dev.switchboard.platform.web.NhnApiException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The Idempotency-Key: its form, and the store step against the Mongo wire server the local stack runs (which,
 * like production, enforces the sparse unique index). The whole request is the devstack IT's to cover.
 */
class TicketIdempotencyTest {

    private final MongoServer server = new MongoServer(new MemoryBackend());
    private final MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + server.bind().getPort());
    private final ReactiveMongoTemplate mongo = new ReactiveMongoTemplate(client, "tickets-test");
    /** Only the store step and the indexes are exercised: nothing else of the service is needed. */
    private final TicketService tickets = new TicketService(mongo, null, null, null, null, null, null,
            new OutboxRelay(mongo, null, new OutboxProperties(List.of(Ticket.COLLECTION), null, null, 0, null,
                    Duration.ofSeconds(60), null, 0), Clock.systemUTC()), null);
    private final AtomicInteger ids = new AtomicInteger();

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void aKeyIsOneToAHundredVisibleAsciiCharacters() {
        assertThat(IdempotencyKeys.check(null)).isNull();
        assertThat(IdempotencyKeys.check("k".repeat(100))).hasSize(100);
        assertThat(IdempotencyKeys.check("order-4711:retry/1~")).isEqualTo("order-4711:retry/1~");
        for (String bad : List.of("", "k".repeat(101), "two words", "tab\there", "line\r\nX-Injected: 1", "schlüssel")) {
            assertThatThrownBy(() -> IdempotencyKeys.check(bad)).as(bad).isInstanceOf(NhnApiException.class)
                    .hasMessageContaining("Idempotency-Key");
        }
        assertThat(IdempotencyKeys.scoped("demo", null)).isNull();
        assertThat(IdempotencyKeys.scoped("demo", "k1")).isNotEqualTo(IdempotencyKeys.scoped("demo2", "k1"));
    }

    @Test
    void aRepeatedKeyStoresOneTicketAndAnswersWithTheFirst() {
        tickets.afterPropertiesSet();
        String key = IdempotencyKeys.scoped("demo", "k1");

        var first = tickets.store(() -> ticket("demo", key), "demo", key).block();
        var again = tickets.store(() -> ticket("demo", key), "demo", key).block();

        assertThat(first.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(again.ticket().ticketId()).isEqualTo(first.ticket().ticketId());
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void concurrentRequestsWithOneKeyMakeOneTicket() {
        tickets.afterPropertiesSet();
        String key = IdempotencyKeys.scoped("demo", "race");

        var stored = Flux.range(0, 8)
                .flatMap(i -> tickets.store(() -> ticket("demo", key), "demo", key).subscribeOn(Schedulers.parallel()))
                .collectList().block();

        assertThat(stored).filteredOn(TicketService.Stored::created).hasSize(1);
        assertThat(stored).extracting(s -> s.ticket().ticketId()).containsOnly(stored.getFirst().ticket().ticketId());
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void ticketsWithoutAKeyAndOtherTenantsKeysAreUnaffected() {
        tickets.afterPropertiesSet();
        for (int i = 0; i < 3; i++) {
            assertThat(tickets.store(() -> ticket("demo", null), "demo", null).block().created()).isTrue();
        }
        String mine = IdempotencyKeys.scoped("demo", "shared");
        String theirs = IdempotencyKeys.scoped("other", "shared");
        assertThat(tickets.store(() -> ticket("demo", mine), "demo", mine).block().created()).isTrue();
        assertThat(tickets.store(() -> ticket("other", theirs), "other", theirs).block().created()).isTrue();
        assertThat(count()).isEqualTo(5);
    }

    @Test
    void aTicketStoredForARequestThatLeftStillHasItsEventsRelayedAtOnce() {
        var relay = mock(OutboxRelay.class);
        when(relay.claimForInsert()).thenReturn(new OutboxRelay.InsertClaim("c1", new Date()));
        var relayed = new AtomicInteger();
        when(relay.relayInserted(any(), any(), any(), any())).thenReturn(Mono.fromRunnable(relayed::incrementAndGet));
        var service = new TicketService(mongo, null, null, null, null, null, null, relay, null);

        // the client leaves (or the gateway's timeout fires) while the insert is on its way to the database
        service.storeAndRelay(() -> ticket("demo", null), "demo", null).subscribe().dispose();

        await().atMost(Duration.ofSeconds(10)).until(() -> relayed.get() == 1);
        assertThat(count()).isEqualTo(1);
    }

    private long count() {
        return mongo.count(new Query(), Ticket.class).block();
    }

    private Ticket ticket(String serviceId, String idempotency) {
        Instant now = Instant.now();
        return new Ticket("T" + ids.incrementAndGet(), serviceId, null, "s", "c", "new", null, List.of(), null, null,
                null, "api", List.of(), List.of(), now, now, List.of(), idempotency);
    }
}
