package dev.switchboard.account.tenant;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Webitel dialect's {@code X-Access-Token}, shaped as the document's: a JWT-looking
 * {@code header.payload.signature}, HMAC-SHA256 (HS256) over the Base64url header and payload. The payload
 * carries the expiry ({@code exp}, epoch milliseconds, as in the document's tokens) and the {@code X-Key} the
 * token goes with. The key of the HMAC is a per-tenant secret of {@value #SECRET_BYTES} random bytes, replaced
 * with every token; the gateway verifies the token with it.
 */
final class WebitelToken {

    static final int SECRET_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    /** {@code {"typ":"JWT","alg":"HS256"}}, the header of the document's tokens. */
    private static final String HEADER = encode("{\"typ\":\"JWT\",\"alg\":\"HS256\"}");

    private WebitelToken() {
    }

    /** A new token secret: Base64url (unpadded) of {@value #SECRET_BYTES} random bytes, the form it is sealed in. */
    static String newSecret() {
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secret);
        return BASE64URL.encodeToString(secret);
    }

    /** A new {@code X-Key}: a random UUID, as the document's. */
    static String newKey() {
        return UUID.randomUUID().toString();
    }

    /** The token for the key, valid until {@code expiresAt}, signed with the secret ({@link #newSecret} form). */
    static String sign(String key, Instant expiresAt, String secret) {
        // the key is a UUID this service made, so it needs no JSON escaping
        String signed = HEADER + "." + encode("{\"exp\":" + expiresAt.toEpochMilli() + ",\"key\":\"" + key + "\"}");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getUrlDecoder().decode(secret), "HmacSHA256"));
            return signed + "." + BASE64URL.encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String json) {
        return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
