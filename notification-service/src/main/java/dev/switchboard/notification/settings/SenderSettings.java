package dev.switchboard.notification.settings;

import java.time.Instant;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * This service's projection of a tenant's sender settings, kept from {@code MailSettingsChanged}.
 *
 * @param mail the tenant's representative account, where customers' answers reach the tenant
 */
@Document(SenderSettings.COLLECTION)
public record SenderSettings(@Id String serviceId, String mail, String name, String displayMail, String template,
                             Instant updatedAt) {

    static final String COLLECTION = "sender_settings";
}
