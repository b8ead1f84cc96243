package dev.switchboard.attachment.files;

import java.time.Instant;
import java.util.List;

import org.bson.types.ObjectId;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import dev.switchboard.platform.outbox.PendingEvent;

/**
 * A stored file's metadata; the bytes are the GridFS file {@code fileId}. {@code state} is stored, retired (no
 * ticket referenced it in time: it is neither offered nor served, but its bytes are kept since {@code retiredAt}
 * in case a late reference restores it), expiring (its bytes are being removed by one instance since
 * {@code claimedAt}, for the {@code removal} reason) or deleted (a tombstone that carries its event).
 */
@Document(Attachment.COLLECTION)
record Attachment(@Id String attachmentId, String serviceId, String fileName, String contentType, long size,
                  ObjectId fileId, String state, String ticketId, Instant createdAt, Instant expiresAt,
                  Instant retiredAt, Instant claimedAt, String removal, List<PendingEvent> pendingEvents) {

    static final String COLLECTION = "attachments";
    static final String STORED = "stored";
    static final String RETIRED = "retired";
    static final String EXPIRING = "expiring";
    static final String DELETED = "deleted";

    /** Removal reasons: through the API (announced), or purged after retirement (announced when retired). */
    static final String REMOVED_BY_API = "deleted";
    static final String PURGED = "purged";
}
