package dev.switchboard.notification.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.mail.javamail.JavaMailSenderImpl;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.switchboard.notification.ScriptedSmtpServer;
import dev.switchboard.notification.config.NotificationProperties;
import dev.switchboard.platform.events.EventMetadataFactory;
import dev.switchboard.platform.events.EventSerde;
import dev.switchboard.platform.outbox.Outbox;
import dev.switchboard.platform.outbox.OutboxRelay;
import jakarta.mail.internet.MimeMessage;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The delivery log's leases against the Mongo wire server the local stack runs, sending to SMTP on 127.0.0.1. */
class DeliveryServiceTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String RECIPIENT = "Kim.Lee@Example.com";
    /** A recipient's address in clear: anything but the masked {@code K***} before the domain. */
    private static final Pattern CLEAR_ADDRESS = Pattern.compile("[A-Za-z0-9._%+-]+@example\\.com", Pattern.CASE_INSENSITIVE);

    private MongoServer mongoServer;
    private MongoClient client;
    private ReactiveMongoTemplate mongo;
    private GreenMail greenMail;
    private JavaMailSenderImpl relay;
    private final List<MailSendPool> pools = new ArrayList<>();
    private final OutboxRelay outboxRelay = mock(OutboxRelay.class);

    @BeforeEach
    void start() {
        mongoServer = new MongoServer(new MemoryBackend());
        client = MongoClients.create("mongodb://127.0.0.1:" + mongoServer.bind().getPort());
        mongo = new ReactiveMongoTemplate(client, "deliveries");
        greenMail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        greenMail.start();
        relay = relay(greenMail.getSmtp().getPort(), Duration.ofSeconds(10));
        when(outboxRelay.relay(any(), any())).thenReturn(Mono.empty());
    }

    @AfterEach
    void stop() {
        pools.forEach(MailSendPool::destroy);
        greenMail.stop();
        client.close();
        mongoServer.shutdownNow();
    }

    @Test
    void redeliveredEventSendsOneMailWithTheChosenMessageId() throws Exception {
        var service = service(Duration.ofSeconds(10));

        service.deliver(mail()).block(WAIT);
        service.deliver(mail()).block(WAIT);

        assertThat(greenMail.getReceivedMessages()).hasSize(1);
        assertThat(greenMail.getReceivedMessages()[0].getMessageID()).isEqualTo("<T1.ack@switchboard.local>");
        var delivery = delivery();
        assertThat(delivery.status()).isEqualTo(Delivery.Status.SENT);
        assertThat(delivery.attempts()).isEqualTo(1);
        assertThat(delivery.owner()).isEqualTo(service.owner());
        assertThat(delivery.attemptStartedAt()).isNotNull();
    }

    @Test
    void redeliveryWhileAnotherSenderHoldsTheLeaseSendsNothingAndAsksForARetry() {
        var until = Instant.now().plusSeconds(60);
        insertSending("other-pod/1234", until);

        assertThatThrownBy(() -> service(Duration.ofSeconds(10)).deliver(mail()).block(WAIT))
                .isInstanceOf(DeliveryLeasedException.class).hasMessageContaining("other-pod/1234");

        assertThat(greenMail.getReceivedMessages()).isEmpty();
        var delivery = delivery();
        assertThat(delivery.status()).isEqualTo(Delivery.Status.SENDING);
        assertThat(delivery.owner()).isEqualTo("other-pod/1234");
        assertThat(delivery.attempts()).isEqualTo(1);
    }

    @Test
    void leaseOfADeadSenderIsTakenOverByOneOfTwoRacingInstances() {
        insertSending("dead-pod/1234", Instant.now().minusSeconds(1));
        var first = service(Duration.ofSeconds(10));
        var second = service(Duration.ofSeconds(10));

        var leased = Flux.merge(attempt(first), attempt(second)).collectList().block(WAIT);

        assertThat(greenMail.getReceivedMessages()).hasSize(1);
        // the loser either found the lease just taken (and is retried) or the mail already sent
        assertThat(leased).hasSizeLessThanOrEqualTo(1);
        var delivery = delivery();
        assertThat(delivery.status()).isEqualTo(Delivery.Status.SENT);
        assertThat(delivery.attempts()).isEqualTo(2);
        assertThat(delivery.owner()).isIn(first.owner(), second.owner());
    }

    @Test
    void deliveryClaimedBeforeLeasesIsTakenOver() {
        mongo.insert(sendingDocument().append("attempts", 1), Delivery.COLLECTION).block(WAIT);

        service(Duration.ofSeconds(10)).deliver(mail()).block(WAIT);

        assertThat(greenMail.getReceivedMessages()).hasSize(1);
        assertThat(delivery().attempts()).isEqualTo(2);
    }

    @Test
    void aSenderThatDiedAtTheCommitPointIsTakenOverWithoutSendingAgain() {
        mongo.insert(sendingDocument().append("owner", "dead-instance").append("attempts", 1)
                .append("leaseUntil", Date.from(Instant.now().minusSeconds(1))).append("committingAttempt", 1),
                Delivery.COLLECTION).block(WAIT);

        service(Duration.ofSeconds(10)).deliver(mail()).block(WAIT);

        assertThat(greenMail.getReceivedMessages()).isEmpty();
        assertThat(delivery().status()).isEqualTo(Delivery.Status.SENT);
    }

    @Test
    void aSendRecordsItsCommitPointAndARefusalAfterItClearsTheMarker() throws Exception {
        var service = service(Duration.ofSeconds(10));
        service.deliver(mail()).block(WAIT);
        assertThat(greenMail.getReceivedMessages()).hasSize(1);
        assertThat(delivery().committingAttempt()).isEqualTo(1);
    }

    @Test
    void transientFailureGivesTheLeaseBackSoTheRetrySends() throws Exception {
        var service = service(Duration.ofSeconds(10));
        try (var deferring = new ScriptedSmtpServer(ScriptedSmtpServer.Script.DEFER_RECIPIENT)) {
            relay.setPort(deferring.port());
            assertThatThrownBy(() -> service.deliver(mail()).block(WAIT)).isInstanceOf(TransientDeliveryException.class);
        }
        var failed = delivery();
        assertThat(failed.status()).isEqualTo(Delivery.Status.SENDING);
        assertThat(failed.leaseUntil()).isBeforeOrEqualTo(Instant.now());
        assertThat(failed.lastError()).contains("K***@Example.com").doesNotContain(RECIPIENT);

        relay.setPort(greenMail.getSmtp().getPort());
        service.deliver(mail()).block(WAIT);

        assertThat(greenMail.getReceivedMessages()).hasSize(1);
        assertThat(delivery().status()).isEqualTo(Delivery.Status.SENT);
        assertThat(delivery().attempts()).isEqualTo(2);
    }

    @Test
    void rethrownTransientFailureNamesNoCustomerAddress() throws Exception {
        Throwable error;
        try (var deferring = new ScriptedSmtpServer(ScriptedSmtpServer.Script.DEFER_RECIPIENT)) {
            relay.setPort(deferring.port());
            error = catchThrowable(() -> service(Duration.ofSeconds(10)).deliver(mail()).block(WAIT));
        }

        assertThat(error).isInstanceOf(TransientDeliveryException.class)
                .hasMessageContaining("K***@Example.com").hasMessageContaining("SMTP 451");
        for (Throwable t : everyThrowable(error)) {
            assertThat(t.toString()).doesNotContainIgnoringCase(RECIPIENT).doesNotContainPattern(CLEAR_ADDRESS);
        }
    }

    @Test
    void sendToAStalledServerIsCutOffAtTheSendTimeout() throws Exception {
        // each read may take 30 s: only the whole-send bound can end this within the test's 10 s
        relay = relay(greenMail.getSmtp().getPort(), Duration.ofSeconds(30));
        var service = service(Duration.ofSeconds(1));
        try (var silent = new ScriptedSmtpServer(ScriptedSmtpServer.Script.SILENT)) {
            relay.setPort(silent.port());

            var error = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> catchThrowable(() -> service.deliver(mail()).block(WAIT)));

            assertThat(error).isInstanceOf(TransientDeliveryException.class).hasMessageContaining("cut off");
            // the send really ended: its socket is closed, so the lease given back is safe to take
            await().atMost(Duration.ofSeconds(5)).until(() -> silent.closedByClient() == 1);
        }
        assertThat(delivery().leaseUntil()).isBeforeOrEqualTo(Instant.now());
    }

    @Test
    void messagesUseTheRelaysMimeTypeMapInsteadOfLoadingOneEach() throws Exception {
        var service = service(Duration.ofSeconds(10));

        var helper = service.helper(new MimeMessage(relay.getSession()));

        assertThat(helper.getFileTypeMap()).isSameAs(relay.getDefaultFileTypeMap());
    }

    private Mono<DeliveryLeasedException> attempt(DeliveryService service) {
        return service.deliver(mail()).then(Mono.<DeliveryLeasedException>empty())
                .onErrorResume(DeliveryLeasedException.class, Mono::just);
    }

    private static List<Throwable> everyThrowable(Throwable error) {
        List<Throwable> all = new ArrayList<>();
        for (Throwable t = error; t != null && !all.contains(t); t = t.getCause()) {
            all.add(t);
            all.addAll(List.of(t.getSuppressed()));
        }
        return all;
    }

    private DeliveryService service(Duration sendTimeout) {
        var properties = properties(sendTimeout);
        var pool = new MailSendPool(properties);
        pools.add(pool);
        return new DeliveryService(mongo, relay, new EventMetadataFactory("notification-service", Clock.systemUTC()),
                new Outbox(new EventSerde()), outboxRelay, pool, properties);
    }

    static NotificationProperties properties(Duration sendTimeout) {
        return new NotificationProperties(
                new NotificationProperties.Relay("127.0.0.1", 25, null, null, false, Duration.ofSeconds(5),
                        Duration.ofSeconds(10), Duration.ofSeconds(10), sendTimeout),
                "Switchboard", "no-reply@switchboard.local", "switchboard.local", "keyset",
                new NotificationProperties.Attachments("http://127.0.0.1:8083", org.springframework.util.unit.DataSize
                        .ofMegabytes(10), Duration.ofSeconds(10), Duration.ofSeconds(30)),
                new NotificationProperties.Sending(2, sendTimeout.plusSeconds(30)));
    }

    private static JavaMailSenderImpl relay(int port, Duration readTimeout) {
        var relay = new JavaMailSenderImpl();
        relay.setHost("127.0.0.1");
        relay.setPort(port);
        relay.setDefaultEncoding("UTF-8");
        var smtp = new Properties();
        smtp.put("mail.smtp.connectiontimeout", "5000");
        smtp.put("mail.smtp.timeout", String.valueOf(readTimeout.toMillis()));
        smtp.put("mail.smtp.writetimeout", String.valueOf(readTimeout.toMillis()));
        relay.setJavaMailProperties(smtp);
        return relay;
    }

    private static OutboundMail mail() {
        return new OutboundMail("ticket-ack:T1", "demo", "T1", TicketAcknowledgements.PURPOSE, "Support",
                "support@demo.example", "Kim", RECIPIENT, "[T1] Printer", "text", "<p>text</p>",
                "<T1.ack@switchboard.local>", "auto-replied", null, List.of(), "correlation-1");
    }

    private void insertSending(String owner, Instant leaseUntil) {
        mongo.insert(sendingDocument().append("owner", owner).append("leaseUntil", Date.from(leaseUntil))
                .append("attempts", 1).append("attemptStartedAt", new Date()), Delivery.COLLECTION).block(WAIT);
    }

    private static Document sendingDocument() {
        return new Document("_id", "ticket-ack:T1").append("serviceId", "demo").append("ticketId", "T1")
                .append("purpose", TicketAcknowledgements.PURPOSE).append("recipient", "K***@Example.com")
                .append("messageId", "<T1.ack@switchboard.local>").append("status", "SENDING")
                .append("createdAt", new Date()).append("updatedAt", new Date()).append("pendingEvents", List.of());
    }

    private Delivery delivery() {
        return mongo.findById("ticket-ack:T1", Delivery.class).block(WAIT);
    }
}
