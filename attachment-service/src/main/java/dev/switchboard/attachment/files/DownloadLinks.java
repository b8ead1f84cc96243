package dev.switchboard.attachment.files;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.stereotype.Component;

/**
 * Signed, expiring download links. The vendor serves {@code /api/v2/ticket/attachments/{id}} to anybody who
 * knows the id; here that public path needs {@code expires} (epoch seconds) and {@code signature}
 * (HMAC-SHA256 over tenant, id, type and expiry), which only a signed API call hands out.
 */
@Component
class DownloadLinks {

    private final SecretKeySpec key;
    private final AttachmentProperties properties;
    private final Clock clock = Clock.systemUTC();

    DownloadLinks(AttachmentProperties properties) {
        this.properties = properties;
        this.key = new SecretKeySpec(properties.linkKey().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    record Link(String url, long expiresAt) {
    }

    Link issue(String serviceId, String attachmentId, String type) {
        long expires = clock.instant().plus(properties.linkTtl()).getEpochSecond();
        return new Link("/" + serviceId + "/api/v2/ticket/attachments/" + attachmentId + "?type=" + type + "&expires="
                + expires + "&signature=" + signature(serviceId, attachmentId, type, expires), expires * 1000);
    }

    /** Whether the link is genuine and unexpired; the signature is compared in constant time. */
    boolean valid(String serviceId, String attachmentId, String type, Long expires, String signature) {
        if (expires == null || signature == null || expires < clock.instant().getEpochSecond()) {
            return false;
        }
        byte[] expected = signature(serviceId, attachmentId, type, expires).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
    }

    private String signature(String serviceId, String attachmentId, String type, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] digest = mac.doFinal((serviceId + '\n' + attachmentId + '\n' + type + '\n' + expires)
                    .getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
