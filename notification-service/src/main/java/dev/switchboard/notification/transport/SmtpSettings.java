package dev.switchboard.notification.transport;

import java.time.Instant;
import java.util.Locale;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A tenant's SMTP settings as stored: one document per tenant, the fields of the Webitel settings flattened,
 * the password sealed.
 *
 * @param id             24-hex ObjectId, shown as {@code _id}
 * @param serviceId      the tenant (unique)
 * @param domain         the {@code domain} query parameter of the last create or update, as given
 * @param provider       always {@code smtp}
 * @param user           login, or null without authentication
 * @param sealedPassword the password sealed for {@link #passwordContext}, or null without authentication
 * @param version        grows with every change: the time of the change in milliseconds, or one more than before
 *                       if that is not more; so settings deleted and created again never repeat a version
 */
@Document(SmtpSettings.COLLECTION)
record SmtpSettings(@Id String id, String serviceId, String domain, String provider, String description, String from,
                    String host, int port, boolean secure, boolean debug, boolean rejectUnauthorized, String user,
                    byte[] sealedPassword, long version, Instant createdAt, Instant updatedAt) {

    static final String COLLECTION = "smtp_settings";

    /**
     * Associated data of a sealed password: the tenant, and the server and login it was given for. A password
     * copied to another tenant, or kept while the host, port or user changes, does not open, so a stored
     * secret is only ever sent to the server it was stored for.
     */
    static String passwordContext(String serviceId, String host, int port, String user) {
        return "smtp-settings-password:" + serviceId + ":" + host.toLowerCase(Locale.ROOT) + ":" + port + ":" + user;
    }

    /** Whether a stored password may be kept for these settings: same host (any case), port and user. */
    boolean sameServerAndUser(String otherHost, int otherPort, String otherUser) {
        return host.equalsIgnoreCase(otherHost) && port == otherPort && user != null && user.equals(otherUser);
    }
}
