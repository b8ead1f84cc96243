package dev.switchboard.notification.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MaskedAddressTest {

    @Test
    void keepsTheFirstCharacterAndTheDomainOnly() {
        assertThat(DeliveryService.masked("enduser_simple@nhn-st.com")).isEqualTo("e***@nhn-st.com");
        assertThat(DeliveryService.masked("a@b.example")).isEqualTo("a***@b.example");
        assertThat(DeliveryService.masked("\"odd@local\"@example.com")).isEqualTo("\"***@example.com");
        assertThat(DeliveryService.masked("no-at-sign")).isEqualTo("***");
        assertThat(DeliveryService.masked("@example.com")).isEqualTo("***");
    }

    @Test
    void analyticsSeesTheDomainOnly() {
        assertThat(DeliveryService.domainOnly("e***@NHN-st.com")).isEqualTo("***@nhn-st.com");
        assertThat(DeliveryService.domainOf("e***@NHN-st.com")).isEqualTo("nhn-st.com");
        assertThat(DeliveryService.domainOnly(null)).isEqualTo("***");
    }

    @Test
    void failureReasonsDoNotRepeatTheAddress() {
        var mail = new OutboundMail("ticket-ack:T1", "demo", "T1", "p", "Support", "s@demo.example", null, "Kim",
                "Kim.Lee@Example.com", "subject", "text", "<p>text</p>", "<T1.ack@x>", null, null, java.util.List.of(), null);
        var error = new org.springframework.mail.MailSendException("send failed",
                new jakarta.mail.SendFailedException("550 5.1.1 <kim.lee@example.com>: Recipient address rejected"));
        assertThat(DeliveryService.reason(error, mail))
                .isEqualTo("550 5.1.1 <K***@Example.com>: Recipient address rejected");
    }
}
