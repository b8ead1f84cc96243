package dev.switchboard.platform.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed hashes (HMAC-SHA256) of personal data kept sealed, so that equality lookups work without
 * decrypting: the same value gives the same hash under one key, and without the key nobody can test
 * guesses against a stolen database (a plain hash of an e-mail address can be reversed by trying
 * addresses). Every part is length-prefixed, so ("ab", "c") and ("a", "bc") never collide.
 */
public final class KeyedHash {

    private static final String ALGORITHM = "HmacSHA256";
    private static final int MIN_KEY_BYTES = 32;

    private final SecretKeySpec key;

    /** @param hexKey at least 32 random bytes, hex-encoded */
    public KeyedHash(String hexKey) {
        byte[] bytes;
        try {
            bytes = HexFormat.of().parseHex(hexKey.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("The hash key must be hex-encoded", e);
        }
        if (bytes.length < MIN_KEY_BYTES) {
            throw new IllegalStateException("The hash key must have at least " + MIN_KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(bytes, ALGORITHM);
    }

    /** The hash of the parts, URL-safe Base64 without padding (43 characters). */
    public String of(String... parts) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            for (String part : parts) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                mac.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
                mac.update(bytes);
            }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    @Override
    public String toString() {
        return "KeyedHash[********]";
    }
}
