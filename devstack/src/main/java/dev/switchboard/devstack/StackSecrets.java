package dev.switchboard.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import dev.switchboard.platform.crypto.Keysets;
import tools.jackson.databind.json.JsonMapper;

/**
 * The secrets of one installation of the local stack. Production takes these from its secret store;
 * the local stack generates them once and keeps them (owner-only) beside its data, so that data
 * sealed in one run still opens in the next.
 */
public record StackSecrets(String edgeSecret, String operatorToken, String accountKeyset, String notificationKeyset,
                           String edgePrivateKeyset, String edgePublicKeyset, String attachmentLinkKey,
                           String ticketKeyset, String ticketHashKey, String contactPrivateKeyset,
                           String contactPublicKeyset, String inboundPrivateKeyset, String inboundPublicKeyset,
                           String contactKey) {

    private static final SecureRandom RANDOM = new SecureRandom();

    public static StackSecrets generate() {
        byte[] edge = new byte[32];
        RANDOM.nextBytes(edge);
        byte[] operator = new byte[24];
        RANDOM.nextBytes(operator);
        var edgeKeys = Keysets.newKeyPair();
        var contactKeys = Keysets.newKeyPair();
        var inboundKeys = Keysets.newKeyPair();
        return new StackSecrets(Base64.getEncoder().encodeToString(edge), HexFormat.of().formatHex(operator),
                Keysets.newAeadKeyset(), Keysets.newAeadKeyset(), edgeKeys.privateKeyset(), edgeKeys.publicKeyset(),
                Keysets.newHashKey(), Keysets.newAeadKeyset(), Keysets.newHashKey(), contactKeys.privateKeyset(),
                contactKeys.publicKeyset(), inboundKeys.privateKeyset(), inboundKeys.publicKeyset(),
                Keysets.newAeadKeyset());
    }

    /** Kept by an older version: the secrets it did not have yet are added, the others stay. */
    private StackSecrets completed() {
        var contactKeys = contactPrivateKeyset == null ? Keysets.newKeyPair()
                : new Keysets.KeyPair(contactPrivateKeyset, contactPublicKeyset);
        var inboundKeys = inboundPrivateKeyset == null ? Keysets.newKeyPair()
                : new Keysets.KeyPair(inboundPrivateKeyset, inboundPublicKeyset);
        return new StackSecrets(edgeSecret, operatorToken, accountKeyset, notificationKeyset, edgePrivateKeyset,
                edgePublicKeyset, attachmentLinkKey == null ? Keysets.newHashKey() : attachmentLinkKey,
                ticketKeyset == null ? Keysets.newAeadKeyset() : ticketKeyset,
                ticketHashKey == null ? Keysets.newHashKey() : ticketHashKey, contactKeys.privateKeyset(),
                contactKeys.publicKeyset(), inboundKeys.privateKeyset(), inboundKeys.publicKeyset(),
                contactKey == null ? Keysets.newAeadKeyset() : contactKey);
    }

    static StackSecrets loadOrCreate(Path file, JsonMapper json) {
        try {
            if (Files.exists(file)) {
                StackSecrets kept = json.readValue(file.toFile(), StackSecrets.class);
                StackSecrets completed = kept.completed();
                if (!completed.equals(kept)) {
                    json.writeValue(file.toFile(), completed);
                }
                return completed;
            }
            StackSecrets secrets = generate();
            Files.createDirectories(file.getParent());
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            json.writeValue(file.toFile(), secrets);
            return secrets;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep the local stack's secrets in " + file, e);
        }
    }

    @Override
    public String toString() {
        return "StackSecrets[********]";
    }
}
