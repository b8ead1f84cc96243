package dev.switchboard.ticket.ticket;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.NotBlank;

/**
 * The keys protecting customers' personal data in tickets; they come from the secret store (environment
 * {@code SWITCHBOARD_TICKET_PERSONALDATA_KEYSET} and {@code SWITCHBOARD_TICKET_PERSONALDATA_HASHKEY}).
 *
 * @param keyset  Tink AEAD keyset (JSON) sealing e-mail, phone, the name when its field says so, and
 *                user fields marked {@code encrypt}
 * @param hashKey HMAC-SHA256 key (hex, at least 32 bytes) of the keyed hashes the list filters look up
 * @param contactKey the Tink AEAD keyset shared with notification-service only: events carry where to mail sealed
 *                with it ({@code SWITCHBOARD_TICKET_PERSONALDATA_CONTACTKEY}, the same value as notification-service's
 *                {@code SWITCHBOARD_NOTIFICATION_CONTACTKEY})
 */
@ConfigurationProperties("switchboard.ticket.personal-data")
@Validated
record PersonalDataKeys(@NotBlank String keyset, @NotBlank String hashKey, @NotBlank String contactKey) {

    @Override
    public String toString() {
        return "PersonalDataKeys[********]";
    }
}
