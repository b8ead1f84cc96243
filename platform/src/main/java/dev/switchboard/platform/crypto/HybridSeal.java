package dev.switchboard.platform.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Security;

import org.conscrypt.Conscrypt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *
 * <p>Each seal makes a fresh ephemeral X25519 key and agrees on a secret with it (two scalar multiplications),
 * each opening one. Tink does these with BoringSSL (Conscrypt) when a provider named "Conscrypt" is installed,
 * else in its own Java code, several times slower; both give the same bytes, so either side opens what the
 * other sealed.
 */
public final class HybridSeal {

    private static final Logger log = LoggerFactory.getLogger(HybridSeal.class);

    private static final boolean NATIVE_X25519 = installConscrypt();

    private HybridSeal() {
    }

    /** Whether Sealers and Openers made from now on use BoringSSL's X25519 rather than Tink's Java one. */
    static boolean nativeX25519() {
        return NATIVE_X25519;
    }

    /**
     * Tink looks Conscrypt up among the installed providers only, so it is installed, once, last: it then
     * serves only what a caller asks of it by name or what no JDK provider offers, never TLS or a cipher the
     * JDK has. Without its native library (an unsupported platform, a {@code java.io.tmpdir} it cannot load
     * from) sealing still works, only slower.
     */
    private static boolean installConscrypt() {
        if (Security.getProvider("Conscrypt") == null) {
            try {
                Security.addProvider(Conscrypt.newProvider());
            } catch (LinkageError e) {
                log.warn("Conscrypt's native library does not load here, HPKE seals use Tink's slower Java X25519", e);
                return false;
            }
        }
        return Security.getProvider("Conscrypt").getService("KeyAgreement", "XDH") != null;
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
            nativeX25519(); // Conscrypt is installed before Tink picks its X25519
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
            nativeX25519(); // Conscrypt is installed before Tink picks its X25519
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
