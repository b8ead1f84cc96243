package dev.switchboard.notification.preferences;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Wire bodies of the mail preferences, served beside the Webitel email settings and shaped like them. */
final class MailPreferencesBodies {

    private MailPreferencesBodies() {
    }

    /**
     * @param enabled whether the mail is sent
     * @param texts   the tenant's text per language code (two letters), replacing the platform's
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Acknowledgement(Boolean enabled,
                           @Size(max = 20) Map<@Size(min = 2, max = 2) String, @Size(max = 4000) String> texts) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Answer(Boolean enabled) {
    }

    /**
     * @param enabled    whether the administrators are told when a mailbox of the tenant is disabled
     * @param recipients their addresses, replacing the ones before
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Administrators(Boolean enabled,
                          @Size(max = 20) List<@NotBlank @Email @Size(max = 254) String> recipients) {
    }

    /** The body of GET and PUT: what each event sends. */
    record MailPreferencesBody(@Valid Acknowledgement acknowledgement, @Valid Answer answer,
                               @Valid Administrators administrators, String domain) {
    }
}
