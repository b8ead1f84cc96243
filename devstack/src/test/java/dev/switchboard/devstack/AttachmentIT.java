package dev.switchboard.devstack;

import static dev.switchboard.devstack.EdgeAuthenticationIT.assertEnvelopeError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.switchboard.events.attachment.AttachmentDeleted;
import dev.switchboard.events.attachment.AttachmentUploaded;
import dev.switchboard.platform.events.EventSerde;
import dev.switchboard.schemas.Topic;
import tools.jackson.databind.JsonNode;

/** Uploads streamed into GridFS through the signed edge, downloads by signed link, references and expiry. */
@ExtendWith(StackExtension.class)
class AttachmentIT {

    static final byte[] PNG = HexFormat.of().parseHex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489");
    static final byte[] EXE = "MZ\u0090\u0000\u0003\u0000\u0000\u0000This program cannot be run in DOS mode."
            .getBytes(StandardCharsets.ISO_8859_1);
    static final long TEN_MB = 10L * 1024 * 1024;

    /** Uploads and returns the new attachment id. */
    static String upload(NhnClient nhn, String tenantPrefix, String name, byte[] content) {
        var response = nhn.upload(tenantPrefix + "/openapi/v1/ticket/attachments/upload.json", name, content, content);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return LocalStack.JSON.readTree(response.body()).path("result").path("content").path("attachmentId").asString();
    }

    /** {@code size} bytes that start like a PNG, generated as they are read. */
    static InputStream pngOfSize(long size) {
        return new InputStream() {
            long position;

            @Override
            public int read() {
                if (position >= size) {
                    return -1;
                }
                int b = position < PNG.length ? PNG[(int) position] & 0xff : 0;
                position++;
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (position >= size) {
                    return -1;
                }
                int n = (int) Math.min(length, size - position);
                for (int i = 0; i < n; i++) {
                    buffer[offset + i] = position + i < PNG.length ? PNG[(int) (position + i)] : 0;
                }
                position += n;
                return n;
            }
        };
    }

    static JsonNode ocException(HttpResponse<String> response, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode body = LocalStack.JSON.readTree(response.body());
        assertThat(body.path("header").path("resultCode").asInt()).isEqualTo(400);
        assertThat(body.path("header").path("resultMessage").asString()).isEqualTo(message);
        assertThat(body.path("header").path("isSuccessful").asBoolean()).isFalse();
        assertThat(body.path("result").path("content").path("exception").asString()).isEqualTo("OcException");
        assertThat(body.path("result").path("content").path("message").asString()).isEqualTo(message);
        return body;
    }

    static HttpResponse<byte[]> get(LocalStack stack, String pathAndQuery) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + pathAndQuery)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        }
    }

    static String ticket(String attachments) {
        return "{\"subject\":\"s\",\"content\":\"c\",\"endUser\":{\"email\":\"a@example.com\",\"username\":\"A\"},"
                + "\"attachments\":[" + attachments + "]}";
    }

    @Test
    void theSeedUploadAnswersInTheSeedShapeAndDownloadsBySignedLink(LocalStack stack) throws Exception {
        var tenant = TestTenants.create(stack, "files");
        var response = tenant.nhn().upload(tenant.path("ticket/attachments/upload.json"), "image.png", PNG, PNG);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode content = LocalStack.JSON.readTree(response.body()).path("result").path("content");
        String id = content.path("attachmentId").asString();
        assertThat(id).matches("[0-9a-f]{32}");
        assertThat(content.path("fileName").asString()).isEqualTo("image.png");
        assertThat(content.path("contentType").asString()).isEqualTo("image/png");
        assertThat(content.path("disposition").asString()).isEqualTo("attachment");
        assertThat(content.path("size").asLong()).isEqualTo(PNG.length);
        var event = (AttachmentUploaded) new EventSerde().decode(
                TopicTraffic.records(stack, Topic.ATTACHMENT_EVENTS, id, 1).getFirst());
        assertThat(event.getMetadata().getServiceId()).isEqualTo(tenant.serviceId());

        // the public path needs a link the signed API hands out
        assertEnvelopeError(tenant.nhn().send("GET", "/" + tenant.serviceId() + "/api/v2/ticket/attachments/" + id, null),
                403, "invalid or has expired");
        JsonNode link = LocalStack.JSON.readTree(tenant.nhn().send("GET",
                tenant.path("ticket/attachments/" + id + "/link.json?type=download"), null).body()).path("result").path("content");
        String url = link.path("url").asString();
        var download = get(stack, url);
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(PNG);
        assertThat(download.headers().firstValue("Content-Type")).contains("image/png");
        assertThat(download.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(download.headers().firstValue("Content-Disposition"))
                .contains("attachment; filename=\"image.png\"; filename*=UTF-8''image.png");
        // a changed type, id or signature breaks the link
        var tampered = get(stack, url.replace("type=download", "type=open"));
        assertThat(tampered.statusCode()).isEqualTo(403);
        assertThat(get(stack, url.substring(0, url.length() - 2) + "xx").statusCode()).isEqualTo(403);
        // signed calls may download directly, and open inline
        var open = tenant.nhn().send("GET", tenant.path("ticket/attachments/" + id + "?type=open"), null);
        assertThat(open.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("inline;");

        // another tenant finds nothing
        var other = TestTenants.create(stack, "files");
        assertEnvelopeError(other.nhn().send("GET", other.path("ticket/attachments/" + id + ".json"), null), 404,
                "No attachment");
        assertEnvelopeError(other.nhn().send("GET", other.path("ticket/attachments/" + id + "/link.json"), null), 404,
                "No attachment");
        assertEnvelopeError(other.nhn().send("DELETE", other.path("ticket/attachments/" + id + ".json"), null), 404,
                "No attachment");
        assertThat(get(stack, url.replace("/" + tenant.serviceId() + "/", "/" + other.serviceId() + "/")).statusCode())
                .isEqualTo(403);

        // delete: gone, evented, and deleting again is 404
        assertThat(tenant.nhn().send("DELETE", tenant.path("ticket/attachments/" + id + ".json"), null).statusCode())
                .isEqualTo(200);
        assertEnvelopeError(tenant.nhn().send("GET", tenant.path("ticket/attachments/" + id + ".json"), null), 404,
                "No attachment");
        assertThat(get(stack, url).statusCode()).isEqualTo(404);
        var deleted = (AttachmentDeleted) new EventSerde().decode(
                TopicTraffic.records(stack, Topic.ATTACHMENT_EVENTS, id, 2).getLast());
        assertThat(deleted.getReason()).isEqualTo("deleted");
        assertEnvelopeError(tenant.nhn().send("DELETE", tenant.path("ticket/attachments/" + id + ".json"), null), 404,
                "No attachment");
    }

    @Test
    void tenMegabytesPassAndOneByteMoreDoesNotWithoutEitherBeingHeldInMemory(LocalStack stack) {
        var tenant = TestTenants.create(stack, "files");
        String path = tenant.path("ticket/attachments/upload.json");
        var exact = tenant.nhn().upload(path, "big.png", () -> pngOfSize(TEN_MB));
        assertThat(exact.statusCode()).as(exact.body()).isEqualTo(200);
        assertThat(LocalStack.JSON.readTree(exact.body()).path("result").path("content").path("size").asLong())
                .isEqualTo(TEN_MB);
        ocException(tenant.nhn().upload(path, "big.png", () -> pngOfSize(TEN_MB + 1)),
                "You can only attach files up to 10MB.");
    }

    @Test
    void namesTypesAndContentMustAgree(LocalStack stack) {
        var tenant = TestTenants.create(stack, "files");
        String path = tenant.path("ticket/attachments/upload.json");
        ocException(tenant.nhn().upload(path, "cat.png", EXE, EXE), "This file format cannot be attached.");
        ocException(tenant.nhn().upload(path, "setup.exe", EXE, EXE), "This file format cannot be attached.");
        byte[] html = "<!DOCTYPE html><html><body><script>alert(1)</script></body></html>".getBytes(StandardCharsets.UTF_8);
        ocException(tenant.nhn().upload(path, "notes.txt", html, html), "This file format cannot be attached.");
        ocException(tenant.nhn().upload(path, "n".repeat(97) + ".png", PNG, PNG), "File name maximum length exceeded.(100)");
        assertThat(tenant.nhn().upload(path, "n".repeat(96) + ".png", PNG, PNG).statusCode()).isEqualTo(200);
        ocException(tenant.nhn().upload(path, "empty.txt", new byte[0], new byte[0]), "The file is empty.");
    }

    @Test
    void ticketsReferenceOnlyTheirTenantsFilesAtMostFive(LocalStack stack) {
        var tenant = TestTenants.create(stack, "files");
        var other = TestTenants.create(stack, "files");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(upload(tenant.nhn(), "/" + tenant.serviceId(), "image" + i + ".png", PNG));
        }
        String foreign = upload(other.nhn(), "/" + other.serviceId(), "theirs.png", PNG);
        String six = String.join(",", ids.stream().map(id -> "{\"attachmentId\":\"" + id + "\"}").toList());
        var tooMany = tenant.nhn().send("POST", tenant.path("ticket.json"), ticket(six));
        assertThat(LocalStack.JSON.readTree(tooMany.body()).path("result").path("contents").findValuesAsString("key"))
                .containsExactly("validate.ticket.attachment.length");

        var theirs = tenant.nhn().send("POST", tenant.path("ticket.json"), ticket("{\"attachmentId\":\"" + ids.get(0) + "\"},{\"attachmentId\":\"" + foreign + "\"},{\"attachmentId\":\"nosuchfile\"}"));
        JsonNode failures = LocalStack.JSON.readTree(theirs.body()).path("result").path("contents");
        assertThat(failures.findValuesAsString("key")).containsExactly("validate.ticket.attachment.invalid",
                "validate.ticket.attachment.invalid");
        assertThat(failures.findValuesAsString("rejectValue")).containsExactly(foreign, "nosuchfile");

        var made = tenant.nhn().send("POST", tenant.path("ticket.json"),
                ticket("{\"attachmentId\":\"" + ids.get(0) + "\"}"));
        assertThat(made.statusCode()).as(made.body()).isEqualTo(200);
        JsonNode attachment = LocalStack.JSON.readTree(made.body()).path("result").path("content").path("attachments").get(0);
        assertThat(attachment.path("fileName").asString()).isEqualTo("image0.png");
        assertThat(attachment.path("contentType").asString()).isEqualTo("image/png");
        assertThat(attachment.path("size").asLong()).isEqualTo(PNG.length);
        String ticketId = LocalStack.JSON.readTree(made.body()).path("result").path("content").path("ticketId").asString();
        assertThat(LocalStack.JSON.readTree(tenant.nhn().send("GET", tenant.path("ticket/" + ticketId + ".json"), null).body())
                .path("result").path("content").path("attachments").get(0).path("fileName").asString()).isEqualTo("image0.png");
    }

    @Test
    void unreferencedUploadsExpireAndReferencedOnesStayEvenWhenEventsRepeat(LocalStack stack) throws Exception {
        var tenant = TestTenants.create(stack, "files");
        String loose = upload(tenant.nhn(), "/" + tenant.serviceId(), "loose.png", PNG);
        String kept = upload(tenant.nhn(), "/" + tenant.serviceId(), "kept.png", PNG);
        var made = tenant.nhn().send("POST", tenant.path("ticket.json"), ticket("{\"attachmentId\":\"" + kept + "\"}"));
        assertThat(made.statusCode()).as(made.body()).isEqualTo(200);
        String ticketId = LocalStack.JSON.readTree(made.body()).path("result").path("content").path("ticketId").asString();

        // the ticket event and the upload event arrive again
        var serde = new EventSerde();
        try (var producer = TopicTraffic.producer(stack)) {
            producer.send(TopicTraffic.copyOf(TopicTraffic.records(stack, Topic.TICKET_EVENTS, ticketId, 1).getFirst())).get();
            producer.send(TopicTraffic.copyOf(TopicTraffic.records(stack, Topic.ATTACHMENT_EVENTS, loose, 1).getFirst())).get();
        }

        await().atMost(StackExtension.UPLOAD_TTL.plusSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() ->
                tenant.nhn().send("GET", tenant.path("ticket/attachments/" + loose + ".json"), null).statusCode() == 404);
        // the upload, its redelivered copy, then the expiry (published by the relay a moment after the 404)
        var expired = (AttachmentDeleted) serde.decode(TopicTraffic.records(stack, Topic.ATTACHMENT_EVENTS, loose, 3).getLast());
        assertThat(expired.getReason()).isEqualTo("expired");
        // the redelivered upload event does not make the expired file usable again
        var late = tenant.nhn().send("POST", tenant.path("ticket.json"), ticket("{\"attachmentId\":\"" + loose + "\"}"));
        assertThat(late.statusCode()).isEqualTo(400);

        assertThat(tenant.nhn().send("GET", tenant.path("ticket/attachments/" + kept + ".json"), null).statusCode())
                .isEqualTo(200);
    }
}
