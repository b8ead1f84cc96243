package dev.switchboard.notification.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.switchboard.notification.ScriptedSmtpServer;
import dev.switchboard.notification.config.NotificationProperties;
import dev.switchboard.platform.events.EventMetadataFactory;
import dev.switchboard.platform.events.EventPublisher;
import dev.switchboard.platform.events.EventSerde;
import dev.switchboard.platform.outbox.Outbox;
import dev.switchboard.platform.outbox.OutboxRelay;
import jakarta.mail.Session;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** The dispatcher against the Mongo wire server and SMTP servers on 127.0.0.1: tenants do not hold each other up. */
class MailDispatcherTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private MongoServer mongoServer;
    private MongoClient client;
    private ReactiveMongoTemplate mongo;
    private GreenMail greenMail;
    private ScriptedSmtpServer stalled;
    private final List<MailSendPool> sendPools = new ArrayList<>();
    private MailDispatcher dispatcher;
    private final OutboxRelay outboxRelay = mock(OutboxRelay.class);
    private final EventPublisher publisher = mock(EventPublisher.class);
    private final TicketMail tickets = mock(TicketMail.class);
    private final MailTransports transports = mock(MailTransports.class);
    private SmtpPool fastPool;
    private SmtpPool slowPool;

    @BeforeEach
    void start() throws Exception {
        mongoServer = new MongoServer(new MemoryBackend());
        client = MongoClients.create("mongodb://127.0.0.1:" + mongoServer.bind().getPort());
        mongo = new ReactiveMongoTemplate(client, "deliveries");
        greenMail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        greenMail.start();
        stalled = new ScriptedSmtpServer(ScriptedSmtpServer.Script.SILENT);
        var smtp = new Properties();
        smtp.put("mail.smtp.connectiontimeout", "5000");
        smtp.put("mail.smtp.timeout", "30000");
        smtp.put("mail.smtp.quitwait", "false");
        var session = Session.getInstance(smtp);
        fastPool = new SmtpPool(session, false, "127.0.0.1", greenMail.getSmtp().getPort(), null, null, 2,
                Duration.ofSeconds(30), 100);
        slowPool = new SmtpPool(session, false, "127.0.0.1", stalled.port(), null, null, 2, Duration.ofSeconds(30), 100);
        when(transports.transportFor(eq("fast"))).thenReturn(Mono.just(new MailTransport(MailTransport.TENANT, fastPool)));
        when(transports.transportFor(eq("slow"))).thenReturn(Mono.just(new MailTransport(MailTransport.TENANT, slowPool)));
        when(outboxRelay.relay(any(), any())).thenReturn(Mono.empty());
        when(publisher.publish(any(), any())).thenReturn(Mono.empty());
        when(tickets.render(any())).thenAnswer(call -> {
            Delivery delivery = call.getArgument(0);
            return Mono.just(new OutboundMail(delivery.deliveryId(), delivery.serviceId(), delivery.ticketId(),
                    TicketMail.PURPOSE, "Support", "support@" + delivery.serviceId() + ".example", null, "Kim",
                    delivery.ticketId() + "@customer.example", "[" + delivery.ticketId() + "] hello", "text",
                    "<p>text</p>", "<" + delivery.ticketId() + ".ack@switchboard.local>", "auto-replied", null,
                    List.of(), "c"));
        });
    }

    @AfterEach
    void stop() throws Exception {
        if (dispatcher != null) {
            dispatcher.stop();
        }
        if (other != null) {
            other.stop();
        }
        sendPools.forEach(MailSendPool::destroy);
        fastPool.close();
        slowPool.close();
        stalled.close();
        greenMail.stop();
        client.close();
        mongoServer.shutdownNow();
    }

    @Test
    void aTenantWhoseServerStallsDoesNotDelayAnotherTenantsMail() {
        dispatcher = dispatcher(new NotificationProperties.Rate(1000, 1000));
        for (int i = 0; i < 6; i++) {
            enqueue("slow", "S" + i);
        }
        for (int i = 0; i < 20; i++) {
            enqueue("fast", "F" + i);
        }

        // the slow tenant holds its two senders (perTenantConcurrency) for the send timeout; the other two send
        await().atMost(Duration.ofSeconds(15)).until(() -> greenMail.getReceivedMessages().length == 20);
        assertThat(mongo.count(Query.query(Criteria.where("serviceId").is("slow").and("status").is("SENT")),
                Delivery.class).block(WAIT)).isZero();
    }

    @Test
    void aSenderAndItsTenantsShareAreFreeOnceTheServerIsDoneWhileOutcomesAreRecordedUpToABound() {
        // attempts whose server is done at once and whose recording waits until the test lets it finish
        var recorded = Sinks.<Void>empty();
        var attempts = new CopyOnWriteArrayList<Delivery>();
        var deliveries = mock(DeliveryService.class);
        when(deliveries.attempt(any(), any())).thenAnswer(call -> {
            attempts.add(call.getArgument(0));
            call.<Runnable>getArgument(1).run();
            return recorded.asMono();
        });
        dispatcher = new MailDispatcher(claimingNothing(deliveries), mongo, senders(4, 2, 16));
        dispatcher.start();
        int bound = 4 * MailDispatcher.RECORDING_PER_SENDER;
        for (int i = 0; i < bound + 4; i++) {
            dispatcher.offer(leased("fast", "D" + i));
        }

        // four senders, the tenant's share two, yet sixteen attempts: each freed its sender and share when its
        // server was done; the rest wait until outcomes being recorded are fewer than the bound
        await().atMost(Duration.ofSeconds(10)).until(() -> attempts.size() == bound);
        assertThat(dispatcher.inFlight()).isZero();
        assertThat(dispatcher.recording()).isEqualTo(bound);
        recorded.tryEmitEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> attempts.size() == bound + 4);
        await().atMost(Duration.ofSeconds(10)).until(() -> dispatcher.recording() == 0);
    }

    @Test
    void answersWhichMayCarryFilesHaveTheirOwnShareOfTheSendersAndAcknowledgementsGoOnBesideThem() {
        // answers stay under way until the test lets them end; acknowledgements end at once
        var answersEnd = Sinks.<Void>empty();
        var attempts = new CopyOnWriteArrayList<Delivery>();
        var deliveries = mock(DeliveryService.class);
        when(deliveries.attempt(any(), any())).thenAnswer(call -> {
            Delivery delivery = call.getArgument(0);
            attempts.add(delivery);
            return TicketMail.ANSWER.equals(delivery.purpose()) ? answersEnd.asMono() : Mono.empty();
        });
        dispatcher = new MailDispatcher(claimingNothing(deliveries), mongo, senders(8, 8, 2));
        dispatcher.start();
        for (int i = 0; i < 4; i++) {
            dispatcher.offer(leased("t", "A" + i, TicketMail.ANSWER));
        }
        for (int i = 0; i < 4; i++) {
            dispatcher.offer(leased("t", "K" + i));
        }

        // two answers at most, and the acknowledgements behind the waiting answers are not held up by them
        await().atMost(Duration.ofSeconds(10)).until(() -> attempts.stream()
                .filter(d -> TicketMail.PURPOSE.equals(d.purpose())).count() == 4);
        assertThat(attempts.stream().filter(d -> TicketMail.ANSWER.equals(d.purpose()))).hasSize(2);
        assertThat(dispatcher.answers()).isEqualTo(2);
        answersEnd.tryEmitEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> attempts.size() == 8);
        await().atMost(Duration.ofSeconds(10)).until(() -> dispatcher.answers() == 0 && dispatcher.inFlight() == 0);
    }

    @Test
    void anAttemptThatReachesNoServerFreesItsSenderWhenItEnds() {
        var attempts = new CopyOnWriteArrayList<Delivery>();
        var deliveries = mock(DeliveryService.class);
        when(deliveries.attempt(any(), any())).thenAnswer(call -> {
            attempts.add(call.getArgument(0));
            return Mono.empty(); // rendered nothing, recorded as failed: no server involved
        });
        dispatcher = new MailDispatcher(claimingNothing(deliveries), mongo, senders(1, 1, 16));
        dispatcher.start();
        for (int i = 0; i < 5; i++) {
            dispatcher.offer(leased("fast", "N" + i));
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> attempts.size() == 5);
        await().atMost(Duration.ofSeconds(10)).until(() -> dispatcher.inFlight() == 0);
        assertThat(dispatcher.recording()).isZero();
    }

    @Test
    void aTenantOverItsRateIsHeldBackNotFailedAndEveryMailGoesOutOnce() {
        dispatcher = dispatcher(new NotificationProperties.Rate(10, 2));
        for (int i = 0; i < 12; i++) {
            enqueue("fast", "R" + i);
        }

        await().atMost(Duration.ofSeconds(15)).until(() -> greenMail.getReceivedMessages().length == 12);
        // the server has each mail a moment before its outcome is recorded
        await().atMost(Duration.ofSeconds(15)).until(() -> sentCount() == 12);
        var sent = mongo.find(Query.query(Criteria.where("status").is("SENT")), Delivery.class).collectList().block(WAIT);
        assertThat(sent).hasSize(12).allSatisfy(delivery -> assertThat(delivery.attempts()).isEqualTo(1));
    }

    @Test
    void mailThatWaitedLongForItsTenantsRateStillGetsItsWholeSendTime() {
        // one a second: the last of 13 waits 12 s, longer than the 3 s a send may take from its claim
        dispatcher = dispatcher(new NotificationProperties.Rate(1, 1));
        for (int i = 0; i < 13; i++) {
            enqueue("fast", "W" + i);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> greenMail.getReceivedMessages().length == 13);
        await().atMost(Duration.ofSeconds(15)).until(() -> sentCount() == 13);
        var sent = mongo.find(Query.query(Criteria.where("status").is("SENT")), Delivery.class).collectList().block(WAIT);
        assertThat(sent).hasSize(13).allSatisfy(delivery -> assertThat(delivery.attempts()).isEqualTo(1));
    }

    @Test
    void aRetryThatComesDueIsSentByThePoll() {
        dispatcher = dispatcher(new NotificationProperties.Rate(1000, 1000));
        // due in the log and leased to nobody, as a retry is once its back-off has passed
        deliveries.giveBack(List.of(deliveries.enqueue(owed("fast", "P1")).block(WAIT))).block(WAIT);
        // not offered: only the periodic look finds it
        await().atMost(Duration.ofSeconds(10)).until(() -> greenMail.getReceivedMessages().length == 1);
    }

    @Test
    void twoInstancesSendEveryMailOnceWhicheverEnqueuedOrClaimsIt() {
        // the dispatchers' index, made before any write: the test server's insert is not safe against a concurrent
        // createIndex (ConcurrentModificationException in mongo-java-server's addDocument), MongoDB's is
        mongo.indexOps(Delivery.class).createIndex(new org.springframework.data.mongodb.core.index.Index()
                .on("status", org.springframework.data.domain.Sort.Direction.ASC)
                .on("nextAttemptAt", org.springframework.data.domain.Sort.Direction.ASC).named("due")).block(WAIT);
        dispatcher = dispatcher(new NotificationProperties.Rate(1000, 1000));
        var first = deliveries;
        other = dispatcher(new NotificationProperties.Rate(1000, 1000));
        var second = deliveries;
        for (int i = 0; i < 40; i++) {
            var owed = owed("fast", "T" + i);
            if (i % 4 == 3) {
                // given back at once, as by an instance stopping: due in the log for either instance's poll
                first.giveBack(List.of(first.enqueue(owed).block(WAIT))).block(WAIT);
            } else {
                (i % 2 == 0 ? dispatcher : other).offer((i % 2 == 0 ? first : second).enqueue(owed).block(WAIT));
            }
        }

        await().atMost(Duration.ofSeconds(15)).until(() -> greenMail.getReceivedMessages().length >= 40);
        await().atMost(Duration.ofSeconds(15)).until(() -> sentCount() >= 40);
        var sent = mongo.find(Query.query(Criteria.where("status").is("SENT")), Delivery.class).collectList().block(WAIT);
        assertThat(sent).hasSize(40);
        assertThat(greenMail.getReceivedMessages()).hasSize(40);
    }

    private long sentCount() {
        return mongo.count(Query.query(Criteria.where("status").is("SENT")), Delivery.class).block(WAIT);
    }

    private void enqueue(String tenant, String ticketId) {
        dispatcher.offer(deliveries.enqueue(owed(tenant, ticketId)).block(WAIT));
    }

    /** The mocked queue finds nothing due in the log and takes back what is given back. */
    private static DeliveryService claimingNothing(DeliveryService deliveries) {
        when(deliveries.claimNext(any())).thenReturn(Mono.empty());
        when(deliveries.giveBack(any())).thenReturn(Mono.empty());
        return deliveries;
    }

    /** Senders, a tenant's share of them and those on answers; no rate to speak of, a poll that never comes. */
    private static NotificationProperties senders(int concurrency, int perTenant, int answers) {
        var base = DeliveryServiceTest.properties(Duration.ofSeconds(3));
        return new NotificationProperties(base.relay(), base.defaultFromName(), base.defaultFromMail(),
                base.messageIdDomain(), base.contactKey(), base.contactKeyset(), base.attachments(),
                new NotificationProperties.Sending(concurrency, perTenant, base.sending().lease(), Duration.ofMinutes(10),
                        base.sending().connectionIdleTimeout(), 100, base.sending().retry(),
                        new NotificationProperties.Rate(1000, 1000), answers));
    }

    /** A new delivery as {@link DeliveryService#enqueue} hands it over: leased to this instance, attempt 1. */
    private static Delivery leased(String tenant, String ticketId) {
        return leased(tenant, ticketId, TicketMail.PURPOSE);
    }

    private static Delivery leased(String tenant, String ticketId, String purpose) {
        var now = Instant.now();
        return new Delivery(purpose + ":" + ticketId, tenant, ticketId, purpose, null, null,
                Delivery.Status.SENDING, "dev.switchboard.events.ticket.TicketCreated", new byte[] {1}, now, "c", now,
                "me", now.plusSeconds(120), 1, now, null, null, null, now, now, null, List.of());
    }

    private static DeliveryService.Owed owed(String tenant, String ticketId) {
        return new DeliveryService.Owed("ticket-ack:" + ticketId, tenant, ticketId, TicketMail.PURPOSE,
                "dev.switchboard.events.ticket.TicketCreated", new byte[] {1}, Instant.now(), "c");
    }

    private DeliveryService deliveries;
    private MailDispatcher other;

    private MailDispatcher dispatcher(NotificationProperties.Rate rate) {
        var base = DeliveryServiceTest.properties(Duration.ofSeconds(3));
        var sending = base.sending();
        var properties = new NotificationProperties(base.relay(), base.defaultFromName(), base.defaultFromMail(),
                base.messageIdDomain(), base.contactKey(), base.contactKeyset(), base.attachments(),
                new NotificationProperties.Sending(4, 2, sending.lease(), Duration.ofMillis(500),
                        sending.connectionIdleTimeout(), 100, sending.retry(), rate, 2));
        var sendPool = new MailSendPool(properties);
        sendPools.add(sendPool);
        deliveries = new DeliveryService(mongo, transports, tickets, mock(AdministratorNotices.class),
                new EventMetadataFactory("notification-service", Clock.systemUTC()), new Outbox(new EventSerde()),
                outboxRelay, publisher, sendPool, properties, Clock.systemUTC());
        var started = new MailDispatcher(deliveries, mongo, properties);
        started.start();
        return started;
    }
}
