package dev.switchboard.account.mail;

import java.util.List;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Wire bodies of {@code mail.json}. */
final class MailSettingsRequests {

    private MailSettingsRequests() {
    }

    /** Save email information: sender name, display address and layout template. */
    record SaveMailSettingsRequest(
            // the name becomes the display name of every mail's From header: one line, no control characters
            @Size(max = 45, message = "must be at most 45 characters")
            @Pattern(regexp = "[^\\p{Cntrl}]*", message = "must be one line without control characters") String name,
            @NotBlank @Size(max = 254) @Email(regexp = "[^@\\s]+@[^@\\s]+\\.[^@\\s]+", message = "must be a valid mail address") String displayMail,
            @NotBlank @Size(max = 65536, message = "must be at most 64 KiB")
            @Pattern(regexp = "(?s).*#\\{content}.*", message = "must contain #{content}") String template) {
    }

    /** Email information as the vendor returns it; {@code external} lists the tenant's external accounts. */
    record MailSettingsView(String displayMail, List<?> external, String mail, String name, String template,
                            Long updatedDt) {
    }
}
