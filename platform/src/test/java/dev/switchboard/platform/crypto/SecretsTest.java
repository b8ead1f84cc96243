package dev.switchboard.platform.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void sealedSecretOpensOnlyInItsOwnContext() {
        var box = new SecretBox(Keysets.newAeadKeyset());
        byte[] sealed = box.seal("s3cret", "tenant:demo");
        assertThat(new String(sealed)).doesNotContain("s3cret");
        assertThat(box.open(sealed, "tenant:demo")).isEqualTo("s3cret");
        assertThatThrownBy(() -> box.open(sealed, "tenant:other")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void hybridSealOpensOnlyWithThePrivateKeyset() {
        var pair = Keysets.newKeyPair();
        assertThat(pair.publicKeyset()).isNotEqualTo(pair.privateKeyset());
        byte[] sealed = new HybridSeal.Sealer(pair.publicKeyset()).seal("key-1", "demo");
        assertThat(new HybridSeal.Opener(pair.privateKeyset()).open(sealed, "demo")).isEqualTo("key-1");
        var otherPair = Keysets.newKeyPair();
        assertThatThrownBy(() -> new HybridSeal.Opener(otherPair.privateKeyset()).open(sealed, "demo"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSealedWebitelTokenSecretOpensAsNothingElse() {
        var pair = Keysets.newKeyPair();
        var opener = new HybridSeal.Opener(pair.privateKeyset());
        byte[] sealed = new HybridSeal.Sealer(pair.publicKeyset()).seal("s", HybridSeal.webitelTokenSecretContext("demo"));
        assertThat(opener.open(sealed, HybridSeal.webitelTokenSecretContext("demo"))).isEqualTo("s");
        for (String other : new String[] {"demo", HybridSeal.agentSecretContext("demo"),
                HybridSeal.webitelTokenSecretContext("other")}) {
            assertThatThrownBy(() -> opener.open(sealed, other)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void keyedHashIsStablePerKeyAndUnambiguous() {
        var hash = new KeyedHash(Keysets.newHashKey());
        assertThat(hash.of("demo", "a@example.com")).isEqualTo(hash.of("demo", "a@example.com")).hasSize(43);
        assertThat(hash.of("demo", "a@example.com")).isNotEqualTo(hash.of("other", "a@example.com"));
        assertThat(hash.of("ab", "c")).isNotEqualTo(hash.of("a", "bc"));
        assertThat(new KeyedHash(Keysets.newHashKey()).of("demo", "a@example.com"))
                .isNotEqualTo(hash.of("demo", "a@example.com"));
        assertThatThrownBy(() -> new KeyedHash("00ff")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new KeyedHash("not hex")).isInstanceOf(IllegalStateException.class);
    }
}
