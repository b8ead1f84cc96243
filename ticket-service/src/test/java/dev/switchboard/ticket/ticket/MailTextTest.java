package dev.switchboard.ticket.ticket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Mail fitted into a ticket's limits: cut with a note, never refused. */
class MailTextTest {

    @Test
    void anEmptySubjectIsNamedAndALongOneIsOneCutLine() {
        assertThat(MailText.subject(null)).isEqualTo("(no subject)");
        assertThat(MailText.subject(" \r\n ")).isEqualTo("(no subject)");
        assertThat(MailText.subject("Hello\r\n\tworld")).isEqualTo("Hello world");
        String long_ = MailText.subject("😀".repeat(200));
        assertThat(long_.length()).isLessThanOrEqualTo(TicketValidator.MAX_SUBJECT);
        assertThat(long_).endsWith("…");
        // no half of a surrogate pair is left before the ellipsis
        assertThat(Character.isHighSurrogate(long_.charAt(long_.length() - 2))).isFalse();
        assertThat(TicketValidator.oneLine(long_)).isTrue();
    }

    @Test
    void aNameIsOneLineAndAnAddressMustLookLikeOne() {
        assertThat(MailText.name("Kim\u2028Lee")).isEqualTo("Kim Lee");
        assertThat(MailText.name("  ")).isNull();
        assertThat(MailText.name("n".repeat(300))).hasSize(MailText.MAX_NAME);
        assertThat(MailText.address("kim@example.com")).isEqualTo("kim@example.com");
        assertThat(MailText.address("undisclosed-recipients")).isNull();
        assertThat(MailText.address(null)).isNull();
    }

    @Test
    void contentKeepsTextAndNotesWithinTheLimit() {
        assertThat(MailText.content("Hello", List.of())).isEqualTo("Hello");
        assertThat(MailText.content("", List.of("Not attached: a.zip: too large"))).isEqualTo("Not attached: a.zip: too large");
        assertThat(MailText.content("Hello", List.of("n1", "n2"))).isEqualTo("Hello\n\nn1\nn2");

        String cut = MailText.content("z".repeat(70_000), Collections.nCopies(500, "Not attached: file.bin: too large"));
        assertThat(cut.length()).isLessThanOrEqualTo(TicketValidator.MAX_CONTENT);
        assertThat(cut).contains("The message was 70000 characters long").endsWith("[…more parts not attached]");

        String exact = "e".repeat(TicketValidator.MAX_CONTENT);
        assertThat(MailText.content(exact, List.of())).isEqualTo(exact);
    }
}
