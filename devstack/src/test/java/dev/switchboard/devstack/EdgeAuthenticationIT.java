package dev.switchboard.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import tools.jackson.databind.JsonNode;

/** What the edge and the services refuse, each in the NHN envelope and never as a 500. */
@ExtendWith(StackExtension.class)
class EdgeAuthenticationIT {

    static final String TICKET = "/demo/openapi/v1/ticket.json";
    static final String UPLOAD = "/demo/openapi/v1/ticket/attachments/upload.json";
    static final String VALID = "{\"categoryId\":2536,\"subject\":\"s\",\"content\":\"c\",\"endUser\":{\"email\":\"a@example.com\",\"username\":\"A\"}}";

    @Test
    void badSignatureIsRefusedWith400(LocalStack stack) {
        var response = stack.nhnClient().sendRaw("POST", TICKET, VALID, "bm90IGEgc2lnbmF0dXJl",
                Long.toString(System.currentTimeMillis()));
        assertEnvelopeError(response, 400, "signature does not match");
    }

    @Test
    void expiredTimestampIsRefusedWith400(LocalStack stack) {
        long sixMinutesAgo = System.currentTimeMillis() - Duration.ofMinutes(6).toMillis();
        var response = stack.nhnClient().send("POST", TICKET, VALID, sixMinutesAgo);
        assertEnvelopeError(response, 400, "expired");
    }

    @Test
    void nonNumericTimestampAndMissingAuthorizationAreRefusedWith400(LocalStack stack) {
        assertEnvelopeError(stack.nhnClient().sendRaw("POST", TICKET, VALID, "x", "yesterday"), 400, "epoch milliseconds");
        assertEnvelopeError(stack.nhnClient().sendRaw("POST", TICKET, VALID, null,
                Long.toString(System.currentTimeMillis())), 400, "Authorization header is required");
    }

    @Test
    void unknownServiceIsRefusedWith403(LocalStack stack) {
        var response = stack.nhnClient().send("POST", "/nosuchservice/openapi/v1/ticket.json", VALID);
        assertEnvelopeError(response, 403, "No enabled service key");
    }

    @Test
    void brokenJsonIsRefusedWith400(LocalStack stack) {
        // the vendor's examples miss commas; a signed but broken body is a precise 400, not a 500
        var response = stack.nhnClient().send("POST", TICKET, "{\"subject\": \"s\" \"content\": \"c\"}");
        assertEnvelopeError(response, 400, "Malformed JSON");
    }

    @Test
    void wrongTypeIsRefusedWith400NamingTheField(LocalStack stack) {
        var response = stack.nhnClient().send("POST", TICKET, VALID.replace("\"categoryId\":2536", "\"categoryId\":\"abc\""));
        assertEnvelopeError(response, 400, "categoryId");
    }

    @Test
    void invalidTicketReportsEveryFailureInTheVendorShape(LocalStack stack) {
        var response = stack.nhnClient().send("POST", TICKET,
                "{\"subject\":\"\",\"content\":\"c\",\"endUser\":{\"email\":\"not-a-mail\",\"username\":\"A\",\"phone\":\"1234567890123456789012345678901\"}}");
        JsonNode body = assertEnvelopeError(response, 400, "Invalid ticket");
        JsonNode failures = body.path("result").path("contents");
        assertThat(failures.findValuesAsString("key")).contains("validate.ticket.subject.required",
                "validate.ticket.mail.invalid", "validate.ticket.phone.length");
        JsonNode mail = failures.valueStream().filter(f -> f.path("objectName").asString().equals("mail")).findFirst().orElseThrow();
        assertThat(mail.path("field").asString()).isEqualTo("3");
        assertThat(mail.path("message").asString()).isEqualTo("validate.ticket.mail.invalid");
        assertThat(mail.path("rejectValue").asString()).isEqualTo("not-a-mail");
    }

    @Test
    void numericStringCategoryIdIsAccepted(LocalStack stack) {
        var response = stack.nhnClient().send("POST", TICKET, VALID.replace("\"categoryId\":2536", "\"categoryId\":\"2539\""));
        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void servicesRefuseRequestsThatWentAroundTheGateway(LocalStack stack) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stack.servicePort("ticket-service") + TICKET))
                .header("Content-Type", "application/json")
                .header("X-Switchboard-Edge", "v1.ZGVtbw.0.forged")
                .POST(HttpRequest.BodyPublishers.ofString(VALID)).build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            assertEnvelopeError(http.send(request, HttpResponse.BodyHandlers.ofString()), 403, "through the Switchboard gateway");
        }
    }

    @Test
    void operatorApiNeedsTheOperatorToken(LocalStack stack) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/operator/v1/tenants/demo"))
                .header("Authorization", "Bearer wrong").GET().build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            assertEnvelopeError(http.send(request, HttpResponse.BodyHandlers.ofString()), 403, "operator");
        }
        var found = stack.operator("GET", "/operator/v1/tenants/demo", null);
        assertThat(found.statusCode()).isEqualTo(200);
        assertThat(found.body()).contains("\"serviceKey\":\"********\"").doesNotContain(stack.demoTenant().serviceKey());
    }

    @Test
    void uploadSignedOverTheFileMd5PassesTheEdge(LocalStack stack) {
        byte[] hello = "hello\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var passed = stack.nhnClient().upload(UPLOAD, "hello.txt", hello, hello);
        assertThat(passed.statusCode()).as(passed.body()).isEqualTo(200);

        var wrongFile = stack.nhnClient().upload(UPLOAD, "hello.txt", hello, "other".getBytes());
        assertEnvelopeError(wrongFile, 400, "signature does not match");
    }

    @Test
    void multipartWithoutFileIsRefusedWith400(LocalStack stack) {
        byte[] text = "just a note".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertEnvelopeError(stack.nhnClient().upload(UPLOAD, null, text, text), 400, "needs a file part");
    }

    @Test
    void disabledServiceIsRefusedWith403AndOtherTenantsCredentialsNeverOpenIt(LocalStack stack) {
        var tenant = TestTenants.create(stack, "disable");
        String serviceId = tenant.serviceId();
        var nhn = tenant.nhn();
        String path = tenant.path("mail.json");
        // another tenant's valid credentials do not open this tenant's paths
        assertEnvelopeError(stack.nhnClient().send("GET", path, null), 400, "signature does not match");

        assertThat(stack.operator("POST", "/operator/v1/tenants/" + serviceId + "/disable", null).statusCode()).isEqualTo(200);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> nhn.send("GET", path, null).statusCode() == 403);
        assertEnvelopeError(nhn.send("GET", path, null), 403, "No enabled service key");

        assertThat(stack.operator("POST", "/operator/v1/tenants/" + serviceId + "/enable", null).statusCode()).isEqualTo(200);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> nhn.send("GET", path, null).statusCode() == 200);
    }

    @Test
    void unknownPathIs404InTheEnvelope(LocalStack stack) {
        assertEnvelopeError(stack.nhnClient().send("GET", "/demo/openapi/v1/no-such-thing.json", null), 404, "No API");
    }

    static JsonNode assertEnvelopeError(HttpResponse<String> response, int status, String messagePart) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = LocalStack.JSON.readTree(response.body());
        assertThat(body.path("header").path("resultCode").asInt()).isEqualTo(status);
        assertThat(body.path("header").path("isSuccessful").asBoolean()).isFalse();
        assertThat(body.path("header").path("resultMessage").asString()).contains(messagePart);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        return body;
    }
}
