package dev.switchboard.ticket.attachment;

import java.time.Instant;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/** What ticket-service knows of a stored file, from attachment-service's events. */
@Document(AttachmentFile.COLLECTION)
public record AttachmentFile(@Id String attachmentId, String serviceId, String fileName, String contentType, long size,
                             Instant createdAt, Instant expiresAt, boolean deleted) {

    static final String COLLECTION = "attachment_files";
}
