package dev.switchboard.platform.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import com.google.crypto.tink.HybridDecrypt;
import com.google.crypto.tink.HybridEncrypt;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.hybrid.HybridConfig;

/**
 * Seals a value for one component with public-key encryption (Tink HPKE): the sender holds only the
 * public keyset and can seal; only the recipient, holding the private keyset, can open. account-service
 * seals service keys for the gateway this way, ticket-service customers' contact data for
 * notification-service.
 */
public final class HybridSeal {

    private HybridSeal() {
    }

    /**
     * Associated data of a tenant's sealed agent secret, distinct from the service key's (the serviceId),
     * so one sealed value can never be passed off as the other.
     */
    public static String agentSecretContext(String serviceId) {
        return serviceId + ":agent-secret";
    }

    /**
     * Associated data of a tenant's sealed Webitel token secret (the HMAC key of its {@code X-Access-Token}),
     * distinct from the service key's and the agent secret's, so none can be passed off as another.
     */
    public static String webitelTokenSecretContext(String serviceId) {
        return serviceId + ":webitel-token-secret";
    }

    /** The sealing side, from the recipient's public keyset. */
    public static final class Sealer {
        private final HybridEncrypt encrypt;

        public Sealer(String publicKeysetJson) {
            try {
                HybridConfig.register();
                KeysetHandle handle = TinkJsonProtoKeysetFormat.parseKeysetWithoutSecret(publicKeysetJson);
                this.encrypt = handle.getPrimitive(RegistryConfiguration.get(), HybridEncrypt.class);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("The recipient's public keyset cannot be read", e);
            }
        }

        public byte[] seal(String secret, String context) {
            try {
                return encrypt.encrypt(secret.getBytes(StandardCharsets.UTF_8), context.getBytes(StandardCharsets.UTF_8));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Sealing failed", e);
            }
        }
    }

    /** The opening side, from the private keyset only the recipient has. */
    public static final class Opener {
        private final HybridDecrypt decrypt;

        public Opener(String privateKeysetJson) {
            try {
                HybridConfig.register();
                KeysetHandle handle = TinkJsonProtoKeysetFormat.parseKeyset(privateKeysetJson, InsecureSecretKeyAccess.get());
                this.decrypt = handle.getPrimitive(RegistryConfiguration.get(), HybridDecrypt.class);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("The private keyset cannot be read", e);
            }
        }

        public String open(byte[] sealed, String context) {
            try {
                return new String(decrypt.decrypt(sealed, context.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("A sealed value does not open with this keyset (wrong key or context)", e);
            }
        }
    }
}
