package dev.switchboard.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import dev.switchboard.events.notification.EmailSent;
import dev.switchboard.platform.events.EventSerde;
import dev.switchboard.schemas.Topic;
import jakarta.mail.internet.MimeMessage;
import tools.jackson.databind.JsonNode;

/**
 * The Webitel email-settings API through the gateway, each test with a tenant of its own and the credentials the
 * operator API issued it: the document's four calls, the password masked on every read, the tenant's own SMTP
 * server (a second GreenMail, with a login) taking the tenant's mail while its settings exist and the platform
 * relay again once they are deleted, the tenant's choice of mail, and the administrators' notice.
 */
@ExtendWith(StackExtension.class)
class WebitelEmailSettingsIT {

    private static final String DOMAIN = "webitel";
    private static final String PATH = "/api/v2/email/settings?domain=" + DOMAIN;
    private static final String NOTIFICATIONS = "/api/v2/email/notifications?domain=" + DOMAIN;
    private static final String USER = "my@webitel.com";
    private static final String PASSWORD = "itte574dsts485";

    /** A tenant of the test's own, so the demo tenant's mail is untouched, with its Webitel credentials. */
    private record WebitelTenant(TestTenants.TestTenant tenant, String key, String token) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private GreenMail tenantServer;
    private WebitelTenant tenant;

    @BeforeEach
    void startTenantServer(LocalStack stack) {
        tenant = webitelTenant(stack);
        tenantServer = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        tenantServer.setUser(USER, USER, PASSWORD);
        tenantServer.start();
    }

    @AfterEach
    void stopTenantServer() {
        tenantServer.stop();
    }

    @Test
    void theDemoTenantsCredentialsFromTheStartAreAccepted(LocalStack stack) {
        var credentials = stack.webitelCredentials();
        var answer = send(stack, "GET", "/api/v2/email/notifications?domain=demo", null, credentials.key(),
                credentials.accessToken());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(json(answer).path("acknowledgement").path("enabled").asBoolean()).isTrue();
    }

    @Test
    void theDocumentsFourCallsAndTheTenantsOwnServerSendsItsMail(LocalStack stack) throws Exception {
        var none = webitel(stack, "GET", PATH, null);
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(json(none).path("status").asString()).isEqualTo("error");

        // the document's create example, pointed at the tenant's server of this test
        var created = webitel(stack, "POST", PATH, settings("My Setting", PASSWORD));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        JsonNode body = json(created);
        assertThat(body.path("_id").asString()).matches("[0-9a-f]{24}");
        assertThat(body.path("domain").asString()).isEqualTo(DOMAIN);
        assertThat(body.path("provider").asString()).isEqualTo("smtp");
        assertThat(body.path("from").asString()).isEqualTo(USER);
        assertThat(body.path("options").path("auth").path("pass").asString()).isNotEqualTo(PASSWORD).isEqualTo("********");
        assertThat(created.body()).doesNotContain(PASSWORD);

        var read = webitel(stack, "GET", PATH, null);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(json(read).path("_id").asString()).isEqualTo(body.path("_id").asString());
        assertThat(read.body()).doesNotContain(PASSWORD);

        // an update sending the mask back keeps the stored password (same host, port and user)
        var updated = webitel(stack, "PUT", PATH, settings("My updated setting", "********"));
        assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
        assertThat(json(updated).path("description").asString()).isEqualTo("My updated setting");

        // a Japanese inquiry's acknowledgement leaves through the tenant's server, logged in, in Japanese
        String ticketId = createTicket("ja", "プリンターが動きません");
        MimeMessage mail = await().atMost(TicketToMailIT.MAIL_TIMEOUT).until(() -> tenantMails(ticketId),
                mails -> !mails.isEmpty()).getFirst();
        assertThat(mail.getSubject()).contains("プリンターが動きません");
        assertThat(TicketToMailIT.htmlPart(mail)).contains("お問い合わせいただきありがとうございます")
                // the customer's text is text in the tenant's layout: escaped, never markup
                .contains("本文 &lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script");
        assertThat(TicketToMailIT.mailsFor(stack, ticketId)).as("not through the platform relay").isEmpty();
        var sent = (EmailSent) new EventSerde().decode(
                TopicTraffic.records(stack, Topic.NOTIFICATION_EVENTS, "ticket-ack:" + ticketId, 1).getFirst());
        assertThat(sent.getTransport()).isEqualTo("tenant");

        var removed = webitel(stack, "DELETE", PATH, null);
        assertThat(removed.statusCode()).isEqualTo(200);
        assertThat(json(removed).path("status").asString()).isEqualTo("OK");
        assertThat(json(removed).path("Info").asString()).isEqualTo("Removed 1 record.");

        // without settings the platform relay sends again (the settings cache lasts at most 10 s)
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
            String next = createTicket("ko", "프린터 문의");
            MimeMessage relayed = TicketToMailIT.awaitMails(stack, next, 1).getFirst();
            assertThat(TicketToMailIT.htmlPart(relayed)).contains("문의해 주셔서 감사합니다");
        });
    }

    @Test
    void theMaskKeepsNoPasswordForAnotherServerAndErrorsComeInWebitelsShape(LocalStack stack) throws Exception {
        webitel(stack, "POST", PATH, settings("Mine", PASSWORD));

        var moved = webitel(stack, "PUT", PATH, settings("Mine", "********").replace(
                "\"port\": " + tenantServer.getSmtp().getPort(), "\"port\": 2525"));
        assertThat(moved.statusCode()).isEqualTo(400);
        assertThat(json(moved).path("status").asString()).isEqualTo("error");

        var noDomain = webitel(stack, "GET", "/api/v2/email/settings", null);
        assertThat(noDomain.statusCode()).isEqualTo(400);
        assertThat(json(noDomain).path("Info").asString()).contains("Domain");

        var otherDomain = webitel(stack, "GET", "/api/v2/email/settings?domain=other", null);
        assertThat(otherDomain.statusCode()).isEqualTo(403);

        var badToken = send(stack, "GET", PATH, null, tenant.key(), "eyJ0.eyJ0.forged");
        assertThat(badToken.statusCode()).isEqualTo(401);
        assertThat(json(badToken).path("status").asString()).isEqualTo("error");

        var badBody = webitel(stack, "PUT", PATH, "{\"provider\": \"smtp\", \"options\": {\"port\": 0}}");
        assertThat(badBody.statusCode()).isEqualTo(400);
        assertThat(json(badBody).path("status").asString()).isEqualTo("error");
    }

    @Test
    void aTestSendReportsEachStepAndAWrongPasswordAsSuch(LocalStack stack) throws Exception {
        webitel(stack, "POST", PATH, settings("Mine", PASSWORD));

        var report = webitel(stack, "POST", "/api/v2/email/settings/test?domain=" + DOMAIN,
                "{\"to\": \"probe@customer.example\"}");
        assertThat(report.statusCode()).as(report.body()).isEqualTo(200);
        assertThat(json(report).path("status").asString()).isEqualTo("OK");
        assertThat(json(report).path("connected").path("greeting").asString()).isNotBlank();
        assertThat(json(report).path("authenticated").path("user").asString()).isEqualTo(USER);
        assertThat(json(report).path("accepted").path("reply").asString()).startsWith("250");
        await().atMost(Duration.ofSeconds(10)).until(() -> tenantServer.getReceivedMessages().length == 1);

        var wrong = webitel(stack, "POST", "/api/v2/email/settings/test?domain=" + DOMAIN,
                "{\"to\": \"probe@customer.example\", \"settings\": " + settings("Mine", "wrong-password") + "}");
        assertThat(wrong.statusCode()).isEqualTo(200);
        assertThat(json(wrong).path("status").asString()).isEqualTo("error");
        assertThat(json(wrong).path("failed").path("step").asString()).isEqualTo("authenticate");
        assertThat(wrong.body()).doesNotContain("wrong-password");
    }

    @Test
    void theTenantChoosesWhichMailItsEventsSendAndInWhichWords(LocalStack stack) throws Exception {
        String path = NOTIFICATIONS;
        var own = webitel(stack, "PUT", path, "{\"acknowledgement\": {\"enabled\": true, \"texts\": {\"ko\": "
                + "\"#{name}님, 문의 #{ticketId}를 받았습니다. <b>곧</b> 연락드리겠습니다.\"}}}");
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        try {
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
                String ticketId = createTicket("ko", "맞춤 문구 " + UUID.randomUUID());
                MimeMessage mail = TicketToMailIT.awaitMails(stack, ticketId, 1).getFirst();
                assertThat(TicketToMailIT.htmlPart(mail)).contains("문의 " + ticketId + "를 받았습니다")
                        // the tenant's text is text: its markup is escaped like any other
                        .contains("&lt;b&gt;곧&lt;/b&gt;");
            });

            assertThat(webitel(stack, "PUT", path, "{\"acknowledgement\": {\"enabled\": false}}").statusCode()).isEqualTo(200);
            String silent = createTicket("ko", "메일 없음 " + UUID.randomUUID());
            String marker = createTicket("en", "marker");
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(20))
                    .until(() -> TicketToMailIT.mailsFor(stack, silent).isEmpty());
            assertThat(TicketToMailIT.mailsFor(stack, marker)).isEmpty();
        } finally {
            assertThat(webitel(stack, "GET", path, null).body()).contains("\"enabled\":false");
        }
    }

    @Test
    void aDisabledMailboxIsToldToEachAdministratorOnce(LocalStack stack) throws Exception {
        String path = NOTIFICATIONS;
        String admin = "admin-" + UUID.randomUUID() + "@demo-admins.example";
        String deputy = "deputy-" + UUID.randomUUID() + "@demo-admins.example";
        var set = webitel(stack, "PUT", path, "{\"administrators\": {\"enabled\": true, \"recipients\": [\""
                + admin + "\", \"" + deputy + "\"]}}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(json(set).path("administrators").path("recipients").size()).isEqualTo(2);
        var nhn = tenant.tenant().nhn();
        String mailbox = ExternalAccountVerifyIT.mailbox(stack);
        var registered = nhn.send("POST", tenant.tenant().path("mail/external.json"), ExternalAccountVerifyIT.body(
                "127.0.0.1", stack.infrastructure().imapPort(), false, mailbox, ExternalAccountVerifyIT.PASSWORD));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        int id = json(registered).path("result").path("content").path("id").asInt();

        var disabled = nhn.send("PUT", tenant.tenant().path("mail/external/" + id + "/disable.json"), null);
        assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);

        await().atMost(TicketToMailIT.MAIL_TIMEOUT).until(() -> TicketToMailIT.mailsPerRecipient(stack,
                address -> address.equals(admin) || address.equals(deputy)).size() == 2);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> TicketToMailIT
                .mailsPerRecipient(stack, address -> address.equals(admin)).get(admin) == 1);
        MimeMessage notice = Arrays.stream(stack.infrastructure().mail().getReceivedMessages()).filter(mail -> {
            try {
                return mail.getAllRecipients()[0].toString().contains(admin);
            } catch (Exception e) {
                return false;
            }
        }).findFirst().orElseThrow();
        assertThat(notice.getSubject()).contains(mailbox);
        assertThat(notice.getHeader("Auto-Submitted")).containsExactly("auto-generated");

    }

    private List<MimeMessage> tenantMails(String ticketId) {
        return Arrays.stream(tenantServer.getReceivedMessages()).filter(mail -> {
            try {
                String[] header = mail.getHeader("X-Switchboard-Ticket");
                return header != null && header[0].equals(ticketId);
            } catch (Exception e) {
                return false;
            }
        }).toList();
    }

    private String settings(String description, String password) {
        return """
                { "provider": "smtp", "description": "%s", "from": "%s",
                  "options": { "host": "127.0.0.1", "port": %d, "secure": false, "debug": false,
                               "tls": { "rejectUnauthorized": false },
                               "auth": { "user": "%s", "pass": "%s" } } }"""
                .formatted(description, USER, tenantServer.getSmtp().getPort(), USER, password);
    }

    private String createTicket(String language, String subject) throws Exception {
        String body = LocalStack.JSON.writeValueAsString(java.util.Map.of("subject", subject,
                "content", "本文 <script>alert(1)</script>",
                "language", language, "endUser", java.util.Map.of("email", "enduser_simple@nhn-st.com", "username", "田中")));
        var response = tenant.tenant().nhn().send("POST", tenant.tenant().path("ticket.json"), body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response).path("header").path("isSuccessful").asBoolean()).as(response.body()).isTrue();
        return json(response).path("result").path("content").path("ticketId").asString();
    }

    private HttpResponse<String> webitel(LocalStack stack, String method, String pathAndQuery, String body) {
        return send(stack, method, pathAndQuery, body, tenant.key(), tenant.token());
    }

    /** A fresh tenant and its Webitel credentials, once the gateway has taken them from the tenant topic. */
    private WebitelTenant webitelTenant(LocalStack stack) {
        var created = TestTenants.create(stack, DOMAIN);
        var issued = stack.operator("POST", "/operator/v1/tenants/" + created.serviceId() + "/webitel-credentials", null);
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        JsonNode content = json(issued).path("result").path("content");
        var webitel = new WebitelTenant(created, content.path("webitelKey").asString(),
                content.path("webitelAccessToken").asString());
        await().atMost(Duration.ofSeconds(30)).until(() -> send(stack, "GET", NOTIFICATIONS, null, webitel.key(),
                webitel.token()).statusCode() == 200);
        return webitel;
    }

    private HttpResponse<String> send(LocalStack stack, String method, String pathAndQuery, String body, String key,
                                      String token) {
        var request = HttpRequest.newBuilder(URI.create(stack.baseUrl() + pathAndQuery))
                .timeout(Duration.ofSeconds(60))
                .header("X-Key", key).header("X-Access-Token", token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(HttpResponse<String> response) {
        return LocalStack.JSON.readTree(response.body());
    }
}
