package dev.switchboard.account.mail;

import java.time.Instant;
import java.util.List;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import dev.switchboard.platform.outbox.PendingEvent;

/** A tenant's representative account and sender settings (one document per tenant). */
@Document(MailSettings.COLLECTION)
record MailSettings(@Id String serviceId, String mail, String name, String displayMail, String template,
                    Instant updatedAt, List<PendingEvent> pendingEvents) {

    static final String COLLECTION = "mail_settings";
}
