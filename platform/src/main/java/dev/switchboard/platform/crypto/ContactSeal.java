package dev.switchboard.platform.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;


/**
 * Seals where a customer is mailed for the ticket events, and opens it again: ticket-service seals, notification-
 * service (the one consumer that mails customers) opens, both with the contact key they share (a Tink AEAD keyset,
 * AES-256-GCM), bound to the tenant and ticket as associated data. The event stream, which analytics also reads and
 * Kafka keeps on disk, never holds the address in clear, and no other component can open it.
 *
 * <p>A shared key gives the protection public-key sealing gave here: the sealing side holds every contact in clear
 * anyway (it is the ticket's owner), so the private half only ever protected the contacts from ticket-service,
 * which already has them. It costs microseconds where HPKE's two X25519 multiplications per seal and one per
 * opening, and the JSON inside, were about a tenth of the CPU a mail took in notification-service.
 *
 * <p>Wire format: a format byte, then the AEAD ciphertext (Tink's own prefix with the key id, so keys rotate) of
 * the address and the name, each as a length-prefixed UTF-8 string (the name may be absent). Contacts sealed by
 * earlier versions (HPKE over JSON, starting with Tink's prefix byte {@code 0x01}) open with the HPKE private keyset
 * they were sealed for, when it is configured: they may still sit on the topic or in the delivery log.
 */
public final class ContactSeal {

    /** The first byte of a contact sealed with the shared key; one sealed with HPKE starts with Tink's 0x01. */
    static final byte SHARED_KEY = 0x02;
    private static final byte TINK_PREFIX = 0x01;
    /** Longer than any address or name a ticket accepts, by far; the length prefix is two bytes. */
    private static final int MAX_FIELD_BYTES = 0xFFFF;

    private final SecretBox box;
    private final HybridSeal.Opener earlier;

    /** Seals and opens with the shared contact key (Tink AEAD keyset, JSON). */
    public ContactSeal(String keysetJson) {
        this(keysetJson, null);
    }

    /**
     * @param earlierPrivateKeyset the HPKE private keyset contacts were sealed for before the shared key, or null
     *                             when none can be left (those then do not open)
     */
    public ContactSeal(String keysetJson, String earlierPrivateKeyset) {
        this.box = new SecretBox(keysetJson);
        this.earlier = earlierPrivateKeyset == null || earlierPrivateKeyset.isBlank() ? null
                : new HybridSeal.Opener(earlierPrivateKeyset);
    }

    public ByteBuffer seal(SealedContact contact, String serviceId, String ticketId) {
        byte[] email = utf8(contact.email(), "address");
        byte[] name = contact.username() == null ? null : utf8(contact.username(), "name");
        var plain = ByteBuffer.allocate(2 + email.length + 1 + (name == null ? 0 : 2 + name.length));
        plain.putShort((short) email.length).put(email);
        if (name == null) {
            plain.put((byte) 0);
        } else {
            plain.put((byte) 1).putShort((short) name.length).put(name);
        }
        byte[] ciphertext = box.seal(plain.array(), SealedContact.context(serviceId, ticketId));
        return ByteBuffer.allocate(1 + ciphertext.length).put(SHARED_KEY).put(ciphertext).flip();
    }

    /** The contact, when it opens for this tenant and ticket; else an {@link IllegalStateException}. */
    public SealedContact open(ByteBuffer sealed, String serviceId, String ticketId) {
        var bytes = sealed.duplicate();
        if (!bytes.hasRemaining()) {
            throw new IllegalStateException("A sealed contact is empty");
        }
        byte format = bytes.get(bytes.position());
        if (format == TINK_PREFIX) {
            if (earlier == null) {
                throw new IllegalStateException("A contact sealed with HPKE, and no HPKE keyset is configured to open it");
            }
            return SealedContact.openHpke(earlier, bytes, serviceId, ticketId);
        }
        if (format != SHARED_KEY) {
            throw new IllegalStateException("A sealed contact has an unknown format " + format);
        }
        byte[] ciphertext = new byte[bytes.remaining() - 1];
        bytes.position(bytes.position() + 1).get(ciphertext);
        // a wrong key or context fails here, as the box says
        var plain = ByteBuffer.wrap(box.openBytes(ciphertext, SealedContact.context(serviceId, ticketId)));
        try {
            String email = string(plain);
            String name = plain.get() == 0 ? null : string(plain);
            return new SealedContact(email, name);
        } catch (RuntimeException e) {
            // authenticated but not in this layout: sealed by something else with the same key
            throw new IllegalStateException("A sealed contact does not have the contact layout", e);
        }
    }

    private static byte[] utf8(String value, String what) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_FIELD_BYTES) {
            throw new IllegalArgumentException("A contact's " + what + " is too long to seal: " + bytes.length + " bytes");
        }
        return bytes;
    }

    private static String string(ByteBuffer plain) {
        int length = Short.toUnsignedInt(plain.getShort());
        String value = new String(plain.array(), plain.arrayOffset() + plain.position(), length, StandardCharsets.UTF_8);
        plain.position(plain.position() + length);
        return value;
    }
}
