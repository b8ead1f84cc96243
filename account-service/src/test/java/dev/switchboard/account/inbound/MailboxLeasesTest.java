package dev.switchboard.account.inbound;

import static dev.switchboard.account.inbound.MailboxTestBed.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/** Leases between instances on the Mongo wire server, with the clock in the test's hand instead of sleeps. */
class MailboxLeasesTest {

    private static final Duration LEASE = Duration.ofSeconds(20);
    private static final List<String> MAILBOXES = IntStream.rangeClosed(1, 12).mapToObj(i -> "t1:" + i).toList();

    private final MongoServer server = new MongoServer(new MemoryBackend());
    private final MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + server.bind().getPort());
    private final ReactiveMongoTemplate mongo = new ReactiveMongoTemplate(client, "accounts");
    private final TestClock clock = new TestClock();

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    private MailboxLeases.Claims claim(MailboxLeases leases, Set<String> handingOver) {
        return leases.claim(MAILBOXES, handingOver).block(WAIT);
    }

    @Test
    void aSecondInstanceGetsItsShareOnlyAfterTheFirstHandedItOver() {
        var a = new MailboxLeases(mongo, LEASE, clock);
        var b = new MailboxLeases(mongo, LEASE, clock);
        assertThat(claim(a, Set.of()).held()).containsOnlyKeys(MAILBOXES);

        // b is live now, but a holds everything: b takes nothing yet
        assertThat(claim(b, Set.of()).held()).isEmpty();
        var aRound = claim(a, Set.of());
        Set<String> forB = aRound.notPreferred();
        assertThat(forB).isNotEmpty().isSubsetOf(MAILBOXES);
        assertThat(aRound.held()).containsOnlyKeys(MAILBOXES);

        // a's workers for those ended: a releases them, and b takes them
        var afterRelease = claim(a, forB);
        assertThat(afterRelease.held().keySet()).doesNotContainAnyElementsOf(forB);
        var bHeld = claim(b, Set.of()).held().keySet();
        assertThat(bHeld).isEqualTo(forB);

        var all = new HashSet<>(afterRelease.held().keySet());
        all.addAll(bHeld);
        assertThat(all).containsExactlyInAnyOrderElementsOf(MAILBOXES);
        assertThat(claim(a, Set.of()).notPreferred()).isEmpty();
    }

    @Test
    void aDeadInstancesMailboxesAreTakenOnceItsLeaseRanOutAndItCanNoLongerWriteTheirState() {
        var a = new MailboxLeases(mongo, LEASE, clock);
        var b = new MailboxLeases(mongo, LEASE, clock);
        var states = new MailboxStates(mongo, clock);
        long aEpoch = claim(a, Set.of()).held().get("t1:1");
        assertThat(states.stamp("t1:1", aEpoch).block(WAIT)).isNotNull();
        assertThat(claim(b, Set.of()).held()).isEmpty();

        // a stops renewing without releasing (the process died); b keeps claiming
        clock.advance(LEASE.minusSeconds(1));
        assertThat(claim(b, Set.of()).held()).isEmpty();
        clock.advance(Duration.ofSeconds(2));
        var taken = claim(b, Set.of()).held();
        assertThat(taken).containsOnlyKeys(MAILBOXES);
        long bEpoch = taken.get("t1:1");
        assertThat(bEpoch).isGreaterThan(aEpoch);

        assertThat(states.stamp("t1:1", bEpoch).block(WAIT)).isNotNull();
        assertThat(states.advance("t1:1", bEpoch, 7, 3).block(WAIT)).isTrue();
        // a wakes up: its writes no longer match, and it cannot stamp the state back
        assertThat(states.advance("t1:1", aEpoch, 7, 9).block(WAIT)).isFalse();
        assertThat(states.stamp("t1:1", aEpoch).blockOptional(WAIT)).isEmpty();
        assertThat(states.find("t1:1").block(WAIT).get("lastUid", Number.class).longValue()).isEqualTo(3);
        // nor renew the lease b holds now
        assertThat(claim(a, Set.of()).held()).isEmpty();
    }

    @Test
    void aStoppedInstanceReleasesEverythingAtOnce() {
        var a = new MailboxLeases(mongo, LEASE, clock);
        var b = new MailboxLeases(mongo, LEASE, clock);
        claim(a, Set.of());
        claim(b, Set.of());
        a.releaseAll().block(WAIT);
        assertThat(claim(b, Set.of()).held()).containsOnlyKeys(MAILBOXES);
    }

    @Test
    void mailboxesThatWentAwayAreReleased() {
        var a = new MailboxLeases(mongo, LEASE, clock);
        claim(a, Set.of());
        assertThat(a.claim(MAILBOXES.subList(0, 3), Set.of()).block(WAIT).held())
                .containsOnlyKeys(MAILBOXES.subList(0, 3));
    }

    @Test
    void rendezvousHashingSpreadsMailboxesEvenlyAndMovesOnlyTheLeavingInstancesShare() {
        var three = List.of("pod-a/1", "pod-b/2", "pod-c/3");
        Map<String, Integer> counts = new HashMap<>();
        Map<String, String> before = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            String owner = MailboxLeases.preferred("t" + (i % 7) + ":" + i, three);
            counts.merge(owner, 1, Integer::sum);
            before.put("t" + (i % 7) + ":" + i, owner);
        }
        assertThat(counts.values()).allSatisfy(count -> assertThat(count).isBetween(850, 1150));

        var two = List.of("pod-a/1", "pod-b/2");
        before.forEach((mailbox, owner) -> {
            if (!owner.equals("pod-c/3")) {
                assertThat(MailboxLeases.preferred(mailbox, two)).isEqualTo(owner);
            }
        });
    }

    /** A clock that moves only when the test says so. */
    private static final class TestClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-27T10:00:00Z"));

        void advance(Duration duration) {
            now.updateAndGet(at -> at.plus(duration));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
