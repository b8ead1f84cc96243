package dev.switchboard.attachment.files;

import java.time.Instant;
import java.util.List;

import org.bson.types.ObjectId;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import dev.switchboard.platform.outbox.PendingEvent;

/**
 * A stored file's metadata; the bytes are the GridFS file {@code fileId}. {@code state} is stored, expiring
 * (claimed by one instance's sweep since {@code claimedAt}) or deleted (a tombstone that carries its event).
 */
@Document(Attachment.COLLECTION)
record Attachment(@Id String attachmentId, String serviceId, String fileName, String contentType, long size,
                  ObjectId fileId, String state, String ticketId, Instant createdAt, Instant expiresAt,
                  Instant claimedAt, List<PendingEvent> pendingEvents) {

    static final String COLLECTION = "attachments";
    static final String STORED = "stored";
    static final String EXPIRING = "expiring";
    static final String DELETED = "deleted";
}
