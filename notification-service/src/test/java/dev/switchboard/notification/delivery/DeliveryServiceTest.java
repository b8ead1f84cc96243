package dev.switchboard.notification.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import org.apache.avro.specific.SpecificRecord;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.switchboard.events.notification.EmailFailed;
import dev.switchboard.events.notification.EmailSent;
import dev.switchboard.notification.ScriptedSmtpServer;
import dev.switchboard.notification.config.NotificationProperties;
import dev.switchboard.platform.events.EventMetadataFactory;
import dev.switchboard.platform.events.EventPublisher;
import dev.switchboard.platform.events.EventSerde;
import dev.switchboard.platform.outbox.Outbox;
import dev.switchboard.platform.outbox.OutboxRelay;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The mail queue's claims, leases and outcomes against the Mongo wire server the local stack runs, sending to SMTP on 127.0.0.1. */
class DeliveryServiceTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String RECIPIENT = "Kim.Lee@Example.com";
    /** A recipient's address in clear: anything but the masked {@code K***} before the domain. */
    private static final Pattern CLEAR_ADDRESS = Pattern.compile("[A-Za-z0-9._%+-]+@example\\.com", Pattern.CASE_INSENSITIVE);
    private static final Instant EVENT_AT = Instant.parse("2026-11-27T10:00:00Z");

    private MongoServer mongoServer;
    private MongoClient client;
    private ReactiveMongoTemplate mongo;
    private GreenMail greenMail;
    private final List<MailSendPool> pools = new ArrayList<>();
    private final List<SmtpPool> smtpPools = new ArrayList<>();
    private final OutboxRelay outboxRelay = mock(OutboxRelay.class);
    private final EventPublisher publisher = mock(EventPublisher.class);
    /** What reached the broker, in order. */
    private final List<SpecificRecord> broker = new CopyOnWriteArrayList<>();
    private final TicketMail tickets = mock(TicketMail.class);
    private final MailTransports transports = mock(MailTransports.class);
    private final EventSerde serde = new EventSerde();

    @BeforeEach
    void start() {
        mongoServer = new MongoServer(new MemoryBackend());
        client = MongoClients.create("mongodb://127.0.0.1:" + mongoServer.bind().getPort());
        mongo = new ReactiveMongoTemplate(client, "deliveries");
        greenMail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        greenMail.start();
        sendTo(greenMail.getSmtp().getPort(), Duration.ofSeconds(10));
        when(outboxRelay.relay(any(), any())).thenReturn(Mono.empty());
        when(publisher.publish(any(), any())).thenAnswer(call -> {
            broker.add(call.getArgument(1));
            return Mono.empty();
        });
        when(tickets.render(any())).thenReturn(Mono.just(mail()));
    }

    @AfterEach
    void stop() {
        pools.forEach(MailSendPool::destroy);
        smtpPools.forEach(SmtpPool::close);
        greenMail.stop();
        client.close();
        mongoServer.shutdownNow();
    }

    @Test
    void theServerIsReportedDoneBeforeTheOutcomeIsRecorded() {
        var service = service(Duration.ofSeconds(10));
        var statusWhenServerDone = new AtomicReference<Delivery.Status>();

        service.attempt(service.enqueue(owed()).block(WAIT), () -> statusWhenServerDone.set(delivery().status()))
                .block(WAIT);

        // the server had the mail while the delivery still read SENDING: the dispatcher frees the tenant's share then
        assertThat(greenMail.getReceivedMessages()).hasSize(1);
        assertThat(statusWhenServerDone.get()).isEqualTo(Delivery.Status.SENDING);
        assertThat(delivery().status()).isEqualTo(Delivery.Status.SENT);
    }

    @Test
    void theDeliveryLogKeepsOneDocumentLayoutFromEnqueueToSent() {
        var clock = new MutableClock(Instant.parse("2026-11-28T02:00:00Z"));
        var service = service(Duration.ofSeconds(10), clock);

        var enqueued = service.enqueue(owed()).block(WAIT);
        var owedDocument = rawDelivery();
        assertThat(owedDocument.keySet()).containsExactlyInAnyOrder("_id", "serviceId", "ticketId", "purpose",
                "eventType", "event", "eventAt", "correlationId", "status", "owner", "leaseUntil", "attempts",
                "attemptStartedAt", "nextAttemptAt", "createdAt", "updatedAt", "pendingEvents");
        assertThat(owedDocument.get("status")).isEqualTo("SENDING");
        assertThat(owedDocument.get("eventAt")).isEqualTo(java.util.Date.from(EVENT_AT));
        assertThat(owedDocument.get("leaseUntil")).isInstanceOf(java.util.Date.class);
        assertThat(owedDocument.get("event")).isInstanceOf(org.bson.types.Binary.class);
        assertThat(owedDocument.get("attempts")).isEqualTo(1);
        // what the enqueue answered is what a claim reads back
        assertThat(delivery()).usingRecursiveComparison().isEqualTo(enqueued);

        service.attempt(enqueued, () -> { }).block(WAIT);

        var sent = rawDelivery();
        assertThat(sent.get("status")).isEqualTo("SENT");
        assertThat(sent.get("committingAttempt")).isEqualTo(1);
        assertThat(sent.get("transport")).isEqualTo("relay");
        assertThat(sent.get("recipient")).isEqualTo("K***@Example.com");
        assertThat(sent.get("messageId")).isEqualTo("<T1.ack@switchboard.local>");
        assertThat(sent.get("sentAt")).isEqualTo(java.util.Date.from(clock.instant()));
        assertThat(sent).doesNotContainKeys("event", "lastError");
        var delivery = delivery();
        assertThat(delivery.status()).isEqualTo(Delivery.Status.SENT);
        assertThat(delivery.sentAt()).isEqualTo(clock.instant());
        assertThat(delivery.pendingEvents()).isEmpty();
    }

    @Test
    void copiesOfOneEventEnqueuedAtOnceOweOneMailAndNoneFails() {
        var service = service(Duration.ofSeconds(10));

        List<Boolean> owedNew = reactor.core.publisher.Flux.range(0, 16)
                .flatMap(copy -> service.enqueue(owed()).hasElement()
                        .subscribeOn(reactor.core.scheduler.Schedulers.parallel()), 16)
                .collectList().block(WAIT);

        assertThat(owedNew).hasSize(16).containsOnlyOnce(true);
        assertThat(delivery().attempts()).isEqualTo(1);
    }

    @Test
    void redeliveredEventOwesNothingNewAndOneMailGoesOutWithTheChosenMessageId() throws Exception {
        var service = service(Duration.ofSeconds(10));

        var enqueued = service.enqueue(owed()).blockOptional(WAIT);
        assertThat(enqueued).isPresent();
        assertThat(service.enqueue(owed()).blockOptional(WAIT)).isEmpty();
        service.attempt(enqueued.get(), () -> { }).block(WAIT);
        // the same event once more, after the mail went out
        assertThat(service.enqueue(owed()).blockOptional(WAIT)).isEmpty();
        assertThat(service.claimNext(Set.of()).blockOptional(WAIT)).isEmpty();

        assertThat(greenMail.getReceivedMessages()).hasSize(1);
        assertThat(greenMail.getReceivedMessages()[0].getMessageID()).isEqualTo("<T1.ack@switchboard.local>");
        var delivery = delivery();
        assertThat(delivery.status()).isEqualTo(Delivery.Status.SENT);
        assertThat(delivery.attempts()).isEqualTo(1);
        assertThat(delivery.transport()).isEqualTo(MailTransport.RELAY);
        assertThat(delivery.event()).as("the event is not kept once the mail is out").isNull();
    }

    @Test
    void emailSentTellsAnalyticsTheTransportDomainAttemptsAndLatencyButNoAddress() {
        var service = service(Duration.ofSeconds(10));
        sendEnqueued(service);

        var sent = (EmailSent) broker.getLast();
        assertThat(sent.getTransport()).isEqualTo("relay");
        assertThat(sent.getRecipientDomain()).isEqualTo("example.com");
        assertThat(sent.getRecipient()).isEqualTo("***@example.com");
        assertThat(sent.getAttempts()).isEqualTo(1);
        assertThat(sent.getLatencyMillis()).isGreaterThanOrEqualTo(Duration.between(EVENT_AT, sent.getSentAt()).toMillis() - 1);
        assertThat(sent.getMessageId()).isEqualTo("<T1.ack@switchboard.local>");
    }

    @Test
    void ofTwoRacingInstancesOneClaimsADueDelivery() {
        var first = service(Duration.ofSeconds(10));
        var second = service(Duration.ofSeconds(10));
        insertDue();

        var claims = Flux.merge(first.claimNext(Set.of()), second.claimNext(Set.of())).collectList().block(WAIT);

        assertThat(claims).hasSize(1);
        assertThat(claims.getFirst().attempts()).isEqualTo(1);
    }

    @Test
    void aLiveLeaseOfAnotherSenderIsLeftAlone() {
        insertSending("other-pod/1234", Instant.now().plusSeconds(60));

        assertThat(service(Duration.ofSeconds(10)).claimNext(Set.of()).blockOptional(WAIT)).isEmpty();
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void theLeaseOfADeadSenderIsClaimedAgainAndTheMailSent() {
        insertSending("dead-pod/1234", Instant.now().minusSeconds(1));
        var service = service(Duration.ofSeconds(10));

        sendDue(service);

        assertThat(greenMail.getReceivedMessages()).hasSize(1);
        assertThat(delivery().attempts()).isEqualTo(2);
        assertThat(delivery().owner()).isNotEqualTo("dead-pod/1234");
    }

    @Test
    void aSenderThatDiedAtTheCommitPointIsTakenOverWithoutSendingAgain() {
        mongo.insert(sendingDocument().append("owner", "dead-instance").append("attempts", 1)
                .append("leaseUntil", Date.from(Instant.now().minusSeconds(1))).append("committingAttempt", 1)
                .append("transport", "relay"), Delivery.COLLECTION).block(WAIT);

        sendDue(service(Duration.ofSeconds(10)));

        assertThat(greenMail.getReceivedMessages()).isEmpty();
        assertThat(delivery().status()).isEqualTo(Delivery.Status.SENT);
    }

    @Test
    void aSendRecordsItsCommitPoint() {
        var service = service(Duration.ofSeconds(10));
        sendEnqueued(service);
        assertThat(greenMail.getReceivedMessages()).hasSize(1);
        assertThat(delivery().committingAttempt()).isEqualTo(1);
    }

    @Test
    void aTransientFailureIsRetriedAfterTheBackOffAndNamesNoCustomerAddress() throws Exception {
        var clock = new MutableClock(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        var service = service(Duration.ofSeconds(10), clock);
        try (var deferring = new ScriptedSmtpServer(ScriptedSmtpServer.Script.DEFER_RECIPIENT)) {
            sendTo(deferring.port(), Duration.ofSeconds(10));
            sendEnqueued(service);
        }
        var failed = delivery();
        assertThat(failed.status()).isEqualTo(Delivery.Status.SENDING);
        assertThat(failed.leaseUntil()).isBeforeOrEqualTo(clock.instant());
        assertThat(failed.nextAttemptAt()).isEqualTo(clock.instant().plusSeconds(30));
        assertThat(failed.lastError()).contains("K***@Example.com").contains("SMTP 451")
                .doesNotContainPattern(CLEAR_ADDRESS);
        // not due before its time
        assertThat(service.claimNext(Set.of()).blockOptional(WAIT)).isEmpty();

        clock.advance(Duration.ofSeconds(31));
        sendTo(greenMail.getSmtp().getPort(), Duration.ofSeconds(10));
        sendDue(service);

        assertThat(greenMail.getReceivedMessages()).hasSize(1);
        assertThat(delivery().status()).isEqualTo(Delivery.Status.SENT);
        assertThat(delivery().attempts()).isEqualTo(2);
    }

    @Test
    void theBackOffGrowsUpToItsMaximum() {
        var retry = properties(Duration.ofSeconds(10)).sending().retry();
        assertThat(retry.backoff(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(retry.backoff(2)).isEqualTo(Duration.ofSeconds(60));
        assertThat(retry.backoff(7)).isEqualTo(Duration.ofMinutes(30));
        assertThat(retry.backoff(40)).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void aRejectedRecipientEndsAsEmailFailedWithTheServersReply() throws Exception {
        var service = service(Duration.ofSeconds(10));
        try (var rejecting = new ScriptedSmtpServer(ScriptedSmtpServer.Script.REJECT_RECIPIENT)) {
            sendTo(rejecting.port(), Duration.ofSeconds(10));
            sendEnqueued(service);
        }

        var failed = delivery();
        assertThat(failed.status()).isEqualTo(Delivery.Status.FAILED);
        var event = (EmailFailed) published();
        assertThat(event.getReason()).contains("550").contains("Recipient address rejected")
                .doesNotContainPattern(CLEAR_ADDRESS);
        assertThat(event.getTransport()).isEqualTo("relay");
        assertThat(event.getRecipientDomain()).isEqualTo("example.com");
        assertThat(event.getAttempts()).isEqualTo(1);
        assertThat(service.claimNext(Set.of()).blockOptional(WAIT)).isEmpty();
    }

    @Test
    void transientFailuresAreGivenUpOnlyAfterTheRetryPeriod() throws Exception {
        var clock = new MutableClock(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        var service = service(Duration.ofSeconds(10), clock);
        try (var deferring = new ScriptedSmtpServer(ScriptedSmtpServer.Script.DEFER_RECIPIENT)) {
            sendTo(deferring.port(), Duration.ofSeconds(10));
            sendEnqueued(service);
            int attempts = 1;
            while (delivery().status() == Delivery.Status.SENDING) {
                clock.advance(Duration.between(clock.instant(), delivery().nextAttemptAt()).plusSeconds(1));
                sendDue(service);
                attempts++;
                assertThat(attempts).isLessThan(100);
            }
        }

        var failed = delivery();
        assertThat(failed.status()).isEqualTo(Delivery.Status.FAILED);
        assertThat(failed.lastError()).startsWith("Gave up after");
        // retried for at least six hours, with back-off: not hundreds of attempts
        assertThat(Duration.between(failed.createdAt(), failed.updatedAt())).isGreaterThan(Duration.ofHours(6));
        assertThat(failed.attempts()).isBetween(10, 30);
        assertThat(((EmailFailed) published()).getReason()).startsWith("Gave up after");
    }

    @Test
    void aDeliveryGivenBackIsDueAgainWithoutCountingAnAttempt() {
        var service = service(Duration.ofSeconds(10));
        var claimed = service.enqueue(owed()).block(WAIT);

        service.giveBack(List.of(claimed)).block(WAIT);

        var given = delivery();
        assertThat(given.attempts()).isZero();
        assertThat(given.leaseUntil()).isBeforeOrEqualTo(Instant.now());
        assertThat(service(Duration.ofSeconds(10)).claimNext(Set.of()).blockOptional(WAIT)).isPresent();
    }

    @Test
    void aDeliveryThatWaitedForASenderTakesItsLeaseAnewAndGetsItsWholeSendTime() {
        var clock = new MutableClock(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        var service = service(Duration.ofSeconds(10), clock);
        var claimed = service.enqueue(owed()).block(WAIT);
        // waited longer than the send may take: without a new lease the attempt would be cut off at once
        clock.advance(Duration.ofSeconds(30));

        var renewed = service.renew(claimed).block(WAIT);
        service.attempt(renewed, () -> { }).block(WAIT);

        assertThat(renewed.attemptStartedAt()).isEqualTo(clock.instant());
        assertThat(greenMail.getReceivedMessages()).hasSize(1);
        assertThat(delivery().status()).isEqualTo(Delivery.Status.SENT);
        assertThat(delivery().attempts()).isEqualTo(1);
    }

    @Test
    void aLeaseTakenByAnotherInstanceWhileTheMailWaitedIsNotRenewed() {
        var service = service(Duration.ofSeconds(10));
        var claimed = service.enqueue(owed()).block(WAIT);
        mongo.updateFirst(Query.query(Criteria.where("_id").is("ticket-ack:T1")),
                new Update().set("owner", "other-pod/1").set("attempts", 2), Delivery.COLLECTION).block(WAIT);

        assertThat(service.renew(claimed).blockOptional(WAIT)).isEmpty();
        assertThat(delivery().owner()).isEqualTo("other-pod/1");
        assertThat(delivery().attempts()).isEqualTo(2);
    }

    @Test
    void aDeliveryAnotherInstanceTookOverIsNotGivenBackByTheFormerOwner() {
        var former = service(Duration.ofSeconds(10));
        var claimed = former.enqueue(owed()).block(WAIT);
        mongo.updateFirst(Query.query(Criteria.where("_id").is("ticket-ack:T1")),
                new Update().set("owner", "other-pod/1").set("attempts", 2), Delivery.COLLECTION).block(WAIT);

        former.giveBack(List.of(claimed)).block(WAIT);

        assertThat(delivery().owner()).isEqualTo("other-pod/1");
        assertThat(delivery().attempts()).isEqualTo(2);
    }

    @Test
    void aNewDeliveryIsLeasedToTheInstanceThatEnqueuedItUntilItsLeaseRunsOut() {
        var clock = new MutableClock(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        var enqueuing = service(Duration.ofSeconds(10), clock);
        var other = service(Duration.ofSeconds(10), clock);
        var enqueued = enqueuing.enqueue(owed()).block(WAIT);
        assertThat(enqueued.attempts()).isEqualTo(1);

        assertThat(other.claimNext(Set.of()).blockOptional(WAIT)).as("the lease of a live instance").isEmpty();
        assertThat(enqueuing.claimNext(Set.of()).blockOptional(WAIT)).as("nor claimed twice by its own").isEmpty();

        // the enqueuing instance died: its lease runs out, then another claims the mail and sends it once
        clock.advance(properties(Duration.ofSeconds(10)).sending().lease().plusSeconds(1));
        var taken = other.claimNext(Set.of()).block(WAIT);
        assertThat(taken.attempts()).isEqualTo(2);
        other.attempt(taken, () -> { }).block(WAIT);
        assertThat(greenMail.getReceivedMessages()).hasSize(1);
    }

    @Test
    void aCommitPointAfterTheLeaseWasLostAbortsTheSendAndLeavesTheNewOwnersMarker() {
        var service = service(Duration.ofSeconds(10));
        var claimed = service.enqueue(owed()).block(WAIT);
        // the lease ran out meanwhile and another instance took the mail and reached its own commit point
        mongo.updateFirst(Query.query(Criteria.where("_id").is("ticket-ack:T1")),
                new Update().set("owner", "other-pod/1").set("attempts", 2).set("committingAttempt", 2),
                Delivery.COLLECTION).block(WAIT);

        service.attempt(claimed, () -> { }).block(WAIT);

        assertThat(greenMail.getReceivedMessages()).isEmpty();
        assertThat(delivery().committingAttempt()).isEqualTo(2);
        assertThat(delivery().status()).isEqualTo(Delivery.Status.SENDING);
    }

    @Test
    void aCommitPointAfterTheLeaseWasLostTakesItsMarkerBack() {
        var service = service(Duration.ofSeconds(10));
        var claimed = service.enqueue(owed()).block(WAIT);
        // the new owner is still sending: no marker of its own yet
        mongo.updateFirst(Query.query(Criteria.where("_id").is("ticket-ack:T1")),
                new Update().set("owner", "other-pod/1").set("attempts", 2), Delivery.COLLECTION).block(WAIT);

        service.attempt(claimed, () -> { }).block(WAIT);

        assertThat(greenMail.getReceivedMessages()).isEmpty();
        assertThat(delivery().committingAttempt()).as("a takeover must not take this for a mail handed over").isNull();
    }

    @Test
    void emailSentHasOneIdHoweverOftenATakeoverPublishesIt() {
        var service = service(Duration.ofSeconds(10));
        sendEnqueued(service);
        // a sender that died after publishing, before recording SENT: the next claim publishes again
        mongo.updateFirst(Query.query(Criteria.where("_id").is("ticket-ack:T1")), new Update()
                .set("status", "SENDING").set("leaseUntil", Date.from(Instant.now().minusSeconds(1))),
                Delivery.COLLECTION).block(WAIT);

        sendDue(service);

        assertThat(greenMail.getReceivedMessages()).hasSize(1);
        assertThat(broker).hasSize(2).extracting(event -> ((EmailSent) event).getMetadata().getEventId())
                .containsOnly(DeliveryService.sentEventId("ticket-ack:T1"));
        assertThat(delivery().pendingEvents()).isEmpty();
        verify(outboxRelay, never()).relay(any(), any());
    }

    @Test
    void emailSentTheBrokerDoesNotAcknowledgeIsLeftToTheOutbox() {
        when(publisher.publish(any(), any())).thenReturn(Mono.error(new IllegalStateException("broker away")));
        var service = service(Duration.ofSeconds(10));

        sendEnqueued(service);

        assertThat(delivery().status()).isEqualTo(Delivery.Status.SENT);
        var pending = (EmailSent) published();
        assertThat(pending.getMetadata().getEventId()).isEqualTo(DeliveryService.sentEventId("ticket-ack:T1"));
        verify(outboxRelay).relay(eq(Delivery.COLLECTION), eq("ticket-ack:T1"));
    }

    @Test
    void aTenantInTheExcludedSetIsNotClaimed() {
        var service = service(Duration.ofSeconds(10));
        insertDue();

        assertThat(service.claimNext(Set.of("demo")).blockOptional(WAIT)).isEmpty();
        assertThat(service.claimNext(Set.of("other")).blockOptional(WAIT)).isPresent();
    }

    @Test
    void sendToAStalledServerIsCutOffAtTheSendTimeout() throws Exception {
        var service = service(Duration.ofSeconds(1));
        try (var silent = new ScriptedSmtpServer(ScriptedSmtpServer.Script.SILENT)) {
            // each read may take 30 s: only the whole-send bound can end this within the test's 10 s
            sendTo(silent.port(), Duration.ofSeconds(30));

            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> sendEnqueued(service));

            assertThat(delivery().lastError()).contains("cut off");
            // the send really ended: its socket is closed, so the lease given back is safe to take
            await().atMost(Duration.ofSeconds(5)).until(() -> silent.closedByClient() == 1);
        }
        assertThat(delivery().leaseUntil()).isBeforeOrEqualTo(Instant.now());
        assertThat(delivery().status()).isEqualTo(Delivery.Status.SENDING);
    }

    @Test
    void aDeliveryWithoutItsEventFailsInsteadOfLooping() {
        mongo.insert(sendingDocument().append("attempts", 0).append("nextAttemptAt", new Date()).append("event", null),
                Delivery.COLLECTION).block(WAIT);

        sendDue(service(Duration.ofSeconds(10)));

        assertThat(delivery().status()).isEqualTo(Delivery.Status.FAILED);
    }

    @Test
    void everyMailSharesOneMimeTypeMap() throws Exception {
        var service = service(Duration.ofSeconds(10));
        var session = Session.getInstance(new Properties());

        var first = service.helper(new MimeMessage(session));
        var second = service.helper(new MimeMessage(session));

        assertThat(first.getFileTypeMap()).isSameAs(second.getFileTypeMap());
    }

    @Test
    void mimePartsGetTheMailProvidersStreamsWithoutAServiceLookupEach() throws Exception {
        service(Duration.ofSeconds(10));

        assertThat(System.getProperty(jakarta.mail.util.StreamProvider.class.getName()))
                .isEqualTo(DeliveryService.STREAM_PROVIDER);
        assertThat(jakarta.mail.util.StreamProvider.provider().getClass().getName())
                .isEqualTo(DeliveryService.STREAM_PROVIDER);
    }

    /** Enqueues the mail and sends it as its enqueuing instance does, under the lease taken with it. */
    private void sendEnqueued(DeliveryService service) {
        service.attempt(service.enqueue(owed()).block(WAIT), () -> { }).block(WAIT);
    }

    /** Claims and attempts what is due, one after the other, until nothing is. */
    private void sendDue(DeliveryService service) {
        for (int i = 0; i < 5; i++) {
            var claimed = service.claimNext(Set.of()).blockOptional(WAIT);
            if (claimed.isEmpty()) {
                return;
            }
            service.attempt(claimed.get(), () -> { }).block(WAIT);
        }
    }

    private Object published() {
        var pending = mongo.findById("ticket-ack:T1", Document.class, Delivery.COLLECTION).block(WAIT)
                .getList("pendingEvents", Document.class);
        var last = pending.getLast();
        var payload = last.get("payload", org.bson.types.Binary.class).getData();
        return serde.decode(last.getString("type"), payload);
    }

    private void sendTo(int port, Duration readTimeout) {
        var smtp = new Properties();
        smtp.put("mail.smtp.connectiontimeout", "5000");
        smtp.put("mail.smtp.timeout", String.valueOf(readTimeout.toMillis()));
        smtp.put("mail.smtp.writetimeout", String.valueOf(readTimeout.toMillis()));
        smtp.put("mail.smtp.quitwait", "false");
        var pool = new SmtpPool(Session.getInstance(smtp), false, "127.0.0.1", port, null, null, 2,
                Duration.ofSeconds(30), 100);
        smtpPools.add(pool);
        when(transports.transportFor(any())).thenReturn(Mono.just(new MailTransport(MailTransport.RELAY, pool)));
    }

    private DeliveryService service(Duration sendTimeout) {
        return service(sendTimeout, Clock.systemUTC());
    }

    private DeliveryService service(Duration sendTimeout, Clock clock) {
        var properties = properties(sendTimeout);
        var pool = new MailSendPool(properties);
        pools.add(pool);
        return new DeliveryService(mongo, transports, tickets, mock(AdministratorNotices.class),
                new EventMetadataFactory("notification-service", clock),
                new Outbox(serde), outboxRelay, publisher, pool, properties, clock);
    }

    static NotificationProperties properties(Duration sendTimeout) {
        return new NotificationProperties(
                new NotificationProperties.Relay("127.0.0.1", 25, null, null, false, Duration.ofSeconds(5),
                        Duration.ofSeconds(10), Duration.ofSeconds(10), sendTimeout),
                "Switchboard", "no-reply@switchboard.local", "switchboard.local", "keyset", null,
                new NotificationProperties.Attachments("http://127.0.0.1:8083", org.springframework.util.unit.DataSize
                        .ofMegabytes(10), Duration.ofSeconds(10), Duration.ofSeconds(30)),
                new NotificationProperties.Sending(2, 2, sendTimeout.plusSeconds(60), Duration.ofSeconds(1),
                        Duration.ofSeconds(30), 100, new NotificationProperties.Retry(Duration.ofSeconds(30), 2.0,
                        Duration.ofMinutes(30), Duration.ofHours(8)), new NotificationProperties.Rate(100, 200), 2));
    }

    private static OutboundMail mail() {
        return new OutboundMail("ticket-ack:T1", "demo", "T1", TicketMail.PURPOSE, "Support",
                "support@demo.example", "help@demo.example", "Kim", RECIPIENT, "[T1] Printer", "text", "<p>text</p>",
                "<T1.ack@switchboard.local>", "auto-replied", null, List.of(), "correlation-1");
    }

    private static DeliveryService.Owed owed() {
        return new DeliveryService.Owed("ticket-ack:T1", "demo", "T1", TicketMail.PURPOSE,
                "dev.switchboard.events.ticket.TicketCreated", new byte[] {1, 2, 3}, EVENT_AT, "correlation-1");
    }

    /** A delivery due now and leased to nobody, as a retry is once its back-off has passed. */
    private void insertDue() {
        mongo.insert(sendingDocument().append("attempts", 0), Delivery.COLLECTION).block(WAIT);
    }

    private void insertSending(String owner, Instant leaseUntil) {
        mongo.insert(sendingDocument().append("owner", owner).append("leaseUntil", Date.from(leaseUntil))
                .append("attempts", 1).append("attemptStartedAt", new Date())
                .append("nextAttemptAt", Date.from(Instant.now().minusSeconds(5))), Delivery.COLLECTION).block(WAIT);
    }

    private static Document sendingDocument() {
        return new Document("_id", "ticket-ack:T1").append("serviceId", "demo").append("ticketId", "T1")
                .append("purpose", TicketMail.PURPOSE).append("recipient", "K***@Example.com")
                .append("messageId", "<T1.ack@switchboard.local>").append("status", "SENDING")
                .append("eventType", "dev.switchboard.events.ticket.TicketCreated")
                .append("event", new org.bson.types.Binary(new byte[] {1, 2, 3}))
                .append("nextAttemptAt", Date.from(Instant.now().minusSeconds(5)))
                .append("createdAt", new Date()).append("updatedAt", new Date()).append("pendingEvents", List.of());
    }

    private org.bson.Document rawDelivery() {
        return mongo.getCollection(Delivery.COLLECTION)
                .flatMap(collection -> Mono.from(collection.find(new org.bson.Document("_id", "ticket-ack:T1")).first()))
                .block(WAIT);
    }

    private Delivery delivery() {
        return mongo.findById("ticket-ack:T1", Delivery.class).block(WAIT);
    }

    /** A clock the test moves forward, so hours of back-off pass in milliseconds. */
    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
