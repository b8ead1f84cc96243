package dev.switchboard.devstack;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole Switchboard on one machine: the infrastructure, the four services and the gateway, and a
 * demo tenant with sender settings. Used by the {@link DevStack} launcher and by the end-to-end tests.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalStack.class);
    static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * @param servicesDir where the runnable service jars are
     * @param logsDir     where each service's log goes
     * @param infra       how the infrastructure starts
     * @param gatewayPort public port; 0 for any free port
     * @param secrets     the installation's secrets
     * @param demo        the demo tenant to make sure of
     * @param settings    extra command-line settings per service (tests shorten timings with them)
     * @param jvmOptions  the services' JVM options: {@link #DEVELOPMENT_JVM} unless a benchmark asks for
     *                    production ones
     */
    public record Options(Path servicesDir, Path logsDir, Infrastructure.Options infra, int gatewayPort,
                          StackSecrets secrets, DemoTenant demo, Map<String, List<String>> settings,
                          List<String> jvmOptions) {

        /** C1 only and a small serial heap: a developer machine favours start-up time over peak throughput. */
        public static final List<String> DEVELOPMENT_JVM = ServiceProcesses.DEVELOPMENT_JVM;

        public Options(Path servicesDir, Path logsDir, Infrastructure.Options infra, int gatewayPort,
                       StackSecrets secrets, DemoTenant demo, Map<String, List<String>> settings) {
            this(servicesDir, logsDir, infra, gatewayPort, secrets, demo, settings, DEVELOPMENT_JVM);
        }

        List<String> settingsOf(String service) {
            return settings.getOrDefault(service, List.of());
        }
    }

    /**
     * A tenant the stack sets up, with sender settings so mail goes out in its layout, and an agent secret
     * for the SuperOffice dialect (Basic {@code serviceId:agentSecret} or Bearer {@code serviceId.agentSecret}).
     */
    public record DemoTenant(String serviceId, String organizationId, String serviceKey, String agentSecret,
                             String domain, String senderName, String displayMail, String template) {

        /** The {@code Authorization} value of the SuperOffice dialect, Basic scheme. */
        public String basicAuthorization() {
            return "Basic " + java.util.Base64.getEncoder().encodeToString(
                    (serviceId + ":" + agentSecret).getBytes(StandardCharsets.UTF_8));
        }

        /** The {@code Authorization} value of the SuperOffice dialect, Bearer scheme. */
        public String bearerAuthorization() {
            return "Bearer " + serviceId + "." + agentSecret;
        }
    }

    /**
     * The demo tenant's credentials of the Webitel dialect, as the operator API issued them at start: send
     * {@code X-Key} and {@code X-Access-Token} with {@code ?domain=} the tenant's domain.
     *
     * @param expiresAt when the token expires (epoch milliseconds)
     */
    public record WebitelCredentials(String key, String accessToken, long expiresAt) {
    }

    private final Infrastructure infra;
    private final ServiceProcesses services;
    private final String baseUrl;
    private final Options options;
    private final Map<String, Integer> servicePorts;
    private final Map<String, Integer> managementPorts;
    /** Issued once the services are up, by {@link #ensureDemoTenant}. */
    private WebitelCredentials webitel;

    private LocalStack(Infrastructure infra, ServiceProcesses services, String baseUrl, Options options,
                       Map<String, Integer> servicePorts, Map<String, Integer> managementPorts) {
        this.managementPorts = managementPorts;
        this.infra = infra;
        this.services = services;
        this.baseUrl = baseUrl;
        this.options = options;
        this.servicePorts = servicePorts;
    }

    public static LocalStack start(Options options) {
        Infrastructure infra = Infrastructure.start(options.infra());
        ServiceProcesses services = new ServiceProcesses(options.logsDir(), options.jvmOptions());
        try {
            int gateway = options.gatewayPort() == 0 ? Infrastructure.freePort() : options.gatewayPort();
            int account = Infrastructure.freePort();
            int ticket = Infrastructure.freePort();
            int attachment = Infrastructure.freePort();
            int notification = Infrastructure.freePort();
            Map<String, Integer> managementPorts = Map.of("account-service", Infrastructure.freePort(),
                    "ticket-service", Infrastructure.freePort(), "attachment-service", Infrastructure.freePort(),
                    "notification-service", Infrastructure.freePort(), "gateway", Infrastructure.freePort());
            StackSecrets secrets = options.secrets();
            List<String> common = List.of("--spring.kafka.bootstrap-servers=" + infra.kafkaBootstrapServers(),
                    "--spring.mongodb.uri=" + infra.mongoUri());
            Map<String, String> edge = Map.of("SWITCHBOARD_EDGE_SECRET", secrets.edgeSecret());
            services.start(options.servicesDir(), List.of(
                    // the local mail server is GreenMail on loopback, which mailbox checks must be allowed to reach
                    new ServiceProcesses.Spec("account-service", account, managementPorts.get("account-service"), concat(concat(common, List.of(
                            "--switchboard.account.mail-hosts-allowed=127.0.0.1/32",
                            // the representative accounts' platform mailboxes are GreenMail users; a GreenMail
                            // user's password is its address
                            "--switchboard.account.inbound.platform-imap-host=" + infra.mailHost(),
                            "--switchboard.account.inbound.platform-imap-port=" + infra.imapPort(),
                            "--switchboard.account.inbound.platform-imap-ssl=false",
                            "--switchboard.account.inbound.platform-imap-password={address}",
                            "--switchboard.account.inbound.attachments-base-url=http://127.0.0.1:" + attachment)),
                            options.settingsOf("account-service")), merge(edge, Map.of(
                            "SWITCHBOARD_ACCOUNT_OPERATORTOKEN", secrets.operatorToken(),
                            "SWITCHBOARD_ACCOUNT_SECRETSKEYSET", secrets.accountKeyset(),
                            "SWITCHBOARD_ACCOUNT_EDGEPUBLICKEYSET", secrets.edgePublicKeyset(),
                            "SWITCHBOARD_ACCOUNT_INBOUND_TICKETPUBLICKEYSET", secrets.inboundPublicKeyset()))),
                    new ServiceProcesses.Spec("ticket-service", ticket, managementPorts.get("ticket-service"),
                            concat(common, options.settingsOf("ticket-service")), merge(edge, Map.of(
                            "SWITCHBOARD_TICKET_PERSONALDATA_KEYSET", secrets.ticketKeyset(),
                            "SWITCHBOARD_TICKET_PERSONALDATA_HASHKEY", secrets.ticketHashKey(),
                            "SWITCHBOARD_TICKET_PERSONALDATA_CONTACTKEY", secrets.contactKey(),
                            "SWITCHBOARD_TICKET_INBOUND_PRIVATEKEYSET", secrets.inboundPrivateKeyset()))),
                    new ServiceProcesses.Spec("attachment-service", attachment, managementPorts.get("attachment-service"),
                            concat(common, options.settingsOf("attachment-service")), merge(edge, Map.of(
                            "SWITCHBOARD_ATTACHMENT_LINKKEY", secrets.attachmentLinkKey()))),
                    new ServiceProcesses.Spec("notification-service", notification, managementPorts.get("notification-service"), concat(concat(common, List.of(
                            "--switchboard.notification.relay.host=" + infra.mailHost(),
                            "--switchboard.notification.relay.port=" + infra.smtpRelayPort(),
                            "--switchboard.notification.attachments.base-url=http://127.0.0.1:" + attachment,
                            // tenants' SMTP servers in the local stack are GreenMail instances on loopback
                            "--switchboard.notification.transports.mail-hosts-allowed=127.0.0.1/32")),
                            options.settingsOf("notification-service")),
                            merge(edge, Map.of(
                            "SWITCHBOARD_NOTIFICATION_CONTACTKEY", secrets.contactKey(),
                            // contacts sealed with HPKE before the shared key, in a data directory kept from then
                            "SWITCHBOARD_NOTIFICATION_CONTACTKEYSET", secrets.contactPrivateKeyset(),
                            "SWITCHBOARD_NOTIFICATION_TRANSPORTS_SECRETSKEYSET", secrets.notificationKeyset()))),
                    new ServiceProcesses.Spec("gateway", gateway, managementPorts.get("gateway"), concat(common, List.of(
                            "--switchboard.gateway.services.account=http://127.0.0.1:" + account,
                            "--switchboard.gateway.services.ticket=http://127.0.0.1:" + ticket,
                            "--switchboard.gateway.services.attachment=http://127.0.0.1:" + attachment,
                            "--switchboard.gateway.services.notification=http://127.0.0.1:" + notification)),
                            merge(edge, Map.of("SWITCHBOARD_GATEWAY_EDGEPRIVATEKEYSET", secrets.edgePrivateKeyset())))));
            services.awaitHealthy(Duration.ofSeconds(120));
            var stack = new LocalStack(infra, services, "http://127.0.0.1:" + gateway, options,
                    Map.of("account-service", account, "ticket-service", ticket, "attachment-service", attachment,
                            "notification-service", notification, "gateway", gateway), managementPorts);
            stack.ensureDemoTenant();
            return stack;
        } catch (RuntimeException e) {
            services.close();
            infra.close();
            throw e;
        }
    }

    private void ensureDemoTenant() {
        DemoTenant demo = options.demo();
        String body = JSON.writeValueAsString(Map.of("serviceId", demo.serviceId(),
                "organizationId", demo.organizationId(), "domain", demo.domain(), "serviceKey", demo.serviceKey(),
                "agentSecret", demo.agentSecret()));
        HttpResponse<String> created = operator("POST", "/operator/v1/tenants", body);
        JsonNode header = JSON.readTree(created.body()).path("header");
        int code = header.path("resultCode").asInt();
        if (created.statusCode() != 200 || (code != 200 && code != 9007)) {
            throw new IllegalStateException("Demo tenant not created: " + created.statusCode() + " " + created.body());
        }
        // kept data may predate the agent secret: set the demo's every time (it is idempotent)
        HttpResponse<String> agent = operator("PUT", "/operator/v1/tenants/" + demo.serviceId() + "/agent-secret",
                JSON.writeValueAsString(Map.of("agentSecret", demo.agentSecret())));
        if (agent.statusCode() != 200) {
            throw new IllegalStateException("Demo agent secret not set: " + agent.body());
        }
        webitel = demoWebitelCredentials(demo);
        // Kafka starts empty on every run while Mongo keeps its data: re-seed the tenant topic the edge reads
        HttpResponse<String> republished = operator("POST", "/operator/v1/tenants/snapshots", null);
        if (republished.statusCode() != 200) {
            throw new IllegalStateException("Tenant snapshots not republished: " + republished.body());
        }
        NhnClient nhn = nhnClient();
        String path = "/" + demo.serviceId() + "/openapi/v1/mail.json";
        Instant deadline = Instant.now().plusSeconds(30);
        // the gateway learns of the new tenant from its topic a moment later
        while (nhn.send("GET", path, null).statusCode() != 200) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("The gateway did not learn of the demo tenant");
            }
            pause();
        }
        awaitWebitelAtTheEdge(demo, deadline);
        String settings = JSON.writeValueAsString(Map.of("name", demo.senderName(), "displayMail", demo.displayMail(),
                "template", demo.template()));
        HttpResponse<String> saved = nhn.send("POST", path, settings);
        if (saved.statusCode() != 200) {
            throw new IllegalStateException("Demo sender settings not saved: " + saved.body());
        }
        // the seed's submission types, with their ids, so the seed's ticket (categoryId 2542) is valid
        try (var categories = LocalStack.class.getResourceAsStream("/demo-categories.json")) {
            for (JsonNode category : JSON.readTree(categories)) {
                expectSeeded(nhn.send("POST", "/" + demo.serviceId() + "/openapi/v1/ticket/categories.json",
                        JSON.writeValueAsString(category)), "category " + category.path("categoryId"));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        seedDemoForm(nhn);
        log.info("Demo tenant {} is ready", demo.serviceId());
    }

    /**
     * Webitel credentials are issued by account-service, never imported, so a token cannot be kept across
     * restarts: the first start issues them, every later one renews the token for the same {@code X-Key}.
     */
    private WebitelCredentials demoWebitelCredentials(DemoTenant demo) {
        String tenant = "/operator/v1/tenants/" + demo.serviceId();
        HttpResponse<String> found = operator("GET", tenant, null);
        if (found.statusCode() != 200) {
            throw new IllegalStateException("Demo tenant not found: " + found.body());
        }
        boolean issued = JSON.readTree(found.body()).path("result").path("content").path("webitelKey").isString();
        HttpResponse<String> answer = operator("POST", tenant + "/webitel-credentials" + (issued ? "/renew" : ""), null);
        JsonNode content = JSON.readTree(answer.body()).path("result").path("content");
        if (answer.statusCode() != 200 || !content.path("webitelAccessToken").isString()) {
            throw new IllegalStateException("Demo Webitel credentials not issued: " + answer.body());
        }
        return new WebitelCredentials(content.path("webitelKey").asString(),
                content.path("webitelAccessToken").asString(), content.path("webitelTokenExpiresDt").asLong());
    }

    /** The gateway takes the demo's Webitel token once it has the snapshot that carries its secret. */
    private void awaitWebitelAtTheEdge(DemoTenant demo, Instant deadline) {
        var request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/v2/email/settings?domain=" + demo.domain()))
                .timeout(Duration.ofSeconds(30))
                .header("X-Key", webitel.key())
                .header("X-Access-Token", webitel.accessToken())
                .GET().build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            // any answer but 401 means the edge let the credentials through (the service may have no settings yet)
            while (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 401) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("The gateway did not learn of the demo's Webitel credentials");
                }
                pause();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The seed's field list becomes the form of category 2542: system fields take the seed's titles and limits,
     * custom fields keep their ids; other categories show the system fields without the consent.
     */
    private void seedDemoForm(NhnClient nhn) {
        String base = "/" + options.demo().serviceId() + "/openapi/v1/ticket/";
        List<Long> layout = new java.util.ArrayList<>();
        try (var seed = LocalStack.class.getResourceAsStream("/demo-fields.json")) {
            for (JsonNode field : JSON.readTree(seed).path("result").path("contents")) {
                long id = field.path("fieldId").asLong();
                layout.add(id);
                var body = new java.util.LinkedHashMap<String, Object>();
                for (String name : List.of("title", "description", "placeholder", "length", "required", "encrypt",
                        "holdingText")) {
                    body.put(name, field.get(name));
                }
                HttpResponse<String> saved;
                if (id < 100) {
                    saved = nhn.send("PUT", base + "fields/" + id + ".json", JSON.writeValueAsString(body));
                } else {
                    body.put("fieldId", id);
                    body.put("code", field.path("code").asString());
                    body.put("type", field.path("type").asString());
                    body.put("options", field.get("options"));
                    saved = nhn.send("POST", base + "fields.json", JSON.writeValueAsString(body));
                }
                expectSeeded(saved, "field " + id);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        expectSeeded(nhn.send("PUT", base + "categories/2542/fields.json",
                JSON.writeValueAsString(Map.of("fieldIds", layout))), "layout of 2542");
        expectSeeded(nhn.send("PUT", base + "categories/0/fields.json",
                JSON.writeValueAsString(Map.of("fieldIds", List.of(1, 3, 5, 6, 2, 4, 9, 18, 19)))), "default layout");
    }

    /** A demo object is there: just made, or already there from an earlier start (9007). */
    private static void expectSeeded(HttpResponse<String> response, String what) {
        int result = JSON.readTree(response.body()).path("header").path("resultCode").asInt();
        if (response.statusCode() != 200 || (result != 200 && result != 9007)) {
            throw new IllegalStateException("Demo " + what + " not seeded: " + response.body());
        }
    }

    /** Calls the operator API with the operator's token. */
    public HttpResponse<String> operator(String method, String path, String body) {
        var request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + options.secrets().operatorToken())
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException("Operator call " + path + " failed", e);
        }
    }

    public NhnClient nhnClient() {
        DemoTenant demo = options.demo();
        return new NhnClient(baseUrl, demo.organizationId(), demo.serviceKey());
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** Where a service listens behind the gateway (for tests that try to go around it). */
    public int servicePort(String name) {
        return servicePorts.get(name);
    }

    /** Where a service serves health and metrics (loopback only, never routed by the gateway). */
    public int managementPort(String name) {
        return managementPorts.get(name);
    }

    /** The operating system's process id of a service, for a benchmark's CPU accounting. */
    public long pid(String service) {
        return services.pid(service);
    }

    /** Kills a service as a crash would (SIGKILL), for fault tests; {@link #restart} brings it back. */
    public void kill(String service) {
        services.kill(service);
    }

    /** Starts a killed service again with the same ports and settings and waits until it is healthy. */
    public void restart(String service) {
        services.restart(service, Duration.ofMinutes(3));
    }

    /**
     * Starts a second instance of a service (logs in {@code <replica>.log}), for tests of several instances; it
     * can be killed and restarted by its name like the others.
     */
    public void startReplica(String service, String replica) {
        services.startReplica(service, replica, Infrastructure.freePort(), Infrastructure.freePort(),
                Duration.ofMinutes(3));
    }

    public Infrastructure infrastructure() {
        return infra;
    }

    public DemoTenant demoTenant() {
        return options.demo();
    }

    /** The demo tenant's Webitel credentials, as issued (or renewed) at this start. */
    public WebitelCredentials webitelCredentials() {
        return webitel;
    }

    public StackSecrets secrets() {
        return options.secrets();
    }

    @Override
    public void close() {
        services.close();
        infra.close();
    }

    private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
        var merged = new java.util.HashMap<>(a);
        merged.putAll(b);
        return merged;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        var all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
