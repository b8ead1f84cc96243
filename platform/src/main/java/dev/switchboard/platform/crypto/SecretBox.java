package dev.switchboard.platform.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;

/**
 * Encrypts a service's secrets at rest (Tink AEAD, AES-256-GCM keysets, so keys can be rotated).
 * The associated data binds a ciphertext to where it belongs (tenant and field), so a sealed value
 * copied into another record does not open.
 */
public final class SecretBox {

    private final Aead aead;

    public SecretBox(String keysetJson) {
        try {
            AeadConfig.register();
            KeysetHandle handle = TinkJsonProtoKeysetFormat.parseKeyset(keysetJson, InsecureSecretKeyAccess.get());
            this.aead = handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The secrets keyset cannot be read", e);
        }
    }

    public byte[] seal(String plaintext, String context) {
        return seal(plaintext.getBytes(StandardCharsets.UTF_8), context);
    }

    public String open(byte[] ciphertext, String context) {
        return new String(openBytes(ciphertext, context), StandardCharsets.UTF_8);
    }

    /** Seals bytes that are not text. */
    public byte[] seal(byte[] plaintext, String context) {
        try {
            return aead.encrypt(plaintext, context.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Encryption failed", e);
        }
    }

    /** Opens what {@link #seal(byte[], String)} sealed. */
    public byte[] openBytes(byte[] ciphertext, String context) {
        try {
            return aead.decrypt(ciphertext, context.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("A sealed secret does not open with this keyset (wrong key or context)", e);
        }
    }
}
