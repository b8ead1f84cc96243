package dev.switchboard.notification.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.NotBlank;

/**
 * Outbound mail settings of the platform.
 *
 * @param relay           the platform's SMTP relay, used for tenants without their own transport
 * @param defaultFromName sender name when a tenant has not set one
 * @param defaultFromMail sender address when a tenant has not set one
 * @param messageIdDomain right-hand side of the Message-IDs Switchboard generates
 * @param contactKeyset   private Tink HPKE keyset opening the customer contacts ticket events carry sealed
 *                        for this service (secret store: {@code SWITCHBOARD_NOTIFICATION_CONTACTKEYSET})
 * @param attachments     where answer mails get the files their reply attached
 */
@ConfigurationProperties("switchboard.notification")
@Validated
public record NotificationProperties(Relay relay,
                                     @DefaultValue("Switchboard") String defaultFromName,
                                     @DefaultValue("no-reply@switchboard.local") @NotBlank String defaultFromMail,
                                     @DefaultValue("switchboard.local") @NotBlank String messageIdDomain,
                                     @NotBlank String contactKeyset,
                                     @DefaultValue Attachments attachments) {

    /**
     * @param baseUrl     attachment-service, called with an edge token for the event's tenant
     * @param maxMailSize the most file content one mail carries; files beyond it are named in the text instead
     * @param timeout     per request to attachment-service
     */
    public record Attachments(@DefaultValue("http://127.0.0.1:8083") String baseUrl,
                              @DefaultValue("10MB") DataSize maxMailSize, @DefaultValue("10s") Duration timeout) {
    }

    /**
     * @param host           SMTP host
     * @param port           SMTP port
     * @param username       login, if the relay needs one
     * @param password       password, if the relay needs one (from the secret store)
     * @param startTls       require STARTTLS
     * @param connectTimeout connect timeout
     * @param readTimeout    read and write timeout
     */
    public record Relay(@DefaultValue("127.0.0.1") String host, @DefaultValue("25") int port, String username,
                        String password, @DefaultValue("false") boolean startTls,
                        @DefaultValue("5s") Duration connectTimeout, @DefaultValue("10s") Duration readTimeout) {

        @Override
        public String toString() {
            return "Relay[" + host + ":" + port + ", username=" + username + ", password=********]";
        }
    }

    @Override
    public String toString() {
        return "NotificationProperties[relay=" + relay + ", defaultFromMail=" + defaultFromMail + ", contactKeyset=********]";
    }
}
