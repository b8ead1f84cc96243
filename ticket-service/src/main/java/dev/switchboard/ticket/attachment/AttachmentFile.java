package dev.switchboard.ticket.attachment;

import java.time.Instant;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * What ticket-service knows of a stored file, from attachment-service's events. {@code retired}: no ticket
 * referenced it in time, so it cannot be attached any more (attachment-service keeps its bytes a while and a late
 * reference restores it); {@code deleted}: it is gone.
 */
@Document(AttachmentFile.COLLECTION)
public record AttachmentFile(@Id String attachmentId, String serviceId, String fileName, String contentType, long size,
                             Instant createdAt, Instant expiresAt, boolean retired, boolean deleted) {

    static final String COLLECTION = "attachment_files";
}
