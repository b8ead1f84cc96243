package dev.switchboard.notification.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.config.WebFluxConfigurationSupport;
import org.springframework.web.server.WebFilter;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.switchboard.notification.config.NotificationProperties;
import dev.switchboard.platform.crypto.Keysets;
import dev.switchboard.platform.crypto.SecretBox;
import dev.switchboard.platform.edge.EdgeTrustFilter;
import dev.switchboard.platform.net.MailHostGuard;
import dev.switchboard.platform.web.NhnErrorHandler;
import dev.switchboard.platform.web.WebitelErrorHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * The four calls of the Webitel document with its example bodies, the mask rule, the refusals and the test
 * mail, through WebFlux against the Mongo wire server. The example host {@code m.webitel.com} is replaced by a
 * public IP literal, so the host check needs no DNS. Refusals are rendered by the platform's Webitel error
 * handler, as in the service.
 */
class EmailSettingsControllerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Stands in for m.webitel.com: public, so the guard lets it through, and a literal, so nothing is looked up. */
    private static final String HOST = "93.184.216.34";
    private static final String SETTINGS = "/api/v2/email/settings?domain=my.webitel.com";
    private static final String TENANT_HEADER = "X-Test-Tenant";

    private static final String CREATE = """
            { "provider": "smtp", "description": "My Setting", "from": "my@webitel.com", "options": { "host": "%s", \
            "port": 465, "secure": true, "debug": false, "tls": { "rejectUnauthorized": false }, "auth": { \
            "user": "my@webitel.com", "pass": "itte574dsts485" } } }""".formatted(HOST);
    private static final String UPDATE = """
            { "provider": "smtp", "description": "My updated setting", "from": "my@webitel.com", "options": { \
            "host": "%s", "port": 465, "secure": true, "debug": false, "tls": { "rejectUnauthorized": false }, \
            "auth": { "user": "my@webitel.com", "pass": "241a821e7655fss" } } }""".formatted(HOST);

    private MongoServer mongoServer;
    private MongoClient client;
    private AnnotationConfigApplicationContext context;
    private TenantSmtpSettings tenants;
    private WebTestClient web;
    private GreenMail greenMail;

    @BeforeEach
    void start() {
        mongoServer = new MongoServer(new MemoryBackend());
        client = MongoClients.create("mongodb://127.0.0.1:" + mongoServer.bind().getPort());
        var mongo = new ReactiveMongoTemplate(client, "notification");
        var transports = new NotificationProperties.Transports(Keysets.newAeadKeyset(), List.of("127.0.0.1/32"),
                Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(10));
        var secrets = new SecretBox(transports.secretsKeyset());
        var guard = new MailHostGuard(transports.mailHostsAllowed());
        var store = new SmtpSettingsStore(mongo, transports);
        store.afterPropertiesSet();
        tenants = new TenantSmtpSettings(store, secrets);
        var service = new EmailSettingsService(store, tenants, secrets, guard, new SmtpProbe(guard, transports));

        context = new AnnotationConfigApplicationContext();
        context.registerBean(EmailSettingsController.class, () -> new EmailSettingsController(service));
        var json = JsonMapper.builder().build();
        var nhn = new NhnErrorHandler(json);
        context.registerBean(NhnErrorHandler.class, () -> nhn);
        context.registerBean(WebitelErrorHandler.class, () -> new WebitelErrorHandler(json, nhn));
        // stands in for the edge: the tenant the gateway authenticated
        context.registerBean("tenant", WebFilter.class, () -> (exchange, chain) -> {
            String tenant = exchange.getRequest().getHeaders().getFirst(TENANT_HEADER);
            if (tenant != null) {
                exchange.getAttributes().put(EdgeTrustFilter.TENANT_ATTRIBUTE, tenant);
            }
            return chain.filter(exchange);
        });
        context.register(WebFluxConfigurationSupport.class);
        context.refresh();
        web = WebTestClient.bindToApplicationContext(context).configureClient().responseTimeout(WAIT).build();

        greenMail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        greenMail.setUser("sender@example.com", "sender@example.com", "greenmail-secret");
        greenMail.start();
    }

    @AfterEach
    void stop() {
        greenMail.stop();
        context.close();
        client.close();
        mongoServer.shutdownNow();
    }

    private WebTestClient.ResponseSpec call(String method, String uri, String tenant, String body) {
        var request = web.method(HttpMethod.valueOf(method)).uri(uri)
                .header(TENANT_HEADER, tenant);
        return body == null ? request.exchange()
                : request.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private void created() {
        call("POST", SETTINGS, "svc-a", CREATE).expectStatus().isOk();
    }

    private String body(WebTestClient.ResponseSpec response) {
        return response.expectBody(String.class).returnResult().getResponseBody();
    }

    /** A refusal in Webitel's shape; its {@code Info}. */
    private String refusal(WebTestClient.ResponseSpec response) {
        String[] info = new String[1];
        response.expectBody().jsonPath("$.status").isEqualTo("error")
                .jsonPath("$.Info").value(String.class, text -> info[0] = text);
        return info[0];
    }

    @Test
    void createAnswersTheSettingsWithIdAndDomainAndThePasswordMasked() {
        String answer = body(call("POST", SETTINGS, "svc-a", CREATE).expectStatus().isOk());

        assertThat(answer).doesNotContain("itte574dsts485");
        call("GET", SETTINGS, "svc-a", null).expectStatus().isOk().expectBody()
                .jsonPath("$._id").value(String.class, id -> assertThat(id).matches("[0-9a-f]{24}"))
                .jsonPath("$.provider").isEqualTo("smtp")
                .jsonPath("$.description").isEqualTo("My Setting")
                .jsonPath("$.from").isEqualTo("my@webitel.com")
                .jsonPath("$.options.host").isEqualTo(HOST)
                .jsonPath("$.options.port").isEqualTo(465)
                .jsonPath("$.options.secure").isEqualTo(true)
                .jsonPath("$.options.debug").isEqualTo(false)
                .jsonPath("$.options.tls.rejectUnauthorized").isEqualTo(false)
                .jsonPath("$.options.auth.user").isEqualTo("my@webitel.com")
                .jsonPath("$.options.auth.pass").isEqualTo(EmailSettingsBodies.MASK)
                .jsonPath("$.domain").isEqualTo("my.webitel.com");
        assertThat(answer).contains("\"pass\":\"" + EmailSettingsBodies.MASK + "\"");
        // the sender gets it in clear
        assertThat(tenants.settingsFor("svc-a").block(WAIT).password()).isEqualTo("itte574dsts485");
    }

    @Test
    void answersKeepTheDocumentsFieldOrder() {
        String answer = body(call("POST", SETTINGS, "svc-a", CREATE).expectStatus().isOk());

        assertThat(answer).matches("\\{\"_id\":\"[0-9a-f]{24}\",\"provider\":\"smtp\",\"description\":\"My Setting\","
                + "\"from\":\"my@webitel.com\",\"options\":\\{\"host\":\"" + HOST.replace(".", "\\.") + "\",\"port\":465,"
                + "\"secure\":true,\"debug\":false,\"tls\":\\{\"rejectUnauthorized\":false},\"auth\":\\{"
                + "\"user\":\"my@webitel.com\",\"pass\":\"\\*{8}\"}},\"domain\":\"my\\.webitel\\.com\"}");
    }

    @Test
    void createWhenSettingsExistIsABadRequestPointingToPut() {
        created();

        assertThat(refusal(call("POST", SETTINGS, "svc-a", UPDATE).expectStatus().isBadRequest())).contains("PUT");
        assertThat(tenants.settingsFor("svc-a").block(WAIT).password()).isEqualTo("itte574dsts485");
    }

    @Test
    void updateReplacesTheSettingsAndAnswersThemMasked() {
        created();
        long version = tenants.settingsFor("svc-a").block(WAIT).version();

        String answer = body(call("PUT", SETTINGS, "svc-a", UPDATE).expectStatus().isOk());

        assertThat(answer).contains("\"description\":\"My updated setting\"").contains(EmailSettingsBodies.MASK)
                .doesNotContain("241a821e7655fss");
        var stored = tenants.settingsFor("svc-a").block(WAIT);
        assertThat(stored.password()).isEqualTo("241a821e7655fss");
        assertThat(stored.version()).isGreaterThan(version);
    }

    @Test
    void theMaskKeepsTheStoredPasswordForTheSameHostPortAndUser() {
        created();
        String getAnswer = body(call("GET", SETTINGS, "svc-a", null).expectStatus().isOk());

        // a client sends back what it read, _id, domain, mask and all, changing only the description
        call("PUT", SETTINGS, "svc-a", getAnswer.replace("My Setting", "Renamed")).expectStatus().isOk()
                .expectBody().jsonPath("$.description").isEqualTo("Renamed")
                .jsonPath("$.options.auth.pass").isEqualTo(EmailSettingsBodies.MASK);

        assertThat(tenants.settingsFor("svc-a").block(WAIT).password()).isEqualTo("itte574dsts485");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"host\": \"93.184.216.35\"", "\"port\": 587", "\"user\": \"other@webitel.com\""})
    void theMaskDoesNotCarryThePasswordToAnotherServerOrUser(String change) {
        created();
        String masked = CREATE.replace("itte574dsts485", EmailSettingsBodies.MASK);
        String key = change.substring(0, change.indexOf(':'));
        String changed = masked.replaceFirst(Pattern.quote(key) + ": (\"[^\"]*\"|[0-9]+)", change);
        assertThat(changed).isNotEqualTo(masked);

        assertThat(refusal(call("PUT", SETTINGS, "svc-a", changed).expectStatus().isBadRequest()))
                .contains("options.auth.pass").contains("send the password");

        var stored = tenants.settingsFor("svc-a").block(WAIT);
        assertThat(stored.host()).isEqualTo(HOST);
        assertThat(stored.port()).isEqualTo(465);
        assertThat(stored.password()).isEqualTo("itte574dsts485");
    }

    @Test
    void theMaskIsNoPasswordForNewSettings() {
        assertThat(body(call("POST", SETTINGS, "svc-a", CREATE.replace("itte574dsts485", EmailSettingsBodies.MASK))
                .expectStatus().isBadRequest())).contains("send the password");
    }

    @Test
    void withoutSettingsGetPutAndDeleteAreNotFound() {
        assertThat(refusal(call("GET", SETTINGS, "svc-a", null).expectStatus().isNotFound()))
                .isEqualTo("No email settings for domain my.webitel.com");
        call("PUT", SETTINGS, "svc-a", UPDATE).expectStatus().isNotFound();
        call("DELETE", SETTINGS, "svc-a", null).expectStatus().isNotFound();
    }

    @Test
    void deleteAnswersAsTheDocumentAndTheSettingsAreGone() {
        created();

        call("DELETE", SETTINGS, "svc-a", null).expectStatus().isOk()
                .expectBody().json("{\"status\":\"OK\",\"Info\":\"Removed 1 record.\"}", true);

        call("GET", SETTINGS, "svc-a", null).expectStatus().isNotFound();
        assertThat(tenants.settingsFor("svc-a").blockOptional(WAIT)).isEmpty();
    }

    @Test
    void settingsDeletedAndCreatedAgainNeverRepeatAVersion() {
        created();
        long first = tenants.settingsFor("svc-a").block(WAIT).version();
        call("DELETE", SETTINGS, "svc-a", null).expectStatus().isOk();

        call("POST", SETTINGS, "svc-a", UPDATE).expectStatus().isOk();

        // a sender that keeps connections per version must not keep using the old server and password
        assertThat(tenants.settingsFor("svc-a").block(WAIT).version()).isGreaterThan(first);
    }

    @Test
    void eachTenantSeesOnlyItsOwnSettings() {
        created();

        call("GET", SETTINGS, "svc-b", null).expectStatus().isNotFound();
        call("DELETE", SETTINGS, "svc-b", null).expectStatus().isNotFound();
        call("POST", SETTINGS, "svc-b", UPDATE).expectStatus().isOk();
        assertThat(tenants.settingsFor("svc-a").block(WAIT).password()).isEqualTo("itte574dsts485");
        assertThat(tenants.settingsFor("svc-b").block(WAIT).password()).isEqualTo("241a821e7655fss");
    }

    @Test
    void withoutAnAuthenticatedTenantNothingIsServed() {
        web.get().uri(SETTINGS).exchange().expectStatus().isForbidden();
    }

    @Test
    void theDomainParameterIsRequired() {
        call("GET", "/api/v2/email/settings", "svc-a", null).expectStatus().isBadRequest();
        call("POST", "/api/v2/email/settings?domain=", "svc-a", CREATE).expectStatus().isBadRequest();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "\"provider\": \"smtp\"|\"provider\": \"sendmail\"|provider",
            "\"from\": \"my@webitel.com\"|\"from\": \"not an address\"|from",
            "\"from\": \"my@webitel.com\"|\"from\": \"Me <my@webitel.com>\"|from",
            "\"port\": 465|\"port\": 0|port",
            "\"port\": 465|\"port\": 65536|port",
            "\"port\": 465|\"port\": \"abc\"|port",
            "\"host\": \"93.184.216.34\"|\"host\": \"smtp.example.com:25\"|host",
            "\"host\": \"93.184.216.34\"|\"host\": \"bad host\"|host",
            "\"host\": \"93.184.216.34\"|\"host\": \"300.1.1.1\"|host",
            "\"host\": \"93.184.216.34\"|\"host\": \"\"|host",
            "\"pass\": \"itte574dsts485\"|\"pass\": \"\"|pass",
            "\"user\": \"my@webitel.com\"|\"user\": \"my\\r\\nRCPT TO:<x@y.z>\"|user",
            "\"My Setting\"|\"%s\"|description"})
    void refusesInvalidSettings(String edit) {
        String[] parts = edit.split("\\|");
        String replacement = parts[1].equals("\"%s\"") ? "\"" + "x".repeat(201) + "\"" : parts[1];
        String body = CREATE.replace(parts[0], replacement);
        assertThat(body).isNotEqualTo(CREATE);

        assertThat(refusal(call("POST", SETTINGS, "svc-a", body).expectStatus().isBadRequest())).contains(parts[2]);
        call("GET", SETTINGS, "svc-a", null).expectStatus().isNotFound();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{ \"provider\": \"smtp\" \"from\": \"my@webitel.com\" }", "{\"provider\":\"smtp\"}",
            "{\"provider\":\"smtp\",\"from\":\"my@webitel.com\",\"options\":{\"port\":465}}", "[]", ""})
    void refusesBrokenOrIncompleteBodies(String body) {
        assertThat(refusal(call("POST", SETTINGS, "svc-a", body).expectStatus().isBadRequest())).isNotBlank();
    }

    @Test
    void refusesPrivateHostsUnlessAllowedAndNamesThatDoNotResolve() {
        assertThat(body(call("POST", SETTINGS, "svc-a", CREATE.replace(HOST, "10.0.0.1")).expectStatus().isBadRequest()))
                .contains("private or reserved");
        assertThat(body(call("POST", SETTINGS, "svc-a", CREATE.replace(HOST, "no-such-host.invalid"))
                .expectStatus().isBadRequest())).contains("does not resolve");
        // the allow-list (the local stack's GreenMail) lets 127.0.0.1 through
        call("POST", SETTINGS, "svc-a", CREATE.replace(HOST, "127.0.0.1")).expectStatus().isOk();
    }

    @Test
    void nodemailersDefaultsFillWhatIsLeftOut() {
        call("POST", SETTINGS, "svc-a", """
                {"provider":"smtp","from":"my@webitel.com","options":{"host":"93.184.216.34","port":465}}""")
                .expectStatus().isOk().expectBody()
                .jsonPath("$.options.secure").isEqualTo(true)
                .jsonPath("$.options.debug").isEqualTo(false)
                .jsonPath("$.options.tls.rejectUnauthorized").isEqualTo(true)
                .jsonPath("$.options.auth").doesNotExist()
                .jsonPath("$.description").doesNotExist();
        var stored = tenants.settingsFor("svc-a").block(WAIT);
        assertThat(stored.user()).isNull();
        assertThat(stored.password()).isNull();
    }

    private String greenMailSettings(String pass) {
        return """
                {"provider":"smtp","from":"sender@example.com","options":{"host":"127.0.0.1","port":%d,"secure":false,\
                "auth":{"user":"sender@example.com","pass":"%s"}}}""".formatted(greenMail.getSmtp().getPort(), pass);
    }

    @Test
    void testMailThroughTheStoredSettingsUsesTheStoredPassword() {
        call("POST", SETTINGS, "svc-a", greenMailSettings("greenmail-secret")).expectStatus().isOk();

        String report = body(call("POST", "/api/v2/email/settings/test?domain=my.webitel.com", "svc-a",
                "{\"to\":\"kim.lee@example.com\"}").expectStatus().isOk());

        assertThat(report).contains("\"status\":\"OK\"").contains("\"authenticated\"").contains("\"accepted\"")
                .doesNotContain("greenmail-secret");
        assertThat(greenMail.waitForIncomingEmail(5000, 1)).isTrue();
    }

    @Test
    void testMailWithGivenSettingsAndTheMaskUsesTheStoredPasswordOnlyForTheSameServer() {
        call("POST", SETTINGS, "svc-a", greenMailSettings("greenmail-secret")).expectStatus().isOk();
        String masked = greenMailSettings(EmailSettingsBodies.MASK);

        call("POST", "/api/v2/email/settings/test?domain=my.webitel.com", "svc-a",
                "{\"to\":\"kim.lee@example.com\",\"settings\":" + masked + "}")
                .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("OK");

        String otherUser = masked.replace("\"user\":\"sender@example.com\"", "\"user\":\"other@example.com\"");
        assertThat(body(call("POST", "/api/v2/email/settings/test?domain=my.webitel.com", "svc-a",
                "{\"to\":\"kim.lee@example.com\",\"settings\":" + otherUser + "}").expectStatus().isBadRequest()))
                .contains("send the password");
        assertThat(greenMail.getReceivedMessages()).hasSize(1);
    }

    @Test
    void testMailWithAWrongPasswordReportsTheFailedStep() {
        call("POST", "/api/v2/email/settings/test?domain=my.webitel.com", "svc-a",
                "{\"to\":\"kim.lee@example.com\",\"settings\":" + greenMailSettings("wrong") + "}")
                .expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("error")
                .jsonPath("$.connected.greeting").value(String.class, greeting -> assertThat(greeting).startsWith("220"))
                .jsonPath("$.failed.step").isEqualTo("authenticate")
                .jsonPath("$.failed.code").isEqualTo(535)
                .jsonPath("$.accepted").doesNotExist();
    }

    @Test
    void testMailWithoutStoredSettingsOrWithABadRecipientIsRefused() {
        call("POST", "/api/v2/email/settings/test?domain=my.webitel.com", "svc-a", "{\"to\":\"kim.lee@example.com\"}")
                .expectStatus().isNotFound();
        call("POST", "/api/v2/email/settings/test?domain=my.webitel.com", "svc-a",
                "{\"to\":\"nobody\",\"settings\":" + greenMailSettings("x") + "}").expectStatus().isBadRequest();
    }
}
