package dev.switchboard.ticket.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

import dev.switchboard.events.EventMetadata;
import dev.switchboard.events.inbound.InboundAttachment;
import dev.switchboard.events.inbound.InboundEmailHandled;
import dev.switchboard.events.inbound.InboundEmailReceived;
import dev.switchboard.events.notification.EmailSent;
import dev.switchboard.events.ticket.CustomerReplied;
import dev.switchboard.events.ticket.TicketCreated;
import dev.switchboard.events.ticket.TicketStatusChanged;
import dev.switchboard.platform.crypto.ContactSeal;
import dev.switchboard.platform.crypto.HybridSeal;
import dev.switchboard.platform.crypto.SealedContact;
import dev.switchboard.platform.events.EventHeaders;
import dev.switchboard.platform.events.EventSerde;
import dev.switchboard.platform.events.UndecodableEventException;
import dev.switchboard.schemas.Topic;
import dev.switchboard.ticket.TicketServiceSlice;
import dev.switchboard.ticket.ticket.MailTickets;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Inbound mail becomes tickets and customer replies, each message once, over the Mongo wire server the local stack
 * runs; what the service would publish is read from the tickets' outboxes.
 */
@SpringJUnitConfig(TicketServiceSlice.class)
class InboundMailTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String DEMO = "demo";
    private static final String MAILBOX = "demo:7";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TicketServiceSlice.properties(registry);
    }

    @Autowired
    private InboundMail inbound;
    @Autowired
    private InboundMailListener listener;
    @Autowired
    private SentMailListener sentListener;
    @Autowired
    private ReactiveMongoTemplate mongo;
    @Autowired
    private EventSerde serde;
    @Autowired
    private MeterRegistry meters;

    private final HybridSeal.Sealer fetcher = new HybridSeal.Sealer(TicketServiceSlice.INBOUND_KEYS.publicKeyset());
    private final AtomicLong uids = new AtomicLong(100);
    private final AtomicLong offsets = new AtomicLong();

    @BeforeEach
    void clean() {
        mongo.remove(new Query(), "tickets").block(WAIT);
        mongo.remove(new Query(), "attachment_files").block(WAIT);
    }

    @Test
    void aNewMessageBecomesAnEmailTicketForTheReplyToAddress() {
        uploaded(DEMO, "a1", "photo.png");
        uploaded(DEMO, "a2", "invoice.pdf");
        var event = message(DEMO, "<m1@customer.example>", "Printer on fire", "It burns.\nPlease help.")
                .setHtmlBody("<p>It burns.</p><img src=\"cid:img1@customer.example\">")
                .setAttachments(List.of(part("a1", "photo.png", "img1@customer.example", true),
                        part("a2", "invoice.pdf", null, false)))
                .setSkippedParts(List.of("video.mp4: over the size limit of 10MB"));
        var received = sealed(event, "{\"from\":{\"address\":\"kim@customer.example\",\"name\":\"Kim\"},"
                + "\"to\":[{\"address\":\"help@demo.example\",\"name\":null}],\"cc\":[],"
                + "\"replyTo\":[{\"address\":\"kim.home@customer.example\",\"name\":\"Kim Lee\"}]}");

        var handled = inbound.receive(received).block(WAIT);

        assertThat(handled.outcome()).isEqualTo(MailTickets.TICKET);
        var ticket = ticket(handled.ticketId());
        assertThat(ticket.getString("serviceId")).isEqualTo(DEMO);
        assertThat(ticket.getString("source")).isEqualTo("email");
        assertThat(ticket.getString("subject")).isEqualTo("Printer on fire");
        assertThat(ticket.getString("content")).startsWith("It burns.\nPlease help.")
                .endsWith("Not attached: video.mp4: over the size limit of 10MB");
        assertThat(ticket.get("categoryId")).isNull();
        assertThat(ticket.getString("language")).isNull();
        assertThat(ticket.getString("htmlContent")).contains("cid:img1@customer.example");
        assertThat(ticket.getList("attachments", Document.class)).extracting(a -> a.getString("attachmentId"),
                        a -> a.getString("contentId"), a -> a.getBoolean("inline"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a1", "img1@customer.example", true),
                        org.assertj.core.groups.Tuple.tuple("a2", null, false));
        // the address is kept sealed, never in clear
        assertThat(ticket.toJson()).doesNotContain("kim.home@customer.example");

        var events = pending(ticket);
        assertThat(events).hasSize(2);
        var created = (TicketCreated) events.get(0);
        assertThat(created.getSource()).isEqualTo("email");
        assertThat(created.getSourceMailbox()).as("the acknowledgement's Reply-To").isEqualTo("help@demo.example");
        assertThat(created.getCategoryId()).isNull();
        assertThat(created.getAttachmentIds()).containsExactly("a1", "a2");
        var contact = new ContactSeal(TicketServiceSlice.CONTACT_KEY).open(
                created.getSealedContact(), DEMO, handled.ticketId());
        assertThat(contact).isEqualTo(new SealedContact("kim.home@customer.example", "Kim Lee"));
        var answer = (InboundEmailHandled) events.get(1);
        assertThat(answer.getOutcome()).isEqualTo("ticket");
        assertThat(answer.getTicketId()).isEqualTo(handled.ticketId());
        assertThat(answer.getMailboxId()).isEqualTo(MAILBOX);
        assertThat(answer.getUid()).isEqualTo(received.getUid());
        assertThat(answer.getUidValidity()).isEqualTo(7L);
        assertThat(answer.getMessageId()).isEqualTo("<m1@customer.example>");
        assertThat(ticket.getList("pendingEvents", Document.class)).extracting(e -> e.getString("topic"),
                        e -> e.getString("key"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Topic.TICKET_EVENTS.topicName(), handled.ticketId()),
                        org.assertj.core.groups.Tuple.tuple(Topic.MAIL_INBOUND.topicName(), MAILBOX));
        // the files are referenced, so they no longer expire
        assertThat(mongo.findOne(Query.query(Criteria.where("_id").is("a1")), Document.class, "attachment_files")
                .block(WAIT)).doesNotContainKey("expiresAt");
    }

    @Test
    void aMessageWithoutSubjectOrNameStillBecomesATicket() {
        var handled = inbound.receive(sealed(message(DEMO, null, "", ""),
                "{\"from\":{\"address\":\"anon@customer.example\"},\"to\":[],\"cc\":[],\"replyTo\":[]}")).block(WAIT);

        var ticket = ticket(handled.ticketId());
        assertThat(ticket.getString("subject")).isEqualTo("(no subject)");
        var created = (TicketCreated) pending(ticket).getFirst();
        assertThat(new ContactSeal(TicketServiceSlice.CONTACT_KEY).open(
                created.getSealedContact(), DEMO, handled.ticketId()))
                .isEqualTo(new SealedContact("anon@customer.example", null));
    }

    @Test
    void aTooLongBodyIsCutWithANoteAndALongSubjectFitsOneLine() {
        String body = "x".repeat(100_000);
        String subject = "Line one\r\nLine two " + "y".repeat(400);

        var handled = inbound.receive(sealed(message(DEMO, "<long@customer.example>", subject, body)
                .setSkippedParts(List.of("huge.iso: over the size limit of 10MB")), from("kim@customer.example")))
                .block(WAIT);

        var ticket = ticket(handled.ticketId());
        String content = ticket.getString("content");
        assertThat(content.length()).isLessThanOrEqualTo(65_535);
        assertThat(content).startsWith("xxxx").contains("The message was 100000 characters long; the first ")
                .endsWith("Not attached: huge.iso: over the size limit of 10MB");
        assertThat(ticket.getString("subject")).hasSizeLessThanOrEqualTo(255).startsWith("Line one Line two yyy")
                .endsWith("…").doesNotContain("\n", "\r");
    }

    @Test
    void aReplyToTheAcknowledgementThreadsByInReplyToAndReopensAClosedTicket() {
        String ticketId = newTicket(DEMO, "<first@customer.example>");
        mongo.updateFirst(Query.query(Criteria.where("_id").is(ticketId)), new Update().set("status", "closed"),
                "tickets").block(WAIT);
        uploaded(DEMO, "r1", "screenshot.png");

        // before notification-service's EmailSent for the acknowledgement was consumed
        var reply = message(DEMO, "<second@customer.example>", "Re: [" + ticketId + "] Printer on fire", "Still burning")
                .setInReplyTo("<" + ticketId + ".ack@switchboard.local>")
                .setAttachments(List.of(part("r1", "screenshot.png", null, false)));
        var handled = inbound.receive(sealed(reply, from("kim@customer.example"))).block(WAIT);

        assertThat(handled).isEqualTo(new MailTickets.Handled("reply", ticketId, "in-reply-to"));
        var ticket = ticket(ticketId);
        assertThat(ticket.getString("status")).isEqualTo("open");
        var replies = ticket.getList("replies", Document.class);
        assertThat(replies).hasSize(1);
        assertThat(replies.getFirst().getString("author")).isEqualTo("customer");
        assertThat(replies.getFirst().getString("comment")).isEqualTo("Still burning");
        assertThat(replies.getFirst().getString("matchedBy")).isEqualTo("in-reply-to");
        assertThat(replies.getFirst().getList("attachments", Document.class)).extracting(a -> a.getString("attachmentId"))
                .containsExactly("r1");

        var events = pending(ticket);
        assertThat(events).hasSize(5);
        assertThat(events.get(2)).isInstanceOfSatisfying(CustomerReplied.class, replied -> {
            assertThat(replied.getComment()).isEqualTo("Still burning");
            assertThat(replied.getAttachmentIds()).containsExactly("r1");
        });
        assertThat(events.get(3)).isInstanceOfSatisfying(TicketStatusChanged.class,
                changed -> assertThat(changed.getTo()).isEqualTo("open"));
        assertThat(events.get(4)).isInstanceOfSatisfying(InboundEmailHandled.class, answer -> {
            assertThat(answer.getOutcome()).isEqualTo("reply");
            assertThat(answer.getMatchedBy()).isEqualTo("in-reply-to");
            assertThat(answer.getTicketId()).isEqualTo(ticketId);
        });
        assertThat(meters.counter(InboundMail.HANDLED_METRIC, "outcome", "reply", "matchedBy", "in-reply-to").count())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void aReplyThreadsByTheNewestReferenceThatIsOurs() {
        String ticketId = newTicket(DEMO, "<first@customer.example>");

        // an agent's answer went out as <ticketId.replyId@domain>; a reply names it among other references
        String replyId = "0123456789abcdef0123456789abcdef";
        mongo.updateFirst(Query.query(Criteria.where("_id").is(ticketId)), new Update().push("replies",
                new Document("replyId", replyId).append("author", "agent").append("comment", "Unplug it")
                        .append("createdAt", new Date())), "tickets").block(WAIT);
        var byAnswer = message(DEMO, "<second@customer.example>", "Re: answer", "Thanks")
                .setReferences(List.of("<first@customer.example>", "<" + ticketId + "." + replyId + "@switchboard.local>",
                        "<unrelated@elsewhere.example>"));

        assertThat(inbound.receive(sealed(byAnswer, from("kim@customer.example"))).block(WAIT))
                .isEqualTo(new MailTickets.Handled("reply", ticketId, "references"));

        // the customer's own earlier message is known too
        var byEarlierMessage = message(DEMO, "<third@customer.example>", "One more thing", "And the fax")
                .setReferences(List.of("<second@customer.example>"));
        assertThat(inbound.receive(sealed(byEarlierMessage, from("kim@customer.example"))).block(WAIT))
                .isEqualTo(new MailTickets.Handled("reply", ticketId, "references"));
    }

    @Test
    void aReplyThreadsByTheTicketTokenInTheSubject() {
        String ticketId = newTicket(DEMO, "<first@customer.example>");

        var reply = message(DEMO, "<token@customer.example>", "AW: [" + ticketId + "] Printer on fire", "Any news?");
        var handled = inbound.receive(sealed(reply, from("kim@customer.example"))).block(WAIT);

        assertThat(handled).isEqualTo(new MailTickets.Handled("reply", ticketId, "subject-token"));
        assertThat(ticket(ticketId).getList("replies", Document.class).getFirst().getString("matchedBy"))
                .isEqualTo("subject-token");
    }

    @Test
    void anotherTenantsTicketTokenOrMessageIdMakesANewTicketInTheMessagesTenant() {
        String theirs = newTicket("other", "<theirs@customer.example>");

        var forged = message(DEMO, "<forged@attacker.example>", "Re: [" + theirs + "] give me their data", "hello")
                .setInReplyTo("<" + theirs + ".ack@switchboard.local>")
                .setReferences(List.of("<theirs@customer.example>"));
        var handled = inbound.receive(sealed(forged, from("mallory@attacker.example"))).block(WAIT);

        assertThat(handled.outcome()).isEqualTo("ticket");
        assertThat(handled.ticketId()).isNotEqualTo(theirs);
        assertThat(ticket(handled.ticketId()).getString("serviceId")).isEqualTo(DEMO);
        assertThat(ticket(theirs).getList("replies", Document.class)).isEmpty();
    }

    @Test
    void theSameEventDeliveredTwiceMakesOneTicketAndAnswersDuplicateTheSecondTime() {
        var record = record(sealed(message(DEMO, "<twice@customer.example>", "Twice", "Once please"),
                from("kim@customer.example")));

        listener.onRecord(record);
        listener.onRecord(record);

        List<Document> tickets = mongo.findAll(Document.class, "tickets").collectList().block(WAIT);
        assertThat(tickets).hasSize(1);
        var answers = pending(tickets.getFirst()).stream().filter(InboundEmailHandled.class::isInstance)
                .map(InboundEmailHandled.class::cast).toList();
        assertThat(answers).extracting(InboundEmailHandled::getOutcome).containsExactly("ticket", "duplicate");
        assertThat(answers).extracting(InboundEmailHandled::getTicketId)
                .containsOnly(tickets.getFirst().getString("_id"));
    }

    @Test
    void theSameMessageIdFromAnotherUidIsADuplicateOfItsTicket() {
        String ticketId = newTicket(DEMO, "<copied@customer.example>");

        // the same message again, e.g. copied into another folder or mailbox of the tenant
        var again = message(DEMO, "<copied@customer.example>", "Printer on fire", "It burns.").setMailboxId("demo:8");
        var handled = inbound.receive(sealed(again, from("kim@customer.example"))).block(WAIT);

        assertThat(handled).isEqualTo(new MailTickets.Handled("duplicate", ticketId, null));
        assertThat(mongo.count(new Query(), "tickets").block(WAIT)).isEqualTo(1);
        assertThat(pending(ticket(ticketId))).last().isInstanceOfSatisfying(InboundEmailHandled.class, answer -> {
            assertThat(answer.getOutcome()).isEqualTo("duplicate");
            assertThat(answer.getMailboxId()).isEqualTo("demo:8");
        });
    }

    @Test
    void concurrentDeliveriesOfOneMessageMakeOneTicket() {
        var event = sealed(message(DEMO, "<race@customer.example>", "Race", "Once"), from("kim@customer.example"));

        var outcomes = Flux.range(0, 6)
                .flatMap(i -> inbound.receive(event).subscribeOn(Schedulers.parallel()))
                .collectList().block(WAIT);

        assertThat(outcomes).extracting(MailTickets.Handled::outcome).containsOnlyOnce("ticket");
        assertThat(outcomes).extracting(MailTickets.Handled::ticketId).containsOnly(outcomes.getFirst().ticketId());
        assertThat(mongo.count(new Query(), "tickets").block(WAIT)).isEqualTo(1);
    }

    @Test
    void emailSentConsumedTwiceIsHarmlessAndAReplyToThatMailThreads() {
        String ticketId = newTicket(DEMO, "<first@customer.example>");
        var sent = EmailSent.newBuilder().setMetadata(metadata(DEMO)).setDeliveryId("ticket-ack:" + ticketId)
                .setPurpose("ticket-acknowledgement").setTicketId(ticketId).setMessageId("<relay-1234@mx.example>")
                .setRecipient("***@customer.example").setSentAt(Instant.now()).build();
        var record = record(sent);

        sentListener.onRecord(record);
        sentListener.onRecord(record);

        assertThat(ticket(ticketId).getList("mailMessageIds", String.class)).containsExactly("<relay-1234@mx.example>");
        var reply = message(DEMO, "<answer@customer.example>", "Re: your ticket", "Thanks")
                .setInReplyTo("<relay-1234@mx.example>");
        assertThat(inbound.receive(sealed(reply, from("kim@customer.example"))).block(WAIT))
                .isEqualTo(new MailTickets.Handled("reply", ticketId, "in-reply-to"));
    }

    @Test
    void emailSentOfAnotherTenantDoesNotTouchTheTicket() {
        String ticketId = newTicket(DEMO, "<first@customer.example>");
        var sent = EmailSent.newBuilder().setMetadata(metadata("other")).setDeliveryId("x").setPurpose("p")
                .setTicketId(ticketId).setMessageId("<foreign@mx.example>").setRecipient("***@x.example")
                .setSentAt(Instant.now()).build();

        sentListener.onRecord(record(sent));

        assertThat(ticket(ticketId)).doesNotContainKey("mailMessageIds");
    }

    @Test
    void theEnvelopeOpensOnlyForItsOwnMessage() {
        var event = message(DEMO, "<moved@customer.example>", "Moved", "text");
        // sealed for another UID of the mailbox: it does not open for this one
        event.setSealedEnvelope(ByteBuffer.wrap(fetcher.seal(from("kim@customer.example"),
                "inbound:" + DEMO + ":" + MAILBOX + ":7:999999")));

        assertThatThrownBy(() -> inbound.receive(event.build()).block(WAIT))
                .isInstanceOf(UndecodableEventException.class).hasMessageContaining("does not open")
                .hasMessageNotContaining("kim@customer.example");
        assertThat(mongo.count(new Query(), "tickets").block(WAIT)).isZero();
    }

    @Test
    void aPartWhoseUploadEventHasNotArrivedIsRetriedAndADeletedOneIsNoted() {
        var waiting = message(DEMO, "<files@customer.example>", "Files", "see attached")
                .setAttachments(List.of(part("not-yet", "later.pdf", null, false)));
        assertThatThrownBy(() -> inbound.receive(sealed(waiting, from("kim@customer.example"))).block(WAIT))
                .isInstanceOf(InboundMail.FilesNotAnnounced.class);
        assertThat(mongo.count(new Query(), "tickets").block(WAIT)).isZero();

        uploaded(DEMO, "gone", "gone.pdf");
        mongo.updateFirst(Query.query(Criteria.where("_id").is("gone")), new Update().set("deleted", true),
                "attachment_files").block(WAIT);
        var handled = inbound.receive(sealed(message(DEMO, "<files2@customer.example>", "Files", "see attached")
                .setAttachments(List.of(part("gone", "gone.pdf", null, false))), from("kim@customer.example")))
                .block(WAIT);

        var ticket = ticket(handled.ticketId());
        assertThat(ticket.getList("attachments", Document.class)).isEmpty();
        assertThat(ticket.getString("content")).endsWith("Not attached: gone.pdf: no longer available");
    }

    @Test
    void theServicesOwnAnswersOnTheTopicAreIgnored() {
        var answer = InboundEmailHandled.newBuilder().setMetadata(metadata(DEMO)).setMailboxId(MAILBOX)
                .setUidValidity(7).setUid(1).setOutcome("ticket").setTicketId("T1700000000000abcde").build();

        listener.onRecord(record(answer));

        assertThat(mongo.count(new Query(), "tickets").block(WAIT)).isZero();
    }

    private String newTicket(String serviceId, String messageId) {
        var handled = inbound.receive(sealed(message(serviceId, messageId, "Printer on fire", "It burns."),
                from("kim@customer.example"))).block(WAIT);
        assertThat(handled.outcome()).isEqualTo("ticket");
        return handled.ticketId();
    }

    private InboundEmailReceived.Builder message(String serviceId, String messageId, String subject, String text) {
        return InboundEmailReceived.newBuilder().setMetadata(metadata(serviceId))
                .setMailboxId(serviceId.equals(DEMO) ? MAILBOX : serviceId + ":1").setAccountId(7).setUidValidity(7)
                .setUid(uids.incrementAndGet()).setSealedEnvelope(ByteBuffer.allocate(0)).setMailbox("help@demo.example")
                .setSenderDomain("customer.example").setSubject(subject).setTextBody(text).setMessageId(messageId)
                .setReceivedAt(Instant.now());
    }

    /** Seals the envelope as account-service does, bound to the message. */
    private InboundEmailReceived sealed(InboundEmailReceived.Builder event, String envelope) {
        String context = "inbound:" + event.getMetadata().getServiceId() + ":" + event.getMailboxId() + ":"
                + event.getUidValidity() + ":" + event.getUid();
        return event.setSealedEnvelope(ByteBuffer.wrap(fetcher.seal(envelope, context))).build();
    }

    private static String from(String address) {
        return "{\"from\":{\"address\":\"" + address + "\",\"name\":\"Kim\"},\"to\":[],\"cc\":[],\"replyTo\":[]}";
    }

    private static InboundAttachment part(String id, String name, String contentId, boolean inline) {
        return InboundAttachment.newBuilder().setAttachmentId(id).setFileName(name).setContentId(contentId)
                .setInline(inline).build();
    }

    private static EventMetadata metadata(String serviceId) {
        return EventMetadata.newBuilder().setEventId(java.util.UUID.randomUUID().toString())
                .setOccurredAt(Instant.now()).setServiceId(serviceId).setCorrelationId("corr-1")
                .setProducer("account-service").build();
    }

    /** As the broker delivers it: the encoded event with its type header. */
    private ConsumerRecord<String, byte[]> record(SpecificRecord event) {
        var record = new ConsumerRecord<String, byte[]>(Topic.of(event.getClass()).topicName(), 0,
                offsets.incrementAndGet(), "key", serde.encode(event));
        record.headers().add(EventHeaders.TYPE, event.getSchema().getFullName().getBytes(StandardCharsets.UTF_8));
        return record;
    }

    /** The file as attachment-service's upload event announced it. */
    private void uploaded(String serviceId, String id, String name) {
        mongo.insert(new Document("_id", id).append("serviceId", serviceId).append("fileName", name)
                .append("contentType", "application/octet-stream").append("size", 10L)
                .append("createdAt", new Date()).append("expiresAt", Date.from(Instant.now().plus(Duration.ofDays(1))))
                .append("retired", false).append("deleted", false), "attachment_files").block(WAIT);
    }

    private Document ticket(String ticketId) {
        return mongo.findOne(Query.query(Criteria.where("_id").is(ticketId)), Document.class, "tickets").block(WAIT);
    }

    /** What the ticket's write put in its outbox, in order. */
    private List<SpecificRecord> pending(Document ticket) {
        List<SpecificRecord> events = new ArrayList<>();
        for (Document event : ticket.getList("pendingEvents", Document.class)) {
            events.add(serde.decode(event.getString("type"), event.get("payload", Binary.class).getData()));
        }
        return events;
    }
}
