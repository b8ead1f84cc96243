package dev.switchboard.devstack;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts the whole local stack once per test JVM (memory-backed Mongo, free ports, fresh secrets)
 * and stops it when the test run ends. Tests receive it as a {@link LocalStack} parameter.
 */
class StackExtension implements BeforeAllCallback, ParameterResolver {

    @Override
    public void beforeAll(ExtensionContext context) {
        // GreenMail runs in this JVM: its connection threads fail when a client goes away (a service killed in a
        // fault test, a TLS probe at a plain port), which is the mail server's business, not the awaited outcome
        org.awaitility.Awaitility.doNotCatchUncaughtExceptionsByDefault();
        stack(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return stack(context);
    }

    /** A new stack writes new logs: outages recorded by an earlier run no longer apply. */
    private static LocalStack startFresh(LocalStack.Options options) {
        try {
            java.nio.file.Files.deleteIfExists(FaultWindows.file());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return LocalStack.start(options);
    }

    /** How long an upload of the test stack waits for a ticket. */
    static final java.time.Duration UPLOAD_TTL = java.time.Duration.ofSeconds(30);
    /**
     * Retries come sooner than in production (15 s), and as many of them still outlast the fault tests'
     * longest outage (40 x 5 s against 2 minutes of SMTP down).
     */
    static final String RETRY_INTERVAL = "--switchboard.kafka.retry-interval=5s";
    /** The most file content one answer mail carries in the test stack. */
    static final long MAIL_FILES_LIMIT = 1024 * 1024;

    private static LocalStack stack(ExtensionContext context) {
        // the root store closes its AutoCloseable values when the whole run ends
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .computeIfAbsent(LocalStack.class, key -> startFresh(new LocalStack.Options(
                        Path.of(System.getProperty("switchboard.services.dir", "target/services")),
                        Path.of(System.getProperty("switchboard.logs.dir", "target/it-logs")),
                        Infrastructure.Options.ephemeral(), 0, StackSecrets.generate(),
                        new LocalStack.DemoTenant("demo", "WopqM8euoYw89B7i", "431402c0eaaf46d889f243db9e7492e2",
                                "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00", "demo", "Demo Support", "support@demo.switchboard.local",
                                "<html><body><h2>Demo Support</h2><div class=\"msg\">#{content}</div></body></html>"),
                        // uploads expire within the run, so the expiry can be watched
                        Map.of("attachment-service", List.of("--switchboard.attachment.unreferenced-ttl="
                                        + UPLOAD_TTL.toSeconds() + "s", "--switchboard.attachment.sweep-interval=1s",
                                        RETRY_INTERVAL),
                                "ticket-service", List.of("--switchboard.ticket.attachments.expiry-margin=1s",
                                        RETRY_INTERVAL),
                                // mailboxes looked at every second, a failing one disabled within seconds, and
                                // one sender may send a whole test's mail
                                "account-service", List.of(RETRY_INTERVAL,
                                        "--switchboard.account.inbound.poll-interval=1s",
                                        "--switchboard.account.inbound.idle-renewal=20s",
                                        "--switchboard.account.inbound.claim-interval=2s",
                                        "--switchboard.account.inbound.backoff-initial=1s",
                                        "--switchboard.account.inbound.backoff-max=2s",
                                        "--switchboard.account.inbound.sender-rate-per-hour=100000"),
                                // small enough that a test file overflows a mail
                                "notification-service", List.of("--switchboard.notification.attachments.max-mail-size="
                                        + MAIL_FILES_LIMIT + "B", RETRY_INTERVAL,
                                        // a crashed sender's lease runs out within a fault test
                                        "--switchboard.notification.relay.send-timeout=10s",
                                        "--switchboard.notification.attachments.fetch-timeout=15s",
                                        "--switchboard.notification.sending.lease=40s",
                                        // an outage's mail goes out within seconds of its end
                                        "--switchboard.notification.sending.retry.initial=2s",
                                        "--switchboard.notification.sending.retry.max=10s")))),
                        LocalStack.class);
    }
}
