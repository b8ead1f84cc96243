package dev.switchboard.platform.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

class ContactSealTest {

    private final String key = Keysets.newAeadKeyset();
    private final ContactSeal seal = new ContactSeal(key);

    @Test
    void aContactOpensOnlyForItsTenantAndTicketWithTheSharedKey() {
        var contact = new SealedContact("kim@example.com", "Kim Lee");
        ByteBuffer sealed = seal.seal(contact, "demo", "T1");
        assertThat(new String(bytes(sealed), StandardCharsets.ISO_8859_1)).doesNotContain("kim@example.com")
                .doesNotContain("Kim Lee");
        assertThat(new ContactSeal(key).open(sealed, "demo", "T1")).isEqualTo(contact);
        assertThatThrownBy(() -> seal.open(sealed, "demo", "T2")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> seal.open(sealed, "other", "T1")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new ContactSeal(Keysets.newAeadKeyset()).open(sealed, "demo", "T1"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void opensWhatItSealsWithoutANameAndWithAnyCharacters() {
        var nameless = new SealedContact("kim@example.com", null);
        assertThat(seal.open(seal.seal(nameless, "demo", "T1"), "demo", "T1")).isEqualTo(nameless);
        var unusual = new SealedContact("김@예시.한국", "Zoë \"Ⅻ\" 李 😀");
        assertThat(seal.open(seal.seal(unusual, "demo", "T1"), "demo", "T1")).isEqualTo(unusual);
        var empty = new SealedContact("", "");
        assertThat(seal.open(seal.seal(empty, "demo", "T1"), "demo", "T1")).isEqualTo(empty);
    }

    @Test
    void everySealHasItsOwnNonceAndLeavesTheCallersBufferAlone() {
        var contact = new SealedContact("kim@example.com", "Kim");
        ByteBuffer first = seal.seal(contact, "demo", "T1");
        ByteBuffer second = seal.seal(contact, "demo", "T1");
        assertThat(bytes(first)).isNotEqualTo(bytes(second));
        int position = first.position();
        seal.open(first, "demo", "T1");
        assertThat(first.position()).isEqualTo(position);
    }

    @Test
    void aContactSealedWithHpkeBeforeOpensWithTheKeysetItWasSealedFor() {
        var stored = ByteBuffer.wrap(Base64.getDecoder().decode(HybridSealTest.STORED_CONTACT));
        var withEarlier = new ContactSeal(key, HybridSealTest.STORED_PRIVATE_KEYSET);
        assertThat(withEarlier.open(stored, "demo", "T1")).isEqualTo(new SealedContact("kim@example.com", "Kim"));
        assertThatThrownBy(() -> withEarlier.open(stored, "demo", "T2")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> seal.open(stored, "demo", "T1")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("HPKE");
        // and the new format still opens beside it
        var contact = new SealedContact("kim@example.com", "Kim");
        assertThat(withEarlier.open(withEarlier.seal(contact, "demo", "T1"), "demo", "T1")).isEqualTo(contact);
    }

    @Test
    void whatIsNotASealedContactIsRefusedAsSuch() {
        assertThatThrownBy(() -> seal.open(ByteBuffer.allocate(0), "demo", "T1"))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> seal.open(ByteBuffer.wrap(new byte[] {7, 1, 2, 3}), "demo", "T1"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("format");
        byte[] tampered = bytes(seal.seal(new SealedContact("kim@example.com", "Kim"), "demo", "T1"));
        tampered[tampered.length - 1] ^= 1;
        assertThatThrownBy(() -> seal.open(ByteBuffer.wrap(tampered), "demo", "T1"))
                .isInstanceOf(IllegalStateException.class);
        // authentic under the key but not a contact (another use of the same keyset): refused, not misread
        byte[] other = new SecretBox(key).seal("x", SealedContact.context("demo", "T1"));
        byte[] framed = ByteBuffer.allocate(other.length + 1).put(ContactSeal.SHARED_KEY).put(other).array();
        assertThatThrownBy(() -> seal.open(ByteBuffer.wrap(framed), "demo", "T1"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("layout");
    }

    @Test
    void anAddressTooLongForTheLayoutIsRefusedNotCut() {
        var huge = new SealedContact("k".repeat(70_000) + "@example.com", null);
        assertThatThrownBy(() -> seal.seal(huge, "demo", "T1")).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
