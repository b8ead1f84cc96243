package dev.switchboard.ticket.ticket;

import java.util.regex.Pattern;

import dev.switchboard.platform.web.NhnApiException;

/**
 * The optional {@code Idempotency-Key} of ticket creation. A client that got no answer (a timeout, or a 500 after
 * the ticket was already stored) sends the request again with the same key and gets the ticket the first request
 * made, not a second one. The key names the attempt, not its content: the same key with another body still answers
 * with the first ticket.
 */
final class IdempotencyKeys {

    static final String HEADER = "Idempotency-Key";
    static final int MAX_LENGTH = 100;

    private static final Pattern VISIBLE_ASCII = Pattern.compile("[\\x21-\\x7E]{1," + MAX_LENGTH + "}");

    private IdempotencyKeys() {
    }

    /** The key as sent, null without one; anything but 1 to 100 visible ASCII characters is refused. */
    static String check(String header) {
        if (header == null) {
            return null;
        }
        if (!VISIBLE_ASCII.matcher(header).matches()) {
            throw NhnApiException.badRequest(HEADER + " must be 1 to " + MAX_LENGTH + " visible ASCII characters");
        }
        return header;
    }

    /**
     * What a ticket stores: the tenant and the key in one value (a key has no space, so it cannot be confused). One
     * field lets a sparse unique index hold exactly the tickets created with a key; an index over serviceId and the
     * key would hold every ticket (serviceId is always there) unless it is partial, and the local Mongo wire server
     * ignores partial filters.
     */
    static String scoped(String serviceId, String key) {
        return key == null ? null : serviceId + " " + key;
    }
}
