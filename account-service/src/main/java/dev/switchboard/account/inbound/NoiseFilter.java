package dev.switchboard.account.inbound;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.stereotype.Component;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;

/**
 * Loop and noise protection: mail that must not become a ticket, because answering it could start a mail loop
 * or flood a tenant. Automatic mail (RFC 3834 {@code Auto-Submitted}, {@code Precedence}, {@code X-Loop}),
 * bounces, Switchboard's own mail coming back, and a sender over its hourly rate.
 * <p>
 * The rate is counted per instance: a mailbox is fetched by one instance at a time, so one sender writing to one
 * mailbox is counted whole; across a tenant's several mailboxes on several instances it is counted per instance.
 * The most recently active senders are remembered, up to {@link #MAX_SENDERS}.
 */
@Component
class NoiseFilter {

    /** Why a message was ignored; {@code code} tags the metric, {@code detail} (from the message) is shown too. */
    record Noise(String code, String detail) {

        String reason() {
            return detail == null || detail.isEmpty() ? code : code + ": " + detail;
        }
    }

    static final String AUTO_SUBMITTED = "auto-submitted";
    static final String PRECEDENCE = "precedence";
    static final String X_LOOP = "x-loop";
    static final String BOUNCE = "bounce";
    static final String OWN_MESSAGE_ID = "own-message-id";
    static final String RATE_LIMIT = "rate-limit";

    static final int MAX_SENDERS = 100_000;
    private static final Set<String> BULK = Set.of("bulk", "junk", "list");
    private static final Set<String> DAEMONS = Set.of("mailer-daemon", "postmaster");
    private static final int MAX_DETAIL = 100;

    private final String ownDomain;
    private final int perHour;
    private final Map<String, Bucket> senders = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > MAX_SENDERS;
        }
    };

    NoiseFilter(InboundProperties properties) {
        this.ownDomain = properties.ownMessageIdDomain().toLowerCase(Locale.ROOT);
        this.perHour = properties.senderRatePerHour();
    }

    /** The rule a message breaks by its headers alone, if any. */
    Optional<Noise> check(ParsedMessage message) {
        var loop = message.loop();
        if (loop.autoSubmitted() != null && !loop.autoSubmitted().equals("no")) {
            return noise(AUTO_SUBMITTED, loop.autoSubmitted());
        }
        if (loop.precedence() != null && BULK.contains(loop.precedence())) {
            return noise(PRECEDENCE, loop.precedence());
        }
        if (loop.xLoop()) {
            return noise(X_LOOP, null);
        }
        if (loop.report()) {
            return noise(BOUNCE, "multipart/report");
        }
        if (DAEMONS.contains(message.from().localPart().toLowerCase(Locale.ROOT))) {
            return noise(BOUNCE, message.from().localPart().toLowerCase(Locale.ROOT));
        }
        if (message.messageId() != null && ownDomain.equals(idDomain(message.messageId()))) {
            return noise(OWN_MESSAGE_ID, ownDomain);
        }
        return Optional.empty();
    }

    /**
     * Takes one message from the sender's hourly allowance at the tenant; a sender without allowance left gets
     * the noise back. A message that then fails for a transient reason gives it back ({@link #refund}).
     */
    Optional<Noise> takeRate(String serviceId, String sender) {
        Bucket bucket;
        synchronized (senders) {
            bucket = senders.computeIfAbsent(key(serviceId, sender), key -> Bucket.builder()
                    .addLimit(Bandwidth.builder().capacity(perHour).refillGreedy(perHour, Duration.ofHours(1)).build())
                    .build());
        }
        return bucket.tryConsume(1) ? Optional.empty()
                : noise(RATE_LIMIT, "more than " + perHour + " messages an hour from one sender");
    }

    void refund(String serviceId, String sender) {
        Bucket bucket;
        synchronized (senders) {
            bucket = senders.get(key(serviceId, sender));
        }
        if (bucket != null) {
            bucket.addTokens(1);
        }
    }

    private static String key(String serviceId, String sender) {
        return serviceId + "\n" + sender.toLowerCase(Locale.ROOT);
    }

    /** The right-hand side of {@code <left@right>}, lower case. */
    static String idDomain(String messageId) {
        int at = messageId.lastIndexOf('@');
        if (at < 0) {
            return null;
        }
        String domain = messageId.substring(at + 1);
        if (domain.endsWith(">")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        return domain.strip().toLowerCase(Locale.ROOT);
    }

    private static Optional<Noise> noise(String code, String detail) {
        String shown = detail == null ? null : Charsets.oneLine(detail);
        if (shown != null && shown.length() > MAX_DETAIL) {
            shown = shown.substring(0, MAX_DETAIL);
        }
        return Optional.of(new Noise(code, shown));
    }
}
