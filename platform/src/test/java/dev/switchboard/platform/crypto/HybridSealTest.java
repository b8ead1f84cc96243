package dev.switchboard.platform.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Security;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;

import com.google.crypto.tink.HybridDecrypt;
import com.google.crypto.tink.HybridEncrypt;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.hybrid.internal.X25519Conscrypt;

class HybridSealTest {

    /** A contact sealed by the version that had only Tink's Java X25519, with the keyset it was sealed for. */
    static final String STORED_PRIVATE_KEYSET = """
            {"primaryKeyId":3596262737,"key":[{"keyData":{"typeUrl":"type.googleapis.com/google.crypto.tink.HpkePrivateKey",\
            "value":"EioSBggBEAEYAhogxkJkIkAWzpbohJenJkfTugYXre1Kv5f29fF+i0FVnWoaIL++Q5rrx9gegs/GrCTxwT9Fs+xjb8H9u3y44zoxKSeH",\
            "keyMaterialType":"ASYMMETRIC_PRIVATE"},"status":"ENABLED","keyId":3596262737,"outputPrefixType":"TINK"}]}""";
    static final String STORED_CONTACT = "AdZanVEaCalFeD8gFJakhdNr8tDl7oNvl0Ab3ZtvtLpucGBfXvv1fIxQV857+KW+fCoEj1r9tU5nz/"
            + "xp5nOPFv8i9m/BcumeaBBpLEueFkyi4cp/T/Fb8J4pCsZE1yvaYg==";

    /** Tink's output prefix (version byte and key id), then the sender's ephemeral X25519 public key. */
    private static final int PREFIX = 5;
    private static final int EPHEMERAL_KEY = 32;

    @Test
    void sealsAndOpensWithBoringSslX25519() throws GeneralSecurityException {
        var pair = Keysets.newKeyPair();
        new HybridSeal.Sealer(pair.publicKeyset());
        assertThat(HybridSeal.nativeX25519()).isTrue();
        assertThat(Security.getProvider("Conscrypt")).isNotNull();
        // what Tink's X25519 HPKE KEM tries first, falling back to its Java X25519 when it throws
        assertThat(X25519Conscrypt.create()).isNotNull();
    }

    @Test
    void conscryptIsTheLastProviderSoItServesNothingTheJdkDoes() {
        new HybridSeal.Opener(Keysets.newKeyPair().privateKeyset());
        Provider[] providers = Security.getProviders();
        assertThat(providers[providers.length - 1].getName()).isEqualTo("Conscrypt");
        assertThat(Security.getProviders("SSLContext.TLS")[0].getName()).isEqualTo("SunJSSE");
        assertThat(Security.getProviders("Cipher.AES/GCM/NoPadding")[0].getName()).isEqualTo("SunJCE");
    }

    @Test
    void opensAContactSealedBeforeBoringSslX25519() {
        var opener = new HybridSeal.Opener(STORED_PRIVATE_KEYSET);
        assertThat(SealedContact.openHpke(opener, ByteBuffer.wrap(Base64.getDecoder().decode(STORED_CONTACT)), "demo", "T1"))
                .isEqualTo(new SealedContact("kim@example.com", "Kim"));
    }

    @Test
    void aValueSealedWithBoringSslOpensWithTinksJavaX25519() throws Exception {
        var pair = Keysets.newKeyPair();
        byte[] sealed = new HybridSeal.Sealer(pair.publicKeyset()).seal("kim@example.com", "contact:demo:T1");
        HybridDecrypt javaOnly = withTinksJavaX25519(() -> TinkJsonProtoKeysetFormat
                .parseKeyset(pair.privateKeyset(), InsecureSecretKeyAccess.get())
                .getPrimitive(RegistryConfiguration.get(), HybridDecrypt.class));
        assertThat(new String(javaOnly.decrypt(sealed, "contact:demo:T1".getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8)).isEqualTo("kim@example.com");
    }

    @Test
    void aValueSealedWithTinksJavaX25519OpensWithBoringSsl() throws Exception {
        var pair = Keysets.newKeyPair();
        var opener = new HybridSeal.Opener(pair.privateKeyset());
        HybridEncrypt javaOnly = withTinksJavaX25519(() -> TinkJsonProtoKeysetFormat
                .parseKeysetWithoutSecret(pair.publicKeyset())
                .getPrimitive(RegistryConfiguration.get(), HybridEncrypt.class));
        byte[] sealed = javaOnly.encrypt("kim@example.com".getBytes(StandardCharsets.UTF_8),
                "contact:demo:T1".getBytes(StandardCharsets.UTF_8));
        assertThat(opener.open(sealed, "contact:demo:T1")).isEqualTo("kim@example.com");
        assertThatThrownBy(() -> opener.open(sealed, "contact:demo:T2")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void everySealHasItsOwnEphemeralKey() {
        var pair = Keysets.newKeyPair();
        var sealer = new HybridSeal.Sealer(pair.publicKeyset());
        byte[] first = sealer.seal("kim@example.com", "contact:demo:T1");
        byte[] second = sealer.seal("kim@example.com", "contact:demo:T1");
        assertThat(first).isNotEqualTo(second);
        assertThat(Arrays.copyOfRange(first, PREFIX, PREFIX + EPHEMERAL_KEY))
                .isNotEqualTo(Arrays.copyOfRange(second, PREFIX, PREFIX + EPHEMERAL_KEY));
        var opener = new HybridSeal.Opener(pair.privateKeyset());
        assertThat(opener.open(first, "contact:demo:T1")).isEqualTo(opener.open(second, "contact:demo:T1"))
                .isEqualTo("kim@example.com");
    }

    /** Tink picks its X25519 when a primitive is made: made while Conscrypt is not installed, it uses its own. */
    private static <T> T withTinksJavaX25519(Callable<T> primitive) throws Exception {
        new HybridSeal.Opener(Keysets.newKeyPair().privateKeyset());
        Provider conscrypt = Security.getProvider("Conscrypt");
        Security.removeProvider("Conscrypt");
        try {
            assertThatThrownBy(X25519Conscrypt::create).isInstanceOf(GeneralSecurityException.class);
            return primitive.call();
        } finally {
            Security.addProvider(conscrypt);
        }
    }
}
