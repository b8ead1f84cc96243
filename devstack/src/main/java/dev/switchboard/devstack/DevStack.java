package dev.switchboard.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import tools.jackson.databind.JsonNode;

/**
 * Starts the whole Switchboard locally and keeps it running until Ctrl-C.
 *
 * <p>Options: {@code --data-dir=data} (Mongo data, secrets, logs, demo-tenant.json), {@code --port=8080},
 * {@code --mongo-port=27017}, {@code --smtp-port=3025}, {@code --imap-port=3143},
 * {@code --services-dir=} (where the service jars are; default beside this jar).
 */
public final class DevStack {

    private DevStack() {
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        Map<String, String> options = parse(args);
        Path dataDir = Path.of(options.getOrDefault("data-dir", "data")).toAbsolutePath();
        Path servicesDir = Path.of(options.getOrDefault("services-dir", defaultServicesDir().toString()));
        int port = Integer.parseInt(options.getOrDefault("port", "8080"));
        var infra = new Infrastructure.Options(dataDir.resolve("mongo"),
                Integer.parseInt(options.getOrDefault("mongo-port", "27017")),
                Integer.parseInt(options.getOrDefault("smtp-port", "3025")),
                Integer.parseInt(options.getOrDefault("imap-port", "3143")));
        StackSecrets secrets = StackSecrets.loadOrCreate(dataDir.resolve("secrets.json"), LocalStack.JSON);
        var demo = demoTenant(dataDir.resolve("demo-tenant.json"));

        LocalStack stack = LocalStack.start(new LocalStack.Options(servicesDir, dataDir.resolve("logs"), infra, port,
                secrets, demo, Map.of()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nStopping Switchboard...");
            stack.close();
            stopped.countDown();
        }, "devstack-shutdown"));

        writeDemoFile(dataDir.resolve("demo-tenant.json"), stack, demo);
        double seconds = (System.nanoTime() - started) / 1e9;
        var in = stack.infrastructure();
        var webitel = stack.webitelCredentials();
        System.out.printf("""

                Switchboard is running (ready in %.1f s)
                  API base URL      %s
                  demo tenant       serviceId=%s organizationId=%s serviceKey=%s
                  SuperOffice agent Authorization: %s  (or: %s)
                  Webitel           X-Key: %s  X-Access-Token: %s
                                    (expires %s; GET %s/api/v2/email/settings?domain=%s)
                  operator token    %s
                  Kafka             %s
                  MongoDB           %s
                  mail (GreenMail)  SMTP %s:%d, IMAP %s:%d; log in with the full mail address as user and password
                  management        %s (health, metrics, dead letters: http://127.0.0.1:PORT/actuator/...)
                  details           %s
                  logs              %s
                Press Ctrl-C to stop.
                %n""", seconds, stack.baseUrl(), demo.serviceId(), demo.organizationId(), demo.serviceKey(),
                demo.basicAuthorization(), demo.bearerAuthorization(), webitel.key(), webitel.accessToken(),
                Instant.ofEpochMilli(webitel.expiresAt()), stack.baseUrl(), demo.domain(), secrets.operatorToken(), in.kafkaBootstrapServers(), in.mongoUri(), in.mailHost(), in.smtpPort(),
                in.mailHost(), in.imapPort(), managementPorts(stack), dataDir.resolve("demo-tenant.json"),
                dataDir.resolve("logs"));
        stopped.await();
    }

    /** Each service's management port, as {@code name=port}, for health checks and dead-letter re-drives. */
    private static String managementPorts(LocalStack stack) {
        return String.join(" ", java.util.stream.Stream.of("gateway", "account-service", "ticket-service",
                "attachment-service", "notification-service")
                .map(name -> name + "=" + stack.managementPort(name)).toList());
    }

    /** The same demo tenant across restarts: its secrets are kept in demo-tenant.json once generated. */
    private static LocalStack.DemoTenant demoTenant(Path file) {
        String key = null;
        String agentSecret = null;
        if (Files.exists(file)) {
            JsonNode existing = LocalStack.JSON.readTree(file.toFile());
            key = existing.path("serviceKey").asString(null);
            agentSecret = existing.path("superOffice").path("agentSecret").asString(null);
        }
        return new LocalStack.DemoTenant("demo", "DemoOrg0001", key != null ? key : randomHex(16),
                agentSecret != null ? agentSecret : randomHex(24), "demo", "Demo Support",
                "support@demo.switchboard.local",
                "<html><body style=\"font-family:sans-serif\"><h2>Demo Support</h2><div>#{content}</div>"
                        + "<hr><small>Sent by Switchboard on behalf of Demo</small></body></html>");
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private static void writeDemoFile(Path file, LocalStack stack, LocalStack.DemoTenant demo) {
        var in = stack.infrastructure();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("baseUrl", stack.baseUrl());
        json.put("serviceId", demo.serviceId());
        json.put("organizationId", demo.organizationId());
        json.put("serviceKey", demo.serviceKey());
        json.put("domain", demo.domain());
        Map<String, Object> superOffice = new LinkedHashMap<>();
        superOffice.put("agentSecret", demo.agentSecret());
        superOffice.put("basicAuthorization", demo.basicAuthorization());
        superOffice.put("bearerAuthorization", demo.bearerAuthorization());
        superOffice.put("emailAgent", stack.baseUrl() + "/api/v1/Agents/EMail/");
        json.put("superOffice", superOffice);
        var webitel = stack.webitelCredentials();
        Map<String, Object> webitelJson = new LinkedHashMap<>();
        webitelJson.put("xKey", webitel.key());
        webitelJson.put("accessToken", webitel.accessToken());
        webitelJson.put("expiresAt", Instant.ofEpochMilli(webitel.expiresAt()).toString());
        webitelJson.put("emailSettings", stack.baseUrl() + "/api/v2/email/settings?domain=" + demo.domain());
        json.put("webitel", webitelJson);
        json.put("operatorToken", stack.secrets().operatorToken());
        json.put("kafkaBootstrapServers", in.kafkaBootstrapServers());
        json.put("mongoUri", in.mongoUri());
        json.put("mail", Map.of("host", in.mailHost(), "smtpPort", in.smtpPort(), "imapPort", in.imapPort(),
                "login", "user and password are both the full mail address (GreenMail creates the mailbox on first delivery)"));
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
        LocalStack.JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), json);
    }

    private static Path defaultServicesDir() {
        try {
            Path location = Path.of(DevStack.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return location.getParent().resolve("services");
        } catch (Exception e) {
            return Path.of("devstack/target/services");
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("Unknown argument " + arg + "; use --name=value");
            }
            options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        return options;
    }
}
