package dev.switchboard.account.mail;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import jakarta.validation.Validation;
import jakarta.validation.Validator;

class MailSettingsRequestsTest {

    private final Validator validator = Validation.buildDefaultValidatorFactory().getValidator();

    private boolean accepts(String name, String displayMail) {
        return validator.validate(new MailSettingsRequests.SaveMailSettingsRequest(name, displayMail,
                "<p>#{content}</p>")).isEmpty();
    }

    @Test
    void nothingThatReachesAFromHeaderMayBreakItsLine() {
        assertThat(accepts("Demo Support", "support@demo.example")).isTrue();
        assertThat(accepts("데모 지원", "support@demo.example")).isTrue();
        assertThat(accepts("Demo\r\nBcc: victim@example.com", "support@demo.example")).isFalse();
        assertThat(accepts("Demo\nSupport", "support@demo.example")).isFalse();
        assertThat(accepts("Demo\u0000", "support@demo.example")).isFalse();
        assertThat(accepts("Demo", "support@demo.example\r\nBcc: victim@example.com")).isFalse();
    }
}
