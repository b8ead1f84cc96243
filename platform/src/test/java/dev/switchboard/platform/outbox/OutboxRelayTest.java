package dev.switchboard.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.switchboard.platform.events.EventHeaders;
import dev.switchboard.platform.events.EventPublisher;
import dev.switchboard.platform.events.EventSerde;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The relay against a real Mongo wire server; the broker is a recording stand-in (the ITs use a real one). */
class OutboxRelayTest {

    private MongoServer server;
    private MongoClient client;
    private ReactiveMongoTemplate mongo;
    private final List<String> published = new CopyOnWriteArrayList<>();
    /** The commands the relay sent to the database, by name. */
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final KafkaTemplate<String, byte[]> kafka = mock();
    private final OutboxProperties properties = new OutboxProperties(List.of("things"), Duration.ofSeconds(1),
            Duration.ZERO, 100, Duration.ofSeconds(3), Duration.ofSeconds(60), Duration.ofMinutes(1), 0);
    private OutboxRelay relay;

    @BeforeEach
    void start() {
        server = new MongoServer(new MemoryBackend());
        var address = server.bind();
        client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString("mongodb://127.0.0.1:" + address.getPort()))
                .addCommandListener(new CommandListener() {
                    @Override
                    public void commandStarted(CommandStartedEvent event) {
                        commands.add(event.getCommandName());
                    }
                })
                .build());
        mongo = new ReactiveMongoTemplate(client, "relay-test");
        when(kafka.send(any(ProducerRecord.class))).thenAnswer(call -> {
            ProducerRecord<String, byte[]> record = call.getArgument(0);
            published.add(new String(record.headers().lastHeader(EventHeaders.ID).value()));
            return CompletableFuture.completedFuture(mock(SendResult.class));
        });
        relay = new OutboxRelay(mongo, new EventPublisher(kafka, new EventSerde(), Schedulers.boundedElastic()),
                properties, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void concurrentRelaysOfOneDocumentPublishEachEventOnce() {
        insert("doc-1", null, "e1", "e2", "e3");

        Flux.range(0, 8)
                .flatMap(i -> relay.relayNow("things", "doc-1").subscribeOn(Schedulers.parallel()))
                .blockLast(Duration.ofSeconds(10));

        assertThat(published).containsExactly("e1", "e2", "e3");
        assertThat(pending("doc-1")).isEmpty();
    }

    @Test
    void aDocumentClaimedByAnotherRelayIsLeftToIt() {
        insert("doc-2", Instant.now().plusSeconds(30), "e1");

        relay.relayNow("things", "doc-2").block(Duration.ofSeconds(10));

        assertThat(published).isEmpty();
        assertThat(pending("doc-2")).hasSize(1);
    }

    @Test
    void aRelayAfterAWriteWaitsForTheClaimOfTheRelayBefore() throws Exception {
        insert("doc-6", Instant.now().plusSeconds(30), "e1");
        var waiting = relay.relayNow("things", "doc-6", true).toFuture();
        // the earlier relay finishes: its events are gone, its claim released
        mongo.getCollection("things").flatMap(c -> Mono.from(c.updateOne(new Document("_id", "doc-6"),
                new Document("$unset", new Document(OutboxRelay.CLAIM, "")))))
                .block(Duration.ofSeconds(5));

        waiting.get(30, TimeUnit.SECONDS);

        assertThat(published).containsExactly("e1");
        assertThat(pending("doc-6")).isEmpty();
    }

    @Test
    void aRelayStartsWhenSubscribedNotWhenAssembled() {
        var later = relay.relay("things", "doc-7"); // assembled before the write, as write.then(relay(...)) does
        insert("doc-7", null, "e1");

        later.block(Duration.ofSeconds(10));

        assertThat(published).containsExactly("e1");
        assertThat(pending("doc-7")).isEmpty();
    }

    @Test
    void aWriteWhoseCallerLeftStillHasItsEventsRelayedAtOnce() {
        var written = new java.util.concurrent.CountDownLatch(1);
        var document = new Document("_id", "doc-8").append("pendingEvents", List.of(eventDocument("doc-8", "e1")));
        var slowWrite = mongo.getCollection("things").flatMap(c -> Mono.from(c.insertOne(document)))
                .delaySubscription(Duration.ofMillis(200))
                .doOnSuccess(done -> written.countDown())
                .thenReturn("doc-8");

        // the caller leaves while the write is on its way to the database
        relay.writeThenRelay(slowWrite, "things", "doc-8").subscribe().dispose();

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> published.contains("e1"));
        assertThat(written.getCount()).isZero();
        assertThat(pending("doc-8")).isEmpty();
    }

    @Test
    void aWriteThatWroteNothingRelaysNothingAndAFailedOneKeepsItsError() {
        insert("doc-9", null, "e1");

        assertThat(relay.writeThenRelay(Mono.<String>empty(), "things", "doc-9").blockOptional(Duration.ofSeconds(5)))
                .isEmpty();
        assertThat(published).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> relay.writeThenRelay(
                        Mono.error(new IllegalStateException("taken")), "things", "doc-9").block(Duration.ofSeconds(5)))
                .isInstanceOf(IllegalStateException.class).hasMessage("taken");
        assertThat(published).isEmpty();
        assertThat(relay.writeThenRelay(Mono.just("saved"), "things", "doc-9").block(Duration.ofSeconds(5)))
                .isEqualTo("saved");
        assertThat(published).containsExactly("e1");
    }

    @Test
    void aLapsedClaimOfACrashedRelayIsTakenOver() {
        insert("doc-3", Instant.now().minusSeconds(1), "e1", "e2");

        relay.sweep().block(Duration.ofSeconds(10));

        assertThat(published).containsExactly("e1", "e2");
        assertThat(pending("doc-3")).isEmpty();
        assertThat(document("doc-3")).doesNotContainKey(OutboxRelay.CLAIM);
    }

    @Test
    void aFailedPublishGivesTheClaimBackAndKeepsTheEvents() {
        when(kafka.send(any(ProducerRecord.class)))
                .thenReturn(CompletableFuture.failedFuture(new IllegalStateException("broker down")));
        insert("doc-4", null, "e1");

        relay.relayNow("things", "doc-4").block(Duration.ofSeconds(10));

        assertThat(pending("doc-4")).hasSize(1);
        assertThat(document("doc-4")).doesNotContainKey(OutboxRelay.CLAIM);
    }

    @Test
    void aRelayThatOutlastsTheCallersPatienceStillFinishes() {
        var slowAck = brokerAnswersLater();
        var impatient = new OutboxRelay(mongo, new EventPublisher(kafka, new EventSerde(), Schedulers.boundedElastic()),
                new OutboxProperties(List.of("things"), Duration.ofSeconds(1), Duration.ZERO, 100,
                        Duration.ofMillis(50), Duration.ofSeconds(60), Duration.ofMinutes(1), 0), Clock.systemUTC());
        insert("doc-5", null, "e1");

        impatient.relay("things", "doc-5").block(Duration.ofSeconds(10));
        slowAck.complete(mock(SendResult.class));

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> pending("doc-5").isEmpty());
    }

    @Test
    void aDocumentInsertedWithItsClaimIsPublishedWithoutAClaimingWrite() {
        var claim = relay.claimForInsert();
        var events = pendingEvents("doc-8", "e1", "e2");
        insertClaimed("doc-8", claim, events);
        commands.clear();

        relay.relayInserted("things", "doc-8", claim, events).block(Duration.ofSeconds(10));

        assertThat(published).containsExactly("e1", "e2");
        assertThat(commands).as("one write: remove the events, release the claim").containsExactly("findAndModify");
        assertThat(pending("doc-8")).isEmpty();
        assertThat(document("doc-8")).doesNotContainKey(OutboxRelay.CLAIM);
    }

    @Test
    void eventsWrittenWhileAnInsertedDocumentWasPublishedAreRelayedToo() {
        var claim = relay.claimForInsert();
        var events = pendingEvents("doc-9", "e1");
        insertClaimed("doc-9", claim, events);
        // a change right after the insert, before its relay ran: its event waits behind the claim
        mongo.getCollection("things").flatMap(c -> Mono.from(c.updateOne(new Document("_id", "doc-9"),
                        new Document("$push", new Document("pendingEvents", eventDocument("doc-9", "e2"))))))
                .block(Duration.ofSeconds(5));

        relay.relayInserted("things", "doc-9", claim, events).block(Duration.ofSeconds(10));

        assertThat(published).containsExactly("e1", "e2");
        assertThat(pending("doc-9")).isEmpty();
    }

    @Test
    void aFailedPublishOfAnInsertedDocumentGivesItsClaimBackAndKeepsTheEvents() {
        when(kafka.send(any(ProducerRecord.class)))
                .thenReturn(CompletableFuture.failedFuture(new IllegalStateException("broker down")));
        var claim = relay.claimForInsert();
        var events = pendingEvents("doc-10", "e1");
        insertClaimed("doc-10", claim, events);

        relay.relayInserted("things", "doc-10", claim, events).block(Duration.ofSeconds(10));

        assertThat(pending("doc-10")).hasSize(1);
        assertThat(document("doc-10")).doesNotContainKey(OutboxRelay.CLAIM);
    }

    @Test
    void aCallerIsAnsweredBeforeTheBrokerAcknowledgesWhileFewRelaysRunAndWaitsWhenMoreDo() throws Exception {
        var slowAck = brokerAnswersLater();
        // one relay may run after its caller was answered; a caller that waited would wait the whole minute
        var relays = relayWith(1, Duration.ofMinutes(1));
        var firstClaim = relays.claimForInsert();
        var first = pendingEvents("doc-11", "e1");
        insertClaimed("doc-11", firstClaim, first);
        var secondClaim = relays.claimForInsert();
        var second = pendingEvents("doc-12", "e2");
        insertClaimed("doc-12", secondClaim, second);

        relays.relayInserted("things", "doc-11", firstClaim, first).block(Duration.ofSeconds(30));
        var waiting = relays.relayInserted("things", "doc-12", secondClaim, second).toFuture();

        assertThat(relays.running()).isEqualTo(2);
        assertThat(waiting).as("the second caller waits: one relay already runs for an answered caller").isNotDone();
        slowAck.complete(mock(SendResult.class));
        waiting.get(30, TimeUnit.SECONDS);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> pending("doc-11").isEmpty() && pending("doc-12").isEmpty() && relays.running() == 0);
    }

    @Test
    void aCallerThatNeedsTheEventsGoneWaitsForItsRelayEvenWhenFewRun() throws Exception {
        var slowAck = brokerAnswersLater();
        var relays = relayWith(8, Duration.ofMinutes(1));
        insert("doc-14", null, "e1");

        var waiting = relays.relayAndWait("things", "doc-14").toFuture();

        assertThat(waiting).as("its relay waits for the broker").isNotDone();
        slowAck.complete(mock(SendResult.class));
        waiting.get(30, TimeUnit.SECONDS);
        assertThat(pending("doc-14")).as("gone when the caller goes on").isEmpty();
    }

    @Test
    void aWriteThenRelayIsAnsweredOnceItsEventsAreOut() throws Exception {
        // an upload's event must be on the topic when its caller names the file in a ticket next
        var slowAck = brokerAnswersLater();
        var relays = relayWith(8, Duration.ofMinutes(1));

        var written = relays.writeThenRelay(Mono.fromRunnable(() -> insert("doc-15", null, "e1")).thenReturn("saved"),
                "things", "doc-15").toFuture();

        assertThatThrownBy(() -> written.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        slowAck.complete(mock(SendResult.class));
        assertThat(written.get(30, TimeUnit.SECONDS)).isEqualTo("saved");
        assertThat(pending("doc-15")).isEmpty();
    }

    @Test
    void stoppingWaitsForTheRelaysOfCallersAlreadyAnswered() throws Exception {
        var slowAck = brokerAnswersLater();
        var relays = relayWith(8, Duration.ofMinutes(1));
        var claim = relays.claimForInsert();
        var events = pendingEvents("doc-13", "e1");
        insertClaimed("doc-13", claim, events);
        relays.relayInserted("things", "doc-13", claim, events).block(Duration.ofSeconds(30));
        assertThat(relays.running()).isEqualTo(1);

        var stopping = CompletableFuture.runAsync(relays::stop);

        // it cannot end before the broker answers (or the minute of the relay timeout passes)
        assertThatThrownBy(() -> stopping.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        slowAck.complete(mock(SendResult.class));
        stopping.get(30, TimeUnit.SECONDS);
        assertThat(relays.running()).isZero();
        assertThat(pending("doc-13")).isEmpty();
    }

    /** The broker's acknowledgement, which the test gives when it wants. */
    private CompletableFuture<SendResult<String, byte[]>> brokerAnswersLater() {
        CompletableFuture<SendResult<String, byte[]>> ack = new CompletableFuture<>();
        when(kafka.send(any(ProducerRecord.class))).thenReturn(ack);
        return ack;
    }

    private OutboxRelay relayWith(int backgroundRelays, Duration relayTimeout) {
        return new OutboxRelay(mongo, new EventPublisher(kafka, new EventSerde(), Schedulers.boundedElastic()),
                new OutboxProperties(List.of("things"), Duration.ofSeconds(1), Duration.ZERO, 100, relayTimeout,
                        Duration.ofMinutes(5), Duration.ofMinutes(1), backgroundRelays), Clock.systemUTC());
    }

    private static List<PendingEvent> pendingEvents(String id, String... eventIds) {
        return java.util.Arrays.stream(eventIds).map(eventId -> new PendingEvent(eventId, "switchboard.test", id, "Test",
                "tenant", eventId.getBytes(), Instant.EPOCH)).toList();
    }

    private void insertClaimed(String id, OutboxRelay.InsertClaim claim, List<PendingEvent> events) {
        Document document = claim.into(new Document("_id", id).append("pendingEvents",
                events.stream().map(event -> eventDocument(id, event.eventId())).toList()));
        mongo.getCollection("things").flatMap(c -> Mono.from(c.insertOne(document))).block(Duration.ofSeconds(5));
    }

    private static Document eventDocument(String id, String eventId) {
        return new Document("eventId", eventId).append("topic", "switchboard.test").append("key", id)
                .append("type", "Test").append("serviceId", "tenant").append("payload", eventId.getBytes())
                .append("createdAt", new Date(0));
    }

    private void insert(String id, Instant claimedUntil, String... eventIds) {
        List<Document> events = java.util.Arrays.stream(eventIds)
                .map(eventId -> new Document("eventId", eventId).append("topic", "switchboard.test")
                        .append("key", id).append("type", "Test").append("serviceId", "tenant")
                        .append("payload", eventId.getBytes()).append("createdAt", new Date(0)))
                .toList();
        Document document = new Document("_id", id).append("pendingEvents", events);
        if (claimedUntil != null) {
            document.append(OutboxRelay.CLAIM, new Document("id", "other").append("until", Date.from(claimedUntil)));
        }
        mongo.getCollection("things").flatMap(c -> Mono.from(c.insertOne(document))).block(Duration.ofSeconds(5));
    }

    private Document document(String id) {
        return mongo.getCollection("things")
                .flatMap(c -> Mono.from(c.find(new Document("_id", id)).first()))
                .block(Duration.ofSeconds(5));
    }

    private List<Document> pending(String id) {
        return document(id).getList("pendingEvents", Document.class, List.of());
    }
}
