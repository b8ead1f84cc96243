package dev.switchboard.ticket.ticket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.switchboard.ticket.ticket.TicketRequests.AttachmentBody;
import dev.switchboard.ticket.ticket.TicketRequests.CreateTicketRequest;
import dev.switchboard.ticket.ticket.TicketRequests.EndUserBody;
import dev.switchboard.ticket.ticket.TicketRequests.ValidationFailure;

class TicketValidatorTest {

    final TicketValidator validator = new TicketValidator();

    static CreateTicketRequest request(String subject, String content, EndUserBody endUser, List<AttachmentBody> attachments,
                                       String source) {
        return new CreateTicketRequest(2542L, subject, content, endUser, attachments, null, null, "ko", source, null);
    }

    static EndUserBody customer() {
        return new EndUserBody("st18888", "enduser_simple@nhn-st.com", "이름", "13333333333");
    }

    List<String> keys(CreateTicketRequest request) {
        return validator.validate(request).stream().map(ValidationFailure::key).toList();
    }

    @Test
    void acceptsTheSeedTicket() {
        assertThat(validator.validate(request("유형", "문의내용", customer(), List.of(new AttachmentBody("a")), "web"))).isEmpty();
    }

    @Test
    void subjectIsRequiredAndAtMost255Characters() {
        assertThat(keys(request(" ", "c", customer(), null, null))).containsExactly("validate.ticket.subject.required");
        assertThat(validator.validate(request("x".repeat(255), "c", customer(), null, null))).isEmpty();
        assertThat(keys(request("x".repeat(256), "c", customer(), null, null))).containsExactly("validate.ticket.subject.length");
    }

    @Test
    void contentIsRequired() {
        assertThat(keys(request("s", null, customer(), null, null))).containsExactly("validate.ticket.content.required");
    }

    @Test
    void mailIsRequiredAndValidAndNeedsAName() {
        assertThat(keys(request("s", "c", null, null, null))).containsExactly("validate.ticket.mail.required");
        assertThat(keys(request("s", "c", new EndUserBody(null, "not-a-mail", "A", null), null, null)))
                .containsExactly("validate.ticket.mail.invalid");
        assertThat(keys(request("s", "c", new EndUserBody(null, "a@example.com", "", null), null, null)))
                .containsExactly("validate.ticket.name.required");
    }

    @Test
    void phoneHasALengthAndCharacterRule() {
        assertThat(keys(request("s", "c", new EndUserBody(null, "a@example.com", "A", "1".repeat(21)), null, null)))
                .containsExactly("validate.ticket.phone.length");
        assertThat(keys(request("s", "c", new EndUserBody(null, "a@example.com", "A", "call me"), null, null)))
                .containsExactly("validate.ticket.phone.invalid");
    }

    @Test
    void atMostFiveAttachments() {
        var six = Collections.nCopies(6, new AttachmentBody("a"));
        assertThat(keys(request("s", "c", customer(), six, null))).containsExactly("validate.ticket.attachment.length");
        assertThat(validator.validate(request("s", "c", customer(), six.subList(0, 5), null))).isEmpty();
    }

    @Test
    void sourceIsOneOfTheVendorChannels() {
        assertThat(keys(request("s", "c", customer(), null, "fax"))).containsExactly("validate.ticket.source.invalid");
    }

    @Test
    void reportsEveryProblemAtOnceInTheVendorShape() {
        var failures = validator.validate(request("", "", new EndUserBody(null, "bad", "A", "x"), null, null));
        assertThat(failures).extracting(ValidationFailure::objectName)
                .containsExactly("subject", "content", "mail", "phone");
        ValidationFailure mail = failures.get(2);
        assertThat(mail.field()).isEqualTo("3");
        assertThat(mail.validate()).isEqualTo("invalid");
        assertThat(mail.message()).isEqualTo(mail.key());
        assertThat(mail.rejectValue()).isEqualTo("bad");
    }

    @Test
    void ticketIdsHaveTheVendorForm() {
        assertThat(TicketIds.next(Clock.systemUTC())).matches("T\\d{13}[A-Za-z]{5}");
    }
}
