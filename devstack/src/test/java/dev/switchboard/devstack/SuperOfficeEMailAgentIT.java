package dev.switchboard.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.switchboard.devstack.TestTenants.TestTenant;
import dev.switchboard.schemas.Topic;
import tools.jackson.databind.JsonNode;

/**
 * The SuperOffice EMail agent against GreenMail: the same mailboxes as the NHN external accounts, PascalCase
 * bodies, Basic or Bearer credentials mapped to the tenant, the WebAPI's error object, never a password.
 */
@ExtendWith(StackExtension.class)
class SuperOfficeEMailAgentIT {

    static final String AGENT = "/api/v1/Agents/EMail/";
    static final String IMAP_PASSWORD = "so-imap-pw-91c2";
    static final String SMTP_PASSWORD = "so-smtp-pw-57ad";
    static final String SEED_REQUEST = """
            {
              "EMailAccountId": 270,
              "EMailAddress": "non",
              "AssociateId": 244,
              "IncomingCredentials": null,
              "OutgoingCredentials": null,
              "AccountStatus": 546,
              "ErrorCount": 416,
              "ErrorReason": "",
              "InboxFolder": "dolorum",
              "SentFolder": "ex",
              "SimpleMode": 264,
              "LastFetch": "2008-08-06T16:32:38.9926739+02:00"
            }""";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static HttpResponse<String> post(LocalStack stack, String authorization, String pathAndQuery, String body) {
        var request = HttpRequest.newBuilder(URI.create(stack.baseUrl() + AGENT + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Accept", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return HTTP.send(request.POST(body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A GreenMail user whose IMAP and SMTP logins are its address and {@link #IMAP_PASSWORD}. */
    static String mailbox(LocalStack stack) {
        String mail = "so" + System.nanoTime() + "@agent.example";
        stack.infrastructure().mail().setUser(mail, mail, IMAP_PASSWORD);
        return mail;
    }

    static Map<String, Object> auth(String server, int port, String user, String password) {
        Map<String, Object> auth = new LinkedHashMap<>();
        auth.put("Server", server);
        auth.put("Port", port);
        auth.put("AuthType", "password");
        auth.put("Username", user);
        auth.put("Password", password);
        return auth;
    }

    /** The seed's request made valid: a real address, GreenMail credentials, id 0 to create. */
    static Map<String, Object> account(LocalStack stack, int id, String mail, String password) {
        Map<String, Object> body = LocalStack.JSON.readValue(SEED_REQUEST, LinkedHashMap.class);
        body.put("EMailAccountId", id);
        body.put("EMailAddress", mail);
        body.put("IncomingCredentials", auth("127.0.0.1", stack.infrastructure().imapPort(), mail, password));
        return body;
    }

    static String json(Object value) {
        return LocalStack.JSON.writeValueAsString(value);
    }

    static JsonNode assertSoError(HttpResponse<String> response, int status, String messagePart) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = LocalStack.JSON.readTree(response.body());
        assertThat(body.path("Error").asString()).contains(messagePart);
        assertThat(body.path("ErrorType").asString()).isNotBlank();
        assertThat(body.has("header")).as("not the NHN envelope").isFalse();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        return body;
    }

    @Test
    void theSeedRequestAsPrintedIsRefusedPrecisely(LocalStack stack) {
        var tenant = TestTenants.create(stack, "so");
        JsonNode error = assertSoError(post(stack, tenant.basicAuthorization(), "SaveEMailAccount", SEED_REQUEST),
                400, "EMailAddress");
        assertThat(error.path("ErrorSource").asString()).isEqualTo("EMailAddress");
    }

    @Test
    void savesGetsUpdatesAndDeletesOneModelWithTheNhnApi(LocalStack stack) {
        var tenant = TestTenants.create(stack, "so");
        String mail = mailbox(stack);
        var body = account(stack, 0, mail, IMAP_PASSWORD);
        body.put("OutgoingCredentials", auth("127.0.0.1", stack.infrastructure().smtpPort(), mail, IMAP_PASSWORD));

        var created = post(stack, tenant.basicAuthorization(), "SaveEMailAccount", json(body));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        JsonNode account = LocalStack.JSON.readTree(created.body());
        int id = account.path("EMailAccountId").asInt();
        assertThat(id).isPositive();
        assertThat(account.path("EMailAddress").asString()).isEqualTo(mail);
        assertThat(account.path("AssociateId").asInt()).isEqualTo(244);
        assertThat(account.path("InboxFolder").asString()).isEqualTo("dolorum");
        assertThat(account.path("SimpleMode").asInt()).isEqualTo(264);
        assertThat(account.path("IncomingCredentials").path("Server").asString()).isEqualTo("127.0.0.1");
        assertThat(account.path("IncomingCredentials").path("Username").asString()).isEqualTo(mail);
        assertThat(account.path("IncomingCredentials").path("Password").asString()).isEqualTo("********");
        assertThat(account.path("OutgoingCredentials").path("Password").asString()).isEqualTo("********");
        // read-only health is what the fetcher reports, not what the client sent
        assertThat(account.path("AccountStatus").asInt()).isZero();
        assertThat(account.path("ErrorCount").asInt()).isZero();
        assertThat(account.path("LastFetch").isNull()).isTrue();

        var read = post(stack, "Bearer " + tenant.serviceId() + "." + tenant.agentSecret(),
                "GetEMailAccount?eMailAccountId=" + id, null);
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        // the fetcher may have looked at the mailbox meanwhile: its health may have moved on, the rest not
        assertThat(withoutHealth(LocalStack.JSON.readTree(read.body()))).isEqualTo(withoutHealth(account));

        // the very same mailbox is an NHN external account
        var settings = tenant.nhn().send("GET", tenant.path("mail.json"), null);
        JsonNode external = LocalStack.JSON.readTree(settings.body()).path("result").path("content").path("external");
        assertThat(external.findValuesAsString("mail")).containsExactly(mail);
        assertThat(external.get(0).path("id").asInt()).isEqualTo(id);

        // an update with the masked passwords read back keeps them, after logging in with them again
        var update = LocalStack.JSON.readValue(read.body(), LinkedHashMap.class);
        update.put("InboxFolder", "INBOX");
        var updated = post(stack, tenant.basicAuthorization(), "SaveEMailAccount", json(update));
        assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
        assertThat(LocalStack.JSON.readTree(updated.body()).path("InboxFolder").asString()).isEqualTo("INBOX");
        assertThat(LocalStack.JSON.readTree(updated.body()).path("EMailAccountId").asInt()).isEqualTo(id);

        // a wrong new password is refused and changes nothing
        var wrong = account(stack, id, mail, "wrong-" + IMAP_PASSWORD);
        wrong.put("InboxFolder", "Elsewhere");
        assertSoError(post(stack, tenant.basicAuthorization(), "SaveEMailAccount", json(wrong)), 400,
                "authentication failed");
        var unchanged = post(stack, tenant.basicAuthorization(), "GetEMailAccount", json(Map.of("EMailAccountId", id)));
        assertThat(LocalStack.JSON.readTree(unchanged.body()).path("InboxFolder").asString()).isEqualTo("INBOX");

        var deleted = post(stack, tenant.basicAuthorization(), "DeleteEMailAccount?eMailAccountId=" + id, null);
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
        assertSoError(post(stack, tenant.basicAuthorization(), "GetEMailAccount?eMailAccountId=" + id, null), 404,
                "No external account " + id);
        var events = TopicTraffic.records(stack, Topic.MAILBOX_EVENTS, tenant.serviceId() + ":" + id, 3);
        assertThat(events).extracting(record -> new String(record.headers().lastHeader("sb-event-type").value(),
                        StandardCharsets.UTF_8))
                .containsExactly("dev.switchboard.events.mailbox.ExternalAccountRegistered",
                        "dev.switchboard.events.mailbox.ExternalAccountUpdated",
                        "dev.switchboard.events.mailbox.ExternalAccountDeleted");
        assertThat(events).allSatisfy(event -> assertThat(new String(event.value(), StandardCharsets.UTF_8))
                .doesNotContain(IMAP_PASSWORD));
    }

    @Test
    void authenticatesIncomingAndOutgoingAgainstRealServers(LocalStack stack) throws Exception {
        var tenant = TestTenants.create(stack, "so");
        String mail = mailbox(stack);
        int imap = stack.infrastructure().imapPort();
        int smtp = stack.infrastructure().smtpPort();
        String auth = tenant.basicAuthorization();

        var ok = post(stack, auth, "AuthenticateIncoming",
                json(Map.of("IncomingCredentials", auth("127.0.0.1", imap, mail, IMAP_PASSWORD))));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("true");

        var wrong = post(stack, auth, "AuthenticateIncoming",
                json(Map.of("IncomingCredentials", auth("127.0.0.1", imap, mail, "wrong-" + IMAP_PASSWORD))));
        assertThat(wrong.body()).isEqualTo("false");
        assertThat(wrong.headers().firstValue("X-Authentication-Failure")).hasValue("authentication failed");

        var sending = post(stack, auth, "AuthenticateOutgoing",
                json(Map.of("OutgoingCredentials", auth("127.0.0.1", smtp, mail, IMAP_PASSWORD))));
        assertThat(sending.body()).as(sending.headers().map().toString()).isEqualTo("true");
        var wrongSmtp = post(stack, auth, "AuthenticateOutgoing",
                json(Map.of("OutgoingCredentials", auth("127.0.0.1", smtp, mail, "wrong-" + SMTP_PASSWORD))));
        assertThat(wrongSmtp.body()).isEqualTo("false");
        assertThat(wrongSmtp.headers().firstValue("X-Authentication-Failure")).hasValue("authentication failed");

        int closed;
        try (var socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        var unreachable = post(stack, auth, "AuthenticateIncoming",
                json(Map.of("IncomingCredentials", auth("127.0.0.1", closed, mail, IMAP_PASSWORD))));
        assertThat(unreachable.body()).isEqualTo("false");
        assertThat(unreachable.headers().firstValue("X-Authentication-Failure").orElseThrow()).startsWith("host unreachable");

        for (String host : new String[] {"10.20.30.40", "169.254.169.254", "192.168.0.10"}) {
            var refused = post(stack, auth, "AuthenticateIncoming",
                    json(Map.of("IncomingCredentials", auth(host, 993, mail, IMAP_PASSWORD))));
            assertThat(refused.body()).isEqualTo("false");
            assertThat(refused.headers().firstValue("X-Authentication-Failure").orElseThrow()).startsWith("host refused");
            assertSoError(post(stack, auth, "SaveEMailAccount", json(Map.of("EMailAddress", mail,
                    "IncomingCredentials", auth(host, 993, mail, IMAP_PASSWORD)))), 400, "host refused");
        }
    }

    @Test
    void badInputGetsTheWebApiErrorObject(LocalStack stack) {
        var tenant = TestTenants.create(stack, "so");
        String auth = tenant.basicAuthorization();
        String mail = mailbox(stack);

        var unknown = account(stack, 0, mail, IMAP_PASSWORD);
        unknown.put("Nickname", "x");
        assertSoError(post(stack, auth, "SaveEMailAccount", json(unknown)), 400, "Nickname");

        var wrongType = account(stack, 0, mail, IMAP_PASSWORD);
        ((Map<String, Object>) wrongType.get("IncomingCredentials")).put("Port", "imap");
        assertSoError(post(stack, auth, "SaveEMailAccount", json(wrongType)), 400, "IncomingCredentials.Port");

        var oversize = account(stack, 0, mail, IMAP_PASSWORD);
        ((Map<String, Object>) oversize.get("IncomingCredentials")).put("Server", "h".repeat(300) + ".example");
        JsonNode tooLong = assertSoError(post(stack, auth, "SaveEMailAccount", json(oversize)), 400, "Server");
        assertThat(tooLong.path("ErrorSource").asString()).isEqualTo("IncomingCredentials.Server");

        var outOfRange = account(stack, 0, mail, IMAP_PASSWORD);
        ((Map<String, Object>) outOfRange.get("IncomingCredentials")).put("Port", 70000);
        assertSoError(post(stack, auth, "SaveEMailAccount", json(outOfRange)), 400, "IncomingCredentials.Port");

        var oauth = account(stack, 0, mail, IMAP_PASSWORD);
        ((Map<String, Object>) oauth.get("IncomingCredentials")).put("AuthType", "OAuth");
        assertSoError(post(stack, auth, "SaveEMailAccount", json(oauth)), 400, "AuthType");

        var noCredentials = account(stack, 0, mail, IMAP_PASSWORD);
        noCredentials.put("IncomingCredentials", null);
        assertSoError(post(stack, auth, "SaveEMailAccount", json(noCredentials)), 400, "IncomingCredentials");

        assertSoError(post(stack, auth, "SaveEMailAccount", "{\"EMailAddress\": \"a@b.example\" \"x\": 1}"), 400,
                "Malformed JSON");
        assertSoError(post(stack, auth, "GetEMailAccount", null), 400, "eMailAccountId");
        assertSoError(post(stack, auth, "GetEMailAccount?eMailAccountId=abc", null), 400, "eMailAccountId");
        assertSoError(post(stack, auth, "GetEMailAccount?eMailAccountId=999999", null), 404, "999999");
        assertSoError(post(stack, auth, "NoSuchMethod", "{}"), 404, "NoSuchMethod");
    }

    @Test
    void credentialsMapToOneTenantAndNeverReachAnother(LocalStack stack) {
        TestTenant owner = TestTenants.create(stack, "so");
        TestTenant other = TestTenants.create(stack, "so");
        String mail = mailbox(stack);
        var created = post(stack, owner.basicAuthorization(), "SaveEMailAccount",
                json(account(stack, 0, mail, IMAP_PASSWORD)));
        int id = LocalStack.JSON.readTree(created.body()).path("EMailAccountId").asInt();

        var foreign = post(stack, other.basicAuthorization(), "GetEMailAccount?eMailAccountId=" + id, null);
        assertSoError(foreign, 404, "No external account");
        assertThat(foreign.body()).doesNotContain(mail);
        var foreignUpdate = account(stack, id, mail, IMAP_PASSWORD);
        assertSoError(post(stack, other.basicAuthorization(), "SaveEMailAccount", json(foreignUpdate)), 404,
                "No external account");
        assertSoError(post(stack, other.basicAuthorization(), "DeleteEMailAccount?eMailAccountId=" + id, null), 404,
                "No external account");
        assertThat(post(stack, owner.basicAuthorization(), "GetEMailAccount?eMailAccountId=" + id, null).statusCode())
                .isEqualTo(200);

        var missing = post(stack, null, "GetEMailAccount?eMailAccountId=" + id, null);
        assertSoError(missing, 401, "Authorization");
        assertThat(missing.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("Basic");
        String wrongSecret = "Basic " + java.util.Base64.getEncoder().encodeToString(
                (owner.serviceId() + ":" + other.agentSecret()).getBytes(StandardCharsets.UTF_8));
        assertSoError(post(stack, wrongSecret, "GetEMailAccount?eMailAccountId=" + id, null), 401, "invalid");
        assertSoError(post(stack, "Bearer nobody.secret", "GetEMailAccount?eMailAccountId=" + id, null), 401, "invalid");
        assertSoError(post(stack, "Digest abc", "GetEMailAccount?eMailAccountId=" + id, null), 401, "Basic or Bearer");
        // the NHN signature is no credential here, and the agent secret is none on NHN paths
        var signedPath = owner.nhn().send("GET", owner.path("mail.json"), null);
        assertThat(signedPath.statusCode()).isEqualTo(200);
    }

    @Test
    void theDemoTenantCarriesWorkingCredentials(LocalStack stack) {
        var demo = stack.demoTenant();
        for (String authorization : new String[] {demo.basicAuthorization(), demo.bearerAuthorization()}) {
            var response = post(stack, authorization, "GetEMailAccount?eMailAccountId=987654", null);
            assertSoError(response, 404, "987654");
        }
    }

    @Test
    void noResponseEventOrLogLineOfTheRunContainsAPassword(LocalStack stack) throws IOException {
        var tenant = TestTenants.create(stack, "so");
        String mail = mailbox(stack);
        var body = account(stack, 0, mail, IMAP_PASSWORD);
        var created = post(stack, tenant.basicAuthorization(), "SaveEMailAccount", json(body));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        assertThat(created.body()).doesNotContain(IMAP_PASSWORD);
        var failed = post(stack, tenant.basicAuthorization(), "SaveEMailAccount",
                json(account(stack, 0, mailbox(stack), SMTP_PASSWORD)));
        assertThat(failed.body()).doesNotContain(SMTP_PASSWORD);

        for (var record : TopicTraffic.all(stack, Topic.MAILBOX_EVENTS)) {
            assertThat(new String(record.value(), StandardCharsets.UTF_8))
                    .doesNotContain(IMAP_PASSWORD).doesNotContain(SMTP_PASSWORD)
                    .doesNotContain(ExternalAccountVerifyIT.PASSWORD);
        }
        Path logs = Path.of(System.getProperty("switchboard.logs.dir", "target/it-logs"));
        try (Stream<Path> files = Files.walk(logs)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String log = Files.readString(file, StandardCharsets.UTF_8);
                assertThat(log).as(file.toString()).doesNotContain(IMAP_PASSWORD).doesNotContain(SMTP_PASSWORD)
                        .doesNotContain(ExternalAccountVerifyIT.PASSWORD);
            }
        }
    }

    /** The account without the health the fetcher keeps changing (AccountStatus, ErrorCount, ErrorReason, LastFetch). */
    static JsonNode withoutHealth(JsonNode account) {
        var copy = (tools.jackson.databind.node.ObjectNode) account.deepCopy();
        copy.remove(List.of("AccountStatus", "ErrorCount", "ErrorReason", "LastFetch"));
        return copy;
    }
}
