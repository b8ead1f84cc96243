package dev.switchboard.platform.edge;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The short-lived proof the gateway attaches to every request it forwards, so that a service can
 * tell a request that passed the edge's signature check from one that went around it.
 *
 * <p>Format: {@code v2.<base64url serviceId>.<epoch millis>.<base64url HMAC-SHA256>} over the
 * version, serviceId (empty for operator calls), time, the service it is for (its application name),
 * method, path and raw query. A token is valid for a short window and only for the request and the service
 * it was issued for: replayed to another service, or with another query, it opens nothing. (The body is not
 * covered: the edge streams uploads through and has read a JSON body only to check the client's signature.)
 */
public final class EdgeToken {

    /** Header carrying the token from the gateway to a service. */
    public static final String HEADER = "X-Switchboard-Edge";

    private static final String VERSION = "v2";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final SecretKeySpec key;
    private final Duration maxAge;
    private final Clock clock;

    public EdgeToken(byte[] secret, Duration maxAge, Clock clock) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("The edge secret must be at least 32 bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /** What a token is bound to: the service it is for, and the request. */
    public record Target(String audience, String method, String path, String rawQuery) {
        public Target {
            rawQuery = rawQuery == null ? "" : rawQuery;
        }
    }

    /** Issues a token for one request; {@code serviceId} is empty when no tenant is authenticated. */
    public String issue(String serviceId, Target target) {
        long now = clock.millis();
        return VERSION + "." + B64.encodeToString(serviceId.getBytes(StandardCharsets.UTF_8)) + "." + now + "."
                + B64.encodeToString(mac(serviceId, now, target));
    }

    /**
     * Checks a token against the request it arrived with.
     *
     * @return the authenticated serviceId (empty string for none), or empty when the token is invalid
     */
    public Optional<String> verify(String token, Target target) {
        if (token == null) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 4 || !VERSION.equals(parts[0])) {
            return Optional.empty();
        }
        try {
            String serviceId = new String(B64D.decode(parts[1]), StandardCharsets.UTF_8);
            long issuedAt = Long.parseLong(parts[2]);
            long age = clock.millis() - issuedAt;
            if (age < -5_000 || age > maxAge.toMillis()) {
                return Optional.empty();
            }
            byte[] expected = mac(serviceId, issuedAt, target);
            return MessageDigest.isEqual(expected, B64D.decode(parts[3])) ? Optional.of(serviceId) : Optional.empty();
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }

    private byte[] mac(String serviceId, long time, Target target) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            String signed = String.join("\n", VERSION, serviceId, Long.toString(time), target.audience(),
                    target.method(), target.path(), target.rawQuery());
            return mac.doFinal(signed.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
