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
 * <p>Format: {@code v1.<base64url serviceId>.<epoch millis>.<base64url HMAC-SHA256>} over the
 * version, serviceId (empty for operator and public calls), time, method and path. A token is valid
 * for a short window and only for the request it was issued for.
 */
public final class EdgeToken {

    /** Header carrying the token from the gateway to a service. */
    public static final String HEADER = "X-Switchboard-Edge";

    private static final String VERSION = "v1";
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

    /** Issues a token for one request; {@code serviceId} is empty when no tenant is authenticated. */
    public String issue(String serviceId, String method, String path) {
        long now = clock.millis();
        return VERSION + "." + B64.encodeToString(serviceId.getBytes(StandardCharsets.UTF_8)) + "." + now + "."
                + B64.encodeToString(mac(serviceId, now, method, path));
    }

    /**
     * Checks a token against the request it arrived with.
     *
     * @return the authenticated serviceId (empty string for none), or empty when the token is invalid
     */
    public Optional<String> verify(String token, String method, String path) {
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
            byte[] expected = mac(serviceId, issuedAt, method, path);
            return MessageDigest.isEqual(expected, B64D.decode(parts[3])) ? Optional.of(serviceId) : Optional.empty();
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }

    private byte[] mac(String serviceId, long time, String method, String path) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            String signed = VERSION + "\n" + serviceId + "\n" + time + "\n" + method + "\n" + path;
            return mac.doFinal(signed.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
