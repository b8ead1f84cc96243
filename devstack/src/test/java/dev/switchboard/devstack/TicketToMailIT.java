package dev.switchboard.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.switchboard.events.EventMetadata;
import dev.switchboard.events.notification.EmailSent;
import dev.switchboard.events.ticket.EndUser;
import dev.switchboard.events.ticket.TicketCreated;
import dev.switchboard.platform.crypto.HybridSeal;
import dev.switchboard.platform.events.EventHeaders;
import dev.switchboard.platform.events.EventSerde;
import dev.switchboard.schemas.Topic;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import tools.jackson.databind.JsonNode;

/** The walking skeleton through the gateway: a signed ticket becomes a mail in the customer's mailbox. */
@ExtendWith(StackExtension.class)
class TicketToMailIT {

    static final Duration MAIL_TIMEOUT = Duration.ofSeconds(30);

    @Test
    void seedTicketReachesTheCustomerMailboxInTheTenantTemplate(LocalStack stack) throws Exception {
        var response = createWithFreshUpload(stack.nhnClient(), "/demo/openapi/v1/ticket.json", seedBody(stack));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode content = LocalStack.JSON.readTree(response.body()).path("result").path("content");
        String ticketId = content.path("ticketId").asString();
        assertThat(ticketId).matches("T\\d{13}[A-Za-z]{5}");
        assertThat(content.path("status").asString()).isEqualTo("new");
        assertThat(content.path("categoryId").asLong()).isEqualTo(2542);

        MimeMessage mail = awaitMails(stack, ticketId, 1).getFirst();
        assertThat(mail.getFrom()).containsExactly(new InternetAddress("support@demo.switchboard.local", "Demo Support"));
        assertThat(((InternetAddress) mail.getRecipients(Message.RecipientType.TO)[0]).getAddress())
                .isEqualTo("enduser_simple@nhn-st.com");
        assertThat(mail.getSubject()).contains(ticketId).contains("유형");
        assertThat(mail.getHeader("Auto-Submitted")).containsExactly("auto-replied");
        assertThat(mail.getMessageID()).isEqualTo("<" + ticketId + ".ack@switchboard.local>");
        assertThat(htmlPart(mail)).startsWith("<html><body><h2>Demo Support</h2><div class=\"msg\">")
                .contains("문의내용").endsWith("</div></body></html>");

        // the delivery is published for analytics: the recipient's domain only, which server took it, how soon
        var sent = TopicTraffic.records(stack, Topic.NOTIFICATION_EVENTS, "ticket-ack:" + ticketId, 1).getFirst();
        var event = (EmailSent) new EventSerde().decode(sent);
        assertThat(event.getRecipient()).isEqualTo("***@nhn-st.com");
        assertThat(event.getRecipientDomain()).isEqualTo("nhn-st.com");
        assertThat(event.getTransport()).isEqualTo("relay");
        assertThat(event.getAttempts()).isEqualTo(1);
        assertThat(event.getLatencyMillis()).isNotNull().isPositive();
        assertThat(event.getMessageId()).isEqualTo(mail.getMessageID());
        assertThat(new String(sent.value(), StandardCharsets.ISO_8859_1)).doesNotContain("enduser_simple");
    }

    /**
     * The seed's create response, field by field: the same names at every level, the same values where they do
     * not depend on the moment (ids and times), the category named (the seed leaves the names null).
     */
    @Test
    void seedTicketIsAnsweredInTheSeedsResponseShape(LocalStack stack) throws Exception {
        JsonNode seed;
        try (var in = TicketToMailIT.class.getResourceAsStream("/seed-ticket-response.json")) {
            seed = LocalStack.JSON.readTree(in);
        }
        var response = createWithFreshUpload(stack.nhnClient(), "/demo/openapi/v1/ticket.json", seedBody(stack));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode actual = LocalStack.JSON.readTree(response.body());

        assertThat(actual.path("header")).isEqualTo(seed.path("header"));
        JsonNode expected = seed.path("result").path("content");
        JsonNode content = actual.path("result").path("content");
        assertThat(fieldNames(content)).containsExactlyElementsOf(fieldNames(expected));
        for (String same : List.of("subject", "categoryId", "status", "statusName", "content", "contents", "displayDt")) {
            assertThat(content.path(same)).as(same).isEqualTo(expected.path(same));
        }
        assertThat(content.path("categoryName").asString()).isEqualTo("유형1-1-1-1-1");
        assertThat(content.path("createdDt").asLong()).isEqualTo(content.path("updatedDt").asLong()).isPositive();
        JsonNode file = content.path("attachments").get(0);
        JsonNode seedFile = expected.path("attachments").get(0);
        assertThat(fieldNames(file)).containsExactlyElementsOf(fieldNames(seedFile));
        for (String same : List.of("fileName", "contentType", "disposition")) {
            assertThat(file.path(same)).as(same).isEqualTo(seedFile.path(same));
        }
        assertThat(file.path("size").asLong()).isEqualTo(AttachmentIT.PNG.length);
    }

    private static List<String> fieldNames(JsonNode node) {
        return List.copyOf(node.propertyNames());
    }

    @Test
    void ticketDetailIsServedToItsTenantOnly(LocalStack stack) {
        var created = stack.nhnClient().send("POST", "/demo/openapi/v1/ticket.json",
                "{\"categoryId\":2539,\"subject\":\"Detail\",\"content\":\"c\",\"endUser\":{\"email\":\"d@example.com\",\"username\":\"D\"}}");
        String ticketId = LocalStack.JSON.readTree(created.body()).path("result").path("content").path("ticketId").asString();

        var detail = stack.nhnClient().send("GET", "/demo/openapi/v1/ticket/" + ticketId + ".json", null);
        assertThat(detail.statusCode()).isEqualTo(200);
        JsonNode content = LocalStack.JSON.readTree(detail.body()).path("result").path("content");
        assertThat(content.path("ticketId").asString()).isEqualTo(ticketId);
        assertThat(content.path("subject").asString()).isEqualTo("Detail");
        assertThat(content.path("status").asString()).isEqualTo("new");

        var other = TestTenants.create(stack, "peek");
        var peek = other.nhn().send("GET", other.path("ticket/" + ticketId + ".json"), null);
        EdgeAuthenticationIT.assertEnvelopeError(peek, 404, "No ticket " + ticketId);
        assertThat(peek.body()).doesNotContain("Detail");
    }

    @Test
    void customerTextIsEscapedInsideTheTemplate(LocalStack stack) throws Exception {
        String body = seedBody(stack).replace("\"content\": \"문의내용\"", "\"content\": \"<script>alert(1)</script>\"");
        var response = createWithFreshUpload(stack.nhnClient(), "/demo/openapi/v1/ticket.json", body);
        String ticketId = LocalStack.JSON.readTree(response.body()).path("result").path("content").path("ticketId").asString();

        assertThat(htmlPart(awaitMails(stack, ticketId, 1).getFirst()))
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>");
    }

    @Test
    void redeliveredTicketCreatedSendsOneMail(LocalStack stack) throws Exception {
        var response = createWithFreshUpload(stack.nhnClient(), "/demo/openapi/v1/ticket.json", seedBody(stack));
        String ticketId = LocalStack.JSON.readTree(response.body()).path("result").path("content").path("ticketId").asString();
        awaitMails(stack, ticketId, 1);

        ConsumerRecord<String, byte[]> original = TopicTraffic.records(stack, Topic.TICKET_EVENTS, ticketId, 1).getFirst();
        var serde = new EventSerde();
        TicketCreated event = (TicketCreated) serde.decode(original);
        // the customer's address is sealed for notification-service, never in clear on the topic
        assertThat(event.getEndUser().getEmail()).isNull();
        assertThat(event.getSealedContact()).isNotNull();
        assertThat(new String(original.value(), StandardCharsets.ISO_8859_1)).doesNotContain("enduser_simple@nhn-st.com");
        // a marker for another ticket on the same key is consumed after the redeliveries, in order; it is
        // written as a v1 producer wrote it (address in clear), which notification-service still mails
        TicketCreated marker = TicketCreated.newBuilder(event)
                .setMetadata(EventMetadata.newBuilder(event.getMetadata()).setEventId(UUID.randomUUID().toString()).build())
                .setTicketId(ticketId + "M")
                .setSealedContact(null)
                .setEndUser(EndUser.newBuilder(event.getEndUser()).setEmail("enduser_simple@nhn-st.com").build())
                .build();
        try (var producer = TopicTraffic.producer(stack)) {
            producer.send(TopicTraffic.copyOf(original)).get();
            producer.send(TopicTraffic.copyOf(original)).get();
            var markerRecord = new ProducerRecord<>(Topic.TICKET_EVENTS.topicName(), ticketId, serde.encode(marker));
            markerRecord.headers().add(EventHeaders.TYPE, original.headers().lastHeader(EventHeaders.TYPE).value());
            markerRecord.headers().add(EventHeaders.ID, marker.getMetadata().getEventId().getBytes(StandardCharsets.UTF_8));
            producer.send(markerRecord).get();
        }

        awaitMails(stack, ticketId + "M", 1);
        assertThat(mailsFor(stack, ticketId)).hasSize(1);
    }

    @Test
    void aTicketWhoseContactWasSealedWithHpkeBeforeTheSharedKeyIsStillMailed(LocalStack stack) throws Exception {
        var response = createWithFreshUpload(stack.nhnClient(), "/demo/openapi/v1/ticket.json", seedBody(stack));
        String ticketId = LocalStack.JSON.readTree(response.body()).path("result").path("content").path("ticketId").asString();
        ConsumerRecord<String, byte[]> original = TopicTraffic.records(stack, Topic.TICKET_EVENTS, ticketId, 1).getFirst();
        var serde = new EventSerde();
        TicketCreated event = (TicketCreated) serde.decode(original);
        // as the version before the shared key sealed it: JSON under HPKE for notification-service's public key
        String earlierTicket = ticketId + "H";
        byte[] hpke = new HybridSeal.Sealer(stack.secrets().contactPublicKeyset()).seal(
                "{\"email\":\"hpke-era@example.com\",\"username\":\"Kim\"}", "contact:" + event.getMetadata().getServiceId()
                        + ":" + earlierTicket);
        TicketCreated earlier = TicketCreated.newBuilder(event)
                .setMetadata(EventMetadata.newBuilder(event.getMetadata()).setEventId(UUID.randomUUID().toString()).build())
                .setTicketId(earlierTicket).setSealedContact(ByteBuffer.wrap(hpke))
                .build();
        try (var producer = TopicTraffic.producer(stack)) {
            var record = new ProducerRecord<>(Topic.TICKET_EVENTS.topicName(), earlierTicket, serde.encode(earlier));
            record.headers().add(EventHeaders.TYPE, original.headers().lastHeader(EventHeaders.TYPE).value());
            record.headers().add(EventHeaders.ID, earlier.getMetadata().getEventId().getBytes(StandardCharsets.UTF_8));
            producer.send(record).get();
        }

        var mail = awaitMails(stack, earlierTicket, 1).getFirst();
        assertThat(mail.getAllRecipients()).extracting(address -> ((InternetAddress) address).getAddress())
                .containsExactly("hpke-era@example.com");
    }

    /**
     * Sends a request that references a file uploaded a moment ago until it is accepted: ticket-service learns
     * of an upload from its event, a little after the upload answered, and a refused request writes nothing.
     */
    static java.net.http.HttpResponse<String> createWithFreshUpload(NhnClient nhn, String path, String body) {
        return await().atMost(Duration.ofSeconds(30))
                .until(() -> nhn.send("POST", path, body), response -> response.statusCode() == 200);
    }

    /** The seed's ticket, its attachment id replaced by a file just uploaded for the demo tenant. */
    static String seedBody(LocalStack stack) throws IOException {
        String attachmentId = AttachmentIT.upload(stack.nhnClient(), "/demo", "image.png", AttachmentIT.PNG);
        return Files.readString(Path.of("../scripts/seed-ticket.json"))
                .replace("8f0dc5854d2446b6aa2e6e41a0a2f55c", attachmentId);
    }

    static List<MimeMessage> awaitMails(LocalStack stack, String ticketId, int count) {
        return await().atMost(MAIL_TIMEOUT).until(() -> mailsFor(stack, ticketId), mails -> mails.size() >= count);
    }

    static List<MimeMessage> mailsFor(LocalStack stack, String ticketId) {
        return Arrays.stream(stack.infrastructure().mail().getReceivedMessages())
                .filter(mail -> {
                    try {
                        String[] header = mail.getHeader("X-Switchboard-Ticket");
                        return header != null && header[0].equals(ticketId);
                    } catch (Exception e) {
                        return false;
                    }
                })
                .toList();
    }

    /** How many mails GreenMail received for each recipient the filter accepts. */
    static java.util.Map<String, Integer> mailsPerRecipient(LocalStack stack,
                                                            java.util.function.Predicate<String> recipient) {
        java.util.Map<String, Integer> counts = new java.util.HashMap<>();
        for (MimeMessage mail : stack.infrastructure().mail().getReceivedMessages()) {
            try {
                var to = mail.getRecipients(Message.RecipientType.TO);
                if (to != null && recipient.test(((InternetAddress) to[0]).getAddress())) {
                    counts.merge(((InternetAddress) to[0]).getAddress(), 1, Integer::sum);
                }
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return counts;
    }

    /** The decoded text/html part of a mail. */
    static String htmlPart(jakarta.mail.Part part) throws Exception {
        if (part.isMimeType("text/html")) {
            return (String) part.getContent();
        }
        if (part.getContent() instanceof jakarta.mail.Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                String html = htmlPart(multipart.getBodyPart(i));
                if (html != null) {
                    return html;
                }
            }
        }
        return null;
    }

}
