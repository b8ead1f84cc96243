package dev.switchboard.devstack;

import static dev.switchboard.devstack.EdgeAuthenticationIT.assertEnvelopeError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import jakarta.mail.internet.MimeMessage;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.switchboard.devstack.TestTenants.TestTenant;
import dev.switchboard.events.ticket.CustomerReplied;
import dev.switchboard.events.ticket.TicketReplied;
import dev.switchboard.events.ticket.TicketStatusChanged;
import dev.switchboard.platform.crypto.ContactSeal;
import dev.switchboard.platform.events.EventSerde;
import dev.switchboard.schemas.Topic;
import tools.jackson.databind.JsonNode;

/** Ticket management: solve (answer mailed, ticket closed), re-inquiry, explicit transitions, per-customer views. */
@ExtendWith(StackExtension.class)
class TicketLifecycleIT {

    static JsonNode content(java.net.http.HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return LocalStack.JSON.readTree(response.body()).path("result").path("content");
    }

    static String create(TestTenant tenant, String usercode) {
        return content(tenant.nhn().send("POST", tenant.path("ticket.json"), "{\"subject\":\"Where is my order\","
                + "\"content\":\"It did not arrive.\",\"endUser\":{\"usercode\":\"" + usercode
                + "\",\"email\":\"lifecycle@example.com\",\"username\":\"Kim\"}}")).path("ticketId").asString();
    }

    @Test
    void solveMailsTheAnswerClosesTheTicketAndTheCustomerCanAskAgain(LocalStack stack) throws Exception {
        var tenant = TestTenants.create(stack, "life");
        String ticketId = create(tenant, "u1");

        assertThat(content(tenant.nhn().send("POST", tenant.path("ticket/" + ticketId + "/open.json"), null))
                .path("status").asString()).isEqualTo("open");
        assertEnvelopeError(tenant.nhn().send("POST", tenant.path("ticket/" + ticketId + "/open.json"), null), 400,
                "is open");

        JsonNode solved = content(tenant.nhn().send("POST", tenant.path("ticket/solve.json?id=" + ticketId),
                "{\"comment\":\"It ships <today>.\"}"));
        assertThat(solved.path("status").asString()).isEqualTo("closed");
        assertThat(solved.path("contents").get(0).path("type").asString()).isEqualTo("answer");
        assertThat(solved.path("contents").get(0).path("content").asString()).isEqualTo("It ships <today>.");

        List<MimeMessage> mails = TicketToMailIT.awaitMails(stack, ticketId, 2);
        MimeMessage answer = mails.stream().filter(m -> {
            try {
                return m.getSubject().startsWith("Re: [" + ticketId + "]");
            } catch (Exception e) {
                return false;
            }
        }).findFirst().orElseThrow();
        assertThat(answer.getHeader("Auto-Submitted")).isNull();
        // threaded under the acknowledgement the customer already has
        String acknowledgement = "<" + ticketId + ".ack@switchboard.local>";
        assertThat(answer.getHeader("In-Reply-To")).containsExactly(acknowledgement);
        assertThat(answer.getHeader("References")).containsExactly(acknowledgement);
        assertThat(answer.getMessageID()).startsWith("<" + ticketId + ".").isNotEqualTo(acknowledgement);
        assertThat(TicketToMailIT.htmlPart(answer)).contains("It ships &lt;today&gt;.");

        var serde = new EventSerde();
        List<ConsumerRecord<String, byte[]>> events = TopicTraffic.records(stack, Topic.TICKET_EVENTS, ticketId, 4);
        assertThat(events.stream().map(serde::decode).map(e -> e.getClass().getSimpleName()))
                .containsExactly("TicketCreated", "TicketStatusChanged", "TicketReplied", "TicketStatusChanged");
        var closed = (TicketStatusChanged) serde.decode(events.get(3));
        assertThat(closed.getFrom() + ">" + closed.getTo() + ":" + closed.getReason()).isEqualTo("open>closed:solve");
        // the address travels sealed for notification-service only: not in clear in any event of the ticket
        var replied = (TicketReplied) serde.decode(events.get(2));
        assertThat(replied.getEmail()).isNull();
        assertThat(new ContactSeal(stack.secrets().contactKey()).open(
                replied.getSealedContact(), tenant.serviceId(), ticketId).email()).isEqualTo("lifecycle@example.com");
        events.forEach(record -> assertThat(new String(record.value(), StandardCharsets.ISO_8859_1))
                .doesNotContain("lifecycle@example.com"));

        // the same answer event again sends no second mail
        try (var producer = TopicTraffic.producer(stack)) {
            producer.send(TopicTraffic.copyOf(events.get(2))).get();
            producer.send(TopicTraffic.copyOf(events.get(2))).get();
        }
        String marker = create(tenant, "u9");
        TicketToMailIT.awaitMails(stack, marker, 1);
        assertThat(TicketToMailIT.mailsFor(stack, ticketId)).hasSize(2);

        // the customer's history and their re-inquiry, which opens the ticket again
        JsonNode history = LocalStack.JSON.readTree(tenant.nhn().send("GET",
                tenant.path("ticket/enduser/u1/list.json"), null).body()).path("result");
        assertThat(history.path("contents").findValuesAsString("ticketId")).containsExactly(ticketId);
        assertThat(LocalStack.JSON.readTree(tenant.nhn().send("GET", tenant.path("ticket/u1/list.json"), null).body())
                .path("result").path("total").asLong()).isEqualTo(1);
        assertThat(LocalStack.JSON.readTree(tenant.nhn().send("GET", tenant.path("ticket/enduser/u2/list.json"), null)
                .body()).path("result").path("total").asLong()).isZero();
        assertEnvelopeError(tenant.nhn().send("GET", tenant.path("ticket/enduser/u2/" + ticketId + "/detail.json"), null),
                404, "No ticket");
        assertEnvelopeError(tenant.nhn().send("POST", tenant.path("ticket/enduser/u2/" + ticketId + "/comment.json"),
                "{\"comment\":\"not mine\"}"), 404, "No ticket");

        JsonNode again = content(tenant.nhn().send("POST", tenant.path("ticket/enduser/u1/" + ticketId + "/comment.json"),
                "{\"comment\":\"Still nothing.\"}"));
        assertThat(again.path("status").asString()).isEqualTo("open");
        assertThat(again.path("contents").findValuesAsString("type")).containsExactly("answer", "inquiry");
        // after the four events and the two redelivered copies
        var reinquiry = TopicTraffic.records(stack, Topic.TICKET_EVENTS, ticketId, 8);
        assertThat(serde.decode(reinquiry.get(6))).isInstanceOf(CustomerReplied.class);
        assertThat(((TicketStatusChanged) serde.decode(reinquiry.get(7))).getReason()).isEqualTo("reinquiry");
        assertThat(content(tenant.nhn().send("GET", tenant.path("ticket/enduser/u1/" + ticketId + "/detail.json"), null))
                .path("contents")).hasSize(2);

        // explicit moves
        assertEnvelopeError(tenant.nhn().send("POST", tenant.path("ticket/" + ticketId + "/reopen.json"), null), 400,
                "reopen applies to a ticket that is closed");
        assertThat(content(tenant.nhn().send("POST", tenant.path("ticket/" + ticketId + "/close.json"), null))
                .path("status").asString()).isEqualTo("closed");
        assertThat(content(tenant.nhn().send("POST", tenant.path("ticket/" + ticketId + "/reopen.json"), null))
                .path("status").asString()).isEqualTo("open");
    }

    @Test
    void repliesAttachTheTenantsOwnFilesWhichThenStopExpiring(LocalStack stack) throws Exception {
        var tenant = TestTenants.create(stack, "replyfiles");
        var other = TestTenants.create(stack, "replyfiles");
        String ticketId = create(tenant, "u1");
        String answerFile = AttachmentIT.upload(tenant.nhn(), "/" + tenant.serviceId(), "answer.png", AttachmentIT.PNG);
        String theirs = AttachmentIT.upload(other.nhn(), "/" + other.serviceId(), "theirs.png", AttachmentIT.PNG);
        String loose = AttachmentIT.upload(tenant.nhn(), "/" + tenant.serviceId(), "loose.png", AttachmentIT.PNG);
        var bigUpload = tenant.nhn().upload("/" + tenant.serviceId() + "/openapi/v1/ticket/attachments/upload.json",
                "big.png", () -> AttachmentIT.pngOfSize(StackExtension.MAIL_FILES_LIMIT + 1));
        String big = LocalStack.JSON.readTree(bigUpload.body()).path("result").path("content").path("attachmentId")
                .asString();
        String solve = tenant.path("ticket/solve.json?id=" + ticketId);

        // another tenant's file, too many files and a blank id change nothing
        var foreign = tenant.nhn().send("POST", solve, "{\"comment\":\"See file\",\"attachments\":[{\"attachmentId\":\""
                + theirs + "\"}]}");
        assertThat(foreign.statusCode()).isEqualTo(400);
        JsonNode failure = LocalStack.JSON.readTree(foreign.body()).path("result").path("contents").get(0);
        assertThat(failure.path("objectName").asString() + "/" + failure.path("field").asString() + "/"
                + failure.path("validate").asString() + "/" + failure.path("rejectValue").asString())
                .isEqualTo("attachment/9/invalid/" + theirs);
        String six = String.join(",", java.util.Collections.nCopies(6, "{\"attachmentId\":\"" + answerFile + "\"}"));
        assertEnvelopeError(tenant.nhn().send("POST", solve, "{\"comment\":\"x\",\"attachments\":[" + six + "]}"),
                400, "Invalid reply");
        assertEnvelopeError(tenant.nhn().send("POST", solve, "{\"comment\":\"x\",\"attachments\":[{\"attachmentId\":\" \"}]}"),
                400, "Invalid reply");
        JsonNode untouched = content(tenant.nhn().send("GET", tenant.path("ticket/" + ticketId + ".json"), null));
        assertThat(untouched.path("status").asString()).isEqualTo("new");
        assertThat(untouched.path("contents")).isEmpty();

        JsonNode solved = content(tenant.nhn().send("POST", solve, "{\"comment\":\"See file\",\"attachments\":"
                + "[{\"attachmentId\":\"" + answerFile + "\"},{\"attachmentId\":\"" + big + "\"}]}"));
        JsonNode answerFiles = solved.path("contents").get(0).path("attachments");
        assertThat(answerFiles.findValuesAsString("attachmentId")).containsExactly(answerFile, big);
        assertThat(answerFiles.get(0).path("fileName").asString()).isEqualTo("answer.png");
        assertThat(answerFiles.get(0).path("size").asLong()).isEqualTo(AttachmentIT.PNG.length);
        var serde = new EventSerde();
        var replied = (TicketReplied) serde.decode(TopicTraffic.records(stack, Topic.TICKET_EVENTS, ticketId, 3).get(1));
        assertThat(replied.getAttachmentIds()).containsExactly(answerFile, big);
        // the answer mail carries the file itself; the one beyond the mail's limit is named instead
        MimeMessage answer = TicketToMailIT.awaitMails(stack, ticketId, 2).stream()
                .filter(m -> !isAcknowledgement(m)).findFirst().orElseThrow();
        Map<String, byte[]> mailed = attachments(answer);
        assertThat(mailed).containsOnlyKeys("answer.png");
        assertThat(mailed.get("answer.png")).isEqualTo(AttachmentIT.PNG);
        assertThat(TicketToMailIT.htmlPart(answer)).contains("Too large to mail, with your ticket: big.png");

        // uploaded just before use: an upload expires after UPLOAD_TTL, however slow the machine is
        String customerFile = AttachmentIT.upload(tenant.nhn(), "/" + tenant.serviceId(), "photo.png", AttachmentIT.PNG);
        JsonNode again = content(TicketToMailIT.createWithFreshUpload(tenant.nhn(),
                tenant.path("ticket/enduser/u1/" + ticketId + "/comment.json"),
                "{\"comment\":\"A photo\",\"attachments\":[{\"attachmentId\":\"" + customerFile + "\"}]}"));
        assertThat(again.path("contents").get(1).path("attachments").findValuesAsString("fileName"))
                .containsExactly("photo.png");

        // referenced by replies, both files outlive the upload TTL that removes the unreferenced one
        await().atMost(StackExtension.UPLOAD_TTL.plusSeconds(20)).pollInterval(java.time.Duration.ofMillis(500))
                .until(() -> tenant.nhn().send("GET", tenant.path("ticket/attachments/" + loose + ".json"), null)
                        .statusCode() == 404);
        for (String file : List.of(answerFile, customerFile, big)) {
            assertThat(tenant.nhn().send("GET", tenant.path("ticket/attachments/" + file + ".json"), null).statusCode())
                    .isEqualTo(200);
        }
    }

    private static boolean isAcknowledgement(MimeMessage mail) {
        try {
            return mail.getMessageID().contains(".ack@");
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The files a mail carries, by name. */
    static Map<String, byte[]> attachments(jakarta.mail.Part part) throws Exception {
        Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        if (jakarta.mail.Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition())) {
            try (var in = part.getInputStream()) {
                files.put(part.getFileName(), in.readAllBytes());
            }
        } else if (part.getContent() instanceof jakarta.mail.Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                files.putAll(attachments(multipart.getBodyPart(i)));
            }
        }
        return files;
    }

    @Test
    void badRequestsAndOtherTenantsAreRefused(LocalStack stack) {
        var tenant = TestTenants.create(stack, "life");
        var other = TestTenants.create(stack, "life");
        String ticketId = create(tenant, "u1");
        assertEnvelopeError(tenant.nhn().send("POST", tenant.path("ticket/solve.json?id=" + ticketId), "{\"comment\":\" \"}"),
                400, "comment");
        assertEnvelopeError(tenant.nhn().send("POST", tenant.path("ticket/solve.json?id=" + ticketId), "{\"note\":\"x\"}"),
                400, "note");
        assertEnvelopeError(tenant.nhn().send("POST", tenant.path("ticket/solve.json"), "{\"comment\":\"x\"}"), 400, "id");
        assertEnvelopeError(tenant.nhn().send("POST", tenant.path("ticket/solve.json?id=T0"), "{\"comment\":\"x\"}"), 404,
                "No ticket T0");
        assertEnvelopeError(other.nhn().send("POST", other.path("ticket/solve.json?id=" + ticketId), "{\"comment\":\"x\"}"),
                404, "No ticket");
        assertEnvelopeError(other.nhn().send("POST", other.path("ticket/" + ticketId + "/close.json"), null), 404,
                "No ticket");
        assertThat(content(tenant.nhn().send("GET", tenant.path("ticket/" + ticketId + ".json"), null))
                .path("status").asString()).isEqualTo("new");
    }
}
