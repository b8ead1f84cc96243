package dev.switchboard.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import tools.jackson.databind.JsonNode;

/** No anonymous way in, and every refusal in the dialect's envelope: what a hostile client tried first. */
@ExtendWith(StackExtension.class)
class EdgeHardeningIT {

    private static final List<String> SERVICES = List.of("account-service", "ticket-service", "attachment-service",
            "notification-service", "gateway");

    /** Paths under every prefix the gateway routes, and the spellings that used to slip past it. */
    private static final List<String> ANONYMOUS = List.of(
            "/actuator/openapi/v1/mail.json", "/actuator/openapi/v1/ticket.json",
            "/actuator/openapi/v1/mail/external/verify.json", "/actuator/openapi/v1/ticket/attachments/upload.json",
            "/actuator/api/v2/ticket/categories.json", "/actuator/health", "/actuator/prometheus",
            "/actuator/gateway/routes", "/actuator/env", "/actuator", "/demo/openapi/v1/ticket.json",
            "/demo/openapi/v1/mail.json", "/demo/openapi/v1/mail/external/verify.json",
            "/demo/openapi/v1/ticket/attachments/upload.json", "/nosuchtenant/api/v2/ticket/categories.json",
            "/operator/v1/tenants", "/operator/v1/tenants/demo", "/", "/demo", "//demo/openapi/v1/ticket.json",
            "/demo/openapi/v1/../../actuator/health", "/DEMO/openapi/v1/ticket.json", "/api/v1/Agents/EMail/GetEMailAccount?id=1",
            "/api/v1/Agents/EMail/SaveEMailAccount");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void noPathUnderAnyRoutedPrefixAnswersWithoutCredentials(LocalStack stack) throws Exception {
        for (String path : ANONYMOUS) {
            for (String method : List.of("GET", "POST", "PUT", "DELETE")) {
                var request = HttpRequest.newBuilder(URI.create(stack.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .method(method, method.equals("GET") || method.equals("DELETE") ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString("{\"name\":\"x\",\"displayMail\":\"x@example.com\"}"))
                        .build();
                var response = http.send(request, HttpResponse.BodyHandlers.ofString());
                String what = method + " " + path + " -> " + response.statusCode() + " " + response.body();
                assertThat(response.statusCode()).as(what).isBetween(400, 499);
                assertRefusalInItsDialect(path, response, what);
            }
        }
    }

    @Test
    void healthAndMetricsAreServedOnlyOnTheManagementPorts(LocalStack stack) throws Exception {
        for (String service : SERVICES) {
            var health = get("http://127.0.0.1:" + stack.managementPort(service) + "/actuator/health");
            assertThat(health.statusCode()).as(service + " health " + health.body()).isEqualTo(200);
            assertThat(health.body()).contains("\"UP\"");
        }
        var metrics = get("http://127.0.0.1:" + stack.managementPort("ticket-service") + "/actuator/prometheus");
        assertThat(metrics.statusCode()).isEqualTo(200);
        // the outbox sweep reports its rounds
        assertThat(metrics.body()).contains("switchboard_task_rounds_total{outcome=\"success\",task=\"outbox-sweep\"}");
        for (String service : List.of("account-service", "ticket-service", "attachment-service", "notification-service")) {
            var direct = get("http://127.0.0.1:" + stack.servicePort(service) + "/actuator/health");
            assertThat(direct.statusCode()).as(service + " API port " + direct.body()).isIn(403, 404);
            assertThat(direct.body()).doesNotContain("\"UP\"");
        }
        var throughGateway = get(stack.baseUrl() + "/actuator/prometheus");
        assertThat(throughGateway.statusCode()).isEqualTo(404);
        assertThat(throughGateway.body()).doesNotContain("jvm_").doesNotContain("Exception");
    }

    @Test
    void aMalformedContentTypeOnASignedPostIsA400(LocalStack stack) throws Exception {
        for (String contentType : List.of("application/json; charset=nonsense", "application/json, text/html",
                "application/json; charset=")) {
            var response = stack.nhnClient().send("POST", EdgeAuthenticationIT.TICKET, EdgeAuthenticationIT.VALID,
                    Map.of("Content-Type", contentType));
            EdgeAuthenticationIT.assertEnvelopeError(response, 400, "Content-Type");
        }
    }

    @Test
    void onlyTheUploadEndpointTakesMultipart(LocalStack stack) throws Exception {
        var response = stack.nhnClient().send("POST", EdgeAuthenticationIT.TICKET, "--x\r\n\r\n--x--\r\n",
                Map.of("Content-Type", "multipart/form-data; boundary=x"));
        EdgeAuthenticationIT.assertEnvelopeError(response, 415, "multipart/form-data is accepted only by");
    }

    /**
     * A refusal at the edge must leave the client's keep-alive connection readable. Reactor Netty 1.3.7 stopped
     * reading a connection whose next request had arrived while the refusal was still being written: that request
     * was never answered, and the client waited until its own timeout. Several connections at once, each an edge
     * refusal followed by a routed read, made it happen several times in a few thousand requests.
     */
    @Test
    void aConnectionKeepsBeingReadAfterTheEdgeRefusedARequestOnIt(LocalStack stack) throws Exception {
        List<String> alternating = List.of("/nosuchtenant/api/v2/ticket/categories.json",
                "/demo/api/v2/ticket/categories.json", "/api/v2/email/settings?domain=other",
                "/demo/api/v2/ticket/categories.json");
        int connections = 6;
        int rounds = 300;
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            List<Callable<Integer>> clients = IntStream.range(0, connections)
                    .<Callable<Integer>>mapToObj(i -> () -> {
                        // one client is one keep-alive connection: each request follows the one before on it
                        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                                .connectTimeout(Duration.ofSeconds(5)).build()) {
                            int answered = 0;
                            for (int round = 0; round < rounds; round++) {
                                String path = alternating.get(round % alternating.size());
                                var request = HttpRequest.newBuilder(URI.create(stack.baseUrl() + path))
                                        // no answer at all is the defect; a slow machine still answers well within
                                        .timeout(Duration.ofSeconds(30))
                                        .header("X-Key", "nobody").header("X-Access-Token", "a.b.c").GET().build();
                                var response = client.send(request, HttpResponse.BodyHandlers.ofString());
                                assertThat(response.statusCode()).as(path + " " + response.body()).isIn(200, 401, 404);
                                answered++;
                            }
                            return answered;
                        }
                    }).toList();
            for (Future<Integer> client : pool.invokeAll(clients)) {
                assertThat(client.get()).isEqualTo(rounds);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static void assertRefusalInItsDialect(String path, HttpResponse<String> response, String what) {
        assertThat(response.body()).as(what).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ")
                .doesNotContain("127.0.0.1");
        JsonNode body = LocalStack.JSON.readTree(response.body());
        if (path.startsWith("/api/v1/")) {
            assertThat(body.path("Error").asString()).as(what).isNotBlank();
        } else {
            assertThat(body.path("header").path("isSuccessful").asBoolean(true)).as(what).isFalse();
            assertThat(body.path("header").path("resultCode").asInt()).as(what).isBetween(400, 499);
        }
    }

    @Test
    void requestsTheHttpDecoderRefusesGetTheEnvelopeToo(LocalStack stack) throws Exception {
        String longHeader = "GET /demo/api/v2/ticket/categories.json HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
                + "a".repeat(20_000) + "\r\nConnection: close\r\n\r\n";
        assertRawEnvelope(stack, longHeader, 431);
        String longUri = "GET /demo/api/v2/ticket/categories.json?x=" + "a".repeat(20_000)
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        assertRawEnvelope(stack, longUri, 414);
        String badEncoding = "GET /demo/api/v2/ticket/categories.json?language=%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Connection: close\r\n\r\n";
        assertRawEnvelope(stack, badEncoding, 400);
    }

    /** Sends bytes no well-behaved client would, and reads the status line and body back. */
    private static void assertRawEnvelope(LocalStack stack, String request, int status) throws Exception {
        URI base = URI.create(stack.baseUrl());
        try (var socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).as(response).startsWith("HTTP/1.1 " + status);
            String body = response.substring(response.indexOf("\r\n\r\n") + 4);
            JsonNode envelope = LocalStack.JSON.readTree(body);
            assertThat(envelope.path("header").path("resultCode").asInt()).as(response).isEqualTo(status);
            assertThat(envelope.path("header").path("isSuccessful").asBoolean(true)).isFalse();
            assertThat(envelope.path("header").path("resultMessage").asString()).isNotBlank();
        }
    }

    @Test
    void aRetriedCreateWithTheSameIdempotencyKeyGetsTheSameTicketAndOneMail(LocalStack stack) {
        var tenant = TestTenants.create(stack, "retry");
        var settings = tenant.nhn().send("POST", tenant.path("mail.json"), LocalStack.JSON.writeValueAsString(Map.of(
                "name", "Retry Support", "displayMail", "support@retry.example", "template", "<p>#{content}</p>")));
        assertThat(settings.statusCode()).as(settings.body()).isEqualTo(200);
        String body = LocalStack.JSON.writeValueAsString(Map.of("subject", "Once", "content", "Only once",
                "endUser", Map.of("email", "once-" + tenant.serviceId() + "@customers.example", "username", "Once")));
        var key = Map.of("Idempotency-Key", "order-4711");

        var first = tenant.nhn().send("POST", tenant.path("ticket.json"), body, key);
        var again = tenant.nhn().send("POST", tenant.path("ticket.json"), body, key);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        String ticketId = LocalStack.JSON.readTree(first.body()).path("result").path("content").path("ticketId").asString();
        assertThat(LocalStack.JSON.readTree(again.body()).path("result").path("content").path("ticketId").asString())
                .isEqualTo(ticketId);
        var list = LocalStack.JSON.readTree(tenant.nhn().send("GET", tenant.path("ticket/list.json"), null).body());
        assertThat(list.path("result").path("total").asLong()).isEqualTo(1);
        TicketToMailIT.awaitMails(stack, ticketId, 1);
        // another tenant's identical key is its own
        var other = TestTenants.create(stack, "retry");
        var theirs = other.nhn().send("POST", other.path("ticket.json"), body, key);
        assertThat(LocalStack.JSON.readTree(theirs.body()).path("result").path("content").path("ticketId").asString())
                .isNotEqualTo(ticketId);
        EdgeAuthenticationIT.assertEnvelopeError(tenant.nhn().send("POST", tenant.path("ticket.json"), body,
                Map.of("Idempotency-Key", "x".repeat(101))), 400, "Idempotency-Key");
    }

    @Test
    void oversizedAndMultiLineFieldsAreRefusedInTheVendorShape(LocalStack stack) {
        String[] bodies = {
                "{\"subject\":\"s\",\"content\":\"c\",\"endUser\":{\"email\":\"a@example.com\",\"username\":\"A\",\"usercode\":\""
                        + "u".repeat(100_000) + "\"}}",
                "{\"subject\":\"s\",\"content\":\"c\",\"language\":\"" + "k".repeat(100_000)
                        + "\",\"endUser\":{\"email\":\"a@example.com\",\"username\":\"A\"}}",
                "{\"subject\":\"s\\r\\nBcc: victim@example.com\",\"content\":\"c\",\"endUser\":{\"email\":\"a@example.com\",\"username\":\"A\"}}",
                "{\"subject\":\"s\",\"content\":\"c\",\"endUser\":{\"email\":\"a@example.com\",\"username\":\"A\\nB\"}}"};
        for (String body : bodies) {
            var response = stack.nhnClient().send("POST", EdgeAuthenticationIT.TICKET, body);
            assertThat(response.statusCode()).as(response.body().substring(0, Math.min(300, response.body().length())))
                    .isBetween(400, 413);
            assertThat(response.body()).doesNotContain("Exception").hasSizeLessThan(5_000);
        }
    }

    @Test
    void aTimestampFromTheFutureIsRefusedLikeAnExpiredOne(LocalStack stack) {
        long sixMinutesAhead = System.currentTimeMillis() + java.time.Duration.ofMinutes(6).toMillis();
        EdgeAuthenticationIT.assertEnvelopeError(stack.nhnClient().send("POST", EdgeAuthenticationIT.TICKET,
                EdgeAuthenticationIT.VALID, sixMinutesAhead), 400, "expired");
    }

    @Test
    void internalHeadersAClientSendsAreDroppedAtTheEdge(LocalStack stack) throws Exception {
        // a forged edge token and tenant header through the gateway: the edge replaces them with its own
        var forged = stack.nhnClient().send("GET", "/demo/openapi/v1/mail.json", null,
                Map.of("X-Switchboard-Edge", "v2.b3RoZXI.0.forged", "X-Switchboard-Tenant", "other"));
        assertThat(forged.statusCode()).as(forged.body()).isEqualTo(200);
        assertThat(LocalStack.JSON.readTree(forged.body()).path("header").path("isSuccessful").asBoolean()).isTrue();
        // and without a valid signature the forged headers open nothing
        var unsigned = http.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/demo/openapi/v1/mail.json"))
                .header("X-Switchboard-Edge", "v2.ZGVtbw.0.forged").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isBetween(400, 403);
        assertRefusalInItsDialect("/demo/openapi/v1/mail.json", unsigned, unsigned.body());
    }
}
