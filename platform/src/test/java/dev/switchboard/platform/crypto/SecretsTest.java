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
    void edgeSealOpensOnlyWithThePrivateKeyset() {
        var pair = Keysets.newEdgeKeyPair();
        assertThat(pair.publicKeyset()).isNotEqualTo(pair.privateKeyset());
        byte[] sealed = new EdgeSeal.Sealer(pair.publicKeyset()).seal("key-1", "demo");
        assertThat(new EdgeSeal.Opener(pair.privateKeyset()).open(sealed, "demo")).isEqualTo("key-1");
        var otherPair = Keysets.newEdgeKeyPair();
        assertThatThrownBy(() -> new EdgeSeal.Opener(otherPair.privateKeyset()).open(sealed, "demo"))
                .isInstanceOf(IllegalStateException.class);
    }
}
