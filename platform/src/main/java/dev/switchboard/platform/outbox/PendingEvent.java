package dev.switchboard.platform.outbox;

import java.time.Instant;

/**
 * An event waiting inside its aggregate document ({@code pendingEvents}) to be published. It is
 * written in the same document update as the state change that caused it, so the two cannot part.
 */
public record PendingEvent(String eventId, String topic, String key, String type, String serviceId,
                           byte[] payload, Instant createdAt) {
}
