package dev.switchboard.account.inbound;

import static dev.switchboard.account.inbound.MessageSamples.base64;
import static dev.switchboard.account.inbound.MessageSamples.message;
import static dev.switchboard.account.inbound.MessageSamples.simple;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.doCallRealMethod;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import org.apache.avro.AvroRuntimeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.MediaType;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.switchboard.events.inbound.InboundAttachment;
import dev.switchboard.events.inbound.InboundEmailReceived;
import dev.switchboard.platform.crypto.HybridSeal;
import dev.switchboard.platform.crypto.Keysets;
import dev.switchboard.platform.edge.EdgeProperties;
import dev.switchboard.platform.edge.EdgeToken;
import dev.switchboard.platform.edge.EdgeTrustFilter;
import dev.switchboard.platform.events.EventMetadataFactory;
import dev.switchboard.platform.events.EventSerde;
import dev.switchboard.platform.outbox.Outbox;
import dev.switchboard.platform.outbox.OutboxRelay;
import dev.switchboard.platform.web.NhnApiException;
import dev.switchboard.platform.web.NhnResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * From fetched message to recorded outcome, against the Mongo wire server the local stack runs and a small HTTP
 * server standing in for attachment-service (checking the edge token as attachment-service does); the outbox
 * relay is a stand-in, the ITs use the real one with Kafka.
 */
class InboundMessagesTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String TENANT = "t1";
    private static final String MAILBOX = TENANT + ":1";

    /** One file attachment-service stored. */
    record Upload(String serviceId, String fileName, String contentType, byte[] content) {
    }

    private final MongoServer mongoServer = new MongoServer(new MemoryBackend());
    private final MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + mongoServer.bind().getPort());
    private final ReactiveMongoTemplate mongo = new ReactiveMongoTemplate(client, "inbound-test");
    private final EdgeProperties edge = new EdgeProperties(Base64.getEncoder().encodeToString(new byte[32]),
            Duration.ofSeconds(60));
    private final List<Upload> uploads = new CopyOnWriteArrayList<>();
    private final AtomicBoolean attachmentsFailing = new AtomicBoolean();
    private final AtomicInteger ids = new AtomicInteger();
    private final DisposableServer attachments = attachmentService();
    private final Keysets.KeyPair ticketKeys = Keysets.newKeyPair();
    private final OutboxRelay relay = mock(OutboxRelay.class);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final EventSerde serde = new EventSerde();
    private final AtomicInteger uids = new AtomicInteger();

    {
        when(relay.relay(anyString(), any())).thenReturn(Mono.empty());
        when(relay.relayAndWait(anyString(), any())).thenReturn(Mono.empty());
        // the real write-then-relay, over the stubbed relay
        when(relay.writeThenRelay(any(), any(), any())).thenCallRealMethod();
    }

    @AfterEach
    void stop() {
        attachments.disposeNow();
        client.close();
        mongoServer.shutdownNow();
    }

    private InboundMessages messages(String... overrides) {
        return messages(seal -> seal, overrides);
    }

    private InboundMessages messages(UnaryOperator<EnvelopeSeal> sealing, String... overrides) {
        String[] all = new String[overrides.length + 4];
        all[0] = "attachments-base-url";
        all[1] = "http://127.0.0.1:" + attachments.port();
        all[2] = "ticket-public-keyset";
        all[3] = ticketKeys.publicKeyset();
        System.arraycopy(overrides, 0, all, 4, overrides.length);
        InboundProperties properties = MessageSamples.properties(all);
        var inbound = new InboundMessages(mongo, new MessageParser(properties), new NoiseFilter(properties),
                new InboundParts(properties, edge), sealing.apply(new InboundSealConfig().envelopeSeal(properties)),
                new EventMetadataFactory("account-service", Clock.systemUTC()), new Outbox(serde), relay, meters,
                properties);
        inbound.afterPropertiesSet();
        return inbound;
    }

    private FetchedMessage fetched(long uidValidity, byte[] raw) {
        return new FetchedMessage(TENANT, MAILBOX, 1, "support@tenant.example", uidValidity, uids.incrementAndGet(),
                raw, Instant.now());
    }

    private InboundOutcome.Kind accept(InboundMessages inbound, FetchedMessage message) {
        return inbound.accept(message).block(WAIT).kind();
    }

    private InboundMessage stored(FetchedMessage message) {
        return mongo.findById(message.key(), InboundMessage.class).block(WAIT);
    }

    private InboundEmailReceived event(FetchedMessage message) {
        var pending = stored(message).pendingEvents();
        assertThat(pending).hasSize(1);
        return (InboundEmailReceived) serde.decode(pending.getFirst().type(), pending.getFirst().payload());
    }

    private long recorded() {
        return mongo.count(new Query(), InboundMessage.class).block(WAIT);
    }

    @Test
    void theSameMessageFetchedTwiceIsPublishedOnceWithOneEvent() {
        var inbound = messages();
        var message = fetched(7, simple("Customer <customer@example.com>", "<1@example.com>", "Where is my order?"));

        assertThat(accept(inbound, message)).isEqualTo(InboundOutcome.Kind.PUBLISHED);
        assertThat(accept(inbound, message)).isEqualTo(InboundOutcome.Kind.DUPLICATE);

        assertThat(recorded()).isEqualTo(1);
        var event = event(message);
        assertThat(event.getMailboxId()).isEqualTo(MAILBOX);
        assertThat(event.getAccountId()).isEqualTo(1);
        assertThat(event.getUidValidity()).isEqualTo(7);
        assertThat(event.getUid()).isEqualTo(message.uid());
        assertThat(event.getSubject()).isEqualTo("Where is my order?");
        assertThat(event.getTextBody()).isEqualTo("Hello, my order has not arrived.\r\n");
        assertThat(event.getMessageId()).isEqualTo("<1@example.com>");
        assertThat(event.getSenderDomain()).isEqualTo("example.com");
        assertThat(event.getMetadata().getServiceId()).isEqualTo(TENANT);
        assertThat(stored(message).pendingEvents().getFirst().key()).isEqualTo(MAILBOX);
        verify(relay, times(1)).relay(InboundMessage.COLLECTION, message.key());
    }

    @Test
    void aMessageIdAlreadyImportedIsADuplicateUnderANewUidValidity() {
        var inbound = messages();
        byte[] raw = simple("customer@example.com", "<same@example.com>", "Hello");
        var first = fetched(7, raw);
        var reread = new FetchedMessage(TENANT, MAILBOX, 1, "support@tenant.example", 8, first.uid(), raw,
                Instant.now());

        assertThat(accept(inbound, first)).isEqualTo(InboundOutcome.Kind.PUBLISHED);
        assertThat(inbound.accept(reread).block(WAIT))
                .isEqualTo(new InboundOutcome(InboundOutcome.Kind.DUPLICATE, "the Message-ID was imported before"));

        assertThat(stored(reread).pendingEvents()).isEmpty();
        assertThat(stored(reread).status()).isEqualTo(InboundMessage.Status.DUPLICATE);
        // and fetching the re-read message yet again changes nothing
        assertThat(accept(inbound, reread)).isEqualTo(InboundOutcome.Kind.DUPLICATE);
        assertThat(recorded()).isEqualTo(2);
    }

    @Test
    void messagesWithoutMessageIdAreEachPublished() {
        var inbound = messages();
        assertThat(accept(inbound, fetched(7, simple("a@example.com", null, "one")))).isEqualTo(InboundOutcome.Kind.PUBLISHED);
        assertThat(accept(inbound, fetched(7, simple("a@example.com", null, "two")))).isEqualTo(InboundOutcome.Kind.PUBLISHED);
        assertThat(accept(inbound, fetched(7, simple("a@example.com", "<x@example.com>", "three"))))
                .isEqualTo(InboundOutcome.Kind.PUBLISHED);
    }

    @Test
    void twoCopiesOfOneMessageIdArrivingTogetherMakeOnePublication() {
        var inbound = messages();
        byte[] raw = simple("customer@example.com", "<raced@example.com>", "Hello");
        var kinds = Flux.range(0, 6)
                .map(i -> fetched(7, raw))
                .flatMap(message -> inbound.accept(message).subscribeOn(Schedulers.parallel()))
                .map(InboundOutcome::kind)
                .collectList().block(WAIT);

        assertThat(kinds).containsOnlyOnce(InboundOutcome.Kind.PUBLISHED)
                .filteredOn(kind -> kind == InboundOutcome.Kind.DUPLICATE).hasSize(5);
    }

    @Test
    void anUnparseableMessageIsSetAsideAndTheNextIsStillPublished() {
        var inbound = messages();
        var broken = fetched(7, "\u0000\u0001 not a message".getBytes(StandardCharsets.ISO_8859_1));
        var next = fetched(7, simple("customer@example.com", "<next@example.com>", "Next"));

        var outcome = inbound.accept(broken).block(WAIT);
        assertThat(outcome.kind()).isEqualTo(InboundOutcome.Kind.SET_ASIDE);
        assertThat(outcome.reason()).contains("cannot be read").contains("sender");
        assertThat(accept(inbound, next)).isEqualTo(InboundOutcome.Kind.PUBLISHED);
        assertThat(accept(inbound, broken)).isEqualTo(InboundOutcome.Kind.DUPLICATE);
        assertThat(meters.counter(InboundMessages.SET_ASIDE_METRIC, "reason", "unparseable").count()).isEqualTo(1);
    }

    @Test
    void aMessageThatCannotBeStoredIsSetAsideAndTheNextIsStillPublished() {
        var inbound = messages(seal -> {
            EnvelopeSeal failingOnce = spy(seal);
            doThrow(new AvroRuntimeException("cannot encode")).doCallRealMethod().when(failingOnce).seal(any(), any());
            return failingOnce;
        });
        var unstorable = fetched(7, simple("customer@example.com", "<first@example.com>", "First"));
        var next = fetched(7, simple("customer@example.com", "<next@example.com>", "Next"));

        var outcome = inbound.accept(unstorable).block(WAIT);

        assertThat(outcome.kind()).isEqualTo(InboundOutcome.Kind.SET_ASIDE);
        assertThat(outcome.reason()).contains("cannot be stored (AvroRuntimeException)");
        assertThat(accept(inbound, next)).isEqualTo(InboundOutcome.Kind.PUBLISHED);
    }

    @Test
    void sizesInReasonsReadAsTheyWereConfigured() {
        assertThat(InboundParts.shown(org.springframework.util.unit.DataSize.ofMegabytes(25))).isEqualTo("25MB");
        assertThat(InboundParts.shown(org.springframework.util.unit.DataSize.ofKilobytes(1536))).isEqualTo("1536KB");
        assertThat(InboundParts.shown(org.springframework.util.unit.DataSize.ofBytes(100))).isEqualTo("100B");
    }

    @Test
    void transientTroubleIsToldApartFromTheMessagesOwn() {
        assertThat(InboundMessages.transientFailure(new DataAccessResourceFailureException("down"))).isTrue();
        assertThat(InboundMessages.transientFailure(new java.util.concurrent.TimeoutException())).isTrue();
        assertThat(InboundMessages.transientFailure(new InboundParts.UploadFailedException("403", null))).isTrue();
        assertThat(InboundMessages.transientFailure(new DataIntegrityViolationException("too large"))).isFalse();
        assertThat(InboundMessages.transientFailure(new AvroRuntimeException("x"))).isFalse();
    }

    @Test
    void aMessageTooLargeToDownloadIsSetAside() {
        var outcome = messages().accept(fetched(7, null)).block(WAIT);
        assertThat(outcome.kind()).isEqualTo(InboundOutcome.Kind.SET_ASIDE);
        assertThat(outcome.reason()).contains("larger than 25MB");
    }

    @Test
    void automaticMailIsIgnoredWithItsReasonCountedAndNothingUploaded() {
        var inbound = messages();
        var autoReply = fetched(7, message(
                "From: customer@example.com",
                "Subject: Out of office",
                "Auto-Submitted: auto-replied",
                "Content-Type: multipart/mixed; boundary=m",
                "",
                "--m",
                "Content-Type: text/plain",
                "",
                "I am away",
                "--m",
                "Content-Type: application/pdf; name=a.pdf",
                "",
                "%PDF-1.4",
                "--m--"));

        var outcome = inbound.accept(autoReply).block(WAIT);

        assertThat(outcome).isEqualTo(new InboundOutcome(InboundOutcome.Kind.IGNORED, "auto-submitted: auto-replied"));
        assertThat(stored(autoReply).pendingEvents()).isEmpty();
        assertThat(stored(autoReply).subject()).isEqualTo("Out of office");
        assertThat(uploads).isEmpty();
        assertThat(meters.counter(InboundMessages.IGNORED_METRIC, "reason", "auto-submitted").count()).isEqualTo(1);
        verify(relay, never()).relay(anyString(), any());
    }

    @Test
    void aSenderOverItsRateIsIgnoredAndOthersAreNot() {
        var inbound = messages("sender-rate-per-hour", "2");
        assertThat(accept(inbound, fetched(7, simple("flood@example.com", "<1@example.com>", "1")))).isEqualTo(InboundOutcome.Kind.PUBLISHED);
        assertThat(accept(inbound, fetched(7, simple("flood@example.com", "<2@example.com>", "2")))).isEqualTo(InboundOutcome.Kind.PUBLISHED);
        var third = fetched(7, simple("flood@example.com", "<3@example.com>", "3"));
        assertThat(accept(inbound, third)).isEqualTo(InboundOutcome.Kind.IGNORED);
        assertThat(stored(third).reason()).startsWith("rate-limit");
        assertThat(accept(inbound, fetched(7, simple("calm@example.com", "<4@example.com>", "4")))).isEqualTo(InboundOutcome.Kind.PUBLISHED);
        assertThat(meters.counter(InboundMessages.IGNORED_METRIC, "reason", "rate-limit").count()).isEqualTo(1);
    }

    @Test
    void partsAreUploadedForTheTenantAndRefusedOrOversizePartsAreNamedInstead() {
        var inbound = messages("max-attachment-size", "1KB");
        var mail = fetched(7, message(
                "From: customer@example.com",
                "Subject: files",
                "Message-ID: <files@example.com>",
                "Content-Type: multipart/mixed; boundary=m",
                "",
                "--m",
                "Content-Type: multipart/related; boundary=r",
                "",
                "--r",
                "Content-Type: text/html; charset=utf-8",
                "",
                "<p>see <img src=\"cid:logo\"></p>",
                "--r",
                "Content-Type: image/png",
                "Content-ID: <logo>",
                "Content-Disposition: inline",
                "Content-Transfer-Encoding: base64",
                "",
                "iVBORw0KGgo=",
                "--r--",
                "--m",
                "Content-Type: application/pdf",
                "Content-Disposition: attachment; filename*=UTF-8''%EA%B2%AC%EC%A0%81%EC%84%9C.pdf",
                "",
                "%PDF-1.4",
                "--m",
                "Content-Type: application/octet-stream",
                "Content-Disposition: attachment; filename=tool.exe",
                "",
                "MZ",
                "--m",
                "Content-Type: application/pdf",
                "Content-Disposition: attachment; filename=big.pdf",
                "Content-Transfer-Encoding: base64",
                "",
                base64(new byte[2048]),
                "--m--"));

        assertThat(accept(inbound, mail)).isEqualTo(InboundOutcome.Kind.PUBLISHED);

        var event = event(mail);
        assertThat(event.getAttachments()).extracting(InboundAttachment::getFileName, InboundAttachment::getContentId,
                        InboundAttachment::getInline)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("attachment-1.png", "logo", true),
                        org.assertj.core.groups.Tuple.tuple("견적서.pdf", null, false));
        assertThat(event.getSkippedParts()).containsExactly("tool.exe: This file format cannot be attached.",
                "big.pdf: larger than 1KB");
        assertThat(event.getHtmlBody()).contains("<img src=\"cid:logo\">");
        assertThat(uploads).extracting(Upload::serviceId).containsOnly(TENANT);
        assertThat(uploads).extracting(Upload::fileName).containsExactly("attachment-1.png", "견적서.pdf", "tool.exe");
        assertThat(uploads.get(1).content()).isEqualTo("%PDF-1.4".getBytes(StandardCharsets.US_ASCII));
        assertThat(event.getAttachments()).extracting(InboundAttachment::getAttachmentId)
                .containsExactly("att-1", "att-2");
    }

    @Test
    void attachmentServiceUnavailableFailsTheMessageWithNothingRecordedUntilItIsBack() {
        var inbound = messages("sender-rate-per-hour", "1");
        var mail = fetched(7, message(
                "From: customer@example.com",
                "Subject: file",
                "Content-Type: multipart/mixed; boundary=m",
                "",
                "--m",
                "Content-Type: text/plain",
                "",
                "see file",
                "--m",
                "Content-Type: application/pdf; name=a.pdf",
                "",
                "%PDF-1.4",
                "--m--"));
        attachmentsFailing.set(true);

        assertThatThrownBy(() -> inbound.accept(mail).block(WAIT)).isNotNull();
        assertThat(recorded()).isZero();

        attachmentsFailing.set(false);
        // the failed attempt gave the sender's allowance back: the retry is published
        assertThat(accept(inbound, mail)).isEqualTo(InboundOutcome.Kind.PUBLISHED);
        assertThat(event(mail).getAttachments()).hasSize(1);
    }

    @Test
    void theEnvelopeIsSealedForTicketServiceAndBoundToTheMessage() {
        var inbound = messages();
        var mail = fetched(7, message(
                "From: =?UTF-8?B?6rmA66+87IiY?= <customer@example.com>",
                "To: Support <support@tenant.example>, other@tenant.example",
                "Cc: Boss <boss@example.com>",
                "Reply-To: replies@example.com",
                "Subject: sealed",
                "",
                "body"));

        assertThat(accept(inbound, mail)).isEqualTo(InboundOutcome.Kind.PUBLISHED);
        var event = event(mail);
        byte[] sealed = new byte[event.getSealedEnvelope().remaining()];
        event.getSealedEnvelope().duplicate().get(sealed);
        var opener = new HybridSeal.Opener(ticketKeys.privateKeyset());

        var envelope = EnvelopeSeal.open(opener, sealed, "inbound:" + TENANT + ":" + MAILBOX + ":7:" + mail.uid());

        assertThat(envelope.from()).isEqualTo(new EnvelopeSeal.Contact("customer@example.com", "김민수"));
        assertThat(envelope.to()).containsExactly(new EnvelopeSeal.Contact("support@tenant.example", "Support"),
                new EnvelopeSeal.Contact("other@tenant.example", null));
        assertThat(envelope.cc()).containsExactly(new EnvelopeSeal.Contact("boss@example.com", "Boss"));
        assertThat(envelope.replyTo()).containsExactly(new EnvelopeSeal.Contact("replies@example.com", null));
        assertThatThrownBy(() -> EnvelopeSeal.open(opener, sealed, "inbound:" + TENANT + ":" + MAILBOX + ":7:"
                + (mail.uid() + 1))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> EnvelopeSeal.open(new HybridSeal.Opener(Keysets.newKeyPair().privateKeyset()), sealed,
                EnvelopeSeal.context(mail))).isInstanceOf(IllegalStateException.class);
        String payload = new String(stored(mail).pendingEvents().getFirst().payload(), StandardCharsets.ISO_8859_1);
        assertThat(payload).doesNotContain("customer@example.com", "boss@example.com", "replies@example.com");
    }

    @Test
    void theTenantSeesItsSetAsideAndIgnoredMessagesNewestFirst() {
        var inbound = messages();
        var controller = new SetAsideController(inbound);
        var older = new FetchedMessage(TENANT, MAILBOX, 1, "support@tenant.example", 7, 100, null,
                Instant.parse("2024-01-01T00:00:00Z"));
        var newer = new FetchedMessage(TENANT, MAILBOX, 1, "support@tenant.example", 7, 101,
                simple("c@example.com", null, "Away", "Auto-Submitted: auto-replied"), Instant.parse("2024-01-02T00:00:00Z"));
        var published = new FetchedMessage(TENANT, MAILBOX, 1, "support@tenant.example", 7, 102,
                simple("c@example.com", null, "Real"), Instant.parse("2024-01-03T00:00:00Z"));
        var elsewhere = new FetchedMessage("t2", "t2:representative", null, "t2@oc.example", 7, 100, null,
                Instant.parse("2024-01-04T00:00:00Z"));
        for (var message : List.of(older, newer, published, elsewhere)) {
            inbound.accept(message).block(WAIT);
        }

        var page = (NhnResponse.Page) controller.list(TENANT, params("page", "1", "pageSize", "1"), exchange(TENANT))
                .block(WAIT).result();
        assertThat(page.total()).isEqualTo(2);
        assertThat(page.pages()).isEqualTo(2);
        assertThat(page.contents()).singleElement().isEqualTo(new SetAsideView(MAILBOX, 1, 7, 101, "IGNORED",
                "auto-submitted: auto-replied", "Away", Instant.parse("2024-01-02T00:00:00Z").toEpochMilli()));
        var second = (NhnResponse.Page) controller.list(TENANT, params("pageNum", "2", "pageSize", "1"),
                exchange(TENANT)).block(WAIT).result();
        assertThat(second.contents()).singleElement().satisfies(view -> {
            assertThat(((SetAsideView) view).status()).isEqualTo("SET_ASIDE");
            assertThat(((SetAsideView) view).subject()).isNull();
        });

        assertThatThrownBy(() -> controller.list(TENANT, params(), exchange("t2")).block(WAIT))
                .isInstanceOfSatisfying(NhnApiException.class, e -> assertThat(e.status().value()).isEqualTo(403));
        assertThatThrownBy(() -> controller.list(TENANT, params("pageSize", "201"), exchange(TENANT)).block(WAIT))
                .isInstanceOfSatisfying(NhnApiException.class, e -> assertThat(e.status().value()).isEqualTo(400));
        assertThatThrownBy(() -> controller.list(TENANT, params("page", "x"), exchange(TENANT)).block(WAIT))
                .isInstanceOfSatisfying(NhnApiException.class, e -> assertThat(e.status().value()).isEqualTo(400));
    }

    private static LinkedMultiValueMap<String, String> params(String... pairs) {
        var params = new LinkedMultiValueMap<String, String>();
        for (int i = 0; i < pairs.length; i += 2) {
            params.add(pairs[i], pairs[i + 1]);
        }
        return params;
    }

    private static MockServerWebExchange exchange(String tenant) {
        var exchange = MockServerWebExchange.from(
                MockServerHttpRequest.get("/" + TENANT + "/openapi/v1/mail/inbound/setaside.json"));
        exchange.getAttributes().put(EdgeTrustFilter.TENANT_ATTRIBUTE, tenant);
        return exchange;
    }

    /** attachment-service's upload as the inbound flow uses it: edge token, part {@code file}, the NHN envelope. */
    private DisposableServer attachmentService() {
        EdgeToken tokens = edge.tokens();
        var routes = RouterFunctions.route(RequestPredicates.POST("/{serviceId}/openapi/v1/ticket/attachments/upload.json"),
                request -> {
                    String serviceId = request.pathVariable("serviceId");
                    Optional<String> tenant = tokens.verify(request.headers().firstHeader(EdgeToken.HEADER),
                            new EdgeToken.Target("attachment-service", "POST", request.path(), null));
                    if (tenant.isEmpty() || !tenant.get().equals(serviceId)) {
                        return ServerResponse.status(403).build();
                    }
                    if (attachmentsFailing.get()) {
                        return ServerResponse.status(503).build();
                    }
                    return request.multipartData().flatMap(parts -> store(request, serviceId,
                            (FilePart) parts.getFirst("file")));
                });
        return HttpServer.create().host("127.0.0.1").port(0)
                .handle(new ReactorHttpHandlerAdapter(RouterFunctions.toHttpHandler(routes))).bindNow();
    }

    private Mono<ServerResponse> store(ServerRequest request, String serviceId, FilePart file) {
        return DataBufferUtils.join(file.content()).flatMap(buffer -> {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            DataBufferUtils.release(buffer);
            uploads.add(new Upload(serviceId, file.filename(), String.valueOf(file.headers().getContentType()), bytes));
            if (file.filename().endsWith(".exe")) {
                return ServerResponse.badRequest().contentType(MediaType.APPLICATION_JSON).bodyValue("""
                        {"header":{"resultCode":400,"resultMessage":"This file format cannot be attached.",\
                        "isSuccessful":false},"result":{"content":{"exception":"OcException",\
                        "message":"This file format cannot be attached."}}}""");
            }
            return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(
                    "{\"header\":{\"resultCode\":200,\"resultMessage\":\"\",\"isSuccessful\":true},"
                            + "\"result\":{\"content\":{\"attachmentId\":\"att-" + ids.incrementAndGet() + "\"}}}");
        });
    }
}
