package dev.switchboard.ticket.ticket;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ValidationFailureTest {

    @Test
    void aHugeRefusedValueIsEchoedShortened() {
        var failure = TicketRequests.ValidationFailure.of("usercode", "", "length", "u".repeat(100_000));
        assertThat((String) failure.rejectValue()).hasSize(TicketRequests.ValidationFailure.ECHOED + 1).endsWith("…");
        assertThat(TicketRequests.ValidationFailure.of("mail", "3", "invalid", "a@b").rejectValue()).isEqualTo("a@b");
        assertThat(TicketRequests.ValidationFailure.of("category", "1", "required", null).rejectValue()).isEqualTo("");
    }
}
